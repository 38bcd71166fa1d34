// Lattice gas (docs/theory.md#lattice-gas): the lattice file is validated (reverse hops / detailed
// balance, reachability, traps, displacements); the single-particle tensor from the small-k
// eigenvalue of the cell's Bloch rate matrix matches closed forms; canonical KMC reproduces
// it as theta -> 0 (two-sublattice square, honeycomb), and with equal site depths the
// Green-Kubo collective tensor equals it at every coverage. Tolerance: 5 standard errors over
// independent replicas.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "models/LatticeGas.h"
#include "stochastic/LatticeGasKmc.h"

using namespace td;

namespace {

LatticeSpec parse(const std::string& text, double T = 1.0) {
  InputSection root = InputSection::parse_string(text, "lattice.toml");
  root.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));  // bare numbers as given
  InputSection s = root.section("lattice");
  return read_lattice(s, 1.0, T);
}

std::string bond(const char* from, const char* to, double dx, double dy, double saddle) {
  return fmt::format(
      "[[lattice.bonds]]\nfrom = \"{}\"\nto = \"{}\"\ndisplacement = [{}, {}]\n"
      "saddle_energy = {}\n",
      from, to, dx, dy, saddle);
}

/// Square lattice, spacing 1, one site: D = Gamma exactly.
std::string square() {
  std::string s =
      "[lattice]\ncell_a = [1.0, 0.0]\ncell_b = [0.0, 1.0]\n"
      "[[lattice.sites]]\nname = \"A\"\nposition = [0.0, 0.0]\n";
  for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}})
    s += bond("A", "A", dx, dy, 1.0);
  return s;
}

/// Two-sublattice square (cell 2 x 1): A at x = 0, B at x = 1 (shallower by eB); A-B hops
/// along x over saddle sx, A-A and B-B hops along y over syA, syB.
std::string two_sublattice(double eB, double sx, double syA, double syB) {
  std::string s = fmt::format(
      "[lattice]\ncell_a = [2.0, 0.0]\ncell_b = [0.0, 1.0]\n"
      "[[lattice.sites]]\nname = \"A\"\nposition = [0.0, 0.0]\nenergy = 0.0\n"
      "[[lattice.sites]]\nname = \"B\"\nposition = [1.0, 0.0]\nenergy = {}\n",
      eB);
  s += bond("A", "B", 1, 0, sx) + bond("A", "B", -1, 0, sx) + bond("B", "A", 1, 0, sx) +
       bond("B", "A", -1, 0, sx);
  s += bond("A", "A", 0, 1, syA) + bond("A", "A", 0, -1, syA) + bond("B", "B", 0, 1, syB) +
       bond("B", "B", 0, -1, syB);
  return s;
}

/// Honeycomb (two sublattices, nearest-neighbour distance 1/sqrt(3) of the cell), A deeper.
std::string honeycomb(double eB, double saddle) {
  const double h = std::sqrt(3.0) / 2.0, r = 1.0 / std::sqrt(3.0);
  std::string s = fmt::format(
      "[lattice]\ncell_a = [1.0, 0.0]\ncell_b = [0.5, {}]\n"
      "[[lattice.sites]]\nname = \"A\"\nposition = [0.0, 0.0]\nenergy = 0.0\n"
      "[[lattice.sites]]\nname = \"B\"\nposition = [0.5, {}]\nenergy = {}\n",
      h, r / 2, eB);
  for (double ang : {30.0, 150.0, 270.0}) {
    const double dx = r * std::cos(ang * M_PI / 180), dy = r * std::sin(ang * M_PI / 180);
    s += bond("A", "B", dx, dy, saddle) + bond("B", "A", -dx, -dy, saddle);
  }
  return s;
}

void expect_tensor_near(const Eigen::Matrix2d& a, const Eigen::Matrix2d& ref,
                        const Eigen::Matrix2d& sem, const std::string& what) {
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      EXPECT_NEAR(a(i, j), ref(i, j), 5 * sem(i, j) + 1e-12) << what << " (" << i << j << ")";
}

}  // namespace

