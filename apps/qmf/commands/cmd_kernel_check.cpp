// qmf kernel-check: empirical NNGP and NTK Gram matrices of sampled finite
// nets on Fashion-MNIST images against the analytic kernels (relative
// Frobenius error, its trend with width, leading eigenvalues), and kernel
// ridge regression with the analytic kernels (docs/kernels.md, "Against
// finite nets and data").
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/comma_list.hpp"
#include "cli/integer_range.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/sw2_choice.hpp"
#include "commands/commands.hpp"
#include "commands/kernel_check.hpp"

namespace qmf::cli {

namespace {

Json check_result(const CheckOptions& o) {
  require_integer_range("depth", o.depth, 1, 100);
  require_integer_range("images", o.images, 2, 5000);
  require_integer_range("nets", o.nets, 1, 100);
  require_integer_range("eigen", o.eigen, 1, o.images);
  require_integer_range("krr_train", o.krr_train, 0, 20000);
  // The images are centred by the training images' mean: one image is zero.
  if (o.krr_train == 1)
    throw std::invalid_argument(
        "--krr-train 1: a single training image, centred by its own mean, is zero (give 0 for no "
        "regression, or at least 2)");
  if (o.widths.empty()) throw std::invalid_argument("widths must list at least one width");
  for (const int w : o.widths) require_integer_range("widths", w, 1, 8192);
  // The same nets twice would count twice in the 1/n fits (review K, 4).
  require_distinct(o.widths, "--widths", [](int w) { return std::to_string(w); });
  if (o.krr_train > 0) {
    require_integer_range("krr_validation", o.krr_validation, 1, 20000);
    require_integer_range("krr_test", o.krr_test, 1, 10000);
  }
  const Analytic a = analytic_for(o);
  const KernelCheckSizes sizes{o.depth,     *std::max_element(o.widths.begin(), o.widths.end()),
                               o.images,    a.quasi.has_value(),
                               o.krr_train, o.krr_train > 0 ? o.krr_validation + o.krr_test : 0};
  require_kernel_check_memory(sizes);
  require_kernel_check_work(sizes, o.widths, o.nets);
  const long train_needed =
      std::max<long>(o.images, o.krr_train > 0 ? o.krr_train + o.krr_validation : 0);
  const LabelledSets sets =
      read_idx_directory(o.data, train_needed, o.krr_train > 0 ? o.krr_test : 1, 10, 784);
  if (sets.train.inputs.cols() < train_needed)
    throw std::invalid_argument("data has " + std::to_string(sets.train.inputs.cols()) +
                                " training images, fewer than the " + std::to_string(train_needed) +
                                " asked for");
  Json out = header("kernel-check");
  out["act"] = a.phi->spec();
  out["weights"] = parse_weight_spec(o.weights).text;
  out["network"] = a.quasi ? "quasi" : "gaussian-weights";
  out["derivative"] = a.quasi ? "true" : to_string(a.derivative->kind());
  // Which parameters the empirical NTK differentiates (the analytic one is
  // the same object's infinite-width limit).
  out["ntk_parameters"] = a.quasi ? "latent theta and b of the conditional-mean (quasi) network"
                                  : "unit-variance W and b (NTK parameterisation)";
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
  out["threads"] = o.threads;
  out["widths"] = o.widths;
  out["eigen"] = o.eigen;
  out["data"] = o.data;
  out["krr_train"] = o.krr_train;
  out["krr_validation"] = o.krr_validation;
  out["krr_test"] = o.krr_test;
  // The sampled nets' products (Eigen over OpenMP) on o.threads threads: their
  // blocking, and so their rounding, follow the count. The process ends with
  // this command, so the counts need no restoring.
  omp_set_num_threads(o.threads);
  Eigen::setNbThreads(o.threads);
  const Eigen::MatrixXf first = sets.train.inputs.leftCols(o.images);
  const Eigen::VectorXd mean = first.cast<double>().rowwise().mean();
  out["gram"] = gram_check(o, a, sphere_images(first, mean));
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
  shown.erase("gram");
  shown.erase("krr");
  std::cout << key_value_table(shown) << error_table(out["gram"], ' ', readable_number);
  for (const char* fit : {"nngp_fit", "ntk_fit"})
    if (!out["gram"][fit].is_null())
      std::cout << fit << ": exponent "
                << readable_number(out["gram"][fit]["exponent"].get<double>()) << " +- "
                << readable_number(out["gram"][fit]["exponent_stderr"].get<double>()) << '\n';
  for (const auto& [name, values] : out["gram"]["eigenvalues"].items()) {
    std::cout << name << ':';
    for (const auto& v : values) std::cout << ' ' << readable_number(v.get<double>());
    std::cout << '\n';
  }
  if (!out.contains("krr")) return;
  for (const char* kernel : {"nngp", "ntk"}) {
    const Json& r = out["krr"][kernel];
    std::cout << "krr " << kernel << ": ridge "
              << readable_number(r["relative_ridge"].get<double>()) << " x mean diag, train "
              << readable_number(r["train_accuracy"].get<double>()) << ", test "
              << readable_number(r["test_accuracy"].get<double>()) << ", gap "
              << readable_number(r["gap"].get<double>()) << '\n';
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
  cmd->add_option("--sw2", o->sw2,
                  "weight variance sigma_w^2, or crit for the critical one at --sb2 (as in "
                  "qmf kernel --weights: latent)")
      ->required();
  cmd->add_option("--sb2", o->init.sb2, "bias variance sigma_b^2")->capture_default_str();
  cmd->add_option("--depth", o->depth, "number of dense layers L (the last is the scalar readout)")
      ->capture_default_str();
  add_integer_list_option(*cmd, "--widths", o->widths,
                          "hidden widths n, comma-separated [64,256,1024]");
  cmd->add_option("--images", o->images, "training images in the Gram matrices")
      ->capture_default_str();
  cmd->add_option("--nets", o->nets, "sampled nets per width")->capture_default_str();
  CLI::Option* eigen = cmd->add_option("--eigen", o->eigen,
                                       "leading Gram eigenvalues printed (default: 10, or all "
                                       "the images' if fewer)");
  cmd->add_option("--weights", o->weights,
                  "gaussian, or binary,rounding=stochastic-per-example (analytic: the quasi "
                  "network; NTK in the latent theta)")
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
  o->threads = default_threads();
  add_threads_option(*cmd, o->threads,
                     "OpenMP threads (the output is reproducible for a given thread count)");
  cmd->add_flag("--json", o->json, "print one JSON object");
  add_out_option(*cmd, o->out, "write PREFIX.csv (width, net, errors) and PREFIX.json (all)");
  cmd->callback([o, eigen] {
    const ResolvedSw2 sw2 = resolve_kernel_sw2(o->sw2, o->act, o->init.sb2, o->weights);
    CheckOptions resolved = *o;
    // A default the user never gave must not refuse a small --images.
    if (eigen->count() == 0) resolved.eigen = std::clamp(resolved.images, 1, 10);
    resolved.init.sw2 = sw2.sw2;
    const auto start = std::chrono::steady_clock::now();
    Json out = check_result(resolved);
    out["sw2_choice"] = sw2.critical ? "critical" : "given";
    out["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!o->out.empty())
      write_files(o->out, {{".csv", error_table(out["gram"], ',', format_number)},
                           {".json", out.dump(2) + '\n'}});
    if (o->json)
      std::cout << out.dump(2) << '\n';
    else
      print(out);
  });
}

}  // namespace qmf::cli
