// The linked LAMMPS runs in-process on our communicator and has every style the md module
// uses; a missing style is reported by name.
#include <gtest/gtest.h>
#include <mpi.h>

#include <filesystem>
#include <string>

#include "core/Error.h"
#include "md/Lammps.h"

namespace td::md {
namespace {

TEST(LammpsMpi, StylesPresentAndTinyRunOnOurCommunicator) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string prefix = (std::filesystem::temp_directory_path() /
                              ("td_lammps_link_" + std::to_string(size) + "_"))
                                 .string();
  Lammps lmp(MPI_COMM_WORLD, prefix);
  EXPECT_NO_THROW(lmp.require_styles(required_styles()));
  try {
    lmp.require_styles({{"fix", "no/such/fix"}, {"pair", "lj/cut"}});
    FAIL() << "missing style not reported";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fix no/such/fix"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("pair lj/cut"), std::string::npos) << e.what();
  }
  lmp.commands(R"(units lj
lattice fcc 0.8442
region box block 0 4 0 4 0 4
create_box 1 box
create_atoms 1 box
mass 1 1.0
velocity all create 1.0 87287 loop geom
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
fix 1 all nve
run 20)");
  EXPECT_EQ(lmp.natoms(), 256);
  // NVE: total energy conserved to the integrator's accuracy over 20 steps of dt = 0.005
  const double etot = lmp.thermo("etotal");
  lmp.command("run 20");
  EXPECT_NEAR(lmp.thermo("etotal"), etot, 1e-3 * std::abs(etot));
  // the same atoms on every rank
  const auto x = lmp.gather("x", 3);
  ASSERT_EQ(x.size(), 3u * 256u);
  double sum = 0.0, sum_root = 0.0;
  for (double v : x) sum += v;
  sum_root = sum;
  MPI_Bcast(&sum_root, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  EXPECT_DOUBLE_EQ(sum, sum_root);
}

}  // namespace
}  // namespace td::md
