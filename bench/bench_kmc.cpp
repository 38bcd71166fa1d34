// Throughput of the stochastic engines on one core (not a test): independent adatom walkers
// (hops/s) on 1D lattices of growing size, and the canonical lattice gas (events/s) on
// square supercells up to 1e6 sites at coverage 0.5.
#include <petscsys.h>

#include <chrono>
#include <cstdio>

#include "models/LatticeGas.h"
#include "stochastic/LatticeGasKmc.h"
#include "stochastic/Walkers.h"

using namespace td;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  AdatomParams p{1.9, 0.23, 1.1225, 1.0, 1.0};
  for (int n : {100, 10000, 1000000}) {
    HopLattice lat = hop_geometry(1, {n, 1}, {true, false}, p.a, {0, 0});
    auto T = linear_temperature(0.3, {0, 0, 0});
    set_adatom_rates(lat, *analytic_adatom_rates(p), T.get());
    WalkerOptions o;
    o.walkers = 2000;
    o.t_end = 10000.0;
    o.samples = 10;
    o.start_site = n / 2;
    const auto t0 = std::chrono::steady_clock::now();
    const auto st = run_walkers(MPI_COMM_SELF, lat, o);
    const double s = seconds_since(t0);
    std::printf("adatom walkers, %8d sites: %.3g hops in %.3g s = %.3g hops/s\n", n,
                static_cast<double>(st.hops), s, st.hops / s);
  }
  InputSection root = InputSection::parse_string(R"(
[lattice]
cell_a = [1.0, 0.0]
cell_b = [0.0, 1.0]
[[lattice.sites]]
name = "A"
position = [0.0, 0.0]
[[lattice.bonds]]
from = "A"
to = "A"
displacement = [1.0, 0.0]
saddle_energy = 1.0
[[lattice.bonds]]
from = "A"
to = "A"
displacement = [-1.0, 0.0]
saddle_energy = 1.0
[[lattice.bonds]]
from = "A"
to = "A"
displacement = [0.0, 1.0]
saddle_energy = 1.0
[[lattice.bonds]]
from = "A"
to = "A"
displacement = [0.0, -1.0]
saddle_energy = 1.0
)",
                                                 "bench");
  // kB = 1: bare numbers as given (reduced units; in SI a bare energy would be joules)
  root.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  InputSection s = root.section("lattice");
  const LatticeSpec L = read_lattice(s, 1.0, 1.0);
  // sizes at theta = 0.5, then coverages on 1e6 sites (candidates over particles below 1/2,
  // over holes above)
  const std::vector<std::pair<int, double>> runs{{32, 0.5},   {100, 0.5},  {316, 0.5},
                                                 {1000, 0.5}, {1000, 0.1}, {1000, 0.9}};
  for (const auto& [side, theta] : runs) {
    LatticeGasKmc g(L, side, side, 1.0);
    stochastic::Stream rng(1, 0);
    g.fill(std::lround(theta * side * side), rng);
    const double R = theta * side * side * 4 * std::exp(-1.0) * (1 - theta);  // ~ total rate
    const auto t0 = std::chrono::steady_clock::now();
    g.advance_to(5e6 / R, rng);
    const double sec = seconds_since(t0);
    std::printf("lattice gas %7d sites, theta %.1f: %.3g events in %.3g s = %.3g events/s\n",
                side * side, theta, static_cast<double>(g.events()), sec, g.events() / sec);
  }
  PetscFinalize();
  return 0;
}
