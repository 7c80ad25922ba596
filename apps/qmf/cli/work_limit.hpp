// A bound on the work a command accepts (issue 15): requests that would run
// for hours are refused at once, with the limit named, instead of started.
#pragma once

#include <string>

#include "qmf/activations/activation.hpp"

namespace qmf::cli {

/// The most work units (Plackett kernel terms, see correlation_work) one
/// command may ask for: ~1.5 us each on one core, so a few minutes.
constexpr double max_work_units = 268435456.0;  // 2^28

/// The cost of one evaluation of the correlation map with phi: a step
/// activation with K thresholds sums K kernel terms per quadrature node (K^2
/// unless they are equally spaced); a smooth one's quadrature costs about
/// 2^15 such terms (tanh: ~40 ms per phase-diagram point, lloyd:64 ~7 ms).
double correlation_work(const Activation& phi);

/// Throws std::invalid_argument when `count` evaluations of phi's correlation
/// map exceed max_work_units: "<request> with --act <spec> asks for ...; at
/// most <largest count> <unit>".
void require_bounded_work(const Activation& phi, double count, const std::string& request,
                          const std::string& unit);

}  // namespace qmf::cli
