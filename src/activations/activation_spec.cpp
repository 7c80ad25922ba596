// Parsing of activation specs (docs/cli.md): "name[:argument][,key=value...]".
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>

#include "activations/common_smooth_activations.hpp"
#include "activations/smooth_activations.hpp"
#include "numerics/format_number.hpp"
#include "qmf/activations/activation.hpp"
#include "qmf/activations/lloyd_max.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf {

namespace {

[[noreturn]] void fail(const std::string& spec, const std::string& why) {
  throw std::invalid_argument("activation '" + spec + "': " + why);
}

// For a spec that names no family or misuses one: the whole grammar.
[[noreturn]] void fail_with_grammar(const std::string& spec, const std::string& why) {
  fail(spec, why +
                 " (allowed: sign, tanh, erf, relu, hardtanh, linear, gelu, silu, sigmoid, "
                 "softplus, selu, leaky_relu[,a=..], elu[,a=..], quant:N[,D=..,A=..], "
                 "qrelu:N[,A=..], steps:t=T1:T2..,y=Y0:Y1.., lloyd:N[,S=..]; N may be given as "
                 "Bbit for 2^B levels)");
}

// The numbers of a spec lie within [-1e100, 1e100], and the scales A, D, S and
// every nonzero level at least 1e-100 from 0: then the squares of the levels,
// the products of jumps the correlation sums add up ((2^20)^2 of them at most)
// and q* = sw2 E[phi^2] + sb2 at moderate sw2 are normal doubles. Beyond, the
// maps overflowed or underflowed and said something unrelated ("levels must be
// finite" for quant:16,A=1e308; "sw2 = 1 puts every fixed point below the
// range of double precision" for A = 1e-200).
constexpr double max_magnitude = 1e100;
constexpr double min_magnitude = 1e-100;
const std::string magnitude_range = "[1e-100, 1e100]";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// `what` names the field in messages: "A", "threshold t2", "N".
double parse_number(const std::string& spec, const std::string& text, const std::string& what) {
  if (text.empty()) fail(spec, what + " is empty");
  // from_chars, unlike strtod, takes no leading spaces, hex or locale.
  double x = 0.0;
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(text.data(), last, x);
  if (end != last || error != std::errc() || !std::isfinite(x))
    fail(spec, what + " = " + text + " is not a finite decimal number");
  return x;
}

// A scale of the family (A, D, S): the option's value, or `fallback` when absent.
double parse_scale(const std::string& spec, const std::map<std::string, std::string>& options,
                   const std::string& key, double fallback) {
  const auto found = options.find(key);
  if (found == options.end()) return fallback;
  const double x = parse_number(spec, found->second, key);
  if (!(x >= min_magnitude && x <= max_magnitude))
    fail(spec, key + " = " + found->second + " must lie in " + magnitude_range);
  return x;
}

int parse_level_count(const std::string& spec, const std::string& text) {
  // 2^20 levels: the largest N the tests verify, and already ~1 s per map
  // evaluation.
  constexpr int max_levels = 1 << 20;
  // "Bbit": the 2^B levels a B-bit code has (quant:3bit = quant:8).
  const std::string bit_suffix = "bit";
  if (text.size() > bit_suffix.size() &&
      text.compare(text.size() - bit_suffix.size(), bit_suffix.size(), bit_suffix) == 0) {
    const std::string digits = text.substr(0, text.size() - bit_suffix.size());
    const double bits = parse_number(spec, digits, "the number of bits B");
    if (bits != std::floor(bits) || bits < 1 || bits > 20)
      fail(spec, "the number of bits B = " + digits + " (in '" + text +
                     "') must be an integer from 1 to 20");
    return 1 << static_cast<int>(bits);
  }
  const double n = parse_number(spec, text, "the number of levels N");
  if (n != std::floor(n) || n < 2 || n > max_levels)
    fail(spec, "N = " + text + " must be an integer from 2 to " + std::to_string(max_levels));
  return static_cast<int>(n);
}

// Items separated by ':' (no shell quoting needed) or ';' (the original
// syntax), not both in one list; each named `letter` with its index from
// `first` (t1, t2, ... and y0, y1, ... as in docs/cli.md).
std::vector<double> parse_list(const std::string& spec, const std::string& text, char letter,
                               int first, const std::string& what) {
  const bool colons = text.find(':') != std::string::npos;
  if (colons && text.find(';') != std::string::npos)
    fail(spec, "a list separates its items by ':' or by ';', not both");
  std::vector<double> values;
  for (const std::string& item : split(text, colons ? ':' : ';')) {
    const std::string name =
        what + ' ' + letter + std::to_string(first + static_cast<int>(values.size()));
    const double x = parse_number(spec, item, name);
    if (std::fabs(x) > max_magnitude)
      fail(spec, name + " = " + item + " must lie in [-1e100, 1e100]");
    if (letter == 'y' && x != 0.0 && std::fabs(x) < min_magnitude)
      fail(spec, name + " = " + item + " must be 0 or of magnitude in " + magnitude_range);
    values.push_back(x);
  }
  return values;
}

// Options "key=value" after the first comma; each key at most once, only known keys.
std::map<std::string, std::string> parse_options(const std::string& spec,
                                                 const std::vector<std::string>& parts,
                                                 const std::vector<std::string>& allowed) {
  std::string known_keys;
  for (const auto& key : allowed) known_keys += (known_keys.empty() ? "" : ", ") + key;
  std::map<std::string, std::string> options;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t eq = parts[i].find('=');
    if (eq == std::string::npos)
      fail(spec, "option '" + parts[i] + "' is not of the form key=value");
    const std::string key = parts[i].substr(0, eq);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail(spec, "unknown option '" + key + "' (allowed: " + known_keys + ")");
    if (!options.emplace(key, parts[i].substr(eq + 1)).second)
      fail(spec, "option '" + key + "' given twice");
  }
  return options;
}

