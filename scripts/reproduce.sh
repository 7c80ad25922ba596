#!/usr/bin/env bash
# The main job: install, build, and run the headline computation.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build/apps/qmf critical --act quant:16
build/apps/qmf maps --act quant:16 --sw2 2.5 --sb2 0.05
