// Range checks of integer options with the program's one-line message.
#pragma once

#include <string>

namespace qmf::cli {

/// Throws std::invalid_argument "FIELD must be an integer in [low, high] (got v)".
void require_integer_range(const std::string& field, long value, long low, long high);

}  // namespace qmf::cli
