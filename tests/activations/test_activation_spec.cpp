// The parsing of activation specs (docs/cli.md): every documented family,
// the canonical spec string, and one-line errors for malformed specs.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/activations/backward_derivative.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/activations/step_activation.hpp"
#include "qmf/kernel/fixed_points.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "support/mean_field_test_support.hpp"

using namespace qmf;
using qmf::testing::as_step;
using qmf::testing::kernel_scale;
using qmf::testing::pi;

// ---------------------------------------------------------------------------
// Spec parsing

TEST_CASE("make_activation builds every documented activation") {
  struct Expected {
    std::string spec;
    bool step;
    double bound;
    std::vector<std::pair<double, double>> values;  // (x, phi(x))
  };
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Expected> table = {
      {"sign", true, 1.0, {{-2.0, -1.0}, {-1e-300, -1.0}, {0.5, 1.0}}},
      {"quant:4", true, 1.0, {{-1.0, -1.0}, {-0.2, -1.0 / 3}, {0.2, 1.0 / 3}, {0.9, 1.0}}},
      {"quant:5,D=0.3,A=2", true, 2.0, {{-0.5, -2.0}, {-0.2, -1.0}, {0.0, 0.0}, {0.46, 2.0}}},
      {"steps:t=-0.5;0.2;1.3,y=-1;0.5;0.7;2", true, 2.0, {{-9.0, -1.0}, {0.0, 0.5}, {1.0, 0.7}}},
      {"steps:y=3;-4,t=0.25", true, 4.0, {{0.0, 3.0}, {0.3, -4.0}}},  // options in any order
      {"tanh", false, 1.0, {{0.5, std::tanh(0.5)}}},
      {"erf", false, 1.0, {{-0.7, std::erf(-0.7)}}},
      {"relu", false, inf, {{-0.7, 0.0}, {1.5, 1.5}}},
      {"hardtanh", false, 1.0, {{-3.0, -1.0}, {0.4, 0.4}, {1.2, 1.0}}},
      {"linear", false, inf, {{-3.5, -3.5}}},
  };
  for (const auto& e : table) {
    INFO(e.spec);
    const auto phi = make_activation(e.spec);
    CHECK(phi->is_step() == e.step);
    CHECK(phi->bound() == e.bound);
    for (const auto& [x, y] : e.values) {
      INFO("x = " << x);
      CHECK(phi->value(x) == Approx(y).epsilon(1e-15));  // level arithmetic: a few ulp
    }
  }
}

TEST_CASE("quant:N and lloyd:N have the documented thresholds and levels") {
  // theory.md section 3: y_m = -A + 2A m/(N-1), t_k = D (k - N/2), D = 2A/(N-1)
  // by default. Exact up to one rounding per number: 1e-15 relative.
  struct Quant {
    std::string spec;
    int n;
    double a;
    double d;
  };
  for (const auto& [spec, n, a, d] : std::vector<Quant>{{"quant:2", 2, 1.0, 2.0},
                                                        {"quant:4", 4, 1.0, 2.0 / 3.0},
                                                        {"quant:16", 16, 1.0, 2.0 / 15.0},
                                                        {"quant:5,D=0.3,A=2", 5, 2.0, 0.3},
                                                        {"quant:4,A=0.5", 4, 0.5, 1.0 / 3.0}}) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const auto& step = as_step(*phi);
    REQUIRE(step.levels().size() == static_cast<std::size_t>(n));
    REQUIRE(step.thresholds().size() == static_cast<std::size_t>(n - 1));
    for (int m = 0; m < n; ++m)
      CHECK(step.levels()[m] == testing::approx_abs(-a + 2.0 * a * m / (n - 1), 1e-15 * a));
    for (int k = 1; k < n; ++k)
      CHECK(step.thresholds()[k - 1] == testing::approx_abs(d * (k - 0.5 * n), 1e-15 * d * n));
  }
  // lloyd:N,S=s is the Lloyd-Max quantizer of N(0, 1) scaled by s.
  const auto lloyd = make_activation("lloyd:8,S=0.5");
  const auto reference = lloyd_max_quantizer(8);
  const auto& step = as_step(*lloyd);
  REQUIRE(step.thresholds().size() == 7);
  for (std::size_t k = 0; k < 7; ++k)
    CHECK(step.thresholds()[k] == Approx(0.5 * reference.thresholds[k]).epsilon(1e-15));
  for (std::size_t m = 0; m < 8; ++m)
    CHECK(step.levels()[m] == Approx(0.5 * reference.levels[m]).epsilon(1e-15));
}

