#include "data/idx_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace qmf::cli {

namespace {

// The largest file the reader accepts: 2^31 pixel bytes (MNIST's is 47 MB).
constexpr double max_bytes = 2147483648.0;

class IdxFile {
 public:
  explicit IdxFile(std::string path) : path_(std::move(path)) {
    if (!std::filesystem::is_regular_file(path_)) fail("is not a readable file");
    file_ = gzopen(path_.c_str(), "rb");
    if (file_ == nullptr) fail("cannot be opened");
  }
  ~IdxFile() {
    if (file_ != nullptr) gzclose(file_);
  }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::invalid_argument("IDX file '" + path_ + "' " + problem);
  }

  // Exactly `size` bytes, or a message naming what was being read.
  void read(void* target, std::size_t size, const char* what) {
    auto* bytes = static_cast<unsigned char*>(target);
    std::size_t done = 0;
    while (done < size) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
      const int got = gzread(file_, bytes + done, chunk);
      if (got < 0) {
        int code = 0;
        fail(std::string("is corrupt (") + gzerror(file_, &code) + ")");
      }
      if (got == 0)
        fail(std::string("is truncated in its ") + what + " (" + std::to_string(done) + " of " +
             std::to_string(size) + " bytes)");
      done += static_cast<std::size_t>(got);
    }
  }

  std::uint32_t read_big_endian(const char* what) {
    unsigned char b[4];
    read(b, 4, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
  }

  // Sizes after checking the magic number 0x00000800 + dimensions.
  std::vector<std::uint32_t> header(unsigned dimensions) {
    const std::uint32_t magic = read_big_endian("header");
    if (magic != 0x800u + dimensions) {
      char text[64];
      std::snprintf(text, sizeof text, "has magic number 0x%08X (expected 0x%08X)", magic,
                    0x800u + dimensions);
      fail(text);
    }
    std::vector<std::uint32_t> sizes;
    double bytes = 1.0;
    for (unsigned d = 0; d < dimensions; ++d) {
      sizes.push_back(read_big_endian("header"));
      bytes *= sizes.back();
    }
    if (bytes == 0.0) fail("holds no data (a size is 0)");
    if (bytes > max_bytes) fail("is too large (more than 2^31 bytes of data)");
    return sizes;
  }

  void expect_end() {
    unsigned char extra = 0;
    if (gzread(file_, &extra, 1) != 0) fail("has bytes beyond its declared sizes");
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
};

// `name` or `name`.gz in `directory`.
std::string find_file(const std::string& directory, const std::string& name) {
  for (const std::string& candidate : {name, name + ".gz"}) {
    const auto path = std::filesystem::path(directory) / candidate;
    if (std::filesystem::exists(path)) return path.string();
  }
  throw std::invalid_argument("data directory '" + directory + "' has no " + name + "[.gz]");
}

training::Dataset read_set(const std::string& directory, const std::string& stem, long limit,
                           int classes) {
  const std::string images_path = find_file(directory, stem + "-images-idx3-ubyte");
  const std::string labels_path = find_file(directory, stem + "-labels-idx1-ubyte");
  const IdxImages images = read_idx_images(images_path);
  const std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
  if (static_cast<long>(labels.size()) != images.count)
    throw std::invalid_argument("IDX file '" + labels_path + "' has " +
                                std::to_string(labels.size()) + " labels but '" + images_path +
                                "' has " + std::to_string(images.count) + " images");
  for (const auto label : labels)
    if (label >= classes)
      throw std::invalid_argument("IDX file '" + labels_path + "' has label " +
                                  std::to_string(label) + " (at most " +
                                  std::to_string(classes - 1) + " allowed)");
  const long kept = std::min(limit, images.count);
  const long pixels = static_cast<long>(images.rows) * images.cols;
  training::Dataset set;
  set.inputs = Eigen::Map<const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>>(
                   images.pixels.data(), pixels, kept)
                   .cast<float>();
  set.labels.assign(labels.begin(), labels.begin() + kept);
  return set;
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
  IdxFile file(path);
  const auto sizes = file.header(3);
  IdxImages images{sizes[0], static_cast<int>(sizes[1]), static_cast<int>(sizes[2]), {}};
  images.pixels.resize(static_cast<std::size_t>(images.count) * sizes[1] * sizes[2]);
  file.read(images.pixels.data(), images.pixels.size(), "pixels");
  file.expect_end();
  return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  IdxFile file(path);
  std::vector<std::uint8_t> labels(file.header(1)[0]);
  file.read(labels.data(), labels.size(), "labels");
  file.expect_end();
  return labels;
}

LabelledSets read_idx_directory(const std::string& directory, long train_limit, long test_limit,
                                int classes, long pixels) {
  // Every problem with the data names the option it came from.
  try {
    LabelledSets sets{read_set(directory, "train", train_limit, classes),
                      read_set(directory, "t10k", test_limit, classes)};
    if (sets.train.inputs.rows() != sets.test.inputs.rows())
      throw std::invalid_argument("data directory '" + directory + "': training images have " +
                                  std::to_string(sets.train.inputs.rows()) +
                                  " pixels, test images " +
                                  std::to_string(sets.test.inputs.rows()));
    if (sets.train.inputs.rows() != pixels)
      throw std::invalid_argument("data directory '" + directory + "' holds images of " +
                                  std::to_string(sets.train.inputs.rows()) +
                                  " pixels; qmf's nets take " + std::to_string(pixels) +
                                  " (28 x 28, as MNIST and Fashion-MNIST)");
    return sets;
  } catch (const std::invalid_argument& problem) {
    throw std::invalid_argument(std::string("--data: ") + problem.what());
  }
}

}  // namespace qmf::cli
