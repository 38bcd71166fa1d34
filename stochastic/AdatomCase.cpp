#include "stochastic/AdatomCase.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Limits.h"
#include "core/UnitsInput.h"
#include "models/adatom_K.h"
#include "stochastic/RunKeys.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kTraj{"trajectories",
                      T::Integer,
                      "10",
                      K::dimensionless,
                      Range::closed(0, 10000),
                      {},
                      "walkers whose sampled trajectories are written"};
const ParamSpec kFokkerPlanck{"fokker_planck",
                              T::Bool,
                              "true",
                              K::dimensionless,
                              Range::any(),
                              {},
                              "also solve the finite-volume Fokker-Planck transient from the "
                              "start site (written when no axis is periodic)"};
const KeyDeclaration kKmcKeys(
    {"kmc",
     "",
     "kmc",
     "Independent adatom walkers (exact KMC on the hop rates of `[adatom]`; Philox streams "
     "keyed by seed and walker id, so results do not depend on the number of ranks), sampled "
     "at `samples` + 1 times: mean position, MSD and their standard errors, and the sampled "
     "trajectories of the first `trajectories` walkers. With a point start, no periodic axis "
     "and the analytic rate model, the finite-volume Fokker-Planck transient of the same "
     "rates is solved beside it. The run keys are shared with `[bd]` and `[lattice_gas]`.",
     {&run_keys::walkers, &run_keys::seed, &run_keys::t_end, &run_keys::samples, &kTraj,
      &run_keys::start, &run_keys::start_position, &kFokkerPlanck}});

// Refuse a run that cannot finish: rates must be finite and >= 0 (an infinite rate stops the
// clock), and the hops of all walkers, at most walkers x t_end x the fastest site's escape
// rate, are bounded by limits::kMaxWork.
void check_work(const HopLattice& L, const WalkerOptions& w, const InputSection& s) {
  const int z = L.hops_per_site();
  double fastest = 0.0;
  for (int site = 0; site < L.sites(); ++site) {
    double R = 0.0;
    for (int h = 0; h < z; ++h) {
      const double r = L.rate[static_cast<std::size_t>(site) * z + h];
      if (!(std::isfinite(r) && r >= 0))
        throw SolverError(
            fmt::format("adatom hop rate {:g} from site {} (hop {}) is not finite "
                        "and >= 0: check [adatom] and [temperature]",
                        r, site, h));
      R += r;
    }
    fastest = std::max(fastest, R);
  }
  limits::check_steps(s.location("t_end"), static_cast<double>(w.walkers) * w.t_end * fastest,
                      "walkers x t_end x fastest escape rate (hops)", limits::kMaxWork);
  // Trajectories keep every sample of each traced walker.
  limits::check_memory(
      s.location("trajectories"),
      static_cast<double>(std::min<long>(w.trajectories, w.walkers)) * (w.samples + 1) * L.dim,
      sizeof(double), "trajectory samples");
}

