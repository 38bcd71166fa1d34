// `thermodrift kmc` and `thermodrift bd` from the command line: a run writes its HDF5 file
// with the expected datasets, shapes and resolved configuration; bad inputs name file, line,
// key (and the accepted range), exit non-zero and leave no result file behind.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/case_dir.h"

namespace {

using td::test::expect_failure;
using td::test::replace;
using td::test::run_case;
using Shape = std::vector<unsigned long long>;

/// Shape of dataset @p name of HDF5 file @p file (empty if the file or dataset is missing).
Shape shape_of(const std::string& file, const std::string& name) {
  Shape s;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return s;
  if (H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0) {
    const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    const hid_t sp = H5Dget_space(d);
    s.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(sp)));
    H5Sget_simple_extent_dims(sp, reinterpret_cast<hsize_t*>(s.data()), nullptr);
    H5Sclose(sp);
    H5Dclose(d);
  }
  H5Fclose(f);
  return s;
}

/// Values of a numeric dataset, or the text of the string dataset "config".
std::vector<double> values_of(const std::string& file, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  const hid_t sp = H5Dget_space(d);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp)));
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

std::string config_of(const std::string& file) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, "config", H5P_DEFAULT);
  const hid_t t = H5Dget_type(d);
  std::string s(H5Tget_size(t), '\0');
  H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data());
  H5Tclose(t);
  H5Dclose(d);
  H5Fclose(f);
  return s;
}

nlohmann::json json_of(const std::string& out) {
  const auto brace = out.find('{');
  EXPECT_NE(brace, std::string::npos) << out;
  return nlohmann::json::parse(out.substr(brace == std::string::npos ? 0 : brace));
}

const char* kKmc = R"([units]
system = "LJ"
lj = "copper"
[lattice]
sites = [30]
[temperature]
type = "linear"
T_ref = 0.3
gradient = [-0.003]
[adatom]
heat_of_transport = 1.9
migration_barrier = 0.23
lattice_spacing = 1.1225
[kmc]
walkers = 4000
seed = 3
t_end = 200.0
samples = 8
trajectories = 3
start = "point"
start_position = [10.0]
[output]
file = "kmc.h5"
)";

const char* kBd = R"([units]
system = "LJ"
lj = "argon"
[mesh]
dim = 1
[mesh.x]
cells = 10
length = 1.0
[temperature]
type = "linear"
T_ref = 1.0
gradient = [1.0]
[particle]
alpha = 1.0
[particle.diffusivity]
type = "arrhenius"
prefactor = 2.0
activation_energy = 1.0
[bd]
walkers = 300
dt = 1e-3
t_end = 0.5
samples = 5
[output]
file = "bd.h5"
)";

}  // namespace

