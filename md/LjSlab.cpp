#include "md/LjSlab.h"

#include <fmt/format.h>

#include <cmath>

#include "md/Setup.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kDensity{
    "density",
    T::Real,
    "1.07",
    K::number_density,
    Range::closed(0.8, 1.2),
    {},
    "FCC number density (1.07: LJ crystal near T = 0 with a 2.5 sigma cut-off)"};
const ParamSpec kCellsX{"cells_x",
                        T::Integer,
                        "40",
                        K::dimensionless,
                        Range::closed(8, 2000),
                        {},
                        "slab length along x in nearest-neighbour distances a/sqrt(2)"};
const ParamSpec kCellsY{"cells_y",
                        T::Integer,
                        "4",
                        K::dimensionless,
                        Range::closed(2, 1000),
                        {},
                        "slab width along y in periods a sqrt(6)/2 (two atom rows each)"};
const ParamSpec kLayers{"layers",
                        T::Integer,
                        "6",
                        K::dimensionless,
                        Range::closed(2, 200),
                        {},
                        "(111) atomic layers of the slab"};
const ParamSpec kFrozen{
    "frozen_layers",           T::Integer, "2", K::dimensionless, Range::closed(1, 199), {},
    "bottom layers held fixed"};
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
                      Range::closed(1, 900000000),
                      {},
                      "random seed of the initial velocities (replicas: change it)"};
const ParamSpec kBin{"bin_width",
                     T::Real,
                     "2.0",
                     K::length,
                     Range::positive(),
                     {},
                     "temperature-profile bin width along x"};

/// Vacuum above the adatom (sigma); z is periodic, so this separates the slab from its image.
constexpr double kVacuum = 12.0;
}  // namespace

void LjSlab::read(InputSection& s) {
  if (!s.units().is_reduced())
    s.fail("type", "the LJ slab runs in LAMMPS lj units: set [units] system = \"LJ\"");
  density = s.real(kDensity);
  cells_x = s.integer(kCellsX);
  cells_y = s.integer(kCellsY);
  layers = s.integer(kLayers);
  frozen_layers = s.integer(kFrozen);
  if (frozen_layers >= layers)
    s.fail("frozen_layers", fmt::format("must be below layers = {}", layers));
  T_hot = s.real(kThot);
  T_cold = s.real(kTcold);
  if (T_cold > T_hot) s.fail("T_cold", fmt::format("must not exceed T_hot = {}", T_hot));
  hot_width = s.real(kHotWidth);
  cold_width = s.real(kColdWidth);
  const double half = length_x() / 2, d = spacing();
  if (hot_width > half - 2 * d)
    s.fail("hot_width", fmt::format("must leave a gradient region of at least 2 a/sqrt(2): "
                                    "hot_width <= L_x/2 - {:.4g} = {:.4g} (L_x = {:.4g})",
                                    2 * d, half - 2 * d, length_x()));
  if (cold_width > half - 2 * d)
    s.fail("cold_width", fmt::format("must leave a gradient region of at least 2 a/sqrt(2): "
                                     "cold_width <= L_x/2 - {:.4g} = {:.4g} (L_x = {:.4g})",
                                     2 * d, half - 2 * d, length_x()));
  cutoff = s.real(lj_cutoff_spec());
  timestep = s.real(kTimestep);
  thermostat_damping = s.real(kDamping);
  if (thermostat_damping < 10 * timestep)
    s.fail("thermostat_damping", fmt::format("must be at least 10 time steps ({})", 10 * timestep));
  equilibration_steps = s.integer(kEqSteps);
  seed = s.integer(kSeed);
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
  return {&kDensity,  &kCellsX,    &kCellsY,          &kLayers,   &kFrozen,  &kThot,    &kTcold,
          &kHotWidth, &kColdWidth, &lj_cutoff_spec(), &kTimestep, &kDamping, &kEqSteps, &kSeed};
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

double LjSlab::spacing() const { return std::cbrt(4.0 / density) / std::sqrt(2.0); }
double LjSlab::layer_spacing() const { return std::cbrt(4.0 / density) / std::sqrt(3.0); }
double LjSlab::length_x() const { return static_cast<double>(cells_x) * spacing(); }
double LjSlab::length_y() const {
  return static_cast<double>(cells_y) * spacing() * std::sqrt(3.0);
}
double LjSlab::adatom_height() const { return static_cast<double>(layers) * layer_spacing(); }

std::string LjSlab::commands(double adatom_x, const std::string& adatom_fixes) const {
  const double d = spacing(), h = layer_spacing(), Lx = length_x(), Ly = length_y();
  // Lattice sites of layer k: (i d + j d/2, j d sqrt(3)/2 + k a/sqrt(6)); the box starts a
  // quarter period below the sites so that none lies on a periodic boundary. The adatom sits
  // where the next layer's atom would be: an fcc hollow site (ABC stacking continued).
  const double row = d * std::sqrt(3.0) / 2, shift = d / std::sqrt(3.0);
  const double ay = std::fmod(static_cast<double>(layers) * shift, 2 * row);
  double ax = std::round(adatom_x / d) * d;
  if (ax >= Lx - d / 4) ax -= Lx;  // the site at L_x is the one at 0
  const double Tmean = 0.5 * (T_hot + T_cold);
  return fmt::format(
      R"(units lj
atom_style atomic
boundary p p p
lattice fcc {density} orient x 1 -1 0 orient y 1 1 -2 orient z 1 1 1
region slab_box block {xlo} {xhi} {ylo} {yhi} {zlo} {zhi} units box
create_box 2 slab_box
region slab_atoms block INF INF INF INF {zlo} {ztop} units box
create_atoms 1 region slab_atoms
create_atoms 2 single {ax} {ay} {az} units box
mass * 1.0
pair_style lj/cut {cutoff}
pair_coeff * * 1.0 1.0
pair_modify shift yes
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
region slab_frozen block INF INF INF INF INF {zfrz} units box
region slab_hot block INF {hot} INF INF INF INF units box
region slab_cold block {cold_lo} {cold_hi} INF INF INF INF units box
group adatom type 2
group substrate type 1
group frozen region slab_frozen
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
{adatom_fixes}
thermo 1000
)",
      fmt::arg("density", density), fmt::arg("xlo", -d / 4), fmt::arg("xhi", Lx - d / 4),
      fmt::arg("ylo", -row / 4), fmt::arg("yhi", Ly - row / 4), fmt::arg("zlo", -h / 2),
      fmt::arg("zhi", adatom_height() + kVacuum), fmt::arg("ztop", (layers - 0.5) * h),
      fmt::arg("ax", ax), fmt::arg("ay", ay), fmt::arg("az", adatom_height()),
      fmt::arg("cutoff", cutoff), fmt::arg("zfrz", (frozen_layers - 0.5) * h),
      fmt::arg("hot", hot_width), fmt::arg("cold_lo", Lx / 2),
      fmt::arg("cold_hi", Lx / 2 + cold_width), fmt::arg("Tmean", Tmean), fmt::arg("seed", seed),
      fmt::arg("dt", timestep), fmt::arg("T_hot", T_hot), fmt::arg("T_cold", T_cold),
      fmt::arg("damp", thermostat_damping), fmt::arg("adatom_fixes", adatom_fixes));
}

std::string LjSlab::profile_commands(double bin, long every, long nfreq,
                                     const std::string& file) const {
  return fmt::format(
      "compute slab_ch mobile chunk/atom bin/1d x lower {} units box\n"
      "fix slab_prof mobile ave/chunk {} {} {} slab_ch temp file {}\n",
      bin, every, nfreq / every, nfreq, file);
}

}  // namespace td::md
