#!/usr/bin/python3
"""Mutation fuzzer over the example inputs of thermodrift.

Each case takes one example (examples/**/*.toml, the MD ones left out: they need long LAMMPS
runs) and applies one or two random mutations: a value replaced by an extreme or wrong-typed
one (0, -1, 2^31, 1e308, nan, inf, "", a long string), a key removed, renamed or duplicated,
deep nesting of arrays or inline tables, a deeply dotted key, a long array on one line, the
file truncated or garbage inserted. The case runs in a scratch copy of the example's folder
(its side files included) under a time bound and is classified:

  ok        exit 0, every number in the result files and in stdout finite
  error     exit 1 with a message that names the input file
  crash     ended by a signal, or an exit status other than 0 and 1
  hang      still running at the time bound
  nonsense  exit 0 with NaN/inf in a result or in stdout, or exit 1 without naming the file

Cases of the last three classes are written to --keep (default tests/fuzz/corpus) with the
subcommand in their first line, so that tests/fuzz/run_corpus.py replays them.

  /usr/bin/python3 scripts/fuzz_inputs.py --exe build/thermodrift --cases 300 --seed 1
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fuzz"))
import corpus_check  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

EXTREME_NUMBERS = ["0", "-1", "2147483648", "9223372036854775807", "1e308", "-1e308", "1e-308",
                   "nan", "inf", "-inf", "4294967296", "1e12", "1e30"]
WRONG_TYPES = ['""', '"x"', '"1 parsec"', "true", "[]", "{}", '"' + "a" * 5000 + '"', "[1, 2, 3]"]

VALUE_LINE = re.compile(r"^(\s*)([A-Za-z0-9_.\-]+)(\s*=\s*)(.+?)\s*$")


def examples():
    out = []
    for p in sorted((ROOT / "examples").rglob("*.toml")):
        if "md_" in str(p.relative_to(ROOT)):
            continue
        sub = corpus_check.subcommand_of(p.read_text())
        if sub:
            out.append((p, sub))
    return out


def pick_value_line(lines, rng):
    """Index and match of a random `key = value` line, or (None, None)."""
    idx = [i for i, l in enumerate(lines) if VALUE_LINE.match(l) and not l.lstrip().startswith("#")]
    if not idx:
        return None, None
    i = rng.choice(idx)
    return i, VALUE_LINE.match(lines[i])


def mutate_value(lines, rng):
    i, m = pick_value_line(lines, rng)
    if m is None:
        return lines
    value = m.group(4)
    choice = rng.random()
    if choice < 0.55:
        new = rng.choice(EXTREME_NUMBERS)
    elif choice < 0.75:
        new = rng.choice(WRONG_TYPES)
    else:
        try:
            x = float(value)
            new = repr(x * rng.choice([1e6, 1e-6, -1, 1e100, 1e-100]))
        except ValueError:
            new = rng.choice(EXTREME_NUMBERS)
    lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{new}"
    return lines


def mutate_key(lines, rng):
    i, m = pick_value_line(lines, rng)
    if m is None:
        return lines
    r = rng.random()
    if r < 0.4:
        del lines[i]
    elif r < 0.7:
        lines[i] = f"{m.group(1)}{m.group(2)}_x{m.group(3)}{m.group(4)}"
    else:
        lines.insert(i, lines[i])
    return lines


def mutate_depth(lines, rng):
    depth = rng.choice([50, 1000, 10000])
    kind = rng.random()
    if kind < 0.35:
        value = "[" * depth + "1" + "]" * depth
        line = f"deep = {value}"
    elif kind < 0.7:
        value = "{a = " * depth + "1" + "}" * depth
        line = f"deep = {value}"
    else:
        line = ".".join(["k"] * depth) + " = 1"
    lines.insert(rng.randrange(len(lines) + 1), line)
    return lines


def mutate_array(lines, rng):
    n = rng.choice([1000, 12000])
    i, m = pick_value_line(lines, rng)
    if m is None:
        return lines
    lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}[" + ", ".join(
        f"{k * 0.5}" for k in range(n)) + "]"
    return lines


def mutate_bytes(text, rng):
    if rng.random() < 0.5:
        return text[: rng.randrange(len(text) + 1)]
    pos = rng.randrange(len(text) + 1)
    junk = "".join(rng.choice("[]{}=\"'.#\n\\x0 ") for _ in range(rng.randrange(1, 12)))
    return text[:pos] + junk + text[pos:]


def mutate(text, rng):
    lines = text.splitlines()
    n = 1 if rng.random() < 0.7 else 2
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            lines = mutate_value(lines, rng)
        elif r < 0.7:
            lines = mutate_key(lines, rng)
        elif r < 0.8:
            lines = mutate_depth(lines, rng)
        elif r < 0.87:
            lines = mutate_array(lines, rng)
        else:
            lines = mutate_bytes("\n".join(lines), rng).splitlines()
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", required=True, help="thermodrift executable")
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    ap.add_argument("--keep", default=str(ROOT / "tests" / "fuzz" / "corpus"),
                    help="folder for the cases that crash, hang or give nonsense")
    ap.add_argument("--summary", help="write the counts and cases as JSON here")
    args = ap.parse_args()
    exe = str(Path(args.exe).resolve())
    rng = random.Random(args.seed)
    pool = examples()
    counts = {}
    bad = []
    keep = Path(args.keep)
    for k in range(args.cases):
        src, sub = rng.choice(pool)
        text = mutate(src.read_text(), rng)
        name = f"fuzz_s{args.seed}_{k:04d}_{src.stem}.toml"
        verdict, detail = corpus_check.run_case(exe, sub, text, name, src.parent, args.timeout)
        counts[verdict] = counts.get(verdict, 0) + 1
        print(f"{k:4d} {verdict:8s} {sub:8s} {src.relative_to(ROOT)}  {detail[:160]}", flush=True)
        if verdict in ("crash", "hang", "nonsense"):
            keep.mkdir(parents=True, exist_ok=True)
            corpus_check.save_case(keep / name, sub, text, src.parent)
            bad.append({"case": name, "verdict": verdict, "detail": detail})
    print("counts:", json.dumps(counts, sort_keys=True))
    if args.summary:
        Path(args.summary).write_text(json.dumps({"counts": counts, "kept": bad}, indent=1))


if __name__ == "__main__":
    main()
