#include "solver/bd/Brownian.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/brownian_K.h"
#include "solver/Case.h"
#include "solver/stochastic/ChunkedSum.h"
#include "solver/stochastic/Random.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kAlpha{"alpha",
                       T::Real,
                       "1.0",
                       K::dimensionless,
                       Range::closed(0.0, 1.0),
                       {},
                       "convention: 1 Ito (p ~ 1/D), 0 anti-Ito/Haenggi (flat), 0.5 Stratonovich"};
const ParamSpec kWalkers{"walkers",
                         T::Integer,
                         "1000",
                         K::dimensionless,
                         Range::at_least(1),
                         {},
                         "independent particles"};
const ParamSpec kSeed{"seed",
                      T::Integer,
                      "1",
                      K::dimensionless,
                      Range::at_least(0),
                      {},
                      "Philox key (with the walker id)"};
const ParamSpec kDt{"dt", T::Real, "", K::time, Range::positive(), {}, "Euler-Maruyama step"};
const ParamSpec kTend{"t_end", T::Real, "", K::time, Range::positive(), {}, "simulated time"};
const ParamSpec kTburn{"t_burn",
                       T::Real,
                       "0.0",
                       K::time,
                       Range::non_negative(),
                       {},
                       "histograms average over [t_burn, t_end]"};
const ParamSpec kSamples{"samples",
                         T::Integer,
                         "20",
                         K::dimensionless,
                         Range::at_least(1),
                         {},
                         "sample intervals of the mean position"};
const ParamSpec kStart{"start",
                       T::String,
                       "\"uniform\"",
                       K::dimensionless,
                       Range::any(),
                       {"uniform", "point"},
                       "uniform over the domain or at start_position"};
const ParamSpec kStartPos{"start_position", T::Real, "0.0",        K::length,
                          Range::any(),     {},      "start point"};
const ParamSpec kOutput{"output",
                        T::String,
                        "\"\"",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "result file (.h5); empty: none"};

/// Fine tables of D_i, dD_i/dx and the transition rates along x (linear interpolation).
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
  for (int i = 0; i < t.m; ++i) {
    const double x = lo + i * t.h;
    const double Tx = c.T->T({x, 0, 0});
    const double dTdx = (c.T->T({x + e, 0, 0}) - c.T->T({x - e, 0, 0})) / (2 * e);
    for (int s = 0; s < t.ns; ++s) {
      t.D.push_back(c.states.D[s]->value(Tx));
      t.Dx.push_back(c.states.D[s]->derivative(Tx) * dTdx);
    }
    for (const Reaction& r : c.transitions) {
      const double kf = r.kf->value(Tx);
      t.kf.push_back(kf);
      t.kr.push_back(kf / r.K(Tx));
    }
  }
  return t;
}

std::unique_ptr<BrownianCase> build(MPI_Comm comm, InputSection root) {
  auto c = std::make_unique<BrownianCase>();
  c->units = read_units(root);
  {
    InputSection m = root.section("mesh");
    c->mesh = Mesh::from_input(comm, m, 1);
    if (c->mesh->dim() != 1) m.fail("dim", "Brownian dynamics runs in 1D (dim = 1)");
  }
  {
    InputSection s = root.section("temperature");
    c->T = make_temperature_field(s, *c->mesh);
  }
  const auto [Tlo, Thi] = temperature_range(*c->mesh, *c->T);
  {
    InputSection p = root.section("particle");
    c->alpha = p.real(kAlpha);
    c->states = read_states(p, "particle", c->units.kB());
    if (c->states.size() == 0) {
      InputSection d = p.section("diffusivity");
      c->states.species = "particle";
      c->states.names = {"particle"};
      c->states.H = {0.0};
      c->states.S = {0.0};
      c->states.D = {make_temperature_law(d, K::diffusivity)};
      c->states.S_T = {constant_law(0.0)};
    }
    c->transitions = read_transitions(p, c->states, 0, Tlo, Thi);
    p.finish();
  }
  {
    InputSection s = root.section("bd");
    c->walkers = s.integer(kWalkers);
    c->seed = static_cast<std::uint64_t>(s.integer(kSeed));
    c->dt = s.real(kDt);
    c->t_end = s.real(kTend);
    c->t_burn = s.real(kTburn);
    if (!(c->t_burn < c->t_end))
      s.fail("t_burn", fmt::format("t_burn = {} must be below t_end = {}", c->t_burn, c->t_end));
    if (c->dt > 0.1 * c->t_end) s.fail("dt", fmt::format("dt = {} exceeds t_end/10", c->dt));
    c->samples = static_cast<int>(s.integer(kSamples));
    c->uniform_start = s.string(kStart) == "uniform";
    c->start = s.real(kStartPos);
    const Axis& ax = c->mesh->axis(0);
    if (!c->uniform_start && (c->start < ax.nodes.front() || c->start > ax.nodes.back()))
      s.fail("start_position", fmt::format("{} lies outside the domain [{}, {}]", c->start,
                                           ax.nodes.front(), ax.nodes.back()));
    c->output = s.string(kOutput);
    s.finish();
  }
  root.finish();
  c->config = root.resolved().to_toml();
  return c;
}

}  // namespace

std::unique_ptr<BrownianCase> BrownianCase::load(MPI_Comm comm, const std::string& path) {
  return build(comm, InputSection::parse_file(path));
}
std::unique_ptr<BrownianCase> BrownianCase::from_string(MPI_Comm comm, const std::string& text,
                                                        const std::string& name) {
  return build(comm, InputSection::parse_string(text, name));
}

BrownianStatistics run_brownian(MPI_Comm comm, const BrownianCase& c) {
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
        if (tab.nr > 0) {
          // escape rates of the current state
          double kout = 0.0;
          for (int r = 0; r < tab.nr; ++r) {
            const Reaction& rx = c.transitions[r];
            if (rx.reactants[0].species == s) kout += tab.at(tab.kf, tab.nr, r, x);
            if (rx.products[0].species == s) kout += tab.at(tab.kr, tab.nr, r, x);
          }
          if (rng.uniform() < kernels::switch_probability(kout, c.dt)) {
            double u = rng.uniform() * kout;
            for (int r = 0; r < tab.nr; ++r) {
              const Reaction& rx = c.transitions[r];
              if (rx.reactants[0].species == s) {
                u -= tab.at(tab.kf, tab.nr, r, x);
                if (u < 0) {
                  s = rx.products[0].species;
                  break;
                }
              }
              if (rx.products[0].species == s) {
                u -= tab.at(tab.kr, tab.nr, r, x);
                if (u < 0) {
                  s = rx.reactants[0].species;
                  break;
                }
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
    st.time.push_back(c.t_end * k / c.samples);
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
