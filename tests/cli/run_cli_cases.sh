#!/usr/bin/env bash
# Checks the qmf command-line contract (../shared/docs/cli.md) case by case.
# Usage: run_cli_cases.sh QMF_BINARY CASE_DIR|CASE_FILE
#
# Every CASE_DIR/*_cases file (or the one CASE_FILE) holds one case per line (blank lines and lines
# starting with # are skipped), fields separated by TABs:
#   EXIT_STATUS  STDERR_TEXT  ARGUMENTS  [JSON_CHECK]
# EXIT_STATUS   the status qmf must exit with (0 ok, 2 bad input, 3 numerical failure).
# STDERR_TEXT   text stderr must contain (fixed string), or - for no requirement.
# ARGUMENTS     the qmf arguments as shell words (quote ; and other shell characters);
#               empty for qmf without arguments.
# JSON_CHECK    optional Python expression that must be true, over `j` (the parsed --json output,
#               or None), `m` (the parsed metadata file PREFIX.json of --out, or None) and
#               `stdout` (the output as text), evaluated in the case's directory (so it may
#               read PREFIX.csv); e.g. j["chi_1_infinite"] is True, or m["seconds"] >= 0.
#               With EXIT_STATUS 3 a JSON_CHECK declares a failure that still reports its
#               measurement (a diverged training): its output is checked as a success's.
#
# Beyond the status and the text, every case is checked against the common rules:
# - a failed command explains itself in exactly one line on stderr, a successful one
#   writes nothing there (stderr is no terminal here, so no progress bar either);
# - with --json and status 0, stdout is one JSON object carrying "version" and a key
#   for every --option given (dashes as underscores; --json, --out, --threads exempt),
#   and so is the metadata file PREFIX.json of --out;
# - with --json and a failure, stdout is one JSON object carrying "version", "error",
#   "kind" and "exit" equal to the exit status (JSON_CHECK, if given, applies to it);
# - JSON and CSV output never contain NaN (nor JSON's non-standard NaN/Infinity);
# - with --out PREFIX, a success leaves PREFIX.csv and PREFIX.json and no temporaries,
#   a failure leaves no file at all.
# Each case runs in its own empty directory, so relative --out prefixes land there.
# Prints one line per failing case and a summary; exits 1 if any case failed.
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 QMF_BINARY CASE_DIR|CASE_FILE" >&2
  exit 2
fi
qmf=$(realpath "$1")
case_dir=$2
case_timeout=${QMF_CLI_CASE_TIMEOUT:-30}  # seconds; a hung case fails instead of stalling the suite

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Validates JSON and applies the key and expression checks; prints one problem per line.
# argv: STDOUT_FILE JSON_FLAG (1: stdout is JSON) JSON_CHECK (or "") REQUIRED_KEYS... --
# OUT_JSON_FILES...
json_checker='
import json, sys

def reject_constant(name):
    raise ValueError(name + " is not a JSON number")

def load(path, what):
    try:
        with open(path) as f:
            return json.load(f, parse_constant=reject_constant)
    except ValueError as e:
        print(what + " is not valid JSON: " + str(e).splitlines()[0])
        return None

def check_keys(document, what):
    if not isinstance(document, dict):
        print(what + " is JSON but not one object")
        return False
    for key in ["version"] + keys:
        if key not in document:
            print(what + " lacks \"" + key + "\"")
    return True

stdout_file, stdout_is_json, check = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
rest = sys.argv[4:]
keys, files = rest[:rest.index("--")], rest[rest.index("--") + 1:]
m = None
for path in files:
    name = path.rsplit("/", 1)[-1]
    document = load(path, name)
    if document is not None and check_keys(document, name):
        m = document
j = None
if stdout_is_json:
    j = load(stdout_file, "stdout")
    if j is None or not check_keys(j, "stdout JSON"):
        check = ""  # already reported; the check would only fail again
if check:
    with open(stdout_file) as f:
        stdout = f.read()
    try:
        if not eval(check, {}, {"j": j, "m": m, "stdout": stdout}):
            print("JSON check failed: " + check)
    except Exception as e:
        print("JSON check " + check + " raised " + type(e).__name__ + ": " + str(e))
'

# NaN as a word ("nan", "NaN", "-nan"), not inside another word.
contains_nan() { grep -Eqi '(^|[^[:alpha:]])nan([^[:alpha:]]|$)' "$@"; }

passed=0
failed=0
start_seconds=$SECONDS

