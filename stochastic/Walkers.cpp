#include "stochastic/Walkers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Limits.h"
#include "models/adatom_K.h"
#include "stochastic/ChunkedSum.h"
#include "stochastic/Random.h"

namespace td {

namespace {
using K = units::Kind;
using PT = ParamSpec::Type;
const ParamSpec kType{"type", PT::String,      "\"square\"", K::dimensionless,         Range::any(),
                      {},     "site geometry", {},           &HopLatticeFactory::names};
const ParamSpec kSites{"sites",
                       PT::RealArray,
                       "",
                       K::dimensionless,
                       Range::at_least(1),
                       {},
                       "sites per axis ([nx] or [nx, ny]; fcc111: fcc sites per row, rows)"};
const ParamSpec kOrigin{"origin",
                        PT::RealArray,
                        "[0.0, 0.0]",
                        K::length,
                        Range::any(),
                        {},
                        "lower corner of the lattice's domain"};
const ParamSpec kPerX{"periodic_x",
                      PT::Bool,
                      "false",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "periodic along x (else reflecting walls)"};
const ParamSpec kPerY{"periodic_y",
                      PT::Bool,
                      "false",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "periodic along y (else reflecting walls)"};
const HopLatticeFactory::Family kLatticeKeys(
    "lattice", kType, "kmc",
    "The lattice of adatom sites (`thermodrift kmc`), with a the `lattice_spacing` of "
    "`[adatom]`, reflecting walls or periodic per axis; the `[temperature]` field lives on a "
    "mesh over the lattice's domain. `type` selects the geometry.",
    {&kSites, &kOrigin, &kPerX, &kPerY});

/// Largest lattice extent along one axis (sites).
constexpr double kMaxSitesPerAxis = 1e8;
/// Memory per hop slot (rate, cumulative probability, target, displacement, bytes) and per
/// site (position, energy, histogram, 1/total rate).
constexpr double kBytesPerHop = 40.0, kBytesPerSite = 56.0;
}  // namespace

const ParamSpec& lattice_sites_param() { return kSites; }
const ParamSpec& lattice_origin_param() { return kOrigin; }
const ParamSpec& lattice_periodic_param(int axis) { return axis == 0 ? kPerX : kPerY; }

std::unique_ptr<HopLattice> make_hop_lattice(InputSection& s, double spacing) {
  return HopLatticeFactory::find(s.string(kType))->create(s, spacing);
}

std::array<int, 2> read_lattice_extent(InputSection& s, HopLattice& lat, int dim,
                                       int sites_per_entry, int hops) {
  const auto n = s.reals(kSites);
  if (static_cast<int>(n.size()) != dim)
    s.fail("sites", fmt::format("{} entries for a {}D lattice", n.size(), dim));
  std::array<int, 2> ni{1, 1};
  double sites = sites_per_entry;
  for (int a = 0; a < dim; ++a) {
    if (n[a] != std::floor(n[a]) || n[a] < 1 || n[a] > kMaxSitesPerAxis)
      s.fail("sites", fmt::format("sites must be whole numbers in [1, {:g}] (got {:g})",
                                  kMaxSitesPerAxis, n[a]));
    ni[a] = static_cast<int>(n[a]);
    sites *= n[a];
  }
  if (sites > std::numeric_limits<int>::max())
    s.fail("sites", fmt::format("{:g} sites exceed the 32-bit site index", sites));
  limits::check_memory(s.location("sites"), sites, hops * kBytesPerHop + kBytesPerSite,
                       "lattice sites");
  const auto o = s.reals(kOrigin);
  if (o.size() < static_cast<std::size_t>(dim))
    s.fail("origin", fmt::format("{} entries for a {}D lattice", o.size(), dim));
  lat.dim = dim;
  lat.origin = {o[0], dim > 1 ? o[1] : 0.0};
  lat.periodic = {s.boolean(kPerX), s.boolean(kPerY)};
  return ni;
}

void HopLattice::allocate(int sites, int hops) {
  z = hops;
  const auto slots = static_cast<std::size_t>(sites) * hops;
  site.assign(sites, Point{0, 0, 0});
  energy.assign(sites, 0.0);
  target.assign(slots, -1);
  step.assign(slots, {0.0, 0.0});
  rate.assign(slots, 0.0);
}

Point HopLattice::saddle(int s, int h) const {
  Point x = site[s];
  const auto& d = step[static_cast<std::size_t>(s) * z + h];
  x[0] += 0.5 * d[0];
  x[1] += 0.5 * d[1];
  return x;
}

int HopLattice::nearest(const Point& x) const {
  int best = 0;
  double dbest = std::numeric_limits<double>::infinity();
  for (int s = 0; s < sites(); ++s) {
    double d = 0.0;
    for (int ax = 0; ax < dim; ++ax) d += (site[s][ax] - x[ax]) * (site[s][ax] - x[ax]);
    if (d < dbest) {
      dbest = d;
      best = s;
    }
  }
  return best;
}

double HopLattice::x_spacing() const {
  double sum = 0.0;
  for (int h = 0; h < z; ++h) sum += step[h][0] * step[h][0];
  return std::sqrt(0.5 * sum);
}

void set_adatom_rates(HopLattice& lat, const AdatomRates& m, const TemperatureField* T) {
  const int z = lat.hops_per_site();
  for (int s = 0; s < lat.sites(); ++s)
    for (int h = 0; h < z; ++h)
      // A periodic lattice's saddle across the boundary: T is periodic there (checked).
      lat.rate[static_cast<std::size_t>(s) * z + h] =
          lat.neighbour(s, h) < 0
              ? 0.0
              : m.site_hop_rate(lat.position(s), lat.saddle(s, h), T, lat.energy[s]);
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
      std::array<double, 2> d{0.0, 0.0};  // displacement (length, unwrapped)
      double t = 0.0;
      int k = 0;
      auto record = [&](int kk) {
        double* r = row.data() + kk * per;
        double r2 = 0.0;
        for (int ax = 0; ax < dim; ++ax) {
          const double dx = d[ax];
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
        const auto& step = lat.step[static_cast<std::size_t>(s) * z + h];
        d[0] += step[0];
        d[1] += step[1];
        s = tab.next[s * z + h];
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
