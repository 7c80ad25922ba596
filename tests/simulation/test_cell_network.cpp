// The cell-sum method (src/simulation/cell_network.hpp) against the Gram
// method: the same forward pass to rounding, the same distributions of the
// gradient over many nets (two-sample KS tests), a test that rejects a wrong
// Wishart part, and the chi-square draws it is built on.
#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "qmf/activations/step_activation.hpp"
#include "qmf/simulation/simulate.hpp"
#include "simulation/cell_network.hpp"
#include "simulation/cell_partition.hpp"
#include "simulation/chi_square.hpp"
#include "simulation/gram_network.hpp"
#include "support/ks_test.hpp"

namespace {

using qmf::SimulationSettings;
using qmf::simulation::CellOptions;
using qmf::simulation::NetMeasurement;

struct Case {
  const char* act;
  double sw2, sb2;
  int width;
};

SimulationSettings settings_for(const Case& c, const qmf::Activation& phi, int depth) {
  SimulationSettings s;
  s.init = {c.sw2, c.sb2};
  s.width = c.width;
  s.depth = depth;
  s.seed = 271828;
  s.surrogate = qmf::gradient_preserving_surrogate(phi, s.init, s.q0, 1.0);
  return s;
}

// The family of KS tests of the gradient at layers 0..depth-1 (the forward
// statistics are the Gram method's own draws), held at level 1e-3 by
// Bonferroni as in test_gram_distribution. Narrow nets, where the 1/n terms
// of the conditioning are large and cells keep their rows, and wide ones,
// where most cells hold more rows than they keep, so that their sums are
// drawn by the Wishart route: sign has 16 cells, quant:4 36 and quant:16 324
// for one pair with the STE on [-1, 1].
constexpr double family_wise_level = 1e-3;
constexpr int depth = 5;
const std::vector<Case> cases{{"sign", 1.3, 0.1, 16},
                              {"quant:4", 1.2, 0.05, 24},
                              {"sign", 1.3, 0.1, 512},
                              {"quant:4", 1.2, 0.05, 1024},
                              {"quant:16", 1.0116776834086716, 0.0, 4096}};

double adjusted_p_value(const Case& c, int nets, const CellOptions& options) {
  const auto phi = qmf::make_activation(c.act);
  const SimulationSettings s = settings_for(c, *phi, depth);
  const qmf::BackwardDerivative g(*phi, s.surrogate);
  std::vector<NetMeasurement> cells, grams;
  for (int r = 0; r < nets; ++r) {
    cells.push_back(qmf::simulation::measure_cell_net(*phi, g, s, r, options));
    grams.push_back(qmf::simulation::measure_gram_net(*phi, g, s, r));
  }
  double smallest = 1.0;
  for (int l = 0; l < depth; ++l) {
    std::vector<double> x, y;
    for (const auto& m : cells) x.push_back(m.grad[l]);
    for (const auto& m : grams) y.push_back(m.grad[l]);
    smallest = std::min(smallest, qmf::testing::ks_p_value(x, y));
  }
  return std::min(1.0, smallest * depth * static_cast<double>(cases.size()));
}

}  // namespace

TEST_CASE("cell sums draw the Gram method's forward pass", "[cells]") {
  // The same streams and roots: q and c agree to the rounding of sums taken
  // per cell about its centre instead of row by row.
  const Case c{"quant:4", 1.2, 0.05, 3000};
  const auto phi = qmf::make_activation(c.act);
  const SimulationSettings s = settings_for(c, *phi, 6);
  const qmf::BackwardDerivative g(*phi, s.surrogate);
  const NetMeasurement cells = qmf::simulation::measure_cell_net(*phi, g, s, 3);
  const NetMeasurement gram = qmf::simulation::measure_gram_net(*phi, g, s, 3);
  for (int l = 0; l <= s.depth; ++l) {
    CHECK(cells.q[l] == Approx(gram.q[l]).epsilon(1e-12));
    CHECK(cells.c[l] == Approx(gram.c[l]).epsilon(1e-11));
  }
  CHECK(cells.grad[s.depth] == 1.0);
}

TEST_CASE("cell and Gram nets have the same gradient distributions", "[cells]") {
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.act << " at width " << c.width) {
      const double p = adjusted_p_value(c, c.width > 2000 ? 300 : 600, {});
      INFO("Bonferroni-adjusted smallest KS p-value " << p);
      CHECK(p > family_wise_level);
    }
  }
}

