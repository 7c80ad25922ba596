#include "cli/work_limit.hpp"

#include <cmath>
#include <stdexcept>

#include "cli/output.hpp"
#include "qmf/activations/activation.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf::cli {

void require_bounded_work(const Activation& phi, double count, const WorkOverhead& overhead,
                          const std::string& request, const std::string& unit) {
  const double cost = phi.cross_moment_cost();
  const double work = (count + overhead.evaluations) * cost;
  if (work <= max_work_units) return;
  const double largest = std::floor(max_work_units / cost - overhead.evaluations);
  const std::string advice =
      largest >= 1.0 ? "at most " + format_number(largest) + " " + unit + " for this activation"
                     : overhead.source + " alone exceeds it for this activation";
  throw std::invalid_argument(request + " with --act " + phi.spec() + " asks for " +
                              format_number(work) + " kernel terms, more than the limit " +
                              format_number(max_work_units) + " (a few minutes); " + advice);
}

void require_bounded_critical_search(const Activation& phi, double sb2) {
  if (!phi.is_step()) return;
  constexpr double evaluations = 1200.0;
  if (sb2 == 0.0) {
    // c* = 0: each evaluation is a sum over the K thresholds, ~0.07 us a term
    // (quant:65536 1.5-2.5 s, quant:262144 21 s, quant:2^20 over 90 s).
    const auto* steps = dynamic_cast<const StepActivation*>(&phi);
    const double thresholds = steps ? static_cast<double>(steps->thresholds().size()) : 0.0;
    const double terms = evaluations * thresholds;
    if (terms <= 2.0 * max_work_units) return;
    throw std::invalid_argument(
        "the critical sw2 of --act " + phi.spec() + " at --sb2 0 asks for " + format_number(terms) +
        " threshold terms, more than the limit " + format_number(2.0 * max_work_units) +
        " (about a minute); fewer levels (qmf lmax --levels N gives the critical sw2_opt and "
        "chi_max of quant:N at sb2 = 0 in O(N))");
  }
  const double work = evaluations * phi.cross_moment_cost();
  if (work <= max_work_units) return;
  throw std::invalid_argument(
      "the critical sw2 of --act " + phi.spec() + " at --sb2 " + format_number(sb2) + " asks for " +
      format_number(work) + " kernel terms, more than the limit " + format_number(max_work_units) +
      " (a few minutes); fewer levels, or sb2 = 0 (one sum over the thresholds per step)");
}

}  // namespace qmf::cli
