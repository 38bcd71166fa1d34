"""Result objects: the arrays of a result file or a computation, each with its unit."""
import tomllib

import numpy as np

from . import _core


class Table:
    """Named NumPy arrays and values with their units: t["S_T"] or t.S_T, t.units["S_T"]."""

    def __init__(self, values, title):
        self._values = dict(values)
        self.units = dict(self._values.pop("units", {}))
        self._title = title

    def __getitem__(self, name):
        return self._values[name]

    def __getattr__(self, name):
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __contains__(self, name):
        return name in self._values

    def keys(self):
        return self._values.keys()

    def __repr__(self):
        lines = [self._title]
        for k, v in self._values.items():
            unit = f" [{self.units[k]}]" if k in self.units else ""
            if isinstance(v, np.ndarray):
                lines.append(f"  {k}: array{v.shape}{unit}")
            elif isinstance(v, (str, bytes)) and len(v) > 60:
                lines.append(f"  {k}: <{len(v)} characters>")
            else:
                lines.append(f"  {k}: {v!r}{unit}")
        return "\n".join(lines)


class Snapshot:
    """One /snapshots/NNNNNN group: time, step and the cell fields, shape (nz, ny, nx) with
    the axes the mesh has."""

    def __init__(self, time, step, fields):
        self.time, self.step, self.fields = time, step, fields

    def __repr__(self):
        return f"Snapshot(t={self.time:g}, step={self.step}, fields={sorted(self.fields)})"


class Result:
    """A thermodrift result file (layout in io/H5Output.h): mesh nodes and cell centres,
    snapshots of the cell fields the run wrote ([output] fields), time series, the resolved configuration, the checkpoint
    (if any), every dataset by path, and for run() the solver statistics.

    fields and time are those of the last snapshot; units maps every field, series and mesh
    axis ("length") to its unit label in the file's unit system (units_system)."""

    def __init__(self, path, raw):
        self.path = path
        groups, datasets = raw["groups"], raw["datasets"]
        self.attrs = dict(groups.get("/", {}))
        self.units_system = self.attrs.get("units_system")
        self.datasets = {k: v[0] for k, v in datasets.items()}
        self.units = {}
        self.stats = None
        self.exit_code = None
        self.config = self.datasets.get("/config")
        self.mesh, self.centres = {}, {}
        for axis in "xyz":
            if f"/mesh/{axis}" in datasets:
                nodes, attrs = datasets[f"/mesh/{axis}"]
                self.mesh[axis] = nodes
                self.centres[axis] = 0.5 * (nodes[1:] + nodes[:-1])
                self.units["length"] = attrs.get("units", "")
        self.snapshots = []
        snaps = sorted(p for p in groups if p.startswith("/snapshots/"))
        for g in snaps:
            fields = {}
            for path, (values, attrs) in datasets.items():
                if path.startswith(g + "/"):
                    name = path[len(g) + 1:]
                    fields[name] = values
                    self.units[name] = attrs.get("units", "")
            self.snapshots.append(Snapshot(groups[g].get("time"), groups[g].get("step"), fields))
        self.series = {}
        for path, (values, attrs) in datasets.items():
            if path.startswith("/timeseries/"):
                name = path[len("/timeseries/"):]
                self.series[name] = values
                self.units[name] = attrs.get("units", "")
        # files without snapshots (lattice, kmc tables, /fields): top-level datasets
        self.data = {}
        for path, (values, attrs) in datasets.items():
            head = path.split("/")[1]
            if head in ("fields",) or path.count("/") == 1 and path != "/config":
                name = path.rsplit("/", 1)[1]
                self.data[name] = values
                if "units" in attrs:
                    self.units[name] = attrs["units"]
        self.checkpoint = None
        if "/checkpoint/state" in datasets:
            state, attrs = datasets["/checkpoint/state"]
            self.checkpoint = dict(attrs, state=state)
        last = self.snapshots[-1] if self.snapshots else None
        self.fields = last.fields if last else {k: v for k, v in self.data.items()
                                                if f"/fields/{k}" in datasets}
        self.time = last.time if last else None
        self.step = last.step if last else None

    @property
    def config_dict(self):
        """The resolved configuration as a nested dict (None if the file has none)."""
        return tomllib.loads(self.config) if self.config else None

    def unit(self, name):
        """Unit label of field, series or data set @p name."""
        return self.units[name]

    def __repr__(self):
        dims = {a: len(n) - 1 for a, n in self.mesh.items()}
        lines = [f"thermodrift Result {self.path!r} ({self.units_system} units)"]
        if dims:
            lines.append(f"  mesh: {dims} cells [{self.units.get('length', '')}]")
        if self.snapshots:
            lines.append(f"  snapshots: {len(self.snapshots)}, last t = {self.time:g} "
                         f"step {self.step}")
        for name, v in self.fields.items():
            lines.append(f"  {name} {v.shape} [{self.units.get(name, '')}] "
                         f"min {np.min(v):.6g} max {np.max(v):.6g}")
        for name, v in self.series.items():
            lines.append(f"  series {name}: {len(v)} rows [{self.units.get(name, '')}]")
        if not self.snapshots:
            for name, v in self.data.items():
                shape = getattr(v, "shape", ())
                lines.append(f"  {name} {shape} [{self.units.get(name, '')}]")
        if self.checkpoint is not None:
            lines.append(f"  checkpoint at t = {self.checkpoint.get('time')}")
        if self.stats:
            lines.append("  stats: " + ", ".join(f"{k}={v:.4g}" if isinstance(v, float)
                                                  else f"{k}={v}" for k, v in self.stats.items()))
        return "\n".join(lines)


def read(path):
    """Read any thermodrift HDF5 file (run results, their checkpoints, lattice and kmc
    tables) into a Result."""
    return Result(str(path), _core._read_h5(str(path)))
