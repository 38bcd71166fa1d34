#include "stochastic/Walkers.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "models/adatom_K.h"
#include "stochastic/ChunkedSum.h"
#include "stochastic/Random.h"

namespace td {

int HopLattice::neighbour(int s, int h) const {
  const int ax = h / 2, step = (h % 2 == 0) ? 1 : -1;
  std::array<int, 2> ij{s % n[0], s / n[0]};
  ij[ax] += step;
  if (ij[ax] < 0 || ij[ax] >= n[ax]) {
    if (!periodic[ax]) return -1;
    ij[ax] = (ij[ax] + n[ax]) % n[ax];
  }
  return ij[0] + n[0] * ij[1];
}

int HopLattice::nearest(const Point& x) const {
  std::array<int, 2> ij{0, 0};
  for (int ax = 0; ax < dim; ++ax)
    ij[ax] = std::clamp(static_cast<int>(std::floor((x[ax] - origin[ax]) / a)), 0, n[ax] - 1);
  return ij[0] + n[0] * ij[1];
}

HopLattice hop_geometry(int dim, std::array<int, 2> n, std::array<bool, 2> periodic, double a,
                        std::array<double, 2> origin) {
  HopLattice lat;
  lat.dim = dim;
  lat.n = {n[0], dim > 1 ? n[1] : 1};
  lat.periodic = periodic;
  lat.a = a;
  lat.origin = origin;
  lat.rate.assign(static_cast<std::size_t>(lat.sites()) * lat.hops_per_site(), 0.0);
  return lat;
}

void set_adatom_rates(HopLattice& lat, const AdatomRates& m, const TemperatureField* T) {
  const int z = lat.hops_per_site();
  for (int s = 0; s < lat.sites(); ++s) {
    const Point x = lat.position(s);
    for (int h = 0; h < z; ++h) {
      if (lat.neighbour(s, h) < 0) {
        lat.rate[s * z + h] = 0.0;
        continue;
      }
      Point saddle = x;
      saddle[h / 2] += (h % 2 == 0 ? 0.5 : -0.5) * lat.a;
      // A periodic lattice's saddle across the boundary: T is periodic there (checked).
      lat.rate[s * z + h] = m.hop_rate(x, saddle, T);
    }
  }
}

namespace {

/// Per-site tables of the n-fold way: 1/total rate and cumulative hop probabilities.
struct SiteTables {
  std::vector<double> inv_total, cum;
  std::vector<int> next;  // target site per hop
};

SiteTables tables(const HopLattice& lat) {
  const int z = lat.hops_per_site();
  SiteTables t;
  t.inv_total.resize(lat.sites());
  t.cum.resize(lat.rate.size());
  t.next.resize(lat.rate.size());
  for (int s = 0; s < lat.sites(); ++s) {
    double R = 0.0;
    for (int h = 0; h < z; ++h) R += lat.rate[s * z + h];
    t.inv_total[s] = R > 0 ? 1.0 / R : std::numeric_limits<double>::infinity();
    double c = 0.0;
    for (int h = 0; h < z; ++h) {
      c += lat.rate[s * z + h];
      t.cum[s * z + h] = R > 0 ? c / R : 1.0;
      t.next[s * z + h] = lat.neighbour(s, h);
    }
    t.cum[s * z + z - 1] = 2.0;  // round-off never falls off the end
  }
  return t;
}

}  // namespace

WalkerStatistics run_walkers(MPI_Comm comm, const HopLattice& lat, const WalkerOptions& opt,
                             Progress* progress) {
  if (opt.walkers < 1 || opt.samples < 1 || !(opt.t_end > 0))
    throw Error("run_walkers: need walkers >= 1, samples >= 1, t_end > 0");
  const int dim = lat.dim, z = lat.hops_per_site(), ns = opt.samples + 1;
  const SiteTables tab = tables(lat);
  // Row per chunk: for each sample, per axis sum d and sum d^2, then sum (r^2)^2.
  const int per = 2 * dim + 1;
  stochastic::ChunkedSum sums(comm, opt.walkers, ns * per);
  const long ntraj = std::min<long>(opt.trajectories, opt.walkers);
  std::vector<double> traj(static_cast<std::size_t>(ntraj) * ns * dim, 0.0);
  std::vector<long long> hist(lat.sites(), 0);
  long long hops = 0;
  std::vector<double> tk(ns);
  for (int k = 0; k < ns; ++k) tk[k] = opt.t_end * k / opt.samples;

  long done = 0;
  sums.for_owned([&](long c) {
    auto row = sums.row(c);
    for (long w = sums.first(c); w < sums.last(c); ++w) {
      stochastic::Stream rng(opt.seed, static_cast<std::uint64_t>(w));
      int s = opt.uniform_start
                  ? std::min(lat.sites() - 1, static_cast<int>(rng.uniform() * lat.sites()))
                  : opt.start_site;
      const Point x0 = lat.position(s);
      std::array<long, 2> d{0, 0};  // displacement in lattice steps (unwrapped)
      double t = 0.0;
      int k = 0;
      auto record = [&](int kk) {
        double* r = row.data() + kk * per;
        double r2 = 0.0;
        for (int ax = 0; ax < dim; ++ax) {
          const double dx = lat.a * static_cast<double>(d[ax]);
          r[2 * ax] += dx;
          r[2 * ax + 1] += dx * dx;
          r2 += dx * dx;
          if (w < ntraj) traj[(static_cast<std::size_t>(w) * ns + kk) * dim + ax] = x0[ax] + dx;
        }
        r[2 * dim] += r2 * r2;
      };
      for (;;) {
        const double tn = t - std::log(rng.uniform()) * tab.inv_total[s];
        while (k < ns && tk[k] <= tn) record(k++);
        if (k == ns) break;
        t = tn;
        const double u = rng.uniform();
        int h = 0;
        while (u >= tab.cum[s * z + h]) ++h;
        s = tab.next[s * z + h];
        d[h / 2] += (h % 2 == 0) ? 1 : -1;
        ++hops;
      }
      ++hist[s];
      sums.report(progress, ++done, "walker");
    }
  });

  const std::vector<double> tot = sums.reduce();
  MPI_Allreduce(MPI_IN_PLACE, hist.data(), static_cast<int>(hist.size()), MPI_LONG_LONG, MPI_SUM,
                comm);
  MPI_Allreduce(MPI_IN_PLACE, traj.data(), static_cast<int>(traj.size()), MPI_DOUBLE, MPI_SUM,
                comm);
  MPI_Allreduce(MPI_IN_PLACE, &hops, 1, MPI_LONG_LONG, MPI_SUM, comm);

  WalkerStatistics st;
  st.dim = dim;
  st.walkers = opt.walkers;
  st.time = tk;
  st.histogram = std::move(hist);
  st.trajectories = std::move(traj);
  st.hops = hops;
  const double N = static_cast<double>(opt.walkers);
  const Point x0 = lat.position(opt.start_site);
  for (int k = 0; k < ns; ++k) {
    const double* r = tot.data() + k * per;
    std::array<double, 2> m{0, 0}, e{0, 0};
    double msd = 0.0;
    for (int ax = 0; ax < dim; ++ax) {
      const double mean = r[2 * ax] / N;
      const double var =
          N > 1 ? std::max(0.0, (r[2 * ax + 1] / N - mean * mean) * N / (N - 1)) : 0.0;
      // Uniform starts: positions are reported as displacements (origin of each walker = 0).
      m[ax] = (opt.uniform_start ? 0.0 : x0[ax]) + mean;
      e[ax] = std::sqrt(var / N);
      msd += r[2 * ax + 1] / N;
    }
    const double var4 = N > 1 ? std::max(0.0, (r[2 * dim] / N - msd * msd) * N / (N - 1)) : 0.0;
    st.mean.push_back(m);
    st.sem.push_back(e);
    st.msd.push_back(msd);
    st.msd_sem.push_back(std::sqrt(var4 / N));
  }
  return st;
}

}  // namespace td
