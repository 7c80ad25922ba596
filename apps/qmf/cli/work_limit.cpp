#include "cli/work_limit.hpp"

#include <cmath>
#include <stdexcept>

#include "cli/output.hpp"
#include "qmf/activations/activation.hpp"

namespace qmf::cli {

void require_bounded_work(const Activation& phi, double count, const std::string& request,
                          const std::string& unit) {
  const double work = count * phi.cross_moment_cost();
  if (work <= max_work_units) return;
  throw std::invalid_argument(request + " with --act " + phi.spec() + " asks for " +
                              format_number(work) + " kernel terms, more than the limit " +
                              format_number(max_work_units) + " (a few minutes); at most " +
                              format_number(std::floor(max_work_units / phi.cross_moment_cost())) +
                              " " + unit + " for this activation");
}

}  // namespace qmf::cli
