#!/usr/bin/env bash
# Sets up, builds and runs the test suite. Extra arguments go to `meson test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
meson test -C build --print-errorlogs "$@"
