// Tiny real LAMMPS runs of the adatom set-ups of Roux and Combe (2023) (seconds): plumbing, output
// shape and sign, on 1 and 2 ranks (names contain Mpi); rank 0 writes, every rank reads after a
// barrier. Input validation happens before LAMMPS starts (a LAMMPS error would end the process).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "core/Error.h"
#include "io/Readers.h"
#include "md/Setup.h"
#include "md/ThermoIntegration.h"

namespace td::md {
namespace {

std::string tmp_prefix(const char* name) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto d = std::filesystem::temp_directory_path() / ("td_adatom_" + std::to_string(size));
  std::filesystem::create_directories(d);
  return (d / name).string();
}

// 16 x 2 periods, 4 layers (256 substrate atoms): L_x = 17.56, layer spacing 0.896
const char* kSlabSystem = R"([system]
cells_x = 16
cells_y = 2
layers = 4
frozen_layers = 1
)";
const char* kSlab = R"(T_hot = 0.3
T_cold = 0.05
hot_width = 3.0
cold_width = 3.0
equilibration_steps = 2000
seed = 4711
)";

std::unique_ptr<MdSetup> make(const std::string& text) {
  auto in = InputSection::parse_string(text, "adatom.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  return make_md_setup(in);
}

/// Run set-up @p type (the slab keys plus @p keys, the slab system plus @p system) on all
/// ranks; output files named @p name.
std::vector<std::string> run_setup(const std::string& type, const std::string& keys,
                                   const char* name, const std::string& system = "") {
  auto setup = make("type = \"" + type + "\"\n" + kSlab + keys + kSlabSystem + system);
  const auto files = setup->run(MPI_COMM_WORLD, tmp_prefix(name));
  MPI_Barrier(MPI_COMM_WORLD);
  return files;
}

/// Mean temperature of the bins whose centre lies in [lo, hi).
double mean_temp(const Table& t, double lo, double hi) {
  const auto x = t.col("Coord1"), T = t.col("temp");
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i] >= lo && x[i] < hi) sum += T[i], ++n;
  EXPECT_GT(n, 0) << "no bin in [" << lo << ", " << hi << ")";
  return sum / n;
}

TEST(AdatomSetupMpi, SlabProfileHotToColdAndAdatomOnSurface) {
  const auto files = run_setup("adatom_slab",
                               "production_steps = 2000\ndump_every = 100\nsample_every = 10\n"
                               "blocks = 2\nbin_width = 2.0\n",
                               "slab_");
  ASSERT_EQ(files.size(), 2u);
  const auto blocks = read_ave_chunk(files[0]);
  ASSERT_EQ(blocks.size(), 2u);
  // both files state their units: LAMMPS's lj numbers, the trajectory in the case's units
  EXPECT_EQ(blocks[0].table.units, "LJ(argon)");
  EXPECT_EQ(blocks[0].table.rows.size(), 9u);        // ceil(17.56 / 2)
  EXPECT_EQ(blocks[0].total_count, 16 * 2 * 2 * 3);  // mobile substrate: 3 of 4 layers
  const auto prof = average_blocks(blocks, 0);
  const double Lx = 16 * std::cbrt(4.0 / 1.07) / std::sqrt(2.0);
  const double Thot = mean_temp(prof, 0.0, 3.0), Tcold = mean_temp(prof, Lx / 2, Lx / 2 + 3.0);
  EXPECT_GT(Thot, Tcold + 0.1);
  EXPECT_NEAR(Thot, 0.3, 0.1);
  EXPECT_NEAR(Tcold, 0.05, 0.05);

  const auto traj = read_columns(files[1]);
  ASSERT_EQ(traj.columns, (std::vector<std::string>{"t", "x", "y", "z"}));
  EXPECT_EQ(traj.units, "LJ(argon)");
  ASSERT_EQ(traj.rows.size(), 21u);  // t = 0 and every 100 steps up to 2000
  EXPECT_EQ(traj.rows.front()[0], 0.0);
  EXPECT_NEAR(traj.rows.back()[0], 10.0, 1e-9);
  const double layer = std::cbrt(4.0 / 1.07) / std::sqrt(3.0), z_ad = 4 * layer;
  for (const auto& r : traj.rows) {
    EXPECT_NEAR(r[3], z_ad, 0.5 * layer) << "adatom left the surface at t = " << r[0];
    EXPECT_GT(r[1], 3.0 - 2.0);  // still in the first gradient region (+- a few hops)
    EXPECT_LT(r[1], Lx / 2 + 2.0);
  }
}

