#!/usr/bin/env bash
# Keeps the command-line reference (docs/cli.md) and the program in step.
# Usage: check_cli_reference.sh QMF_EXE DOCS_CLI_MD
#
# The subcommands are those `qmf --help` lists; the options of a subcommand
# are the long options (--foo) that start the option lines of `qmf SUB --help`.
# In DOCS_CLI_MD, the section of subcommand SUB is the level-2 heading whose
# text starts with "qmf SUB" (backticks allowed: "## `qmf maps`"), up to the
# next level-2 heading; headings inside ``` fences do not count. The check fails
# (exit 1, one line per problem) when
#   - a subcommand of the program has no section;
#   - an option of `qmf SUB --help` is not mentioned in SUB's section;
#   - a section documents a subcommand the program lacks;
#   - a section mentions an option (--foo) that its subcommand lacks;
#   - text outside the subcommand sections mentions an option that neither
#     `qmf --help` nor any subcommand has.
# An option is mentioned when "--foo" occurs as a whole token (so --line does
# not count as a mention of --line-points, nor the reverse).
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 QMF_EXE DOCS_CLI_MD" >&2
  exit 2
fi
qmf=$1
docs=$2
if [[ ! -x $qmf ]]; then
  echo "check_cli_reference: '$qmf' is not an executable" >&2
  exit 2
fi
if [[ ! -r $docs ]]; then
  echo "check_cli_reference: cannot read '$docs'" >&2
  exit 2
fi

# Long options that start the option lines of a help text ("  --act TEXT",
# "  -h,--help  ..."); description lines never start with a dash.
help_options() {
  sed -nE 's/^[[:space:]]+(-[[:alnum:]],)?(--[[:alnum:]][[:alnum:]-]*).*/\2/p' | sort -u
}

# Whole-token mentions of long options in text on stdin.
mentioned_options() {
  grep -oE -- '(^|[^[:alnum:]-])--[[:alnum:]][[:alnum:]-]*' | sed -E 's/^[^-]*--/--/' |
    sed -E 's/-+$//' | sort -u
}

top_help=$("$qmf" --help) || {
  echo "check_cli_reference: '$qmf --help' failed" >&2
  exit 2
}
mapfile -t subcommands < <(awk '/^Subcommands:/ { on = 1; next }
  on && /^[[:space:]]+[[:alnum:]]/ { print $1 }' <<<"$top_help")
if [[ ${#subcommands[@]} -eq 0 ]]; then
  echo "check_cli_reference: no subcommands in '$qmf --help'" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Split the docs: one file per subcommand section, the rest into outside.md.
awk -v dir="$work" '
  /^```/ { fenced = !fenced }
  !fenced && /^## / {
    name = ""
    if (match($0, /^## +`?qmf +[[:alnum:]][[:alnum:]-]*/)) {
      name = substr($0, RSTART, RLENGTH)
      sub(/^## +`?qmf +/, "", name)
    }
    out = name == "" ? dir "/outside.md" : dir "/section." name ".md"
    if (name != "") print name > (dir "/sections")
  }
  { print > (out == "" ? dir "/outside.md" : out) }
' "$docs"
touch "$work/sections" "$work/outside.md"

problems=0
problem() {
  echo "FAIL: $*"
  ((++problems))
}

declare -A known_subcommand=() known_anywhere=()
for sub in "${subcommands[@]}"; do known_subcommand[$sub]=1; done
while IFS= read -r option; do
  [[ -n $option ]] && known_anywhere[$option]=1
done < <(help_options <<<"$top_help")

for sub in "${subcommands[@]}"; do
  sub_help=$("$qmf" "$sub" --help) || {
    problem "'qmf $sub --help' failed"
    continue
  }
  mapfile -t options < <(help_options <<<"$sub_help")
  declare -A has=() documented=()
  for option in "${options[@]}"; do
    has[$option]=1
    known_anywhere[$option]=1
  done
  section=$work/section.$sub.md
  if [[ ! -f $section ]]; then
    problem "subcommand '$sub' has no section '## qmf $sub' in $docs"
    unset has documented
    continue
  fi
  while IFS= read -r option; do
    [[ -n $option ]] && documented[$option]=1
  done < <(mentioned_options <"$section")
  for option in "${options[@]}"; do
    [[ -n ${documented[$option]:-} ]] ||
      problem "option $option of 'qmf $sub' is not documented in the section of '$sub' in $docs"
  done
  for option in "${!documented[@]}"; do
    [[ -n ${has[$option]:-} ]] ||
      problem "the section of '$sub' in $docs documents $option, which 'qmf $sub' does not have"
  done
  unset has documented
done

while IFS= read -r name; do
  [[ -z $name || -n ${known_subcommand[$name]:-} ]] ||
    problem "$docs documents subcommand '$name', which qmf does not have"
done < <(sort -u "$work/sections")
duplicates=$(sort "$work/sections" | uniq -d | tr '\n' ' ')
[[ -z $duplicates ]] || problem "$docs has more than one section for: $duplicates"

while IFS= read -r option; do
  [[ -z $option || -n ${known_anywhere[$option]:-} ]] ||
    problem "$docs mentions $option outside the subcommand sections, but no part of qmf has it"
done < <(mentioned_options <"$work/outside.md")

if [[ $problems -gt 0 ]]; then
  echo "cli_reference: $problems problem(s) between $docs and $qmf"
  exit 1
fi
echo "cli_reference: ${#subcommands[@]} subcommands, every option documented, nothing undocumented in $docs"
