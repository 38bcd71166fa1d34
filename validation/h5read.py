#!/usr/bin/env python3
"""Load a thermodrift result file (HDF5, layout in io/H5Output.h) for plotting scripts.

    from h5read import load
    r = load("run.h5")
    r["mesh"]["x"], r["centres"]["x"]    # node and cell-centre coordinates per axis
    r["fields"]["c_solute"]              # last snapshot, shape (nz, ny, nx) / (ny, nx) / (nx)
    r["series"]["time"], r["series"]["total_solute"]
    r["units"]["c_solute"], r["time"], r["step"]
"""
import sys

import h5py
import numpy as np


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def load(path):
    """Return a dict: mesh, centres, fields (last snapshot, or /fields), time, step, series,
    units (of fields, series and 'length'), attrs (root attributes as str)."""
    out = {"mesh": {}, "centres": {}, "fields": {}, "series": {}, "units": {}, "time": None,
           "step": None}
    with h5py.File(path, "r") as f:
        out["attrs"] = {k: _text(v) for k, v in f.attrs.items()}
        for axis in ("x", "y", "z"):
            if axis in f["mesh"]:
                nodes = np.asarray(f["mesh"][axis])
                out["mesh"][axis] = nodes
                out["centres"][axis] = 0.5 * (nodes[1:] + nodes[:-1])
                out["units"]["length"] = _text(f["mesh"][axis].attrs.get("units", ""))
        group = None
        if "snapshots" in f and len(f["snapshots"]):
            group = f["snapshots"][sorted(f["snapshots"].keys())[-1]]
            out["time"] = float(group.attrs["time"])
            out["step"] = int(group.attrs["step"])
        elif "fields" in f:
            group = f["fields"]
        for name, ds in (group.items() if group is not None else []):
            out["fields"][name] = np.asarray(ds)
            out["units"][name] = _text(ds.attrs.get("units", ""))
        for name, ds in (f["timeseries"].items() if "timeseries" in f else []):
            out["series"][name] = np.asarray(ds)
            out["units"][name] = _text(ds.attrs.get("units", ""))
    return out


if __name__ == "__main__":
    r = load(sys.argv[1])
    print("mesh:", {k: len(v) - 1 for k, v in r["mesh"].items()}, "cells")
    print("last snapshot: t =", r["time"], "step", r["step"])
    for k, v in r["fields"].items():
        print(f"  {k} {v.shape} [{r['units'][k]}] min {v.min():.6g} max {v.max():.6g}")
    for k, v in r["series"].items():
        print(f"  series {k}: {len(v)} rows [{r['units'][k]}]")