TEST(AdatomSetupMpi, SecondGradientRegionStartsThereWithColdSideAtMinusX) {
  const auto files =
      run_setup("adatom_slab",
                "gradient_region = \"second\"\nadatom_position = 0.5\n"
                "production_steps = 200\ndump_every = 100\nsample_every = 10\nblocks = 1\n",
                "second_");
  const auto traj = read_columns(files[1]);
  ASSERT_EQ(traj.rows.size(), 3u);
  const double Lx = 16 * std::cbrt(4.0 / 1.07) / std::sqrt(2.0);
  // half-way between the cold edge L_x/2 + 3 and the hot edge L_x, within a site and a hop
  EXPECT_NEAR(traj.rows[0][1], Lx - 0.5 * (Lx / 2 - 3.0), 1.5);
  std::ifstream in(files[1]);
  std::string header((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(header.find("gradient region: second, cold side at -x"), std::string::npos);
}

TEST(AdatomSetup, BadGeometryNamesFileLineKeyAndRange) {
  std::string bad = std::string("type = \"adatom_slab\"\n") + kSlab + kSlabSystem;
  bad.replace(bad.find("hot_width = 3.0"), 15, "hot_width = 8.0");
  try {
    make(bad);
    FAIL() << "hot_width leaving no gradient region was accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("adatom.toml:4"), std::string::npos) << msg;
    EXPECT_NE(msg.find("hot_width"), std::string::npos) << msg;
    EXPECT_NE(msg.find("hot_width < L_x/2"), std::string::npos) << msg;
  }
  EXPECT_THROW(make(std::string("type = \"adatom_slab\"\n") + kSlab + "production_steps = 150\n" +
                    kSlabSystem),
               InputError);
}

// Harmonic adatom (docs/theory.md#adatom, binding energy slide): at the minima F_x = 0,
// <E_p> = -V0 + T (two free harmonic dof), <E_k> = 3T/2, so
// Phi_min(x) = -V0/(2 T(x)) - 2 ln T(x) + const. The integration must reproduce it.
TEST(AdatomThermoIntegration, HarmonicMinimaGiveMinusV0Over2TMinus2LnT) {
  const double V0 = 3.8, T0 = 0.2, G = -0.01, xr = 10.0;
  std::vector<TiWindow> w;
  for (int i = 0; i <= 40; ++i) {
    const double x = 5.0 + 0.25 * i, T = T0 + G * (x - xr);
    // two blocks scattered symmetrically: mean exact, known standard error
    w.push_back({x, {0.01, -0.01}, {-V0 + T, -V0 + T}, {1.5 * T, 1.5 * T}});
  }
  const auto phi = integrate_phi(w, T0, G, xr);
  ASSERT_EQ(phi.size(), w.size());
  auto exact = [&](double x) {
    const double T = T0 + G * (x - xr);
    return -V0 / (2 * T) - 2 * std::log(T);
  };
  EXPECT_EQ(phi[0].phi, 0.0);
  for (const auto& p : phi) {
    EXPECT_NEAR(p.phi, exact(p.x0) - exact(phi[0].x0), 2e-3 * std::abs(exact(p.x0))) << p.x0;
    // block values -/+0.01/T: standard error 0.01/T
    EXPECT_NEAR(p.dphi_err, 0.01 / p.T, 1e-12);
  }
  // Phi error: trapezoid weights h/2 at the ends, h inside
  double var = 0;
  for (std::size_t j = 0; j < phi.size(); ++j) {
    const double wgt = (j == 0 || j + 1 == phi.size()) ? 0.125 : 0.25;
    var += wgt * wgt * phi[j].dphi_err * phi[j].dphi_err;
  }
  EXPECT_NEAR(phi.back().phi_err, std::sqrt(var), 1e-12);
}

const char* kScan =
    "scan_length = 0.6\nwindows = 4\nwindow_equilibration_steps = 200\nwindow_steps = 400\n"
    "sample_every = 10\nblocks = 2\nbin_width = 1.0\nfit_margin = 0.5\n";

TEST(AdatomSetupMpi, ThermoIntegrationWritesPhiOfRightShape) {
  const auto files = run_setup("adatom_ti", kScan, "ti_");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(read_ave_chunk(files[0]).size(), 4u);  // one profile block per window
  const auto t = read_columns(files[1]);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.units, "LJ(argon)");  // the adatom_phi fit refuses it in other units
  const auto x0 = t.col("x0"), T = t.col("T"), G = t.col("dT_dx"), Ep = t.col("Ep"),
             Ek = t.col("Ek"), phi = t.col("phi"), err = t.col("phi_err");
  const double Lx = 16 * std::cbrt(4.0 / 1.07) / std::sqrt(2.0);
  EXPECT_NEAR(x0[0], 3.0 + 0.5 * (Lx / 2 - 3.0) - 0.3, 1e-6);
  EXPECT_NEAR(x0[3] - x0[0], 0.6, 1e-6);
  EXPECT_EQ(phi[0], 0.0);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_GT(T[i], 0.05);  // between the thermostats
    EXPECT_LT(T[i], 0.3);
    EXPECT_LT(G[i], 0.0);    // hot at small x, cold at L_x/2
    EXPECT_LT(Ep[i], -1.0);  // bound to the surface (several neighbours at ~ -1 each)
    EXPECT_GT(Ek[i], 0.0);
    EXPECT_TRUE(std::isfinite(phi[i]));
    if (i > 0) EXPECT_GT(err[i], 0.0);
  }
}

