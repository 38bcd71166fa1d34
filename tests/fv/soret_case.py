"""Shared by the command-line tests of tests/fv: the input of a one-species Soret case in LJ
units (argon), linear temperature, and the failure report that ends each test."""


def soret_case(mesh, extra, gradient=0.02, soret=0.5, temperature=None):
    """The TOML text of the case: @p mesh the [mesh] tables, @p extra the tables after the
    species (boundaries, [solver]), temperature gradient @p gradient along x and Soret
    coefficient @p soret (LJ units); @p temperature, when given, the temperature's tables
    instead of the linear field."""
    if temperature is None:
        temperature = f"""[temperature]
type = "linear"
T_ref = 1.0
gradient = [{gradient}, 0.0, 0.0]"""
    return f"""[units]
system = "LJ"
lj = "argon"
{mesh}
{temperature}
[[species]]
name = "s"
[species.diffusivity]
value = 1.0
[species.soret]
value = {soret}
[species.initial]
value = 1.0
{extra}
"""


def cell_case(mode, output=""):
    """A 24 x 8 cell of the case with c fixed on x = 0, steady or transient (@p mode; to t = 1,
    3 outputs), with the [output] text @p output."""
    return soret_case("""[mesh]
dim = 2
[mesh.x]
cells = 24
length = 10.0
[mesh.y]
cells = 8
length = 2.0""", f"""[species.boundary.xlo]
type = "dirichlet"
value = 1.0
[solver]
mode = "{mode}"
[solver.transient]
t_end = 1.0
outputs = 3
{output}""")


def finish(failures):
    """Print every failure; the exit code of the test (1 if any)."""
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0
