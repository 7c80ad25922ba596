// Carrying exceptions out of OpenMP parallel loops (library-internal).
//
// An exception that leaves a parallel region calls std::terminate (SIGABRT,
// issue 15 item 3). Each loop body runs through capture(): the first exception
// is kept, the iterations after it are skipped, and rethrow(), called after
// the region, hands it to the caller as if the loop had been serial.
#pragma once

#include <atomic>
#include <exception>
#include <mutex>

namespace qmf::detail {

class FirstException {
 public:
  template <class Body>
  void capture(Body&& body) noexcept {
    if (failed_.load(std::memory_order_relaxed)) return;
    try {
      body();
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }

  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::exception_ptr first_;
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
};

}  // namespace qmf::detail
