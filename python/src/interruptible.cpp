#include "interruptible.hpp"

#include <ctime>

namespace qmf::python {

SignalCheck::Clock::time_point SignalCheck::Clock::now() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
  return time_point(std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec));
}

namespace {

// Long enough that taking the GIL back costs nothing measurable, short
// enough that Ctrl-C feels immediate.
constexpr std::chrono::milliseconds check_interval{100};

bool on_main_thread() {
  const py::object main = py::module_::import("threading").attr("main_thread")();
  return main.attr("ident").cast<unsigned long>() == PyThread_get_thread_ident();
}

}  // namespace

SignalCheck::SignalCheck() {
  // Elsewhere Python never runs a handler: the default Interrupt, never polled.
  if (!on_main_thread()) return;
  pending_->next = Clock::now() + check_interval;
  interrupt_ = Interrupt([pending = pending_] { return handler_raised(*pending); });
}

bool SignalCheck::handler_raised(Pending& pending) {
  if (std::this_thread::get_id() != pending.caller) return false;  // an OpenMP worker
  const auto now = Clock::now();
  if (now < pending.next) return false;
  pending.next = now + check_interval;
  const py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() == 0) return false;
  pending.error.emplace();  // takes the handler's exception out of Python's error state
  return true;
}

void SignalCheck::raise() const {
  if (pending_->error) throw *pending_->error;
  // qmf::interrupted from an Interrupt that is not this one's: still a stop.
  PyErr_SetNone(PyExc_KeyboardInterrupt);
  throw py::error_already_set();
}

}  // namespace qmf::python
