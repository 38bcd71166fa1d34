// MSD on log-spaced lags (md/ShortTimeMsd.h, `msd_short_time`): the lag schedule, the mean and
// error over origins, the ballistic MSD of an ideal gas against (3 kB T / m) t^2, and the
// tables of the set-up (lags, means and errors consistent with the per-origin values).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "io/Readers.h"
#include "md/Lammps.h"
#include "md/Setup.h"
#include "md/ShortTimeMsd.h"

namespace td::md {
namespace {

std::string tmp_prefix(const char* name) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto d = std::filesystem::temp_directory_path() / ("td_msdlag_" + std::to_string(size));
  std::filesystem::create_directories(d);
  return (d / name).string();
}

TEST(ShortTimeMsd, LogLagsSpanOneStepToMaxWithTheExtraLag) {
  const auto l = log_lag_steps(2000, 10, {20, 7});
  EXPECT_EQ(l.front(), 1);
  EXPECT_EQ(l.back(), 2000);
  for (std::size_t i = 1; i < l.size(); ++i) EXPECT_GT(l[i], l[i - 1]);
  EXPECT_NE(std::find(l.begin(), l.end(), 7), l.end());
  EXPECT_NE(std::find(l.begin(), l.end(), 20), l.end());
  // beyond rounding, consecutive log-spaced lags differ by 10^(1/10)
  EXPECT_NE(std::find(l.begin(), l.end(), 1000), l.end());
  EXPECT_NE(std::find(l.begin(), l.end(), 1259), l.end());  // 10^3.1
  EXPECT_THROW(log_lag_steps(100, 10, {101}), Error);
  EXPECT_THROW(log_lag_steps(0, 10, {}), Error);
}

TEST(ShortTimeMsd, MeanAndStandardErrorOverOrigins) {
  const MeanErr r = mean_over_origins({{1.0, 10.0}, {3.0, 10.0}, {5.0, 10.0}});
  ASSERT_EQ(r.mean.size(), 2u);
  EXPECT_DOUBLE_EQ(r.mean[0], 3.0);
  EXPECT_DOUBLE_EQ(r.err[0], 2.0 / std::sqrt(3.0));  // sd 2, three origins
  EXPECT_DOUBLE_EQ(r.err[1], 0.0);
}

/// An ideal gas (pair_style zero) of n1 atoms of mass m1 (type 1, group solvent) and n2 of
/// mass m2 (type 2, group solute) with velocities drawn at T; NVE.
void ideal_gas(Lammps& lmp, long n1, long n2, double m1, double m2, double T) {
  lmp.commands(fmt::format(R"(units lj
atom_style atomic
region box block 0 20 0 20 0 20
create_box 2 box
create_atoms 1 random {} 11 box
create_atoms 2 random {} 12 box
mass 1 {}
mass 2 {}
group solvent type 1
group solute type 2
pair_style zero 1.0
pair_coeff * *
timestep 0.005
velocity all create {} 4711 dist gaussian
fix nve all nve
)",
                           n1, n2, m1, m2, T));
}

TEST(ShortTimeMsdMpi, IdealGasIsBallisticWithThreeKTOverMExactly) {
  // one species: velocity create sets sum m v^2 = (3N - 3) kB T exactly (momentum zeroed, T
  // with 3N - 3 degrees of freedom), so MSD(t) = 3 (kB T / m) (1 - 1/N) t^2 with no noise
  const long n = 600;
  const double m = 2.5, T = 1.7, dt = 0.005;
  Lammps lmp(MPI_COMM_WORLD, tmp_prefix("ideal1_"));
  ideal_gas(lmp, n / 2, n / 2, m, m, T);
  const auto lags = log_lag_steps(400, 5, {20});
  const MsdLags r = sample_msd_lags(lmp, {"all"}, lags, 2);
  for (std::size_t o = 0; o < 2; ++o)
    for (std::size_t l = 0; l < lags.size(); ++l) {
      const double t = static_cast<double>(lags[l]) * dt;
      const double exact = 3.0 * T / m * (1.0 - 1.0 / static_cast<double>(n)) * t * t;
      EXPECT_NEAR(r.values[0][o][l], exact, 1e-9 * exact) << "origin " << o << " t " << t;
    }
}

