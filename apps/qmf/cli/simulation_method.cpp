#include "cli/simulation_method.hpp"

#include <map>
#include <string>

namespace qmf::cli {

CLI::Option* add_method_option(CLI::App& command, SimulationMethod& method) {
  static const std::map<std::string, SimulationMethod> names{
      {"auto", SimulationMethod::automatic},
      {"gram", SimulationMethod::gram},
      {"weights", SimulationMethod::weights}};
  return command
      .add_option("--method", method,
                  "how layers are drawn: gram (from the Gram matrix, O(n m^2), exact for Gaussian "
                  "weights), weights (every weight, O(n^2 m)) or auto (the cheaper)")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->default_str("auto");
}

}  // namespace qmf::cli
