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

/// The open file, its name for messages, and whether an HDF5 call on it failed.
struct H5Table::File {
  H5Handle file;
  std::string name;
  bool failed = false;

  /// @p id, or an IoError naming the file, what failed and HDF5's cause. HDF5 then holds a
  /// file it may not close again without crashing (at the library's shut-down, a failed
  /// write's dataset or file is flushed again): the file is marked failed, to be removed
  /// without its close (abandon()), and the run ends without MPI_Finalize (core/ErrorExit.h).
  hid_t check(hid_t id, const std::string& what) {
    if (id < 0) {
      failed = true;
      ErrorExit::skip_finalize();
      const std::string cause = hdf5_cause(name);
      throw IoError(
          fmt::format("HDF5 error in {} ({}){}{}", name, what, cause.empty() ? "" : ": ", cause));
    }
    return id;
  }

  void string_attr(hid_t obj, const char* attr, const std::string& v) {
    H5Handle type(check(H5Tcopy(H5T_C_S1), attr), H5Tclose);
    check(H5Tset_size(type.get(), std::max<std::size_t>(1, v.size())), attr);
    H5Handle space(check(H5Screate(H5S_SCALAR), attr), H5Sclose);
    H5Handle a(
        check(H5Acreate2(obj, attr, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), attr),
        H5Aclose);
    check(H5Awrite(a.get(), type.get(), v.c_str()), attr);
    check(a.close(), attr);
  }

  /// Write @p data of @p type to a new dataset @p dataset of @p space and close it, checked:
  /// the close writes what HDF5 still holds.
  void write_dataset(const std::string& dataset, hid_t type, hid_t space, hid_t lcpl,
                     const void* data, bool any, const std::string& unit) {
    H5Handle d(
        check(H5Dcreate2(file.get(), dataset.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT),
              dataset),
        H5Dclose);
    if (any) check(H5Dwrite(d.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), dataset);
    if (!unit.empty()) string_attr(d.get(), "units", unit);
    check(d.close(), dataset);
  }
};

H5Table::H5Table(const std::string& path, const std::string& config_toml,
                 const std::string& units_system)
    : path_(path), partial_(path + ".partial"), file_(std::make_unique<File>()) {
  file_->name = path;
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
  File& t = *file_;
  report_hdf5_errors_ourselves();
  H5Handle fapl(t.check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose);
  t.check(H5Pset_fapl_sec2(fapl.get()), "H5Pset_fapl_sec2");
  // No sieve buffer: raw data go to the file within H5Dwrite, whose status is checked
  // (io/H5Output.cpp likewise)
  t.check(H5Pset_sieve_buf_size(fapl.get(), 0), "H5Pset_sieve_buf_size");
  t.file = H5Handle(
      t.check(H5Fcreate(partial_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), "create"),
      H5Fclose);
  t.string_attr(t.file.get(), "version", kVersion);
  t.string_attr(t.file.get(), "git", git_describe());
  t.string_attr(t.file.get(), "units_system", units_system);
  H5Handle type(t.check(H5Tcopy(H5T_C_S1), "config"), H5Tclose);
  t.check(H5Tset_size(type.get(), std::max<std::size_t>(1, config_toml.size())), "config");
  H5Handle space(t.check(H5Screate(H5S_SCALAR), "config"), H5Sclose);
  t.write_dataset("config", type.get(), space.get(), H5P_DEFAULT, config_toml.c_str(), true, "");
}

void H5Table::abandon() {
  // after a failed HDF5 call the file is not closed: its close would flush again, fail and
  // may crash (File::check); the run ends without HDF5's shut-down
  if (file_->failed)
    file_->file.release();
  else
    file_->file.close();
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
  File& t = *file_;
  H5Handle lcpl(t.check(H5Pcreate(H5P_LINK_CREATE), name), H5Pclose);
  t.check(H5Pset_create_intermediate_group(lcpl.get(), 1), name);
  H5Handle space(
      t.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), name),
      H5Sclose);
  t.write_dataset(name, type, space.get(), lcpl.get(), data, count > 0, unit);
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
  File& t = *file_;
  H5Handle space(t.check(H5Screate(H5S_SCALAR), name), H5Sclose);
  H5Handle a(t.check(H5Acreate2(t.file.get(), name.c_str(), H5T_NATIVE_DOUBLE, space.get(),
                                H5P_DEFAULT, H5P_DEFAULT),
                     name),
             H5Aclose);
  t.check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), name);
  t.check(a.close(), name);
}

void H5Table::commit() {
  file_->check(file_->file.close(), "close");
  commit_partial(path_);
  committed_ = true;
}

}  // namespace td
