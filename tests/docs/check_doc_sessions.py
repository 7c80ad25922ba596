#!/usr/bin/env python3
"""The shown sessions of the README and the docs against the program.

Every fenced block that starts with `$ build/apps/qmf ...` or `$ qmf ...` is
run by the shell with the program given on the command line in place of
`qmf`, and every shown output line must match the start of an output line
field by field (the docs trim columns, never values; `...` stands for lines
left out). Numbers compare exactly as printed, so a changed digit in the
program or in the page fails the test.

Usage: check_doc_sessions.py QMF_PROGRAM PAGE.md...
"""
import re
import shlex
import subprocess
import sys

PROMPT = re.compile(r"^\$ (build/apps/)?qmf ")


def sessions(text):
    """(arguments after `qmf`, shown lines) for each `$ qmf` line of a fenced
    block that starts with one; a block may hold several."""
    found = []
    in_block = False
    block = []
    for line in text.splitlines():
        if line.startswith("```"):
            if in_block and block and PROMPT.match(block[0]):
                for line_in_block in block:
                    if PROMPT.match(line_in_block):
                        found.append((PROMPT.sub("", line_in_block), []))
                    elif line_in_block.strip() and line_in_block.strip() != "...":
                        found[-1][1].append(line_in_block)
            in_block = not in_block
            block = []
        elif in_block:
            block.append(line)
    return found


def matches(shown, output_lines):
    fields = shown.split()
    if fields[-1] == "...":  # columns trimmed
        fields.pop()
    return any(out.split()[: len(fields)] == fields for out in output_lines)


def check(program, page):
    """The number of mismatches of one page's sessions, each printed."""
    with open(page, encoding="utf-8") as f:
        found = sessions(f.read())
    if not found:
        print(f"{page}: no `$ qmf` sessions found")
        return 1
    failures = 0
    for arguments, shown in found:
        run = subprocess.run(shlex.quote(program) + " " + arguments, shell=True,
                             capture_output=True, text=True, timeout=120)
        label = f"{page}: qmf {arguments}"
        if run.returncode != 0:
            print(f"{label}: exit {run.returncode}: {run.stderr.strip()}")
            failures += 1
            continue
        output = run.stdout.splitlines()
        for line in shown:
            if not matches(line, output):
                print(f"{label}: the page shows {line!r}, not in the output")
                failures += 1
    print(f"{page}: {len(found)} sessions, {sum(len(s) for _, s in found)} lines, "
          f"{failures} mismatches")
    return failures


def main():
    program = sys.argv[1]
    return 1 if sum(check(program, page) for page in sys.argv[2:]) else 0


if __name__ == "__main__":
    sys.exit(main())
