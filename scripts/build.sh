#!/usr/bin/env bash
# Installs the dependencies, configures (once) and builds the qmf program in
# ./build. Only the program and its library: `meson test` builds the tests it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[[ -f build/build.ninja ]] || meson setup build --buildtype=release >&2
meson compile -C build qmf:executable >&2
