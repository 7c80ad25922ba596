#!/usr/bin/env bash
# A trainability sweep under `mpirun -np 2` (rank 0 hands the cells to rank 1)
# ends with the same table as the serial sweep (the timing column aside) and
# finishes a sweep the serial run stopped; errors end every rank with one
# status. Skipped (exit 77, Meson's SKIP) when qmf was built without MPI.
# Usage: trainability_mpi.sh QMF_BINARY MPI_BUILT(true|false) MPIRUN
set -euo pipefail
[[ $2 == true ]] || { echo "qmf built without MPI (-Dmpi=disabled or not found): skipped"; exit 77; }
qmf=$(realpath "$1")
mpirun=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Root may run mpirun only when it says so; two ranks on however many cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
parallel=("$mpirun" -np 2 "$qmf")
cells=(trainability --levels 3..4 --depths 2:6:3 --report 5,10 --train-subset 300 --test-subset 100
  --eval-subset 100 --threads 1)
sweep=("${cells[@]}" --width 16)
table() { cut -d, -f1-9 "$1"; }  # every column but the seconds

"$qmf" "${sweep[@]}" --out serial > /dev/null
"${parallel[@]}" "${sweep[@]}" --out parallel > /dev/null
[[ $(wc -l < parallel.jsonl) -eq 7 ]] || { echo "FAIL: expected header + 6 cells"; exit 1; }
diff <(table serial.csv) <(table parallel.csv) || { echo "FAIL: MPI table differs"; exit 1; }

# Stopped serially after 2 cells, finished by MPI: the same table again.
"$qmf" "${sweep[@]}" --out resumed --max-cells 2 > /dev/null
"${parallel[@]}" "${sweep[@]}" --out resumed --max-cells 1 > /dev/null
[[ $(wc -l < resumed.jsonl) -eq 4 ]] || { echo "FAIL: --max-cells 1 under MPI"; exit 1; }
"${parallel[@]}" "${sweep[@]}" --out resumed > /dev/null
diff <(table serial.csv) <(table resumed.csv) || { echo "FAIL: resumed MPI table differs"; exit 1; }

# Bad input fails on every rank before MPI starts: exit 2, no file.
status=0
"${parallel[@]}" "${cells[@]}" --width 0 --out bad > /dev/null 2> bad.err || status=$?
[[ $status -eq 2 && ! -e bad.jsonl ]] || { echo "FAIL: bad input gave $status"; exit 1; }
# A results file of other arguments is refused by rank 0, which releases rank 1.
status=0
"${parallel[@]}" "${cells[@]}" --width 8 --out serial > /dev/null 2> other.err || status=$?
[[ $status -eq 2 ]] && grep -q "other shared arguments" other.err ||
  { echo "FAIL: other arguments gave $status: $(cat other.err)"; exit 1; }
echo "mpi: ok"
