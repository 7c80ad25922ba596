// n_min, the fewest levels reaching a depth (qmf/weights/minimum_levels.hpp):
// the doubling-and-bisection search against a scan of every N, at sigma_b = 0
// with Gaussian, shared and per-example weights, and for the fixed quantizer
// at sigma_b^2 > 0.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>

#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/weights/minimum_levels.hpp"
#include "qmf/weights/weight_depth.hpp"

using namespace qmf;

namespace {

// The first N in [first, last] with depth_at(N) >= depth, one N at a time.
std::optional<int> scanned(const std::function<double(int)>& depth_at, double depth, int first,
                           int last) {
  for (int n = first; n <= last; ++n)
    if (depth_at(n) >= depth) return n;
  return std::nullopt;
}

// Depths just above L(n - 1) and at L(n) itself, for each n in the range:
// n_min is n for both, and one ulp above L(n) it is n + 1.
void check_against_scan(const std::function<double(int)>& depth_at,
                        const std::function<std::optional<MinimumLevels>(double)>& search,
                        int first, int last) {
  for (int n = first + 1; n < last; ++n) {
    for (double depth : {std::nextafter(depth_at(n - 1), INFINITY), depth_at(n),
                         std::nextafter(depth_at(n), INFINITY)}) {
      const auto expected = scanned(depth_at, depth, first, last);
      const auto found = search(depth);
      REQUIRE(expected.has_value());
      REQUIRE(found.has_value());
      CHECK(found->levels == *expected);
      CHECK(found->depth == depth_at(*expected));
    }
  }
}

const WeightSpec per_example = parse_weight_spec("bits:3,rounding=stochastic-per-example");

}  // namespace

TEST_CASE("smallest_levels: doubling, bisection and the end of the range", "[minimum_levels]") {
  int calls = 0;
  const auto from = [&calls](int threshold) {
    return [&calls, threshold](int n) {
      ++calls;
      return n >= threshold;
    };
  };
  CHECK(smallest_levels(from(37), 2, 1000) == 37);
  CHECK(calls <= 2 * 6 + 1);  // 2, 4, .., 64, then 5 bisections
  CHECK(smallest_levels(from(2), 2, 1000) == 2);
  CHECK(smallest_levels(from(1000), 2, 1000) == 1000);  // 1000 is no power of 2
  CHECK_FALSE(smallest_levels(from(1001), 2, 1000).has_value());
  CHECK(smallest_levels(from(5), 3, 1000) == 5);
}

TEST_CASE("n_min at sigma_b = 0: the search against a scan", "[minimum_levels]") {
  const double k = 6.0;
  for (auto family : {QuantizerFamily::uniform, QuantizerFamily::lloyd_max}) {
    DepthOptima optima(family);
    check_against_scan([&](int n) { return k * optima.at(n).xi_max; },
                       [&](double depth) { return minimum_levels(depth, k, family); }, 2, 40);
  }
  // With shared optima the same answer, and the optima stay for the next caller.
  DepthOptima optima(QuantizerFamily::uniform);
  const auto found = minimum_levels(100.0, k, optima);
  REQUIRE(found.has_value());
  CHECK(found->levels == minimum_levels(100.0, k)->levels);
  CHECK(&optima.at(found->levels) == &optima.at(found->levels));
  CHECK(optima.at(found->levels).xi_max ==
        depth_optimum(QuantizerFamily::uniform, found->levels).xi_max);
}

TEST_CASE("n_min with per-example rounding: chi_max / (1 + r) and its bound", "[minimum_levels]") {
  const double k = 6.0;
  DepthOptima optima(QuantizerFamily::uniform);
  const auto depth_at = [&](int n) {
    return k * weight_depth_optimum(optima.at(n), per_example).xi_max;
  };
  check_against_scan(
      depth_at, [&](double d) { return minimum_levels(d, k, optima, per_example); }, 2, 30);
  // L_max(N) < k / ln(1 + r) for every N: at the bound and above, no N.
  const double sup = weight_depth_supremum(per_example, k);
  const WeightPrior unit = weight_prior(per_example, 1.0);
  CHECK(sup == k / std::log1p(unit.per_example_noise / unit.variance));
  CHECK(depth_at(1 << 20) < sup);
  CHECK_FALSE(minimum_levels(sup, k, optima, per_example).has_value());
  // Shared rounding only rescales sigma_w^2: the Gaussian answer, no bound.
  const WeightSpec shared = parse_weight_spec("bits:3,rounding=stochastic");
  CHECK(std::isinf(weight_depth_supremum(shared, k)));
  CHECK(minimum_levels(50.0, k, optima, shared)->levels == minimum_levels(50.0, k)->levels);
}

TEST_CASE("n_min of the fixed quantizer at sigma_b^2 > 0: the search against a scan",
          "[minimum_levels]") {
  const double k = 6.0;
  const double sb2 = 0.1;
  check_against_scan([&](int n) { return k * fixed_quantizer_optimum(n, sb2).xi; },
                     [&](double d) { return fixed_quantizer_minimum_levels(d, k, sb2); }, 3, 12);
  check_against_scan(
      [&](int n) { return k * weight_fixed_quantizer_optimum(n, sb2, per_example).point.xi; },
      [&](double d) { return fixed_quantizer_minimum_levels(d, k, sb2, per_example); }, 3, 10);
  // N = 2 is never the answer: sign has no best sigma_w^2 at sb2 > 0.
  CHECK(fixed_quantizer_minimum_levels(1e-3, k, sb2)->levels == 3);
  CHECK_FALSE(fixed_quantizer_minimum_levels(1e6, k, sb2, {}, 8).has_value());
}

TEST_CASE("n_min: bad arguments name the field, and an interrupt stops the search",
          "[minimum_levels]") {
  CHECK_THROWS_WITH(minimum_levels(0.0, 6.0), Catch::Contains("depth") && Catch::Contains("0"));
  CHECK_THROWS_WITH(minimum_levels(NAN, 6.0), Catch::Contains("depth"));
  CHECK_THROWS_WITH(minimum_levels(10.0, -1.0), Catch::Contains("k") && Catch::Contains("-1"));
  CHECK_THROWS_WITH(minimum_levels(10.0, 6.0, QuantizerFamily::uniform, {}, 1),
                    Catch::Contains("max_levels"));
  CHECK_THROWS_WITH(fixed_quantizer_minimum_levels(10.0, 6.0, 0.0), Catch::Contains("sb2"));
  CHECK_THROWS_WITH(fixed_quantizer_minimum_levels(10.0, INFINITY, 0.1), Catch::Contains("k"));
  CHECK_THROWS_WITH(fixed_quantizer_minimum_levels(10.0, 6.0, 0.1, {}, 5000),
                    Catch::Contains("max_levels"));
  const Interrupt stop([] { return true; });
  CHECK_THROWS_AS(minimum_levels(1e4, 6.0, QuantizerFamily::uniform, {}, max_searched_levels, stop),
                  interrupted);
}
