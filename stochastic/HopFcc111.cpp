/// @file HopFcc111.cpp  The fcc and hcp hollow sites of an FCC(111) surface as two sublattices
/// (`[lattice] type = "fcc111"`, docs/stochastic.md): the honeycomb net of hollows with the
/// geometry of the LJ FCC(111) slab of md/LjSlab.h (x along a close-packed row [1-10], y along
/// [11-2]). With a the nearest-neighbour distance of the surface atoms (`lattice_spacing`), the
/// fcc hollows form a triangular lattice of side a, each hcp hollow lies a/sqrt(3) from its
/// fcc hollow along +y, and an adatom hops between an fcc and one of its three hcp neighbours
/// over the bridge saddle halfway (hop length a/sqrt(3)).
#include <fmt/format.h>

#include <cmath>

#include "core/KeyRegistry.h"
#include "stochastic/Walkers.h"

namespace td {

namespace {
const ParamSpec kHcpEnergy{"hcp_energy",
                           ParamSpec::Type::Real,
                           "0.0",
                           units::Kind::energy,
                           Range::any(),
                           {},
                           "energy of an hcp hollow above an fcc hollow"};

/// Hops per site: three neighbours of the other kind.
constexpr int kHops = 3;
/// Sites per (fcc site of a row, row): one fcc and one hcp hollow.
constexpr int kKinds = 2;

std::unique_ptr<HopLattice> create(InputSection& s, double a) {
  auto lat = std::make_unique<HopLattice>();
  const auto n = read_lattice_extent(s, *lat, 2, kKinds, kHops);
  const double E_hcp = s.real(kHcpEnergy);
  const int nx = n[0], ny = n[1];
  if (lat->periodic[1] && ny % 2 != 0)
    s.fail("sites", fmt::format("periodic_y needs an even number of rows (got {}): rows "
                                "alternate their offset along x by a/2",
                                ny));
  s.finish();
  // Rows of height a sqrt(3)/2; row j holds fcc hollows at x = a (i + 1/4 + (j mod 2)/2),
  // y = h (j + 1/6) and the hcp hollows a/sqrt(3) above them.
  const double h = a * std::sqrt(3.0) / 2, l = a / std::sqrt(3.0);
  lat->a = a;
  lat->n = {nx, ny};
  lat->length = {nx * a, ny * h};
  lat->fokker_planck_mesh = false;
  lat->allocate(kKinds * nx * ny, kHops);
  auto x_of = [&](int i, int j) { return lat->origin[0] + a * (i + 0.25 + 0.5 * (j % 2)); };
  auto index = [&](int i, int j, int kind) { return kKinds * (i + nx * j) + kind; };
  // The site of kind @p kind in row @p j at x = @p x, or -1 across a reflecting wall.
  auto site_at = [&](double x, int j, int kind) {
    if (j < 0 || j >= ny) {
      if (!lat->periodic[1]) return -1;
      j = (j + ny) % ny;
    }
    int i = static_cast<int>(std::lround((x - x_of(0, j)) / a));
    if (i < 0 || i >= nx) {
      if (!lat->periodic[0]) return -1;
      i = (i % nx + nx) % nx;
    }
    return index(i, j, kind);
  };
  // From fcc: up to the hcp of the same row, and to two hcp of the row below; from hcp the
  // reverse hops.
  const std::array<std::array<double, 2>, kHops> up{
      {{0.0, l}, {-0.5 * a, -0.5 * l}, {0.5 * a, -0.5 * l}}};
  const std::array<int, kHops> row{0, -1, -1};
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i)
      for (int kind = 0; kind < kKinds; ++kind) {
        const int s0 = index(i, j, kind);
        const double sign = kind == 0 ? 1.0 : -1.0;
        lat->site[s0] = {x_of(i, j), lat->origin[1] + h * (j + 1.0 / 6.0) + kind * l, 0.0};
        lat->energy[s0] = kind == 0 ? 0.0 : E_hcp;
        for (int k = 0; k < kHops; ++k) {
          const std::size_t slot = static_cast<std::size_t>(s0) * kHops + k;
          lat->step[slot] = {sign * up[k][0], sign * up[k][1]};
          lat->target[slot] = site_at(lat->site[s0][0] + lat->step[slot][0],
                                      j + (kind == 0 ? row[k] : -row[k]), 1 - kind);
        }
      }
  return lat;
}

HopLatticeFactory::Registrar reg(
    "fcc111",
    "The fcc and hcp hollows of an FCC(111) surface (x along a close-packed row): `sites = "
    "[nx, ny]` gives ny rows of nx fcc and nx hcp hollows, rows a sqrt(3)/2 apart; fcc "
    "hollows a apart along a row (a: `lattice_spacing`, the surface's nearest-neighbour "
    "distance), each hcp hollow a/sqrt(3) from its fcc hollow; hops between an fcc hollow "
    "and its three hcp neighbours over the bridge saddle halfway. The hcp hollows lie "
    "`hcp_energy` above the fcc hollows (the barrier from an hcp hollow is E_m - hcp_energy; "
    "analytic rate model). periodic_y needs an even ny.",
    &create, {&kHcpEnergy});
}  // namespace

}  // namespace td
