#!/usr/bin/env bash
# A trainability sweep stopped after k cells (--max-cells), with a partial
# line appended as a kill mid-write would leave it, resumes to the same table
# as an uninterrupted sweep (the timing column aside); a resume with another
# --threads is refused (the count changes the training's rounding); a sweep
# across relu's critical point (xi_c = inf at sw2 = 2) stops and resumes to
# the end, also from a file that spells the infinity as earlier versions did;
# a second run on a PREFIX in use, a PREFIX that cannot be written and an
# edited sweep file are refused before any training.
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
# Another thread count would mix cells of different rounding: refused, one line, exit 2.
status=0
"$qmf" "${sweep[@]:0:${#sweep[@]}-2}" --threads 2 --out part > /dev/null 2> refused.txt || status=$?
[[ $status -eq 2 && $(wc -l < refused.txt) -eq 1 ]] || { echo "FAIL: threads: $status"; exit 1; }
grep -q "threads: 1 there, 2 here" refused.txt || { echo "FAIL: $(cat refused.txt)"; exit 1; }
# An edited sweep file is bad input, one line naming it and exit 2 (review O 3, 4: the JSON
# library's own error with exit 1, and a file without a whole first line was overwritten).
refused() {  # expected stderr text, then the file's content
  printf '%s' "$2" > edited.jsonl
  local status=0
  "$qmf" "${sweep[@]}" --out edited > /dev/null 2> refused.txt || status=$?
  [[ $status -eq 2 && $(wc -l < refused.txt) -eq 1 ]] || { echo "FAIL: edited: $status"; exit 1; }
  grep -q "$1" refused.txt || { echo "FAIL: edited: $(cat refused.txt)"; exit 1; }
  cmp -s edited.jsonl <(printf '%s' "$2") || { echo "FAIL: edited.jsonl was changed"; exit 1; }
}
header=$(head -1 whole.jsonl)
# Not a regular file (review O 15: a FIFO blocked the read for ever, /dev/null failed after a cell).
mkfifo fifo.jsonl
status=0
timeout 60 "$qmf" "${sweep[@]}" --out fifo > /dev/null 2> refused.txt || status=$?
[[ $status -eq 2 ]] && grep -q "not a regular file" refused.txt || { echo "FAIL: fifo: $status"; exit 1; }
refused 'has no complete first line' 'my notes'
refused 'line 2 has no "key" object' "$header"$'\n{}\n'
# Every cell recorded, one with a text for a number: nothing to train, the table fails.
refused 'holds a cell qmf cannot read' \
  "$(sed '2s/"test_accuracy":/"test_accuracy":"abc","was":/' whole.jsonl)"$'\n'
relu=(trainability --act relu --sw2 1.5:2.5:3 --depths 2:2:1 --width 16 --report 5
  --train-subset 200 --test-subset 100 --eval-subset 100 --threads 1 --out relu)
"$qmf" "${relu[@]}" --max-cells 2 > /dev/null
"$qmf" "${relu[@]}" > /dev/null
grep -q '^2,2,.*,inf,0,' relu.csv || { echo "FAIL: relu at sw2 = 2: $(cat relu.csv)"; exit 1; }
# A file of an earlier version spelled that infinity null + xi_c_infinite: it
# still resumes to the same row.
grep -q '"xi_c":"inf"' relu.jsonl || { echo "FAIL: no \"inf\" in relu.jsonl"; exit 1; }
sed -i 's/"xi_c":"inf"/"xi_c":null/' relu.jsonl
rm relu.csv
"$qmf" "${relu[@]}" > /dev/null
grep -q '^2,2,.*,inf,0,' relu.csv || { echo "FAIL: old spelling: $(cat relu.csv)"; exit 1; }
# A stopped sweep over a prefix holding an earlier run's table says the table is stale.
"$qmf" trainability --levels 3..5 --depths 2:6:3 --width 16 --report 5,10 --train-subset 300 \
  --test-subset 100 --eval-subset 100 --threads 1 --max-cells 1 --out whole > stale.txt
grep -q "whole.csv, .json and the figure are still an earlier run's" stale.txt ||
  { echo "FAIL: stale: $(cat stale.txt)"; exit 1; }
# A second run on a PREFIX in use is refused at once (exit 2, one line): its
# lines would interleave with the first run's. The first is then stopped.
busy=(trainability --levels 3 --depths 8:8:1 --width 256 --report 100000 --train-subset 300
  --test-subset 100 --eval-subset 100 --threads 1 --out busy)
"$qmf" "${busy[@]}" > /dev/null 2>&1 &
first=$!
for _ in $(seq 600); do [[ -e busy.jsonl ]] && break; sleep 0.1; done
status=0
timeout 30 "$qmf" "${busy[@]}" > /dev/null 2> busy.txt || status=$?  # not refused: trains
kill "$first"
wait "$first" || true
[[ $status -eq 2 && $(wc -l < busy.txt) -eq 1 ]] || { echo "FAIL: concurrent: $status"; exit 1; }
grep -q "busy.jsonl is in use by another qmf run" busy.txt || { echo "FAIL: $(cat busy.txt)"; exit 1; }
# A PREFIX no file can be created under fails before any training, exit 2.
status=0
"$qmf" "${sweep[@]}" --out /proc/qmf-sweep > /dev/null 2> proc.txt || status=$?
[[ $status -eq 2 ]] || { echo "FAIL: /proc: $status"; exit 1; }
grep -q "cannot be written" proc.txt || { echo "FAIL: $(cat proc.txt)"; exit 1; }
echo "resume: ok"
