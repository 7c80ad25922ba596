#!/usr/bin/env bash
# A trainability sweep stopped after k cells (--max-cells), with a partial
# line appended as a kill mid-write would leave it, resumes to the same table
# as an uninterrupted sweep (the timing column aside).
# Usage: trainability_resume.sh QMF_BINARY
set -euo pipefail
qmf=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sweep=(trainability --levels 3..4 --depths 2:6:3 --width 16 --report 5,10 --train-subset 300
  --test-subset 100 --eval-subset 100 --threads 1)
table() { cut -d, -f1-9 "$1"; }  # every column but the seconds

"$qmf" "${sweep[@]}" --out whole > /dev/null
"$qmf" "${sweep[@]}" --out part --max-cells 2 > /dev/null
[[ $(wc -l < part.jsonl) -eq 3 ]] || { echo "FAIL: expected header + 2 cells"; exit 1; }
[[ ! -e part.csv ]] || { echo "FAIL: a stopped sweep wrote its table"; exit 1; }
printf '{"key":{"act":"quant:4","sw' >> part.jsonl  # a line cut short by a kill
"$qmf" "${sweep[@]}" --out part --max-cells 1 > /dev/null
"$qmf" "${sweep[@]}" --out part > /dev/null
[[ $(wc -l < part.jsonl) -eq 7 ]] || { echo "FAIL: expected header + 6 whole lines"; exit 1; }
if ! diff <(table whole.csv) <(table part.csv); then
  echo "FAIL: the resumed sweep's table differs from the uninterrupted one"
  exit 1
fi
# A rerun of a finished sweep trains nothing and rewrites the same table.
"$qmf" "${sweep[@]}" --out part > /dev/null
diff <(table whole.csv) <(table part.csv) > /dev/null || { echo "FAIL: rerun changed"; exit 1; }
echo "resume: ok"
