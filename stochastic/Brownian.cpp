#include "stochastic/Brownian.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "models/brownian_K.h"
#include "stochastic/ChunkedSum.h"
#include "stochastic/Random.h"

namespace td {

namespace {

/// Fine tables of D_i, dD_i/dx and the transition rates along x (linear interpolation). The
/// rate constants come from ReactionNetwork::constants, the function the finite-volume
/// reaction terms call.
struct Tables {
  double lo = 0, h = 1;
  int m = 0, ns = 1, nr = 0;
  std::vector<double> D, Dx, kf, kr;  // [point][state], [point][reaction]
  double at(const std::vector<double>& v, int width, int j, double x) const {
    const double s = std::clamp((x - lo) / h, 0.0, static_cast<double>(m - 1) - 1e-9);
    const int i = static_cast<int>(s);
    const double w = s - i;
    return (1 - w) * v[i * width + j] + w * v[(i + 1) * width + j];
  }
};

Tables tabulate(const BrownianCase& c, double lo, double hi) {
  Tables t;
  t.m = 8193;
  t.lo = lo;
  t.h = (hi - lo) / (t.m - 1);
  t.ns = c.states.size();
  t.nr = static_cast<int>(c.transitions.size());
  const double e = 0.25 * t.h;
  // Rate constants from the reaction network, as the finite-volume reaction terms take them.
  const ReactionNetwork net(c.states.names, c.transitions);
  std::vector<double> kfkr(2 * static_cast<std::size_t>(t.nr));
  for (int i = 0; i < t.m; ++i) {
    const double x = lo + i * t.h;
    const double Tx = c.T->T({x, 0, 0});
    const double dTdx = (c.T->T({x + e, 0, 0}) - c.T->T({x - e, 0, 0})) / (2 * e);
    for (int s = 0; s < t.ns; ++s) {
      t.D.push_back(c.states.D[s]->value(Tx));
      t.Dx.push_back(c.states.D[s]->derivative(Tx) * dTdx);
    }
    if (t.nr > 0) {
      net.constants(Tx, kfkr.data());
      for (int r = 0; r < t.nr; ++r) {
        t.kf.push_back(kfkr[2 * r]);
        t.kr.push_back(kfkr[2 * r + 1]);
      }
    }
  }
  return t;
}

}  // namespace

BrownianStatistics run_brownian(MPI_Comm comm, const BrownianCase& c, Progress* progress) {
  const Axis& ax = c.mesh->axis(0);
  const double lo = ax.nodes.front(), hi = ax.nodes.back();
  const Tables tab = tabulate(c, lo, hi);
  const int ns = tab.ns, nb = ax.cells(), nsamp = c.samples + 1;
  const long nsteps = std::lround(std::ceil(c.t_end / c.dt - 1e-9));
  const long burn = std::lround(std::floor(c.t_burn / c.dt));
  const int hist_w = ns * nb;
  // Row: per (state, bin) sum f and f^2; per bin the same for the total over states; per
  // sample sum x and x^2.
  const int xs = 2 * hist_w + 2 * nb;
  stochastic::ChunkedSum sums(comm, c.walkers, xs + 2 * nsamp);
  std::vector<long> sample_step(nsamp);
  for (int k = 0; k < nsamp; ++k)
    sample_step[k] = std::lround(static_cast<double>(nsteps) * k / c.samples);
  long long steps = 0;
  std::vector<double> occ(hist_w);
  std::vector<double> pi(ns);
  std::vector<std::pair<double, int>> channels;

  long done = 0;
  sums.for_owned([&](long ch) {
    auto row = sums.row(ch);
    for (long w = sums.first(ch); w < sums.last(ch); ++w) {
      stochastic::Stream rng(c.seed, static_cast<std::uint64_t>(w));
      double x = c.uniform_start ? lo + (hi - lo) * rng.uniform() : c.start;
      int s = 0;
      if (ns > 1) {  // start in local equilibrium of the internal states
        pi = c.states.populations(c.T->T({x, 0, 0}));
        double u = rng.uniform();
        while (s < ns - 1 && u >= pi[s]) u -= pi[s++];
      }
      std::fill(occ.begin(), occ.end(), 0.0);
      int k = 0;
      for (long n = 0;; ++n) {
        while (k < nsamp && sample_step[k] == n) {
          row[xs + 2 * k] += x;
          row[xs + 2 * k + 1] += x * x;
          ++k;
        }
        if (n >= burn && n < nsteps) {
          const auto it = std::upper_bound(ax.nodes.begin(), ax.nodes.end(), x);
          const int b = std::clamp(static_cast<int>(it - ax.nodes.begin()) - 1, 0, nb - 1);
          occ[s * nb + b] += 1.0;
        }
        if (n == nsteps) break;
        const double D = tab.at(tab.D, ns, s, x), Dx = tab.at(tab.Dx, ns, s, x);
        x = kernels::bd_step(x, D, kernels::bd_drift(c.alpha, Dx), c.dt, rng.normal());
        x = ax.periodic ? kernels::wrap(x, lo, hi) : kernels::reflect(x, lo, hi);
        // A non-finite position would index the tables and the histogram with garbage.
        if (!std::isfinite(x))
          throw SolverError(
              fmt::format("Brownian dynamics: walker {} has a non-finite position "
                          "at step {} (t = {:g}) in state {} (D = {:g}, dD/dx = "
                          "{:g})",
                          w, n + 1, (n + 1) * c.dt, s, D, Dx));
        if (tab.nr > 0) {
          // the escape channels of the current state: (rate, target state)
          double kout = 0.0;
          channels.clear();
          for (int r = 0; r < tab.nr; ++r) {
            const Reaction& rx = c.transitions[r];
            if (rx.reactants[0].species == s)
              channels.emplace_back(tab.at(tab.kf, tab.nr, r, x), rx.products[0].species);
            if (rx.products[0].species == s)
              channels.emplace_back(tab.at(tab.kr, tab.nr, r, x), rx.reactants[0].species);
          }
          for (const auto& ch : channels) kout += ch.first;
          if (rng.uniform() < kernels::switch_probability(kout, c.dt)) {
            double u = rng.uniform() * kout;
            for (const auto& [rate, target] : channels) {
              u -= rate;
              if (u < 0) {
                s = target;
                break;
              }
            }
          }
        }
        ++steps;
      }
      const double cnt = static_cast<double>(nsteps - burn);
      for (int j = 0; j < hist_w; ++j) {
        const double f = occ[j] / cnt;
        row[2 * j] += f;
        row[2 * j + 1] += f * f;
      }
      for (int b = 0; b < nb; ++b) {
        double f = 0.0;
        for (int j = 0; j < ns; ++j) f += occ[j * nb + b] / cnt;
        row[2 * hist_w + 2 * b] += f;
        row[2 * hist_w + 2 * b + 1] += f * f;
      }
      sums.report(progress, ++done, "particle");
    }
  });
  const std::vector<double> tot = sums.reduce();
  MPI_Allreduce(MPI_IN_PLACE, &steps, 1, MPI_LONG_LONG, MPI_SUM, comm);

  BrownianStatistics st;
  st.edges = ax.nodes;
  st.steps = steps;
  const double N = static_cast<double>(c.walkers);
  auto mean_sem = [&](double s1, double s2) {
    const double m = s1 / N;
    const double var = N > 1 ? std::max(0.0, (s2 / N - m * m) * N / (N - 1)) : 0.0;
    return std::pair{m, std::sqrt(var / N)};
  };
  st.density.assign(ns, std::vector<double>(nb));
  st.density_sem = st.density;
  st.total.assign(nb, 0.0);
  st.total_sem.assign(nb, 0.0);
  for (int b = 0; b < nb; ++b) {
    const double wdt = ax.width(b);
    for (int s = 0; s < ns; ++s) {
      const auto [m, e] = mean_sem(tot[2 * (s * nb + b)], tot[2 * (s * nb + b) + 1]);
      st.density[s][b] = m / wdt;
      st.density_sem[s][b] = e / wdt;
    }
    const auto [m, e] = mean_sem(tot[2 * hist_w + 2 * b], tot[2 * hist_w + 2 * b + 1]);
    st.total[b] = m / wdt;
    st.total_sem[b] = e / wdt;
  }
  for (int k = 0; k < nsamp; ++k) {
    const auto [m, e] = mean_sem(tot[xs + 2 * k], tot[xs + 2 * k + 1]);
    // the time the walkers reached: a whole number of steps, t_end rounded up to one
    st.time.push_back(static_cast<double>(sample_step[k]) * c.dt);
    st.mean_x.push_back(m);
    st.mean_x_sem.push_back(e);
  }
  return st;
}

std::vector<double> zero_flux_density(const BrownianCase& c, int per_bin) {
  if (c.states.size() != 1) return {};
  const Axis& ax = c.mesh->axis(0);
  std::vector<double> p(ax.cells(), 0.0);
  double total = 0.0;
  for (int b = 0; b < ax.cells(); ++b) {
    const double h = ax.width(b) / per_bin;
    for (int m = 0; m < per_bin; ++m) {
      const double x = ax.nodes[b] + (m + 0.5) * h;
      p[b] += std::pow(c.states.D[0]->value(c.T->T({x, 0, 0})), -c.alpha) * h;
    }
    total += p[b];
    p[b] /= ax.width(b);
  }
  for (double& v : p) v /= total;
  return p;
}

}  // namespace td
