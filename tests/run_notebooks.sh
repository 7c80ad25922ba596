#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless against freshly generated qmf
# output, so that the notebooks never drift from the CSV/JSON they read.
# Usage: run_notebooks.sh QMF_BINARY NOTEBOOK_DIR
# Small grids keep the whole test within a minute; `qmf figures` makes the full ones.
set -euo pipefail
qmf=$1
notebooks=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$qmf" lmax --levels 2..32,64 --fit 3..32,64 --out "$work/lmax" > /dev/null
"$qmf" phase --act quant:16 --sw2 0.5:3:10 --sb2 0:0.3:6 --line-points 4 --out "$work/phase_quant16" > /dev/null
"$qmf" phase --act erf --sw2 0.5:3:10 --sb2 0:0.3:6 --line-points 4 --out "$work/phase_erf" > /dev/null
"$qmf" cmap --act sign quant:4 quant:16 erf --points 41 --out "$work/cmap" > /dev/null

# Debian's Python and Jupyter (numpy, pandas, matplotlib), not whatever is first on PATH.
export PATH=/usr/bin:$PATH
export QMF_FIGURE_DATA=$work MPLBACKEND=Agg
/usr/bin/jupyter nbconvert --to notebook --execute --output-dir "$work/executed" \
  --ExecutePreprocessor.timeout=120 "$notebooks"/*.ipynb