TEST_CASE("the distribution test rejects a Wishart part with every degree of freedom", "[cells]") {
  // The error a decomposition that forgets Q^T Z's share would make: each
  // cell's sum of squares gains 1 + m degrees of freedom.
  CellOptions wrong;
  wrong.full_wishart = true;
  const double p = adjusted_p_value(cases[2], 600, wrong);
  INFO("Bonferroni-adjusted smallest KS p-value " << p);
  CHECK(p < family_wise_level);
}

TEST_CASE("chi-square draws: moments and distribution", "[cells]") {
  // Mean dof and variance 2 dof within 5 standard errors of their estimates
  // over 20000 draws, and a KS test against the exact CDF (p > 1e-3).
  for (const double dof : {2.0, 7.5, 1e6}) {
    INFO("dof " << dof);
    qmf::simulation::NormalGenerator draw(5, 0, static_cast<std::uint64_t>(dof),
                                          qmf::simulation::Stream::cell_backward);
    const int count = 20000;
    std::vector<double> x(count);
    double sum = 0.0, squares = 0.0;
    for (double& v : x) {
      v = qmf::simulation::chi_square(draw, dof);
      sum += v;
      squares += v * v;
    }
    const double mean = sum / count;
    const double variance = squares / count - mean * mean;
    CHECK(std::fabs(mean - dof) < 5.0 * std::sqrt(2.0 * dof / count));
    CHECK(std::fabs(variance / (2.0 * dof) - 1.0) < 5.0 * std::sqrt((2.0 + 12.0 / dof) / count));
    const boost::math::chi_squared law(dof);
    std::sort(x.begin(), x.end());
    double d = 0.0;
    for (int i = 0; i < count; ++i) {
      const double f = boost::math::cdf(law, x[i]);
      d = std::max({d, std::fabs(f - static_cast<double>(i) / count),
                    std::fabs(f - static_cast<double>(i + 1) / count)});
    }
    // P(sqrt(n) D > 1.95) ~ 1e-3 for the one-sample statistic.
    CHECK(std::sqrt(static_cast<double>(count)) * d < 1.95);
  }
}

namespace {

// A cell of quant-like values: 3 rows of 2 columns about the origin (0.3, -0.2).
qmf::simulation::CellGroup small_group() {
  qmf::simulation::CellGroup group;
  group.count = 3;
  group.origin = Eigen::Vector2d(0.3, -0.2);
  group.phi = Eigen::Vector2d(0.5, -1.5);
  group.g = Eigen::Vector2d(1.25, 0.0);
  group.rows.resize(3, 2);
  group.rows << 0.31, -0.25, 0.4, -0.1, 0.22, -0.19;
  group.moments = Eigen::MatrixXd::Zero(3, 3);
  for (int i = 0; i < 3; ++i) {
    Eigen::Vector3d x(1.0, group.rows(i, 0) - 0.3, group.rows(i, 1) + 0.2);
    group.moments += x * x.transpose();
  }
  return group;
}

}  // namespace

TEST_CASE("a cell's delta sums equal the sums over its rows", "[cells]") {
  // The same stream drawn row by row here: delta_i = (z_i B + phi r) (.) g.
  using qmf::simulation::NormalGenerator;
  const auto group = small_group();
  Eigen::Matrix2d b, r;
  b << 0.9, 0.0, 0.4, 0.7;
  r << 0.02, -0.01, 0.03, 0.05;
  NormalGenerator stream(9, 1, 2, qmf::simulation::Stream::cell_backward);
  const auto draws = qmf::simulation::draw_group(group, 2, stream);
  const auto sums = qmf::simulation::delta_sums(group, draws, b, r);
  NormalGenerator again(9, 1, 2, qmf::simulation::Stream::cell_backward);
  Eigen::Matrix2d d_gram = Eigen::Matrix2d::Zero(), h_d = Eigen::Matrix2d::Zero();
  for (int i = 0; i < 3; ++i) {
    Eigen::RowVector2d z;
    again.fill(z.data(), 2);
    const Eigen::RowVector2d delta =
        ((z * b + group.phi.transpose() * r).array() * group.g.transpose().array()).matrix();
    d_gram += delta.transpose() * delta;
    h_d += group.rows.row(i).transpose() * delta;
  }
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) {
      CHECK(sums.d_gram(a, c) == Approx(d_gram(a, c)).margin(1e-14));
      CHECK(sums.h_d(a, c) == Approx(h_d(a, c)).margin(1e-14));
    }
}

