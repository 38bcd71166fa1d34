// Variational collective diffusion tensor (models/LatticeGasVariational.h) of the example
// lattices (examples/lattice/two_sublattice_square.toml, honeycomb.toml) against coverage, at
// the temperature of their KMC scans (T = 0.5): time per coverage with and without
// correlational phases, and a CSV of D_xx, D_yy, D_xy for validation/stochastic/
// plot_variational.py, with KMC points (canonical bias removed, docs/stochastic.md) unless
// --no-kmc. Not a test. Usage: bench_variational [OUT.csv] [--no-kmc] [--samples N]
#include <petscsys.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "models/LatticeGasVariational.h"
#include "stochastic/LatticeGasKmc.h"

using namespace td;

namespace {

constexpr double kT = 0.5;
/// Coverage grid of the curves: kGrid points in (0, 1), plus the two extreme limits.
constexpr int kGrid = 99;
constexpr double kExtreme = 1e-9;
/// Calls timed per coverage (the bound takes microseconds).
constexpr int kTimedCalls = 200;
/// KMC: coverages, supercell, default Green-Kubo samples (relative error sqrt(2/samples), 1 %
/// by default), block length and equilibration in slowest-hop times (as tests/crosscheck/).
const std::vector<double> kKmcCoverages{0.1, 0.3, 0.5, 0.7, 0.9};
constexpr int kCells = 8, kBlocks = 50, kSamples = 20000;
constexpr double kBlockHops = 8.0, kBurnHops = 20.0;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

LatticeSpec example(const std::string& file) {
  InputSection root =
      InputSection::parse_file(std::string(TD_SOURCE_DIR) + "/examples/lattice/" + file);
  // kB = 1: bare numbers as given (reduced units; in SI a bare energy would be joules)
  root.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  InputSection s = root.section("lattice");
  return read_lattice(s, 1.0, kT);
}

void row(std::FILE* f, const std::string& lattice, double theta, const char* kind,
         const Eigen::Matrix2d& D, const Eigen::Matrix2d& sem) {
  std::fprintf(f, "%s,%.10g,%s,%.10g,%.10g,%.10g,%.6g,%.6g,%.6g\n", lattice.c_str(), theta, kind,
               D(0, 0), D(1, 1), D(0, 1), sem(0, 0), sem(1, 1), sem(0, 1));
}

}  // namespace

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  std::string out = "variational.csv";
  bool kmc = true;
  long samples = kSamples;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-kmc")
      kmc = false;
    else if (a == "--samples" && i + 1 < argc)
      samples = std::stol(argv[++i]);
    else if (a.rfind("-", 0) != 0)
      out = a;
  }
  std::FILE* f = std::fopen(out.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", out.c_str());
    return 1;
  }
  std::fprintf(f, "lattice,theta,kind,Dxx,Dyy,Dxy,Dxx_sem,Dyy_sem,Dxy_sem\n");
  const Eigen::Matrix2d zero = Eigen::Matrix2d::Zero();
  for (const std::string name : {"two_sublattice_square", "honeycomb"}) {
    const LatticeSpec L = example(name + ".toml");
    row(f, name, 0.0, "single_particle", L.single_particle_diffusion(kT), zero);
    std::vector<double> grid{kExtreme};
    for (int i = 1; i <= kGrid; ++i) grid.push_back(static_cast<double>(i) / (kGrid + 1));
    grid.push_back(1 - kExtreme);
    double t_corr = 0, t_geo = 0;
    for (double theta : grid) {
      auto t0 = std::chrono::steady_clock::now();
      Eigen::Matrix2d D;
      for (int k = 0; k < kTimedCalls; ++k) D = variational_collective_diffusion(L, theta, kT);
      t_corr += seconds_since(t0) / kTimedCalls;
      t0 = std::chrono::steady_clock::now();
      Eigen::Matrix2d G;
      for (int k = 0; k < kTimedCalls; ++k)
        G = variational_collective_diffusion(L, theta, kT, false);
      t_geo += seconds_since(t0) / kTimedCalls;
      row(f, name, theta, "variational", D, zero);
      row(f, name, theta, "geometric", G, zero);
    }
    std::printf(
        "%-22s %d sites, %zu pair phases: %.1f us per coverage (geometric phases only "
        "%.1f us)\n",
        name.c_str(), L.size(), neighbour_pairs(L).size(), 1e6 * t_corr / grid.size(),
        1e6 * t_geo / grid.size());
    if (!kmc) continue;
    double slowest = std::numeric_limits<double>::infinity();
    for (int b = 0; b < static_cast<int>(L.bonds.size()); ++b)
      slowest = std::min(slowest, L.rate(b, kT));
    for (double theta : kKmcCoverages) {
      LatticeGasOptions o;
      o.cells = {kCells, kCells};
      o.theta = theta;
      o.T = kT;
      o.blocks = kBlocks;
      o.replicas = std::max(2L, samples / kBlocks);
      o.t_burn = kBurnHops / slowest;
      o.t_end = kBlockHops / slowest * kBlocks;
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = run_lattice_gas(MPI_COMM_SELF, L, o);
      const long cells = static_cast<long>(kCells) * kCells;
      const double actual = static_cast<double>(r.particles) / (cells * L.size());
      const double f_can = canonical_green_kubo_factor(L, actual, kT, cells);
      row(f, name, actual, "kmc", r.collective / f_can, r.collective_sem / f_can);
      const Eigen::Matrix2d D = variational_collective_diffusion(L, actual, kT);
      std::printf(
          "  KMC theta %.3f: Dxx %.5f +- %.5f (bound %.5f), Dyy %.5f +- %.5f (bound "
          "%.5f), canonical factor %.4f, %.1f s\n",
          actual, r.collective(0, 0) / f_can, r.collective_sem(0, 0) / f_can, D(0, 0),
          r.collective(1, 1) / f_can, r.collective_sem(1, 1) / f_can, D(1, 1), f_can,
          seconds_since(t0));
    }
  }
  std::fclose(f);
  std::printf("wrote %s\n", out.c_str());
  PetscFinalize();
  return 0;
}
