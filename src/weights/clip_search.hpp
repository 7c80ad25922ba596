// The search over the clip behind fixed_quantizer_clip_supremum
// (qmf/weights/clip_supremum.hpp), apart so that a test can give it an
// objective with an interior maximum, which the mean field has not shown.
#pragma once

#include <functional>

#include "qmf/weights/clip_supremum.hpp"

namespace qmf::detail {

// The parser's largest clip, where the scan starts.
inline constexpr double largest_clip = 40.0;
// Clips 40 / 2^(k/2), k = 0..32: two points per octave down to 6e-4, where
// r is below 1e-3 of its value at the default clip 3 for every B.
inline constexpr int scanned_clips = 33;

/// The supremum over clip in (0, 40] of point(clip).chi_c, given the limit
/// of clip -> 0: the scan above, refined by Brent over ln clip within +-1
/// scan step of an interior best that beats the limit (attained there), else
/// the limit (not attained). The path is left empty.
ClipSupremum search_clip(const std::function<ClipPoint(double)>& point, const ClipPoint& limit);

}  // namespace qmf::detail
