// Stopping a long computation from outside: a Ctrl-C in Python, a cancel
// button. The library knows nothing of signals or of who calls it; the caller
// hands it a check, and the long loops (layers of a net or of the maps, grid
// points, quantizer sizes) poll it between steps. A computation told to stop
// throws qmf::interrupted and returns nothing; results of computations that
// are not stopped do not depend on the check (it only decides whether to go on).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>

namespace qmf {

/// Thrown by a computation whose Interrupt said stop.
class interrupted : public std::runtime_error {
 public:
  interrupted() : std::runtime_error("interrupted") {}
};

/// A cancellation check shared by every thread of one computation. Copies
/// share it: once the check has said stop on one thread, every later poll()
/// on any thread throws, so that a parallel loop ends soon after.
class Interrupt {
 public:
  /// Returns true to stop. Called from every thread that runs a polled loop,
  /// as often as every layer of a net: it must be thread-safe and cheap (a
  /// check that does real work rate-limits itself).
  using Check = std::function<bool()>;

  /// Never stops, and polling it costs a test of a null pointer.
  Interrupt() = default;
  explicit Interrupt(Check check) : state_(std::make_shared<State>(std::move(check))) {}

  /// Throws qmf::interrupted when the check says stop, now or before.
  void poll() const {
    if (state_) state_->poll();
  }

 private:
  struct State {
    explicit State(Check c) : check(std::move(c)) {}
    void poll() {
      if (stopped.load(std::memory_order_relaxed) || (check && check())) {
        stopped.store(true, std::memory_order_relaxed);
        throw interrupted();
      }
    }
    Check check;
    std::atomic<bool> stopped{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace qmf
