"""LJ study of Araujo-Rocha et al. (2023) at a reduced size: measured S_T beside the Eastman,
Prigogine and mass-corrected predictions and the solute's short-time motion relative to the
solvent, over solute epsilon (0.5, 1.0, 1.5 at mass ratio 1) and solute mass ratio (0.33, 1, 3,
8 at epsilon 1.0). docs/theory.md#equilibrium-soret and #md-inputs; docs/md.md ("LJ study").

Every number comes from the product: `thermodrift md` (ehex_mixture, msd_diffusion,
msd_short_time) and `thermodrift fit` (soret_profile, arrhenius, soret_models); the table and
plot are built by study_table.py from their output files.

Stages (all by default; each is resumable, a run whose output exists is not repeated):
  ehex   eHEX replicas of each solute that has no production S_T, fitted by soret_profile
  msd    msd_diffusion at 0.9, 1.0, 1.1 (Arrhenius E_a of solute and solvent)
  short  msd_short_time: MSD(t) on log-spaced lags at T = 1, solute and solvent
  table  the fits of each solute (arrhenius x 2, soret_models; Eastman from --eastman if
         given) and study_table.py: out/study_table.csv, out/study.png

The reduced size (not the paper's 2048 + 80 atoms in 7.65 x 7.65 x 50): 800 solvent + 51
solute atoms in 7.65 x 7.65 x 20 sigma (the paper's number density, 0.727 sigma^-3), eHEX
slabs 3 sigma wide centred at z = 5 and 15 with heat rate 12 epsilon/tau (about the paper's
Delta T over 10 instead of 25 sigma); 4 replicas of 1.6e4 + 4e4 steps (the paper: >= 10).
The S_T of epsilon 0.5 and 1.5 at mass ratio 1 are
read from the production runs (validation/md_production/out/summary.json: 2048 + 80 atoms,
8 replicas of 5e5 steps) instead of being recomputed.

Usage: run.py [--stages ehex,msd,short,table] [--replicas 4] [--jobs 2] [--nice 10]
              [--eastman FILE] [--thermodrift PATH] [--out DIR]
"""
import argparse
import concurrent.futures as cf
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import study_table  # noqa: E402

# (solute epsilon, solute mass / solvent mass); mass ratio 1 at epsilon 1.0 is shared.
# (appended in this order; the index fixes each solute's seeds)
SOLUTES = [(0.5, 1.0), (1.0, 1.0), (1.5, 1.0), (1.0, 3.0), (1.0, 8.0), (1.0, 0.33)]
PRODUCTION = HERE.parent / "md_production" / "out" / "summary.json"
BOX = [7.65, 7.65, 20.0]
N_SOLVENT, N_SOLUTE = 800, 51
SLABS = [3.5, 6.5, 13.5, 16.5]
T_MODELS = 1.0  # temperature of the models and of the short-time MSD (epsilon/kB)

UNITS = """[units]
system = "LJ"
lj = "argon"
"""
SYSTEM = """[md.system]
box = {box}
n_solvent = {nsolv}
n_solute = {nsol}
solute_epsilon = {eps}
solute_mass = {mass}
"""
EHEX = """[md]
type = "ehex_mixture"
temperature = 1.0
timestep = {dt}
equilibration_steps = 2000
cold_slab = [{s[0]}, {s[1]}]
hot_slab = [{s[2]}, {s[3]}]
heat_rate = 12.0
bin_width = 1.0
gradient_steps = {grad}
production_steps = {prod}
sample_every = 20
blocks = 10
seed = {seed}
"""
MSD = """[md]
type = "msd_diffusion"
temperature = 1.0
timestep = {dt}
equilibration_steps = 2000
temperatures = [0.9, 1.0, 1.1]
blocks = 4
block_steps = 1500
seed = {seed}
"""
SHORT = """[md]
type = "msd_short_time"
temperature = 1.0
timestep = {dt}
equilibration_steps = 2000
max_lag = 5.0
lags_per_decade = 10
short_lag = 0.1
origins = 6
seed = {seed}
"""


def tag(eps, mass):
    return f"eps{eps:g}_m{mass:g}"


def production_st(eps, mass):
    """(mean, sem, replicas, steps) of the production S_T (kB/epsilon), or None."""
    if mass != 1.0 or not PRODUCTION.exists():
        return None
    s = json.loads(PRODUCTION.read_text())
    p = s["solutes"].get(str(eps))
    if p is None:
        return None
    return (p["mean_kB_per_eps"], p["sem_kB_per_eps"], len(p["replicas"]),
            dict(s["settings"], epsilon_over_kB_K=s["epsilon_over_kB_K"]))


def run_logged(cmd, log, nice):
    t0 = time.time()
    with open(log, "w") as f:
        subprocess.run(["nice", "-n", str(nice)] + cmd, check=True, stdout=f,
                       stderr=subprocess.STDOUT)
    return time.time() - t0


def md_job(args, d, name, text, done_file):
    """Run one `thermodrift md` case in d unless done_file exists; returns its wall seconds."""
    d.mkdir(parents=True, exist_ok=True)
    wall = d / f"{name}.wall_seconds"
    if not (d / done_file).exists():
        (d / f"{name}.toml").write_text(text)
        w = run_logged([args.thermodrift, "md", str(d / f"{name}.toml")], d / f"{name}.log",
                       args.nice)
        wall.write_text(f"{w:.1f}\n")
    return name, str(d), float(wall.read_text()) if wall.exists() else None


