// QMF_AVX2_CLONES: compile a function for AVX2 beside the baseline and pick
// the copy when the library loads, so that the build still runs on any
// x86-64. No copy contracts to FMA (meson.build: -ffp-contract=off), so a
// loop that fixes its order of operations, such as four partial sums in one
// register, gives the same bits in every copy.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QMF_AVX2_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define QMF_AVX2_CLONES
#endif
