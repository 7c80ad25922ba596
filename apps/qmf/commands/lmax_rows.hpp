// qmf lmax at sigma_b = 0: the per-N optima (solved once each), the fits of
// ln(1 - chi_max) and ln D~_opt against ln(N + 1), the smallest N reaching a
// depth, and the bound on the work a level list may ask for.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "cli/output.hpp"
#include "qmf/depth/quantizer_depth.hpp"

namespace qmf::cli {

/// Each N is solved once however often the rows, the fit and the --depth search ask.
class OptimumCache {
 public:
  explicit OptimumCache(QuantizerFamily family) : family_(family) {}
  const DepthOptimum& at(int levels);

 private:
  QuantizerFamily family_;
  std::map<int, DepthOptimum> cache_;
};

/// Least squares of ln(1 - chi_max) ("fit") and of ln D~_opt ("dtilde_fit",
/// N >= 3 only) against ln(N + 1). Throws std::invalid_argument naming --fit
/// for fewer than 3 N.
void add_fits(Json& out, const std::vector<int>& levels, OptimumCache& cache);

/// The smallest N in [first, max_levels] with reaches(N), for reaches
/// monotone in N: doubling from `first`, then bisection; nullopt if none.
std::optional<int> smallest_levels(const std::function<bool(int)>& reaches, int first,
                                   int max_levels);

/// The smallest N with k xi_max(N) >= depth; throws std::invalid_argument
/// naming --depth when no N <= max_listed_levels reaches it.
int smallest_levels_reaching(double depth, double k, OptimumCache& cache);

/// Throws std::invalid_argument naming --levels, --fit when the listed N
/// would take more than a few minutes.
void require_bounded_work(const std::vector<int>& levels, const std::vector<int>& fit_levels);

}  // namespace qmf::cli
