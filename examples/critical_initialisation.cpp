// SPDX-License-Identifier: GPL-3.0-or-later
// A C++ user's first program against the installed library: the critical
// initialisation of an N-level quantizer, then the kernel of two inputs of
// unequal norm pushed through 20 layers at that initialisation.
//
//   g++ -std=c++20 critical_initialisation.cpp $(pkg-config --cflags --libs qmf)
//   ./a.out quant:16
#include <cstdio>
#include <exception>
#include <qmf/qmf.hpp>

int main(int argc, char** argv) {
  try {
    const auto phi = qmf::make_activation(argc > 1 ? argv[1] : "quant:16");
    const qmf::StepCriticalPoint critical = qmf::maximise_correlation_depth(*phi, 0.0);
    std::printf("%s: sw2_opt = %.10g, chi_max = %.10g, xi_max = %.6g\n", phi->spec().c_str(),
                critical.sw2, critical.chi_max, critical.xi_max);

    const qmf::LayerMap layer(*phi, qmf::Dense({critical.sw2, 0.0}, 0.0));
    const auto states = qmf::propagate(layer, qmf::KernelState::with_norms(0.5, 2.0, 0.6), 20);
    for (int l = 0; l <= 20; l += 5)
      std::printf("layer %2d: q1 = %.6f  q2 = %.6f  c = %.6f\n", l, states[l].q1, states[l].q2,
                  states[l].correlation());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
