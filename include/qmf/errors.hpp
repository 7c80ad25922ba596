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

/// The length map iterated from q0 falls to q = 0 (sb2 = 0 and no positive
/// fixed point below q0): the signal dies. A numerical_error for callers that
/// need q*, an answer (q* = 0) for those that can go on without it.
class length_collapse : public numerical_error {
 public:
  using numerical_error::numerical_error;
};

}  // namespace qmf
