#!/usr/bin/python3
"""Replay the fuzz corpus (tests/fuzz/corpus/*.toml, collected by scripts/fuzz_inputs.py from
inputs that once crashed, hung or gave nonsense) and fail unless every case either runs
(exit 0, every number of its results finite) or fails cleanly (exit 1 with a message naming
the input file) within the time bound: no signal, no other exit status, no timeout.

  run_corpus.py --exe build/thermodrift [--corpus tests/fuzz/corpus] [--timeout 60]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_check  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--exe", required=True)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parent / "corpus"))
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    cases = sorted(Path(args.corpus).glob("*.toml"))
    if not cases:
        print(f"no cases in {args.corpus}")
        return 1
    failed = 0
    counts = {}
    for case in cases:
        text = case.read_text(errors="replace")
        sub = corpus_check.subcommand_of(text)
        verdict, detail = corpus_check.run_case(str(Path(args.exe).resolve()), sub, text, case.name,
                                                corpus_check.side_dir_of(case), args.timeout)
        counts[verdict] = counts.get(verdict, 0) + 1
        good = verdict in ("ok", "error")
        failed += not good
        print(f"{'PASS' if good else 'FAIL'} {verdict:8s} {case.name}: {detail[:200]}", flush=True)
    print(f"{len(cases)} cases: " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
