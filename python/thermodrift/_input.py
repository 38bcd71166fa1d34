"""How inputs reach the C++ library: a path, TOML text or a nested dict (turned into TOML by
the library's own writer, thermodrift._core.to_toml)."""
import os
from collections.abc import Mapping

from . import _core


def source(case):
    """(text, is_text, name) for the C++ side: a path is read by the library itself (its
    relative file names resolve from the file's directory), TOML text and dicts are parsed
    from memory (relative file names resolve from the working directory)."""
    if isinstance(case, Mapping):
        return _core.to_toml(_plain(case)), True, "<dict>"
    if isinstance(case, os.PathLike):
        return os.fspath(case), False, os.fspath(case)
    if isinstance(case, str):
        if os.path.exists(case) or not any(ch in case for ch in "\n=["):
            return case, False, case
        return case, True, "<string>"
    raise TypeError(f"a case is a path, TOML text or a dict, not {type(case).__name__}")


def _plain(m):
    """Mappings (OrderedDict, ...) as dicts all the way down."""
    if isinstance(m, Mapping):
        return {str(k): _plain(v) for k, v in m.items()}
    if isinstance(m, (list, tuple)):
        return [_plain(v) for v in m]
    return m


def comm_handle(comm):
    """The Fortran handle of an mpi4py communicator (None: PETSC_COMM_WORLD)."""
    return None if comm is None else comm.py2f()


def petsc_options(options):
    """PETSc options as one string: a string as given, a list of tokens, or a dict
    {"pc_type": "lu", "snes_monitor": None}."""
    if options is None:
        return ""
    if isinstance(options, str):
        return options
    if isinstance(options, Mapping):
        out = []
        for k, v in options.items():
            out.append("-" + str(k).lstrip("-"))
            if v is not None and v is not True:
                out.append(str(v))
        return " ".join(out)
    return " ".join(str(t) for t in options)
