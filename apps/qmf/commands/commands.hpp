// Each subcommand registers itself on the app; its callback parses nothing
// by hand, calls the library and writes the result.
#pragma once

#include <CLI/CLI.hpp>

namespace qmf::cli {

void add_maps_command(CLI::App& app);
void add_critical_command(CLI::App& app);
void add_lmax_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_figure1_command(CLI::App& app);
void add_phase_command(CLI::App& app);
void add_cmap_command(CLI::App& app);
void add_figures_command(CLI::App& app);
void add_kernel_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_trainability_command(CLI::App& app);
void add_finite_width_command(CLI::App& app);
void add_generalization_command(CLI::App& app);
void add_kernel_check_command(CLI::App& app);

}  // namespace qmf::cli
