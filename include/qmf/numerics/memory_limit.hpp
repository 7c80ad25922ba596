// The memory one computation may ask for, enforced by the library's callers
// (the program and the Python package) before they allocate: a mistyped width
// or depth fails at once with one line, not after the machine starts swapping
// or the kernel's OOM killer ends the process.
#pragma once

#include <string>

namespace qmf {

/// 4 GiB: well within a workstation, far above what the documented
/// experiments need (docs/cli.md, "Resource limits").
constexpr double memory_limit_bytes = 4.0 * 1024 * 1024 * 1024;

/// Throws std::invalid_argument "SIZES ask for X GiB of memory; the limit is
/// L GiB" ("asks" when SIZES names one size, without " and ") when `bytes`
/// exceeds `limit` (or is not a number); `sizes` names the options or fields
/// that set it ("--width, --depth, --nets and --threads" in the program,
/// "width, depth, nets and threads" in Python).
void require_memory_within_limit(double bytes, const std::string& sizes,
                                 double limit = memory_limit_bytes);

}  // namespace qmf
