#include "qmf/weights/weight_spec.hpp"

#include <boost/math/special_functions/erf.hpp>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

#include "numerics/format_number.hpp"
#include "qmf/numerics/gaussian.hpp"
#include "qmf/numerics/gaussian_cell.hpp"
#include "weights/fine_grid_moments.hpp"

namespace qmf {

namespace {

constexpr const char* allowed =
    "gaussian, binary, ternary[,p=P], bits:B[,clip=C] (2 <= B <= 32), each with "
    "[,rounding=nearest|stochastic|stochastic-per-example]";

[[noreturn]] void fail(const std::string& text, const std::string& why) {
  throw std::invalid_argument("weights '" + text + "': " + why + " (allowed: " + allowed + ")");
}

double parse_number(const std::string& text, const std::string& item) {
  double x = 0.0;
  const char* end = item.data() + item.size();
  const auto [stop, error] = std::from_chars(item.data(), end, x);
  if (error != std::errc() || stop != end || item.empty() || !std::isfinite(x))
    fail(text, "'" + item + "' is not a finite number");
  return x;
}

Rounding parse_rounding(const std::string& text, const std::string& value) {
  if (value == "nearest") return Rounding::nearest;
  if (value == "stochastic") return Rounding::stochastic;
  if (value == "stochastic-per-example") return Rounding::stochastic_per_example;
  fail(text, "unknown rounding '" + value + "'");
}

const char* rounding_name(Rounding r) {
  switch (r) {
    case Rounding::nearest:
      return "nearest";
    case Rounding::stochastic:
      return "stochastic";
    case Rounding::stochastic_per_example:
      return "stochastic-per-example";
  }
  return "";
}

// E[clip(z)^2] for z ~ N(0, 1) clipped at +-L: E[z^2; |z| < L] + L^2 P(|z| > L).
double clipped_second_moment(double L) {
  const double inside = normal_interval(-L, L);
  return inside - 2.0 * L * normal_pdf(L) + L * L * 2.0 * normal_sf(L);
}

// Mean variance of stochastic rounding of z onto the grid -L, -L + D, ..., L:
// sum over cells [m - h, m + h] of the integral of (h^2 - (z - m)^2) pdf(z).
double rounding_variance(double L, double spacing) {
  const long cells = std::lround(2.0 * L / spacing);
  const double h = 0.5 * spacing;
  double sum = 0.0;
  for (long k = 0; k < cells; ++k) {
    const double mid = -L + (static_cast<double>(k) + 0.5) * spacing;
    sum += h * h * normal_interval(mid - h, mid + h) - cell_squared_error(mid, h, 0.0);
  }
  return sum;
}

// E[Q(z)^2] under nearest rounding onto the symmetric grid 0 <= levels[0] <
// levels[1] < ... (levels[0] = 0 for grids with zero), outermost cells open.
double nearest_second_moment(const std::vector<double>& levels) {
  double sum = 0.0;
  for (std::size_t j = 0; j < levels.size(); ++j) {
    const double lo = j == 0 ? 0.0 : 0.5 * (levels[j - 1] + levels[j]);
    const double hi = j + 1 == levels.size() ? INFINITY : 0.5 * (levels[j] + levels[j + 1]);
    sum += levels[j] * levels[j] * 2.0 * normal_interval(lo, hi);
  }
  return sum;
}

// Grids with more cells take their moments from the expansion in the spacing
// (weights/fine_grid_moments.hpp), whose first omitted term is below 1e-19 of
// the result there; coarser ones from the sum over cells, a few ms at most.
constexpr std::int64_t max_summed_cells = std::int64_t{1} << 14;

// bits:B's levels k clip / (2^(B-1) - 1), k = 0..2^(B-1) - 1.
std::int64_t bits_top_index(int bits) { return (std::int64_t{1} << (bits - 1)) - 1; }

}  // namespace

WeightSpec::Grid WeightSpec::grid() const {
  switch (kind) {
    case Kind::gaussian:
      return {};
    case Kind::binary:
      return {1.0, 2.0, 1};
    case Kind::ternary: {
      const double s = positive_levels().back();
      return {s, s, 2};
    }
    case Kind::bits: {
      const std::int64_t count = bits_top_index(bits);
      return {clip, clip / static_cast<double>(count), 2 * count};
    }
  }
  return {};
}

std::vector<double> WeightSpec::positive_levels() const {
  switch (kind) {
    case Kind::gaussian:
      return {};
    case Kind::binary:
      return {1.0};
    case Kind::ternary: {
      // P(|z| < s/2) = p.
      const double s = 2.0 * std::sqrt(2.0) * boost::math::erf_inv(zero_fraction);
      return {0.0, s};
    }
    case Kind::bits: {
      if (bits > 25)
        throw std::invalid_argument("weights '" + text + "': more than 2^24 levels to list");
      const int count = static_cast<int>(bits_top_index(bits));
      std::vector<double> levels(static_cast<std::size_t>(count) + 1);
      for (int k = 0; k <= count; ++k) levels[k] = clip * k / count;
      return levels;
    }
  }
  return {};
}

WeightSpec parse_weight_spec(const std::string& text) {
  WeightSpec spec;
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  const std::string& head = parts.front();
  if (head == "gaussian") {
    spec.kind = WeightSpec::Kind::gaussian;
  } else if (head == "binary") {
    spec.kind = WeightSpec::Kind::binary;
  } else if (head == "ternary") {
    spec.kind = WeightSpec::Kind::ternary;
    spec.zero_fraction = 1.0 / 3.0;
  } else if (head.rfind("bits:", 0) == 0) {
    spec.kind = WeightSpec::Kind::bits;
    const double b = parse_number(text, head.substr(5));
    // 32 bits: the spacing clip / (2^31 - 1) is still 2^21 ulps of the clip,
    // so a weight's position on the grid is exact to 5e-7 of a cell.
    if (b != std::floor(b) || b < 2 || b > 32)
      fail(text, "bits:B needs an integer 2 <= B <= 32 (got " + detail::format_number(b) + ")");
    spec.bits = static_cast<int>(b);
  } else {
    fail(text, head.empty() ? "the spec is empty" : "unknown weights '" + head + "'");
  }
  std::set<std::string> given;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t equals = parts[i].find('=');
    if (equals == std::string::npos) fail(text, "'" + parts[i] + "' is not key=value");
    const std::string key = parts[i].substr(0, equals);
    const std::string value = parts[i].substr(equals + 1);
    // A second clip= or rounding= is a typo more often than an override.
    if (!given.insert(key).second) fail(text, "option '" + key + "' given twice");
    if (key == "rounding" && spec.kind != WeightSpec::Kind::gaussian) {
      spec.rounding = parse_rounding(text, value);
    } else if (key == "p" && spec.kind == WeightSpec::Kind::ternary) {
      spec.zero_fraction = parse_number(text, value);
      // Levels +-s with P(|z| < s/2) = p: s ~ 2.5 p as p -> 0 and E[Q^2] =
      // s^2 (1 - p) -> 0 at both ends, underflowing below p ~ 1e-162 (blamed
      // on sw2). As for the clip, the bounds are far outside any useful p.
      if (!(spec.zero_fraction >= 1e-4 && spec.zero_fraction <= 1.0 - 1e-4))
        fail(text, "p must lie in [0.0001, 0.9999] (got " +
                       detail::format_number(spec.zero_fraction) + ")");
    } else if (key == "clip" && spec.kind == WeightSpec::Kind::bits) {
      spec.clip = parse_number(text, value);
      // A clip far below the weights' scale leaves a grid that is all but zero
      // (E[Q^2] ~ C^2 sw2; clip=1e-160 made the maps fail, blamed on sw2). 1e-4
      // is below any useful clip (--optimise-clip scans down to 6e-4).
      if (!(spec.clip >= 1e-4 && spec.clip <= 40.0))
        fail(text, "clip must lie in [0.0001, 40] (got " + detail::format_number(spec.clip) + ")");
    } else {
      fail(text, "unknown option '" + key + "' for " + head);
    }
  }
  spec.text = spec.kind == WeightSpec::Kind::bits ? "bits:" + std::to_string(spec.bits) : head;
  if (spec.kind == WeightSpec::Kind::ternary)
    spec.text += ",p=" + detail::format_number(spec.zero_fraction);
  if (spec.kind == WeightSpec::Kind::bits) spec.text += ",clip=" + detail::format_number(spec.clip);
  if (spec.kind != WeightSpec::Kind::gaussian)
    spec.text += std::string(",rounding=") + rounding_name(spec.rounding);
  return spec;
}