TEST(KmcCli, RunWritesResultFile) {
  const auto run = run_case("kmc", kKmc, "kmc_good", "--json");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const auto j = json_of(run.r.output);
  EXPECT_EQ(j["walkers"].get<long>(), 4000);
  // the walkers' mean follows the Fokker-Planck transient within its statistical error
  EXPECT_LT(j["max_kmc_fokker_planck_deviation_sem"].get<double>(), 5.0);
  const std::string h5 = (run.dir / "kmc.h5").string();
  for (const char* name :
       {"time", "msd", "msd_sem", "drift_law_x", "particle_law_x", "fokker_planck_x"})
    EXPECT_EQ(shape_of(h5, name), Shape({9})) << name;
  EXPECT_EQ(shape_of(h5, "mean_position"), Shape({9, 1}));
  EXPECT_EQ(shape_of(h5, "mean_position_sem"), Shape({9, 1}));
  EXPECT_EQ(shape_of(h5, "sites"), Shape({30, 1}));
  EXPECT_EQ(shape_of(h5, "histogram_end"), Shape({30}));
  EXPECT_EQ(shape_of(h5, "trajectories"), Shape({3, 9, 1}));
  double walkers = 0;
  for (double n : values_of(h5, "histogram_end")) walkers += n;
  EXPECT_EQ(walkers, 4000.0);
  const std::string cfg = config_of(h5);
  EXPECT_NE(cfg.find("heat_of_transport = 1.899999"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("fokker_planck = true"), std::string::npos) << cfg;
}

TEST(KmcCli, BadInputs) {
  expect_failure(run_case("kmc", replace(kKmc, "seed = 3", "seed = 3\nwalker = 10"), "kmc_key"),
                 {"case.toml:17", "kmc.walker", "unknown key"});
  expect_failure(run_case("kmc",
                          replace(kKmc, "lattice_spacing = 1.1225",
                                  "lattice_spacing = 1.1225\nattempt_frequency = -1.0"),
                          "kmc_nu"),
                 {"case.toml:14", "adatom.attempt_frequency", "-1", "(0, inf)"});
  expect_failure(
      run_case("kmc", replace(kKmc, "migration_barrier = 0.23", "migration_barrier = -0.2"),
               "kmc_em"),
      {"case.toml:12", "adatom.migration_barrier", "-0.2", "[0, inf)"});
  expect_failure(run_case("kmc", replace(kKmc, "walkers = 4000", "walkers = 0"), "kmc_walkers"),
                 {"case.toml:15", "kmc.walkers", "[1, 1e+09]"});
  expect_failure(run_case("kmc", replace(kKmc, "sites = [30]", "sites = [30, 4]"), "kmc_sites"),
                 {"case.toml:5", "lattice.sites", "2 entries for a 1D lattice"});
  expect_failure(run_case("kmc", replace(kKmc, "heat_of_transport = 1.9\n", ""), "kmc_q"),
                 {"case.toml:", "adatom.heat_of_transport", "required key is missing"});
  expect_failure(run_case("kmc",
                          replace(kKmc, "heat_of_transport = 1.9\nmigration_barrier = 0.23",
                                  "type = \"phi_table\"\nfile = \"nope.dat\""),
                          "kmc_phi"),
                 {"case.toml:12", "adatom.file", "nope.dat", "cannot open"});
}

TEST(BdCli, RunWritesResultFile) {
  const auto run = run_case("bd", kBd, "bd_good");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const std::string h5 = (run.dir / "bd.h5").string();
  EXPECT_EQ(shape_of(h5, "edges"), Shape({11}));
  for (const char* name : {"density", "density_sem", "zero_flux_density"})
    EXPECT_EQ(shape_of(h5, name), Shape({10})) << name;
  for (const char* name : {"state_density", "state_density_sem"})
    EXPECT_EQ(shape_of(h5, name), Shape({1, 10})) << name;
  for (const char* name : {"time", "mean_position", "mean_position_sem"})
    EXPECT_EQ(shape_of(h5, name), Shape({6})) << name;
  // the histogram is a probability density over the cell
  const auto e = values_of(h5, "edges"), p = values_of(h5, "density");
  double total = 0;
  for (std::size_t b = 0; b < p.size(); ++b) total += p[b] * (e[b + 1] - e[b]);
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_NE(config_of(h5).find("dt = 0.001"), std::string::npos) << config_of(h5);
}

TEST(BdCli, BadInputs) {
  expect_failure(run_case("bd", replace(kBd, "dt = 1e-3", "dt = -1e-3"), "bd_dt"),
                 {"case.toml:21", "bd.dt", "(0, inf)"});
  expect_failure(run_case("bd", replace(kBd, "alpha = 1.0", "alpha = 1.5"), "bd_alpha"),
                 {"case.toml:14", "particle.alpha", "1.5", "[0, 1]"});
  expect_failure(run_case("bd", replace(kBd, "prefactor = 2.0", "prefactor = -2.0"), "bd_d"),
                 {"case.toml:17", "particle.diffusivity.prefactor", "(0, inf)"});
  expect_failure(run_case("bd", replace(kBd, "samples = 5", "sample = 5"), "bd_key"),
                 {"case.toml:23", "bd.sample", "unknown key"});
  // one walker has no spread to give standard errors (they were written as 0, and the
  // deviations in standard errors as inf)
  expect_failure(run_case("bd", replace(kBd, "walkers = 300", "walkers = 1"), "bd_w1"),
                 {"bd.walkers", "at least 2 are needed"});
}

namespace {

const std::string kLattice = std::string(TD_SOURCE_DIR) + "/examples/lattice/honeycomb.toml";

std::string lattice_case(const std::string& file) {
  return R"([units]
system = "LJ"
lj = "copper"
[lattice_gas]
lattice_file = ")" +
         file + R"("
temperature = 0.5
coverages = [0.25, 0.5]
cells = [4, 4]
replicas = 4
t_end = 40.0
blocks = 4
[output]
file = "lattice.h5"
)";
}

}  // namespace

