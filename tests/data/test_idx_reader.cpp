// The program's IDX reader: Debian's Fashion-MNIST files when installed, and
// small files written here, raw and gzip-compressed, whole and corrupted.
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/idx_reader.hpp"

using namespace qmf::cli;
namespace fs = std::filesystem;

namespace {

std::vector<unsigned char> idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& sizes,
                                     long data_bytes, unsigned char value = 3) {
  std::vector<unsigned char> bytes;
  for (const std::uint32_t word : [&] {
         std::vector<std::uint32_t> words{magic};
         words.insert(words.end(), sizes.begin(), sizes.end());
         return words;
       }())
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back((word >> shift) & 0xffu);
  bytes.insert(bytes.end(), static_cast<std::size_t>(data_bytes), value);
  return bytes;
}

class Directory {
 public:
  Directory() : path_(fs::temp_directory_path() / ("qmf-idx-test-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~Directory() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::vector<unsigned char>& bytes,
                    bool gzip = false) const {
    const std::string file = (path_ / name).string();
    if (gzip) {
      gzFile out = gzopen(file.c_str(), "wb");
      gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(out);
    } else {
      std::ofstream(file, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
    }
    return file;
  }
  [[nodiscard]] std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// The message of the std::invalid_argument `f` throws ("" if none).
template <class F>
std::string failure(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("whole IDX files are read raw and gzip-compressed") {
  const Directory dir;
  for (const bool gzip : {false, true}) {
    const auto images = read_idx_images(dir.write("i", idx_bytes(0x803, {3, 2, 4}, 24), gzip));
    CHECK(images.count == 3);
    CHECK(images.rows == 2);
    CHECK(images.cols == 4);
    CHECK(images.pixels == std::vector<std::uint8_t>(24, 3));
    CHECK(read_idx_labels(dir.write("l", idx_bytes(0x801, {5}, 5, 7), gzip)) ==
          std::vector<std::uint8_t>(5, 7));
  }
}

TEST_CASE("corrupted IDX files are rejected with the file and the problem") {
  const Directory dir;
  for (const bool gzip : {false, true}) {
    const auto truncated = dir.write("t", idx_bytes(0x803, {3, 2, 4}, 23), gzip);
    CHECK(failure([&] { read_idx_images(truncated); }).find("truncated in its pixels") !=
          std::string::npos);
    CHECK(failure([&] { read_idx_images(truncated); }).find(truncated) != std::string::npos);
    const auto short_header = dir.write("h", idx_bytes(0x803, {3}, 0), gzip);
    CHECK(failure([&] { read_idx_images(short_header); }).find("truncated in its header") !=
          std::string::npos);
    const auto labels_as_images = dir.write("m", idx_bytes(0x801, {5}, 5), gzip);
    CHECK(failure([&] { read_idx_images(labels_as_images); }).find("magic number 0x00000801") !=
          std::string::npos);
    const auto extra = dir.write("x", idx_bytes(0x801, {5}, 6), gzip);
    CHECK(failure([&] { read_idx_labels(extra); }).find("beyond its declared sizes") !=
          std::string::npos);
  }
  CHECK(failure([&] { read_idx_labels(dir.path() + "/missing"); }).find("not a readable file") !=
        std::string::npos);
  // A gzip file cut in the middle of its compressed stream.
  const auto whole = dir.write("g", idx_bytes(0x803, {100, 28, 28}, 78400, 0), true);
  fs::resize_file(whole, fs::file_size(whole) / 2);
  CHECK_FALSE(failure([&] { read_idx_images(whole); }).empty());
}

TEST_CASE("a data directory needs agreeing image and label counts") {
  const Directory dir;
  dir.write("train-images-idx3-ubyte", idx_bytes(0x803, {4, 2, 2}, 16));
  dir.write("train-labels-idx1-ubyte.gz", idx_bytes(0x801, {4}, 4, 1), true);
  dir.write("t10k-images-idx3-ubyte", idx_bytes(0x803, {2, 2, 2}, 8));
  dir.write("t10k-labels-idx1-ubyte", idx_bytes(0x801, {3}, 3, 1));
  CHECK(failure([&] {
          read_idx_directory(dir.path(), 100, 100, 10, 4);
        }).find("has 3 labels but") != std::string::npos);
  dir.write("t10k-labels-idx1-ubyte", idx_bytes(0x801, {2}, 2, 1));
  const auto sets = read_idx_directory(dir.path(), 3, 100, 10, 4);
  CHECK(sets.train.inputs.cols() == 3);
  CHECK(sets.train.inputs.rows() == 4);
  CHECK(sets.test.labels.size() == 2);
  dir.write("t10k-labels-idx1-ubyte", idx_bytes(0x801, {2}, 2, 10));
  CHECK(failure([&] { read_idx_directory(dir.path(), 100, 100, 10, 4); }).find("has label 10") !=
        std::string::npos);
  // 2 x 2 images where the nets take 784 pixels; each problem names --data.
  dir.write("t10k-labels-idx1-ubyte", idx_bytes(0x801, {2}, 2, 1));
  const std::string size = failure([&] { read_idx_directory(dir.path(), 100, 100, 10, 784); });
  CHECK(size.rfind("--data: ", 0) == 0);
  CHECK(size.find("images of 4 pixels; qmf's nets take 784") != std::string::npos);
}

TEST_CASE("Debian's Fashion-MNIST files are read whole") {
  if (!fs::exists(default_data_directory)) {
    WARN("dataset-fashion-mnist not installed: skipped");
    return;
  }
  const auto sets = read_idx_directory(default_data_directory, 1L << 40, 1L << 40, 10, 784);
  CHECK(sets.train.inputs.cols() == 60000);
  CHECK(sets.test.inputs.cols() == 10000);
  CHECK(sets.train.inputs.rows() == 784);
  // Fashion-MNIST is balanced: 6000 training examples per class.
  std::vector<int> per_class(10, 0);
  for (const auto label : sets.train.labels) ++per_class[label];
  CHECK(per_class == std::vector<int>(10, 6000));
}
