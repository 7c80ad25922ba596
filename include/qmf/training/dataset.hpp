// A labelled data set in memory (the library reads no files: the program's
// IDX reader fills this), and the standardisation the trainer expects.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace qmf::training {

struct Dataset {
  Eigen::MatrixXf inputs;            // features x examples
  std::vector<std::uint8_t> labels;  // one per example, each < classes
};

/// Throws std::invalid_argument naming `what` unless there is at least one
/// example, one label per example, every label is below `classes` and every
/// input is finite.
void validate(const Dataset& data, int classes, const char* what);

/// The first `count` examples (all of them when count >= their number).
Dataset first_examples(const Dataset& data, long count);

/// Per-pixel standardisation with the training set's statistics: every
/// feature of both sets becomes (x - mean_train) / std_train, so each input
/// coordinate has mean 0 and variance 1 over the training set (a feature that
/// is constant there is only centred). The mean squared input |x|^2 / inputs is
/// then ~1, which makes q^1 ~ sw2 + sb2.
void standardise_per_pixel(Dataset& train, Dataset& test);

}  // namespace qmf::training
