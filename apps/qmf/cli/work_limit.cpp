#include "cli/work_limit.hpp"

#include <cmath>
#include <stdexcept>

#include "cli/output.hpp"
#include "qmf/activations/step_activation.hpp"

namespace qmf::cli {

double correlation_work(const Activation& phi) {
  const auto* step = dynamic_cast<const StepActivation*>(&phi);
  if (!step) return 32768.0;
  const auto k = static_cast<double>(step->thresholds().size());
  return step->is_uniform_staircase() ? k : k * k;
}

void require_bounded_work(const Activation& phi, double count, const std::string& request,
                          const std::string& unit) {
  const double work = count * correlation_work(phi);
  if (work <= max_work_units) return;
  throw std::invalid_argument(request + " with --act " + phi.spec() + " asks for " +
                              format_number(work) + " kernel terms, more than the limit " +
                              format_number(max_work_units) + " (a few minutes); at most " +
                              format_number(std::floor(max_work_units / correlation_work(phi))) +
                              " " + unit + " for this activation");
}

}  // namespace qmf::cli
