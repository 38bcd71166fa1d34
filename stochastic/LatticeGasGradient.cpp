#include "stochastic/LatticeGasGradient.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "models/adatom_K.h"
#include "stochastic/ChunkedSum.h"

namespace td {

namespace {
/// Relative tolerance of the rectangular-cell check (cell vector components).
constexpr double kRectangular = 1e-12;
}  // namespace

LatticeGasGradientKmc::LatticeGasGradientKmc(const LatticeSpec& spec, int La, int Lb,
                                             const TemperatureField& T, double Q)
    : La_(La), Lb_(Lb), s_(spec.size()) {
  const double a = spec.cell[0][0], b = spec.cell[1][1];
  if (!(a > 0 && b > 0) || std::fabs(spec.cell[0][1]) > kRectangular * a ||
      std::fabs(spec.cell[1][0]) > kRectangular * b)
    throw Error(
        fmt::format("lattice gas in a gradient: the cell must be rectangular with a along "
                    "+x and b along +y (got a = ({}, {}), b = ({}, {}))",
                    spec.cell[0][0], spec.cell[0][1], spec.cell[1][0], spec.cell[1][1]));
  if (La < 2 || Lb < 1) throw Error("lattice gas in a gradient: needs La >= 2 and Lb >= 1");
  double mx = 0.0;
  for (const auto& st : spec.sites) mx += st.position[0] / s_;
  const int n = La * Lb * s_;
  x_.resize(n);
  std::vector<double> y(n), Tsite(n);
  for (int i = 0; i < n; ++i) {
    const int A = i % s_, cell = i / s_, ca = cell % La, cb = cell / La;
    x_[i] = (ca + 0.5) * a + spec.sites[A].position[0] - mx;
    y[i] = cb * b + spec.sites[A].position[1];
    Tsite[i] = T.T({x_[i], y[i], 0.0});
  }
  // directed hops (from, to, rate); hops leaving the supercell along a are removed (walls)
  struct Hop {
    int from, to;
    double rate;
  };
  std::vector<Hop> hops;
  for (int i = 0; i < n; ++i) {
    const int A = i % s_, cell = i / s_, ca = cell % La, cb = cell / La;
    for (const auto& bd : spec.bonds) {
      if (bd.from != A) continue;
      const int ta = ca + bd.offset[0];
      if (ta < 0 || ta >= La) continue;
      const int tb = ((cb + bd.offset[1]) % Lb + Lb) % Lb;
      const int j = (tb * La + ta) * s_ + bd.to;
      const double Ts =
          T.T({x_[i] + 0.5 * bd.displacement[0], y[i] + 0.5 * bd.displacement[1], 0.0});
      const double r = kernels::adatom_site_hop_rate(spec.nu, Q, bd.saddle, spec.sites[A].energy,
                                                     spec.kB, Tsite[i], Ts);
      if (!(r > 0) || !std::isfinite(r))
        throw Error(
            fmt::format("lattice gas in a gradient: hop rate {:g} from site {} (T = {:g}) "
                        "is not positive and finite",
                        r, i, Tsite[i]));
      hops.push_back({i, j, r});
    }
  }
  // compressed per-site lists of the moves of a particle (out) and of a hole (in)
  auto build = [&](bool by_from, std::vector<int>& start, std::vector<Move>& moves,
                   std::vector<double>& tot, double& mx_rate) {
    start.assign(n + 1, 0);
    for (const auto& h : hops) ++start[(by_from ? h.from : h.to) + 1];
    for (int i = 0; i < n; ++i) start[i + 1] += start[i];
    moves.assign(hops.size(), {});
    std::vector<int> fill = start;
    tot.assign(n, 0.0);
    for (const auto& h : hops) {
      const int owner = by_from ? h.from : h.to;
      moves[fill[owner]++] = {by_from ? h.to : h.from, h.rate};
      tot[owner] += h.rate;
    }
    mx_rate = *std::max_element(tot.begin(), tot.end());
  };
  build(true, out_start_, out_, out_tot_, out_max_);
  build(false, in_start_, in_, in_tot_, in_max_);
  occ_.assign(n, 0);
  acc_.assign(n, 0.0);
  since_.assign(n, 0.0);
}

void LatticeGasGradientKmc::fill(long np, stochastic::Stream& rng) {
  const int n = sites();
  if (np < 1 || np >= n)
    throw Error(fmt::format("lattice gas in a gradient: {} particles on {} sites (needs 1 to {})",
                            np, n, n - 1));
  std::fill(occ_.begin(), occ_.end(), 0);
  std::vector<int> idx(n);
  for (int i = 0; i < n; ++i) idx[i] = i;
  for (long p = 0; p < np; ++p) {
    const long j = p + static_cast<long>(rng.uniform() * static_cast<double>(n - p));
    std::swap(idx[p], idx[std::min<long>(j, n - 1)]);
    occ_[idx[p]] = 1;
  }
  holes_ = 2 * np > n;
  carriers_.clear();
  for (int i = 0; i < n; ++i)
    if (occ_[i] != holes_) carriers_.push_back(i);
  t_ = 0.0;
  start_average();
}

void LatticeGasGradientKmc::occupy(int i, bool on) {
  if (on)
    since_[i] = t_;
  else
    acc_[i] += t_ - since_[i];
  occ_[i] = on ? 1 : 0;
}

void LatticeGasGradientKmc::advance_to(double t, stochastic::Stream& rng) {
  const double bound = holes_ ? in_max_ : out_max_;
  const auto& start = holes_ ? in_start_ : out_start_;
  const auto& moves = holes_ ? in_ : out_;
  const auto& tot = holes_ ? in_tot_ : out_tot_;
  const double R = static_cast<double>(carriers_.size()) * bound;
  for (;;) {
    const double tn = t_ - std::log(rng.uniform()) / R;
    if (!(tn <= t)) {
      t_ = t;  // memoryless: the pending candidate is redrawn from t
      return;
    }
    t_ = tn;
    ++candidates_;
    double x = rng.uniform() * R;
    const std::size_t c = std::min(carriers_.size() - 1, static_cast<std::size_t>(x / bound));
    x -= static_cast<double>(c) * bound;
    const int site = carriers_[c];
    if (x >= tot[site]) continue;  // thinning: the site's rate is below the bound
    int k = start[site];
    while (k + 1 < start[site + 1] && x >= moves[k].rate) x -= moves[k++].rate;
    const int other = moves[k].partner;
    if (occ_[other] != static_cast<std::uint8_t>(holes_)) continue;  // blocked: null event
    occupy(holes_ ? other : site, false);
    occupy(holes_ ? site : other, true);
    carriers_[c] = other;
    ++events_;
  }
}

void LatticeGasGradientKmc::start_average() {
  t_avg_ = t_;
  std::fill(acc_.begin(), acc_.end(), 0.0);
  std::fill(since_.begin(), since_.end(), t_);
}

std::vector<double> LatticeGasGradientKmc::averaged_columns() const {
  std::vector<double> col(La_, 0.0);
  const double span = t_ - t_avg_;
  if (!(span > 0)) throw Error("lattice gas in a gradient: no time averaged yet");
  for (int i = 0; i < sites(); ++i)
    col[(i / s_) % La_] += acc_[i] + (occ_[i] ? t_ - since_[i] : 0.0);
  for (double& v : col) v /= span * Lb_ * s_;
  return col;
}

std::vector<double> LatticeGasGradientKmc::columns() const {
  std::vector<double> col(La_, 0.0);
  for (int i = 0; i < sites(); ++i) col[(i / s_) % La_] += occ_[i];
  for (double& v : col) v /= static_cast<double>(Lb_ * s_);
  return col;
}

GradientLatticeResult run_lattice_gradient(MPI_Comm comm, const LatticeSpec& spec,
                                           const TemperatureField& T,
                                           const GradientLatticeOptions& opt) {
  const int La = opt.La, ns = static_cast<int>(opt.snapshot_times.size());
  for (int k = 0; k < ns; ++k)
    if (opt.snapshot_times[k] > opt.t_burn ||
        (k > 0 && opt.snapshot_times[k] < opt.snapshot_times[k - 1]))
      throw Error("lattice gas in a gradient: snapshot times must increase and end by t_burn");
  const long sites = static_cast<long>(La) * opt.Lb * spec.size();
  const long np = std::lround(opt.theta * static_cast<double>(sites));
  // per replica: column sums and squares of the average and of each snapshot
  const int width = 2 * La * (1 + ns);
  stochastic::ChunkedSum sums(comm, opt.replicas, width, 1);
  long long counts[2] = {0, 0};
  sums.for_owned([&](long c) {
    auto row = sums.row(c);
    for (long r = sums.first(c); r < sums.last(c); ++r) {
      stochastic::Stream rng(opt.seed, static_cast<std::uint64_t>(r));
      LatticeGasGradientKmc g(spec, La, opt.Lb, T, opt.Q);
      g.fill(np, rng);
      auto add = [&](int block, const std::vector<double>& col) {
        for (int i = 0; i < La; ++i) {
          row[2 * (block * La + i)] += col[i];
          row[2 * (block * La + i) + 1] += col[i] * col[i];
        }
      };
      for (int k = 0; k < ns; ++k) {
        g.advance_to(opt.snapshot_times[k], rng);
        add(1 + k, g.columns());
      }
      g.advance_to(opt.t_burn, rng);
      g.start_average();
      g.advance_to(opt.t_burn + opt.t_end, rng);
      add(0, g.averaged_columns());
      counts[0] += g.events();
      counts[1] += g.candidates();
    }
  });
  const auto tot = sums.reduce();
  MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_LONG_LONG, MPI_SUM, comm);
  const double R = static_cast<double>(opt.replicas);
  auto stats = [&](int block, std::vector<double>& mean, std::vector<double>& sem) {
    mean.assign(La, 0.0);
    sem.assign(La, 0.0);
    for (int i = 0; i < La; ++i) {
      const double m = tot[2 * (block * La + i)] / R;
      const double var =
          R > 1 ? std::max(0.0, (tot[2 * (block * La + i) + 1] / R - m * m) * R / (R - 1)) : 0.0;
      mean[i] = m;
      sem[i] = std::sqrt(var / R);
    }
  };
  GradientLatticeResult res;
  stats(0, res.theta, res.theta_sem);
  res.snapshots.resize(ns);
  res.snapshots_sem.resize(ns);
  for (int k = 0; k < ns; ++k) stats(1 + k, res.snapshots[k], res.snapshots_sem[k]);
  const double a = spec.cell[0][0];
  for (int i = 0; i < La; ++i) {
    res.x.push_back((i + 0.5) * a);
    res.T.push_back(T.T({res.x.back(), 0.0, 0.0}));
  }
  res.particles = np;
  res.events = counts[0];
  res.candidates = counts[1];
  return res;
}

}  // namespace td
