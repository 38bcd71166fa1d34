#include "md/CuColumn.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "core/Paths.h"
#include "md/Lammps.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

/// Where Debian's lammps-data package puts the potential files.
constexpr const char* kDefaultEam = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy";

const ParamSpec kLattice{"lattice_constant",
                         T::Real,
                         "\"0.3615 nm\"",
                         K::length,
                         Range::positive(),
                         {},
                         "FCC lattice constant a of Cu (and of the wall)"};
const ParamSpec kDiameter{"diameter",
                          T::Real,
                          "\"6 nm\"",
                          K::length,
                          Range::positive(),
                          {},
                          "column diameter (a cylinder cut from the lattice)"};
const ParamSpec kHeight{"height",
                        T::Real,
                        "\"8 nm\"",
                        K::length,
                        Range::positive(),
                        {},
                        "column height between the substrate and the wall (rounded to whole "
                        "(001) layers of a/2)"};
const ParamSpec kWidth{"box_width",
                       T::Real,
                       "\"10 nm\"",
                       K::length,
                       Range::positive(),
                       {},
                       "lateral (x and y) period of the box, rounded to whole lattice "
                       "constants; at least diameter + 1 nm"};
const ParamSpec kSubstrate{"substrate_thickness",
                           T::Real,
                           "\"2 nm\"",
                           K::length,
                           Range::positive(),
                           {},
                           "hot Cu substrate thickness, fixed layers included (whole layers)"};
const ParamSpec kWall{"wall_thickness",
                      T::Real,
                      "\"1.5 nm\"",
                      K::length,
                      Range::positive(),
                      {},
                      "cold wall thickness, fixed layers included (whole layers)"};
const ParamSpec kFixed{"fixed_layers",
                       T::Integer,
                       "4",
                       K::dimensionless,
                       Range::closed(1, 100),
                       {},
                       "(001) layers held fixed at the substrate bottom and at the wall top"};
const ParamSpec kEamFile{"eam_file",
                         T::String,
                         std::string("\"") + kDefaultEam + "\"",
                         K::dimensionless,
                         Range::any(),
                         {},
                         "EAM potential of Cu (*.eam funcfl, *.eam.alloy or *.eam.fs setfl; "
                         "Debian package lammps-data); relative to the input file"};
const ParamSpec kElement{"eam_element",
                         T::String,
                         "\"Cu\"",
                         K::dimensionless,
                         Range::any(),
                         {},
                         "element of a setfl file (*.eam.alloy, *.eam.fs) used for Cu"};
const ParamSpec kEps{"wall_epsilon",
                     T::Real,
                     "\"0.09 eV\"",
                     K::energy,
                     Range::positive(),
                     {},
                     "eps of the wall-Cu pair phi(r) = eps [(r0/r)^p - (r0/r)^q]"};
const ParamSpec kR0{"wall_r0",         T::Real, "\"0.226 nm\"",          K::length,
                    Range::positive(), {},      "r0 of the wall-Cu pair"};
const ParamSpec kP{"wall_p",
                   T::Real,
                   "8.55",
                   K::dimensionless,
                   Range::closed(1.01, 50.0),
                   {},
                   "repulsive exponent p of the wall-Cu pair (p > q)"};
const ParamSpec kQ{"wall_q",
                   T::Real,
                   "4.49",
                   K::dimensionless,
                   Range::closed(1.0, 49.0),
                   {},
                   "attractive exponent q of the wall-Cu pair"};
const ParamSpec kCut{"wall_cutoff",
                     T::Real,
                     "\"0.8 nm\"",
                     K::length,
                     Range::positive(),
                     {},
                     "cut-off of the wall-Cu pair (energy shifted to 0 there; forces are "
                     "phi's); between the minimum of phi and 2 nm"};
const ParamSpec kHot{"T_hot",
                     T::Real,
                     "\"1300 K\"",
                     K::temperature,
                     Range::positive(),
                     {},
                     "temperature of the substrate's mobile layers"};
const ParamSpec kCold{"T_cold",
                      T::Real,
                      "\"800 K\"",
                      K::temperature,
                      Range::positive(),
                      {},
                      "temperature of the wall's mobile layers"};
const ParamSpec kAnneal{"anneal_temperature",
                        T::Real,
                        "\"1000 K\"",
                        K::temperature,
                        Range::positive(),
                        {},
                        "uniform temperature of the anneal before the gradient"};
