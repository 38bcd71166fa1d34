/// @file Version.cpp  `thermodrift --version`: the program's version and git state, the
/// versions of the libraries it was built with, and where it finds its shared files.
#include <mpi.h>

#include <string>

#include <CLI/Version.hpp>
#include <Eigen/Core>
#include <ceres/version.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <petscversion.h>
#include <sundials/sundials_config.h>
#include <toml.hpp>

#include "core/Paths.h"
#include "drivers/Command.h"
#include "thermodrift/Version.h"

namespace td {

std::string version_text() {
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int len = 0;
  MPI_Get_library_version(mpi, &len);
  std::string mpi_line(mpi, static_cast<std::size_t>(len));
  if (const auto nl = mpi_line.find_first_of(",\n"); nl != std::string::npos) mpi_line.resize(nl);
  unsigned h5maj = 0, h5min = 0, h5rel = 0;
  H5get_libversion(&h5maj, &h5min, &h5rel);
  return fmt::format(
      "thermodrift {} (git {})\n"
      "built with: PETSc {}.{}.{}, SUNDIALS {}, HDF5 {}.{}.{}, {}, LAMMPS {}, Ceres {}, "
      "Eigen {}.{}.{}, fmt {}.{}.{}, toml11 {}.{}.{}, CLI11 {}, nlohmann_json {}.{}.{}\n"
      "data: {}\n",
      kVersion, git_describe(), PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR,
      SUNDIALS_VERSION, h5maj, h5min, h5rel, mpi_line, TD_LAMMPS_VERSION, CERES_VERSION_STRING,
      EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, FMT_VERSION / 10000,
      FMT_VERSION / 100 % 100, FMT_VERSION % 100, TOML11_VERSION_MAJOR, TOML11_VERSION_MINOR,
      TOML11_VERSION_PATCH, CLI11_VERSION, NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
      NLOHMANN_JSON_VERSION_PATCH, data_dir());
}

}  // namespace td