TEST(ShortTimeMsdMpi, IdealGasMixtureRatioIsTheMassRatio) {
  // per group, MSD/t^2 = mean v^2 -> 3 kB T / m_g; each mean over n atoms of (kB T/m) chi^2_3
  // has relative sd sqrt(2/(3n)): tolerances of 4 sd
  const long n1 = 2000, n2 = 2000;
  const double m1 = 1.0, m2 = 3.0, T = 1.0, dt = 0.005;
  Lammps lmp(MPI_COMM_WORLD, tmp_prefix("ideal2_"));
  ideal_gas(lmp, n1, n2, m1, m2, T);
  const auto lags = log_lag_steps(100, 5, {});
  const MsdLags r = sample_msd_lags(lmp, {"solute", "solvent"}, lags, 2);
  const double sd1 = std::sqrt(2.0 / (3.0 * n1)), sd2 = std::sqrt(2.0 / (3.0 * n2));
  for (std::size_t l = 0; l < lags.size(); ++l) {
    const double t2 = std::pow(static_cast<double>(lags[l]) * dt, 2);
    const double solute = r.values[0][0][l] / t2, solvent = r.values[1][0][l] / t2;
    EXPECT_NEAR(solute, 3.0 * T / m2, 4.0 * sd2 * 3.0 * T / m2);
    EXPECT_NEAR(solvent, 3.0 * T / m1, 4.0 * sd1 * 3.0 * T / m1);
    EXPECT_NEAR(solute / solvent, m1 / m2, 4.0 * std::hypot(sd1, sd2) * m1 / m2);
  }
}

TEST(ShortTimeMsdMpi, SetUpTablesHaveTheLagsAndTheErrorsOfTheirOrigins) {
  const long origins = 3;
  auto in = InputSection::parse_string(
      fmt::format("type = \"msd_short_time\"\nequilibration_steps = 300\nseed = 4711\n"
                  "timestep = 0.005\nmax_lag = 0.5\nlags_per_decade = 5\nshort_lag = 0.1\n"
                  "origins = {}\n[system]\nbox = [6.0, 6.0, 12.0]\nn_solvent = 300\n"
                  "n_solute = 20\nsolute_mass = 4.0\n",
                  origins),
      "short.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  auto setup = make_md_setup(in);
  const auto files = setup->run(MPI_COMM_WORLD, tmp_prefix("short_"));
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(files.size(), 3u);
  const auto tab = read_columns(files[0]), per = read_columns(files[1]),
             st = read_columns(files[2]);
  const auto lags = log_lag_steps(100, 5, {20});
  const auto t = tab.col("t");
  ASSERT_EQ(t.size(), lags.size());
  for (std::size_t l = 0; l < t.size(); ++l)
    EXPECT_NEAR(t[l], 0.005 * static_cast<double>(lags[l]), 1e-12);
  ASSERT_EQ(per.rows.size(), lags.size() * origins);
  const auto po = per.col("origin"), pt = per.col("t");
  for (const char* g : {"msd_solute", "msd_solvent"}) {
    const auto pv = per.col(g), mean = tab.col(g), err = tab.col(std::string(g) + "_err");
    std::vector<std::vector<double>> by_origin(origins, std::vector<double>(lags.size()));
    for (std::size_t i = 0; i < pv.size(); ++i) {
      const auto o = static_cast<std::size_t>(po[i]), l = i % lags.size();
      EXPECT_NEAR(pt[i], t[l], 1e-12);
      by_origin[o][l] = pv[i];
    }
    const MeanErr me = mean_over_origins(by_origin);
    for (std::size_t l = 0; l < lags.size(); ++l) {
      EXPECT_NEAR(mean[l], me.mean[l], 1e-8 * me.mean[l]) << g;
      EXPECT_NEAR(err[l], me.err[l], 1e-8 * me.mean[l]) << g;
      EXPECT_GT(err[l], 0.0) << g;  // distinct origins are distinct samples
      if (l > 0) EXPECT_GT(mean[l], mean[l - 1]) << g;
    }
  }
  // the short-time row is the table's row at t = short_lag
  ASSERT_EQ(st.rows.size(), 1u);
  const std::size_t i =
      static_cast<std::size_t>(std::find(lags.begin(), lags.end(), 20) - lags.begin());
  EXPECT_NEAR(st.col("t")[0], 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(st.col("ratio")[0], tab.col("ratio")[i]);
  EXPECT_DOUBLE_EQ(st.col("ratio_err")[0], tab.col("ratio_err")[i]);
  // a solute four times heavier moves less in the ballistic regime
  EXPECT_LT(tab.col("ratio")[0], 1.0);
}

TEST(ShortTimeMsd, ShortLagMustBeWholeStepsWithinMaxLag) {
  // short lag not a whole number of steps, longer than max_lag; max_lag not whole steps
  for (const char* bad : {"max_lag = 1.0\nshort_lag = 0.0123\n", "max_lag = 1.0\nshort_lag = 2.0\n",
                          "max_lag = 0.0071\nshort_lag = 0.005\n"}) {
    auto in = InputSection::parse_string(
        std::string("type = \"msd_short_time\"\ntimestep = 0.005\n") + bad, "bad.toml");
    in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
    EXPECT_THROW(make_md_setup(in), InputError) << bad;
  }
}

}  // namespace
}  // namespace td::md
