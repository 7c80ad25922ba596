#include "commands/lmax_bias.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "commands/lmax_rows.hpp"
#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/weights/minimum_levels.hpp"

namespace qmf::cli {

namespace {

// Bias fractions t = sb2 / q* of the ray points reported: a decade apart,
// enough to show chi_c closing in on the supremum like t.
constexpr double ray_fractions[] = {0.1, 0.01, 0.001};

Json ray_json(const DepthOptimum& unbiased, double sb2) {
  Json points = Json::array();
  for (double t : ray_fractions) {
    const auto p = joint_ray_point(unbiased, sb2, t);
    points.push_back({{"t", t},
                      {"sw2", number(p.sw2, "sw2")},
                      {"D", number(p.spacing, "D")},
                      {"q_star", number(p.q_star, "q_star")},
                      {"chi_c", number(p.chi_c, "chi_c")}});
  }
  return points;
}

}  // namespace

void require_bounded_biased_work(const std::vector<int>& levels, int searches) {
  // A fixed-quantizer optimum costs about 300 map evaluations of N terms on
  // ~100 quadrature nodes each: 2^22 units (~10 s) over the list at most.
  double work = 0.0;
  for (int n : levels) work += searches * (n + 16.0);
  if (work > 4096.0)
    throw std::invalid_argument(
        "--levels: at --sb2 > 0 the listed N, times the searches per N (1 + the weight specs; "
        "--optimise-clip adds 36 per per-example spec and 3 per other), "
        "may sum to at most 4096 (each N is a search over sigma_w^2 at O(N) per step; got " +
        format_number(work) + " with 16 per N)");
}

void add_biased_depth(Json& out, const std::vector<int>& levels, double sb2, double k,
                      std::optional<double> depth) {
  for (int n : levels)
    if (n < 3)
      throw std::invalid_argument(
          "--levels: at --sb2 > 0, N = 2 (sign) has no maximum over sigma_w^2 (chi_c rises "
          "towards 2/pi as sigma_w grows); list N >= 3");
  Json fixed = Json::array();
  Json rays = Json::array();
  for (int n : levels) {
    const auto point = fixed_quantizer_optimum(n, sb2);
    fixed.push_back({{"N", n},
                     {"sw2", number(point.sw2, "sw2")},
                     {"q_star", number(point.q_star, "q_star")},
                     {"c_star", number(point.c_star, "c_star")},
                     {"chi_c", number(point.chi_c, "chi_c")},
                     {"xi", number(point.xi, "xi")},
                     {"L", number(k * point.xi, "L")}});
    const auto unbiased = uniform_quantizer_optimum(n);
    rays.push_back({{"N", n},
                    {"chi_sup", number(unbiased.chi_max, "chi_sup")},
                    {"L_sup", number(k * unbiased.xi_max, "L_sup")},
                    {"ray", ray_json(unbiased, sb2)}});
  }
  out["fixed_quantizer"] = fixed;
  out["joint"] = {{"attained", false},
                  {"direction", "sw2 -> inf with D = dtilde_opt sqrt(q*) (t = sb2/q* -> 0)"},
                  {"rows", rays}};
  if (depth) {
    const auto n_min = fixed_quantizer_minimum_levels(*depth, k, sb2);
    if (!n_min)
      throw std::invalid_argument("--depth: no N <= " + std::to_string(max_searched_biased_levels) +
                                  " reaches L >= " + format_number(*depth) + " at this --sb2");
    out["n_min_fixed_quantizer"] = n_min->levels;
    out["L_at_n_min_fixed_quantizer"] = number(n_min->depth, "L");
  }
}

std::string biased_depth_table(const Json& out) {
  std::ostringstream text;
  const std::string sb2 = readable_number(out["sb2"].get<double>());
  text << "\n(a) fixed quantizer quant:N (A = 1, default spacing) at sb2 = " << sb2
       << ", best sigma_w^2:\n";
  text << "N  sw2  q_star  c_star  chi_c  xi  L\n";
  for (const auto& row : out["fixed_quantizer"]) {
    text << row["N"].get<int>();
    for (const char* key : {"sw2", "q_star", "c_star", "chi_c", "xi", "L"})
      text << "  " << readable_number(row[key].get<double>());
    text << '\n';
  }
  text << "\n(b) joint over (sigma_w^2, D) at sb2 = " << sb2
       << ": no finite optimum; the supremum chi_max(N) of sb2 = 0 is approached as\n"
       << "    " << out["joint"]["direction"].get<std::string>() << "\n";
  text << "N  chi_sup  L_sup";
  for (double t : ray_fractions) text << "  chi_c(t=" << readable_number(t) << ")";
  text << '\n';
  for (const auto& row : out["joint"]["rows"]) {
    text << row["N"].get<int>() << "  " << readable_number(row["chi_sup"].get<double>()) << "  "
         << readable_number(row["L_sup"].get<double>());
    for (const auto& p : row["ray"]) text << "  " << readable_number(p["chi_c"].get<double>());
    text << '\n';
  }
  if (out.contains("n_min_fixed_quantizer"))
    text << "n_min " << out["n_min_fixed_quantizer"].get<int>() << " at sb2 = " << sb2
         << " (fixed quantizer, L = "
         << readable_number(out["L_at_n_min_fixed_quantizer"].get<double>()) << ")\n";
  return text.str();
}

}  // namespace qmf::cli
