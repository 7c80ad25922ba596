// Exceptions thrown inside the OpenMP loops of the phase diagram, the
// critical line and the simulation reach the caller as themselves (issue 15,
// item 3): before, they escaped the parallel region and called
// std::terminate (SIGABRT), which no caller can handle.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "qmf/activations/smooth_activation.hpp"
#include "qmf/kernel/critical_line.hpp"
#include "qmf/kernel/phase_diagram.hpp"
#include "qmf/simulation/simulate.hpp"

using namespace qmf;

namespace {

// A user's activation that fails in an unforeseen way (not numerical_error,
// which the loops already turn into a status): every evaluation throws.
class FailingActivation final : public SmoothActivation {
 public:
  [[nodiscard]] std::string spec() const override { return "failing"; }
  [[nodiscard]] double bound() const override { return 1.0; }
  [[nodiscard]] double value(double /*x*/) const override { throw std::logic_error("on purpose"); }
  [[nodiscard]] double derivative(double /*x*/) const override {
    throw std::logic_error("on purpose");
  }
};

}  // namespace

TEST_CASE("an exception inside a parallel loop reaches the caller") {
  const FailingActivation phi;
  const std::vector<double> grid = {0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0};
  SECTION("phase diagram") { CHECK_THROWS_WITH(phase_diagram(phi, grid, grid, 2), "on purpose"); }
  SECTION("critical line") { CHECK_THROWS_WITH(critical_line(phi, grid, 2), "on purpose"); }
  SECTION("simulation") {
    SimulationSettings settings;
    settings.width = 8;
    settings.depth = 2;
    settings.nets = 6;
    settings.threads = 2;
    CHECK_THROWS_WITH(simulate_networks(phi, settings), "on purpose");
  }
}