TEST_CASE("spec() is canonical: parsing it again gives the same activation") {
  for (const auto& spec : testing::all_activation_specs()) {
    INFO(spec);
    const auto phi = make_activation(spec);
    const auto again = make_activation(phi->spec());
    CHECK(again->spec() == phi->spec());
    for (double x : {-1.7, -0.45, 0.0, 0.2, 1.1, 3.0}) CHECK(again->value(x) == phi->value(x));
  }
  CHECK(make_activation("quant:16")->spec() == "quant:16,A=1,D=0.13333333333333333");
  // The shortest decimals that read back as the same doubles, not 17 digits
  // ("0.66666666666666663", "0.10000000000000001").
  CHECK(make_activation("quant:4")->spec() == "quant:4,A=1,D=0.6666666666666666");
  CHECK(make_activation("quant:16,D=0.1")->spec() == "quant:16,A=1,D=0.1");
}

TEST_CASE("malformed specs throw std::invalid_argument") {
  const std::vector<std::string> malformed = {
      // unknown names, arguments where none are allowed
      "", "foo", "Sign", "sign:2", "tanh:1", "relu,A=1", "sign ",
      // elu's scale beyond its verified range, leaky_relu's negative
      "elu,a=100.5", "elu,a=-1", "leaky_relu,a=-0.1",
      // N missing, not an integer, or < 2
      "quant", "quant:", "quant:1", "quant:0", "quant:-3", "quant:2.5", "quant:abc", "quant:4x",
      "lloyd:1", "lloyd:", "quant:1e300", "quant:1048577", "lloyd:2000000",
      // numbers as strtod would take them but a spec should not: spaces, hex
      "quant: 4", "quant:4,A= 2", "quant:0x10",
      // non-finite numbers
      "quant:nan", "quant:inf", "quant:4,D=nan", "quant:4,A=inf", "quant:4,D=1e999",
      "lloyd:4,S=nan",
      // bad options: non-positive, unknown, repeated, empty, not key=value
      "quant:4,D=0", "quant:4,D=-0.5", "quant:4,A=0", "quant:4,A=-1", "quant:4,X=1", "quant:4,S=1",
      "quant:4,D=1,D=2", "quant:4,D=", "quant:4,D", "quant:4,", "quant:4,,A=1", "lloyd:4,S=0",
      "lloyd:4,S=-1", "lloyd:4,D=0.1",
      // steps: missing parts, malformed lists
      "steps", "steps:", "steps:t=0", "steps:y=-1;1", "steps:t=,y=1", "steps:t=0,y=1;",
      "steps:t=0;;1,y=0;1;2", "steps:t=0,y=-1;1,z=2", "steps:t=0,y=-1;1,t=1", "steps:t=a,y=0;1",
      "steps:t=0 y=0;1",
      // steps: wrong level count
      "steps:t=0,y=1", "steps:t=0,y=1;2;3", "steps:t=-1;1,y=0;1",
      // steps: thresholds not strictly increasing
      "steps:t=1;0,y=0;1;2", "steps:t=0;0,y=0;1;2", "steps:t=-1;2;1.5,y=0;1;2;3",
      // steps: non-finite numbers
      "steps:t=inf,y=0;1", "steps:t=0,y=nan;1", "steps:t=0,y=0;1e400",
      // steps: constant (every level equal)
      "steps:t=0,y=1;1", "steps:t=-1;1,y=0;0;0"};
  for (const auto& spec : malformed) {
    INFO("spec '" << spec << "'");
    CHECK_THROWS_AS(make_activation(spec), std::invalid_argument);
  }
}

