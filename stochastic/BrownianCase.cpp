#include "stochastic/BrownianCase.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/KeyRegistry.h"
#include "core/Limits.h"
#include "core/UnitsInput.h"
#include "stochastic/RunKeys.h"

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
const ParamSpec kDt{"dt", T::Real, "", K::time, Range::positive(), {}, "Euler-Maruyama step"};
const KeyDeclaration kParticleKeys(
    {"particle",
     "",
     "bd",
     "The Brownian particle of `thermodrift bd`: the convention `alpha` of the multiplicative "
     "noise and either one `[particle.diffusivity]` temperature law or internal states "
     "`[[particle.states]]` with `[[particle.transitions]]` (as `[[species.states]]`).",
     {&kAlpha}});
const KeyDeclaration kBdKeys(
    {"bd",
     "",
     "bd",
     "Euler-Maruyama Brownian dynamics of independent particles in the `[temperature]` field "
     "on the 1D `[mesh]` (domain, walls or periodic, histogram bins): histograms averaged "
     "over [t_burn, t_end] and the mean position at `samples` + 1 times. The run keys are "
     "shared with `[kmc]` and `[lattice_gas]`.",
     {&run_keys::walkers, &run_keys::seed, &kDt, &run_keys::t_end, &run_keys::t_burn,
      &run_keys::samples, &run_keys::start, &run_keys::start_position}});

std::unique_ptr<BrownianCase> build(MPI_Comm comm, InputSection root, const std::string& output) {
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
    for (int i = 0; i < c->states.size(); ++i)
      check_temperature_law(*c->states.D[i], Tlo, Thi, true,
                            fmt::format("diffusivity of '{}'", c->states.names[i]));
    c->transitions = read_transitions(p, c->states, 0, Tlo, Thi);
    p.finish();
  }
  {
    InputSection s = root.section("bd");
    c->walkers = s.integer(run_keys::walkers);
    // the standard errors of every result come from the spread over the walkers
    if (c->walkers < 2)
      s.fail(run_keys::walkers.key,
             fmt::format("{} walker: at least 2 are needed for the standard errors", c->walkers));
    c->seed = static_cast<std::uint64_t>(s.integer(run_keys::seed));
    c->dt = s.real(kDt);
    c->t_end = s.real(run_keys::t_end);
    c->t_burn = s.real(run_keys::t_burn);
    if (!(c->t_burn < c->t_end))
      s.fail("t_burn", fmt::format("t_burn = {} must be below t_end = {}", c->t_burn, c->t_end));
    if (c->dt > 0.1 * c->t_end) s.fail("dt", fmt::format("dt = {} exceeds t_end/10", c->dt));
    // Euler-Maruyama needs steps much shorter than the domain: a root-mean-square step of the
    // fastest state beyond half the domain crosses it in one step, and the walls (reflecting
    // or periodic) then decide where a walker lands, not the physics.
    double D_max = 0.0;
    for (int i = 0; i < c->states.size(); ++i)
      for (int k = 0; k < kLawCheckPoints; ++k)
        D_max = std::max(D_max, c->states.D[i]->value(Tlo + (Thi - Tlo) * k / (kLawCheckPoints - 1)));
    const Axis& domain = c->mesh->axis(0);
    const double length = domain.nodes.back() - domain.nodes.front();
    const double rms_step = std::sqrt(2.0 * D_max * c->dt);
    if (!(rms_step <= 0.5 * length))
      s.fail("dt", fmt::format("the root-mean-square step sqrt(2 D dt) = {:.3g} of the fastest "
                               "state (D = {:.3g}) exceeds half the domain length {:.3g}: "
                               "take dt below {:.3g}",
                               rms_step, D_max, length, 0.125 * length * length / D_max));
    const double steps = c->t_end / c->dt;
    limits::check_steps(s.location("dt"), steps, "t_end / dt");
    limits::check_steps(s.location("walkers"), steps * static_cast<double>(c->walkers),
                        "walkers x t_end / dt", limits::kMaxWork);
    c->samples = static_cast<int>(s.integer(run_keys::samples));
    c->uniform_start = s.string(run_keys::start) == "uniform";
    const auto x = s.reals(run_keys::start_position);
    if (x.size() != 1)
      s.fail("start_position", fmt::format("one coordinate in 1D (got {})", x.size()));
    c->start = x[0];
    const Axis& ax = c->mesh->axis(0);
    if (!c->uniform_start && (c->start < ax.nodes.front() || c->start > ax.nodes.back()))
      s.fail("start_position", fmt::format("{} lies outside the domain [{}, {}]", c->start,
                                           ax.nodes.front(), ax.nodes.back()));
    c->output = read_output_file(root, output);
    s.finish();
  }
  root.finish();
  c->config = root.resolved().to_toml();
  return c;
}

}  // namespace

std::unique_ptr<BrownianCase> BrownianCase::load(MPI_Comm comm, const std::string& path,
                                                 const std::string& output) {
  return build(comm, InputSection::parse_file(path), output);
}
std::unique_ptr<BrownianCase> BrownianCase::from_string(MPI_Comm comm, const std::string& text,
                                                        const std::string& name) {
  return build(comm, InputSection::parse_string(text, name), "");
}

}  // namespace td
