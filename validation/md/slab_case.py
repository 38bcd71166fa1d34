"""Shared pieces of the adatom validation scripts (Roux and Combe 2023): the slab keys of the
[md] table and its [md.system] (the default geometry of that paper, 1921 atoms) and the paths."""
import json
import os
import re
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = os.path.join(ROOT, "build", "thermodrift")

# L_x = 43.9 sigma, hot region x in [0, 4), cold region x in [21.95, 25.95)
SLAB = """[units]
system = "LJ"
lj = "argon"

[md]
T_hot = 0.3
T_cold = 0.05
hot_width = 4.0
cold_width = 4.0
"""

# the built-in slab (type "lj_slab"); {cluster} atoms on the surface
SYSTEM = """
[md.system]
cells_x = 40
cells_y = 4
layers = 6
frozen_layers = 2
cluster_size = {cluster}
"""


def decorate(ax, xlabel, ylabel, title, fontsize=8):
    """Axis labels, title and legend of one panel."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=fontsize)


PHI_FIT = """[units]
system = "LJ"
lj = "argon"

[output]
file = "{tag}_params.toml"
report = "{tag}_fit_report.json"

[[fit]]
type = "adatom_phi"
name = "{name}"
file = "{tag}_phi.dat"
x_column = "x0"
y_column = "phi"
T_ref = {T_ref}
gradient = {gradient}
x_ref = {x_ref}
lattice_spacing = {lattice_spacing}
bootstrap = 200
"""


def fit_phi(binary, out, tag, name):
    """`thermodrift fit` (adatom_phi, parameters Q_<name>, E_m_<name>) of <out>/<tag>_phi.dat
    with the substrate profile keys of its header. Returns dict(header, keys, fitted, task,
    cols): the header text, those keys, the fitted parameters, the fit report and the columns
    of phi.dat by name."""
    phi_file = os.path.join(out, f"{tag}_phi.dat")
    header = open(phi_file).read()
    keys = dict(re.findall(r"(T_ref|gradient|x_ref|lattice_spacing) = ([-+0-9.eE]+)",
                           header.split("adatom_phi keys:")[1].splitlines()[0]))
    fit = os.path.join(out, f"{tag}_fit.toml")
    with open(fit, "w") as f:
        f.write(PHI_FIT.format(tag=tag, name=name, **keys))
    res = subprocess.run([os.path.abspath(binary), "fit", "--json", os.path.abspath(fit)],
                         check=True, capture_output=True, text=True, cwd=out).stdout
    names = next(l for l in header.splitlines() if l.startswith("# x0 "))[2:].split()
    data = np.loadtxt(phi_file, ndmin=2)
    return dict(header=header, keys=keys, fitted=json.loads(res),
                task=json.load(open(os.path.join(out, f"{tag}_fit_report.json")))[0],
                cols={c: data[:, i] for i, c in enumerate(names)})
