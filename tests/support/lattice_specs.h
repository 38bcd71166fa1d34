#pragma once
// Lattice files shared by the variational tests (tests/models) and the variational-versus-KMC
// checks (tests/crosscheck): the example lattices of examples/lattice/ and the lattices of
// Sec. III of Minkowski and Zaluska-Kotur, arXiv:1801.01374 (2018) (functions mzk_*; the
// geometries of Gosalvez et al., PRB 93, 075429 / 205416 (2016), as that paper describes them),
// written as lattice-file strings. Energies in units of kB T0 with kB = 1, lengths in the cell
// spacing.
#include <fmt/format.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "models/LatticeGas.h"

namespace td::testing {

/// Read a lattice-file string at temperature @p T (kB = 1, numbers taken as given: reduced
/// units, where a bare energy is not taken for joules).
inline LatticeSpec parse_lattice(const std::string& text, double T) {
  InputSection root = InputSection::parse_string(text, "lattice.toml");
  root.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));  // bare numbers as given
  InputSection s = root.section("lattice");
  return read_lattice(s, 1.0, T);
}

/// Read a lattice file of examples/lattice/ (kB = 1).
inline LatticeSpec example_lattice(const std::string& name, double T) {
  InputSection root =
      InputSection::parse_file(std::string(TD_SOURCE_DIR) + "/examples/lattice/" + name);
  root.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));  // bare numbers as given
  InputSection s = root.section("lattice");
  return read_lattice(s, 1.0, T);
}

/// Read a lattice file of examples/lattice/ whose numbers carry SI units (the GaAs(001)
/// lattices: eV, nm, Hz): kB in J/K, @p T in K, D in m^2/s.
inline LatticeSpec example_lattice_si(const std::string& name, double T) {
  InputSection root =
      InputSection::parse_file(std::string(TD_SOURCE_DIR) + "/examples/lattice/" + name);
  const auto si = units::UnitSystem::si();
  root.set_units(si);
  InputSection s = root.section("lattice");
  return read_lattice(s, si.kB(), T);
}

/// Head of a lattice file: cell vectors a, b.
inline std::string lattice_cell(double ax, double ay, double bx, double by) {
  return fmt::format("[lattice]\ncell_a = [{}, {}]\ncell_b = [{}, {}]\n", ax, ay, bx, by);
}

inline std::string lattice_site(const std::string& name, double x, double y, double energy) {
  return fmt::format("[[lattice.sites]]\nname = \"{}\"\nposition = [{}, {}]\nenergy = {}\n", name,
                     x, y, energy);
}

/// A hop and its reverse over the same saddle.
inline std::string lattice_hop(const std::string& from, const std::string& to, double dx, double dy,
                               double saddle) {
  auto one = [&](const std::string& f, const std::string& t, double x, double y) {
    return fmt::format(
        "[[lattice.bonds]]\nfrom = \"{}\"\nto = \"{}\"\ndisplacement = [{:.17g}, {:.17g}]\n"
        "saddle_energy = {}\n",
        f, t, x, y, saddle);
  };
  return one(from, to, dx, dy) + one(to, from, -dx, -dy);
}

/// Minkowski and Zaluska-Kotur, Sec. III.1.1: square cell of side 1, A at the corner, B at the
/// centre; A-B hops along the four diagonals over sAB; A-A and B-B hops along x and y over sAA, sBB
/// (none if NaN).
inline std::string mzk_checkerboard(double eA, double eB, double sAB, double sAA, double sBB) {
  std::string s =
      lattice_cell(1, 0, 0, 1) + lattice_site("A", 0, 0, eA) + lattice_site("B", 0.5, 0.5, eB);
  for (auto [dx, dy] : {std::pair{0.5, 0.5}, {-0.5, 0.5}, {0.5, -0.5}, {-0.5, -0.5}})
    s += lattice_hop("A", "B", dx, dy, sAB);
  for (auto [dx, dy] : {std::pair{1.0, 0.0}, {0.0, 1.0}}) {
    if (!std::isnan(sAA)) s += lattice_hop("A", "A", dx, dy, sAA);
    if (!std::isnan(sBB)) s += lattice_hop("B", "B", dx, dy, sBB);
  }
  return s;
}

/// Minkowski and Zaluska-Kotur, Sec. III.1.2: square cell of side 1, A at the corner, B1 between
/// two A along x, B2 along y. Each A has 4 A neighbours (diagonal hops over sAA) and 4 B (sAB);
/// each B has 2 A, 4 short diagonal B neighbours (sBs) and 2 long ones at distance 1 across the
/// cell centre (sBl).
inline std::string mzk_inequivalent_square(double eA, double eB, double sAB, double sAA,
                                            double sBs, double sBl) {
  std::string s = lattice_cell(1, 0, 0, 1) + lattice_site("A", 0, 0, eA) +
                  lattice_site("B1", 0.5, 0, eB) + lattice_site("B2", 0, 0.5, eB);
  s += lattice_hop("A", "B1", 0.5, 0, sAB) + lattice_hop("A", "B1", -0.5, 0, sAB);
  s += lattice_hop("A", "B2", 0, 0.5, sAB) + lattice_hop("A", "B2", 0, -0.5, sAB);
  s += lattice_hop("A", "A", 1, 1, sAA) + lattice_hop("A", "A", 1, -1, sAA);
  for (auto [dx, dy] : {std::pair{0.5, 0.5}, {-0.5, 0.5}, {0.5, -0.5}, {-0.5, -0.5}})
    s += lattice_hop("B1", "B2", dx, dy, sBs);
  s += lattice_hop("B1", "B1", 0, 1, sBl) + lattice_hop("B2", "B2", 1, 0, sBl);
  return s;
}

