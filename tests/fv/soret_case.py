"""Shared by the command-line tests of tests/fv: the input of a one-species Soret case in LJ
units (argon), linear temperature, and the failure report that ends each test."""


def soret_case(mesh, extra):
    """The TOML text of the case: @p mesh the [mesh] tables, @p extra the tables after the
    species (boundaries, [solver])."""
    return f"""[units]
system = "LJ"
lj = "argon"
{mesh}
[temperature]
type = "linear"
T_ref = 1.0
gradient = [0.02, 0.0, 0.0]
[[species]]
name = "s"
[species.diffusivity]
value = 1.0
[species.soret]
value = 0.5
[species.initial]
value = 1.0
{extra}
"""


def finish(failures):
    """Print every failure; the exit code of the test (1 if any)."""
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0
