#include "models/LatticeGas.h"

#include <fmt/format.h>

#include <Eigen/QR>
#include <cmath>
#include <deque>

#include "core/KeyRegistry.h"
#include "models/lattice_gas_K.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kCellA{"cell_a", T::RealArray, "", K::length, Range::any(), {}, "cell vector a"};
const ParamSpec kCellB{"cell_b", T::RealArray, "", K::length, Range::any(), {}, "cell vector b"};
const ParamSpec kNu{"attempt_frequency", T::Real, "1.0", K::frequency, Range::positive(), {},
                    "nu of every hop"};
const ParamSpec kName{"name", T::String, "", K::dimensionless, Range::any(), {}, "site name"};
const ParamSpec kPos{
    "position", T::RealArray, "", K::length, Range::any(), {}, "site position in the cell"};
const ParamSpec kE{"energy", T::Real, "0.0", K::energy, Range::any(), {}, "site energy E_A"};
const ParamSpec kFrom{"from", T::String, "", K::dimensionless, Range::any(), {}, "start site"};
const ParamSpec kTo{"to", T::String, "", K::dimensionless, Range::any(), {}, "target site"};
const ParamSpec kDisp{
    "displacement", T::RealArray, "", K::length, Range::any(), {}, "vector from start to target"};
const ParamSpec kSaddle{
    "saddle_energy", T::Real, "", K::energy, Range::any(), {}, "E_AB of the transition state"};

const KeyDeclaration kLatticeKeys(
    {"<lattice_file>.lattice",
     "",
     "lattice",
     "The periodic lattice of a lattice-gas run, in a file of its own (`lattice_file` of "
     "`[lattice_gas]`, numbers in that case's units): two cell vectors, the sites of the cell "
     "(`[[lattice.sites]]`) and the directed hops between them (`[[lattice.bonds]]`) with rate "
     "nu exp(-(E_AB - E_A)/(kB T)). Checked: a displacement lands on a periodic copy of its "
     "target; every hop has its reverse (negated displacement, same saddle energy); no saddle "
     "lies below its ends; every site is reachable from the first, none is a trap at the run "
     "temperature; displacements span the plane.",
     {&kCellA, &kCellB, &kNu}});
const KeyDeclaration kSiteKeys(
    {"<lattice_file>.lattice.sites", "", "lattice", "One site of the cell.", {&kName, &kPos, &kE}});
const KeyDeclaration kBondKeys({"<lattice_file>.lattice.bonds",
                                "",
                                "lattice",
                                "One directed hop; its reverse must be listed too.",
                                {&kFrom, &kTo, &kDisp, &kSaddle}});

std::array<double, 2> vec2(InputSection& s, const ParamSpec& p) {
  const auto v = s.reals(p);
  if (v.size() != 2) s.fail(p.key, fmt::format("needs 2 components (got {})", v.size()));
  return {v[0], v[1]};
}
}  // namespace

double LatticeSpec::rate(int b, double T) const {
  const LatticeBond& bd = bonds[b];
  return kernels::hop_rate(nu, sites[bd.from].energy, bd.saddle, kB, T);
}

std::vector<double> LatticeSpec::occupancies(double theta, double T) const {
  auto n_of = [&](double mu) {
    std::vector<double> n;
    for (const auto& s : sites) n.push_back(kernels::fermi_occupancy(s.energy, mu, kB, T));
    return n;
  };
  auto mean = [&](double mu) {
    double m = 0;
    for (double v : n_of(mu)) m += v;
    return m / size();
  };
  double lo = -1.0, hi = 1.0;
  for (const auto& s : sites) {
    lo = std::min(lo, s.energy - 1.0);
    hi = std::max(hi, s.energy + 1.0);
  }
  while (mean(lo) > theta) lo -= (hi - lo);
  while (mean(hi) < theta) hi += (hi - lo);
  for (int it = 0; it < 200; ++it) {
    const double m = 0.5 * (lo + hi);
    (mean(m) < theta ? lo : hi) = m;
  }
  return n_of(0.5 * (lo + hi));
}

