#include "cli/work_limit.hpp"

#include <cmath>
#include <stdexcept>

#include "cli/output.hpp"
#include "qmf/activations/activation.hpp"

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
  if (!phi.is_step() || sb2 == 0.0) return;
  constexpr double evaluations = 1200.0;
  const double work = evaluations * phi.cross_moment_cost();
  if (work <= max_work_units) return;
  throw std::invalid_argument(
      "the critical sw2 of --act " + phi.spec() + " at --sb2 " + format_number(sb2) + " asks for " +
      format_number(work) + " kernel terms, more than the limit " + format_number(max_work_units) +
      " (a few minutes); fewer levels, or sb2 = 0 (a fast route)");
}

}  // namespace qmf::cli
