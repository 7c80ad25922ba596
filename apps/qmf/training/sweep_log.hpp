// The results file of a sweep, PREFIX.jsonl: a first line with the arguments
// every cell shares, then one JSON line per finished cell. Each line is
// written by one write() and fsync()ed, so a killed sweep leaves whole lines
// and at most one partial last line, which a rerun drops before appending.
#pragma once

#include <map>
#include <string>

#include "cli/output.hpp"

namespace qmf::cli {

class SweepLog {
 public:
  /// Reads `path` if it exists (nothing is written before the first append).
  /// Throws std::invalid_argument if the file was made with other shared
  /// arguments or holds a line that is not a JSON object.
  SweepLog(std::string path, Json shared);

  /// The finished cell with this key, or nullptr.
  [[nodiscard]] const Json* find(const Json& key) const;
  /// Records a finished cell (its "key" member identifies it).
  void append(const Json& cell);
  [[nodiscard]] std::size_t size() const { return cells_.size(); }

 private:
  std::string path_;
  Json shared_;
  std::map<std::string, Json> cells_;  // by key.dump()
  long complete_bytes_ = 0;            // up to the end of the last whole line
};

}  // namespace qmf::cli