TEST_CASE("a cell's Wishart route has the moments of its rows' draws", "[cells]") {
  // 40 rows without the rows kept: E[T] = 0, E[T T^T] = k M (k = 2 columns of
  // Z) and E[S] = n I. Over 20000 draws each estimate is within 5 of its
  // standard errors (estimated from the same draws).
  auto group = small_group();
  group.rows.resize(0, 2);
  group.count = 40;
  group.moments << 40, 1.2, -0.8, 1.2, 0.9, 0.1, -0.8, 0.1, 0.7;
  qmf::simulation::NormalGenerator stream(10, 0, 0, qmf::simulation::Stream::cell_backward);
  const int draws = 20000;
  Eigen::MatrixXd sum_tt = Eigen::MatrixXd::Zero(3, 3), sq_tt = sum_tt;
  Eigen::MatrixXd sum_s = Eigen::MatrixXd::Zero(2, 2), sq_s = sum_s;
  for (int i = 0; i < draws; ++i) {
    const auto d = qmf::simulation::draw_group(group, 2, stream);
    const Eigen::MatrixXd tt = d.t * d.t.transpose();
    sum_tt += tt;
    sq_tt += tt.cwiseProduct(tt);
    sum_s += d.s;
    sq_s += d.s.cwiseProduct(d.s);
  }
  auto within = [&](double sum, double squares, double expected) {
    const double mean = sum / draws;
    const double se = std::sqrt((squares / draws - mean * mean) / draws);
    INFO("mean " << mean << " expected " << expected << " se " << se);
    CHECK(std::fabs(mean - expected) < 5.0 * se);
  };
  for (int a = 0; a < 3; ++a)
    for (int c = 0; c < 3; ++c) within(sum_tt(a, c), sq_tt(a, c), 2.0 * group.moments(a, c));
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) within(sum_s(a, c), sq_s(a, c), a == c ? 40.0 : 0.0);
}

TEST_CASE("cell intervals: the counting, grid and brute-force routes agree", "[cells]") {
  // Breakpoints of quant:16 and the STE window [-1, 1]; values on, next to
  // (one ulp either side) and between them, far out, and random ones. The
  // interval is the number of breakpoints at or below x, -1 on one.
  const auto phi = qmf::make_activation("quant:16");
  const qmf::StraightThrough box{1.0, 1.0};
  const qmf::simulation::CellPartition cells(*phi, box, 2);
  std::vector<double> breaks = dynamic_cast<const qmf::StepActivation&>(*phi).thresholds();
  breaks.push_back(-1.0);
  breaks.push_back(1.0);
  std::vector<double> x{0.0, -0.0, 1e300, -1e300, 3.0, -3.0};
  for (const double b : breaks)
    for (const double y : {b, std::nextafter(b, -10.0), std::nextafter(b, 10.0), b + 1e-7})
      x.push_back(y);
  std::mt19937_64 engine(3);
  std::normal_distribution<double> normal(0.0, 0.6);
  for (int i = 0; i < 997; ++i) x.push_back(normal(engine));
  std::vector<int> fast(x.size()), grid(x.size());
  cells.classify(x.data(), fast.data(), x.size());
  cells.classify_scalar(x.data(), grid.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    int below = 0;
    bool on = false;
    for (const double b : breaks) {
      below += x[i] >= b ? 1 : 0;
      on = on || x[i] == b;
    }
    INFO("x = " << x[i]);
    CHECK(fast[i] == (on ? -1 : below));
    CHECK(grid[i] == fast[i]);
  }
}

TEST_CASE("cell intervals: breakpoints at the ends of the doubles", "[cells]") {
  // A threshold at 1e308 with the box [-1, 1]: the grid would span 3e308
  // (inf); every value is then walked (the fuzzer found its index cast from
  // NaN). Specs now stop at 1e100, so the activation is built directly: the
  // library takes any finite thresholds.
  const qmf::StepActivation phi({1e308}, {0.0, 1.0}, "steps:t=1e308,y=0;1");
  const qmf::simulation::CellPartition cells(phi, qmf::StraightThrough{1.0, 1.0}, 2);
  const std::vector<double> x{-2.0, 0.0, 1.0, 5.0, 1e308, 1.7e308};
  std::vector<int> k(x.size()), grid(x.size());
  cells.classify(x.data(), k.data(), x.size());
  cells.classify_scalar(x.data(), grid.data(), x.size());
  CHECK(k == std::vector<int>{0, 1, -1, 2, -1, 3});
  CHECK(grid == k);
}
