#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <utility>

namespace qmf::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() {
  // Clear the line so that later messages start at column 0.
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::operator()(int finished, int total) {
  if (!enabled_ || total <= 0) return;
  constexpr int width = 40;
  const int filled = width * finished / total;
  std::fprintf(stderr, "\r%s [%.*s%*s] %d/%d", label_.c_str(), filled,
               "########################################", width - filled, "", finished, total);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace qmf::cli
