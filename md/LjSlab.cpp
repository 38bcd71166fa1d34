#include "md/LjSlab.h"

#include <fmt/format.h>

#include <cmath>

#include "core/Error.h"
#include "md/Lammps.h"
#include "md/Setup.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kThot{"T_hot",
                      T::Real,
                      "0.3",
                      K::temperature,
                      Range::closed(1e-3, 0.6),
                      {},
                      "temperature of the hot region (the LJ surface melts above ~0.6)"};
const ParamSpec kTcold{"T_cold",
                       T::Real,
                       "0.05",
                       K::temperature,
                       Range::closed(1e-3, 0.6),
                       {},
                       "temperature of the cold region"};
const ParamSpec kHotWidth{"hot_width",
                          T::Real,
                          "4.0",
                          K::length,
                          Range::positive(),
                          {},
                          "width along x of the hot region x in [0, hot_width)"};
const ParamSpec kColdWidth{"cold_width",
                           T::Real,
                           "4.0",
                           K::length,
                           Range::positive(),
                           {},
                           "width along x of the cold region x in [L_x/2, L_x/2 + cold_width)"};
const ParamSpec kTimestep{"timestep", T::Real,       "0.005", K::time, Range::closed(1e-5, 0.01),
                          {},         "MD time step"};
const ParamSpec kDamping{"thermostat_damping",
                         T::Real,
                         "0.5",
                         K::time,
                         Range::positive(),
                         {},
                         "Nose-Hoover damping time of the hot and cold regions"};
const ParamSpec kEqSteps{"equilibration_steps",
                         T::Integer,
                         "20000",
                         K::dimensionless,
                         Range::closed(0, 1e10),
                         {},
                         "steps with the thermostats on before anything is recorded"};
const ParamSpec kSeed{"seed",
                      T::Integer,
                      "12345",
                      K::dimensionless,
                      Range::closed(1, kMaxSeed),
                      {},
                      "random seed of the initial velocities (replicas: change it)"};
const ParamSpec kBin{"bin_width",
                     T::Real,
                     "2.0",
                     K::length,
                     Range::positive(),
                     {},
                     "temperature-profile bin width along x"};

}  // namespace

void LjSlab::read(InputSection& s) {
  if (!s.units().is_reduced())
    s.fail("type",
           "the slab set-ups integrate with k_B = 1: set [units] system = \"LJ\" (a data file "
           "in real or metal units is converted through the LJ preset)");
  T_hot = s.real(kThot);
  T_cold = s.real(kTcold);
  if (T_cold > T_hot) s.fail("T_cold", fmt::format("must not exceed T_hot = {}", T_hot));
  hot_width = s.real(kHotWidth);
  cold_width = s.real(kColdWidth);
  timestep = s.real(kTimestep);
  thermostat_damping = s.real(kDamping);
  if (thermostat_damping < 10 * timestep)
    s.fail("thermostat_damping", fmt::format("must be at least 10 time steps ({})", 10 * timestep));
  equilibration_steps = s.integer(kEqSteps);
  seed = s.integer(kSeed);
  source = make_system_source(s, SystemSource::Use::slab);
  // a gradient region of at least two site periods (or of any width if the period is unknown)
  const double half = length_x() / 2, gap = 2 * spacing();
  for (const auto& [key, width] : {std::pair{"hot_width", hot_width}, {"cold_width", cold_width}})
    if (!(width < half - gap))
      s.fail(key, fmt::format("must leave a gradient region of at least 2 site periods: "
                              "{} < L_x/2 - {:.4g} = {:.4g} (L_x = {:.4g})",
                              key, gap, half - gap, length_x()));
}

ParamSpec LjSlab::fraction_spec(const std::string& key, const std::string& what) {
  return {
      key,
      T::Real,
      "0.5",
      K::dimensionless,
      Range::closed(0.0, 1.0),
      {},
      what + " as a fraction of the gradient region from its hot edge (0) to its cold edge (1)"};
}

std::vector<const ParamSpec*> LjSlab::keys() {
  return {&kThot, &kTcold, &kHotWidth, &kColdWidth, &kTimestep, &kDamping, &kEqSteps, &kSeed};
}

