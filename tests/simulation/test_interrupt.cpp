// qmf::Interrupt: a check that says stop ends the long computations with
// qmf::interrupted, soon after it says so and on any thread count; a check
// that never says stop is polled and changes no bit of the result.
#include <atomic>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/interrupt.hpp"
#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/kernels.hpp"
#include "qmf/kernel/phase_diagram.hpp"
#include "qmf/simulation/simulate.hpp"

namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Counts its calls; says stop from call number `stop_at` on (0: never).
struct CountingCheck {
  explicit CountingCheck(long stop_at_call = 0) : stop_at(stop_at_call) {}
  qmf::Interrupt interrupt() {
    return qmf::Interrupt([this] {
      const long call = ++calls;
      return stop_at > 0 && call >= stop_at;
    });
  }
  long stop_at;
  std::atomic<long> calls{0};
};

qmf::SimulationSettings small_simulation(int threads) {
  qmf::SimulationSettings s;
  s.init = {1.5, 0.1};
  s.width = 8;
  s.depth = 200;
  s.c0 = {0.2, 0.7};
  s.nets = 4;
  s.threads = threads;
  return s;
}

void require_same(const std::vector<qmf::SimulatedLayer>& a,
                  const std::vector<qmf::SimulatedLayer>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t l = 0; l < a.size(); ++l) {
    CHECK(same_bits(a[l].q.mean, b[l].q.mean));
    CHECK(same_bits(a[l].q.se, b[l].q.se));
    CHECK(same_bits(a[l].grad.mean, b[l].grad.mean));
    CHECK(same_bits(a[l].grad.se, b[l].grad.se));
    for (std::size_t p = 0; p < a[l].c.size(); ++p)
      CHECK(same_bits(a[l].c[p].mean, b[l].c[p].mean));
  }
}

}  // namespace

TEST_CASE("a default Interrupt never stops") {
  const qmf::Interrupt never;
  for (int i = 0; i < 1000; ++i) REQUIRE_NOTHROW(never.poll());
}

TEST_CASE("once its check has said stop, every copy of an Interrupt throws") {
  CountingCheck check(1);
  const qmf::Interrupt interrupt = check.interrupt();
  const qmf::Interrupt copy = interrupt;
  REQUIRE_THROWS_AS(interrupt.poll(), qmf::interrupted);
  REQUIRE_THROWS_AS(copy.poll(), qmf::interrupted);
  CHECK(check.calls == 1);  // the copy threw without asking again
}

TEST_CASE("simulate_networks and predict_layers stop when the check says so") {
  const auto phi = qmf::make_activation("tanh");
  for (const auto method : {qmf::SimulationMethod::weights, qmf::SimulationMethod::gram}) {
    for (const int threads : {1, 2}) {
      auto s = small_simulation(threads);
      s.method = method;
      // Polled at every layer, forward and backward: 4 nets x 400 polls.
      CountingCheck check(50);
      s.interrupt = check.interrupt();
      REQUIRE_THROWS_AS(qmf::simulate_networks(*phi, s), qmf::interrupted);
      // Only threads that had not yet seen the stop ask again.
      CHECK(check.calls <= 50 + threads);
      CountingCheck prediction(10);
      s.interrupt = prediction.interrupt();
      REQUIRE_THROWS_AS(qmf::predict_layers(*phi, s), qmf::interrupted);
    }
  }
}

TEST_CASE("a check that never stops changes no bit of a simulation") {
  const auto phi = qmf::make_activation("sign");
  for (const auto method : {qmf::SimulationMethod::weights, qmf::SimulationMethod::gram}) {
    auto s = small_simulation(2);
    s.method = method;
    const auto plain = qmf::simulate_networks(*phi, s);
    CountingCheck check;
    s.interrupt = check.interrupt();
    require_same(qmf::simulate_networks(*phi, s), plain);
    CHECK(check.calls >= 4 * 2 * 200);  // it was asked at every layer
  }
}

