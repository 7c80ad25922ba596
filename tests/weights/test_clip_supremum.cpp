// The supremum of chi_c(c*) over the latent sw2 and the clip of bits:B
// weights (qmf/weights/clip_supremum.hpp) against a brute-force scan of the
// plane (clip, sw2): at each clip of a fixed list, the best chi_c of the
// fixed points the noisy maps reach from q = 1 (mean_field_fixed_point, not
// the library's search over q*) on a zoomed grid of ln sw2.
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/weights/clip_supremum.hpp"
#include "qmf/weights/weight_depth.hpp"
#include "support/noisy_chi.hpp"
#include "weights/clip_search.hpp"

namespace {

// The clips scanned: the parser's end 40, the default 3, the path's 1, 0.1,
// 0.01, and down to 1e-3.
const std::vector<double> scanned_clips = {40.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.001};

qmf::WeightSpec spec_at(const std::string& text, double clip) {
  return qmf::parse_weight_spec(text + ",clip=" + std::to_string(clip));
}

// The best chi_c over the latent sw2 at one clip: 101 points of ln(sw2 E[Q1 Q2])
// in [ln 0.2, ln 20] (the shared variance, so that the range holds the optimum
// however small the clip: the latent optimum grows like 1 / E[clip(z)^2]),
// then four zooms of 21 points onto +-1 step around the best. The last step,
// 4.6e-2 / 10^4 in ln sw2, leaves chi_c ~1e-12 below the flat top.
double scanned_best(const qmf::Activation& phi, const qmf::WeightSpec& spec, double sb2) {
  const auto unit = qmf::weight_prior(spec, 1.0);
  return qmf::testing::scanned_chi_maximum(phi, unit, sb2, std::log(0.2 / unit.variance),
                                           std::log(20.0 / unit.variance), 100)
      .second;
}

std::vector<double> scan(const qmf::Activation& phi, const std::string& text, double sb2) {
  std::vector<double> best;
  for (const double clip : scanned_clips)
    best.push_back(scanned_best(phi, spec_at(text, clip), sb2));
  return best;
}

// The scan at the path's clips against the library's path: 1e-10 (the
// scan's resolution, above).
void check_path(const qmf::ClipSupremum& best, const qmf::Activation& phi, const std::string& text,
                double sb2) {
  REQUIRE(best.path.size() == std::size(qmf::clip_path));
  for (const auto& point : best.path) {
    INFO("clip " << point.clip);
    CHECK(point.chi_c == Approx(scanned_best(phi, spec_at(text, point.clip), sb2)).epsilon(1e-10));
  }
}

}  // namespace

TEST_CASE("sb2 = 0, per-example rounding: the supremum chi_max(N) is approached as clip -> 0") {
  // On the scan chi_c rises at every step towards smaller clips and stays
  // below chi_max(N) of Gaussian weights, which it approaches as r -> 0
  // (|chi / chi_max - 1| <= r at the smallest clip, up to the scan's 1e-10).
  const auto phi = qmf::make_activation("quant:16");
  const auto gaussian = qmf::uniform_quantizer_optimum(16);
  for (const char* text :
       {"bits:2,rounding=stochastic-per-example", "bits:4,rounding=stochastic-per-example"}) {
    INFO(text);
    const auto best = qmf::clip_supremum(gaussian, qmf::parse_weight_spec(text));
    CHECK(best.clip_matters);
    CHECK_FALSE(best.attained);
    CHECK(std::isnan(best.clip));
    CHECK(best.chi_c == gaussian.chi_max);
    const auto scanned = scan(*phi, text, 0.0);
    for (std::size_t i = 0; i < scanned.size(); ++i) {
      INFO("clip " << scanned_clips[i] << ": scan " << scanned[i]);
      CHECK(scanned[i] < best.chi_c);
      if (i > 0) CHECK(scanned[i] > scanned[i - 1]);
    }
    const double r =
        qmf::weight_depth_optimum(gaussian, spec_at(text, scanned_clips.back())).noise_ratio;
    CHECK(1.0 - scanned.back() / best.chi_c <= r + 1e-10);
    check_path(best, *phi, text, 0.0);
  }
}

