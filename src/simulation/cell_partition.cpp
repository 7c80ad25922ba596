#include "simulation/cell_partition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "numerics/avx2_clones.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf::simulation {

namespace {
// Fine-grid cells for the first guess of an interval: enough that almost
// every grid cell lies inside one interval, so the walk rarely moves.
constexpr int guess_cells = 4096;
// More cells than this would outnumber the rows of any width worth the method.
constexpr double max_cells = 1 << 20;
}  // namespace

CellPartition::CellPartition(const Activation& phi, const StraightThrough& surrogate, int columns)
    : columns_(columns) {
  const auto* step = dynamic_cast<const StepActivation*>(&phi);
  if (step == nullptr)
    throw std::invalid_argument("method cells needs a step activation (got " + phi.spec() + ")");
  breaks_ = step->thresholds();
  for (const double end : {surrogate.lower(), surrogate.upper()})
    if (std::isfinite(end)) breaks_.push_back(end);
  std::sort(breaks_.begin(), breaks_.end());
  breaks_.erase(std::unique(breaks_.begin(), breaks_.end()), breaks_.end());
  const auto count = static_cast<int>(breaks_.size());
  if (std::pow(count + 1.0, columns) > max_cells)
    throw std::invalid_argument("method cells: " + std::to_string(count + 1) + "^" +
                                std::to_string(columns) + " cells are too many");
  cells_ = static_cast<int>(std::lround(std::pow(count + 1.0, columns)));

  const BackwardDerivative derivative(phi, surrogate);
  for (int k = 0; k <= count; ++k) {
    double centre = 0.0;
    if (count == 0)
      centre = 0.0;
    else if (k == 0)
      centre = breaks_.front() - 1.0;
    else if (k == count)
      centre = breaks_.back() + 1.0;
    else
      centre = 0.5 * (breaks_[k - 1] + breaks_[k]);
    centre_.push_back(centre);
    phi_.push_back(phi.value(centre));
    g_.push_back(derivative(centre));
  }

  const double inf = std::numeric_limits<double>::infinity();
  for (int k = 0; k <= count; ++k) {
    left_.push_back(k == 0 ? -inf : breaks_[k - 1]);
    right_.push_back(k == count ? inf : breaks_[k]);
  }
  // guess_[j] = the interval of the fine grid's point j; the grid reaches a
  // span beyond the outer breakpoints on either side, so that the tails'
  // guesses are right too.
  const double lo = count == 0 ? -1.0 : breaks_.front();
  const double hi = count == 0 ? 1.0 : breaks_.back();
  const double margin = std::max(hi - lo, 1.0);
  grid_start_ = lo - margin;
  grid_scale_ = guess_cells / (hi - lo + 2.0 * margin);
  grid_last_ = std::nextafter(static_cast<double>(guess_cells), 0.0);
  guess_.resize(guess_cells + 1);
  int k = 0;
  for (int j = 0; j <= guess_cells; ++j) {
    const double x = grid_start_ + j / grid_scale_;
    while (k < count && x >= breaks_[k]) ++k;
    guess_[j] = k;
  }
}

namespace {
// The guesses of a block, branch-free so that it vectorises: the interval of
// the grid cell's left end where x lies strictly inside it, -2 where it does
// not (a breakpoint inside the grid cell, rounding next to its ends, NaN).
QMF_AVX2_CLONES void guess_intervals(const double* x, int* k, std::size_t n, const int* guess,
                                     const double* left, const double* right, double start,
                                     double scale, double last) {
  for (std::size_t i = 0; i < n; ++i) {
    double t = (x[i] - start) * scale;
    t = t >= 0.0 ? t : 0.0;
    t = t < last ? t : last;
    const int guessed = guess[static_cast<int>(t)];
    k[i] = (left[guessed] < x[i] && x[i] < right[guessed]) ? guessed : -2;
  }
}
}  // namespace

void CellPartition::classify(const double* x, int* k, std::size_t n) const {
  guess_intervals(x, k, n, guess_.data(), left_.data(), right_.data(), grid_start_, grid_scale_,
                  grid_last_);
  for (std::size_t i = 0; i < n; ++i)
    if (k[i] == -2) k[i] = walk(x[i], 0);
}

int CellPartition::walk(double x, int k) const {
  const int count = static_cast<int>(breaks_.size());
  while (k < count && x >= breaks_[k]) ++k;
  while (k > 0 && x < breaks_[k - 1]) --k;
  return (k > 0 && x == breaks_[k - 1]) ? -1 : k;
}

}  // namespace qmf::simulation
