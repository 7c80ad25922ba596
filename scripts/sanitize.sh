#!/usr/bin/env bash
# Builds the library and its unit tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/) and runs them; any report fails the
# run. See docs/sanitizers.md. Usage: scripts/sanitize.sh [meson test args...]
# Slow: the build takes 6-8 CPU-minutes, the tests a few times their normal time.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${QMF_ASAN_BUILD:-build-asan}
jobs=${QMF_ASAN_JOBS:-2}
if [[ ! -d $build ]]; then
  # -Db_lundef=false: the sanitizer runtimes are linked into the executables,
  # not into libqmf.so. The program (app=false) is left out: the CLI suite
  # runs it thousands of times, which the sanitizers would make too slow.
  meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false \
    --buildtype=debugoptimized -Dapp=false
fi
# Every UBSan finding is an error (by default it prints and carries on), and
# leaks are reported.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
meson compile -C "$build" -j "$jobs"
# Sanitized tests run several times slower: scale meson's timeouts.
meson test -C "$build" --num-processes "$jobs" --print-errorlogs --timeout-multiplier 6 "$@"