TEST(LatticeCli, RunWritesTensorsAgainstCoverage) {
  const auto run = run_case("lattice", lattice_case(kLattice), "lattice_good");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const std::string h5 = (run.dir / "lattice.h5").string();
  for (const char* name : {"coverage", "particles", "chi", "events"})
    EXPECT_EQ(shape_of(h5, name), Shape({2})) << name;
  for (const char* name : {"tracer", "tracer_sem", "collective", "collective_sem"})
    EXPECT_EQ(shape_of(h5, name), Shape({2, 2, 2})) << name;
  EXPECT_EQ(shape_of(h5, "single_particle"), Shape({2, 2}));
  // 4 x 4 cells of 2 sites: 8 and 16 particles
  EXPECT_EQ(values_of(h5, "particles"), std::vector<double>({8.0, 16.0}));
  // the honeycomb's single-particle tensor is isotropic
  const auto d0 = values_of(h5, "single_particle");
  EXPECT_NEAR(d0[0], d0[3], 1e-9 * d0[0]);
  EXPECT_NEAR(d0[1], 0.0, 1e-9 * d0[0]);
  // the resolved configuration holds the case and the lattice file
  const std::string cfg = config_of(h5);
  EXPECT_NE(cfg.find("coverages = [0.25, 0.5]"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("saddle_energy = 1"), std::string::npos) << cfg;
}

TEST(LatticeCli, BadInputs) {
  expect_failure(run_case("lattice", replace(lattice_case(kLattice), "[0.25, 0.5]", "[0.25, 1.2]"),
                          "lattice_cov"),
                 {"case.toml:7", "lattice_gas.coverages", "1.2", "(0, 1)"});
  expect_failure(run_case("lattice", lattice_case("nope.toml"), "lattice_missing"),
                 {"case.toml:5", "lattice_gas.lattice_file", "does not exist"});
  // no coverage: a run of nothing (every dataset of shape 0) is not a result
  expect_failure(
      run_case("lattice", replace(lattice_case(kLattice), "[0.25, 0.5]", "[]"), "lattice_none"),
      {"case.toml:7", "lattice_gas.coverages", "at least one coverage"});
  // two particles on 32 sites at theta = 0.01 round to none
  expect_failure(
      run_case("lattice", replace(lattice_case(kLattice), "[0.25, 0.5]", "[0.01]"), "lattice_few"),
      {"case.toml:7", "lattice_gas.coverages", "at least one particle"});
  // a lattice file whose last hop has no reverse: the error points into the lattice file
  std::ifstream in(kLattice);
  std::string lat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  lat.erase(lat.rfind("[[lattice.bonds]]"));
  expect_failure(run_case("lattice", lattice_case("broken.toml"), "lattice_broken", "",
                          {{"broken.toml", lat}}),
                 {"broken.toml:", "detailed balance"}, {"broken.toml"});
}
