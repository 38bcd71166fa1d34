#pragma once
/// @file Bindings.h  Shared pieces of the Python extension `thermodrift._core`: how an input
/// arrives from Python (a file or TOML text), NumPy conversions, and the binders of the
/// sub-modules (docs/python.md).
#include <mpi.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "core/Input.h"

namespace td::python {

namespace py = pybind11;

/// An input handed over by the Python layer: a file path, or TOML text named @p name in
/// messages (the Python layer turns dicts into TOML with to_toml()).
struct Source {
  std::string text;      ///< path, or the TOML text itself
  bool is_text = false;  ///< text holds TOML, not a path
  std::string name;      ///< file name used in messages ("<dict>", "<string>", the path)
};

/// Parse @p s into the root table of an input document. Throws InputError/IoError.
InputSection parse(const Source& s);

/// The communicator of an mpi4py communicator's Fortran handle (`comm.py2f()`), or
/// PETSC_COMM_WORLD when @p handle is None.
MPI_Comm communicator(const py::object& handle);

/// A NumPy array of shape @p shape holding a copy of @p v (row-major).
py::array_t<double> to_array(const std::vector<double>& v, std::vector<py::ssize_t> shape);
inline py::array_t<double> to_array(const std::vector<double>& v) {
  return to_array(v, {static_cast<py::ssize_t>(v.size())});
}

/// Sub-module binders (physics.cpp): units, soret, lattice, kmc, fit.
void bind_units(py::module_& m);
void bind_soret(py::module_& m);
void bind_lattice(py::module_& m);
void bind_kmc(py::module_& m);
void bind_fit(py::module_& m);

}  // namespace td::python