std::unique_ptr<AdatomCase> build(MPI_Comm comm, InputSection root, const std::string& output) {
  auto c = std::make_unique<AdatomCase>();
  c->units = read_units(root);
  InputSection rates = root.section("adatom");
  c->rates = make_adatom_rates(rates, c->units.kB());
  const double spacing = c->rates->lattice_spacing();
  {
    InputSection s = root.section("lattice");
    c->lattice = *make_hop_lattice(s, spacing);
    const HopLattice& L = c->lattice;
    if (L.dim > c->rates->max_dim())
      s.fail(
          s.has("dim") ? "dim" : "type",
          fmt::format("the adatom rate model describes at most {}D lattices", c->rates->max_dim()));
    const AdatomParams* p = c->rates->analytic();
    for (int site = 0; site < L.sites(); ++site)
      if (p && L.energy[site] != 0.0 && !(L.energy[site] < p->Em))
        s.fail("hcp_energy", fmt::format("site energy {:g} must lie below the migration "
                                         "barrier {:g} (the saddle above both hollows)",
                                         L.energy[site], p->Em));
    // The temperature mesh covers the lattice's domain; on the square lattice one cell per
    // site (the finite-volume Fokker-Planck equation runs on it).
    std::array<Axis, 3> axes;
    for (int a = 0; a < 3; ++a) {
      const int cells = a < L.dim ? L.n[a] : 1;
      const double x0 = a < L.dim ? L.origin[a] : 0.0;
      axes[a].nodes = uniform_nodes(x0, a < L.dim ? L.length[a] : spacing, cells);
      axes[a].periodic = a < 2 && L.periodic[a];
    }
    c->mesh = std::make_unique<Mesh>(comm, L.dim, axes, 1);
  }
  if (c->rates->needs_temperature()) {
    InputSection s = root.section("temperature");
    c->T = make_temperature_field(s, *c->mesh);
  } else if (root.has("temperature")) {
    root.fail("temperature",
              "this adatom rate model takes no temperature field (Phi contains "
              "it); remove [temperature]");
  }
  {
    // sites, and the saddles of the hops that cross no wall (across the ends of a periodic
    // axis they lie on the domain's edge)
    const HopLattice& L = c->lattice;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int site = 0; site < L.sites(); ++site) {
      lo = std::min(lo, L.position(site)[0]);
      hi = std::max(hi, L.position(site)[0]);
      for (int h = 0; h < L.hops_per_site(); ++h)
        if (L.neighbour(site, h) >= 0) {
          lo = std::min(lo, L.saddle(site, h)[0]);
          hi = std::max(hi, L.saddle(site, h)[0]);
        }
    }
    c->rates->check_extent(lo, hi, rates);
  }
  set_adatom_rates(c->lattice, *c->rates, c->T.get());
  {
    InputSection s = root.section("kmc");
    WalkerOptions& w = c->walkers;
    w.walkers = s.integer(run_keys::walkers);
    w.seed = static_cast<std::uint64_t>(s.integer(run_keys::seed));
    w.t_end = s.real(run_keys::t_end);
    w.samples = static_cast<int>(s.integer(run_keys::samples));
    w.trajectories = static_cast<int>(s.integer(kTraj));
    w.uniform_start = s.string(run_keys::start) == "uniform";
    const auto x = s.reals(run_keys::start_position);
    // the nearest site of a point in the domain; a point outside it, or a coordinate the
    // lattice does not have, is a mistake in the input, not a site to snap to
    const Mesh& domain = *c->mesh;
    if (x.size() > static_cast<std::size_t>(domain.dim()))
      s.fail("start_position",
             fmt::format("{} coordinates for a {}D lattice", x.size(), domain.dim()));
    Point p{0, 0, 0};
    for (std::size_t a = 0; a < x.size(); ++a) {
      const Axis& ax = domain.axis(static_cast<int>(a));
      if (!w.uniform_start && (x[a] < ax.nodes.front() || x[a] > ax.nodes.back()))
        s.fail("start_position", fmt::format("{} = {} lies outside the domain [{}, {}]", "xyz"[a],
                                             x[a], ax.nodes.front(), ax.nodes.back()));
      p[a] = x[a];
    }
    w.start_site = c->lattice.nearest(p);
    c->output = read_output_file(root, output);
    c->fokker_planck = s.boolean(kFokkerPlanck) && c->lattice.fokker_planck_mesh;
    check_work(c->lattice, w, s);
    s.finish();
  }
  root.finish();
  c->config = root.resolved().to_toml();
  return c;
}

}  // namespace

std::unique_ptr<AdatomCase> AdatomCase::load(MPI_Comm comm, const std::string& path,
                                             const std::string& output) {
  return build(comm, InputSection::parse_file(path), output);
}

std::unique_ptr<AdatomCase> AdatomCase::from_string(MPI_Comm comm, const std::string& text,
                                                    const std::string& name) {
  return build(comm, InputSection::parse_string(text, name), "");
}

std::vector<double> drift_law_trajectory(const AdatomCase& c, double x0,
                                         const std::vector<double>& times, bool particle,
                                         int steps) {
  if (!c.rates->analytic())
    throw Error("drift_law_trajectory: the drift law needs the analytic rate model (Q, E_m)");
  const AdatomParams& p = *c.rates->analytic();
  // Along x every geometry is the chain of the same D_xx (HopLattice::x_spacing).
  const double ax = c.lattice.x_spacing();
  const double h = 0.01 * p.a;
  auto v = [&](double x) {
    const double T = c.T->T({x, 0, 0});
    const double g = (c.T->T({x + h, 0, 0}) - c.T->T({x - h, 0, 0})) / (2 * h);
    return particle ? kernels::adatom_particle_velocity(p.nu, ax, p.Q, p.Em, p.kB, T, g)
                    : kernels::adatom_drift_law(p.nu, ax, p.Q, p.Em, p.kB, T, g);
  };
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (int s = 0; s < c.lattice.sites(); ++s) {
    lo = std::min(lo, c.lattice.position(s)[0]);
    hi = std::max(hi, c.lattice.position(s)[0]);
  }
  std::vector<double> out;
  double x = x0, t = 0.0;
  for (double tk : times) {
    const double dt = (tk - t) / steps;
    for (int i = 0; i < steps && dt > 0; ++i) {
      const double k1 = v(x), k2 = v(x + 0.5 * dt * k1), k3 = v(x + 0.5 * dt * k2),
                   k4 = v(x + dt * k3);
      x += dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
      // a wall stops the deterministic path (the law has no walls)
      x = std::clamp(x, lo, hi);
    }
    t = tk;
    out.push_back(x);
  }
  return out;
}

}  // namespace td
