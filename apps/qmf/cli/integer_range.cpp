#include "cli/integer_range.hpp"

#include <stdexcept>

namespace qmf::cli {

void require_integer_range(const std::string& field, long value, long low, long high) {
  if (value < low || value > high)
    throw std::invalid_argument(field + " must be an integer in [" + std::to_string(low) + ", " +
                                std::to_string(high) + "] (got " + std::to_string(value) + ")");
}

}  // namespace qmf::cli
