#!/usr/bin/env bash
# Installs the Debian packages qmf needs. Idempotent: quiet, and touches
# nothing, when every package is already present.
# Usage: setup.sh [--mpi]   (--mpi: also Open MPI, for `mpirun -np K qmf
# trainability`; optional, a build without it runs sweeps in one process)
set -euo pipefail

packages=(
  g++ meson ninja-build pkg-config clang-format libgsl-dev
  libeigen3-dev libboost-dev catch2 libcli11-dev nlohmann-json3-dev
  gnuplot-nox
  python3-numpy python3-mpmath python3-pandas python3-matplotlib jupyter-nbconvert python3-ipykernel
  python3-dev pybind11-dev python3-pybind11 python3-pytest python3-mesonpy
  zlib1g-dev dataset-fashion-mnist
)
[[ ${1:-} == --mpi ]] && packages+=(libopenmpi-dev openmpi-bin)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
