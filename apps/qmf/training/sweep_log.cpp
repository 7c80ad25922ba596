#include "training/sweep_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace qmf::cli {

namespace {

constexpr const char* shared_member = "qmf_trainability_shared";

// The first shared argument whose value differs, for the error message.
std::string first_difference(const Json& there, const Json& here) {
  for (const auto& [key, value] : here.items())
    if (!there.contains(key) || there[key] != value)
      return key + ": " + (there.contains(key) ? there[key].dump() : "absent") + " there, " +
             value.dump() + " here";
  for (const auto& [key, value] : there.items())
    if (!here.contains(key)) return key + ": " + value.dump() + " there, absent here";
  return "";
}

void write_line(int fd, const std::string& line, const std::string& path) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t wrote = ::write(fd, line.data() + done, line.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(wrote);
  }
  if (::fsync(fd) != 0)
    throw std::runtime_error("cannot sync " + path + ": " + std::strerror(errno));
}

}  // namespace

SweepLog::SweepLog(std::string path, Json shared, Comparable comparable)
    : path_(std::move(path)), shared_(std::move(shared)), comparable_(comparable) {
  created_ = ::access(path_.c_str(), F_OK) != 0;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::invalid_argument("--out: cannot write " + path_ + " (" + std::strerror(errno) + ")");
  try {
    // A FIFO would block the read below, /dev/null refuse the truncation
    // after the first cell: refused before any training.
    struct stat info {};
    if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode))
      throw std::invalid_argument("--out: " + path_ + " is not a regular file");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
      throw std::invalid_argument(
          "--out: " + path_ +
          (errno == EWOULDBLOCK ? " is in use by another qmf run; wait for it or use another --out"
                                : std::string(" cannot be locked (") + std::strerror(errno) + ")"));
    read();
  } catch (...) {
    if (created_) ::unlink(path_.c_str());
    ::close(fd_);
    throw;
  }
}

SweepLog::~SweepLog() {
  if (created_ && complete_bytes_ == 0) ::unlink(path_.c_str());  // while still locked
  ::close(fd_);
}

void SweepLog::read() {
  std::string text;
  char buffer[1 << 16];
  for (ssize_t got; (got = ::read(fd_, buffer, sizeof buffer)) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      throw std::invalid_argument("--out: cannot read " + path_ + " (" + std::strerror(errno) +
                                  ")");
    text.append(buffer, static_cast<std::size_t>(got));
  }
  std::size_t start = 0;
  int line_number = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    ++line_number;
    const Json line = Json::parse(text.substr(start, end - start), nullptr, false);
    if (!line.is_object())
      throw std::invalid_argument("--out: " + path_ + " line " + std::to_string(line_number) +
                                  " is not a JSON object (not a qmf sweep file?)");
    if (line_number == 1) {
      if (!line.contains(shared_member))
        throw std::invalid_argument("--out: " + path_ + " is not a qmf sweep file");
      const std::string difference =
          comparable_ ? first_difference(comparable_(line[shared_member]), comparable_(shared_))
                      : first_difference(line[shared_member], shared_);
      if (!difference.empty())
        throw std::invalid_argument("--out: " + path_ + " was made with other shared arguments (" +
                                    difference + "); use another --out or the same arguments");
      continue;
    }
    if (!line.contains("key") || !line["key"].is_object())
      throw std::invalid_argument("--out: " + path_ + " line " + std::to_string(line_number) +
                                  " has no \"key\" object (not a cell of a qmf sweep)");
    cells_[line["key"].dump()] = line;
  }
  // Bytes after the last newline are a line cut short by a kill: dropped. The
  // first line and the first cell are written together, so a file without a
  // whole first line was not written by a sweep (or lost its first cell to a
  // kill): kept, not overwritten.
  if (line_number == 0 && start < text.size())
    throw std::invalid_argument("--out: " + path_ + " has no complete first line: not a qmf " +
                                "sweep file (remove it, or use another --out)");
  complete_bytes_ = static_cast<long>(start);
}

const Json* SweepLog::find(const Json& key) const {
  const auto it = cells_.find(key.dump());
  return it == cells_.end() ? nullptr : &it->second;
}

void SweepLog::append(const Json& cell) {
  if (::ftruncate(fd_, complete_bytes_) != 0 || ::lseek(fd_, complete_bytes_, SEEK_SET) < 0)
    throw std::runtime_error("cannot truncate " + path_ + ": " + std::strerror(errno));
  std::string text;
  if (complete_bytes_ == 0) text = Json{{shared_member, shared_}}.dump() + '\n';
  text += cell.dump() + '\n';
  write_line(fd_, text, path_);
  complete_bytes_ += static_cast<long>(text.size());
  cells_[cell.at("key").dump()] = cell;
}

std::string stopped_message(const std::string& prefix, std::size_t trained, std::size_t done,
                            std::size_t total) {
  std::string text = "stopped after " + std::to_string(trained) + " new cells (" +
                     std::to_string(done) + " of " + std::to_string(total) +
                     " done); rerun the same command to continue";
  if (::access((prefix + ".csv").c_str(), F_OK) == 0)
    text += " (" + prefix + ".csv, .json and the figure are still an earlier run's)";
  return text + '\n';
}

double total_seconds(const Json& cells) {
  double total = 0.0;
  for (const auto& cell : cells)
    if (cell.contains("seconds") && cell["seconds"].is_number())
      total += cell["seconds"].get<double>();
  return total;
}

}  // namespace qmf::cli
