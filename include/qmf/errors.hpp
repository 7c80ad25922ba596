// The two ways a computation can fail. Bad input is std::invalid_argument
// (the CLI exits 2); a well-posed question without a numerical answer
// (no fixed point, non-convergence) is numerical_error (the CLI exits 3).
#pragma once

#include <stdexcept>

namespace qmf {

class numerical_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace qmf
