#!/usr/bin/env python3
"""Fail on internal references that a reader of the repository cannot look up.

Code, help text, program output, docs, examples, data files, validation scripts and stored
reports must cite the published sources (authors and year, see docs/theory.md#references) or
a docs/theory.md section, or name the model ("stall relation", "surface flux"). Flagged:

- the working labels of the source papers: the word "seed" followed by a three-digit number
  (with a space, a hyphen or nothing in between), or standing for a paper: after "the", in
  the possessive, or followed by "law", "geometry" or "lattices"; a "seeds" folder in a path;
- the upper-case name of the physics notes that lived outside the repository, with ".md";
- bare equation numbers ("eq." or "eqs." or "equation" followed by a number), unless the same
  phrase names the source: "... of [2]" (a numbered reference of docs/theory.md or a link)
  or "[5], eq. 2".

A random-number seed (the input key `seed`, "seed 11", "random seed") is not flagged.

usage: check_internal_refs.py [SOURCE_DIR]
Scans every file git tracks in SOURCE_DIR (default: this script's repository; without git, every
file under it outside hidden and build* folders), skipping binary files. Prints file:line: text
for each hit and exits 1 if there is any. Before the scan it checks itself on sample lines (each
must be flagged, each citation must pass), so a broken pattern fails the test too.
"""
import re
import subprocess
import sys
from pathlib import Path

# The patterns are written so that this file does not match them literally ([ ] for a space).
LABELS = re.compile(
    r"seed[ -]?0\d\d|seed[ ]law|seed[']s\b|\bthe[ ]seed\b|seed[ ]geometry|seed[ ]lattices|"
    r"\bseeds[/]", re.IGNORECASE)
NOTES = re.compile("PHYSICS" + r"\.md")
EQUATION = re.compile(r"\beqs?[.][ ]?\(?\d|\bequation[ ]\(?\d", re.IGNORECASE)
# An equation number is a citation when the phrase names its source.
CITED_AFTER = re.compile(r"[\d)]*,?[ ]of[ ]\[")
CITED_BEFORE = re.compile(r"\],[ ]*$")


def hits(line):
    """The flagged pieces of one line of text."""
    found = [m.group(0) for m in LABELS.finditer(line)]
    found += [m.group(0) for m in NOTES.finditer(line)]
    for m in EQUATION.finditer(line):
        if CITED_AFTER.match(line, m.end()) or CITED_BEFORE.search(line, 0, m.start()):
            continue
        found.append(m.group(0))
    return found


def self_test():
    """Every sample that must be flagged is, and every citation passes."""
    s = "se" + "ed"
    bad = [f"the {s} 002 column", f"{s.capitalize()}-000 slab", f"Test{s.capitalize()}001",
           f"{s} law V", f"the {s}'s figures", f"as the {s} says", f"{s} geometry",
           f"{s} lattices", f"../{s}s/004", "PHYS" + "ICS.md 4", "e" + "q. 1 stall",
           "E" + "q. (18)", "e" + "qs. 1-2", "equ" + "ation 3", "equ" + "ation (2)"]
    good = ["seed = 11", "seed 11, 12 samples", "random seed of the velocities",
            "docs/theory.md#adatom", "e" + "q. 3 of [2]", "E" + "q. (18) of [arXiv:1801.01374](x)",
            "Yang et al. ([5], e" + "q. 2)", "equation of state", "seeds give independent scans"]
    missed = [t for t in bad if not hits(t)]
    wrong = [t for t in good if hits(t)]
    for t in missed:
        print(f"self-test: not flagged: {t!r}")
    for t in wrong:
        print(f"self-test: flagged a citation or an RNG seed: {t!r}")
    return not missed and not wrong


def tracked_files(root):
    """Files git tracks under @p root, or every file outside hidden and build* folders."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True,
                             capture_output=True).stdout
        return [root / p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in root.rglob("*") if p.is_file() and not any(
            part.startswith(".") or part.startswith("build")
            for part in p.relative_to(root).parts[:-1])]


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    if not self_test():
        return 1
    count = 0
    for path in sorted(tracked_files(root)):
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            for h in hits(line):
                print(f"{path.relative_to(root)}:{number}: {h!r} in: {line.strip()}")
                count += 1
    if count:
        print(f"{count} internal reference(s): cite the paper (authors, year; "
              "docs/theory.md#references) or a docs/theory.md section, or name the model")
        return 1
    print("no internal references")
    return 0


if __name__ == "__main__":
    sys.exit(main())
