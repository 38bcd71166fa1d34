/// @file LjSlabSource.cpp  `[md.system] type = "lj_slab"`: the built-in LJ FCC(111) slab of
/// the adatom set-ups (A. Roux and N. Combe, Phys. Rev. B 108, 115410 (2023)): x along [1-10], y
/// along [11-2], z along [111], periodic in x and y with vacuum above, the bottom `frozen_layers`
/// held fixed (group `frozen`), and an adatom or a compact cluster of `cluster_size` atoms (type 2,
/// group `solute`) on fcc hollow sites of the surface; the substrate is type 1 (group `solvent`).
/// LAMMPS `lj` units (the case's LJ units). The slab protocols move the cluster to its start by
/// whole site periods (site_spacing).
#include <fmt/format.h>

#include <cmath>

#include "md/System.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

// These keys were read from [md] before sources existed: "md.<key>" keeps old inputs working.
const ParamSpec kDensity{
    "density",
    T::Real,
    "1.07",
    K::number_density,
    Range::closed(0.8, 1.2),
    {},
    "FCC number density (1.07: LJ crystal near T = 0 with a 2.5 sigma cut-off)",
    {"md.density"}};
const ParamSpec kCellsX{"cells_x",
                        T::Integer,
                        "40",
                        K::dimensionless,
                        Range::closed(8, 2000),
                        {},
                        "slab length along x in nearest-neighbour distances a/sqrt(2)",
                        {"md.cells_x"}};
const ParamSpec kCellsY{"cells_y",
                        T::Integer,
                        "4",
                        K::dimensionless,
                        Range::closed(2, 1000),
                        {},
                        "slab width along y in periods a sqrt(6)/2 (two atom rows each)",
                        {"md.cells_y"}};
const ParamSpec kLayers{"layers",
                        T::Integer,
                        "6",
                        K::dimensionless,
                        Range::closed(2, 200),
                        {},
                        "(111) atomic layers of the slab",
                        {"md.layers"}};
const ParamSpec kFrozen{"frozen_layers",
                        T::Integer,
                        "2",
                        K::dimensionless,
                        Range::closed(1, 199),
                        {},
                        "bottom layers held fixed",
                        {"md.frozen_layers"}};
const ParamSpec kCutoff{"cutoff",
                        T::Real,
                        "2.5",
                        K::length,
                        Range::closed(1.2, 5.0),
                        {},
                        "LJ cut-off (potential shifted)",
                        {"md.cutoff"}};
/// A cluster up to the hexagon of the first atom's six neighbours.
constexpr long kMaxCluster = 7;
const ParamSpec kClusterSize{"cluster_size",
                             T::Integer,
                             "1",
                             K::dimensionless,
                             Range::closed(1, kMaxCluster),
                             {},
                             "atoms of type 2 on neighbouring fcc hollow sites (1: an adatom; "
                             "2-7: a compact island, the hexagon for 7)"};

/// Vacuum above the adatom (sigma); z is periodic, so this separates the slab from its image.
constexpr double kVacuum = 12.0;

class LjSlabSource : public SystemSource {
 public:
  explicit LjSlabSource(InputSection& s) : SystemSource(lj_source_units(s, "lj_slab")) {
    density_ = s.real(kDensity);
    cells_x_ = s.integer(kCellsX);
    cells_y_ = s.integer(kCellsY);
    layers_ = s.integer(kLayers);
    frozen_layers_ = s.integer(kFrozen);
    if (frozen_layers_ >= layers_)
      s.fail("frozen_layers", fmt::format("must be below layers = {}", layers_));
    cutoff_ = s.real(kCutoff);
    cluster_size_ = s.integer(kClusterSize);
  }