def system_text(eps, mass):
    return SYSTEM.format(box=BOX, nsolv=N_SOLVENT, nsol=N_SOLUTE, eps=eps, mass=mass)


def jobs_for(args, stage):
    jobs = []
    # the last solutes first: the eHEX replicas are the longest runs
    for k, (eps, mass) in reversed(list(enumerate(SOLUTES))):
        if args.only and tag(eps, mass) not in args.only.split(","):
            continue
        d = args.out / tag(eps, mass)
        sysx = system_text(eps, mass)
        if stage == "ehex" and production_st(eps, mass) is None:
            for r in range(args.replicas):
                seed = 5000 + 101 * k + 7 * r
                text = UNITS + EHEX.format(dt=args.timestep, s=SLABS, grad=args.gradient_steps,
                                           prod=args.production_steps, seed=seed) + sysx
                text += f'\n[output]\nprefix = "{d}/r{r}_"\n'
                jobs.append((d, f"ehex_r{r}", text, f"r{r}_solute.chunk"))
        if stage == "msd":
            text = UNITS + MSD.format(dt=args.timestep, seed=7000 + 13 * k) + sysx
            text += f'\n[output]\nprefix = "{d}/msd_"\n'
            jobs.append((d, "msd", text, "msd_D_solvent.dat"))
        if stage == "short":
            text = UNITS + SHORT.format(dt=args.timestep, seed=9000 + 17 * k) + sysx
            text += f'\n[output]\nprefix = "{d}/short_"\n'
            jobs.append((d, "short", text, "short_msd.dat"))
    return jobs


FIT = """[output]
file = "{d}/params.toml"
report = "{d}/fit_report.json"
{soret}
[[fit]]
type = "arrhenius"
name = "solute"
file = "{d}/msd_D_solute.dat"
x_column = "T"
y_column = "D"
sigma_column = "D_err"

[[fit]]
type = "arrhenius"
name = "solvent"
file = "{d}/msd_D_solvent.dat"
x_column = "T"
y_column = "D"
sigma_column = "D_err"

[[fit]]
type = "soret_models"
temperature = {T}
solute_activation_energy = "E_a_solute"
solvent_activation_energy = "E_a_solvent"
solute_mass = {mass}
solvent_mass = 1.0
measured = "{measured}"
{eastman}"""
SORET = """
[[fit]]
type = "soret_profile"
temperature_file = "{d}/r{{i}}_temp.chunk"
concentration_file = "{d}/r{{i}}_solute.chunk"
replicas = {n}
skip_blocks = 1
slabs = {slabs}
margin = 1.0
"""


def fit_solute(args, eps, mass, eastman):
    """thermodrift fit of one solute: S_T (unless from production), E_a, models."""
    d = args.out / tag(eps, mass)
    soret = "" if production_st(eps, mass) else SORET.format(d=d, n=args.replicas, slabs=SLABS)
    e = eastman.get(tag(eps, mass)) if eastman else None
    east = "" if e is None else f"dG_dT = {e[0]!r}\ndG_dT_uncertainty = {e[1]!r}\n"
    text = UNITS + FIT.format(d=d, soret=soret, T=T_MODELS, mass=mass,
                              measured="" if production_st(eps, mass) else "S_T", eastman=east)
    (d / "fit.toml").write_text(text)
    subprocess.run([args.thermodrift, "fit", str(d / "fit.toml")], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stages", default="ehex,msd,short,table")
    ap.add_argument("--replicas", type=int, default=4)
    ap.add_argument("--gradient-steps", type=int, default=16000)
    ap.add_argument("--production-steps", type=int, default=40000)
    ap.add_argument("--timestep", type=float, default=0.005)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--nice", type=int, default=10)
    ap.add_argument("--only", default="", help="comma-separated solute tags (md stages)")
    ap.add_argument("--eastman", default=None,
                    help="TOML file: [solutes.<tag>] dG_dT, dG_dT_uncertainty (kB units)")
    ap.add_argument("--thermodrift", default=str(HERE.parents[1] / "build" / "thermodrift"))
    ap.add_argument("--out", default=str(HERE / "out"))
    args = ap.parse_args()
    args.out = Path(args.out).resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    stages = args.stages.split(",")
    jobs = [j for stage in ("ehex", "msd", "short") if stage in stages
            for j in jobs_for(args, stage)]
    with cf.ThreadPoolExecutor(args.jobs) as pool:
        for name, d, wall in pool.map(lambda j: md_job(args, *j), jobs):
            print(f"{Path(d).name} {name}: {wall} s wall", flush=True)
    if "table" in stages:
        eastman = study_table.read_eastman(args.eastman) if args.eastman else None
        for eps, mass in SOLUTES:
            fit_solute(args, eps, mass, eastman)
        # wall seconds of every run (several drivers may have run the stages at once)
        costs = {f"{f.parent.name}/{f.stem.split('.')[0]}": float(f.read_text())
                 for f in sorted(args.out.glob("*/*.wall_seconds"))}
        (args.out / "costs.json").write_text(json.dumps(costs, indent=1))
        settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
        study_table.build(args.out, SOLUTES, tag, production_st, settings, costs,
                          eastman_given=args.eastman is not None, T=T_MODELS)


if __name__ == "__main__":
    main()