const ParamSpec& LjSlab::bin_spec() { return kBin; }

double LjSlab::region_x(double f, bool second) const {
  const double half = length_x() / 2;
  return second ? length_x() - f * (half - cold_width) : hot_width + f * (half - hot_width);
}

double LjSlab::read_bin(InputSection& s) {
  const double bin = s.real(kBin);
  if (bin > length_x() / 4)
    s.fail("bin_width", fmt::format("must be at most L_x/4 = {:.4g}", length_x() / 4));
  return bin;
}

double LjSlab::to_lammps(double v, K k) const { return source->units().to_lammps(v, k); }
double LjSlab::from_lammps(double v, K k) const { return source->units().from_lammps(v, k); }

double LjSlab::spacing() const { return from_lammps(source->site_spacing(), K::length); }
double LjSlab::length_x() const {
  const auto b = source->box();
  return from_lammps(b[0][1] - b[0][0], K::length);
}
double LjSlab::length_y() const {
  const auto b = source->box();
  return from_lammps(b[1][1] - b[1][0], K::length);
}

std::string LjSlab::commands(const std::string& adatom_fixes) const {
  const double Lx = length_x();
  const double Tmean = 0.5 * (T_hot + T_cold);
  const auto L = [&](double v) { return to_lammps(v, K::length); };
  const auto Tk = [&](double v) { return to_lammps(v, K::temperature); };
  const auto t = [&](double v) { return to_lammps(v, K::time); };
  return fmt::format(
      R"({system}group adatom union solute
group substrate union solvent
{frozen}region slab_hot block INF {hot} INF INF INF INF units box
region slab_cold block {cold_lo} {cold_hi} INF INF INF INF units box
group mobile subtract substrate frozen
group moving subtract all frozen
group in_hot region slab_hot
group hot intersect in_hot mobile
group in_cold region slab_cold
group cold intersect in_cold mobile
group free subtract mobile hot cold
group integrated union free adatom
velocity moving create {Tmean} {seed} mom yes rot no dist gaussian
timestep {dt}
fix slab_hot hot nvt temp {T_hot} {T_hot} {damp}
fix slab_cold cold nvt temp {T_cold} {T_cold} {damp}
fix slab_nve integrated nve
{adatom_fixes}variable slab_X equal xcm(adatom,x)
thermo 1000
)",
      fmt::arg("system", source->commands(seed)),
      fmt::arg("frozen", source->has_frozen() ? "" : "group frozen empty\n"),
      fmt::arg("hot", L(hot_width)), fmt::arg("cold_lo", L(Lx / 2)),
      fmt::arg("cold_hi", L(Lx / 2 + cold_width)), fmt::arg("Tmean", Tk(Tmean)),
      fmt::arg("seed", seed), fmt::arg("dt", t(timestep)), fmt::arg("T_hot", Tk(T_hot)),
      fmt::arg("T_cold", Tk(T_cold)), fmt::arg("damp", t(thermostat_damping)),
      fmt::arg("adatom_fixes", adatom_fixes));
}

void LjSlab::move_cluster(Lammps& lmp, double x, bool on_site) const {
  const double X = lmp.variable("slab_X"), target = to_lammps(x, K::length);
  const double d = source->site_spacing();
  const double dx = on_site && d > 0 ? std::round((target - X) / d) * d : target - X;
  lmp.command(fmt::format("displace_atoms adatom move {} 0 0 units box", dx));
}

long LjSlab::cluster_atoms(Lammps& lmp) const {
  lmp.command("variable slab_n equal count(adatom)");
  return std::lround(lmp.variable("slab_n"));
}

std::string LjSlab::profile_commands(double bin, long every, long nfreq,
                                     const std::string& file) const {
  return fmt::format(
      "compute slab_ch mobile chunk/atom bin/1d x lower {} units box\n"
      "fix slab_prof mobile ave/chunk {} {} {} slab_ch temp file {} {}\n",
      to_lammps(bin, K::length), every, nfreq / every, nfreq, file,
      chunk_units_title(source->units()));
}

}  // namespace td::md
