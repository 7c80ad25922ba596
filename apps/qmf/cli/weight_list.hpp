// The weight specs of `qmf lmax`: --weights SPEC, repeated, and the shorthand
// --bits LIST --rounding LIST for every bits:B with every rounding.
#pragma once

#include <string>
#include <vector>

#include "qmf/weights/weight_spec.hpp"

namespace qmf::cli {

/// The specs in order: `specs` as given, then bits:B,rounding=R for each R of
/// `roundings` (comma-separated) and each B of `bits` (a level list, 2..32),
/// without repeats. Empty when neither is given. Throws std::invalid_argument
/// naming the option for a bad spec, list or rounding.
std::vector<WeightSpec> weight_spec_list(const std::vector<std::string>& specs,
                                         const std::string& bits, const std::string& roundings);

}  // namespace qmf::cli
