// The results file of a sweep, PREFIX.jsonl: a first line with the arguments
// every cell shares, then one JSON line per finished cell. Each line is
// written by one write() and fsync()ed, so a killed sweep leaves whole lines
// and at most one partial last line, which a rerun drops before appending.
// The file is opened (created if need be) and locked (flock) for the whole
// run, so an unwritable PREFIX fails before any training, and a second run on
// the same PREFIX is refused instead of interleaving its lines with ours.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "cli/output.hpp"

namespace qmf::cli {

class SweepLog {
 public:
  /// The shared arguments as compared: two spellings of the same run (an
  /// explicit default, another path to the same directory) made equal.
  using Comparable = Json (*)(Json);

  /// Opens and locks `path`, creating it if need be, and reads its cells.
  /// Throws std::invalid_argument (naming --out) if it cannot be written, is
  /// locked by another run, was made with other shared arguments (compared
  /// through `comparable`) or holds a line that is not a JSON object.
  SweepLog(std::string path, Json shared, Comparable comparable = nullptr);
  /// Releases the lock; a file this run created and never wrote to is removed.
  ~SweepLog();
  SweepLog(const SweepLog&) = delete;
  SweepLog& operator=(const SweepLog&) = delete;

  /// The finished cell with this key, or nullptr.
  [[nodiscard]] const Json* find(const Json& key) const;
  /// Records a finished cell (its "key" member identifies it).
  void append(const Json& cell);
  [[nodiscard]] std::size_t size() const { return cells_.size(); }

 private:
  void read();

  std::string path_;
  Json shared_;
  Comparable comparable_;
  int fd_ = -1;
  bool created_ = false;               // by this run: removed again if left empty
  std::map<std::string, Json> cells_;  // by key.dump()
  long complete_bytes_ = 0;            // up to the end of the last whole line
};

/// What a sweep stopped by --max-cells prints: the cells trained now and in
/// all, and, where PREFIX.csv exists, that it and the figure are an earlier
/// run's (they are rewritten only when the sweep is complete).
std::string stopped_message(const std::string& prefix, std::size_t trained, std::size_t done,
                            std::size_t total);

/// Runs `finish` (the tables and files of a finished sweep, read from its
/// recorded cells). A cell that lacks a field or holds one of another type
/// (an edited PREFIX.jsonl) throws std::invalid_argument naming --out and
/// `path` instead of the JSON library's internal error.
template <class Finish>
void finish_from_recorded_cells(const std::string& path, Finish finish) {
  try {
    finish();
  } catch (const Json::exception& e) {
    throw std::invalid_argument("--out: " + path + " holds a cell qmf cannot read (" + e.what() +
                                "); remove its line to train it again, or use another --out");
  }
}

/// The training time of a sweep: the sum of its cells' "seconds" (resumed
/// cells included, as recorded), PREFIX.json's "seconds".
double total_seconds(const Json& cells);

}  // namespace qmf::cli
