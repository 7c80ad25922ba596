// qmf kernel-check: empirical NNGP and NTK Gram matrices of sampled finite
// nets on Fashion-MNIST images against the analytic kernels (relative
// Frobenius error, its trend with width, leading eigenvalues), and kernel
// ridge regression with the analytic kernels (docs/kernels.md, "Against
// finite nets and data").
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "commands/commands.hpp"
#include "data/idx_reader.hpp"
#include "qmf/errors.hpp"
#include "qmf/kernel/empirical_kernel.hpp"
#include "qmf/kernel/kernel_regression.hpp"
#include "qmf/numerics/line_fit.hpp"
#include "qmf/weights/quasi_network.hpp"

namespace qmf::cli {

namespace {

struct CheckOptions {
  std::string act;
  Initialization init;
  int depth = 3;
  std::vector<int> widths{64, 256, 1024};
  int images = 300;
  int nets = 4;
  int eigen = 10;
  std::string weights = "gaussian";
  std::string derivative = "true";
  int krr_train = 0;
  int krr_validation = 1000;
  int krr_test = 2000;
  std::string data = default_data_directory;
  unsigned long seed = 1;
  bool json = false;
  std::string out;
};

constexpr double q0 = 1.0;  // inputs on the sphere |x|^2 / d = 1

void require_range(const std::string& field, long value, long low, long high) {
  if (value < low || value > high)
    throw std::invalid_argument(field + " must be an integer in [" + std::to_string(low) + ", " +
                                std::to_string(high) + "] (got " + std::to_string(value) + ")");
}

// The analytic kernel of the options' net: Gaussian weights with the chosen
// derivative kernel, or the quasi network of stochastic binary weights.
struct Analytic {
  std::unique_ptr<Activation> phi;
  std::optional<DerivativeKernel> derivative;
  std::optional<QuasiNetwork> quasi;
  Initialization init;
  int depth = 1;

