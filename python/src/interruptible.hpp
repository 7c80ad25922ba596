// Ctrl-C during a long library call (review 30 Nov L). The calls release the
// GIL and may run for minutes; Python runs its signal handlers only between
// bytecodes, so a SIGINT waited for the call's end. The library polls a
// qmf::Interrupt between layers, grid points and quantizer sizes; the one made
// here takes the GIL back at most every 0.1 s on the thread that made the call,
// if that is Python's main thread (the only one that runs signal handlers),
// and runs the handlers (PyErr_CheckSignals). A handler that raises
// (KeyboardInterrupt for SIGINT, or whatever a user's handler raises) stops
// the computation, and its exception leaves the call instead of a result.
#pragma once

#include <pybind11/pybind11.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "qmf/interrupt.hpp"

namespace qmf::python {

namespace py = pybind11;

class SignalCheck {
 public:
  /// With the GIL held, on the thread that makes the call.
  SignalCheck();
  [[nodiscard]] const Interrupt& interrupt() const { return interrupt_; }
  /// With the GIL held, after the library threw qmf::interrupted: raises the
  /// exception the signal handler raised.
  [[noreturn]] void raise() const;

 private:
  // CLOCK_MONOTONIC_COARSE: a few ns per reading where steady_clock costs
  // 27 ns (this machine's kvm-clock), to a few ms, plenty for 0.1 s.
  struct Clock {
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<Clock, duration>;
    static time_point now();
  };
  // Touched by the calling thread only (the check returns at once elsewhere).
  struct Pending {
    std::thread::id caller = std::this_thread::get_id();
    Clock::time_point next;
    std::optional<py::error_already_set> error;
  };
  [[nodiscard]] static bool handler_raised(Pending& pending);
  std::shared_ptr<Pending> pending_ = std::make_shared<Pending>();
  Interrupt interrupt_;
};

/// work(interrupt) with the GIL released; a signal handler's exception
/// (KeyboardInterrupt) raised while it runs ends it within about 0.1 s plus
/// one polling step of the library.
template <class Work>
auto interruptible(Work&& work) {
  const SignalCheck check;
  try {
    const py::gil_scoped_release release;
    return work(check.interrupt());
  } catch (const interrupted&) {
    check.raise();
  }
}

}  // namespace qmf::python