const ParamSpec kDt{
    "timestep", T::Real, "\"1 fs\"", K::time, Range::positive(), {}, "MD time step, 0.1-5 fs"};
const ParamSpec kDamp{"langevin_damping",
                      T::Real,
                      "\"0.1 ps\"",
                      K::time,
                      Range::positive(),
                      {},
                      "damping time of the Langevin thermostats (at least 10 time steps)"};
const ParamSpec kSeed{"seed",
                      T::Integer,
                      "12345",
                      K::dimensionless,
                      Range::closed(1, kMaxSeed),
                      {},
                      "random seed (velocities seed, thermostats seed + 1 .. seed + 3)"};

/// Layers of thickness @p t (Angstrom) at spacing @p d: the nearest whole number.
long whole_layers(double t, double d) { return std::lround(t / d); }

/// The pair style of an EAM file by its name (LAMMPS manual, pair_style eam).
std::string eam_style_of(const std::string& path) {
  auto ends = [&](const std::string& s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".eam.alloy")) return "eam/alloy";
  if (ends(".eam.fs")) return "eam/fs";
  if (ends(".eam")) return "eam";
  return {};
}

/// The element names of a setfl file (its fourth line: "N el1 el2 ...").
std::vector<std::string> setfl_elements(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  for (int i = 0; i < 4 && std::getline(in, line); ++i) {
  }
  std::istringstream words(line);
  long n = 0;
  std::vector<std::string> el;
  if (!(words >> n)) return el;
  for (std::string w; static_cast<long>(el.size()) < n && words >> w;) el.push_back(w);
  return el;
}
}  // namespace

double WallPair::phi(double r) const {
  return epsilon * (std::pow(r0 / r, p) - std::pow(r0 / r, q));
}

double WallPair::mie_prefactor() const { return (p / (p - q)) * std::pow(p / q, q / (p - q)); }

double WallPair::r_min() const { return r0 * std::pow(p / q, 1.0 / (p - q)); }

std::string WallPair::mie_coeff() const {
  return fmt::format("{:.17g} {:.17g} {:.17g} {:.17g} {:.17g}", epsilon / mie_prefactor(), r0, p, q,
                     cutoff);
}

std::vector<const ParamSpec*> CuColumn::keys() {
  return {&kLattice, &kDiameter, &kHeight, &kWidth, &kSubstrate, &kWall, &kFixed,
          &kEamFile, &kElement,  &kEps,    &kR0,    &kP,         &kQ,    &kCut,
          &kHot,     &kCold,     &kAnneal, &kDt,    &kDamp,      &kSeed};
}

double CuColumn::area() const { return std::numbers::pi * radius() * radius(); }

