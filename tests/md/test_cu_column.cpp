// The EAM Cu column (md/CuColumn.h): the wall-Cu pair through LAMMPS mie/cut is the paper's
// phi(r) = eps[(r0/r)^p - (r0/r)^q], energy and force, in a two-atom LAMMPS run; the column
// without thermostats conserves energy as velocity Verlet should (fluctuation ~ dt^2); bad
// geometry names the file, line and key.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "core/Error.h"
#include "md/CuColumn.h"
#include "md/Lammps.h"
#include "md/Setup.h"

namespace td::md {
namespace {

std::string tmp_prefix(const char* name) {
  const auto d = std::filesystem::temp_directory_path() / "td_cu_column";
  std::filesystem::create_directories(d);
  return (d / name).string();
}

/// Energy (eV) and force on atom 2 along x (eV/Angstrom) of a Cu atom (type 1) at the origin
/// and a wall atom (type 2) at (r, 0, 0), pair mie/cut with the coefficients of @p w.
std::pair<double, double> two_atoms(const WallPair& w, double r, bool shift) {
  Lammps lmp(MPI_COMM_SELF, tmp_prefix("pair_"));
  lmp.commands(fmt::format(R"(units metal
atom_style atomic
boundary f f f
region b block -30 30 -30 30 -30 30 units box
create_box 2 b
create_atoms 1 single 0 0 0 units box
create_atoms 2 single {r:.17g} 0 0 units box
mass * 63.546
pair_style mie/cut {rc}
pair_coeff 1 2 {coeff}
pair_coeff 1 1 0.0 1.0 {p} {q}
pair_coeff 2 2 0.0 1.0 {p} {q}
pair_modify shift {shift}
thermo_style custom step pe
thermo_modify format float %.17g
run 0)",
                           fmt::arg("r", r), fmt::arg("rc", w.cutoff),
                           fmt::arg("coeff", w.mie_coeff()), fmt::arg("p", w.p), fmt::arg("q", w.q),
                           fmt::arg("shift", shift ? "yes" : "no")));
  const auto f = lmp.gather("f", 3);
  return {lmp.thermo("pe"), f[3]};
}

TEST(CuColumn, MieCutReproducesTheWallPairEnergyAndForce) {
  const WallPair w;  // eps 0.09 eV, r0 2.26 Angstrom, p 8.55, q 4.49, cut-off 8 Angstrom
  // the minimum of phi: r0 (p/q)^(1/(p-q)), where the force vanishes
  EXPECT_NEAR(w.r_min(), 2.26 * std::pow(8.55 / 4.49, 1.0 / 4.06), 1e-12);
  for (double r : {1.9, 2.26, w.r_min(), 2.556, 3.615, 5.0, 7.5}) {
    const double phi = w.phi(r);
    const double dphi =
        w.epsilon * (-w.p * std::pow(w.r0 / r, w.p) + w.q * std::pow(w.r0 / r, w.q)) / r;
    // relative to |phi|, plus the round-off of numbers of the order of eps (phi(r0) = 0)
    const double tol = 1e-10 * std::abs(phi) + 1e-16;
    const auto [e, fx] = two_atoms(w, r, false);
    EXPECT_NEAR(e, phi, tol) << "r = " << r;
    // force on the atom at +r: -dphi/dr along +x
    if (std::abs(r - w.r_min()) > 1e-9)
      EXPECT_NEAR(fx, -dphi, 1e-10 * std::abs(dphi)) << "r = " << r;
    else
      EXPECT_NEAR(fx, 0.0, 1e-12);
    // the set-up shifts the energy to zero at the cut-off; the force is phi's
    const auto [es, fs] = two_atoms(w, r, true);
    EXPECT_NEAR(es, phi - w.phi(w.cutoff), tol) << "r = " << r;
    EXPECT_DOUBLE_EQ(fs, fx);
  }
}

const char* kTiny = R"(type = "cu_column"
diameter = "1.5 nm"
height = "1.5 nm"
box_width = "2.6 nm"
substrate_thickness = "1.1 nm"
wall_thickness = "0.9 nm"
fixed_layers = 2
)";

