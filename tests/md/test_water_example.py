#!/usr/bin/python3
"""The water example (examples/md_water) end to end at CI size: make_data.py writes the
committed data file byte for byte; `thermodrift md md_ehex_tiny.toml` (SPC/E water with
TraPPE-UA methanol, SHAKE, PPPM, eHEX) runs within a time limit, runs eHEX with `constrain
com` and the per-atom degrees of freedom of the constrained molecules, and writes temperature
and methanol profiles that parse as complete fix ave/chunk blocks: every bin and block finite,
the hot slab hotter than the cold one, every bin holding methanol, the atom counts those of
the data file.

usage: test_water_example.py THERMODRIFT SOURCE_DIR
"""
import math
import os
import subprocess
import sys
import tempfile

TIME_LIMIT = 120  # s: a hang guard, not a timing test (about 15 s on a loaded 2-core machine)
N_ATOMS, N_SOLUTE = 744, 24  # make_data.py defaults: 240 water + 8 methanol
COLD_BIN, HOT_BIN = 1, 5  # bins of 6.20861 Angstrom holding the slabs of md_ehex_tiny.toml


def read_ave_chunk(path):
    """Blocks of a fix ave/chunk file: [(step, total count, [(chunk, coord, count, value)])].
    A truncated or malformed block is an error."""
    with open(path) as f:
        lines = [l for l in f if not l.startswith("#") and l.strip()]
    blocks, i = [], 0
    while i < len(lines):
        step, nchunk, total = lines[i].split()
        rows = [l.split() for l in lines[i + 1:i + 1 + int(nchunk)]]
        if len(rows) != int(nchunk) or any(len(r) != 4 for r in rows):
            raise ValueError(f"{path}: block at step {step} is truncated or malformed")
        blocks.append((int(step), float(total),
                       [(int(r[0]), float(r[1]), float(r[2]), float(r[3])) for r in rows]))
        i += 1 + int(nchunk)
    return blocks


def main():
    exe, src = sys.argv[1], sys.argv[2]
    ex = os.path.join(src, "examples", "md_water")
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print("FAIL:", what)

    with tempfile.TemporaryDirectory() as tmp:
        made = subprocess.run(["/usr/bin/python3", os.path.join(ex, "make_data.py")],
                              capture_output=True, text=True, check=True).stdout
        with open(os.path.join(ex, "water_methanol.data")) as f:
            check(made == f.read(),
                  "make_data.py does not reproduce water_methanol.data")
        out = os.path.join(tmp, "out") + "/"
        run = subprocess.run([exe, "md", os.path.join(ex, "md_ehex_tiny.toml"), "-o", out, "-q"],
                             capture_output=True, text=True, timeout=TIME_LIMIT)
        print(run.stdout, run.stderr)
        check(run.returncode == 0, f"thermodrift md exited with {run.returncode}")
        for name in ("temp.chunk", "solute.chunk"):
            check(f"wrote {out}{name}" in run.stdout + run.stderr, f"no 'wrote {name}'")
        with open(out + "in.lammps") as f:
            script = f.read()
        check(script.count("region hot constrain com") == 1 and
              script.count("region cold constrain com") == 1,
              "eHEX does not rescale the SHAKE clusters (constrain com)")
        check("temp adof 2.0108" in script, "profile temperatures ignore the constraints")

        temp = read_ave_chunk(out + "temp.chunk")
        conc = read_ave_chunk(out + "solute.chunk")
        check(len(temp) == 2 and len(conc) == 2, "expected 2 blocks in each profile")
        for (_, total, rows) in temp:
            check(total == N_ATOMS, f"temperature block counts {total} atoms, not {N_ATOMS}")
            check(all(math.isfinite(r[3]) and 200.0 < r[3] < 500.0 for r in rows),
                  f"bin temperatures outside 200-500 K at 330 K mean: {[r[3] for r in rows]}")
        for (_, total, rows) in conc:
            check(total == N_SOLUTE, f"solute block counts {total} atoms, not {N_SOLUTE}")
            check(all(math.isfinite(r[3]) and r[3] > 0.0 for r in rows),
                  f"a bin without methanol: {[r[3] for r in rows]}")
        mean = lambda b: sum(rows[b - 1][3] for (_, _, rows) in temp) / len(temp)
        print(f"cold bin {mean(COLD_BIN):.1f} K, hot bin {mean(HOT_BIN):.1f} K")
        check(mean(HOT_BIN) > mean(COLD_BIN), "the hot slab is not hotter than the cold one")
    print("FAILED" if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
