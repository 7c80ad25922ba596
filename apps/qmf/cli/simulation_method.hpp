// --method gram|weights|auto, shared by the commands that simulate nets.
#pragma once

#include <CLI/CLI.hpp>

#include "qmf/simulation/simulate.hpp"

namespace qmf::cli {

CLI::Option* add_method_option(CLI::App& command, SimulationMethod& method);

}  // namespace qmf::cli
