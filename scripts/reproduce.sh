#!/usr/bin/env bash
# The main job: install, build, and run the headline computation.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# Headline: L_max(N), the paper's 69-value table with its power-law fit and
# Figure 2 (data/lmax_paper.{csv,json,png,svg,pdf}); README, "Five-minute tour".
paper=3..63,125,128,255,256,512,515,1024,1025
build/apps/qmf lmax --levels "2,$paper" --fit "$paper" --out data/lmax_paper
build/apps/qmf critical --act quant:16
build/apps/qmf maps --act quant:16 --sw2 2.5 --sb2 0.05
