#include "simulation/cell_partition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "qmf/activations/step_activation.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define QMF_CELLS_AVX512 1
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_pd() as the masked-off
// source and then warn that it may be uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace qmf::simulation {

namespace {
// Fine-grid cells: enough that almost every one lies inside one interval.
constexpr int grid_cells = 4096;
// A breakpoint closer than this fraction of a grid cell to the cell's end
// could be crossed by the rounding of the grid index (~1e-12 of a cell).
constexpr double edge_guard = 1e-6;
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

  build_grid();
}

// A fine grid over the breakpoints and a span beyond them on either side (the
// tails' cells then hold none). Each grid cell holds the interval at its left
// end and the breakpoint inside it, if any: x in the cell lies in interval
// base + (x >= split). The grid index of x may be off by one cell next to a
// cell's end (rounding of (x - start) scale), which only matters if a
// breakpoint lies that close to the end: such cells, and cells holding two
// breakpoints, are marked to be walked instead.
void CellPartition::build_grid() {
  const auto count = static_cast<int>(breaks_.size());
  const double lo = count == 0 ? -1.0 : breaks_.front();
  const double hi = count == 0 ? 1.0 : breaks_.back();
  const double margin = std::max(hi - lo, 1.0);
  grid_start_ = lo - margin;
  grid_scale_ = grid_cells / (hi - lo + 2.0 * margin);
  grid_last_ = std::nextafter(static_cast<double>(grid_cells), 0.0);
  const double inf = std::numeric_limits<double>::infinity();
  const double span = hi - lo + 2.0 * margin;
  if (!std::isfinite(span)) {
    // Breakpoints near the ends of the doubles (steps:t=1e308): no grid, every
    // value walked (correct, slower; such a partition is a test of limits).
    grid_start_ = 0.0;
    grid_scale_ = 0.0;
    grid_.assign(1, GridCell{inf, 0, true});
    grid_last_ = 0.0;
    return;
  }
  grid_.assign(grid_cells, GridCell{inf, 0, false});
  int k = 0;
  for (int j = 0; j < grid_cells; ++j) {
    const double left = grid_start_ + j / grid_scale_;
    while (k < count && left >= breaks_[k]) ++k;
    grid_[j].base = k;
  }
  for (const double b : breaks_) {
    const double t = (b - grid_start_) * grid_scale_;
    const auto j = std::min(static_cast<int>(t), grid_cells - 1);
    GridCell& cell = grid_[j];
    cell.walk = cell.walk || cell.split != inf;  // a second breakpoint in the cell
    cell.split = b;
    const double offset = t - j;  // the breakpoint's place in its cell, [0, 1)
    if (offset < edge_guard && j > 0) grid_[j - 1].walk = cell.walk = true;
    if (offset > 1.0 - edge_guard && j + 1 < grid_cells) grid_[j + 1].walk = cell.walk = true;
  }
}

void CellPartition::classify_scalar(const double* x, int* k, std::size_t n) const {
  const GridCell* grid = grid_.data();
  for (std::size_t i = 0; i < n; ++i) {
    double t = (x[i] - grid_start_) * grid_scale_;
    t = t >= 0.0 ? t : 0.0;  // also NaN: its row's sums are NaN, reported later
    t = t < grid_last_ ? t : grid_last_;
    const GridCell& cell = grid[static_cast<int>(t)];
    const int guess = cell.base + (x[i] >= cell.split ? 1 : 0);
    // Rare: a marked cell, or x on the breakpoint itself.
    k[i] = (cell.walk || x[i] == cell.split) ? walk(x[i], cell.base) : guess;
  }
}

#ifdef QMF_CELLS_AVX512
namespace {
// The intervals of 8 values at a time, counting the breakpoints at or below
// each (a compare and a masked add per breakpoint, no table): the scalar
// loop's answers, which redoes a group with a value on a breakpoint.
__attribute__((target("avx512f"))) void count_intervals_avx512(const CellPartition& partition,
                                                               const std::vector<double>& breaks,
                                                               const double* x, int* k,
                                                               std::size_t n) {
  const __m512i one = _mm512_set1_epi64(1);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d u = _mm512_loadu_pd(x + i);
    __m512i count = _mm512_setzero_si512();
    __mmask8 on = 0;
    for (const double b : breaks) {
      const __m512d v = _mm512_set1_pd(b);
      count = _mm512_mask_add_epi64(count, _mm512_cmp_pd_mask(u, v, _CMP_GE_OQ), count, one);
      on = static_cast<__mmask8>(on | _mm512_cmp_pd_mask(u, v, _CMP_EQ_OQ));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(k + i), _mm512_cvtepi64_epi32(count));
    if (on != 0) partition.classify_scalar(x + i, k + i, 8);
  }
  partition.classify_scalar(x + i, k + i, n - i);
}

bool has_avx512() {
  static const bool supported = __builtin_cpu_supports("avx512f") != 0;
  return supported;
}
}  // namespace
#endif

void CellPartition::classify(const double* x, int* k, std::size_t n) const {
#ifdef QMF_CELLS_AVX512
  // Counting costs a compare per breakpoint: worth it for the few of a
  // quantizer and its STE window (quant:16: 17), not for hundreds.
  if (breaks_.size() <= 40 && has_avx512()) {
    count_intervals_avx512(*this, breaks_, x, k, n);
    return;
  }
#endif
  classify_scalar(x, k, n);
}

int CellPartition::walk(double x, int k) const {
  const int count = static_cast<int>(breaks_.size());
  while (k < count && x >= breaks_[k]) ++k;
  while (k > 0 && x < breaks_[k - 1]) --k;
  return (k > 0 && x == breaks_[k - 1]) ? -1 : k;
}

}  // namespace qmf::simulation