Eigen::Matrix2d LatticeSpec::single_particle_diffusion(double T) const {
  // The Bloch rate matrix M(k) = M0 + i K1(k) - K2(k) + O(k^3), with M0 the cell's rate matrix
  // and K1, K2 the bonds' first and second order in k.delta. Its top eigenvalue, to second
  // order in k (eigenvalue perturbation with left vector 1 and right vector p, M0 p = 0):
  //   lambda(k) = i 1.K1 p - 1.K2 p + 1.K1 x,  M0 x = K1 p, 1.x = 0,
  // and 1.K1 p = 0 (no mean drift), so k.D.k = 1.K2 p - 1.K1 x. Solving for p and x (instead of
  // differencing eigenvalues at small k) keeps full precision when the rates span many
  // decades (the GaAs(001) lattices at 700 K: 6 decades).
  const int n = size();
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(n + 1, n);  // M0 bordered by the row 1
  std::array<Eigen::MatrixXd, 2> K1{Eigen::MatrixXd::Zero(n, n), Eigen::MatrixXd::Zero(n, n)};
  for (int b = 0; b < static_cast<int>(bonds.size()); ++b) {
    const auto& bd = bonds[b];
    const double r = rate(b, T);
    A(bd.to, bd.from) += r;
    A(bd.from, bd.from) -= r;
    for (int a = 0; a < 2; ++a) K1[a](bd.to, bd.from) += r * bd.displacement[a];
  }
  A.row(n).setOnes();
  const Eigen::FullPivHouseholderQR<Eigen::MatrixXd> qr(A);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n + 1);
  rhs(n) = 1.0;
  const Eigen::VectorXd p = qr.solve(rhs);  // stationary occupation of the cell's sites
  std::array<Eigen::VectorXd, 2> x;
  for (int a = 0; a < 2; ++a) {
    rhs.head(n) = K1[a] * p;
    rhs(n) = 0.0;
    x[a] = qr.solve(rhs);
  }
  Eigen::Matrix2d D = Eigen::Matrix2d::Zero();
  for (int b = 0; b < static_cast<int>(bonds.size()); ++b) {
    const auto& bd = bonds[b];
    const double w = 0.5 * rate(b, T) * p(bd.from);
    for (int a = 0; a < 2; ++a)
      for (int c = 0; c < 2; ++c) D(a, c) += w * bd.displacement[a] * bd.displacement[c];
  }
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) D(a, c) -= 0.5 * (K1[a] * x[c] + K1[c] * x[a]).sum();
  return D;
}

