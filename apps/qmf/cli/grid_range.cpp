#include "cli/grid_range.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "qmf/kernel/phase_diagram.hpp"

namespace qmf::cli {

namespace {

template <class T>
bool parse_whole(const std::string& text, T& value) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && stop == end;
}

}  // namespace

std::vector<double> parse_grid_range(const std::string& text, const std::string& argument) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument(argument + ": " + why + " (got '" + text +
                                 "'; expected A:B:n, n evenly spaced values from A to B)");
  };
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? first : text.find(':', first + 1);
  if (second == std::string::npos || text.find(':', second + 1) != std::string::npos)
    throw fail("malformed range");
  double a = 0.0;
  double b = 0.0;
  long long n = 0;
  if (!parse_whole(text.substr(0, first), a) ||
      !parse_whole(text.substr(first + 1, second - first - 1), b) ||
      !parse_whole(text.substr(second + 1), n))
    throw fail("malformed range");
  if (!std::isfinite(a) || !std::isfinite(b)) throw fail("the ends must be finite");
  if (n < 1 || (n == 1 && a != b))
    throw fail("empty range: n must be at least 2 (or 1 with A = B)");
  if (n > 100000) throw fail("n is limited to 100000");
  // One rule for every range option: increasing (or constant). A decreasing
  // range would be the same grid backwards, which the sweeps' cells, resumes
  // and figures (cell extents, curves) all take in increasing order.
  if (b < a) throw fail("decreasing range: give the ends in increasing order, A <= B");
  return linear_grid(a, b, static_cast<int>(n));
}

}  // namespace qmf::cli