void CuColumn::read(InputSection& s, const LammpsUnits& u) {
  const auto len = [&](const ParamSpec& p) { return u.to_lammps(s.real(p), K::length); };
  lattice = len(kLattice);
  if (lattice < 2.0 || lattice > 6.0)
    s.fail(kLattice.key, fmt::format("{:g} Angstrom is not a metal's FCC lattice constant "
                                     "(accepted: 2-6 Angstrom)",
                                     lattice));
  diameter = len(kDiameter);
  const double height = len(kHeight), box = len(kWidth);
  fixed_layers = s.integer(kFixed);
  if (diameter < 2 * lattice)
    s.fail(kDiameter.key, fmt::format("{:g} Angstrom is below two lattice constants", diameter));
  column_layers = whole_layers(height, layer());
  if (column_layers < 4)
    s.fail(kHeight.key,
           fmt::format("{:g} Angstrom is below 4 layers of a/2 = {:g} Angstrom", height, layer()));
  cells = std::lround(box / lattice);
  // images of the column must not interact through the EAM cut-off (about 5.5 Angstrom)
  constexpr double kMinClearance = 10.0;  // Angstrom
  if (width() < diameter + kMinClearance)
    s.fail(kWidth.key,
           fmt::format("{:g} Angstrom ({} lattice constants) must be at least diameter + 1 nm = "
                       "{:g} Angstrom",
                       width(), cells, diameter + kMinClearance));
  for (bool sub : {true, false}) {
    const ParamSpec& p = sub ? kSubstrate : kWall;
    const long n = whole_layers(len(p), layer());
    if (n < fixed_layers + 2)
      s.fail(p.key, fmt::format("{} layers of a/2; needs at least fixed_layers + 2 = {}", n,
                                fixed_layers + 2));
    (sub ? substrate_layers : wall_layers) = n;
  }

  const std::string given = s.string(kEamFile);
  const std::filesystem::path path = std::filesystem::absolute(input_path(s, given));
  if (!std::ifstream(path))
    s.fail(kEamFile.key,
           fmt::format("cannot read {} (Debian: apt-get install lammps-data)", path.string()));
  eam_file = path.lexically_normal().string();
  if (eam_file.find_first_of("\" \t") != std::string::npos)
    s.fail(kEamFile.key, "a path with a blank or a double quote cannot be passed to LAMMPS");
  eam_style = eam_style_of(eam_file);
  if (eam_style.empty())
    s.fail(kEamFile.key, "expected a file name ending in .eam, .eam.alloy or .eam.fs");
  eam_element = s.string(kElement);
  if (eam_style != "eam") {
    const auto el = setfl_elements(eam_file);
    if (std::find(el.begin(), el.end(), eam_element) == el.end())
      s.fail(kElement.key, fmt::format("'{}' is not an element of {} (it has: {})", eam_element,
                                       eam_file, fmt::join(el, " ")));
  }

  wall.epsilon = u.to_lammps(s.real(kEps), K::energy);
  wall.r0 = len(kR0);
  wall.p = s.real(kP);
  wall.q = s.real(kQ);
  if (!(wall.p > wall.q)) s.fail(kP.key, fmt::format("must exceed wall_q = {:g}", wall.q));
  wall.cutoff = len(kCut);
  constexpr double kMaxCut = 20.0;  // Angstrom
  if (wall.cutoff <= wall.r_min() || wall.cutoff > kMaxCut)
    s.fail(kCut.key, fmt::format("{:g} Angstrom is outside ({:g}, {:g}] Angstrom (the minimum "
                                 "of phi, 2 nm)",
                                 wall.cutoff, wall.r_min(), kMaxCut));

  const auto temp = [&](const ParamSpec& p) { return u.to_lammps(s.real(p), K::temperature); };
  T_hot = temp(kHot);
  T_cold = temp(kCold);
  T_anneal = temp(kAnneal);
  if (!(T_cold < T_hot)) s.fail(kCold.key, fmt::format("must be below T_hot = {:g} K", T_hot));
  timestep = u.to_lammps(s.real(kDt), K::time);
  constexpr double kDtMin = 1e-4, kDtMax = 5e-3;  // ps
  if (timestep < kDtMin || timestep > kDtMax)
    s.fail(kDt.key, fmt::format("{:g} ps is outside [{:g}, {:g}] ps", timestep, kDtMin, kDtMax));
  damping = u.to_lammps(s.real(kDamp), K::time);
  if (damping < 10 * timestep)
    s.fail(kDamp.key, fmt::format("{:g} ps is below 10 time steps", damping));
  seed = s.integer(kSeed);
}