TEST_CASE("numbers beyond their range: one line naming the field, the value and the range") {
  // Each used to fail far from its cause: quant:16,A=1e308 as "quantizer
  // spacing D must be positive and finite", steps thresholds of 1e308 as a
  // length map that "cycles", A = 1e-200 as sw2 putting q* below the doubles.
  struct Case {
    std::string spec;
    std::string reason;  // what the message must hold after "activation '<spec>': "
  };
  const std::vector<Case> cases = {
      {"quant:16,A=1e308", "A = 1e308 must lie in [1e-100, 1e100]"},
      {"quant:16,A=1e-200", "A = 1e-200 must lie in [1e-100, 1e100]"},
      {"quant:16,D=1e308", "D = 1e308 must lie in [1e-100, 1e100]"},
      {"quant:16,A=-1", "A = -1 must lie in [1e-100, 1e100]"},
      {"lloyd:16,S=1e150", "S = 1e150 must lie in [1e-100, 1e100]"},
      {"qrelu:16,A=1e101", "A = 1e101 must lie in [1e-100, 1e100]"},
      {"steps:t=-1e308:1e308,y=0:1:2", "threshold t1 = -1e308 must lie in [-1e100, 1e100]"},
      {"steps:t=0:2e100,y=0:1:2", "threshold t2 = 2e100 must lie in [-1e100, 1e100]"},
      {"steps:t=0,y=-1e308:1e308", "level y0 = -1e308 must lie in [-1e100, 1e100]"},
      {"steps:t=0,y=0:1e-300", "level y1 = 1e-300 must be 0 or of magnitude in [1e-100, 1e100]"},
      {"steps:t=0,y=0:1e400", "level y1 = 1e400 is not a finite decimal number"},
      {"steps:t=1:0,y=0:1:2", "thresholds must be strictly increasing (t2 = 0 follows t1 = 1)"},
      {"quant:1e308", "N = 1e308 must be an integer from 2 to 1048576"},
      {"quant:21bit", "the number of bits B = 21 (in '21bit') must be an integer from 1 to 20"},
      {"elu,a=1e308", "a = 1e308 must lie in [0, 100]"},
      {"leaky_relu,a=1e308", "a = 1e308 must lie in [0, 1e100]"},
      {"quant:16,X=1", "unknown option 'X' (allowed: A, D)"}};
  for (const auto& [spec, reason] : cases) {
    INFO("spec '" << spec << "'");
    const std::string message = testing::spec_error(spec);
    CHECK(message.rfind("activation '" + spec + "': " + reason, 0) == 0);
    CHECK(message.find('\n') == std::string::npos);
    // The list of every family is for a name qmf does not know, not for a bad value.
    CHECK(message.find("allowed: sign") == std::string::npos);
  }
  // The extremes of the ranges are accepted and give finite fixed points (at
  // A = 1e100 q* ~ 1e199, whose root search overflowed before).
  for (const std::string spec : {"quant:16,A=1e100", "quant:16,A=1e-100,D=1e-100",
                                 "lloyd:4,S=1e100", "steps:t=-1e100:1e100,y=-1e100:1e-100:1e100"}) {
    INFO(spec);
    CHECK_NOTHROW(make_activation(spec));
  }
  CHECK(std::isfinite(
      stable_length_fixed_point(*make_activation("quant:16,A=1e100"), {1.0, 0.1}, 1.0).q));
}

// The batch evaluation the trainer's forward pass uses: the threshold count
// (few thresholds) and the binary search (many) must give value() exactly, in
// double and float, including inputs exactly on a threshold.
// Equally spaced thresholds take the count from the spacing and correct it:
// every threshold and its neighbouring doubles are among the inputs, where a
// count one off would show. Up to 16 levels the doubles go through an AVX-512
// lookup where the machine has it (8 at a time, the rest one by one), so the
// inputs also hold infinities and NaN.
TEST_CASE("values() is value() element by element, for steps and smooth activations") {
  for (const std::string spec : {"quant:2", "quant:4", "quant:16", "quant:17", "quant:64",
                                 "steps:t=-1;0.5,y=1.5;-2;0.25", "tanh"}) {
    const auto phi = make_activation(spec);
    std::vector<double> in;
    for (int i = -400; i <= 400; ++i) in.push_back(i / 100.0);
    for (const double u : {0.5, HUGE_VAL, -HUGE_VAL, 1e300, -1e300}) in.push_back(u);
    if (const auto* steps = dynamic_cast<const qmf::StepActivation*>(phi.get()))
      for (const double t : steps->thresholds())
        for (const double u : {std::nextafter(t, -1e300), t, std::nextafter(t, 1e300)})
          in.push_back(u);
    std::vector<double> out(in.size());
    std::vector<float> in_f(in.begin(), in.end()), out_f(in.size());
    phi->values(in.data(), out.data(), in.size());
    phi->values(in_f.data(), out_f.data(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      INFO(spec << " at " << in[i]);
      CHECK(out[i] == phi->value(in[i]));
      CHECK(out_f[i] == static_cast<float>(phi->value(in_f[i])));
    }
  }
}

TEST_CASE("batched derivatives are the derivative and the STE element by element") {
  std::vector<double> in;
  for (int i = -300; i <= 300; ++i) in.push_back(i / 100.0);
  for (const std::string spec : {"tanh", "relu", "quant:16"}) {
    const auto phi = make_activation(spec);
    // A one-sided window for the step activation: both ends inclusive.
    const qmf::BackwardDerivative g(*phi, {1.5, 1.0, std::pair{0.0, 2.0}});
    std::vector<double> derivative(in.size()), surrogate(in.size());
    phi->derivatives(in.data(), derivative.data(), in.size());
    g.values(in.data(), surrogate.data(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      INFO(spec << " at " << in[i]);
      CHECK(derivative[i] == phi->derivative(in[i]));
      CHECK(surrogate[i] == g(in[i]));
    }
  }
}

TEST_CASE("cross_moment_cost counts the terms of one cross moment") {
  CHECK(make_activation("quant:16")->cross_moment_cost() == 15.0);
  CHECK(make_activation("lloyd:16")->cross_moment_cost() == 225.0);
  CHECK(make_activation("tanh")->cross_moment_cost() == 32768.0);
  CHECK(std::isnan(make_activation("tanh")->central_spacing()));
  CHECK(make_activation("quant:5")->central_spacing() == Approx(0.5));
}
