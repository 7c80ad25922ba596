// A bound on the work a command accepts (issue 15): requests that would run
// for hours are refused at once, with the limit named, instead of started.
#pragma once

#include <string>

#include "qmf/activations/activation.hpp"

namespace qmf::cli {

/// The most work units (Activation::cross_moment_cost terms) one command may
/// ask for: ~1.5 us each on one core, so a few minutes (tanh: ~40 ms per
/// phase-diagram point, lloyd:64 ~7 ms).
constexpr double max_work_units = 268435456.0;  // 2^28

/// The evaluations a request brings besides its count (the critical line of a
/// phase diagram), and what sets them ("--line-points 33").
struct WorkOverhead {
  double evaluations = 0.0;
  std::string source;
};

/// Throws std::invalid_argument when `count` evaluations of phi's correlation
/// map plus the overhead exceed max_work_units: "<request> with --act <spec>
/// asks for ...; at most <largest count> <unit>" with the same overhead, or,
/// when the overhead alone exceeds the limit, that it does.
void require_bounded_work(const Activation& phi, double count, const WorkOverhead& overhead,
                          const std::string& request, const std::string& unit);

/// The search for a step activation's critical sw2 at sb2 > 0 (qmf critical,
/// --sw2 crit) costs about 1200 correlation-map evaluations (a scan over
/// sigma_w, Brent's refinement, each a Newton solve for c*): quant:16384 takes
/// 11 s, lloyd:256 21 s. Throws std::invalid_argument past max_work_units.
/// At sb2 = 0 (c* = 0) an evaluation is one sum over the K thresholds: the
/// limit is then 1200 K <= 2 max_work_units (quant:262144, 21 s, passes).
void require_bounded_critical_search(const Activation& phi, double sb2);

}  // namespace qmf::cli
