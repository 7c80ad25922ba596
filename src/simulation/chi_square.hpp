// Chi-square draws for the cell-sum simulation's Wishart matrices
// (cell_network.hpp), from a net's keyed normal stream.
#pragma once

#include "simulation/normal_generator.hpp"

namespace qmf::simulation {

/// A chi-square variate with `dof` >= 2 degrees of freedom: 2 Gamma(dof / 2)
/// by Marsaglia and Tsang's squeeze-and-reject method (exact; a normal and a
/// uniform per attempt, accepted with probability > 0.95 for dof >= 2).
double chi_square(NormalGenerator& draw, double dof);

}  // namespace qmf::simulation