LatticeSpec read_lattice(InputSection& s, double kB, double Temp) {
  LatticeSpec L;
  L.kB = kB;
  L.cell = {vec2(s, kCellA), vec2(s, kCellB)};
  const double det = L.cell[0][0] * L.cell[1][1] - L.cell[0][1] * L.cell[1][0];
  if (!(std::fabs(det) > 0)) s.fail("cell_b", "cell vectors a and b are parallel");
  L.nu = s.real(kNu);
  auto site_tables = s.sections("sites");
  if (site_tables.empty()) s.fail("sites", "at least one [[lattice.sites]] table is required");
  for (auto& t : site_tables) {
    LatticeSite st{t.string(kName), vec2(t, kPos), t.real(kE)};
    for (const auto& o : L.sites)
      if (o.name == st.name) t.fail("name", fmt::format("site '{}' is listed twice", st.name));
    L.sites.push_back(st);
    t.finish();
  }
  auto bond_tables = s.sections("bonds");
  for (auto& t : bond_tables) {
    auto index = [&](const ParamSpec& p) {
      const std::string nm = t.string(p);
      for (int i = 0; i < L.size(); ++i)
        if (L.sites[i].name == nm) return i;
      t.fail(p.key, fmt::format("unknown site '{}'", nm));
    };
    LatticeBond b;
    b.from = index(kFrom);
    b.to = index(kTo);
    b.displacement = vec2(t, kDisp);
    b.saddle = t.real(kSaddle);
    // offset = cell^-1 (pos_from + displacement - pos_to) must be integer
    const double rx = L.sites[b.from].position[0] + b.displacement[0] - L.sites[b.to].position[0];
    const double ry = L.sites[b.from].position[1] + b.displacement[1] - L.sites[b.to].position[1];
    const double u = (rx * L.cell[1][1] - ry * L.cell[1][0]) / det;
    const double v = (L.cell[0][0] * ry - L.cell[0][1] * rx) / det;
    if (std::fabs(u - std::round(u)) > 1e-6 || std::fabs(v - std::round(v)) > 1e-6)
      t.fail("displacement",
             fmt::format("displacement ({}, {}) from site '{}' does not land on a copy of site "
                         "'{}' (cell coordinates {:.4g}, {:.4g} are not integers)",
                         b.displacement[0], b.displacement[1], L.sites[b.from].name,
                         L.sites[b.to].name, u, v));
    b.offset = {static_cast<int>(std::lround(u)), static_cast<int>(std::lround(v))};
    if (b.saddle < std::max(L.sites[b.from].energy, L.sites[b.to].energy))
      t.fail("saddle_energy", fmt::format("saddle {} lies below site '{}' or '{}'", b.saddle,
                                          L.sites[b.from].name, L.sites[b.to].name));
    L.bonds.push_back(b);
    t.finish();
  }
  if (L.bonds.empty()) s.fail("bonds", "no [[lattice.bonds]]: nothing can move");
  // detailed balance: every hop has its reverse over the same saddle
  for (std::size_t i = 0; i < L.bonds.size(); ++i) {
    const auto& b = L.bonds[i];
    bool found = false;
    for (const auto& r : L.bonds)
      if (r.from == b.to && r.to == b.from &&
          std::fabs(r.displacement[0] + b.displacement[0]) < 1e-9 &&
          std::fabs(r.displacement[1] + b.displacement[1]) < 1e-9) {
        if (std::fabs(r.saddle - b.saddle) > 1e-12 * std::max(1.0, std::fabs(b.saddle)))
          bond_tables[i].fail(
              "saddle_energy",
              fmt::format("broken detailed balance: the reverse hop {} -> {} "
                          "has saddle {} instead of {}",
                          L.sites[b.to].name, L.sites[b.from].name, r.saddle, b.saddle));
        found = true;
      }
    if (!found)
      bond_tables[i].fail("to", fmt::format("broken detailed balance: hop {} -> {} by ({}, {}) "
                                            "has no reverse hop listed",
                                            L.sites[b.from].name, L.sites[b.to].name,
                                            b.displacement[0], b.displacement[1]));
  }
  // reachability
  std::vector<char> seen(L.size(), 0);
  std::deque<int> q{0};
  seen[0] = 1;
  while (!q.empty()) {
    const int a = q.front();
    q.pop_front();
    for (const auto& b : L.bonds)
      if (b.from == a && !seen[b.to]) {
        seen[b.to] = 1;
        q.push_back(b.to);
      }
  }
  for (int a = 0; a < L.size(); ++a)
    if (!seen[a])
      s.fail("sites", fmt::format("site '{}' cannot be reached from site '{}' by any bond",
                                  L.sites[a].name, L.sites[0].name));
  // traps: sites whose rates underflow at the run temperature
  for (int a = 0; a < L.size(); ++a) {
    double out = 0;
    for (int b = 0; b < static_cast<int>(L.bonds.size()); ++b)
      if (L.bonds[b].from == a) out += L.rate(b, Temp);
    if (!(out > 0))
      s.fail("bonds", fmt::format("site '{}' has zero total hop rate at T = {} (a trap)",
                                  L.sites[a].name, Temp));
  }
  // the displacements must span the plane, or diffusion is confined to lines
  double span = 0;
  for (const auto& b1 : L.bonds)
    for (const auto& b2 : L.bonds)
      span = std::max(span, std::fabs(b1.displacement[0] * b2.displacement[1] -
                                      b1.displacement[1] * b2.displacement[0]));
  if (!(span > 1e-9 * std::fabs(det)))
    s.fail("bonds", "all bond displacements are parallel: the gas cannot diffuse in 2D");
  s.finish();
  return L;
}

}  // namespace td
