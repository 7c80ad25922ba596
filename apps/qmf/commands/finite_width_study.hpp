// qmf finite-width: the study itself, every width's simulated nets and length
// chain beside the mean field, and the correlation depth they reach
// (docs/finite_width.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/sw2_choice.hpp"
#include "qmf/simulation/correlation_depth.hpp"
#include "qmf/simulation/finite_width.hpp"

namespace qmf::cli {

struct FiniteWidthOptions {
  std::string act;
  std::string sw2 = critical_sw2_word;
  SimulationSettings settings;
  std::vector<double> widths{64, 128, 256, 512, 1024, 2048, 4096};
  // Nets per width: one count for every width, or one per width (many nets
  // where they are cheap, few at the largest widths; the 1/n fits weight each
  // width by its standard error).
  std::vector<double> nets{64};
  int batches = 1;                // nets drawn in batches, for the bootstrap of xi
  std::vector<double> xi_layers;  // first and last layer of the xi window; empty: L/2..L
  bool json = false;
  std::string out;
};

// One width: the simulated layers (two input pairs, so that the correlation
// depth can be read off their difference) and the length chain.
struct WidthRun {
  int n = 0;
  int nets = 0;
  std::vector<SimulatedLayer> sim;
  std::vector<Estimate> chain;
  DepthRatio depth;  // correlation depth of the simulated c difference, beside the mean field's
};

struct Study {
  std::unique_ptr<Activation> phi;
  std::string act;  // the spec as typed: figure titles, as in simulate's
  SimulationSettings settings;
  std::vector<PredictedLayer> mf;
  std::vector<LengthCorrection> theory;
  std::vector<WidthRun> runs;
  double xi_c = 0.0;
  int batches = 1;
  int xi_first = 0, xi_last = 0;  // the layers the correlation depth is estimated on
};

/// Validates the options (std::invalid_argument naming the option) and runs
/// every width, with a progress bar per width.
Study run_study(const FiniteWidthOptions& options);

/// The smallest width from which on every wider net reaches `fraction` of the
/// mean field's correlation depth; 0 when none does.
int width_reaching(const Study& study, double fraction);

/// Where ratio + z se (z = 0: the ratio itself) first reaches `fraction`,
/// interpolated linearly in ln n between the widths that bracket it: NaN when
/// it does not cross from below between the first and the last width.
double crossing_width(const Study& study, double fraction, double z);

}  // namespace qmf::cli
