#include "qmf/simulation/correlation_depth.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

namespace qmf {

namespace {

struct WindowSums {
  double early = 0.0, late = 0.0;
};

WindowSums window_sums(std::span<const double> d, int first, int last) {
  if (first < 0 || last >= static_cast<int>(d.size()) || last - first < 1)
    throw std::invalid_argument("correlation depth: the window needs two layers within the net");
  const int half = (last - first + 1) / 2;
  WindowSums s;
  for (int k = 0; k < half; ++k) s.early += d[first + k], s.late += d[last - k];
  return s;
}

DecayGap gap_of(const WindowSums& s) {
  if (!(s.late > 0.0)) return DecayGap::not_positive;
  return s.early > s.late ? DecayGap::none : DecayGap::not_decaying;
}

// The late half is the early one moved by `shift` layers (one more than
// half for an odd window).
double length_from(const WindowSums& s, int first, int last) {
  const int shift = last - first + 1 - (last - first + 1) / 2;
  return gap_of(s) == DecayGap::none ? shift / std::log(s.early / s.late) : std::nan("");
}

}  // namespace

double decay_length(std::span<const double> d, int first, int last) {
  return length_from(window_sums(d, first, last), first, last);
}

DecayGap decay_gap(std::span<const double> d, int first, int last) {
  return gap_of(window_sums(d, first, last));
}

DepthRatio correlation_depth_ratio(std::span<const double> mf,
                                   const std::vector<std::vector<double>>& batches,
                                   std::span<const int> sizes, int first, int last, int resamples,
                                   std::uint64_t seed) {
  const auto count = batches.size();
  if (count == 0 || sizes.size() != count)
    throw std::invalid_argument("correlation depth: one size per batch");
  // The window sums are linear in d, so a resample's sums are the weighted
  // sums of its batches' sums.
  std::vector<WindowSums> sums;
  WindowSums total;
  double nets = 0.0;
  for (std::size_t g = 0; g < count; ++g) {
    if (batches[g].size() != mf.size() || sizes[g] < 1)
      throw std::invalid_argument("correlation depth: every batch needs every layer and a net");
    sums.push_back(window_sums(batches[g], first, last));
    total.early += sizes[g] * sums.back().early, total.late += sizes[g] * sums.back().late;
    nets += sizes[g];
  }
  DepthRatio out;
  out.xi_mf = decay_length(mf, first, last);
  const WindowSums pooled{total.early / nets, total.late / nets};
  out.xi_sim = length_from(pooled, first, last);
  out.sim_gap = gap_of(pooled);
  out.mf_gap = decay_gap(mf, first, last);
  out.ratio = out.xi_sim / out.xi_mf;
  out.ratio_se = std::nan("");
  if (count < 2) return out;
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<std::size_t> pick(0, count - 1);
  double sum = 0.0, squares = 0.0;
  int resolved = 0;
  for (int b = 0; b < resamples; ++b) {
    WindowSums s;
    double weight = 0.0;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t g = pick(engine);
      s.early += sizes[g] * sums[g].early, s.late += sizes[g] * sums[g].late;
      weight += sizes[g];
    }
    const double ratio = length_from({s.early / weight, s.late / weight}, first, last) / out.xi_mf;
    if (std::isfinite(ratio)) sum += ratio, squares += ratio * ratio, ++resolved;
  }
  if (resolved < 2 || resolved < 0.99 * resamples) return out;
  const double mean = sum / resolved;
  out.ratio_se = std::sqrt(std::max(0.0, (squares - resolved * mean * mean) / (resolved - 1.0)));
  return out;
}

}  // namespace qmf