// The cluster integrand (md/ThermoIntegration.h) weights each atom's substrate force by 1/T at
// the atom: for a rigid dimer at x0 -/+ u with forces F1, F2 and energies E, to first order in
// the gradient, dPhi/dx = -F1/T(x0 - u) - F2/T(x0 + u) - E G / T(x0)^2.
TEST(AdatomThermoIntegration, ClusterIntegrandWeightsEachAtomsForceByItsTemperature) {
  const double T0 = 0.2, G = -1e-4, u = 0.5, F1 = 0.3, F2 = -0.7, Ep = -6.0, Ecc = -0.9,
               Ek = 0.5;
  const auto T = [&](double x) { return T0 + G * (x - 10.0); };
  std::vector<TiWindow> w;
  for (double x0 : {9.0, 10.0}) {
    TiWindow win{x0, {F1 + F2, F1 + F2}, {Ep, Ep}, {Ek, Ek}};
    win.Ecc = {Ecc, Ecc};
    win.W = {-u * F1 + u * F2, -u * F1 + u * F2};
    w.push_back(win);
  }
  const auto phi = integrate_phi(w, T0, G, 10.0);
  for (const auto& p : phi) {
    const double exact = -F1 / T(p.x0 - u) - F2 / T(p.x0 + u) -
                         (0.5 * Ep + Ecc + Ek) * G / (T(p.x0) * T(p.x0));
    // the neglected terms are O((G u / T)^2 F / T) ~ 1e-6 F / T
    EXPECT_NEAR(p.dphi, exact, 1e-5 * std::abs(exact)) << p.x0;
    EXPECT_EQ(p.Ecc, Ecc);
    EXPECT_EQ(p.W, -u * F1 + u * F2);
  }
  w[1].W.pop_back();  // a block missing
  EXPECT_THROW(integrate_phi(w, T0, G, 10.0), Error);
}

