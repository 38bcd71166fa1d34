#include "stochastic/LatticeGasKmc.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "models/LatticeGasVariational.h"
#include "stochastic/ChunkedSum.h"

namespace td {

LatticeGasKmc::LatticeGasKmc(const LatticeSpec& spec, int La, int Lb, double T)
    : La_(La), Lb_(Lb), s_(spec.size()) {
  out_.assign(s_, {});
  in_.assign(s_, {});
  for (std::size_t b = 0; b < spec.bonds.size(); ++b) {
    const LatticeBond& bd = spec.bonds[b];
    const double r = spec.rate(static_cast<int>(b), T);
    // a particle on `from` hops to `to` in cell +offset; a hole on `to` is filled from `from`
    // in cell -offset
    out_[bd.from].push_back({bd.offset[0], bd.offset[1], bd.to, bd.displacement, r});
    in_[bd.to].push_back({-bd.offset[0], -bd.offset[1], bd.from, bd.displacement, r});
  }
  occ_.assign(static_cast<std::size_t>(La) * Lb * s_, 0);
}

int LatticeGasKmc::partner(int site, const Move& m) const {
  const int cell = site / s_;
  int ca = cell % La_ + m.da, cb = cell / La_ + m.db;
  if (ca < 0 || ca >= La_) ca = (ca % La_ + La_) % La_;
  if (cb < 0 || cb >= Lb_) cb = (cb % Lb_ + Lb_) % Lb_;
  return (cb * La_ + ca) * s_ + m.to;
}

void LatticeGasKmc::fill(long n, stochastic::Stream& rng, Carriers carriers) {
  if (n > sites()) throw Error("lattice gas: more particles than sites");
  std::fill(occ_.begin(), occ_.end(), 0);
  d_.assign(sites(), {0.0, 0.0});
  X_ = {0, 0};
  particles_ = n;
  // partial Fisher-Yates over the site indices
  std::vector<int> idx(sites());
  for (int i = 0; i < sites(); ++i) idx[i] = i;
  for (long p = 0; p < n; ++p) {
    const long j = p + static_cast<long>(rng.uniform() * static_cast<double>(sites() - p));
    std::swap(idx[p], idx[std::min<long>(j, sites() - 1)]);
    occ_[idx[p]] = 1;
  }
  holes_ = carriers == Carriers::automatic ? 2 * n > sites() : carriers == Carriers::holes;
  moves_ = holes_ ? in_ : out_;
  cum_.assign(s_, {});
  rtot_.assign(s_, 0.0);
  for (int a = 0; a < s_; ++a)
    for (const Move& m : moves_[a]) cum_[a].push_back(rtot_[a] += m.rate);
  carriers_.assign(s_, {});
  for (int i = 0; i < sites(); ++i)
    if (occ_[i] != holes_) carriers_[i % s_].push_back(i);
}

void LatticeGasKmc::move_carrier(int a, std::size_t c, int to) {
  auto& la = carriers_[a];
  const int b = to % s_;
  if (a == b) {  // same sublattice: take its place in the list
    la[c] = to;
    return;
  }
  la[c] = la.back();
  la.pop_back();
  carriers_[b].push_back(to);
}

void LatticeGasKmc::advance_to(double t, stochastic::Stream& rng) {
  for (;;) {
    // candidate rate: every carrier with all the moves of its sublattice
    double R = 0.0;
    for (int a = 0; a < s_; ++a) R += rtot_[a] * static_cast<double>(carriers_[a].size());
    if (!(R > 0)) {
      t_ = t;
      return;
    }
    const double tn = t_ - std::log(rng.uniform()) / R;
    if (tn > t) {
      t_ = t;  // memoryless: the pending candidate is redrawn from t
      return;
    }
    t_ = tn;
    // the candidate: sublattice, carrier and move from one uniform number
    double x = rng.uniform() * R;
    int a = 0;
    for (; a < s_ - 1; ++a) {
      const double w = rtot_[a] * static_cast<double>(carriers_[a].size());
      if (x < w) break;
      x -= w;
    }
    const auto& list = carriers_[a];
    if (list.empty()) continue;  // round-off past the last non-empty sublattice
    const std::size_t c = std::min(list.size() - 1, static_cast<std::size_t>(x / rtot_[a]));
    x -= static_cast<double>(c) * rtot_[a];
    const auto& cum = cum_[a];
    std::size_t k = 0;
    while (k + 1 < cum.size() && x >= cum[k]) ++k;
    const Move& m = moves_[a][k];
    const int site = list[c];
    const int other = partner(site, m);
    if (occ_[other] != holes_) continue;  // blocked: a null event
    const int from = holes_ ? other : site, to = holes_ ? site : other;
    occ_[to] = 1;
    occ_[from] = 0;
    move_carrier(a, c, other);
    d_[to] = {d_[from][0] + m.disp[0], d_[from][1] + m.disp[1]};
    X_[0] += m.disp[0];
    X_[1] += m.disp[1];
    ++events_;
  }
}

void LatticeGasKmc::reset_displacements() {
  for (auto& d : d_) d = {0.0, 0.0};
  X_ = {0, 0};
}

std::array<double, 3> LatticeGasKmc::tracer_sum() const {
  std::array<double, 3> s{0, 0, 0};
  for (std::size_t i = 0; i < d_.size(); ++i) {
    if (!occ_[i]) continue;  // an empty site keeps the last displacement that left it
    const auto& d = d_[i];
    s[0] += d[0] * d[0];
    s[1] += d[0] * d[1];
    s[2] += d[1] * d[1];
  }
  return s;
}

LatticeGasResult run_lattice_gas(MPI_Comm comm, const LatticeSpec& spec,
                                 const LatticeGasOptions& opt, Progress* progress) {
  const long cells = static_cast<long>(opt.cells[0]) * opt.cells[1];
  const long np = std::lround(opt.theta * static_cast<double>(cells * spec.size()));
  if (np < 1) throw Error("lattice gas: coverage gives no particle on the supercell");
  // Row per replica: estimates of D* (xx, xy, yy) and of sum D_c (xx, xy, yy), and squares.
  stochastic::ChunkedSum sums(comm, opt.replicas, 12, 1);
  long long events = 0;
  long done = 0;  // replicas finished on this rank
  const long owned = sums.owned_items();
  sums.for_owned([&](long c) {
    auto row = sums.row(c);
    for (long r = sums.first(c); r < sums.last(c); ++r) {
      stochastic::Stream rng(opt.seed, static_cast<std::uint64_t>(r));
      LatticeGasKmc g(spec, opt.cells[0], opt.cells[1], opt.T);
      g.fill(np, rng, opt.carriers);
      g.advance_to(opt.t_burn, rng);
      g.reset_displacements();
      // Block estimates: each block of length tau restarts the displacements, so its
      // dX dX / (2 tau) is a nearly independent Green-Kubo estimate; the replica's estimate
      // is their mean, and the error comes from the spread over independent replicas.
      const double tau = opt.t_end / opt.blocks;
      double est[6] = {0, 0, 0, 0, 0, 0};
      for (int b = 0; b < opt.blocks; ++b) {
        g.reset_displacements();
        g.advance_to(opt.t_burn + (b + 1) * tau, rng);
        const auto tr = g.tracer_sum();
        const auto X = g.collective();
        const double w = 1.0 / (2.0 * tau * opt.blocks);
        est[0] += tr[0] * w / np;
        est[1] += tr[1] * w / np;
        est[2] += tr[2] * w / np;
        est[3] += X[0] * X[0] * w;
        est[4] += X[0] * X[1] * w;
        est[5] += X[1] * X[1] * w;
        if (progress)
          progress->update((done + (b + 1.0) / opt.blocks) / static_cast<double>(owned), [&] {
            return fmt::format("theta = {:g}: replica {} of {} on rank 0, block {} of {}",
                               opt.theta, done + 1, owned, b + 1, opt.blocks);
          });
      }
      ++done;
      for (int k = 0; k < 6; ++k) {
        row[2 * k] += est[k];
        row[2 * k + 1] += est[k] * est[k];
      }
      events += g.events();
    }
  });
  const auto tot = sums.reduce();
  MPI_Allreduce(MPI_IN_PLACE, &events, 1, MPI_LONG_LONG, MPI_SUM, comm);
  LatticeGasResult res;
  res.particles = np;
  res.events = events;
  const auto n = spec.occupancies(static_cast<double>(np) / (cells * spec.size()), opt.T);
  for (double v : n) res.chi += v * (1 - v);
  res.canonical_factor = canonical_green_kubo_factor(
      spec, static_cast<double>(np) / (cells * spec.size()), opt.T, cells);
  const double R = static_cast<double>(opt.replicas);
  double m[6], e[6];
  for (int k = 0; k < 6; ++k) {
    m[k] = tot[2 * k] / R;
    const double var =
        R > 1 ? std::max(0.0, (tot[2 * k + 1] / R - m[k] * m[k]) * R / (R - 1)) : 0.0;
    e[k] = std::sqrt(var / R);
  }
  const double norm = static_cast<double>(cells) * res.chi;
  res.tracer << m[0], m[1], m[1], m[2];
  res.tracer_sem << e[0], e[1], e[1], e[2];
  res.collective << m[3] / norm, m[4] / norm, m[4] / norm, m[5] / norm;
  res.collective_sem << e[3] / norm, e[4] / norm, e[4] / norm, e[5] / norm;
  return res;
}

}  // namespace td
