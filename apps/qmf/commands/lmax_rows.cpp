#include "commands/lmax_rows.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "cli/level_list.hpp"
#include "qmf/numerics/line_fit.hpp"

namespace qmf::cli {

namespace {

Json line_fit_json(const LineFit& fit) {
  return {{"slope", number(fit.slope, "slope")},
          {"intercept", number(fit.intercept, "intercept")},
          {"stderr", number(fit.slope_stderr, "stderr")},
          {"r2", number(fit.r2, "r2")}};
}

// Each listed N costs about N + 4096 basic operations (sums over the N
// levels, repeated by a root search of fixed length), ~0.5 us each: 2..2000
// takes 4.6 s, one N = 2^20 of the Lloyd-Max family 0.5 s. The budget keeps
// any accepted list within a few minutes; 2..100000 (5e9) would take hours.
constexpr double max_level_work = 268435456.0;  // 2^28

}  // namespace

void add_fits(Json& out, const std::vector<int>& levels, DepthOptima& optima) {
  std::vector<double> x, y, x_spacing, y_spacing;
  for (int n : levels) {
    const auto& optimum = optima.at(n);
    x.push_back(std::log(n + 1.0));
    y.push_back(std::log(optimum.one_minus_chi_max));
    if (std::isnan(optimum.dtilde_opt)) continue;  // N = 2 has no spacing
    x_spacing.push_back(x.back());
    y_spacing.push_back(std::log(optimum.dtilde_opt));
  }
  if (x.size() < 3) throw std::invalid_argument("--fit needs at least 3 distinct N");
  out["fit"] = line_fit_json(fit_line(x, y));
  if (x_spacing.size() >= 3) out["dtilde_fit"] = line_fit_json(fit_line(x_spacing, y_spacing));
}

void require_bounded_work(const std::vector<int>& levels, const std::vector<int>& fit_levels) {
  std::vector<int> all = levels;
  all.insert(all.end(), fit_levels.begin(), fit_levels.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  double work = 0.0;
  for (int n : all) work += n + 4096.0;
  if (work > max_level_work)
    throw std::invalid_argument(
        "--levels, --fit: the listed N sum to " + format_number(std::round(work)) +
        " units of work (N + 4096 each), more than the limit " + format_number(max_level_work) +
        " (a few minutes); list fewer or smaller N");
}

}  // namespace qmf::cli