TEST_CASE("sb2 > 0: the fixed quantizer's supremum over (sw2, clip) against the scan") {
  // quant:8 at sb2 = 0.1. Per-example bits:2: the library's search (33 clips
  // and the limit clip -> 0) finds no interior maximum; the scan rises
  // towards smaller clips and stays below the Gaussian-weight optimum, the
  // reported supremum. Nearest bits:3: every clip gives the same chi_c.
  const auto phi = qmf::make_activation("quant:8");
  const double sb2 = 0.1;
  const auto gaussian = qmf::fixed_quantizer_optimum(8, sb2);
  SECTION("per-example rounding") {
    const std::string text = "bits:2,rounding=stochastic-per-example";
    const auto best = qmf::fixed_quantizer_clip_supremum(8, sb2, qmf::parse_weight_spec(text));
    CHECK(best.clip_matters);
    CHECK_FALSE(best.attained);
    CHECK(best.chi_c == gaussian.chi_c);
    const auto scanned = scan(*phi, text, sb2);
    for (std::size_t i = 0; i < scanned.size(); ++i) {
      INFO("clip " << scanned_clips[i] << ": scan " << scanned[i]);
      CHECK(scanned[i] < best.chi_c);
      if (i > 0) CHECK(scanned[i] > scanned[i - 1]);
    }
    CHECK(scanned.back() == Approx(best.chi_c).epsilon(1e-3));
    check_path(best, *phi, text, sb2);
  }
  SECTION("nearest rounding") {
    const std::string text = "bits:3,rounding=nearest";
    const auto best = qmf::fixed_quantizer_clip_supremum(8, sb2, qmf::parse_weight_spec(text));
    CHECK_FALSE(best.clip_matters);
    CHECK(best.attained);
    CHECK(best.chi_c == Approx(gaussian.chi_c).epsilon(1e-10));
    for (const double chi : scan(*phi, text, sb2)) CHECK(chi == Approx(best.chi_c).epsilon(1e-10));
    check_path(best, *phi, text, sb2);
  }
}

TEST_CASE("only bits:B weights have a clip to optimise") {
  const auto gaussian = qmf::uniform_quantizer_optimum(4);
  for (const char* text : {"gaussian", "binary,rounding=stochastic-per-example", "ternary"})
    CHECK_THROWS_AS(qmf::clip_supremum(gaussian, qmf::parse_weight_spec(text)),
                    std::invalid_argument);
  CHECK_THROWS_AS(qmf::fixed_quantizer_clip_supremum(4, 0.1, qmf::parse_weight_spec("binary")),
                  std::invalid_argument);
}

TEST_CASE("the clip search finds an interior maximum where one exists") {
  // No weight spec has shown one, so the search is given objectives with a
  // known answer: a peak at clip 2.2 (between scanned clips) above the limit (found by Brent to
  // ~sqrt(eps) in ln clip: 1e-6 on the clip), a peak below the limit (the
  // limit wins), a maximum at the end clip 40, and a rise to clip -> 0.
  const auto peak = [](double top) {
    return [top](double clip) {
      const double d = std::log(clip / 2.2);
      const double chi = top - 0.01 * d * d;
      return qmf::ClipPoint{clip, 0.0, 1.0, chi, -1.0 / std::log(chi)};
    };
  };
  const qmf::ClipPoint limit{0.0, 0.0, 1.0, 0.85, -1.0 / std::log(0.85)};
  const auto inside = qmf::detail::search_clip(peak(0.9), limit);
  CHECK(inside.attained);
  CHECK(inside.clip == Approx(2.2).epsilon(1e-6));
  CHECK(inside.chi_c == Approx(0.9).epsilon(1e-14));
  const auto below = qmf::detail::search_clip(peak(0.8), limit);
  CHECK_FALSE(below.attained);
  CHECK(below.chi_c == 0.85);
  const auto end = qmf::detail::search_clip(
      [](double clip) {
        return qmf::ClipPoint{clip, 0.0, 1.0, 0.9 + 1e-3 * clip, 1.0};
      },
      limit);
  CHECK(end.attained);
  CHECK(end.clip == Approx(40.0).epsilon(1e-14));
  const auto rising = qmf::detail::search_clip(
      [](double clip) {
        return qmf::ClipPoint{clip, 0.0, 1.0, 0.85 - 1e-3 * clip, 1.0};
      },
      limit);
  CHECK_FALSE(rising.attained);
  CHECK(std::isnan(rising.clip));
}
