#!/usr/bin/env bash
# Every C++ file in the repository matches .clang-format. Usage: check_format.sh SOURCE_DIR
set -euo pipefail
cd "$1"
command -v clang-format > /dev/null || { echo "FAIL: clang-format is not installed"; exit 1; }
mapfile -t files < <(find include src apps tests examples python \
  \( -name '*.cpp' -o -name '*.hpp' \) 2> /dev/null | sort)
# One clang-format process for all files; it names each file that differs.
report=$(clang-format --dry-run "${files[@]}" 2>&1 | grep -o '^[^:]*:[0-9]*:[0-9]*: warning: code should be clang-formatted' | cut -d: -f1 | sort -u || true)
if [[ -n "$report" ]]; then
  echo "FAIL: these files do not match .clang-format (run clang-format -i):"
  echo "$report"
  exit 1
fi
echo "${#files[@]} files match .clang-format"
