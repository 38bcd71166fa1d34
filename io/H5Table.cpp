#include "io/H5Table.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/Error.h"
#include "io/TextFile.h"
#include "thermodrift/Version.h"

namespace td {

namespace {

void check(herr_t rc, const std::string& file, const std::string& what) {
  if (rc < 0) throw IoError(fmt::format("HDF5 error in {} ({})", file, what));
}

void string_attr(hid_t obj, const std::string& file, const char* name, const std::string& v) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, std::max<std::size_t>(1, v.size()));
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  check(a, file, name);
  check(H5Awrite(a, type, v.c_str()), file, name);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

}  // namespace

H5Table::H5Table(const std::string& path, const std::string& config_toml,
                 const std::string& units_system)
    : path_(path), partial_(path + ".partial") {
  claim_partial(path);
  try {
    write_header(config_toml, units_system);
  } catch (...) {
    // the destructor does not run for a constructor that throws: release the claim here
    if (file_ >= 0) H5Fclose(file_);
    file_ = -1;
    std::remove(partial_.c_str());
    forget_partial(path_);
    throw;
  }
}

void H5Table::write_header(const std::string& config_toml, const std::string& units_system) {
  file_ = H5Fcreate(partial_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) throw IoError(fmt::format("cannot create {}", partial_));
  string_attr(file_, path_, "version", kVersion);
  string_attr(file_, path_, "git", git_describe());
  string_attr(file_, path_, "units_system", units_system);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, std::max<std::size_t>(1, config_toml.size()));
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t d = H5Dcreate2(file_, "config", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  check(d, path_, "config");
  check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, config_toml.c_str()), path_, "config");
  H5Dclose(d);
  H5Sclose(space);
  H5Tclose(type);
}

H5Table::~H5Table() {
  if (file_ >= 0) H5Fclose(file_);
  if (committed_) return;
  std::remove(partial_.c_str());
  forget_partial(path_);
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
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(file_, name.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  check(d, path_, name);
  if (count > 0) check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path_, name);
  string_attr(d, path_, "units", unit);
  H5Dclose(d);
  H5Sclose(space);
  H5Pclose(lcpl);
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
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(file_, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT);
  check(a, path_, name);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &value), path_, name);
  H5Aclose(a);
  H5Sclose(space);
}

void H5Table::commit() {
  check(H5Fclose(file_), path_, "close");
  file_ = -1;
  std::error_code ec;
  std::filesystem::rename(partial_, path_, ec);
  if (ec) throw IoError(fmt::format("cannot rename {} to {}: {}", partial_, path_, ec.message()));
  forget_partial(path_);
  committed_ = true;
}

}  // namespace td
