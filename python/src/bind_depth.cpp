// Depth layer: chi_max(N), xi_max(N) and L_max(N) = k xi_max(N) of the
// uniform and Lloyd-Max N-level quantizers, the columns of `qmf lmax`.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <exception>
#include <map>
#include <stdexcept>
#include <vector>

#include "bindings.hpp"
#include "interruptible.hpp"
#include "numerics/format_number.hpp"
#include "qmf/depth/biased_quantizer_depth.hpp"
#include "qmf/depth/quantizer_depth.hpp"
#include "qmf/weights/clip_supremum.hpp"
#include "qmf/weights/weight_depth.hpp"

namespace qmf::python {

namespace {

// The depth constant of L_max = k xi.
void validate_k(double k) {
  if (!(k > 0.0 && std::isfinite(k)))
    throw std::invalid_argument("k must be a positive finite number (got " +
                                detail::format_number(k) + ")");
}

// solve(N) for every N on `threads` OpenMP threads, polling `interrupt`
// before each; the first failure (in the order of `levels`) is rethrown after
// the loop.
template <class Solve>
auto per_level(const std::vector<int>& levels, int threads, const Interrupt& interrupt,
               Solve solve) {
  std::vector<decltype(solve(0))> out(levels.size());
  std::vector<std::exception_ptr> errors(levels.size());
  const long n = static_cast<long>(levels.size());
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (long i = 0; i < n; ++i) {
    try {
      interrupt.poll();
      out[i] = solve(levels[i]);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  return out;
}

std::vector<DepthOptimum> optima(QuantizerFamily family, const std::vector<int>& levels,
                                 int threads, const Interrupt& interrupt) {
  return per_level(levels, threads, interrupt,
                   [family](int n) { return depth_optimum(family, n); });
}

py::array_t<double> column(const std::vector<double>& values) {
  return py::array_t<double>(values.size(), values.data());
}

// The lmax table as columns; NaN marks a cell the CSV leaves empty (the
// package masks it).
py::dict lmax_result(const std::vector<int>& levels, const std::string& family_name, double k,
                     bool exponents, int threads) {
  validate_threads(threads);
  validate_k(k);
  if (levels.empty()) throw std::invalid_argument("levels must list at least one N");
  const QuantizerFamily family = family_named(family_name);
  const bool lloyd = family == QuantizerFamily::lloyd_max;
  std::vector<DepthOptimum> rows, uniform;
  std::vector<double> exponent(levels.size(), std::nan(""));
  interruptible([&](const Interrupt& interrupt) {
    rows = optima(family, levels, threads, interrupt);
    if (lloyd) uniform = optima(QuantizerFamily::uniform, levels, threads, interrupt);
    if (exponents)
      for (std::size_t i = 0; i < levels.size(); ++i) {
        interrupt.poll();
        if (levels[i] >= 4) exponent[i] = local_exponent(family, levels[i]);
      }
  });
  const std::size_t n = levels.size();
  std::vector<double> dtilde(n), one_minus(n), chi(n), xi(n), depth(n), sw2(n), slope(n), ratio(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = rows[i];
    dtilde[i] = r.dtilde_opt;
    one_minus[i] = checked(r.one_minus_chi_max, "one_minus_chi_max");
    chi[i] = checked(r.chi_max, "chi_max");
    xi[i] = checked(r.xi_max, "xi_max");
    depth[i] = finite(max_trainable_depth(r, k), "L_max");
    sw2[i] = r.sw2_opt;
    // Secant slope of ln(1 - chi_max) against ln(N + 1) over the listed neighbours.
    slope[i] = i > 0 && i + 1 < n
                   ? std::log(rows[i + 1].one_minus_chi_max / rows[i - 1].one_minus_chi_max) /
                         std::log((levels[i + 1] + 1.0) / (levels[i - 1] + 1.0))
                   : std::nan("");
    if (lloyd) ratio[i] = checked(r.xi_max / uniform[i].xi_max, "xi_ratio");
  }
  py::dict out;
  out["N"] = py::array_t<int>(n, levels.data());
  out["dtilde_opt"] = column(dtilde);
  out["one_minus_chi_max"] = column(one_minus);
  out["chi_max"] = column(chi);
  out["xi_max"] = column(xi);
  out["L_max"] = column(depth);
  out["sw2_opt"] = column(sw2);
  out["local_slope"] = column(slope);
  if (lloyd) out["xi_ratio"] = column(ratio);
  if (exponents) out["local_exponent"] = column(exponent);
  return out;
}

// `qmf lmax --sb2` as columns: the fixed quantizer's optimum over sigma_w^2
// per N, and the supremum over (sigma_w^2, D), chi_max(N) of sigma_b = 0.
py::dict lmax_biased_result(const std::vector<int>& levels, double sb2, double k, int threads) {
  validate_threads(threads);
  validate_k(k);
  if (!(sb2 > 0.0 && std::isfinite(sb2)))
    throw std::invalid_argument("sb2 must be a positive finite number");
  const std::size_t n = levels.size();
  std::vector<FixedQuantizerOptimum> fixed;
  std::vector<DepthOptimum> unbiased;
  interruptible([&](const Interrupt& interrupt) {
    fixed = per_level(levels, threads, interrupt, [&](int level) {
      return fixed_quantizer_optimum(level, sb2, {}, interrupt);
    });
    unbiased = optima(QuantizerFamily::uniform, levels, threads, interrupt);
  });
  std::vector<double> sw2(n), q(n), c(n), chi(n), xi(n), depth(n), sup(n), depth_sup(n);
  for (std::size_t i = 0; i < n; ++i) {
    sw2[i] = checked(fixed[i].sw2, "sw2");
    q[i] = checked(fixed[i].q_star, "q_star");
    c[i] = checked(fixed[i].c_star, "c_star");
    chi[i] = checked(fixed[i].chi_c, "chi_c");
    xi[i] = checked(fixed[i].xi, "xi");
    depth[i] = finite(k * fixed[i].xi, "L");
    sup[i] = checked(unbiased[i].chi_max, "chi_sup");
    depth_sup[i] = finite(k * unbiased[i].xi_max, "L_sup");
  }
  py::dict out;
  out["N"] = py::array_t<int>(n, levels.data());
  out["sw2"] = column(sw2);
  out["q_star"] = column(q);
  out["c_star"] = column(c);
  out["chi_c"] = column(chi);
  out["xi"] = column(xi);
  out["L"] = column(depth);
  out["chi_sup"] = column(sup);
  out["L_sup"] = column(depth_sup);
  return out;
}

// `qmf lmax --weights SPEC` as columns: the weight_rows of one spec, at sigma_b = 0.
py::dict lmax_weights_result(const std::vector<int>& levels, const std::string& family_name,
                             double k, const std::string& weights_spec, int threads) {
  validate_threads(threads);
  validate_k(k);
  if (levels.empty()) throw std::invalid_argument("levels must list at least one N");
  const QuantizerFamily family = family_named(family_name);
  const WeightSpec weights = parse_weight_spec(weights_spec);
  const auto gaussian = interruptible(
      [&](const Interrupt& interrupt) { return optima(family, levels, threads, interrupt); });
  std::vector<WeightDepthOptimum> rows;
  for (const auto& optimum : gaussian) rows.push_back(weight_depth_optimum(optimum, weights));
  std::vector<double> depth(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) depth[i] = finite(k * rows[i].xi_max, "L_max");
  py::dict out;
  out["weights"] = weights.text;
  out["N"] = py::array_t<int>(levels.size(), levels.data());
  out["noise_ratio"] = python::column(rows, &WeightDepthOptimum::noise_ratio, "noise_ratio");
  out["one_minus_chi_max"] =
      python::column(rows, &WeightDepthOptimum::one_minus_chi_max, "one_minus_chi_max");
  out["chi_max"] = python::column(rows, &WeightDepthOptimum::chi_max, "chi_max");
  out["xi_max"] = python::column(rows, &WeightDepthOptimum::xi_max, "xi_max");
  out["L_max"] = column(depth);
  std::vector<double> sw2(rows.size()), effective(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    sw2[i] = rows[i].sw2_opt;  // NaN for N = 2, masked by the package
    effective[i] = rows[i].sw2_effective;
  }
  out["sw2_opt"] = column(sw2);
  out["sw2_effective"] = column(effective);
  return out;
}

// `qmf lmax --sb2 S --weights SPEC` as columns: the weight_fixed_quantizer
// rows of one spec (the fixed quantizer's optimum over the latent sigma_w^2).
py::dict lmax_biased_weights_result(const std::vector<int>& levels, double sb2, double k,
                                    const std::string& weights_spec, int threads) {
  validate_threads(threads);
  validate_k(k);
  if (!(sb2 > 0.0 && std::isfinite(sb2)))
    throw std::invalid_argument("sb2 must be a positive finite number");
  const WeightSpec weights = parse_weight_spec(weights_spec);
  const std::size_t n = levels.size();
  const auto rows = interruptible([&](const Interrupt& interrupt) {
    return per_level(levels, threads, interrupt, [&](int level) {
      return weight_fixed_quantizer_optimum(level, sb2, weights, interrupt);
    });
  });
  std::vector<double> sw2(n), q(n), c(n), chi(n), xi(n), depth(n);
  for (std::size_t i = 0; i < n; ++i) {
    sw2[i] = checked(rows[i].point.sw2, "sw2");
    q[i] = checked(rows[i].point.q_star, "q_star");
    c[i] = checked(rows[i].point.c_star, "c_star");
    chi[i] = checked(rows[i].point.chi_c, "chi_c");
    xi[i] = checked(rows[i].point.xi, "xi");
    depth[i] = finite(k * rows[i].point.xi, "L");
  }
  py::dict out;
  out["weights"] = weights.text;
  out["N"] = py::array_t<int>(n, levels.data());
  out["noise_ratio"] =
      python::column(rows, &WeightFixedQuantizerOptimum::noise_ratio, "noise_ratio");
  out["sw2"] = column(sw2);
  out["sw2_effective"] =
      python::column(rows, &WeightFixedQuantizerOptimum::sw2_effective, "sw2_effective");
  out["weight_noise"] =
      python::column(rows, &WeightFixedQuantizerOptimum::weight_noise, "weight_noise");
  out["q_star"] = column(q);
  out["c_star"] = column(c);
  out["chi_c"] = column(chi);
  out["xi"] = column(xi);
  out["L"] = column(depth);
  return out;
}

// `qmf lmax --optimise-clip --weights SPEC` as columns: the weight_clip_rows
// (sb2 = 0) or weight_fixed_quantizer_clip_rows (sb2 > 0) of one spec; the
// path as N x 3 arrays over clip_path. NaN (masked by the package) for a clip
// without a maximiser and the latent sw2 of N = 2.
py::dict lmax_clip_result(const std::vector<int>& levels, const std::string& family_name, double k,
                          const std::string& weights_spec, double sb2, int threads) {
  validate_threads(threads);
  validate_k(k);
  if (!(sb2 >= 0.0 && std::isfinite(sb2)))
    throw std::invalid_argument("sb2 must be a non-negative finite number");
  if (levels.empty()) throw std::invalid_argument("levels must list at least one N");
  const QuantizerFamily family = family_named(family_name);
  if (sb2 > 0.0 && family != QuantizerFamily::uniform)
    throw std::invalid_argument("sb2 > 0 is implemented for family 'uniform' only");
  const WeightSpec weights = parse_weight_spec(weights_spec);
  const auto rows = interruptible([&](const Interrupt& interrupt) {
    return per_level(levels, threads, interrupt, [&](int n) {
      return sb2 > 0.0 ? fixed_quantizer_clip_supremum(n, sb2, weights)
                       : clip_supremum(depth_optimum(family, n), weights);
    });
  });
  const std::size_t n = rows.size(), m = std::size(clip_path);
  std::vector<double> clip(n), depth(n);
  py::array_t<double> path_chi({n, m}), path_depth({n, m}), path_sw2({n, m}), path_r({n, m});
  py::array_t<bool> matters(n), attained(n);
  for (std::size_t i = 0; i < n; ++i) {
    clip[i] = rows[i].clip;  // NaN unless an attained maximiser
    depth[i] = finite(k * rows[i].xi, "L_sup");
    matters.mutable_at(i) = rows[i].clip_matters;
    attained.mutable_at(i) = rows[i].attained;
    for (std::size_t j = 0; j < m; ++j) {
      const ClipPoint& p = rows[i].path[j];
      path_chi.mutable_at(i, j) = checked(p.chi_c, "chi_c");
      path_depth.mutable_at(i, j) = finite(k * p.xi, "L");
      path_sw2.mutable_at(i, j) = p.sw2;  // NaN for N = 2 at sb2 = 0
      path_r.mutable_at(i, j) = checked(p.noise_ratio, "noise_ratio");
    }
  }
  py::dict out;
  out["weights"] = weights.text;
  out["N"] = py::array_t<int>(n, levels.data());
  out["clip_matters"] = matters;
  out["attained"] = attained;
  out["clip"] = column(clip);
  out["chi_sup"] = python::column(rows, &ClipSupremum::chi_c, "chi_sup");
  out["L_sup"] = column(depth);
  out["path_clip"] = py::array_t<double>(m, std::data(clip_path));
  out["path_noise_ratio"] = path_r;
  out["path_sw2"] = path_sw2;
  out["path_chi_c"] = path_chi;
  out["path_L"] = path_depth;
  return out;
}

}  // namespace

void bind_depth(py::module_& m) {
  m.def("lmax_clip", &lmax_clip_result, py::arg("levels"), py::arg("family"), py::arg("k"),
        py::arg("weights"), py::arg("sb2"), py::arg("threads"));
  m.def("lmax_weights", &lmax_weights_result, py::arg("levels"), py::arg("family"), py::arg("k"),
        py::arg("weights"), py::arg("threads"));
  m.def("lmax_biased_weights", &lmax_biased_weights_result, py::arg("levels"), py::arg("sb2"),
        py::arg("k"), py::arg("weights"), py::arg("threads"));
  m.def("lmax_biased", &lmax_biased_result, py::arg("levels"), py::arg("sb2"), py::arg("k"),
        py::arg("threads"));
  m.def("lmax", &lmax_result, py::arg("levels"), py::arg("family"), py::arg("k"),
        py::arg("exponents"), py::arg("threads"));
}

}  // namespace qmf::python
