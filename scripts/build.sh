#!/usr/bin/env bash
# Installs the dependencies, configures (once) and builds in ./build the qmf
# program, its library and, where configured (-Dpython, the default), the
# Python module: everything `meson install -C build --no-rebuild` installs,
# and what PYTHONPATH=build/python:python imports. `meson test` builds the
# tests it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[[ -f build/build.ninja ]] || meson setup build --buildtype=release >&2
# Regenerate first, so that the targets read below are this checkout's (a build
# directory configured before the python-module alias would not list it yet).
ninja -C build build.ninja >&2
targets=(qmf:executable)
if meson introspect build --targets | grep -q '"name": "python-module"'; then
  targets+=(python-module)
fi
meson compile -C build "${targets[@]}" >&2
