// Reader of the IDX files of MNIST and its drop-in replacements (Fashion-MNIST,
// KMNIST, ...): big-endian magic 0x0000 08 DD (unsigned bytes, DD dimensions),
// DD big-endian 32-bit sizes, then the bytes. Files may be gzip-compressed or
// not (zlib reads both). Every problem is a std::invalid_argument naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qmf/training/dataset.hpp"

namespace qmf::cli {

struct IdxImages {
  long count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols, row-major
};

/// An idx3-ubyte file (magic 0x00000803).
IdxImages read_idx_images(const std::string& path);
/// An idx1-ubyte file (magic 0x00000801).
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

/// Where Debian's dataset-fashion-mnist package installs the four files.
inline const std::string default_data_directory = "/usr/share/datasets/fashion-mnist";

struct LabelledSets {
  training::Dataset train;
  training::Dataset test;
};

/// The four standard files of `directory` (train-images-idx3-ubyte,
/// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
/// each optionally ending in .gz), at most train_limit / test_limit examples of
/// each set (the first ones), pixels as floats 0..255, one example a column.
/// Checks that images and labels agree in number, both sets in image size
/// (`pixels` per image), and that every label is below `classes`.
LabelledSets read_idx_directory(const std::string& directory, long train_limit, long test_limit,
                                int classes, long pixels);

}  // namespace qmf::cli
