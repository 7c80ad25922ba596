// Child processes (gnuplot, or qmf itself for `qmf figures`) run without a
// shell, and a child never outlives an interrupted qmf.
#pragma once

#include <string>
#include <vector>

namespace qmf::cli {

/// While alive, SIGINT, SIGTERM and SIGHUP no longer end this process at once:
/// each is forwarded to the child run_child() is waiting for (if any) and
/// remembered, so that the caller can clean up (temporary files) and then end
/// by the same signal with end_process(). One guard at a time.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// Whether one of the signals came.
  [[nodiscard]] bool interrupted() const;
  /// Restores the signals' default actions and raises the one that came,
  /// which ends the process. Only when interrupted().
  [[noreturn]] void end_process() const;
};

struct ChildOptions {
  std::string directory;    // working directory; empty: this process's
  std::string output_path;  // stdout goes there; empty: inherited
  std::string error_path;   // stderr goes there; empty: inherited
};

/// Runs argv[0] (searched in PATH unless it contains a slash) with `argv` and
/// waits for it. Returns its wait status (see waitpid). Throws std::system_error
/// if it cannot be started (std::errc::no_such_file_or_directory: not found).
int run_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

}  // namespace qmf::cli
