#include "solver/kmc/LatticeGasKmc.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "solver/stochastic/ChunkedSum.h"

namespace td {

LatticeGasKmc::LatticeGasKmc(const LatticeSpec& spec, int La, int Lb, double T) {
  const int s = spec.size();
  const long n = static_cast<long>(La) * Lb * s;
  // one rate class per distinct bond rate
  std::vector<std::uint16_t> bond_class(spec.bonds.size());
  for (std::size_t b = 0; b < spec.bonds.size(); ++b) {
    const double r = spec.rate(static_cast<int>(b), T);
    const auto it = std::find(class_rate_.begin(), class_rate_.end(), r);
    bond_class[b] = static_cast<std::uint16_t>(it - class_rate_.begin());
    if (it == class_rate_.end()) class_rate_.push_back(r);
  }
  first_.reserve(n + 1);
  for (int cb = 0; cb < Lb; ++cb)
    for (int ca = 0; ca < La; ++ca)
      for (int a = 0; a < s; ++a) {
        first_.push_back(static_cast<int>(target_.size()));
        for (std::size_t b = 0; b < spec.bonds.size(); ++b) {
          const auto& bd = spec.bonds[b];
          if (bd.from != a) continue;
          const int ta = ((ca + bd.offset[0]) % La + La) % La;
          const int tb = ((cb + bd.offset[1]) % Lb + Lb) % Lb;
          source_.push_back((cb * La + ca) * s + a);
          target_.push_back((tb * La + ta) * s + bd.to);
          class_.push_back(bond_class[b]);
          disp_.push_back(bd.displacement);
        }
      }
  first_.push_back(static_cast<int>(target_.size()));
  occ_.assign(n, -1);
}

void LatticeGasKmc::fill(long n, stochastic::Stream& rng) {
  if (n > sites()) throw Error("lattice gas: more particles than sites");
  std::fill(occ_.begin(), occ_.end(), -1);
  site_.clear();
  d_.assign(n, {0.0, 0.0});
  X_ = {0, 0};
  // partial Fisher-Yates over the site indices
  std::vector<int> idx(sites());
  for (int i = 0; i < sites(); ++i) idx[i] = i;
  for (long p = 0; p < n; ++p) {
    const long j = p + static_cast<long>(rng.uniform() * static_cast<double>(sites() - p));
    std::swap(idx[p], idx[std::min<long>(j, sites() - 1)]);
    site_.push_back(idx[p]);
    occ_[idx[p]] = static_cast<int>(p);
  }
  hops_.reset(class_rate_, class_);
  for (int i : site_) occupy(i);
}

void LatticeGasKmc::occupy(int site) {
  for (int k = first_[site]; k < first_[site + 1]; ++k) {
    const int m = target_[k];
    if (occ_[m] < 0) {
      hops_.insert(k);
      continue;
    }
    for (int q = first_[m]; q < first_[m + 1]; ++q)
      if (target_[q] == site) hops_.remove(q);
  }
}

void LatticeGasKmc::vacate(int site) {
  for (int k = first_[site]; k < first_[site + 1]; ++k) {
    hops_.remove(k);
    const int m = target_[k];
    if (occ_[m] < 0) continue;
    for (int q = first_[m]; q < first_[m + 1]; ++q)
      if (target_[q] == site) hops_.insert(q);
  }
}

void LatticeGasKmc::advance_to(double t, stochastic::Stream& rng) {
  for (;;) {
    const double R = hops_.total();
    if (!(R > 0)) {
      t_ = t;
      return;
    }
    const double tn = t_ - std::log(rng.uniform()) / R;
    if (tn > t) {
      t_ = t;  // memoryless: the pending hop is redrawn from t
      return;
    }
    t_ = tn;
    const auto k = static_cast<int>(hops_.select(rng.uniform()));
    const int j = target_[k];
    const int i = source_[k];
    const int p = occ_[i];
    occ_[i] = -1;
    occ_[j] = p;
    site_[p] = j;
    vacate(i);
    occupy(j);
    d_[p][0] += disp_[k][0];
    d_[p][1] += disp_[k][1];
    X_[0] += disp_[k][0];
    X_[1] += disp_[k][1];
    ++events_;
  }
}

void LatticeGasKmc::reset_displacements() {
  for (auto& d : d_) d = {0.0, 0.0};
  X_ = {0, 0};
}

std::array<double, 3> LatticeGasKmc::tracer_sum() const {
  std::array<double, 3> s{0, 0, 0};
  for (const auto& d : d_) {
    s[0] += d[0] * d[0];
    s[1] += d[0] * d[1];
    s[2] += d[1] * d[1];
  }
  return s;
}

LatticeGasResult run_lattice_gas(MPI_Comm comm, const LatticeSpec& spec,
                                 const LatticeGasOptions& opt) {
  const long cells = static_cast<long>(opt.cells[0]) * opt.cells[1];
  const long np = std::lround(opt.theta * static_cast<double>(cells * spec.size()));
  if (np < 1) throw Error("lattice gas: coverage gives no particle on the supercell");
  // Row per replica: estimates of D* (xx, xy, yy) and of sum D_c (xx, xy, yy), and squares.
  stochastic::ChunkedSum sums(comm, opt.replicas, 12, 1);
  long long events = 0;
  sums.for_owned([&](long c) {
    auto row = sums.row(c);
    for (long r = sums.first(c); r < sums.last(c); ++r) {
      stochastic::Stream rng(opt.seed, static_cast<std::uint64_t>(r));
      LatticeGasKmc g(spec, opt.cells[0], opt.cells[1], opt.T);
      g.fill(np, rng);
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
      }
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
