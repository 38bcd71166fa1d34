// Variational collective diffusion tensor of the lattice gas (docs/theory.md#lattice-gas;
// Minkowski and Zaluska-Kotur 2018): its exact limits on every example lattice and on that paper's
// lattices. theta -> 0 gives the single-particle tensor of the Bloch matrix, theta -> 1 the
// single-hole tensor (the hole walks the inverted landscape), equal site depths give a
// coverage-independent D_c equal to the single-particle value; correlational phases lower the bound
// where the sites differ, and the tensor transforms as a tensor under rotations and does not depend
// on the choice of cell. The comparison with the KMC is
// tests/crosscheck/test_lattice_variational_vs_kmc.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "models/LatticeGasVariational.h"
#include "tests/support/lattice_specs.h"

using namespace td;
using namespace td::testing;

namespace {

constexpr double kT = 0.5;
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // no such hop
/// Coverages close enough to 0 and 1 that the O(theta) corrections are below 1e-9.
constexpr double kDilute = 1e-10;

struct NamedLattice {
  std::string name;
  LatticeSpec spec;
  double T = kT;  ///< temperature of the checks (the lattice's energy unit over kB)
};

/// Temperature of the GaAs(001) lattices (K; their numbers are SI, kB in J/K): the
/// temperature of examples/lattice/gaas001_*_scan.toml (ASSUMED there, see docs/stochastic.md).
constexpr double kGaAsT = 700.0;

/// The example lattices and the lattices of Minkowski and Zaluska-Kotur (2018) (unequal depths,
/// saddles above both ends), including their GaAs(001)-c(4x4) and -(2x4) lattices with the
/// energies in eV of examples/lattice/gaas001_*.toml at 700 K.
std::vector<NamedLattice> lattices() {
  return {
      {"example two_sublattice_square", example_lattice("two_sublattice_square.toml", kT)},
      {"example honeycomb", example_lattice("honeycomb.toml", kT)},
      {"checkerboard, A-B hops only",
       parse_lattice(mzk_checkerboard(0, 0.3, 0.8, kNone, kNone), kT)},
      {"checkerboard with A-A, B-B", parse_lattice(mzk_checkerboard(0, 0.3, 0.8, 0.9, 0.6), kT)},
      {"inequivalent square, two B",
       parse_lattice(mzk_inequivalent_square(0, 0.3, 0.8, 1.0, 0.5, 0.7), kT)},
      {"three-site square", parse_lattice(mzk_three_site_square(0, 0.2, 0.4, 0.9, 0.8), kT)},
      {"two hexagonal sublattices", parse_lattice(mzk_two_hexagonal(0, 0.3, 0.8, 0.9, 0.6), kT)},
      {"three hexagonal sublattices",
       parse_lattice(mzk_three_hexagonal(0, 0.2, 0.35, 0.8, 0.7, 0.9), kT)},
      {"oblique, no symmetry", parse_lattice(oblique_three_site(), kT)},
      {"GaAs(001)-c(4x4)", example_lattice_si("gaas001_c4x4.toml", kGaAsT), kGaAsT},
      {"GaAs(001)-(2x4)", example_lattice_si("gaas001_2x4.toml", kGaAsT), kGaAsT},
  };
}

/// Largest component difference relative to the largest component of @p ref.
double relative_error(const Eigen::Matrix2d& a, const Eigen::Matrix2d& ref) {
  return (a - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff();
}

/// The lattice a single hole walks: a hole hops b -> a when a particle hops a -> b, at the
/// particle's rate Gamma_ab = nu exp(-(E_ab - E_a)/kB T). With site energies -E_A that rate
/// is nu exp(-(E'_ab + E_b)/kB T) for a hole starting on b, so E'_ab = E_ab - E_a - E_b
/// (symmetric in a, b: detailed balance holds). Bond b -> a of the particle, displacement
/// -delta_ab, is the hole's hop from b to a.
LatticeSpec hole_lattice(const LatticeSpec& L) {
  LatticeSpec H = L;
  for (auto& b : H.bonds) b.saddle = b.saddle - L.sites[b.from].energy - L.sites[b.to].energy;
  for (auto& s : H.sites) s.energy = -s.energy;
  return H;
}

/// The lattice rotated by @p angle (radians): cell, positions and displacements.
LatticeSpec rotated(const LatticeSpec& L, double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  auto rot = [&](std::array<double, 2>& v) { v = {c * v[0] - s * v[1], s * v[0] + c * v[1]}; };
  LatticeSpec R = L;
  for (auto& v : R.cell) rot(v);
  for (auto& st : R.sites) rot(st.position);
  for (auto& b : R.bonds) rot(b.displacement);
  return R;
}

/// The same lattice described with a cell doubled along a: sites (A, copy j) at r_A + j a.
LatticeSpec doubled_along_a(const LatticeSpec& L) {
  LatticeSpec D = L;
  const int s = L.size();
  D.cell[0] = {2 * L.cell[0][0], 2 * L.cell[0][1]};
  D.sites.clear();
  D.bonds.clear();
  for (int j = 0; j < 2; ++j)
    for (auto st : L.sites) {
      st.name += std::to_string(j);
      st.position = {st.position[0] + j * L.cell[0][0], st.position[1] + j * L.cell[0][1]};
      D.sites.push_back(st);
    }
  for (int j = 0; j < 2; ++j)
    for (auto b : L.bonds) {
      const int target = j + b.offset[0];
      const int copy = ((target % 2) + 2) % 2;
      b.from += j * s;
      b.to += copy * s;
      b.offset[0] = (target - copy) / 2;
      D.bonds.push_back(b);
    }
  return D;
}

}  // namespace

TEST(LatticeVariational, DiluteLimitIsTheSingleParticleTensor) {
  for (const auto& [name, L, T] : lattices()) {
    const Eigen::Matrix2d D0 = L.single_particle_diffusion(T);
    for (bool corr : {false, true}) {
      const Eigen::Matrix2d D = variational_collective_diffusion(L, kDilute, T, corr);
      EXPECT_LT(relative_error(D, D0), 1e-8) << name << (corr ? "" : " (geometric only)") << "\n"
                                             << D << "\nvs\n"
                                             << D0;
    }
  }
}

// Closed forms at high precision (the Bloch-matrix reference above is good to about 1e-9):
// the example two-sublattice square is an A-B chain along x, D_xx = 2 G_AB G_BA/(G_AB + G_BA)
// for particles and holes alike, and separate A and B channels along y, D_yy = p_A G_AA +
// p_B G_BB with the particle populations (theta -> 0) or the hole populations (theta -> 1).
TEST(LatticeVariational, LimitsMatchClosedFormsOnTheTwoSublatticeSquare) {
  const auto L = example_lattice("two_sublattice_square.toml", kT);
  const double eB = 0.3, sx = 0.8, syA = 0.9, syB = 0.6, extreme = 1e-13;
  const double GAB = std::exp(-sx / kT), GBA = std::exp(-(sx - eB) / kT);
  const double GAA = std::exp(-syA / kT), GBB = std::exp(-(syB - eB) / kT);
  const double Dxx = 2 * GAB * GBA / (GAB + GBA);
  const double pA = 1 / (1 + std::exp(-eB / kT)), hA = 1 / (1 + std::exp(eB / kT));
  const Eigen::Matrix2d D0 = variational_collective_diffusion(L, extreme, kT);
  const Eigen::Matrix2d D1 = variational_collective_diffusion(L, 1 - extreme, kT);
  EXPECT_NEAR(D0(0, 0), Dxx, 1e-11 * Dxx);
  EXPECT_NEAR(D1(0, 0), Dxx, 1e-11 * Dxx);
  EXPECT_NEAR(D0(1, 1), pA * GAA + (1 - pA) * GBB, 1e-11 * D0(1, 1));
  EXPECT_NEAR(D1(1, 1), hA * GAA + (1 - hA) * GBB, 1e-11 * D1(1, 1));
}

TEST(LatticeVariational, FullLimitIsTheSingleHoleTensor) {
  for (const auto& [name, L, T] : lattices()) {
    const Eigen::Matrix2d Dh = hole_lattice(L).single_particle_diffusion(T);
    for (bool corr : {false, true}) {
      const Eigen::Matrix2d D = variational_collective_diffusion(L, 1 - kDilute, T, corr);
      EXPECT_LT(relative_error(D, Dh), 1e-8) << name << (corr ? "" : " (geometric only)") << "\n"
                                             << D << "\nvs\n"
                                             << Dh;
    }
  }
}

// With equal depths D_c does not depend on coverage and equals the single-particle tensor
// (site blocking only, Kutner 1981). The reference for 1e-10 is a closed form: on the
// checkerboard every site is an inversion centre, the phases vanish and
// D = (Gamma_AB + Gamma_AA + Gamma_BB)/2 along x and y. The Bloch-matrix tensor is itself
// accurate to about 1e-9 (two small k, Richardson), so it is compared at 1e-8.
TEST(LatticeVariational, EqualDepthsGiveTheSingleParticleTensorAtAnyCoverage) {
  const double e = 0.1, sAB = 0.8, sAA = 0.9, sBB = 0.6;
  const auto cb = parse_lattice(mzk_checkerboard(e, e, sAB, sAA, sBB), kT);
  const double closed =
      0.5 * (std::exp(-(sAB - e) / kT) + std::exp(-(sAA - e) / kT) + std::exp(-(sBB - e) / kT));
  const std::vector<NamedLattice> equal{
      {"checkerboard", cb},
      {"inequivalent square",
       parse_lattice(mzk_inequivalent_square(0, 0, 0.8, 1.0, 0.5, 0.7), kT)},
      {"three-site square", parse_lattice(mzk_three_site_square(0, 0, 0, 0.9, 0.8), kT)},
      {"two hexagonal", parse_lattice(mzk_two_hexagonal(0, 0, 0.8, 0.9, 0.6), kT)},
      {"three hexagonal", parse_lattice(mzk_three_hexagonal(0, 0, 0, 0.8, 0.7, 0.9), kT)},
  };
  for (double theta : {kDilute, 0.05, 0.3, 0.5, 0.7, 0.95, 1 - kDilute}) {
    const Eigen::Matrix2d D = variational_collective_diffusion(cb, theta, kT);
    EXPECT_LT(relative_error(D, closed * Eigen::Matrix2d::Identity()), 1e-12) << theta;
  }
  for (const auto& [name, L, T] : equal) {
    const Eigen::Matrix2d D0 = L.single_particle_diffusion(T);
    const Eigen::Matrix2d Ddilute = variational_collective_diffusion(L, kDilute, T);
    for (double theta : {0.05, 0.3, 0.5, 0.7, 0.95}) {
      const auto r = variational_collective_diffusion_details(L, theta, T);
      EXPECT_LT(relative_error(r.D, Ddilute), 1e-12) << name << " theta " << theta << "\n" << r.D;
      EXPECT_LT(relative_error(r.D, D0), 1e-8) << name << " theta " << theta;
      // the correlational phases find nothing to correct
      for (const auto& psi : r.pair_phases) EXPECT_LT(psi.norm(), 1e-10) << name;
    }
  }
}

TEST(LatticeVariational, CorrelationalPhasesLowerTheBoundBetweenTheLimits) {
  for (const auto& [name, L, T] : lattices()) {
    for (double theta : {0.2, 0.5, 0.8}) {
      const Eigen::Matrix2d D = variational_collective_diffusion(L, theta, T, true);
      const Eigen::Matrix2d D1 = variational_collective_diffusion(L, theta, T, false);
      // a larger trial space: never higher in any direction
      const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> es(D1 - D);
      EXPECT_GT(es.eigenvalues().minCoeff(), -1e-12 * D1.norm()) << name << " " << theta;
    }
  }
  // where neighbouring sites differ much in depth the correlations matter: checkerboard with
  // B 0.6 (1.2 kB T) above A, half coverage: 5.8 % lower (the KMC confirms it,
  // tests/crosscheck/test_lattice_variational_vs_kmc.cpp)
  const auto L = parse_lattice(mzk_checkerboard(0, 0.6, 0.8, kNone, kNone), kT);
  const Eigen::Matrix2d D = variational_collective_diffusion(L, 0.5, kT, true);
  const Eigen::Matrix2d D1 = variational_collective_diffusion(L, 0.5, kT, false);
  EXPECT_LT(D(0, 0), 0.95 * D1(0, 0));
  EXPECT_LT(D(1, 1), 0.95 * D1(1, 1));
}

TEST(LatticeVariational, TensorRotatesAndIgnoresTheChoiceOfCell) {
  const double angle = 0.37;
  const Eigen::Matrix2d R = Eigen::Rotation2Dd(angle).toRotationMatrix();
  for (const auto& [name, L, T] : lattices()) {
    for (double theta : {0.3, 0.7}) {
      const Eigen::Matrix2d D = variational_collective_diffusion(L, theta, T);
      const Eigen::Matrix2d Dr = variational_collective_diffusion(rotated(L, angle), theta, T);
      EXPECT_LT(relative_error(Dr, R * D * R.transpose()), 1e-12) << name << " rotated";
      const Eigen::Matrix2d Dd = variational_collective_diffusion(doubled_along_a(L), theta, T);
      EXPECT_LT(relative_error(Dd, D), 1e-10) << name << " doubled cell\n" << Dd << "\n" << D;
    }
  }
}

// The oblique lattice exercises what the symmetric ones do not: non-zero geometrical phases
// (sites that are not inversion centres) and an off-diagonal tensor.
TEST(LatticeVariational, AsymmetricLatticeHasGeometricalPhases) {
  const auto L = parse_lattice(oblique_three_site(), kT);
  const auto r = variational_collective_diffusion_details(L, 0.4, kT);
  double largest = 0;
  for (const auto& phi : r.site_phases) largest = std::max(largest, phi.norm());
  EXPECT_GT(largest, 0.01);
  EXPECT_GT(std::fabs(r.D(0, 1)), 0.01 * r.D.trace());
  const Eigen::Matrix2d D0 = L.single_particle_diffusion(kT);
  EXPECT_GT(std::fabs(D0(0, 1)), 0.01 * D0.trace());
}

// With equal depths the canonical weight of every hop is exactly
// <n_a (1 - n_b)> = theta (1 - theta) M/(M - 1) on M sites, so the factor is M/(M - 1).
TEST(LatticeVariational, CanonicalFactorOfSymmetricExclusion) {
  const auto L = parse_lattice(mzk_checkerboard(0, 0, 0.8, 0.9, 0.6), kT);
  for (long cells : {4L, 36L, 256L}) {
    const double M = 2.0 * cells;
    for (double theta : {0.1, 0.5, 0.85})
      EXPECT_NEAR(canonical_green_kubo_factor(L, theta, kT, cells), M / (M - 1), 1e-12);
  }
}