  [[nodiscard]] DotProductKernel kernel(bool nngp) const {
    return [this, nngp](std::span<const double> t) {
      const auto values = quasi ? quasi_kernel_on_grid(*phi, init, q0, t, depth, *quasi)
                                : kernel_on_grid(*phi, init, q0, t, depth, *derivative);
      std::vector<double> k;
      for (const auto& v : values) k.push_back(nngp ? v.nngp : v.ntk);
      return k;
    };
  }
};

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

// Images centred by their own mean pixel and put on the sphere |x|^2 / d = q0.
Eigen::MatrixXd sphere_images(const Eigen::MatrixXf& pixels, const Eigen::VectorXd& mean) {
  Eigen::MatrixXd x = pixels.cast<double>();
  x.colwise() -= mean;
  return project_to_sphere(std::move(x), q0);
}

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

// Relative Frobenius errors per width and net, the fits of ln error against
// ln width, and leading eigenvalues at the largest width (first net).
Json gram_check(const CheckOptions& o, const Analytic& a, const Eigen::MatrixXd& x,
                std::string& csv) {
  Eigen::MatrixXd nngp = dot_product_gram(a.kernel(true), x, x);
  const Eigen::MatrixXd ntk = dot_product_gram(a.kernel(false), x, x);
  if (a.quasi)  // same input, same rounding draw: the second moment q^L
    nngp.diagonal().setConstant(quasi_states(*a.phi, a.init, q0, 1.0, a.depth, *a.quasi).back().q);
  Json rows = Json::array();
  std::vector<double> w_all, nngp_all, ntk_all;
  EmpiricalGram widest;
  std::ostringstream table;
  table << "width,net,nngp_error,ntk_error\n";
  for (const int width : o.widths)
    for (int net = 0; net < o.nets; ++net) {
      const std::uint64_t seed =
          o.seed * 1000003ULL + static_cast<std::uint64_t>(width) * 101 + net;
      EmpiricalGram g =
          a.quasi ? stochastic_binary_gram(*a.phi, a.init, a.quasi->weights.covariance, x, o.depth,
                                           width, seed)
                  : empirical_gram(*a.phi, a.init, *a.derivative, x, o.depth, width, seed);
      const double e_nngp = relative_frobenius_error(g.nngp, nngp);
      const double e_ntk = a.quasi ? NAN : relative_frobenius_error(g.ntk, ntk);
      w_all.push_back(width), nngp_all.push_back(e_nngp), ntk_all.push_back(e_ntk);
      rows.push_back({{"width", width},
                      {"net", net},
                      {"nngp_error", number(e_nngp, "nngp error")},
                      {"ntk_error", a.quasi ? Json(nullptr) : number(e_ntk, "ntk error")}});
      table << width << ',' << net << ',' << format_number(e_nngp) << ',' << format_number(e_ntk)
            << '\n';
      if (width == o.widths.back() && net == 0) widest = std::move(g);
    }
  csv = table.str();
  Json out;
  out["errors"] = rows;
  out["nngp_fit"] = fit_json(w_all, nngp_all);
  out["ntk_fit"] = a.quasi ? Json(nullptr) : fit_json(w_all, ntk_all);
  Json eig;
  eig["analytic_nngp"] = as_array(leading_eigenvalues(nngp, o.eigen), "eigenvalue");
  eig["empirical_nngp"] = as_array(leading_eigenvalues(widest.nngp, o.eigen), "eigenvalue");
  if (!a.quasi) {
    eig["analytic_ntk"] = as_array(leading_eigenvalues(ntk, o.eigen), "eigenvalue");
    eig["empirical_ntk"] = as_array(leading_eigenvalues(widest.ntk, o.eigen), "eigenvalue");
  }
  out["eigenvalues_at_width"] = o.widths.back();
  out["eigenvalues"] = eig;
  return out;
}

// Ridge chosen by validation accuracy among multiples of the mean diagonal.
Json ridge_regression(const DotProductKernel& kernel, const LabelledSets& sets, int n_train,
                      const Eigen::MatrixXd& train, const Eigen::MatrixXd& validation,
                      const Eigen::MatrixXd& test) {
  const std::span<const std::uint8_t> labels(sets.train.labels);
  const auto train_labels = labels.first(n_train);
  const auto validation_labels = labels.subspan(n_train, validation.cols());
  const Eigen::MatrixXd k = dot_product_gram(kernel, train, train);
  const Eigen::MatrixXd k_val = dot_product_gram(kernel, validation, train);
  const Eigen::MatrixXd y = one_hot(train_labels, 10);
  const double scale = k.diagonal().mean();
  double best_ridge = 0.0, best_accuracy = -1.0;
  Json scan = Json::array();
  for (const double relative : {1e-4, 1e-3, 1e-2, 1e-1, 1.0}) {
    const double accuracy = classification_accuracy(
        k_val * ridge_coefficients(k, y, relative * scale), validation_labels);
    scan.push_back({{"relative_ridge", relative}, {"validation_accuracy", accuracy}});
    if (accuracy > best_accuracy) best_accuracy = accuracy, best_ridge = relative;
  }
  const Eigen::MatrixXd alpha = ridge_coefficients(k, y, best_ridge * scale);
  const double train_accuracy = classification_accuracy(k * alpha, train_labels);
  const double test_accuracy =
      classification_accuracy(dot_product_gram(kernel, test, train) * alpha, sets.test.labels);
  return {{"relative_ridge", best_ridge},          {"validation_accuracy", best_accuracy},
          {"train_accuracy", train_accuracy},      {"test_accuracy", test_accuracy},
          {"gap", train_accuracy - test_accuracy}, {"ridge_scan", scan}};
}

Json check_result(const CheckOptions& o) {
  require_range("depth", o.depth, 1, 100);
  require_range("images", o.images, 2, 5000);
  require_range("nets", o.nets, 1, 100);
  require_range("eigen", o.eigen, 1, o.images);
  require_range("krr_train", o.krr_train, 0, 20000);
  if (o.widths.empty()) throw std::invalid_argument("widths must list at least one width");
  for (const int w : o.widths) require_range("widths", w, 1, 8192);
  if (o.krr_train > 0) {
    require_range("krr_validation", o.krr_validation, 1, 20000);
    require_range("krr_test", o.krr_test, 1, 10000);
  }
  const Analytic a = analytic_for(o);
  const long train_needed =
      std::max<long>(o.images, o.krr_train > 0 ? o.krr_train + o.krr_validation : 0);
  const LabelledSets sets =
      read_idx_directory(o.data, train_needed, o.krr_train > 0 ? o.krr_test : 1, 10);
  if (sets.train.inputs.cols() < train_needed)
    throw std::invalid_argument("data has " + std::to_string(sets.train.inputs.cols()) +
                                " training images, fewer than the " + std::to_string(train_needed) +
                                " asked for");
  Json out = header("kernel-check");
  out["act"] = a.phi->spec();
  out["weights"] = parse_weight_spec(o.weights).text;
  out["network"] = a.quasi ? "quasi" : "gaussian-weights";
  out["derivative"] = a.quasi ? "true" : to_string(a.derivative->kind());
  if (a.derivative && a.derivative->kind() == DerivativeKind::straight_through) {
    out["ste_slope"] = number(a.derivative->surrogate().slope, "ste_slope");
    out["ste_clip"] = number(a.derivative->surrogate().clip, "ste_clip");
  }
  out["sw2"] = o.init.sw2;
  out["sb2"] = o.init.sb2;
  out["depth"] = o.depth;
  out["q0"] = q0;
  out["images"] = o.images;
  out["nets"] = o.nets;
  out["seed"] = o.seed;
  out["widths"] = o.widths;
  out["eigen"] = o.eigen;
  out["data"] = o.data;
  out["krr_train"] = o.krr_train;
  out["krr_validation"] = o.krr_validation;
  out["krr_test"] = o.krr_test;
  const Eigen::MatrixXf first = sets.train.inputs.leftCols(o.images);
  const Eigen::VectorXd mean = first.cast<double>().rowwise().mean();
  std::string csv;
  out["gram"] = gram_check(o, a, sphere_images(first, mean), csv);
  out["csv"] = csv;
  if (o.krr_train > 0) {
    const Eigen::MatrixXf& pixels = sets.train.inputs;
    const Eigen::VectorXd train_mean = pixels.leftCols(o.krr_train).cast<double>().rowwise().mean();
    const Eigen::MatrixXd train = sphere_images(pixels.leftCols(o.krr_train), train_mean);
    const Eigen::MatrixXd validation =
        sphere_images(pixels.middleCols(o.krr_train, o.krr_validation), train_mean);
    const Eigen::MatrixXd test = sphere_images(sets.test.inputs, train_mean);
    out["krr"] = {
        {"train", o.krr_train},
        {"validation", o.krr_validation},
        {"test", test.cols()},
        {"nngp", ridge_regression(a.kernel(true), sets, o.krr_train, train, validation, test)},
        {"ntk", ridge_regression(a.kernel(false), sets, o.krr_train, train, validation, test)}};
  }
  return out;
}

void print(const Json& out) {
  Json shown = out;
  shown.erase("csv");
  shown.erase("gram");
  shown.erase("krr");
  std::cout << key_value_table(shown) << out["csv"].get<std::string>();
  for (const char* fit : {"nngp_fit", "ntk_fit"})
    if (!out["gram"][fit].is_null())
      std::cout << fit << ": exponent " << format_number(out["gram"][fit]["exponent"].get<double>())
                << " +- " << format_number(out["gram"][fit]["exponent_stderr"].get<double>())
                << '\n';
  for (const auto& [name, values] : out["gram"]["eigenvalues"].items()) {
    std::cout << name << ':';
    for (const auto& v : values) std::cout << ' ' << format_number(v.get<double>());
    std::cout << '\n';
  }
  if (!out.contains("krr")) return;
  for (const char* kernel : {"nngp", "ntk"}) {
    const Json& r = out["krr"][kernel];
    std::cout << "krr " << kernel << ": ridge " << format_number(r["relative_ridge"].get<double>())
              << " x mean diag, train " << format_number(r["train_accuracy"].get<double>())
              << ", test " << format_number(r["test_accuracy"].get<double>()) << ", gap "
              << format_number(r["gap"].get<double>()) << '\n';
  }
}

}  // namespace

void add_kernel_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd =
      app.add_subcommand("kernel-check",
                         "empirical NNGP/NTK of finite nets on Fashion-MNIST against the analytic "
                         "kernels, and kernel ridge regression");
  cmd->add_option("--act", o->act, "activation spec (relu, erf, sign, ...)")->required();
  cmd->add_option("--sw2", o->init.sw2, "weight variance sigma_w^2")->required();
  cmd->add_option("--sb2", o->init.sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--depth", o->depth, "number of dense layers L (the last is the scalar readout)")
      ->capture_default_str();
  cmd->add_option("--widths", o->widths, "hidden widths n, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--images", o->images, "training images in the Gram matrices")
      ->capture_default_str();
  cmd->add_option("--nets", o->nets, "sampled nets per width")->capture_default_str();
  cmd->add_option("--eigen", o->eigen, "leading Gram eigenvalues printed")->capture_default_str();
  cmd->add_option("--weights", o->weights,
                  "gaussian, or binary,rounding=stochastic-per-example (NNGP only; analytic: the "
                  "quasi network)")
      ->capture_default_str();
  cmd->add_option("--derivative", o->derivative,
                  "g of the NTK: true (phi') or ste (gradient-preserving slope, clip 1)")
      ->capture_default_str();
  cmd->add_option("--krr-train", o->krr_train, "kernel ridge regression training images (0: none)")
      ->capture_default_str();
  cmd->add_option("--krr-validation", o->krr_validation, "validation images choosing the ridge")
      ->capture_default_str();
  cmd->add_option("--krr-test", o->krr_test, "test images (t10k set)")->capture_default_str();
  cmd->add_option("--data", o->data, "directory of the four IDX files")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the sampled nets")->capture_default_str();
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out, "write PREFIX.csv (width, net, errors) and PREFIX.json (all)");
  cmd->callback([o] {
    const Json out = check_result(*o);
    if (!o->out.empty())
      write_files(o->out, {{".csv", out["csv"].get<std::string>()}, {".json", out.dump(2) + '\n'}});
    if (o->json)
      std::cout << out.dump(2) << '\n';
    else
      print(out);
  });
}

}  // namespace qmf::cli
