#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless: those that compute through
# `import qmf` (the package on PYTHONPATH, set by tests/meson.build) and those
# that read CSV/JSON, against freshly generated qmf output, so that the
# notebooks never drift from the package or the program.
# Usage: run_notebooks.sh QMF_BINARY NOTEBOOK_DIR [KEEP_DIR]
# With KEEP_DIR, the data, the executed notebooks and their figures (PNG) are
# kept there for inspection. Small grids keep the test within a minute; the
# file names are those of `qmf figures`, which makes the full-size data.
set -euo pipefail
qmf=$1
notebooks=$2
if [[ $# -ge 3 ]]; then
  work=$3
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

paper=3..32,64,128
"$qmf" lmax --levels "2,$paper" --fit "$paper" --out "$work/lmax" > /dev/null
"$qmf" lmax --levels 10,100,1000,10000 --exponents --out "$work/lmax_asymptotic_uniform" > /dev/null
"$qmf" lmax --levels 10,100,1000,10000 --exponents --family lloyd \
  --out "$work/lmax_asymptotic_lloyd" > /dev/null
"$qmf" phase --act quant:16 --sw2 0.2:4:12 --sb2 0:0.5:8 --line-points 6 \
  --out "$work/phase_quant16" > /dev/null
"$qmf" phase --act tanh --sw2 0.2:4:12 --sb2 0:0.5:8 --line-points 6 \
  --out "$work/phase_tanh" > /dev/null
"$qmf" kernel --act sign --sw2 1 --weights binary,rounding=stochastic-per-example --depth 3 \
  --dim 3 --eigen 60 --t-points 101 --out "$work/kernel_sign" > /dev/null

# Debian's Python and Jupyter (numpy, pandas, matplotlib), not whatever is first on PATH.
export PATH=/usr/bin:$PATH
# (PYDEVD_...: silences the kernel debugger's warning about frozen modules.)
export QMF_FIGURE_DATA=$work PYDEVD_DISABLE_FILE_VALIDATION=1
# The program for notebooks that run it (trainability.ipynb: a sweep of seconds).
export QMF_PROGRAM=$(realpath "$qmf")
/usr/bin/jupyter nbconvert --to notebook --execute --output-dir "$work/executed" \
  --ExecutePreprocessor.timeout=120 "$notebooks"/*.ipynb

if [[ $# -ge 3 ]]; then
  /usr/bin/python3 - "$work/executed" << 'EOF'
# Every image output of every executed notebook as NOTEBOOK-N.png.
import base64, json, sys
from pathlib import Path
for notebook in sorted(Path(sys.argv[1]).glob("*.ipynb")):
    images = [output["data"]["image/png"]
              for cell in json.loads(notebook.read_text())["cells"]
              for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    for n, image in enumerate(images, 1):
        (notebook.parent / f"{notebook.stem}-{n}.png").write_bytes(base64.b64decode(image))
EOF
fi