std::string CuColumn::system_commands(double T) const {
  const double d = layer(), W = width(), c = W / 2;
  const long top = total_layers() - 1;
  // region bounds half a layer off the atoms, so that no atom sits on a bound
  const auto lo = [&](long k) { return z_layer(k) - d / 2; };
  const auto hi = [&](long k) { return z_layer(k) + d / 2; };
  std::string pair, coeff;
  if (eam_style == "eam") {
    pair = "eam eam";
    coeff = fmt::format("pair_coeff 1 1 eam 1 {0}\npair_coeff 2 2 eam 2 {0}", eam_file);
  } else {
    pair = fmt::format("{0} {0}", eam_style);
    coeff = fmt::format("pair_coeff * * {0} 1 {1} {2} NULL\npair_coeff * * {0} 2 {1} NULL {2}",
                        eam_style, eam_file, eam_element);
  }
  return fmt::format(
      R"(# EAM Cu column on a hot Cu substrate facing a cold wall (thermodrift md cu_column)
units metal
atom_style atomic
boundary p p f
timestep {dt}
lattice fcc {a} orient x 1 0 0 orient y 0 1 0 orient z 0 0 1
region col_box block 0 {W} 0 {W} {zlo} {zhi} units box
create_box 2 col_box
region r_sub block INF INF INF INF {sub_lo} {sub_hi} units box
region r_col cylinder z {c} {c} {R} {col_lo} {col_hi} units box
region r_wall block INF INF INF INF {wall_lo} {wall_hi} units box
create_atoms 1 region r_sub
create_atoms 1 region r_col
create_atoms 2 region r_wall
# Cu-Cu and wall-wall: one EAM instance each; wall-Cu: phi(r) = eps[(r0/r)^p - (r0/r)^q]
# (eps {eps} eV, r0 {r0} Angstrom, p {p}, q {q}) as mie/cut with epsilon = eps / C
pair_style hybrid/overlay {pair} mie/cut {rc}
{coeff}
pair_coeff 1 2 mie/cut {mie}
pair_modify pair mie/cut shift yes
neigh_modify every 1 delay 0 check yes
group cu type 1
group wall type 2
region r_subfix block INF INF INF INF {sub_lo} {subfix_hi} units box
region r_wallfix block INF INF INF INF {wallfix_lo} {wall_hi} units box
group sub_fixed region r_subfix
group wall_fixed region r_wallfix
group fixed union sub_fixed wall_fixed
group mobile subtract all fixed
group cu_mobile subtract cu sub_fixed
group wall_mobile subtract wall wall_fixed
region hot block INF INF INF INF {subfix_hi} {sub_hi} units box
fix sub_hold sub_fixed setforce 0.0 0.0 0.0
fix wall_hold wall_fixed setforce 0.0 0.0 0.0
fix col_nve mobile nve
velocity mobile create {T} {seed} mom yes rot no dist gaussian
thermo 1000
thermo_style custom step time temp pe etotal press f_wall_hold[3]
)",
      fmt::arg("dt", timestep), fmt::arg("a", lattice), fmt::arg("W", W),
      fmt::arg("zlo", lo(0) - d), fmt::arg("zhi", hi(top) + d), fmt::arg("sub_lo", lo(0)),
      fmt::arg("sub_hi", hi(substrate_layers - 1)), fmt::arg("c", c), fmt::arg("R", radius()),
      fmt::arg("col_lo", lo(column_bottom())), fmt::arg("col_hi", hi(wall_bottom() - 1)),
      fmt::arg("wall_lo", lo(wall_bottom())), fmt::arg("wall_hi", hi(top)),
      fmt::arg("eps", wall.epsilon), fmt::arg("r0", wall.r0), fmt::arg("p", wall.p),
      fmt::arg("q", wall.q), fmt::arg("pair", pair), fmt::arg("rc", wall.cutoff),
      fmt::arg("coeff", coeff), fmt::arg("mie", wall.mie_coeff()),
      fmt::arg("subfix_hi", hi(fixed_layers - 1)),
      fmt::arg("wallfix_lo", lo(top - fixed_layers + 1)), fmt::arg("T", T), fmt::arg("seed", seed));
}

std::string CuColumn::anneal_commands(double T, bool relax_wall) const {
  std::string text = fmt::format("fix col_anneal mobile langevin {0} {0} {1} {2} zero yes\n", T,
                                 damping, seed + 1);
  // the fixed wall layers move as one rigid body along z under the mean force on them
  if (relax_wall)
    text += R"(unfix wall_hold
fix wall_hold wall_fixed setforce 0.0 0.0 NULL
fix wall_relax wall_fixed aveforce NULL NULL 0.0
fix wall_nve wall_fixed nve
)";
  return text;
}

std::string CuColumn::end_anneal_commands(bool relax_wall) const {
  std::string text = "unfix col_anneal\n";
  if (relax_wall)
    text += R"(unfix wall_relax
unfix wall_nve
unfix wall_hold
velocity wall_fixed set 0.0 0.0 0.0
fix wall_hold wall_fixed setforce 0.0 0.0 0.0
)";
  return text;
}

std::string CuColumn::gradient_commands() const {
  return fmt::format(R"(compute col_thot cu_mobile temp/region hot
fix col_hot cu_mobile langevin {0} {0} {2} {3}
fix_modify col_hot temp col_thot
fix col_cold wall_mobile langevin {1} {1} {2} {4} zero yes
)",
                     T_hot, T_cold, damping, seed + 2, seed + 3);
}

}  // namespace td::md
