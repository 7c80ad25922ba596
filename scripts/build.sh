#!/usr/bin/env bash
# Installs the dependencies, configures (once) and builds qmf in ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[[ -f build/build.ninja ]] || meson setup build --buildtype=release >&2
meson compile -C build >&2
