// The cells of a sweep (one training run each), trained in this process, or,
// when qmf is built with MPI (-Dmpi) and launched by `mpirun -np K` (K > 1),
// by ranks 1..K-1 while rank 0 hands the cells out one at a time to whichever
// rank is free and records every finished cell. Every rank must have built
// the same grid from the same arguments: cells travel as grid indexes, results
// as the JSON line the cell's run returned. Any sweep can use it (trainability,
// generalization): it knows nothing about what a cell is.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "cli/output.hpp"

namespace qmf::cli {

struct SweepCells {
  /// Rank 0 (or a serial run) only: the grid indexes to train, in order (a
  /// resumed sweep leaves out the finished ones). It may throw (e.g. a
  /// results file made with other arguments); the workers are then released
  /// and the exception reaches the caller on rank 0.
  std::function<std::vector<std::size_t>()> plan;
  /// Trains one cell and returns its result line (on a worker, or here).
  std::function<Json(std::size_t)> train;
  /// Rank 0 (or a serial run) only: keeps a finished cell, in finishing order.
  std::function<void(const Json&)> record;
};

/// Runs the sweep. Returns true in the process that holds the results (a
/// serial run, or rank 0), false on a worker rank, which has nothing left to
/// do. An exception of a worker's cell reaches the caller on rank 0 with its
/// type (std::invalid_argument, numerical_error, else std::runtime_error)
/// after the cells already handed out have finished and been recorded.
/// Throws std::invalid_argument when launched by mpirun with several ranks
/// but built without MPI (each process would run the whole sweep alone).
bool run_sweep_cells(const SweepCells& cells);

}  // namespace qmf::cli