CuColumn tiny_column(const std::string& extra = "") {
  auto in = InputSection::parse_string(std::string(kTiny) + extra, "cu.toml");
  in.set_units(units::UnitSystem::si());
  CuColumn c;
  c.read(in, LammpsUnits("metal", in.units()));
  return c;
}

/// RMS deviation of the total energy from its mean over @p time ps of NVE at step @p dt
/// (ps), from the same initial state.
double energy_fluctuation(double dt, double time) {
  CuColumn c = tiny_column();
  c.timestep = dt;
  Lammps lmp(MPI_COMM_WORLD, tmp_prefix("nve_"));
  lmp.commands(c.system_commands(600.0));
  const long n = std::lround(time / dt), every = std::lround(0.005 / dt);
  std::vector<double> e;
  lmp.command("run 0");
  for (long i = 0; i < n; i += every) {
    e.push_back(lmp.thermo("etotal"));
    lmp.command(fmt::format("run {} pre no post no", every));
  }
  const double mean = std::accumulate(e.begin(), e.end(), 0.0) / static_cast<double>(e.size());
  double ss = 0;
  for (double x : e) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(e.size()));
}

// Velocity Verlet conserves a shadow energy: the total energy fluctuates by O(dt^2), so
// halving the step divides the fluctuation by 4 (a first-order error, e.g. a force that does
// not derive from the energy, would divide it by 2 at most).
TEST(CuColumn, NveEnergyFluctuationScalesAsTimestepSquared) {
  const double coarse = energy_fluctuation(0.004, 1.0), fine = energy_fluctuation(0.002, 1.0);
  ASSERT_GT(fine, 0.0);
  const double ratio = coarse / fine;
  std::printf("NVE energy fluctuation: %.3g eV at 4 fs, %.3g eV at 2 fs, ratio %.3f\n", coarse,
              fine, ratio);
  EXPECT_GT(ratio, 3.0) << "coarse " << coarse << " eV, fine " << fine << " eV";
  EXPECT_LT(ratio, 5.3) << "coarse " << coarse << " eV, fine " << fine << " eV";
}

TEST(CuColumn, GeometryIsWholeLayersAndBadInputNamesFileLineKey) {
  const CuColumn c = tiny_column();
  EXPECT_EQ(c.cells, 7);
  EXPECT_EQ(c.column_layers, 8);
  EXPECT_EQ(c.substrate_layers, 6);
  EXPECT_EQ(c.wall_layers, 5);
  EXPECT_EQ(c.eam_style, "eam/alloy");
  try {
    tiny_column("fixed_layers = 5\n");
    FAIL() << "a substrate thinner than its fixed layers was accepted";
  } catch (const InputError&) {
  }
  try {
    auto in = InputSection::parse_string(
        std::string(kTiny).replace(std::string(kTiny).find("2.6 nm"), 6, "2.2 nm"), "cu.toml");
    in.set_units(units::UnitSystem::si());
    make_md_setup(in);
    FAIL() << "a box narrower than the column + 1 nm was accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cu.toml:4"), std::string::npos) << msg;
    EXPECT_NE(msg.find("box_width"), std::string::npos) << msg;
    EXPECT_NE(msg.find("diameter + 1 nm"), std::string::npos) << msg;
  }
  try {
    auto in = InputSection::parse_string(std::string(kTiny) +
                                             "gradient_steps = 100\nproduction_steps = 400\n"
                                             "stress_every = 50\nblocks = 2\n",
                                         "cu.toml");
    in.set_units(units::UnitSystem::si());
    make_md_setup(in);
    FAIL() << "profile blocks that would not start with the production were accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("gradient_steps"), std::string::npos) << e.what();
  }
  try {
    tiny_column("eam_file = \"no_such.eam.alloy\"\n");
    FAIL() << "a missing EAM file was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("eam_file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace td::md