TEST(LatticeFile, RejectsBrokenFiles) {
  auto message = [](const std::string& text, double T = 1.0) {
    try {
      parse(text, T);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // a hop without its reverse
  std::string one_way = square();
  one_way.erase(one_way.rfind("[[lattice.bonds]]"));
  EXPECT_NE(message(one_way).find("detailed balance"), std::string::npos) << message(one_way);
  // reverse over a different saddle
  std::string asym = two_sublattice(0.2, 0.8, 0.6, 0.9);
  asym.replace(asym.find("saddle_energy = 0.8", asym.find("from = \"B\"")), 19,
               "saddle_energy = 0.7");
  EXPECT_NE(message(asym).find("broken detailed balance"), std::string::npos) << message(asym);
  // a site that no bond reaches
  std::string lonely = square() + "[[lattice.sites]]\nname = \"C\"\nposition = [0.5, 0.5]\n";
  EXPECT_NE(message(lonely).find("cannot be reached"), std::string::npos) << message(lonely);
  // a trap: the rates underflow to zero
  EXPECT_NE(message(two_sublattice(0.2, 0.8, 0.6, 0.9), 1e-4).find("zero total hop rate"),
            std::string::npos);
  // a displacement that misses the target
  std::string miss = square();
  miss.replace(miss.find("displacement = [1, 0]"), 21, "displacement = [0.5, 0]");
  EXPECT_NE(message(miss).find("does not land"), std::string::npos) << message(miss);
  EXPECT_NE(message(miss).find("lattice.toml:"), std::string::npos) << "file and line";
}

TEST(LatticeGas, SingleParticleTensorFromBlochMatrix) {
  const double T = 0.5;
  const double G = std::exp(-1.0 / T);
  const Eigen::Matrix2d Dsq = parse(square(), T).single_particle_diffusion(T);
  EXPECT_NEAR(Dsq(0, 0), G, 1e-7 * G);
  EXPECT_NEAR(Dsq(1, 1), G, 1e-7 * G);
  EXPECT_NEAR(Dsq(0, 1), 0.0, 1e-7 * G);
  // two-sublattice chain along x: D_xx = 2 GA GB / (GA + GB) (unit spacing), D_yy the
  // population-weighted y rates.
  const double eB = 0.2, sx = 0.8, syA = 0.6, syB = 0.9;
  const auto L = parse(two_sublattice(eB, sx, syA, syB), T);
  const double GA = std::exp(-sx / T), GB = std::exp(-(sx - eB) / T);
  const double pA = 1.0 / (1.0 + std::exp(-eB / T)), pB = 1.0 - pA;
  const Eigen::Matrix2d D = L.single_particle_diffusion(T);
  EXPECT_NEAR(D(0, 0), 2 * GA * GB / (GA + GB), 1e-6 * GA);
  EXPECT_NEAR(D(1, 1), pA * std::exp(-syA / T) + pB * std::exp(-(syB - eB) / T), 1e-6 * GA);
  EXPECT_NEAR(D(0, 1), 0.0, 1e-6 * GA);
  // honeycomb: isotropic
  const Eigen::Matrix2d Dh = parse(honeycomb(0.3, 1.0), T).single_particle_diffusion(T);
  EXPECT_NEAR(Dh(0, 0), Dh(1, 1), 1e-6 * Dh(0, 0));
  EXPECT_NEAR(Dh(0, 1), 0.0, 1e-6 * Dh(0, 0));
}

TEST(LatticeGas, LowCoverageGivesTheSingleParticleTensor) {
  const double T = 0.5;
  for (const auto& [name, text] :
       {std::pair{"two-sublattice square", two_sublattice(0.2, 0.8, 0.6, 0.9)},
        std::pair{"honeycomb", honeycomb(0.3, 1.0)}}) {
    const auto L = parse(text, T);
    const Eigen::Matrix2d D0 = L.single_particle_diffusion(T);
    LatticeGasOptions o;
    o.cells = {6, 6};
    o.theta = 1.0 / (36 * L.size());  // one particle per replica
    o.T = T;
    o.replicas = 3000;
    o.t_burn = 20.0 / std::exp(-0.9 / T);
    o.t_end = 200.0 / std::exp(-0.9 / T);
    const auto r = run_lattice_gas(MPI_COMM_SELF, L, o);
    expect_tensor_near(r.tracer, D0, r.tracer_sem, std::string(name) + " tracer");
    expect_tensor_near(r.collective, D0, r.collective_sem, std::string(name) + " collective");
  }
}

TEST(LatticeGas, EqualDepthsCollectiveIndependentOfCoverage) {
  const double T = 0.5;
  const auto L = parse(square(), T);
  const Eigen::Matrix2d D0 = L.single_particle_diffusion(T);
  for (double theta : {0.25, 0.5, 0.75}) {
    LatticeGasOptions o;
    o.cells = {12, 12};
    o.theta = theta;
    o.T = T;
    o.replicas = 200;
    o.t_end = 20.0 / std::exp(-1.0 / T);
    const auto r = run_lattice_gas(MPI_COMM_SELF, L, o);
    expect_tensor_near(r.collective, D0, r.collective_sem, fmt::format("theta = {}", theta));
    // while the tracer is slowed by blocking and correlations
    EXPECT_LT(r.tracer(0, 0), D0(0, 0) * (1 - theta) + 5 * r.tracer_sem(0, 0));
  }
}

// The candidate moves drawn over particles or over holes are two samplings of the same
// dynamics: on the two-sublattice square (unequal depths and saddles) at theta = 0.6 both give
// the same tracer and collective tensors within 5 combined standard errors.
TEST(LatticeGas, ParticleAndHoleCarriersAgree) {
  const double T = 0.5;
  const auto L = parse(two_sublattice(0.2, 0.8, 0.6, 0.9), T);
  LatticeGasOptions o;
  o.cells = {6, 6};
  o.theta = 0.6;
  o.T = T;
  o.replicas = 400;
  o.t_end = 40.0 / std::exp(-0.9 / T);
  o.carriers = Carriers::particles;
  const auto p = run_lattice_gas(MPI_COMM_SELF, L, o);
  o.carriers = Carriers::holes;
  const auto h = run_lattice_gas(MPI_COMM_SELF, L, o);
  for (int i = 0; i < 2; ++i) {
    const double sc = std::hypot(p.collective_sem(i, i), h.collective_sem(i, i));
    EXPECT_NEAR(p.collective(i, i), h.collective(i, i), 5 * sc) << "collective " << i;
    const double st = std::hypot(p.tracer_sem(i, i), h.tracer_sem(i, i));
    EXPECT_NEAR(p.tracer(i, i), h.tracer(i, i), 5 * st) << "tracer " << i;
  }
}

TEST(LatticeGasMpi, IdenticalOnAnyNumberOfRanks) {
  const auto L = parse(honeycomb(0.3, 1.0), 0.5);
  LatticeGasOptions o;
  o.cells = {5, 5};
  o.theta = 0.4;
  o.T = 0.5;
  o.replicas = 7;
  o.t_end = 50.0;
  const auto a = run_lattice_gas(MPI_COMM_WORLD, L, o);
  const auto b = run_lattice_gas(MPI_COMM_SELF, L, o);
  EXPECT_EQ(a.events, b.events);
  EXPECT_TRUE(a.collective == b.collective);
  EXPECT_TRUE(a.tracer == b.tracer);
  EXPECT_TRUE(a.collective_sem == b.collective_sem);
}