std::unique_ptr<Activation> make_quantizer(const std::string& spec, const std::string& argument,
                                           const std::vector<std::string>& parts) {
  const int n = parse_level_count(spec, argument);
  const auto options = parse_options(spec, parts, {"A", "D"});
  const double amplitude = parse_scale(spec, options, "A", 1.0);
  return make_uniform_quantizer(n, amplitude, parse_scale(spec, options, "D", 0.0));
}

std::unique_ptr<Activation> make_relu_quantizer(const std::string& spec,
                                                const std::string& argument,
                                                const std::vector<std::string>& parts) {
  const int n = parse_level_count(spec, argument);
  const auto options = parse_options(spec, parts, {"A"});
  return make_quantized_relu(n, parse_scale(spec, options, "A", 1.0));
}

std::unique_ptr<Activation> make_lloyd(const std::string& spec, const std::string& argument,
                                       const std::vector<std::string>& parts) {
  const int n = parse_level_count(spec, argument);
  // Lloyd-Max thresholds are not equally spaced: the Plackett kernel sums
  // over all N^2 threshold pairs at every quadrature node (1.9 s for one
  // `maps` at N = 1024, 25 s at 10^5), with no O(N) route as for quant:N.
  // Beyond this N every command using it would run for hours (issue 15, item 7).
  constexpr int max_lloyd_levels = 1024;
  if (n > max_lloyd_levels)
    fail(spec, "lloyd:N as an activation is limited to N <= " + std::to_string(max_lloyd_levels) +
                   " (its correlation integrals cost O(N^2) per point; `lmax --family lloyd` "
                   "reaches larger N by its own route)");
  const auto options = parse_options(spec, parts, {"S"});
  return make_lloyd_max_activation(n, parse_scale(spec, options, "S", 1.0));
}

