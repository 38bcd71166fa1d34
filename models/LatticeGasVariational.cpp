#include "models/LatticeGasVariational.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "models/lattice_gas_K.h"

namespace td {

namespace {

/// A direction of the Jacobi-scaled quadratic form whose eigenvalue is below this fraction of
/// the largest is treated as null. The exact null direction (a common shift of the site
/// phases) comes out at round-off, about 1e-16; genuine directions whose weight is small
/// (pairs at theta -> 0) have unit scale after the scaling and stay far above.
constexpr double kNullTolerance = 1e-12;
/// Bisection steps for the chemical potential (each halves the bracket; stops earlier when
/// the bracket no longer shrinks in double precision).
constexpr int kBisectionSteps = 400;

/// Site @p site of the cell at integer cell coordinates @p cell.
struct SiteRef {
  int site = 0;
  std::array<int, 2> cell{0, 0};
  bool operator==(const SiteRef&) const = default;
};

/// One pair instance seen from one of its ends: pair type @p pair, the other end @p partner
/// (cell relative to the end's own cell).
struct PairEnd {
  int pair = 0;
  SiteRef partner;
};

std::array<int, 2> shifted(std::array<int, 2> a, std::array<int, 2> b) {
  return {a[0] + b[0], a[1] + b[1]};
}

/// For each site, the pair instances it belongs to (a site of a same-site pair type belongs
/// to two instances, one at each end).
std::vector<std::vector<PairEnd>> pair_ends(int sites, const std::vector<LatticePair>& pairs) {
  std::vector<std::vector<PairEnd>> ends(sites);
  for (int p = 0; p < static_cast<int>(pairs.size()); ++p) {
    const auto& pr = pairs[p];
    ends[pr.a].push_back({p, {pr.b, pr.offset}});
    ends[pr.b].push_back({p, {pr.a, {-pr.offset[0], -pr.offset[1]}}});
  }
  return ends;
}

}  // namespace

std::vector<LatticePair> neighbour_pairs(const LatticeSpec& spec) {
  std::vector<LatticePair> pairs;
  for (const auto& bd : spec.bonds) {
    LatticePair p{bd.from, bd.to, bd.offset};
    const bool flip =
        p.a > p.b || (p.a == p.b && (p.offset[0] < 0 || (p.offset[0] == 0 && p.offset[1] < 0)));
    if (flip) p = {bd.to, bd.from, {-bd.offset[0], -bd.offset[1]}};
    // a bond onto its own start site cannot exchange anything; it forms no pair
    if (p.a == p.b && p.offset == std::array<int, 2>{0, 0}) continue;
    const bool known = std::any_of(pairs.begin(), pairs.end(), [&](const LatticePair& q) {
      return q.a == p.a && q.b == p.b && q.offset == p.offset;
    });
    if (!known) pairs.push_back(p);
  }
  return pairs;
}

GrandCanonicalOccupancy grand_canonical_occupancy(const LatticeSpec& spec, double theta, double T) {
  if (!(theta > 0.0 && theta < 1.0))
    throw Error("variational lattice gas: coverage must lie in (0, 1)");
  // Solve for the minority carriers (particles below 1/2, holes above) so that the small
  // occupancies keep full relative precision; holes have energies -E_A and potential -mu.
  const bool holes = theta > 0.5;
  const double target = holes ? 1.0 - theta : theta;
  const double sign = holes ? -1.0 : 1.0;
  auto mean = [&](double x) {
    double m = 0;
    for (const auto& s : spec.sites) m += kernels::fermi_occupancy(sign * s.energy, x, spec.kB, T);
    return m / spec.size();
  };
  double lo = 0, hi = 0;
  for (const auto& s : spec.sites) {
    lo = std::min(lo, sign * s.energy);
    hi = std::max(hi, sign * s.energy);
  }
  double width = hi - lo + spec.kB * T;
  lo -= width;
  hi += width;
  while (mean(lo) > target) lo -= (width *= 2);
  while (mean(hi) < target) hi += (width *= 2);
  for (int it = 0; it < kBisectionSteps; ++it) {
    const double m = 0.5 * (lo + hi);
    if (m <= lo || m >= hi) break;
    (mean(m) < target ? lo : hi) = m;
  }
  const double x = 0.5 * (lo + hi);
  GrandCanonicalOccupancy o;
  o.mu = sign * x;
  for (const auto& s : spec.sites) {
    o.n.push_back(kernels::fermi_occupancy(s.energy, o.mu, spec.kB, T));
    o.h.push_back(kernels::fermi_occupancy(-s.energy, -o.mu, spec.kB, T));
  }
  return o;
}

VariationalDiffusion variational_collective_diffusion_details(const LatticeSpec& spec, double theta,
                                                              double T, bool correlations) {
  VariationalDiffusion r;
  r.correlations = correlations;
  r.occupancy = grand_canonical_occupancy(spec, theta, T);
  const auto& n = r.occupancy.n;
  const auto& h = r.occupancy.h;
  for (int A = 0; A < spec.size(); ++A) r.chi += n[A] * h[A];
  if (correlations) r.pairs = neighbour_pairs(spec);
  const int s = spec.size();
  const int P = static_cast<int>(r.pairs.size());
  const int nz = s + P;  // unknowns: k.phi_A, then k.psi_p
  const auto ends = pair_ends(s, r.pairs);

  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(nz, nz);
  Eigen::MatrixXd H = Eigen::MatrixXd::Zero(nz, 2);
  Eigen::Matrix2d C = Eigen::Matrix2d::Zero();
  // per bond: the neighbours c whose occupation enters Delta f, with their coefficients G_c
  std::vector<std::pair<SiteRef, Eigen::VectorXd>> touched;
  auto add = [&](const SiteRef& c, int p, double coefficient) {
    auto it =
        std::find_if(touched.begin(), touched.end(), [&](const auto& e) { return e.first == c; });
    if (it == touched.end()) {
      touched.emplace_back(c, Eigen::VectorXd::Zero(nz));
      it = std::prev(touched.end());
    }
    it->second(s + p) += coefficient;
  };
  for (int bi = 0; bi < static_cast<int>(spec.bonds.size()); ++bi) {
    const auto& bd = spec.bonds[bi];
    // weight of the hop under the product measure: a occupied, b empty
    const double w = spec.rate(bi, T) * n[bd.from] * h[bd.to];
    if (!(w > 0)) continue;
    const SiteRef a{bd.from, {0, 0}}, b{bd.to, bd.offset};
    const Eigen::Vector2d delta(bd.displacement[0], bd.displacement[1]);
    Eigen::VectorXd g = Eigen::VectorXd::Zero(nz);
    g(bd.to) += 1.0;
    g(bd.from) -= 1.0;
    touched.clear();
    // the pairs of a lose the particle (coefficient -n_c), the pairs of b gain it; the pair
    // (a, b) itself is empty before and after the hop
    for (const auto& e : ends[bd.from])
      if (!(e.partner == b)) add(e.partner, e.pair, -1.0);
    for (const auto& e : ends[bd.to]) {
      const SiteRef c{e.partner.site, shifted(e.partner.cell, bd.offset)};
      if (!(c == a)) add(c, e.pair, 1.0);
    }
    // E[(g0 + sum_c G_c n_c)^2] over independent Bernoulli neighbours: the square of the
    // mean plus the variances n_c h_c G_c^2
    for (const auto& [c, Gc] : touched) {
      g += n[c.site] * Gc;
      M.noalias() += (0.5 * w * n[c.site] * h[c.site]) * Gc * Gc.transpose();
    }
    M.noalias() += (0.5 * w) * g * g.transpose();
    H += 0.5 * w * g * delta.transpose();
    C += 0.5 * w * delta * delta.transpose();
  }

  // Minimise z^T M z + 2 z^T H u over z: z = -M^+ H u. Jacobi scaling puts weights of very
  // different size (site hops ~ theta, pair terms ~ theta^2 at low coverage) on one scale
  // before the null directions are cut.
  Eigen::VectorXd scale(nz);
  for (int i = 0; i < nz; ++i) scale(i) = M(i, i) > 0 ? 1.0 / std::sqrt(M(i, i)) : 0.0;
  const Eigen::MatrixXd Ms = scale.asDiagonal() * M * scale.asDiagonal();
  const Eigen::MatrixXd Hs = scale.asDiagonal() * H;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Ms);
  const double top = es.eigenvalues().cwiseAbs().maxCoeff();
  Eigen::MatrixXd Zs = Eigen::MatrixXd::Zero(nz, 2);
  for (int i = 0; i < nz; ++i) {
    const double lam = es.eigenvalues()(i);
    if (!(lam > kNullTolerance * top)) {
      ++r.null_directions;
      continue;
    }
    const auto v = es.eigenvectors().col(i);
    Zs += v * (v.transpose() * Hs) / lam;
  }
  const Eigen::MatrixXd Z = scale.asDiagonal() * Zs;  // M^+ H
  Eigen::Matrix2d F = C - H.transpose() * Z;
  r.dirichlet = 0.5 * (F + F.transpose());
  r.D = r.dirichlet / r.chi;
  for (int A = 0; A < s; ++A) r.site_phases.emplace_back(-Z.row(A).transpose());
  for (int p = 0; p < P; ++p) r.pair_phases.emplace_back(-Z.row(s + p).transpose());
  return r;
}

double canonical_green_kubo_factor(const LatticeSpec& spec, double theta, double T, long cells) {
  const auto o = grand_canonical_occupancy(spec, theta, T);
  double chi = 0, v2 = 0;
  for (int A = 0; A < spec.size(); ++A) {
    const double v = o.n[A] * o.h[A];
    chi += v;
    v2 += v * v;
  }
  return 1.0 / (1.0 - v2 / (chi * chi * static_cast<double>(cells)));
}

Eigen::Matrix2d variational_collective_diffusion(const LatticeSpec& spec, double theta, double T,
                                                 bool correlations) {
  return variational_collective_diffusion_details(spec, theta, T, correlations).D;
}

}  // namespace td
