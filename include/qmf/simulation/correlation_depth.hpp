// The correlation depth finite nets reach, beside the mean field's
// (docs/finite_width.md). It is read off the difference d^l = c_b^l - c_a^l of
// two input pairs' correlations, which removes the common finite-width shift
// of c and decays like exp(-l / xi), and it is estimated by one rule, on the
// same layers, from the simulated and from the mean-field d: a window that is
// not yet asymptotic then biases both alike, and their ratio compares like
// with like.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace qmf {

/// The decay length of d over layers first..last (indices into d): the
/// window's two halves of h = (last - first + 1) / 2 layers have sums S_1, S_2
/// (a middle layer of an odd window is left out), the second moved by s
/// layers from the first (h, or h + 1 for an odd window), and
/// xi = s / ln(S_1 / S_2), exact for d = A exp(-l / xi). Sums rather than a fit of ln d keep layers
/// where the noisy d falls to or below zero. NaN unless S_1 > S_2 > 0.
/// Throws std::invalid_argument unless 0 <= first, last < d.size() and the
/// window has at least two layers.
double decay_length(std::span<const double> d, int first, int last);

/// Why decay_length is NaN (none where it is not): the window's later half
/// sums to zero or less (d has fallen into the noise, or changed sign), or to
/// no less than the earlier half (d grows or stays flat over the window, as
/// in the transient near the input before the asymptotic decay).
enum class DecayGap { none, not_positive, not_decaying };

/// The DecayGap of decay_length(d, first, last); throws as it does.
DecayGap decay_gap(std::span<const double> d, int first, int last);

struct DepthRatio {
  double xi_sim = 0.0;                // decay length of the nets' mean d
  double xi_mf = 0.0;                 // decay length of the mean-field d on the same layers
  double ratio = 0.0;                 // xi_sim / xi_mf
  double ratio_se = 0.0;              // bootstrap standard error; NaN with one batch or unresolved
  DecayGap sim_gap = DecayGap::none;  // why xi_sim is NaN
  DecayGap mf_gap = DecayGap::none;   // why xi_mf is NaN
};

/// batches[g][l] is the mean of d at layer l over the sizes[g] nets of batch g.
/// xi_sim is the decay length of the size-weighted mean over the batches;
/// ratio_se the standard deviation of the ratio over `resamples` bootstrap
/// resamples of the batches (drawn with replacement, deterministic in seed),
/// NaN with one batch or when more than 1 % of the resamples have no decay
/// length. Throws std::invalid_argument on mismatched sizes.
DepthRatio correlation_depth_ratio(std::span<const double> mf,
                                   const std::vector<std::vector<double>>& batches,
                                   std::span<const int> sizes, int first, int last,
                                   int resamples = 2000, std::uint64_t seed = 1);

}  // namespace qmf
