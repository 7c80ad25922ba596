// The correlation depth of finite nets (qmf/simulation/correlation_depth.hpp)
// and the batched simulation behind its bootstrap (simulate_in_batches).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "qmf/simulation/correlation_depth.hpp"
#include "qmf/simulation/finite_width.hpp"

namespace {

std::vector<double> exponential(int layers, double amplitude, double xi) {
  std::vector<double> d;
  for (int l = 0; l < layers; ++l) d.push_back(amplitude * std::exp(-l / xi));
  return d;
}

}  // namespace

TEST_CASE("the decay length is exact for an exponential, odd and even windows",
          "[correlation_depth]") {
  const auto d = exponential(300, 0.4, 86.1);
  CHECK(qmf::decay_length(d, 130, 260) == Approx(86.1).epsilon(1e-12));  // 131 layers
  CHECK(qmf::decay_length(d, 130, 259) == Approx(86.1).epsilon(1e-12));  // 130 layers
  CHECK(qmf::decay_length(d, 0, 1) == Approx(86.1).epsilon(1e-12));
  std::vector<double> flat(10, 1.0), negative(10, -1.0);
  CHECK(std::isnan(qmf::decay_length(flat, 0, 9)));
  CHECK(std::isnan(qmf::decay_length(negative, 0, 9)));
  CHECK_THROWS_AS(qmf::decay_length(d, 5, 5), std::invalid_argument);
  CHECK_THROWS_AS(qmf::decay_length(d, 0, 300), std::invalid_argument);
}

TEST_CASE("a missing decay length says why", "[correlation_depth]") {
  using qmf::DecayGap;
  const auto d = exponential(20, 0.4, 8.0);
  CHECK(qmf::decay_gap(d, 0, 19) == DecayGap::none);
  // The transient of quant:16's mean-field d near the input (finite_width.md):
  // it grows over layers 0..3 before it decays.
  const std::vector<double> rising{0.4, 0.41, 0.42, 0.42}, crossing{0.4, 0.1, -0.1, 0.05};
  CHECK(qmf::decay_gap(rising, 0, 3) == DecayGap::not_decaying);
  CHECK(std::isnan(qmf::decay_length(rising, 0, 3)));
  CHECK(qmf::decay_gap(crossing, 0, 3) == DecayGap::not_positive);
  CHECK(qmf::decay_gap(std::vector<double>(4, 0.0), 0, 3) == DecayGap::not_positive);
  CHECK_THROWS_AS(qmf::decay_gap(d, 5, 5), std::invalid_argument);
  // The ratio carries the gap of each side.
  const auto r = qmf::correlation_depth_ratio(rising, {crossing}, std::vector<int>{4}, 0, 3);
  CHECK(r.mf_gap == DecayGap::not_decaying);
  CHECK(r.sim_gap == DecayGap::not_positive);
  const auto fine = qmf::correlation_depth_ratio(d, {d}, std::vector<int>{4}, 0, 19);
  CHECK(fine.mf_gap == DecayGap::none);
  CHECK(fine.sim_gap == DecayGap::none);
}

TEST_CASE("the bootstrap standard error of the ratio matches its spread over data sets",
          "[correlation_depth]") {
  // 32 batches of 4 nets, each batch's d the mean field's 0.8 exp(-l / 40)
  // plus independent noise of 0.02 per layer; 400 data sets. The bootstrap
  // standard error, averaged over data sets, must match the standard deviation
  // of the ratio over the data sets within 15 % (that deviation is known to
  // about 3.5 %, the bootstrap over 32 batches is biased low by about 2 %).
  const int layers = 121, batches = 32, sets = 400;
  const auto mf = exponential(layers, 0.4, 40.0);
  const auto truth = exponential(layers, 0.4, 0.8 * 40.0);
  const std::vector<int> sizes(batches, 4);
  std::mt19937_64 engine(7);
  std::normal_distribution<double> noise(0.0, 0.02);
  double sum = 0.0, squares = 0.0, se_sum = 0.0;
  for (int set = 0; set < sets; ++set) {
    std::vector<std::vector<double>> data(batches, truth);
    for (auto& batch : data)
      for (auto& x : batch) x += noise(engine);
    const auto r = qmf::correlation_depth_ratio(mf, data, sizes, 60, 120, 500, set + 1);
    REQUIRE(std::isfinite(r.ratio_se));
    CHECK(r.xi_mf == Approx(40.0).epsilon(1e-12));
    sum += r.ratio, squares += r.ratio * r.ratio, se_sum += r.ratio_se;
  }
  const double mean = sum / sets;
  const double spread = std::sqrt((squares - sets * mean * mean) / (sets - 1.0));
  INFO("mean ratio " << mean << ", spread " << spread << ", mean bootstrap se " << se_sum / sets);
  CHECK(mean == Approx(0.8).epsilon(0.02));
  CHECK(se_sum / sets == Approx(spread).epsilon(0.15));
  const auto one = qmf::correlation_depth_ratio(mf, {truth}, std::vector<int>{4}, 60, 120);
  CHECK(one.ratio == Approx(0.8).epsilon(1e-12));
  CHECK(std::isnan(one.ratio_se));
}

TEST_CASE("batched nets pool into one ensemble", "[correlation_depth]") {
  const auto phi = qmf::make_activation("quant:4");
  qmf::SimulationSettings s;
  s.init = {1.2, 0.0};
  s.width = 32;
  s.depth = 3;
  s.c0 = {0.5, 0.9};
  s.nets = 4;
  // One batch is simulate_networks itself, bit for bit.
  const auto single = qmf::simulate_in_batches(*phi, s, 1);
  const auto direct = qmf::simulate_networks(*phi, s);
  for (int l = 0; l <= s.depth; ++l) {
    CHECK(single.pooled[l].q.mean == direct[l].q.mean);
    CHECK(single.pooled[l].c[1].se == direct[l].c[1].se);
  }
  // Two batches of two nets: each batch's mean m and standard error s give its
  // two nets' values m +- s, so the pooled estimate can be recomputed from the
  // four values directly.
  const auto two = qmf::simulate_in_batches(*phi, s, 2);
  REQUIRE(two.sizes == std::vector<int>{2, 2});
  for (int l = 1; l <= s.depth; ++l) {
    std::vector<double> values;
    for (const auto& b : two.batches)
      values.push_back(b[l].q.mean + b[l].q.se), values.push_back(b[l].q.mean - b[l].q.se);
    double mean = 0.0, squares = 0.0;
    for (const double x : values) mean += x / 4.0;
    for (const double x : values) squares += (x - mean) * (x - mean);
    CHECK(two.pooled[l].q.mean == Approx(mean).epsilon(1e-12));
    CHECK(two.pooled[l].q.se == Approx(std::sqrt(squares / 3.0 / 4.0)).epsilon(1e-12));
  }
  CHECK_THROWS_AS(qmf::simulate_in_batches(*phi, s, 3), std::invalid_argument);
}
