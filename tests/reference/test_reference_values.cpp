// The library's fixed points, critical points and order-chaos lines against
// tests/reference/reference_values.csv: 25-digit values from an independent
// mpmath implementation written from docs/theory.md (generate_reference.py,
// see README.md there). The reference is exact for the doubles qmf is given,
// so every deviation below is qmf's own error.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "qmf/activations/activation.hpp"
#include "qmf/kernel/critical.hpp"
#include "qmf/kernel/fixed_points.hpp"

#ifndef REFERENCE_CSV
#error "REFERENCE_CSV must name tests/reference/reference_values.csv"
#endif

using namespace qmf;

namespace {

struct Row {
  std::string spec, sw2, sb2, quantity;
  double value = 0.0;
};

double parse_number(const std::string& text) {
  if (text == "inf") return INFINITY;
  std::size_t used = 0;
  const double value = std::stod(text, &used);
  if (used != text.size()) throw std::runtime_error("bad number in reference CSV: " + text);
  return value;
}

// Rows of `"spec",sw2,sb2,quantity,value`; the spec is quoted (it has commas).
std::vector<Row> read_reference(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    const auto close = line.find('"', 1);
    if (line.empty() || line[0] != '"' || close == std::string::npos) {
      throw std::runtime_error("bad reference line: " + line);
    }
    Row row;
    row.spec = line.substr(1, close - 1);
    std::istringstream rest(line.substr(close + 2));
    std::string value;
    std::getline(rest, row.sw2, ',');
    std::getline(rest, row.sb2, ',');
    std::getline(rest, row.quantity, ',');
    std::getline(rest, value);
    row.value = parse_number(value);
    rows.push_back(row);
  }
  return rows;
}

const std::vector<Row>& reference() {
  static const std::vector<Row> rows = read_reference(REFERENCE_CSV);
  return rows;
}

// The largest relative deviation seen per quantity, printed for the docs.
std::map<std::string, double>& worst() {
  static std::map<std::string, double> w;
  return w;
}

void check(const std::string& what, const std::string& quantity, double got, double expected,
           double tolerance) {
  const double deviation = std::fabs(got - expected);
  const double relative = expected != 0.0 ? deviation / std::fabs(expected) : deviation;
  auto& w = worst()[quantity];
  w = std::max(w, relative);
  INFO(what << " " << quantity << ": qmf " << got << ", reference " << expected << ", deviation "
            << deviation << ", tolerance " << tolerance);
  CHECK(deviation <= tolerance);
}

// Tolerance of a slope chi. qmf's slopes are sums of O(1) terms (Plackett's
// O(K^2) Gaussian terms, or a 1-D/2-D quadrature aiming at 1e-14), evaluated at
// a fixed point that is itself good to ~1e-14; 1e-13 relative leaves a margin
// of ~10 over both. chi = 0 (sign's length map) must come out as 0 to 1e-15.
double slope_tolerance(double chi) { return 1e-13 * std::fabs(chi) + 1e-15; }

// A depth scale xi = -1/ln|chi| inherits the slope's error amplified by
// dxi/dchi = xi^2/|chi|: near the order-chaos line chi -> 1 and xi ~ 1e5, so
// a slope good to 1e-15 gives xi only to ~1e-10. The tolerance is the slope's,
// propagated, not a separate allowance.
double depth_tolerance(double xi, double chi, double chi_tolerance) {
  return chi == 0.0 ? 1e-15 : chi_tolerance * xi * xi / std::fabs(chi);
}
double depth_tolerance(double xi, double chi) {
  return depth_tolerance(xi, chi, slope_tolerance(chi));
}

// Where qmf's Newton state for c* is c itself (smooth activations without an
// angle form; steps and hard-tanh continue in the angle), c* is a double that
// Newton leaves within 2 eps = 4.4e-16 of the root. Next to c = 1 that is a
// relative error of 4.4e-16 / (1 - c*) in 1 - c*: it was 2e-3 for hard-tanh
// 1e-7 above its order-chaos line, where 1 - c* = 2.2e-13 (issue 15), before
// hard-tanh had an angle form.
constexpr double c_rounding = 4.4e-16;

using Quantities = std::map<std::string, double>;