WeightMoments weight_moments(const WeightSpec& spec) {
  if (spec.kind == WeightSpec::Kind::gaussian) return {};
  const auto [top, spacing, cells] = spec.grid();
  const bool fine = cells > max_summed_cells;
  const double clipped = clipped_second_moment(top);
  if (spec.rounding == Rounding::nearest) {
    const double second = fine ? clipped + detail::fine_grid_nearest_excess(top, spacing)
                               : nearest_second_moment(spec.positive_levels());
    return {second, second, 0.0};
  }
  // Stochastic rounding is unbiased on the clipped weight: E[Q | z] = clip(z),
  // so two independent roundings of one weight have E[Q1 Q2] = E[clip(z)^2].
  const double nu =
      fine ? detail::fine_grid_rounding_variance(top, spacing) : rounding_variance(top, spacing);
  const double covariance = spec.rounding == Rounding::stochastic ? clipped + nu : clipped;
  return {clipped + nu, covariance, nu};
}

WeightPrior weight_prior(const WeightSpec& spec, double sw2) {
  const WeightMoments m = weight_moments(spec);
  // The noise is nu itself, not variance - covariance: at bits:32 nu (3e-19)
  // is below the rounding of E[Q^2] ~ 1, and the difference would be 0.
  const bool per_example = spec.rounding == Rounding::stochastic_per_example;
  return {sw2 * m.covariance, per_example ? sw2 * m.rounding_variance : 0.0};
}

}  // namespace qmf
