// SplitMix64's finaliser: a bijective mix of a 64-bit word into 64 uniform
// bits. Hashing (key, index) with it gives element i of draw `key` without a
// sequential stream, so a loop over i vectorises and its draws do not depend on
// the schedule (training/per_example_rounding.cpp, simulation/per_example_rows.cpp).
#pragma once

#include <cstdint>

namespace qmf::detail {

/// Also lane by lane on a GCC vector of 64-bit integers (in place: a 64-byte
/// vector returned by value has no ABI without AVX-512).
template <class Bits>
inline void mix_in_place(Bits& x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x = x ^ (x >> 31);
}

inline std::uint64_t mix(std::uint64_t x) {
  mix_in_place(x);
  return x;
}

}  // namespace qmf::detail
