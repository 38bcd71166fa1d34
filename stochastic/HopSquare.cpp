/// @file HopSquare.cpp  The square lattice of adatom sites (`[lattice] type = "square"`): the 1D
/// chain (dim = 1) or the 2D square lattice, sites at origin + a (i + 1/2) along each axis, hops
/// to the 2 dim nearest neighbours (docs/stochastic.md).
#include <fmt/format.h>

#include "core/KeyRegistry.h"
#include "stochastic/Walkers.h"

namespace td {

namespace {
const ParamSpec kDim{"dim",
                     ParamSpec::Type::Integer,
                     "1",
                     units::Kind::dimensionless,
                     Range::closed(1, 2),
                     {},
                     "lattice dimension (1: chain, 2: square lattice)"};

std::unique_ptr<HopLattice> create(InputSection& s, double spacing) {
  const int dim = static_cast<int>(s.integer(kDim));
  HopLattice probe;
  const auto n = read_lattice_extent(s, probe, dim, 1, 2 * dim);
  s.finish();
  return std::make_unique<HopLattice>(hop_geometry(dim, n, probe.periodic, spacing, probe.origin));
}

HopLatticeFactory::Registrar reg("square",
                                 "The 1D chain (`dim = 1`) or the 2D square lattice: sites at "
                                 "origin + a (i + 1/2) along each axis, `sites` per axis, hops "
                                 "to the 2 dim nearest neighbours over the saddles halfway.",
                                 &create, {&kDim});
}  // namespace

HopLattice hop_geometry(int dim, std::array<int, 2> n, std::array<bool, 2> periodic, double a,
                        std::array<double, 2> origin) {
  HopLattice lat;
  lat.dim = dim;
  lat.n = {n[0], dim > 1 ? n[1] : 1};
  lat.periodic = periodic;
  lat.a = a;
  lat.origin = origin;
  lat.length = {a * lat.n[0], a * lat.n[1]};
  lat.fokker_planck_mesh = true;
  const int z = 2 * dim;
  lat.allocate(lat.n[0] * lat.n[1], z);
  for (int s = 0; s < lat.sites(); ++s) {
    const std::array<int, 2> ij{s % lat.n[0], s / lat.n[0]};
    lat.site[s] = {origin[0] + a * (ij[0] + 0.5), dim > 1 ? origin[1] + a * (ij[1] + 0.5) : 0.0,
                   0.0};
    // hops in the order +x, -x, +y, -y
    for (int h = 0; h < z; ++h) {
      const int ax = h / 2, dir = (h % 2 == 0) ? 1 : -1;
      auto& st = lat.step[static_cast<std::size_t>(s) * z + h];
      st[ax] = dir * a;
      std::array<int, 2> t = ij;
      t[ax] += dir;
      if (t[ax] < 0 || t[ax] >= lat.n[ax]) {
        if (!periodic[ax]) continue;
        t[ax] = (t[ax] + lat.n[ax]) % lat.n[ax];
      }
      lat.target[static_cast<std::size_t>(s) * z + h] = t[0] + lat.n[0] * t[1];
    }
  }
  return lat;
}

}  // namespace td
