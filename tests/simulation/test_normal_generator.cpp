// The normal generator of the simulated nets (simulation/normal_generator.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <random>

#include "simulation/normal_generator.hpp"

namespace {

double density(double x) { return std::exp(-0.5 * x * x); }

}  // namespace

TEST_CASE("the ziggurat draws standard normal numbers", "[normal_generator]") {
  qmf::simulation::NormalGenerator draw(7, 0, 0, qmf::simulation::Stream::weights);
  constexpr int count = 4'000'000;
  // The CDF at points inside different layers of the ziggurat (a wrong wedge
  // or layer width shows there even when the moments survive).
  constexpr double points[] = {-2.5, -1.0, -0.3, 0.5, 1.7, 3.0};
  int below[std::size(points)] = {};
  double sum = 0.0, squares = 0.0, fourth = 0.0;
  int tail = 0;
  for (int i = 0; i < count; ++i) {
    const double z = draw();
    sum += z;
    squares += z * z;
    fourth += z * z * z * z;
    tail += std::fabs(z) > 3.6541528853610088;  // beyond the ziggurat's base strip
    for (std::size_t k = 0; k < std::size(points); ++k) below[k] += z < points[k];
  }
  // Tolerances: 5 standard deviations of each estimator.
  CHECK(std::fabs(sum / count) < 5.0 / std::sqrt(count));
  CHECK(std::fabs(squares / count - 1.0) < 5.0 * std::sqrt(2.0 / count));
  CHECK(std::fabs(fourth / count - 3.0) < 5.0 * std::sqrt(96.0 / count));
  const double p_tail = std::erfc(3.6541528853610088 / std::sqrt(2.0));
  CHECK(std::fabs(tail - count * p_tail) < 5.0 * std::sqrt(count * p_tail));
  for (std::size_t k = 0; k < std::size(points); ++k) {
    const double p = 0.5 * std::erfc(-points[k] / std::sqrt(2.0));
    INFO("P(z < " << points[k] << "): " << static_cast<double>(below[k]) / count << " vs " << p);
    CHECK(std::fabs(below[k] - count * p) < 5.0 * std::sqrt(count * p * (1.0 - p)));
  }
}

TEST_CASE("the wedge squeeze decides as exp() does", "[normal_generator]") {
  using qmf::simulation::ziggurat_tables;
  const auto& t = ziggurat_tables;
  // The lines bound the density on every wedge (a line on the wrong side of a
  // convex or concave piece fails here), and they are tight enough to matter:
  // few wedge points are left to exp().
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  long undecided = 0, points = 0, disagree = 0;
  for (unsigned i = 1; i < 256; ++i) {
    const double a = t.width[i + 1], b = t.width[i];
    for (int k = 0; k <= 200; ++k) {
      const double x = a + (b - a) * k / 200.0;
      INFO("layer " << i << ", x = " << x);
      CHECK(t.below[i](x) <= density(x) + 1e-15);
      CHECK(t.above[i](x) >= density(x) - 1e-15);
    }
    for (int k = 0; k < 4000; ++k) {
      const double x = (unit(rng) < 0.5 ? -1.0 : 1.0) * (a + (b - a) * unit(rng));
      const double y = t.height[i] + unit(rng) * (t.height[i + 1] - t.height[i]);
      const double ax = std::fabs(x);
      ++points;
      undecided += !(y < t.below[i](ax) - 0x1.0p-40) && !(y > t.above[i](ax) + 0x1.0p-40);
      disagree += qmf::simulation::under_density(i, x, y) != (y < density(x));
      // Points a few ulps either side of the density, where only exp() can tell.
      for (const double step : {-2.0, -1.0, 1.0, 2.0}) {
        const double near = density(x) * (1.0 + step * 0x1.0p-52);
        disagree += qmf::simulation::under_density(i, x, near) != (near < density(x));
      }
    }
  }
  CHECK(disagree == 0);
  INFO("undecided fraction " << static_cast<double>(undecided) / points);
  CHECK(undecided < points / 20);
}

TEST_CASE("the integer fast path decides and scales as the double one", "[normal_generator]") {
  // The fill loop tests k^2 < fast_limit[i] and returns k step[i]; the
  // definition is u^2 < fast_squared[i] and u x_i with u = k 2^-23. Checked at
  // every layer for the 24-bit k on either side of the boundary, where an
  // off-by-one limit would show, and at spread-out k for the product.
  const auto& t = qmf::simulation::ziggurat_tables;
  for (int i = 0; i < qmf::simulation::ZigguratTables::layers; ++i) {
    const auto edge = static_cast<std::int64_t>(std::sqrt(std::ldexp(t.fast_squared[i], 46)));
    for (std::int64_t k = edge - 3; k <= edge + 3; ++k) {
      if (k >= (1 << 23)) continue;
      const double u = static_cast<double>(k) * 0x1.0p-23;
      CHECK((k * k < t.fast_limit[i]) == (u * u < t.fast_squared[i]));
    }
    for (std::int64_t k = -(1 << 23); k < (1 << 23); k += 99'991) {
      const double u = static_cast<double>(k) * 0x1.0p-23;
      CHECK(static_cast<double>(k) * t.step[i] == u * t.width[i]);
    }
  }
}
