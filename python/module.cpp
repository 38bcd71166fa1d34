/// @file module.cpp  The extension `thermodrift._core`: PETSc's lifetime in the process, the
/// exception types, inputs from Python (paths, TOML text, dicts), `run` (the FvRun of the
/// command line) and the reader of result files. The Python package (python/thermodrift)
/// wraps these; docs/python.md documents the module.
#include <fmt/format.h>
#include <hdf5.h>
#include <petscsys.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <toml.hpp>
#include <vector>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/MpiStartup.h"
#include "core/Petsc.h"
#include "fv/Case.h"
#include "fv/Run.h"
#include "python/Bindings.h"
#include "thermodrift/Version.h"

namespace td::python {

InputSection parse(const Source& s) {
  return s.is_text ? InputSection::parse_string(s.text, s.name) : InputSection::parse_file(s.text);
}

MPI_Comm communicator(const py::object& handle) {
  if (handle.is_none()) return PETSC_COMM_WORLD;
  return MPI_Comm_f2c(handle.cast<MPI_Fint>());
}

py::array_t<double> to_array(const std::vector<double>& v, std::vector<py::ssize_t> shape) {
  py::array_t<double> a(shape);
  if (static_cast<std::size_t>(a.size()) != v.size())
    throw InternalError(fmt::format("array of {} values into shape of {}", v.size(), a.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

namespace {

// ---------------------------------------------------------------- exceptions
/// Raise the Python exception class @p name of this module with message @p what; input errors
/// carry file, line and key as attributes too.
void raise(const char* name, const char* what, const SourceLocation* loc = nullptr) {
  py::object type = py::module_::import("thermodrift._core").attr(name);
  py::object exc = type(what);
  if (loc) {
    exc.attr("file") = loc->file;
    exc.attr("line") = loc->line;
    exc.attr("key") = loc->key;
  }
  PyErr_SetObject(type.ptr(), exc.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const InputError& e) {
    raise("InputError", e.what(), &e.location());
  } catch (const SolverError& e) {
    raise("SolverError", e.what());
  } catch (const IoError& e) {
    raise("IoError", e.what());
  } catch (const InternalError& e) {
    raise("InternalError", e.what());
  } catch (const Error& e) {
    raise("Error", e.what());
  }
}

/// The exception tree of core/Error.h as Python classes: thermodrift.Error (a RuntimeError)
/// and its subclasses, which also derive from the matching built-in exception.
void bind_errors(py::module_& m) {
  auto make = [&](const char* name, py::handle bases) {
    const std::string full = std::string("thermodrift.") + name;
    py::object t =
        py::reinterpret_steal<py::object>(PyErr_NewException(full.c_str(), bases.ptr(), nullptr));
    if (!t) throw py::error_already_set();
    m.attr(name) = t;
    return t;
  };
  py::object base = make("Error", PyExc_RuntimeError);
  make("InputError", py::make_tuple(base, py::handle(PyExc_ValueError)));
  make("SolverError", py::make_tuple(base, py::handle(PyExc_ArithmeticError)));
  make("IoError", py::make_tuple(base, py::handle(PyExc_OSError)));
  make("InternalError", base);
  py::register_exception_translator(&translate);
}

// ---------------------------------------------------------------- PETSc lifetime
/// Refuse PETSc options whose integer values PETSc would read wrapped (core/Petsc.h).
void refuse_overflowing_integers(const std::string& options) {
  std::istringstream in(options);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  if (const std::string why = petsc_integer_overflow(tokens); !why.empty())
    throw InputError({"<petsc_options>", 0, ""}, why);
}

/// Initialise PETSc (and MPI, unless mpi4py did) with the options in @p options; returns
/// whether this call initialised it (the caller then finalises it at exit).
bool initialize(const std::string& options) {
  refuse_overflowing_integers(options);
  PetscBool done = PETSC_FALSE;
  TD_PETSC(PetscInitialized(&done));
  if (done) return false;
  int mpi_started = 0;
  MPI_Initialized(&mpi_started);
  {
    // the executable's start-up settings, while MPI (started here, not by mpi4py) reads them
    std::optional<MpiStartupSettings> startup;
    if (mpi_started == 0) startup.emplace();
    TD_PETSC(PetscInitializeNoArguments());
  }
  if (!options.empty()) TD_PETSC(PetscOptionsInsertString(nullptr, options.c_str()));
  return true;
}

void finalize() {
  PetscBool done = PETSC_FALSE, finalized = PETSC_FALSE;
  PetscInitialized(&done);
  PetscFinalized(&finalized);
  if (done && !finalized) PetscFinalize();
}

/// A fresh PETSc options database holding @p options for one run, pushed as the default and
/// popped (destroyed) again when the scope ends, so that a run's options and the defaults the
/// solvers set for it do not leak into the next run.
class OptionsScope {
 public:
  explicit OptionsScope(const std::string& options) {
    refuse_overflowing_integers(options);
    TD_PETSC(PetscOptionsCreate(&db_));
    if (!options.empty()) TD_PETSC(PetscOptionsInsertString(db_, options.c_str()));
    TD_PETSC(PetscOptionsPush(db_));
  }
  ~OptionsScope() {
    PetscOptionsPop();
    PetscOptionsDestroy(&db_);
  }
  OptionsScope(const OptionsScope&) = delete;
  OptionsScope& operator=(const OptionsScope&) = delete;

 private:
  PetscOptions db_ = nullptr;
};

// ---------------------------------------------------------------- dict -> TOML
/// @p text without its array indices ("fit[0].x[3]" -> "fit.x").
std::string without_indices(const std::string& text) {
  std::string out;
  bool in_index = false;
  for (const char c : text) {
    in_index = c == '[' || (in_index && c != ']');
    if (!in_index && c != ']') out += c;
  }
  return out;
}

/// A Python int as a TOML value: an integer (64 bits). A larger one is, for a key that its
/// declaration gives as real (or real array), that real number, and an InputError where a
/// double cannot hold it; for any other key an InputError at @p key with the range its
/// declaration gives (the wording of InputSection::integer's range error): pybind11's cast
/// would raise a RuntimeError that names neither. The declaration is found by the key's table
/// (@p table, the dict that holds it; its selector key picks a model's declaration). A key that
/// no declaration gives is refused with the 64-bit range.
toml::value from_int(py::handle h, const std::string& key, const py::dict* table) {
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (overflow == 0) return toml::value(static_cast<std::int64_t>(v));
  const std::string bits =
      fmt::format("integers are 64-bit, {} to {}", std::numeric_limits<std::int64_t>::min(),
                  std::numeric_limits<std::int64_t>::max());
  const auto value_of = [table](const std::string& k) {
    return table && table->contains(k) && py::isinstance<py::str>((*table)[k.c_str()])
               ? (*table)[k.c_str()].cast<std::string>()
               : std::string();
  };
  // the table's path and the key's name in it: "fit[0].bootstrap" -> "fit", "bootstrap"
  const std::string path = without_indices(key);
  const std::size_t dot = path.rfind('.');
  const ParamSpec* spec =
      key_registry::declared_key(dot == std::string::npos ? "" : path.substr(0, dot), value_of,
                                 dot == std::string::npos ? path : path.substr(dot + 1));
  if (!spec)
    throw InputError({"<dict>", 0, key}, fmt::format("the integer {} is out of range: {}",
                                                     std::string(py::str(h)), bits));
  if (spec->type == ParamSpec::Type::Real || spec->type == ParamSpec::Type::RealArray) {
    const double x = PyLong_AsDouble(h.ptr());
    if (x == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();  // Python's OverflowError: the int is beyond the largest double
      throw InputError({"<dict>", 0, key},
                       fmt::format("the integer {} is too large for a real number (at most {:g})",
                                   std::string(py::str(h)), std::numeric_limits<double>::max()));
    }
    return toml::value(x);
  }
  const Range& range = spec->range;
  // a declared bound beyond 64 bits (e.g. [0, inf)) is not the whole story: say the limit too
  constexpr auto kMax = static_cast<double>(std::numeric_limits<std::int64_t>::max());
  const bool past_64_bits = !(range.hi < kMax && range.lo > -kMax);
  throw InputError({"<dict>", 0, key}, fmt::format("value {} is out of the accepted range {}{}",
                                                   std::string(py::str(h)), range.str(),
                                                   past_64_bits ? " (" + bits + ")" : ""));
}

/// A Python value as a TOML value; @p key (dotted) names it in errors, @p table is the dict
/// of the input table that holds it (nullptr at the root).
toml::value to_value(py::handle h, const std::string& key, const py::dict* table = nullptr) {
  // NumPy scalars and 0-d arrays become Python scalars, arrays nested lists
  if (py::hasattr(h, "dtype") && py::hasattr(h, "tolist"))
    return to_value(h.attr("tolist")(), key, table);
  if (py::isinstance<py::bool_>(h)) return toml::value(h.cast<bool>());
  if (py::isinstance<py::int_>(h)) return from_int(h, key, table);
  if (py::isinstance<py::float_>(h)) return toml::value(h.cast<double>());
  if (py::isinstance<py::str>(h)) return toml::value(h.cast<std::string>());
  if (py::isinstance<py::dict>(h)) {
    const auto d = h.cast<py::dict>();
    toml::table t;
    for (auto [k, v] : d) {
      const std::string name = py::str(k);
      t[name] = to_value(v, key.empty() ? name : key + "." + name, &d);
    }
    return toml::value(std::move(t));
  }
  if (py::isinstance<py::sequence>(h)) {
    toml::array a;
    // entries named as the input's keys are ("fit[0].seed")
    for (auto v : h.cast<py::sequence>())
      a.push_back(to_value(v, fmt::format("{}[{}]", key, a.size()), table));
    return toml::value(std::move(a));
  }
  throw InputError({"<dict>", 0, key},
                   fmt::format("a value of Python type '{}' has no TOML form (use numbers, "
                               "strings, booleans, lists and dicts)",
                               std::string(py::str(py::type::of(h).attr("__name__")))));
}

std::string to_toml(const py::dict& d) {
  // max_digits10: every double survives the text round trip exactly
  return toml::format(to_value(d, ""), 0, std::numeric_limits<double>::max_digits10);
}

// ---------------------------------------------------------------- run
py::dict stats_dict(const RunStats& s) {
  py::dict d;
  d["mode"] = s.steady ? "steady" : "transient";
  d["seconds"] = s.seconds;
  d["setup_seconds"] = s.phases.setup;
  d["solve_seconds"] = s.phases.solve;
  d["output_seconds"] = s.phases.output;
  if (s.steady) {
    const SteadyResult& r = s.steady_result;
    d["newton_iterations"] = r.newton_iterations;
    d["krylov_iterations"] = r.krylov_iterations;
    d["pseudo_time_steps"] = r.ptc_steps;
    d["amount_iterations"] = r.amount_iterations;
    d["residual_norm"] = r.residual_norm;
    d["residual_scale"] = r.residual_scale;
    d["cell_residual"] = r.cell_residual;
    d["cells_judged"] = r.cells_judged;
    d["polish_steps"] = r.polish_steps;
    d["correction"] = r.correction;
    d["unconfirmed_ratio"] = r.unconfirmed_ratio;
    d["unconfirmed_species"] = r.unconfirmed_species;
  } else {
    const TransientStats& t = s.transient;
    d["steps"] = t.steps;
    d["rhs_evaluations"] = t.rhs_evals;
    d["jacobian_products"] = t.jacobian_products;
    d["rhs_evaluations_for_products"] = t.rhs_evals_for_products;
    d["newton_iterations"] = t.nonlinear_iters;
    d["krylov_iterations"] = t.linear_iters;
    d["preconditioner_setups"] = t.prec_setups;
    d["error_test_failures"] = t.error_test_fails;
    d["nonlinear_failures"] = t.nonlinear_fails;
    d["last_step"] = t.last_step;
    d["time"] = t.time;
  }
  return d;
}

/// Load and run a case exactly as `thermodrift run` does (fv/Run.h), with @p petsc_options
/// for this run only. Returns exit code, result file, resolved configuration and statistics.
py::dict run_case(const std::string& source, bool is_text, const std::string& name,
                  const std::string& output, const std::string& restart,
                  const std::string& petsc_options, const py::object& comm_handle, bool quiet) {
  MPI_Comm comm = communicator(comm_handle);
  OptionsScope scope(petsc_options);
  const double started = MPI_Wtime();
  auto cs =
      is_text ? Case::from_string(comm, source, name, output) : Case::load(comm, source, output);
  if (is_text && output.empty()) {
    // the default result file is named after the input file, which a dict or text lacks
    std::istringstream config(cs->config_toml());
    const toml::value v = toml::parse(config, name);
    const bool named = v.contains("output") && v.at("output").contains("file") &&
                       !toml::get<std::string>(v.at("output").at("file")).empty();
    if (!named)
      throw InputError({name, 0, "output.file"},
                       "give run(..., output='result.h5') or [output] file for a case from a "
                       "dict or TOML text");
  }
  RunOptions opt{is_text ? name : source, output, restart, quiet, started};
  FvRun run(*cs, opt);
  const int code = run.run();
  std::fflush(stdout);
  py::dict d;
  d["exit_code"] = code;
  d["file"] = cs->run().file;
  d["config"] = cs->config_toml();
  d["units_system"] = cs->units().name();
  d["stats"] = stats_dict(run.stats());
  return d;
}

// ---------------------------------------------------------------- reading result files
/// An HDF5 identifier closed by @p close at scope end.
class H5Id {
 public:
  H5Id(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw IoError(what);
  }
  ~H5Id() {
    if (id_ >= 0) close_(id_);
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Read the whole of a dataset or attribute of type @p type and space @p space: strings as
/// str, numbers as NumPy arrays (a Python scalar when the space is scalar). @p read does the
/// H5Dread/H5Aread into a buffer of the given memory type.
py::object read_values(hid_t type, hid_t space, const std::string& what,
                       const std::function<herr_t(hid_t, void*)>& read) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::vector<py::ssize_t> shape(dims.begin(), dims.end());
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  switch (H5Tget_class(type)) {
    case H5T_STRING: {
      if (H5Tis_variable_str(type) > 0) {
        std::vector<char*> buf(n, nullptr);
        if (read(type, buf.data()) < 0) throw IoError("cannot read " + what);
        py::list out;
        for (char* s : buf) {
          out.append(s ? std::string(s) : std::string());
          H5free_memory(s);
        }
        return rank == 0 ? out[0] : py::object(out);
      }
      const std::size_t size = H5Tget_size(type);
      std::string buf(n * size, '\0');
      if (read(type, buf.data()) < 0) throw IoError("cannot read " + what);
      py::list out;
      for (std::size_t i = 0; i < n; ++i) {
        std::string s = buf.substr(i * size, size);
        out.append(s.substr(0, s.find('\0')));
      }
      return rank == 0 ? out[0] : py::object(out);
    }
    case H5T_INTEGER: {
      py::array_t<std::int64_t> a(shape);
      if (read(H5T_NATIVE_INT64, a.mutable_data()) < 0) throw IoError("cannot read " + what);
      return rank == 0 ? py::object(py::int_(a.data()[0])) : py::object(a);
    }
    case H5T_FLOAT: {
      py::array_t<double> a(shape);
      if (read(H5T_NATIVE_DOUBLE, a.mutable_data()) < 0) throw IoError("cannot read " + what);
      return rank == 0 ? py::object(py::float_(a.data()[0])) : py::object(a);
    }
    default:
      return py::none();  // compound or opaque: no such datasets in thermodrift files
  }
}

struct Walk {
  std::string file;
  py::dict groups, datasets;
  std::exception_ptr error;
};

herr_t on_attribute(hid_t loc, const char* name, const H5A_info_t*, void* data) {
  auto* attrs = static_cast<py::dict*>(data);
  H5Id a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  H5Id type(H5Aget_type(a.get()), H5Tclose, name);
  H5Id space(H5Aget_space(a.get()), H5Sclose, name);
  (*attrs)[name] = read_values(type.get(), space.get(), std::string("attribute ") + name,
                               [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); });
  return 0;
}

py::dict attributes(hid_t obj, const std::string& what) {
  py::dict attrs;
  if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, on_attribute, &attrs) < 0)
    throw IoError("cannot read the attributes of " + what);
  return attrs;
}

herr_t on_link(hid_t root, const char* name, const H5L_info_t*, void* data) {
  auto* w = static_cast<Walk*>(data);
  try {
    const std::string path = std::string("/") + name;
    H5Id obj(H5Oopen(root, name, H5P_DEFAULT), H5Oclose, w->file + ": cannot open " + path);
    if (H5Iget_type(obj.get()) == H5I_GROUP) {
      w->groups[path.c_str()] = attributes(obj.get(), path);
    } else if (H5Iget_type(obj.get()) == H5I_DATASET) {
      H5Id type(H5Dget_type(obj.get()), H5Tclose, path);
      H5Id space(H5Dget_space(obj.get()), H5Sclose, path);
      py::object values =
          read_values(type.get(), space.get(), w->file + ":" + path, [&](hid_t mem, void* buf) {
            return H5Dread(obj.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
          });
      w->datasets[path.c_str()] = py::make_tuple(values, attributes(obj.get(), path));
    }
    return 0;
  } catch (...) {
    // no exception may cross HDF5's C frames: stop the walk and rethrow after it
    w->error = std::current_exception();
    return -1;
  }
}

/// Every group (with its attributes) and dataset (values and attributes) of an HDF5 file,
/// keyed by absolute path; root attributes under "/". Serial read of a closed file.
py::dict read_h5(const std::string& path) {
  H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate");
  // a missing or foreign file is an IoError with the path, not HDF5's error stack on stderr
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const htri_t is_h5 = H5Fis_hdf5(path.c_str());
  if (is_h5 <= 0)
    throw IoError(fmt::format(
        "{}: {}", path, is_h5 == 0 ? "not an HDF5 file" : "cannot open (missing or unreadable)"));
  H5Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, path + ": cannot open");
  Walk w{path, {}, {}, nullptr};
  w.groups["/"] = attributes(f.get(), path + ":/");
  const herr_t rc = H5Lvisit(f.get(), H5_INDEX_NAME, H5_ITER_INC, on_link, &w);
  if (w.error) std::rethrow_exception(w.error);
  if (rc < 0) throw IoError(path + ": cannot walk the file");
  py::dict d;
  d["groups"] = w.groups;
  d["datasets"] = w.datasets;
  return d;
}

}  // namespace

}  // namespace td::python

PYBIND11_MODULE(_core, m) {
  using namespace td::python;
  m.doc() = "thermodrift's C++ library; use the package `thermodrift` (docs/python.md)";
  m.attr("__version__") = td::kVersion;
  m.attr("git_describe") = td::git_describe();
  bind_errors(m);
  m.def("_initialize", &initialize, py::arg("options") = "",
        "Initialise PETSc (and MPI) once per process; True if this call did it.");
  m.def("_finalize", &finalize, "Finalise PETSc (at interpreter exit).");
  m.def("to_toml", &to_toml, py::arg("table"),
        "TOML text of a nested dict (numbers, strings, booleans, lists, dicts, NumPy arrays).");
  m.def("_run", &run_case, py::arg("source"), py::arg("is_text"), py::arg("name"),
        py::arg("output"), py::arg("restart"), py::arg("petsc_options"), py::arg("comm"),
        py::arg("quiet"));
  m.def("_read_h5", &read_h5, py::arg("path"));
  bind_units(m);
  bind_soret(m);
  bind_lattice(m);
  bind_kmc(m);
  bind_fit(m);
}
