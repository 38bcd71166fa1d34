#include "stochastic/BrownianCase.h"

#include <fmt/format.h>

#include "core/UnitsInput.h"

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

}  // namespace td
