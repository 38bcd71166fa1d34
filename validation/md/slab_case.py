"""Shared pieces of the adatom validation scripts (Roux and Combe 2023): the slab keys of the
[md] table (the default geometry of that paper, 1921 atoms) and the paths."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = os.path.join(ROOT, "build", "thermodrift")

# L_x = 43.9 sigma, hot region x in [0, 4), cold region x in [21.95, 25.95)
SLAB = """[units]
system = "LJ"
lj = "argon"

[md]
cells_x = 40
cells_y = 4
layers = 6
frozen_layers = 2
T_hot = 0.3
T_cold = 0.05
hot_width = 4.0
cold_width = 4.0
"""


def decorate(ax, xlabel, ylabel, title, fontsize=8):
    """Axis labels, title and legend of one panel."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=fontsize)