/// The rows of a phi.dat and its header lines.
std::pair<std::vector<std::vector<double>>, std::string> phi_rows(const std::string& file) {
  const auto t = read_columns(file);
  std::ifstream in(file);
  return {t.rows, std::string((std::istreambuf_iterator<char>(in)), {})};
}

// The centre-of-mass constraint of one atom is the adatom's own constraint: the constraint
// force is exactly -F_x and the internal terms vanish, so the same seed gives the same
// trajectory and the same numbers, bit for bit.
TEST(AdatomSetupMpi, ClusterTiOfOneAtomIsTheAdatomTi) {
  const auto adatom = run_setup("adatom_ti", kScan, "ti1a_");
  const auto cluster = run_setup("cluster_ti", kScan, "ti1c_", "cluster_size = 1\n");
  const auto [ra, ha] = phi_rows(adatom[1]);
  const auto [rc, hc] = phi_rows(cluster[1]);
  ASSERT_EQ(ra.size(), 4u);
  ASSERT_EQ(rc.size(), ra.size());
  for (std::size_t i = 0; i < ra.size(); ++i) EXPECT_EQ(rc[i], ra[i]) << "window " << i;
  const auto t = read_columns(cluster[1]);
  for (double v : t.col("Ecc")) EXPECT_EQ(v, 0.0);
  for (double v : t.col("W")) EXPECT_EQ(v, 0.0);
  EXPECT_NE(hc.find("cluster (centre of mass)"), std::string::npos) << hc;
  EXPECT_NE(ha.find("constrained-adatom"), std::string::npos) << ha;
}

// adatom_ti learns the size of the system's cluster from LAMMPS, after it claimed its outputs:
// the error removes the claims, which refused every later run on the prefix ("it exists").
TEST(AdatomSetupMpi, AdatomTiOfAClusterIsAnErrorThatLeavesNoClaim) {
  const std::string prefix = tmp_prefix("ti3a_");
  try {
    run_setup("adatom_ti", kScan, "ti3a_", "cluster_size = 3\n");
    ADD_FAILURE() << "adatom_ti ran a cluster of 3";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("adatom_ti holds one atom"), std::string::npos)
        << e.what();
  }
  MPI_Barrier(MPI_COMM_WORLD);  // rank 0 removes the files
  for (const char* f : {"temp.chunk.partial", "phi.dat.partial"})
    EXPECT_FALSE(std::filesystem::exists(prefix + f)) << f;
}

TEST(AdatomSetupMpi, ClusterTiHoldsTheCentreOfMassOfATrimer) {
  const auto files = run_setup("cluster_ti", kScan, "ti3_", "cluster_size = 3\n");
  const auto [rows, header] = phi_rows(files[1]);
  ASSERT_EQ(rows.size(), 4u);
  const std::regex dev(R"(largest \|X_com - x0\| over the samples: (\S+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(header, m, dev)) << header;
  EXPECT_LT(std::stod(m[1]), 1e-9);  // holonomic: X stays at x0 up to round-off
  const auto t = read_columns(files[1]);
  const auto Ecc = t.col("Ecc"), Ep = t.col("Ep"), Ek = t.col("Ek"), W = t.col("W"),
             phi = t.col("phi");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_LT(Ecc[i], -1.5);  // three bonds of ~ -1 (a compact trimer stays bound at T < 0.3)
    EXPECT_LT(Ep[i], -3.0);   // three atoms on the surface
    EXPECT_GT(Ek[i], 0.0);
    EXPECT_TRUE(std::isfinite(W[i]));
    EXPECT_TRUE(std::isfinite(phi[i]));
  }
  EXPECT_THROW(make(std::string("type = \"cluster_ti\"\n") + kSlab + kSlabSystem +
                    "cluster_size = 8\n"),
               InputError);
}

}  // namespace
}  // namespace td::md
