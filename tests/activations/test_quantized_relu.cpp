// The quantized ReLU qrelu:N,A (docs/cli.md): the step activation with levels
// A m/(N-1) and thresholds halfway between them, checked against the steps:
// spec written out from that definition and against Monte Carlo.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "numerics/format_number.hpp"
#include "qmf/activations/activation.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/maps.hpp"
#include "support/mean_field_test_support.hpp"

using namespace qmf;
using qmf::testing::as_step;

namespace {

// "steps:t=..,y=.." of qrelu:N,A from its definition: y_m = A m/(N-1),
// t_k = A (k - 1/2)/(N-1), each number as the shortest decimal of its double.
std::string equivalent_steps(int n, double a) {
  // Appended piece by piece: ":" + a temporary string trips GCC 12's
  // -Wrestrict (a false positive).
  std::string t, y;
  for (int k = 1; k < n; ++k) {
    if (k > 1) t += ':';
    t += detail::format_number(a * (k - 0.5) / (n - 1));
  }
  for (int m = 0; m < n; ++m) {
    if (m > 0) y += ':';
    y += detail::format_number(a * m / (n - 1));
  }
  return "steps:t=" + t + ",y=" + y;
}

struct Point {
  double q;
  double c;
};
const std::vector<Point> points = {{0.6, 0.35}, {2.5, -0.7}, {1.0, 0.95}, {0.05, 0.5}};

}  // namespace

TEST_CASE("qrelu:N,A rounds relu to the nearest of N levels from 0 to A") {
  const auto phi = make_activation("qrelu:4,A=3");
  CHECK(phi->spec() == "qrelu:4,A=3");
  CHECK(make_activation("qrelu:4")->spec() == "qrelu:4,A=1");
  CHECK(make_activation("qrelu:3bit")->spec() == "qrelu:8,A=1");
  const auto& step = as_step(*phi);
  CHECK(step.thresholds() == std::vector<double>{0.5, 1.5, 2.5});
  CHECK(step.levels() == std::vector<double>{0.0, 1.0, 2.0, 3.0});
  CHECK(step.is_uniform_staircase());  // the O(N) correlation sums
  CHECK(phi->bound() == 3.0);
  for (const auto& [x, y] : std::vector<std::pair<double, double>>{
           {-5.0, 0.0}, {0.0, 0.0}, {0.49, 0.0}, {0.5, 1.0}, {1.6, 2.0}, {2.5, 3.0}, {1e9, 3.0}})
    CHECK(phi->value(x) == y);
}

TEST_CASE("qrelu:N has the kernel and maps of the steps: spec it stands for") {
  // The same doubles by two constructions (the steps list is parsed from the
  // shortest decimals of the definition's values): the moments and maps agree
  // to rounding, 1e-14 relative.
  const Initialization init{1.7, 0.1};
  for (const auto& [n, a] : std::vector<std::pair<int, double>>{{4, 3.0}, {16, 1.0}, {5, 0.7}}) {
    const std::string spec = "qrelu:" + std::to_string(n) + ",A=" + detail::format_number(a);
    const auto phi = make_activation(spec);
    const auto steps = make_activation(equivalent_steps(n, a));
    INFO(spec << " against " << steps->spec());
    for (const auto [q, c] : points) {
      INFO("q = " << q << ", c = " << c);
      CHECK(phi->mean(q) == Approx(steps->mean(q)).epsilon(1e-14));
      CHECK(phi->second_moment(q) == Approx(steps->second_moment(q)).epsilon(1e-14));
      CHECK(phi->cross_moment(q, c) == Approx(steps->cross_moment(q, c)).epsilon(1e-14));
      CHECK(length_map(*phi, init, q) == Approx(length_map(*steps, init, q)).epsilon(1e-14));
      CHECK(correlation_map(*phi, init, q, c) ==
            Approx(correlation_map(*steps, init, q, c)).epsilon(1e-14));
    }
  }
}

TEST_CASE("qrelu:N's moments and correlation map agree with Monte Carlo") {
  // 2e5 samples, 5 standard errors (monte_carlo_tolerance: a false failure
  // 5.7e-7 per comparison). The correlation map c' = (sw2 E[phi phi] + sb2) /
  // (sw2 E[phi^2] + sb2) is compared with the same ratio of the estimates, its
  // tolerance the sum of both numerator and denominator errors carried through.
  constexpr long samples = 200000;
  const Initialization init{1.7, 0.1};
  std::uint64_t seed = 20251130;
  for (const std::string spec : {"qrelu:4,A=3", "qrelu:16", "qrelu:2,A=0.5"}) {
    const auto phi = make_activation(spec);
    for (const auto [q, c] : points) {
      INFO(spec << ", q = " << q << ", c = " << c);
      const auto mc = testing::monte_carlo_kernel(*phi, q, c, samples, ++seed);
      CHECK(std::fabs(phi->mean(q) - mc.mean.value) <= testing::monte_carlo_tolerance(mc.mean));
      CHECK(std::fabs(phi->second_moment(q) - mc.second_moment.value) <=
            testing::monte_carlo_tolerance(mc.second_moment));
      CHECK(std::fabs(phi->cross_moment(q, c) - mc.cross_moment.value) <=
            testing::monte_carlo_tolerance(mc.cross_moment));
      const double q_next = init.sw2 * mc.second_moment.value + init.sb2;
      const double c_next = (init.sw2 * mc.cross_moment.value + init.sb2) / q_next;
      const double tolerance =
          init.sw2 *
          (testing::monte_carlo_tolerance(mc.cross_moment) +
           std::fabs(c_next) * testing::monte_carlo_tolerance(mc.second_moment)) /
          q_next;
      CHECK(std::fabs(correlation_map(*phi, init, q, c) - c_next) <= tolerance);
    }
  }
}

TEST_CASE("bad qrelu specs are one-line errors naming what is wrong") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"qrelu", "the number of levels N is empty"},
      {"qrelu:1", "N = 1 must be an integer from 2 to 1048576"},
      {"qrelu:2.5", "N = 2.5 must be an integer from 2 to 1048576"},
      {"qrelu:4,A=0", "A = 0 must lie in [1e-100, 1e100]"},
      {"qrelu:4,A=-2", "A = -2 must lie in [1e-100, 1e100]"},
      {"qrelu:4,A=1e101", "A = 1e101 must lie in [1e-100, 1e100]"},
      {"qrelu:4,A=", "A is empty"},
      {"qrelu:4,D=0.5", "unknown option 'D' (allowed: A)"},
      {"qrelu:4,A=1,A=2", "option 'A' given twice"}};
  for (const auto& [spec, reason] : cases)
    CHECK(testing::spec_error(spec) == "activation '" + spec + "': " + reason);
}