TEST_CASE("phase_diagram and critical_line stop when the check says so, and only then") {
  const auto phi = qmf::make_activation("tanh");
  const auto sw2 = qmf::linear_grid(0.5, 3.0, 12);
  const auto sb2 = qmf::linear_grid(0.0, 0.5, 6);
  for (const int threads : {1, 2}) {
    CountingCheck stop(5);
    REQUIRE_THROWS_AS(qmf::phase_diagram(*phi, sw2, sb2, threads, {}, {}, stop.interrupt()),
                      qmf::interrupted);
    CHECK(stop.calls <= 5 + threads);
    CountingCheck line_stop(2);
    REQUIRE_THROWS_AS(qmf::critical_line(*phi, sb2, threads, {}, line_stop.interrupt()),
                      qmf::interrupted);
  }
  const auto plain = qmf::phase_diagram(*phi, sw2, sb2, 2);
  CountingCheck never;
  const auto polled = qmf::phase_diagram(*phi, sw2, sb2, 2, {}, {}, never.interrupt());
  // Once per point, and at every node of the E[phi^2] table before them (48
  // per decade of q over the points' search ranges, hundreds for tanh).
  INFO("polls " << never.calls << " for " << plain.points.size() << " points");
  CHECK(never.calls > static_cast<long>(plain.points.size()) + 200);
  REQUIRE(polled.points.size() == plain.points.size());
  for (std::size_t k = 0; k < plain.points.size(); ++k) {
    const auto &a = plain.points[k], &b = polled.points[k];
    CHECK(a.status == b.status);
    CHECK(same_bits(a.q_star, b.q_star));
    CHECK(same_bits(a.c_star, b.c_star));
    CHECK(same_bits(a.chi_c, b.chi_c));
    CHECK(same_bits(a.chi_1, b.chi_1));
    CHECK(same_bits(a.xi_c, b.xi_c));
  }
}

TEST_CASE("the maps, kernel layers and kernels stop at a layer") {
  const auto phi = qmf::make_activation("tanh");
  const qmf::Initialization init{1.5, 0.1};
  CountingCheck maps(20);
  REQUIRE_THROWS_AS(qmf::iterate_maps(*phi, init, 1.0, 0.5, 100, maps.interrupt()),
                    qmf::interrupted);
  CHECK(maps.calls == 20);
  CountingCheck layers(20);
  const qmf::LayerMap map(*phi, qmf::Dense({1.5, 0.0}, 0.1));
  REQUIRE_THROWS_AS(
      qmf::propagate(map, qmf::KernelState::with_norms(1.0, 1.0, 0.5), 100, layers.interrupt()),
      qmf::interrupted);
  CountingCheck kernel(3);
  const std::vector<double> t{-0.5, 0.0, 0.5};
  REQUIRE_THROWS_AS(
      qmf::kernel_on_grid(*phi, init, 1.0, t, 10, qmf::DerivativeKernel(*phi), kernel.interrupt()),
      qmf::interrupted);
  CountingCheck never;
  const auto plain = qmf::iterate_maps(*phi, init, 1.0, 0.5, 100);
  const auto polled = qmf::iterate_maps(*phi, init, 1.0, 0.5, 100, never.interrupt());
  for (std::size_t l = 0; l < plain.size(); ++l)
    CHECK((same_bits(plain[l].q, polled[l].q) && same_bits(plain[l].c, polled[l].c)));
}

TEST_CASE("the fixed quantizer's search over sigma_w^2 stops inside one N") {
  // lmax_biased near N = 1000 is one such search of about a second: it polls
  // before every evaluation of chi_c (161 on the scan, then Brent's).
  CountingCheck stop(10);
  REQUIRE_THROWS_AS(qmf::fixed_quantizer_optimum(64, 0.1, {}, stop.interrupt()), qmf::interrupted);
  CHECK(stop.calls == 10);
  const auto plain = qmf::fixed_quantizer_optimum(64, 0.1);
  CountingCheck never;
  const auto polled = qmf::fixed_quantizer_optimum(64, 0.1, {}, never.interrupt());
  CHECK(never.calls > 161);
  CHECK(same_bits(plain.sw2, polled.sw2));
  CHECK(same_bits(plain.chi_c, polled.chi_c));
  CHECK(same_bits(plain.c_star, polled.c_star));
  // The step activations' critical line runs the same search at every sb2.
  const auto quant = qmf::make_activation("quant:8");
  CountingCheck line(30);
  REQUIRE_THROWS_AS(qmf::critical_line(*quant, {0.1, 0.2}, 1, {}, line.interrupt()),
                    qmf::interrupted);
  CHECK(line.calls == 30);
}
