#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Relative links of README.md and docs/*.md point at files that exist and,
with #anchor, at a heading of the target page (GitHub's anchor rule: lower
case, punctuation dropped, spaces to hyphens). Prints one line per broken link
and exits 1 if there is any.

Usage: check_links.py SOURCE_ROOT
"""
import pathlib
import re
import sys

# Targets that name a file of the repository (math such as E[φ](q) is not a link).
LINK = re.compile(r"\]\(([\w./-]+\.(?:md|png|svg|pdf|csv|json|jsonl|ipynb|py|sh|cpp|hpp|gp)"
                  r"(?:#[^)\s]*)?|#[^)\s]+)\)")
FENCE = re.compile(r"```.*?```", re.S)


def anchors(page: pathlib.Path) -> set:
    found = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"#+\s+(.*)", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            found.add(text.replace(" ", "-"))
    return found


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    cache = {}
    broken = 0
    for page in pages:
        for link in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page.resolve()
            if not target.exists():
                print(f"{page.relative_to(root)}: {link}: no such file")
                broken += 1
            elif anchor and target.suffix == ".md":
                if target not in cache:
                    cache[target] = anchors(target)
                if anchor not in cache[target]:
                    print(f"{page.relative_to(root)}: {link}: no such heading")
                    broken += 1
    print(f"{len(pages)} pages, {broken} broken links")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
