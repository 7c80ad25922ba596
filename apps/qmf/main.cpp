// qmf: mean-field signal propagation for deep networks with quantized activations.
#include "commands.hpp"

#include "qmf/errors.hpp"
#include "qmf_version.hpp"

#include <iostream>
#include <stdexcept>

int main(int argc, char** argv) {
  CLI::App app{"qmf: exact mean-field signal propagation for deep networks with quantized activations"};
  app.set_version_flag("--version", QMF_VERSION);
  app.require_subcommand(1);
  qmf::cli::add_maps_command(app);
  qmf::cli::add_critical_command(app);
  qmf::cli::add_lmax_command(app);
  qmf::cli::add_simulate_command(app);
  qmf::cli::add_figure1_command(app);
  qmf::cli::add_phase_command(app);
  qmf::cli::add_cmap_command(app);
  qmf::cli::add_figures_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "qmf: error: " << e.what() << '\n';
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "qmf: error: " << e.what() << '\n';
    return 2;
  } catch (const qmf::numerical_error& e) {
    std::cerr << "qmf: numerical failure: " << e.what() << '\n';
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "qmf: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
