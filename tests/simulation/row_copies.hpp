// The copies of the per-example row pass (simulation/per_example_rows.hpp)
// that the tests compare, and what each ran on this CPU.
#pragma once

#include <string>

#include "simulation/per_example_rows.hpp"
#include "simulation/per_example_rows_avx2.hpp"
#include "simulation/per_example_rows_avx512.hpp"

namespace qmf::test {

using simulation::RowCopy;

inline constexpr RowCopy row_copies[] = {RowCopy::fastest, RowCopy::avx2, RowCopy::portable};

/// The copy's name and the pass its groups of 8 took here.
inline std::string row_copy_name(RowCopy copy) {
  const bool avx512 = simulation::runs_avx512_rows(), avx2 = simulation::runs_avx2_rows();
  const char* vector = "portable loop (no AVX2)";
  if (copy == RowCopy::portable)
    vector = "portable loop";
  else if (copy == RowCopy::fastest && avx512)
    vector = "AVX-512 pass";
  else if (avx2)
    vector = "AVX2 pass";
  switch (copy) {
    case RowCopy::fastest:
      return std::string("fastest copy: ") + vector;
    case RowCopy::avx2:
      return std::string("AVX2 copy: ") + vector;
    case RowCopy::portable:
      break;
  }
  return std::string("portable copy: ") + vector;
}

}  // namespace qmf::test
