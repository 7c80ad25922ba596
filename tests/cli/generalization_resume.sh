#!/usr/bin/env bash
# A generalization sweep stopped after k cells (--max-cells), with a cut-short
# last line as a kill mid-write leaves it, resumes to the uninterrupted
# sweep's table (bitwise: every cell is seeded; the timing column aside), a
# trainability file is refused as another sweep's, and so is mpirun without MPI.
# Usage: generalization_resume.sh QMF_BINARY MPI_BUILT(true|false)
set -euo pipefail
qmf=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sweep=(generalization --levels 3,4 --bits 1,3,float --width 16 --report 10 --train-subset 300
  --test-subset 100 --eval-subset 100 --sharpness-draws 3 --threads 1)
table() { sed 's/,[^,]*$//' "$1"; }  # every column but the last, the seconds

"$qmf" "${sweep[@]}" --out whole > /dev/null
"$qmf" "${sweep[@]}" --out part --max-cells 2 > /dev/null
[[ $(wc -l < part.jsonl) -eq 3 ]] || { echo "FAIL: expected header + 2 cells"; exit 1; }
[[ ! -e part.csv ]] || { echo "FAIL: a stopped sweep wrote its table"; exit 1; }
printf '{"key":{"act":"quant:3","wei' >> part.jsonl
"$qmf" "${sweep[@]}" --out part --max-cells 1 > /dev/null
"$qmf" "${sweep[@]}" --out part > /dev/null
[[ $(wc -l < part.jsonl) -eq 7 ]] || { echo "FAIL: expected header + 6 whole lines"; exit 1; }
if ! diff <(table whole.csv) <(table part.csv); then
  echo "FAIL: the resumed sweep's table differs from the uninterrupted one"
  exit 1
fi
"$qmf" trainability --levels 3 --depths 2:2:1 --width 16 --report 5 --train-subset 300 \
  --test-subset 100 --eval-subset 100 --out other > /dev/null
if "$qmf" "${sweep[@]}" --out other 2> refused.txt; then
  echo "FAIL: a trainability file was taken for a generalization sweep"
  exit 1
fi
grep -q "other shared arguments" refused.txt || { echo "FAIL: $(cat refused.txt)"; exit 1; }
# Other spellings of the same arguments resume: an explicit default (--ste-clip 1)
# and the data directory with a trailing slash; another value is refused.
before=$(wc -l < whole.jsonl)
"$qmf" "${sweep[@]}" --ste-clip 1 --data /usr/share/datasets/fashion-mnist/ --out whole > /dev/null
[[ $(wc -l < whole.jsonl) -eq $before ]] || { echo "FAIL: a respelled resume trained"; exit 1; }
if "$qmf" "${sweep[@]}" --ste-clip 1.5 --out whole > /dev/null 2>&1; then
  echo "FAIL: another --ste-clip resumed"
  exit 1
fi
# Launched by mpirun with several ranks, a qmf built without MPI refuses
# (each rank would run the whole sweep into one file); with MPI, the cells are
# shared out (trainability_mpi.sh covers that side).
if [[ $2 != true ]]; then
  status=0
  OMPI_COMM_WORLD_SIZE=2 "$qmf" "${sweep[@]}" --out ranks > /dev/null 2> ranks.txt || status=$?
  [[ $status -eq 2 ]] || { echo "FAIL: mpirun without MPI: $status"; exit 1; }
  grep -q "built without MPI" ranks.txt || { echo "FAIL: $(cat ranks.txt)"; exit 1; }
  [[ ! -e ranks.jsonl ]] || { echo "FAIL: the refused run left ranks.jsonl"; exit 1; }
fi
echo "resume: ok"
