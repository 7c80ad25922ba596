#!/usr/bin/env bash
# The sweeps committed in data/ resume under the commands the docs give for
# them (docs/trainability.md, docs/generalization.md): every cell is found
# finished, nothing is trained, and the table is the committed one, byte for
# byte (a resumed cell keeps its recorded time). A change to the resume key (as when --threads joined
# it) must come with the committed files rewritten, or a user rerunning a
# documented preset is refused.
# Usage: committed_sweeps.sh QMF_BINARY SOURCE_ROOT
set -euo pipefail
qmf=$(realpath "$1")
data=$(realpath "$2")/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

generalization=(generalization --levels 3,4,8 --bits 1,2,3,4,8,float --depths 3 --width 128
  --report 1500 --train-subset 2000 --test-subset 2000 --eval-subset 2000
  --sharpness-draws 10 --sharpness-radius 0.05 --threads 1)
trainability=(trainability --width 128 --report 100,200,400 --test-subset 2000
  --eval-subset 2000 --threads 1)

check() {  # name, then the command's arguments
  local name=$1
  shift
  cp "$data/$name.jsonl" .
  local before
  before=$(wc -l < "$name.jsonl")
  "$qmf" "$@" --max-cells 1 --out "$name" > /dev/null 2> err.txt ||
    { echo "FAIL: $name: $(cat err.txt)"; exit 1; }
  [[ $(wc -l < "$name.jsonl") -eq $before ]] || { echo "FAIL: $name trained a cell"; exit 1; }
  cmp -s "$data/$name.csv" "$name.csv" ||
    { echo "FAIL: $name: the table differs from data/$name.csv"; exit 1; }
  echo "ok: $name"
}

check generalization_preset "${generalization[@]}"
check generalization_preset_stochastic "${generalization[@]}" --rounding stochastic
check generalization_preset_per_example "${generalization[@]}" --rounding stochastic-per-example
check trainability_preset "${trainability[@]}" --levels 3..6,8 --depths 10:100:10
check trainability_sw2_preset "${trainability[@]}" --act quant:4 --sw2 0.4:2.5:8 --depths 5:50:10