  std::string commands(long /*seed: the lattice is deterministic*/) const override {
    const double d = site_spacing(), h = layer_spacing();
    // Lattice sites of layer k: (i d + j d/2, j d sqrt(3)/2 + k a/sqrt(6)); the box starts a
    // quarter period below the sites so that none lies on a periodic boundary. The cluster
    // sits where the next layer's atoms would be: fcc hollow sites (ABC stacking continued),
    // which form a triangular lattice of spacing d: the first atom a quarter of the box along
    // x (whole cluster inside the box in x: its centre of mass needs no image flags), then its
    // six neighbours.
    const double row = d * std::sqrt(3.0) / 2, shift = d / std::sqrt(3.0);
    const double ay = std::fmod(static_cast<double>(layers_) * shift, 2 * row);
    const double az = static_cast<double>(layers_) * h;
    const double ax = std::floor(static_cast<double>(cells_x_) / 4) * d;
    const double hex[kMaxCluster][2] = {{0, 0},  {d, 0},         {d / 2, row}, {-d / 2, row},
                                        {-d, 0}, {-d / 2, -row}, {d / 2, -row}};
    std::string cluster;
    for (long i = 0; i < cluster_size_; ++i)
      cluster += fmt::format("create_atoms 2 single {} {} {} remap yes units box\n", ax + hex[i][0],
                             ay + hex[i][1], az);
    const auto b = box();
    return fmt::format(
        R"(units lj
atom_style atomic
boundary p p p
lattice fcc {density} orient x 1 -1 0 orient y 1 1 -2 orient z 1 1 1
region slab_box block {xlo} {xhi} {ylo} {yhi} {zlo} {zhi} units box
create_box 2 slab_box
region slab_atoms block INF INF INF INF {zlo} {ztop} units box
create_atoms 1 region slab_atoms
{cluster}mass * 1.0
pair_style lj/cut {cutoff}
pair_coeff * * 1.0 1.0
pair_modify shift yes
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
region slab_frozen block INF INF INF INF INF {zfrz} units box
group solute type 2
group solvent type 1
group in_frozen region slab_frozen
group frozen intersect in_frozen solvent
)",
        fmt::arg("density", density_), fmt::arg("xlo", b[0][0]), fmt::arg("xhi", b[0][1]),
        fmt::arg("ylo", b[1][0]), fmt::arg("yhi", b[1][1]), fmt::arg("zlo", b[2][0]),
        fmt::arg("zhi", b[2][1]), fmt::arg("ztop", (layers_ - 0.5) * h),
        fmt::arg("cluster", cluster), fmt::arg("cutoff", cutoff_),
        fmt::arg("zfrz", (frozen_layers_ - 0.5) * h));
  }

  std::array<std::array<double, 2>, 3> box() const override {
    const double d = site_spacing(), h = layer_spacing(), row = d * std::sqrt(3.0) / 2;
    const double Lx = static_cast<double>(cells_x_) * d;
    const double Ly = static_cast<double>(cells_y_) * 2 * row;
    return {{{-d / 4, Lx - d / 4},
             {-row / 4, Ly - row / 4},
             {-h / 2, static_cast<double>(layers_) * h + kVacuum}}};
  }
  bool minimise() const override { return false; }
  bool serves(Use u) const override { return u == Use::slab; }
  bool has_frozen() const override { return true; }
  /// Nearest-neighbour distance a/sqrt(2) in the (111) plane: the period of the sites along x.
  double site_spacing() const override { return std::cbrt(4.0 / density_) / std::sqrt(2.0); }

 private:
  /// Distance between (111) layers, a/sqrt(3) (sigma).
  double layer_spacing() const { return std::cbrt(4.0 / density_) / std::sqrt(3.0); }

  double density_ = 1.07, cutoff_ = 2.5;
  long cells_x_ = 40, cells_y_ = 4, layers_ = 6, frozen_layers_ = 2, cluster_size_ = 1;
};

std::unique_ptr<SystemSource> create(InputSection& s) { return std::make_unique<LjSlabSource>(s); }
SystemSourceFactory::Registrar reg(
    "lj_slab",
    "The LJ FCC(111) slab of Roux and Combe (2023) for the slab protocols: x along [1-10], y "
    "along [11-2], z along [111], periodic in x and y with vacuum above, `cells_x` x `cells_y` "
    "periods, `layers` (111) layers of which the bottom `frozen_layers` are held fixed (group "
    "frozen), and `cluster_size` atoms of type 2 (the adatom or a compact cluster, group "
    "solute) on fcc hollow sites of the surface; substrate type 1 (group solvent); LAMMPS `lj` "
    "units, so the case must be in LJ units.",
    &create, {&kDensity, &kCellsX, &kCellsY, &kLayers, &kFrozen, &kCutoff, &kClusterSize});
}  // namespace

}  // namespace td::md
