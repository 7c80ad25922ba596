// qmf kernel-check: the analytic kernels, and sampled nets' empirical Gram
// matrices against them (relative Frobenius error, its trend with width,
// leading eigenvalues).
#include <cmath>
#include <sstream>

#include "commands/kernel_check.hpp"
#include "qmf/kernel/empirical_kernel.hpp"
#include "qmf/numerics/line_fit.hpp"

namespace qmf::cli {

namespace {

Json as_array(const std::vector<double>& values, const std::string& what) {
  Json out = Json::array();
  for (const double v : values) out.push_back(number(v, what));
  return out;
}

Json fit_json(const std::vector<double>& widths, const std::vector<double>& errors) {
  std::vector<double> lx, ly;
  for (std::size_t k = 0; k < widths.size(); ++k)
    lx.push_back(std::log(widths[k])), ly.push_back(std::log(errors[k]));
  try {
    const LineFit fit = fit_line(lx, ly);
    return {{"exponent", number(fit.slope, "exponent")},
            {"exponent_stderr", number(fit.slope_stderr, "exponent_stderr")},
            {"r2", number(fit.r2, "r2")}};
  } catch (const std::invalid_argument&) {
    return nullptr;  // fewer than 3 points or a single width
  }
}

}  // namespace

DotProductKernel Analytic::kernel(bool nngp) const {
  return [this, nngp](std::span<const double> t) {
    const auto values = quasi ? quasi_kernel_on_grid(*phi, init, q0, t, depth, *quasi)
                              : kernel_on_grid(*phi, init, q0, t, depth, *derivative);
    std::vector<double> k;
    for (const auto& v : values) k.push_back(nngp ? v.nngp : v.ntk);
    return k;
  };
}

Analytic analytic_for(const CheckOptions& o) {
  Analytic a{make_activation(o.act), std::nullopt, std::nullopt, o.init, o.depth};
  const WeightSpec spec = parse_weight_spec(o.weights);
  const DerivativeKind kind = parse_derivative_kind(o.derivative);
  if (spec.kind == WeightSpec::Kind::gaussian) {
    if (kind == DerivativeKind::true_derivative)
      a.derivative.emplace(*a.phi);
    else  // the gradient-preserving STE of qmf simulate and qmf kernel, clip 1
      a.derivative.emplace(
          *a.phi, gradient_preserving_surrogate(*a.phi, o.init, o.init.sw2 * q0 + o.init.sb2, 1.0));
    return a;
  }
  if (spec.kind != WeightSpec::Kind::binary ||
      spec.text.find("stochastic-per-example") == std::string::npos)
    throw std::invalid_argument(
        "weights must be gaussian or binary,rounding=stochastic-per-example (got '" + o.weights +
        "')");
  if (kind != DerivativeKind::true_derivative)
    throw std::invalid_argument("derivative must be true for binary weights (got '" + o.derivative +
                                "')");
  a.quasi = quasi_network(spec);
  return a;
}

Json gram_check(const CheckOptions& o, const Analytic& a, const Eigen::MatrixXd& x) {
  // For binary weights every empirical entry, the diagonal too, pairs two
  // independent rounding draws (qmf/kernel/empirical_kernel.hpp): the quasi
  // network's kernels as they are.
  const Eigen::MatrixXd nngp = dot_product_gram(a.kernel(true), x, x);
  const Eigen::MatrixXd ntk = dot_product_gram(a.kernel(false), x, x);
  Json rows = Json::array();
  std::vector<double> w_all, nngp_all, ntk_all;
  EmpiricalGram widest;
  for (const int width : o.widths)
    for (int net = 0; net < o.nets; ++net) {
      const std::uint64_t seed =
          o.seed * 1000003ULL + static_cast<std::uint64_t>(width) * 101 + net;
      EmpiricalGram g =
          a.quasi ? stochastic_binary_gram(*a.phi, a.init, a.quasi->weights.covariance, x, o.depth,
                                           width, seed)
                  : empirical_gram(*a.phi, a.init, *a.derivative, x, o.depth, width, seed);
      const double e_nngp = relative_frobenius_error(g.nngp, nngp);
      const double e_ntk = relative_frobenius_error(g.ntk, ntk);
      w_all.push_back(width), nngp_all.push_back(e_nngp), ntk_all.push_back(e_ntk);
      rows.push_back({{"width", width},
                      {"net", net},
                      {"nngp_error", number(e_nngp, "nngp error")},
                      {"ntk_error", number(e_ntk, "ntk error")}});
      if (width == o.widths.back() && net == 0) widest = std::move(g);
    }
  Json out;
  out["errors"] = rows;
  out["nngp_fit"] = fit_json(w_all, nngp_all);
  out["ntk_fit"] = fit_json(w_all, ntk_all);
  Json eig;
  eig["analytic_nngp"] = as_array(leading_eigenvalues(nngp, o.eigen), "eigenvalue");
  eig["empirical_nngp"] = as_array(leading_eigenvalues(widest.nngp, o.eigen), "eigenvalue");
  eig["analytic_ntk"] = as_array(leading_eigenvalues(ntk, o.eigen), "eigenvalue");
  eig["empirical_ntk"] = as_array(leading_eigenvalues(widest.ntk, o.eigen), "eigenvalue");
  out["eigenvalues_at_width"] = o.widths.back();
  out["eigenvalues"] = eig;
  return out;
}

std::string error_table(const Json& gram, char separator, std::string (*write)(double)) {
  std::ostringstream table;
  table << "width" << separator << "net" << separator << "nngp_error" << separator << "ntk_error\n";
  for (const auto& row : gram["errors"])
    table << row["width"].get<int>() << separator << row["net"].get<int>() << separator
          << write(row["nngp_error"].get<double>()) << separator
          << write(row["ntk_error"].get<double>()) << '\n';
  return table.str();
}

}  // namespace qmf::cli
