#!/usr/bin/env bash
# A stop signal between the renames of an --out set must not leave a mix of
# old and new files: SIGTERM raised right after the first rename (by the
# preloaded hook rename_then_stop) ends qmf only once the whole new set is in
# place, and by that signal; and a later set leaves none of an earlier set's files.
# Usage: out_set_atomicity.sh QMF_BINARY RENAME_HOOK_LIBRARY
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 QMF_BINARY RENAME_HOOK_LIBRARY" >&2
  exit 2
fi
qmf=$(realpath "$1")
hook=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/set" "$work/expected"

(cd "$work/expected" && "$qmf" lmax --levels 2..7 --out t) || exit 1
(cd "$work/set" && "$qmf" lmax --levels 2..5 --out t) || exit 1
(cd "$work/set" && LD_PRELOAD=$hook "$qmf" lmax --levels 2..7 --out t) >/dev/null 2>&1
status=$?
failed=0
if [[ $status -ne 143 ]]; then
  echo "FAIL: exit status $status, expected 143 (SIGTERM after the renames)"
  failed=1
fi
# Everything but the run time (JSON) and the creation date (PDF) repeats
# byte for byte between runs.
same_run_output() {
  cmp -s <(grep -av -e '"seconds"' -e CreationDate "$1") \
    <(grep -av -e '"seconds"' -e CreationDate "$2")
}
for expected in "$work"/expected/*; do
  name=$(basename "$expected")
  if ! same_run_output "$expected" "$work/set/$name"; then
    echo "FAIL: $name is not the new run's file (a mixed set)"
    failed=1
  fi
done
leftovers=$(ls "$work/set" | grep -c partial)
[[ $leftovers -eq 0 ]] || { echo "FAIL: $leftovers temporaries left"; failed=1; }
# A file that only some runs write (PREFIX_weights.csv with --bits) does not
# outlive the run that wrote it into a later run's set.
(cd "$work/set" && "$qmf" lmax --levels 2..5 --bits 2 --out w && [[ -f w_weights.csv ]] &&
  "$qmf" lmax --levels 2..5 --out w) >/dev/null || { echo "FAIL: lmax --out w"; failed=1; }
[[ -e "$work/set/w_weights.csv" ]] && { echo "FAIL: an earlier run's w_weights.csv is left"; failed=1; }
[[ $failed -eq 0 ]] && echo "ok: the whole set replaced, then SIGTERM; no file of an earlier set left"
exit $failed