void check_fixed_point(const std::string& spec, const std::string& sw2, const std::string& sb2,
                       const Quantities& ref) {
  const auto phi = make_activation(spec);
  const auto fp = mean_field_fixed_point(*phi, {std::stod(sw2), std::stod(sb2)}, 1.0);
  const std::string what = spec + " sw2=" + sw2 + " sb2=" + sb2;
  // q*: a root of L(q) - q bracketed to ~4e-16 relative, with L evaluated to
  // ~1e-15; the error in q* is that residual over 1 - chi_q (>= 0.1 here).
  check(what, "q_star", fp.length.q, ref.at("q_star"), 1e-13 * ref.at("q_star"));
  check(what, "chi_q", fp.length.chi_q, ref.at("chi_q"), slope_tolerance(ref.at("chi_q")));
  check(what, "xi_q", fp.xi_q, ref.at("xi_q"), depth_tolerance(ref.at("xi_q"), ref.at("chi_q")));
  // c*: qmf solves 1 - C(c) = 1 - c with the deficit computed without
  // cancellation, so 1 - c* is good to ~1e-14 relative, amplified by
  // 1/(1 - chi_c) (the map's contraction); 1e-15 absolute for c* = 0.
  const double c = ref.at("c_star"), chi_c = ref.at("chi_c");
  const double c_tolerance = c == 1.0 ? 0.0 : 1e-14 * (1.0 - c) / (1.0 - chi_c) + 1e-15;
  check(what, "c_star", fp.correlation.c, c, c_tolerance);
  // chi_c at a c* held as a double moves by |d chi_c / dc| c_rounding. Next
  // to c = 1, 1 - C(c) = chi_1 d - b d^2 (tanh) or chi_1 d - a d^(3/2)
  // (kinks: hard-tanh), d = 1 - c, so |d chi_c / dc| <= (chi_1 - chi_c) / d.
  const bool c_is_double = std::isfinite(ref.at("chi_1")) && c < 1.0 && !phi->has_angle_form();
  const double c_relative = c_is_double ? c_rounding / (1.0 - c) : 0.0;
  const double chi_c_tolerance =
      slope_tolerance(chi_c) +
      (c_is_double ? c_relative * std::fabs(ref.at("chi_1") - chi_c) : 0.0);
  check(what, "chi_c", fp.correlation.chi_c, chi_c, chi_c_tolerance);
  check(what, "xi_c", fp.xi_c, ref.at("xi_c"),
        depth_tolerance(ref.at("xi_c"), chi_c, chi_c_tolerance));
  // theta* = acos c* (held-out cases only) carries 1 - c* ~ theta*^2/2 where
  // c* rounds to 1, so it gets half of 1 - c*'s relative tolerance. In the
  // cusp regime 1 - c* ~ exp(-a^2) for the scaled threshold a = t/sqrt(q*)
  // nearest 0: the rounding of t^2/q* (~4e-16) is multiplied by
  // a^2 ~ |ln(1 - c*)| (1174 at 1 - c* = 8.9e-511), hence the second term.
  // A c* held as a double adds c_relative / 2. theta* = 0 (ordered) must be
  // exact.
  if (ref.count("angle")) {
    const double angle = ref.at("angle");
    const double log_deficit =
        angle > 0.0 ? std::fabs(std::log(2.0) + 2.0 * std::log(std::sin(0.5 * angle))) : 0.0;
    check(what, "angle", fp.correlation.angle, angle,
          0.5 * angle * (1e-14 / (1.0 - chi_c) + 1e-15 * log_deficit + c_relative));
  }
  if (std::isinf(ref.at("chi_1"))) {
    CHECK(std::isinf(fp.chi_1));
  } else {
    check(what, "chi_1", fp.chi_1, ref.at("chi_1"), slope_tolerance(ref.at("chi_1")));
  }
}

}  // namespace

TEST_CASE("mean_field_fixed_point agrees with the mpmath reference") {
  std::map<std::string, Quantities> cases;
  std::map<std::string, std::vector<std::string>> keys;
  for (const auto& row : reference()) {
    if (row.sw2.empty()) continue;  // critical points and lines
    const std::string key = row.spec + "|" + row.sw2 + "|" + row.sb2;
    cases[key][row.quantity] = row.value;
    keys[key] = {row.spec, row.sw2, row.sb2};
  }
  CHECK(cases.size() >= 73);  // 48 + 25 held-out cases (issue 15)
  for (const auto& [key, quantities] : cases) {
    const auto& k = keys[key];
    check_fixed_point(k[0], k[1], k[2], quantities);
  }
}

TEST_CASE("critical points and order-chaos lines agree with the mpmath reference") {
  int n = 0;
  for (const auto& row : reference()) {
    if (!row.sw2.empty()) continue;
    const auto phi = make_activation(row.spec);
    const double sb2 = std::stod(row.sb2);
    const std::string what = row.spec + " sb2=" + row.sb2;
    ++n;
    if (row.quantity.rfind("critical_", 0) == 0) {
      const auto best = maximise_correlation_depth(*phi, sb2);
      // chi_max is the value at a flat maximum: a location error delta moves
      // it by ~delta^2, so it is as good as chi_c itself. The location (sw2,
      // q*) is a root of d ln chi / d ln q* (Activation::input_moment_log_slope)
      // found to rounding; the root's error is ~1e-15 over the O(1) curvature
      // of ln chi, so 1e-12 relative leaves a margin for the curvature.
      if (row.quantity == "critical_chi_max")
        check(what, row.quantity, best.chi_max, row.value, slope_tolerance(row.value));
      if (row.quantity == "critical_sw2")
        check(what, row.quantity, best.sw2, row.value, 1e-12 * row.value);
      if (row.quantity == "critical_q_star")
        check(what, row.quantity, best.q_star, row.value, 1e-12 * row.value);
    } else {
      // The line is a root of chi_1(q*) = 1 found to rounding: chi_1 and the
      // length map are good to ~1e-15, and d chi_1 / d ln q* is O(1).
      const auto line = order_chaos_transition(*phi, sb2);
      const double got = row.quantity == "line_sw2" ? line.sw2 : line.q_star;
      check(what, row.quantity, got, row.value, 1e-13 * row.value);
    }
  }
  CHECK(n >= 10);
  for (const auto& [quantity, deviation] : worst()) {
    std::printf("largest relative deviation %-18s %.2e\n", quantity.c_str(), deviation);
  }
}
