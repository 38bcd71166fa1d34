#include "io/H5Table.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/Error.h"
#include "core/ErrorExit.h"
#include "io/Hdf5.h"
#include "io/TextFile.h"
#include "thermodrift/Version.h"

namespace td {

/// The open file, and every identifier it is written through.
struct H5Table::File {
  H5Handle file;
};

namespace {

/// @p id, or an IoError naming the file, what failed and HDF5's cause. HDF5 then holds a file
/// it may not close again without crashing (at the library's shut-down, a failed write's
/// dataset or file is flushed again): the run ends without MPI_Finalize
/// (core/ErrorExit.h), and ~H5Table removes the file without closing it.
hid_t check(hid_t id, const std::string& file, const std::string& what) {
  if (id < 0) {
    ErrorExit::skip_finalize();
    const std::string cause = hdf5_cause();
    throw IoError(
        fmt::format("HDF5 error in {} ({}){}{}", file, what, cause.empty() ? "" : ": ", cause));
  }
  return id;
}

void string_attr(hid_t obj, const std::string& file, const char* name, const std::string& v) {
  H5Handle type(check(H5Tcopy(H5T_C_S1), file, name), H5Tclose);
  check(H5Tset_size(type.get(), std::max<std::size_t>(1, v.size())), file, name);
  H5Handle space(check(H5Screate(H5S_SCALAR), file, name), H5Sclose);
  H5Handle a(
      check(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), file, name),
      H5Aclose);
  check(H5Awrite(a.get(), type.get(), v.c_str()), file, name);
  check(a.close(), file, name);
}

/// Write @p data of @p type to a new dataset @p name of @p space and close it, checked: the
/// close writes what HDF5 still holds.
void write_dataset(hid_t loc, const std::string& file, const std::string& name, hid_t type,
                   hid_t space, hid_t lcpl, const void* data, bool any, const std::string& unit) {
  H5Handle d(
      check(H5Dcreate2(loc, name.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT), file, name),
      H5Dclose);
  if (any) check(H5Dwrite(d.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file, name);
  if (!unit.empty()) string_attr(d.get(), file, "units", unit);
  check(d.close(), file, name);
}

}  // namespace

H5Table::H5Table(const std::string& path, const std::string& config_toml,
                 const std::string& units_system)
    : path_(path), partial_(path + ".partial"), file_(std::make_unique<File>()) {
  claim_partial(path);
  try {
    write_header(config_toml, units_system);
  } catch (...) {
    // the destructor does not run for a constructor that throws: release the claim here
    abandon();
    throw;
  }
}

void H5Table::write_header(const std::string& config_toml, const std::string& units_system) {
  report_hdf5_errors_ourselves();
  H5Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), partial_, "H5Pcreate"), H5Pclose);
  check(H5Pset_fapl_sec2(fapl.get()), partial_, "H5Pset_fapl_sec2");
  // No sieve buffer: raw data go to the file within H5Dwrite, whose status is checked
  // (io/H5Output.cpp likewise)
  check(H5Pset_sieve_buf_size(fapl.get(), 0), partial_, "H5Pset_sieve_buf_size");
  file_->file = H5Handle(check(H5Fcreate(partial_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                               partial_, "create"),
                         H5Fclose);
  const hid_t f = file_->file.get();
  string_attr(f, path_, "version", kVersion);
  string_attr(f, path_, "git", git_describe());
  string_attr(f, path_, "units_system", units_system);
  H5Handle type(check(H5Tcopy(H5T_C_S1), path_, "config"), H5Tclose);
  check(H5Tset_size(type.get(), std::max<std::size_t>(1, config_toml.size())), path_, "config");
  H5Handle space(check(H5Screate(H5S_SCALAR), path_, "config"), H5Sclose);
  write_dataset(f, path_, "config", type.get(), space.get(), H5P_DEFAULT, config_toml.c_str(), true,
                "");
}

void H5Table::abandon() {
  // After a failed HDF5 call the file is not closed: its close would flush again, fail and
  // may crash (check()); the run ends without HDF5's shut-down
  file_->file.release();
  std::remove(partial_.c_str());
  forget_partial(path_);
}

H5Table::~H5Table() {
  if (committed_) return;
  abandon();
}

void H5Table::write_raw(const std::string& name, const void* data, long type,
                        const std::vector<unsigned long long>& shape, std::size_t n,
                        const std::string& unit) {
  std::size_t count = 1;
  std::vector<hsize_t> dims;
  for (auto s : shape) {
    count *= s;
    dims.push_back(s);
  }
  if (count != n)
    throw IoError(fmt::format("dataset {}: {} values for shape of {}", name, n, count));
  H5Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), path_, name), H5Pclose);
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), path_, name);
  H5Handle space(
      check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), path_, name),
      H5Sclose);
  write_dataset(file_->file.get(), path_, name, type, space.get(), lcpl.get(), data, count > 0,
                unit);
}

void H5Table::write(const std::string& name, const std::vector<double>& data,
                    const std::vector<unsigned long long>& shape, const std::string& unit) {
  // No NaN or infinity in a result file: an undefined value is a failed computation.
  const auto bad =
      std::find_if(data.begin(), data.end(), [](double v) { return !std::isfinite(v); });
  if (bad != data.end())
    throw SolverError(
        fmt::format("{}: dataset {} has a non-finite value {} at entry {}; not "
                    "written",
                    path_, name, *bad, bad - data.begin()));
  write_raw(name, data.data(), H5T_NATIVE_DOUBLE, shape, data.size(), unit);
}

void H5Table::write(const std::string& name, const std::vector<long long>& data,
                    const std::vector<unsigned long long>& shape, const std::string& unit) {
  write_raw(name, data.data(), H5T_NATIVE_LLONG, shape, data.size(), unit);
}

void H5Table::attribute(const std::string& name, double value) {
  H5Handle space(check(H5Screate(H5S_SCALAR), path_, name), H5Sclose);
  H5Handle a(check(H5Acreate2(file_->file.get(), name.c_str(), H5T_NATIVE_DOUBLE, space.get(),
                              H5P_DEFAULT, H5P_DEFAULT),
                   path_, name),
             H5Aclose);
  check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), path_, name);
  check(a.close(), path_, name);
}

void H5Table::commit() {
  check(file_->file.close(), path_, "close");
  commit_partial(path_);
  committed_ = true;
}

}  // namespace td
