#!/usr/bin/env bash
# Checks how qmf runs gnuplot, beyond the cases of run_cli_cases.sh (which can
# neither set the environment nor send signals):
# - without gnuplot on PATH `qmf figures` fails with exit 1 and one stderr line;
# - a missing figure script is an installation problem: exit 2, one line on
#   stderr naming the script, no --out files, nothing computed;
# - SIGTERM or SIGINT during a render stops gnuplot and removes the temporary
#   directory, and qmf ends by that signal; SIGTERM to `qmf figures` reaches its
#   child qmf and, through it, gnuplot; a gnuplot that ignores the signal is
#   killed after a grace period.
# A stand-in gnuplot on PATH records its process id and sleeps, so that the
# signal surely arrives mid-render.
# Usage: figure_process_test.sh QMF_BINARY
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

# A missing script: QMF_FIGURE_DIR names an empty directory.
mkdir "$work/empty" "$work/out"
(cd "$work/out" && QMF_FIGURE_DIR=$work/empty "$qmf" lmax --levels 2..6 --out t) \
  >/dev/null 2>"$work/stderr"
status=$?
[[ $status -eq 2 ]] || fail "missing script: exit status $status, expected 2"
[[ $(wc -l <"$work/stderr") -eq 1 ]] || fail "missing script: stderr is not one line"
grep -q "lmax.gp" "$work/stderr" || fail "missing script: stderr does not name lmax.gp"
[[ -z $(ls -A "$work/out") ]] || fail "missing script: left files: $(ls "$work/out")"

# No gnuplot on PATH: `qmf figures` fails with exit status 1 and one line on
# stderr that names the figure and carries the child's reason (it printed two:
# the child's and its own).
mkdir "$work/nognuplot" "$work/out-nognuplot"
(cd "$work/out-nognuplot" && PATH="$work/nognuplot" "$qmf" figures . --only lmax) \
  >/dev/null 2>"$work/stderr"
status=$?
[[ $status -eq 1 ]] || fail "no gnuplot: exit status $status, expected 1"
[[ $(wc -l <"$work/stderr") -eq 1 ]] || fail "no gnuplot: stderr is not one line: $(cat "$work/stderr")"
grep -q "^qmf: error: figure lmax failed with exit status 1: gnuplot not found" "$work/stderr" ||
  fail "no gnuplot: stderr lacks the figure and the reason: $(cat "$work/stderr")"

# The stand-in gnuplot.
mkdir "$work/bin"
cat >"$work/bin/gnuplot" <<'STANDIN'
#!/bin/sh
echo $$ >"$GNUPLOT_PID_FILE"
exec sleep 60
STANDIN
chmod +x "$work/bin/gnuplot"
# One that ignores SIGINT and SIGTERM, as a real gnuplot deadlocked in its own
# SIGINT handler does (review O 5: qmf then waited forever).
mkdir "$work/bin-stuck"
cat >"$work/bin-stuck/gnuplot" <<'STANDIN'
#!/bin/sh
trap '' INT TERM
echo $$ >"$GNUPLOT_PID_FILE"
exec sleep 60
STANDIN
chmod +x "$work/bin-stuck/gnuplot"
standin=$work/bin

# Waits (up to 20 s) for the stand-in to start; prints its process id.
wait_for_gnuplot() {
  local i
  for ((i = 0; i < 200; ++i)); do
    if [[ -s $GNUPLOT_PID_FILE ]]; then
      cat "$GNUPLOT_PID_FILE"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Runs `qmf ARGS...` with the stand-in, sends SIGNAL once gnuplot runs, and checks
# the exit status, that gnuplot is gone and that no temporary directory is left.
# argv: NAME SIGNAL EXPECTED_STATUS ARGS...
interrupt() {
  local name=$1 signal=$2 expected=$3
  shift 3
  local tmp=$work/tmp-$name out=$work/out-$name
  mkdir "$tmp" "$out"
  export GNUPLOT_PID_FILE=$work/gnuplot-$name.pid
  # Job control: without it a background job starts with SIGINT ignored.
  set -m
  (cd "$out" && exec env PATH="$standin:$PATH" TMPDIR="$tmp" "$qmf" "$@") \
    >/dev/null 2>&1 &
  local qmf_pid=$!
  set +m
  local gnuplot_pid
  if ! gnuplot_pid=$(wait_for_gnuplot); then
    fail "$name: gnuplot never started"
    kill -KILL "$qmf_pid" 2>/dev/null
    return
  fi
  local start=$SECONDS
  kill "-$signal" "$qmf_pid"
  wait "$qmf_pid"
  local status=$?
  # A stuck gnuplot is killed after qmf's grace period of 2 s.
  ((SECONDS - start <= 10)) || fail "$name: qmf took $((SECONDS - start)) s to stop"
  [[ $status -eq $expected ]] || fail "$name: exit status $status, expected $expected"
  sleep 0.2
  if kill -0 "$gnuplot_pid" 2>/dev/null; then
    fail "$name: gnuplot ($gnuplot_pid) still runs"
    kill -KILL "$gnuplot_pid"
  fi
  local left
  left=$(find "$tmp" "$out" -mindepth 1 | sed "s|^$work/||" | tr '\n' ' ')
  [[ -z $left ]] || fail "$name: left $left"
}

# 128 + the signal number: the shell's status of a process ended by it.
interrupt lmax-term TERM 143 lmax --levels 2..6 --out t
interrupt lmax-int INT 130 lmax --levels 2..6 --out t
interrupt figures-term TERM 143 figures . --only lmax
standin=$work/bin-stuck
interrupt lmax-int-stuck INT 130 lmax --levels 2..6 --out t

if [[ $failed -eq 0 ]]; then echo "figure processes: all checks passed"; fi
exit "$failed"