# Runs one case; appends the reasons it fails to the array `problems`.
run_case() {
  local expected_status=$1 stderr_text=$2 argument_words=$3 json_check=$4
  local -a args=()
  if ! eval "args=($argument_words)" 2>/dev/null; then
    problems+=("ARGUMENTS are not valid shell words")
    return
  fi
  local dir
  dir=$(mktemp -d "$work/case.XXXXXX")
  local status
  (cd "$dir" && exec timeout "$case_timeout" "$qmf" "${args[@]}") \
    </dev/null >"$work/stdout" 2>"$work/stderr"
  status=$?
  # A numerical failure with a report (exit 3, a JSON_CHECK, and output other
  # than the one-line error object {"version":..,"error":..}): checked as a success.
  local report=0
  if [[ $expected_status -eq 3 && -n $json_check ]] &&
    ! head -n 1 "$work/stdout" | grep -q '"error":'; then
    report=1
  fi

  if [[ $status -eq 124 ]]; then
    problems+=("timed out after ${case_timeout} s")
    return
  fi
  [[ $status -eq $expected_status ]] || problems+=("exit status $status, expected $expected_status")
  if [[ $stderr_text != - ]] && ! grep -qF -- "$stderr_text" "$work/stderr"; then
    problems+=("stderr lacks '$stderr_text'")
  fi
  if [[ $status -eq 0 && -s $work/stderr ]]; then
    # Progress bars are for terminals only; a pipe or log stays clean.
    problems+=("succeeded but wrote to stderr: $(head -n 1 "$work/stderr")")
  elif [[ $status -ne 0 ]]; then
    local lines
    lines=$(wc -l <"$work/stderr")
    if [[ $lines -ne 1 || $(wc -c <"$work/stderr") -le 1 ]]; then
      problems+=("stderr has $lines lines, expected one message line")
    fi
  fi
  # The options given, their values, and the keys the JSON must echo.
  local wants_json=0 out_prefix="" i option
  local -a echoed_keys=()
  for ((i = 0; i < ${#args[@]}; ++i)); do
    option=${args[i]}
    case $option in
      --json) wants_json=1 ;;
      --out) out_prefix=${args[i + 1]:-} ;;
      --threads | --help | -h | --version) ;;
      --*) echoed_keys+=("$(tr - _ <<<"${option#--}")") ;;
    esac
  done

  local -a out_json_files=()
  if [[ -n $out_prefix ]]; then
    if [[ $status -ne 0 && ! ($status -eq 3 && $report -eq 1) ]]; then
      local leftovers
      leftovers=$(cd "$dir" && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ')
      [[ -z $leftovers ]] || problems+=("failed but left files: $leftovers")
    else
      local suffix
      for suffix in .csv .json; do
        [[ -s $dir/$out_prefix$suffix ]] || problems+=("--out wrote no $out_prefix$suffix")
      done
      [[ -s $dir/$out_prefix.json ]] && out_json_files+=("$dir/$out_prefix.json")
      if [[ -n $(find "$dir" -name '*.partial*' -o -name '*.tmp*') ]]; then
        problems+=("--out left temporary files")
      fi
      local written
      for written in "$dir/$out_prefix".csv "$dir/$out_prefix".json; do
        [[ -f $written ]] && contains_nan "$written" && problems+=("${written##*/} contains NaN")
      done
    fi
  fi

  local stdout_is_json=0
  if [[ $wants_json -eq 1 && ($status -eq 0 || ($status -eq 3 && $report -eq 1)) ]]; then
    stdout_is_json=1
    contains_nan "$work/stdout" && problems+=("stdout contains NaN")
  elif [[ $wants_json -eq 1 ]]; then
    # The failure as one JSON object: the keys it must carry replace the options'.
    stdout_is_json=1
    echoed_keys=(error kind exit)
    json_check="j[\"exit\"] == $status${json_check:+ and ($json_check)}"
  elif [[ -n $json_check && $status -ne 0 && ! ($status -eq 3 && $report -eq 1) ]]; then
    problems+=("JSON check given but the command failed")
    json_check=""
  fi
  if [[ $stdout_is_json -eq 1 || ${#out_json_files[@]} -gt 0 || -n $json_check ]]; then
    local line
    while IFS= read -r line; do
      problems+=("$line")
    done < <(cd "$dir" && python3 -c "$json_checker" "$work/stdout" "$stdout_is_json" \
      "$json_check" "${echoed_keys[@]}" -- "${out_json_files[@]}")
  fi
}

shopt -s nullglob
if [[ -f $case_dir ]]; then case_files=("$case_dir"); else case_files=("$case_dir"/*_cases); fi
if [[ ${#case_files[@]} -eq 0 ]]; then
  echo "no *_cases files in $case_dir" >&2
  exit 2
fi
for case_file in "${case_files[@]}"; do
  line_number=0
  while IFS= read -r line || [[ -n $line ]]; do
    ((++line_number))
    [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
    IFS=$'\t' read -r expected_status stderr_text argument_words json_check <<<"$line"
    where="${case_file##*/}:$line_number"
    # Two TABs at least: an empty ARGUMENTS field runs qmf without arguments.
    if [[ ! $expected_status =~ ^[0-9]+$ || -z ${stderr_text:-} || $line != *$'\t'*$'\t'* ]]; then
      echo "FAIL $where: malformed case line (want STATUS<TAB>TEXT<TAB>ARGUMENTS[<TAB>CHECK])"
      ((++failed))
      continue
    fi
    problems=()
    run_case "$expected_status" "$stderr_text" "${argument_words:-}" "${json_check:-}"
    if [[ ${#problems[@]} -eq 0 ]]; then
      ((++passed))
    else
      ((++failed))
      reasons=$(printf '%s; ' "${problems[@]}")
      echo "FAIL $where: qmf $argument_words: ${reasons%; }"
    fi
  done <"$case_file"
done

echo "cli: $((passed + failed)) cases, $passed passed, $failed failed ($((SECONDS - start_seconds)) s)"
[[ $failed -eq 0 ]]