std::unique_ptr<Activation> make_steps(const std::string& spec, const std::string& body) {
  const auto options = parse_options(spec, split("steps," + body, ','), {"t", "y"});
  if (!options.count("t") || !options.count("y")) fail(spec, "steps needs both t=... and y=...");
  auto thresholds = parse_list(spec, options.at("t"), 't', 1, "threshold");
  auto levels = parse_list(spec, options.at("y"), 'y', 0, "level");
  try {
    return std::make_unique<StepActivation>(std::move(thresholds), std::move(levels), spec);
  } catch (const std::invalid_argument& e) {
    fail(spec, e.what());
  }
}

constexpr double max_elu_scale = 100.0;

// leaky_relu[,a=A] (default 0.01, as PyTorch) and elu[,a=A] (default 1): options
// after a comma, no argument after a colon.
std::unique_ptr<Activation> make_sloped(const std::string& spec, const std::string& name) {
  if (spec.find(':') != std::string::npos)
    fail(spec, "'" + name + "' takes options after a comma (" + name + ",a=..)");
  const auto options = parse_options(spec, split(spec, ','), {"a"});
  const bool leaky = name == "leaky_relu";
  // elu's closed forms are verified against the generic quadrature up to
  // a = 100 (3e-13); beyond, q* grows like a^2 and leaves the orthants'
  // range for a quadrature that takes minutes (review of 30 Nov).
  const double max_a = leaky ? max_magnitude : max_elu_scale;
  const double a =
      options.count("a") ? parse_number(spec, options.at("a"), "a") : (leaky ? 0.01 : 1.0);
  if (!(a >= 0.0 && a <= max_a))
    fail(spec, "a = " + options.at("a") + " must lie in " +
                   (leaky ? "[0, 1e100]" : "[0, 100] (where the closed forms are verified)"));
  if (leaky) return std::make_unique<detail::LeakyRelu>(a);
  return std::make_unique<detail::Elu>(a, 1.0, "elu,a=" + detail::format_number(a));
}

}  // namespace

std::unique_ptr<Activation> make_activation(const std::string& spec) {
  const std::size_t colon = spec.find(':');
  const std::string name = spec.substr(0, std::min(colon, spec.find(',')));
  if (name == "leaky_relu" || name == "elu") return make_sloped(spec, name);
  const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (name == "steps") return make_steps(spec, rest);
  const auto parts = split(rest, ',');
  if (name == "quant") return make_quantizer(spec, parts.front(), parts);
  if (name == "qrelu") return make_relu_quantizer(spec, parts.front(), parts);
  if (name == "lloyd") return make_lloyd(spec, parts.front(), parts);
  static const std::set<std::string> plain = {"sign",     "tanh",     "erf",  "relu",
                                              "hardtanh", "linear",   "gelu", "silu",
                                              "sigmoid",  "softplus", "selu"};
  if (plain.count(name) == 0) fail_with_grammar(spec, "unknown activation '" + name + "'");
  if (spec != name) fail_with_grammar(spec, "'" + name + "' takes no arguments");
  if (name == "sign")
    return std::make_unique<StepActivation>(std::vector<double>{0.0},
                                            std::vector<double>{-1.0, 1.0}, "sign");
  if (name == "tanh") return std::make_unique<detail::Tanh>();
  if (name == "erf") return std::make_unique<detail::Erf>();
  if (name == "relu") return std::make_unique<detail::Relu>();
  if (name == "hardtanh") return std::make_unique<detail::HardTanh>();
  if (name == "linear") return std::make_unique<detail::Linear>();
  if (name == "gelu") return std::make_unique<detail::Gelu>();
  if (name == "silu") return std::make_unique<detail::Silu>();
  if (name == "sigmoid") return std::make_unique<detail::Sigmoid>();
  if (name == "softplus") return std::make_unique<detail::Softplus>();
  if (name == "selu")
    return std::make_unique<detail::Elu>(detail::selu_alpha, detail::selu_scale, "selu");
  fail_with_grammar(spec, "unknown activation");
}

}  // namespace qmf
