#!/usr/bin/env bash
# Installs the build into a staging directory and builds examples/ against it
# the way a C++ user would: headers and flags from `pkg-config qmf` only.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --no-rebuild --quiet > /dev/null
pc=$(find "$stage" -name qmf.pc -print -quit)
[[ -n "$pc" ]] || { echo "FAIL: no qmf.pc installed"; exit 1; }
# Every public header of the source tree is installed, and qmf.hpp includes
# it (include/qmf/meson.build lists them by hand).
umbrella=$(find "$stage" -path "*/include/qmf/qmf.hpp" -print -quit)
[[ -n "$umbrella" ]] || { echo "FAIL: qmf/qmf.hpp not installed"; exit 1; }
for header in $(cd "$source/include/qmf" && find . -name '*.hpp' | sed 's#^\./##' | sort); do
  [[ -f "$(dirname "$umbrella")/$header" ]] || { echo "FAIL: qmf/$header not installed"; exit 1; }
  [[ $header == qmf.hpp ]] || grep -q "^#include \"qmf/$header\"" "$umbrella" ||
    { echo "FAIL: qmf/qmf.hpp does not include qmf/$header"; exit 1; }
done

# The staged tree is the installed one moved under $stage: qmf's own paths
# (under its prefix) move with it, its dependencies' (Eigen) stay.
export PKG_CONFIG_PATH=$(dirname "$pc")
prefix=$(pkg-config --variable=prefix qmf)
flags=$(pkg-config --cflags --libs qmf | sed "s#$prefix/#$stage$prefix/#g")
libdir=$stage$(pkg-config --variable=libdir qmf)
g++ -std=c++20 -O1 "$source/examples/critical_initialisation.cpp" $flags -o "$stage/example"
output=$(LD_LIBRARY_PATH="$libdir" "$stage/example" quant:16)
echo "$output"
# The published critical point of quant:16 (sw2 = 1.0116776...; the paper's
# 1 - chi_max = 0.011543) and 21 layers in steps of 5.
grep -q "sw2_opt = 1.01167767" <<< "$output" || { echo "FAIL: unexpected critical point"; exit 1; }
grep -q "chi_max = 0.98845711" <<< "$output" || { echo "FAIL: unexpected chi_max"; exit 1; }
[[ $(grep -c "^layer" <<< "$output") -eq 5 ]] || { echo "FAIL: expected 5 layer lines"; exit 1; }
echo "installed library, headers and pkg-config file work"
