#!/usr/bin/env bash
# A run that the 4 GiB estimate lets through but the process cannot allocate
# (here an address-space limit, ulimit -v) is a numerical failure, worded like
# the others (docs/cli.md, exit status 3): one line `qmf: numerical failure:
# out of memory ...`, and with --json the failure object with kind "numerical
# failure". run_cli_cases.sh cannot set a ulimit, hence this script.
# Usage: out_of_memory_test.sh QMF_BINARY
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 QMF_BINARY" >&2
  exit 2
fi
qmf=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

# A net of width 8192 and depth 4 keeps ~2.5 GB alive (within the 4 GiB
# estimate), beyond an address space of 1 GB; the allocation fails before training.
(ulimit -v 1000000 && cd "$work" && exec "$qmf" train --act quant:16 --depth 4 --width 8192 \
  --report 1 --train-subset 100 --test-subset 100 --eval-subset 100 --threads 1 --json) \
  >"$work/stdout" 2>"$work/stderr"
status=$?
[[ $status -eq 3 ]] || fail "exit status $status, expected 3 ($(head -c 300 "$work/stderr"))"
[[ $(wc -l <"$work/stderr") -eq 1 ]] || fail "stderr is not one line: $(cat "$work/stderr")"
grep -q "^qmf: numerical failure: out of memory" "$work/stderr" ||
  fail "stderr is not a numerical failure's line: $(cat "$work/stderr")"
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); sys.exit(not (j["kind"] == "numerical failure" and j["exit"] == 3))' \
  "$work/stdout" || fail "the --json failure object is not a numerical failure's: $(cat "$work/stdout")"

if [[ $failed -eq 0 ]]; then echo "out of memory: all checks passed"; fi
exit "$failed"
