#include "cli/simulation_method.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <string>

namespace qmf::cli {

CLI::Option* add_method_option(CLI::App& command, SimulationMethod& method) {
  auto parse = [&method](const std::string& text) {
    static const std::map<std::string, SimulationMethod> names{
        {"auto", SimulationMethod::automatic},
        {"gram", SimulationMethod::gram},
        {"weights", SimulationMethod::weights},
        {"cells", SimulationMethod::cells}};
    std::string name = text;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto found = names.find(name);
    if (found == names.end())
      throw std::invalid_argument("--method '" + text + "': expected auto, gram, weights or cells");
    method = found->second;
  };
  return command
      .add_option_function<std::string>(
          "--method", parse,
          "how layers are drawn: gram (from the Gram matrix, O(n m^2), exact for Gaussian "
          "weights), cells (gram forward, the backward pass from per-cell sums; step "
          "activations), weights (every weight, O(n^2 m)) or auto (the cheapest)")
      ->type_name("METHOD")
      ->default_str("auto");
}

}  // namespace qmf::cli