/// Minkowski and Zaluska-Kotur, Sec. III.1.3: square cell of side 1, A at the corner, B at the
/// centre, C1 between two A along x (and two B along y), C2 between two A along y; A-C hops over
/// sAC, B-C over sBC.
inline std::string mzk_three_site_square(double eA, double eB, double eC, double sAC, double sBC) {
  std::string s = lattice_cell(1, 0, 0, 1) + lattice_site("A", 0, 0, eA) +
                  lattice_site("B", 0.5, 0.5, eB) + lattice_site("C1", 0.5, 0, eC) +
                  lattice_site("C2", 0, 0.5, eC);
  for (double d : {0.5, -0.5}) {
    s += lattice_hop("A", "C1", d, 0, sAC) + lattice_hop("A", "C2", 0, d, sAC);
    s += lattice_hop("B", "C1", 0, d, sBC) + lattice_hop("B", "C2", d, 0, sBC);
  }
  return s;
}

/// Minkowski and Zaluska-Kotur, Sec. III.2.1: honeycomb of two triangular sublattices (cell side 1,
/// A-B distance 1/sqrt 3): 3 A-B hops over sAB, 6 same-sublattice hops at distance 1 over sAA, sBB.
inline std::string mzk_two_hexagonal(double eA, double eB, double sAB, double sAA, double sBB) {
  const double h = std::sqrt(3.0) / 2.0, r = 1.0 / std::sqrt(3.0);
  std::string s =
      lattice_cell(1, 0, 0.5, h) + lattice_site("A", 0, 0, eA) + lattice_site("B", 0.5, r / 2, eB);
  for (double ang : {90.0, 210.0, 330.0})
    s +=
        lattice_hop("A", "B", r * std::cos(ang * M_PI / 180), -r * std::sin(ang * M_PI / 180), sAB);
  for (double ang : {0.0, 60.0, 120.0}) {
    const double dx = std::cos(ang * M_PI / 180), dy = std::sin(ang * M_PI / 180);
    s += lattice_hop("A", "A", dx, dy, sAA) + lattice_hop("B", "B", dx, dy, sBB);
  }
  return s;
}

/// Minkowski and Zaluska-Kotur, Sec. III.2.2: triangular lattice (spacing 1) in three sublattices
/// A, B, C (sqrt3 x sqrt3 cell); each site has 3 neighbours of each other sublattice. Saddles sAB,
/// sBC, sCA.
inline std::string mzk_three_hexagonal(double eA, double eB, double eC, double sAB, double sBC,
                                        double sCA) {
  const double h = std::sqrt(3.0) / 2.0;
  std::string s = lattice_cell(1.5, h, 0, 2 * h) + lattice_site("A", 0, 0, eA) +
                  lattice_site("B", 1, 0, eB) + lattice_site("C", 0.5, h, eC);
  // from each sublattice, the neighbours at +e1, -e2, e2 - e1 belong to the next one
  const std::vector<std::pair<double, double>> next{{1, 0}, {-0.5, -h}, {-0.5, h}};
  const std::vector<std::tuple<std::string, std::string, double>> links{
      {"A", "B", sAB}, {"B", "C", sBC}, {"C", "A", sCA}};
  for (const auto& [from, to, saddle] : links)
    for (auto [dx, dy] : next) s += lattice_hop(from, to, dx, dy, saddle);
  return s;
}

/// No symmetry at all: an oblique cell with three sites of different depths and hops of
/// different saddles in several directions, so the geometrical phases do not vanish and the
/// tensor has an off-diagonal part.
inline std::string oblique_three_site() {
  return lattice_cell(1.0, 0.0, 0.3, 0.9) + lattice_site("A", 0, 0, 0) +
         lattice_site("B", 0.45, 0.1, 0.25) + lattice_site("C", 0.2, 0.5, 0.1) +
         lattice_hop("A", "B", 0.45, 0.1, 0.7) + lattice_hop("B", "A", 0.55, -0.1, 0.9) +
         lattice_hop("A", "C", 0.2, 0.5, 0.8) + lattice_hop("C", "A", 0.1, 0.4, 0.65) +
         lattice_hop("B", "C", -0.25, 0.4, 0.75) + lattice_hop("C", "B", 0.55, 0.5, 0.85) +
         lattice_hop("A", "A", 0.3, 0.9, 1.0);
}

}  // namespace td::testing
