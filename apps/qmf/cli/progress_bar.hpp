// A one-line progress bar on stderr, drawn only when stderr is a terminal so
// that logs and pipes stay clean (docs/cli.md).
#pragma once

#include <string>

namespace qmf::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Redraws the bar at finished / total.
  void operator()(int finished, int total);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace qmf::cli
