#pragma once
/// @file Walkers.h  Independent walkers hopping on a lattice of adatom sites (1D chain, 2D square
/// or the fcc and hcp hollows of an FCC(111) surface) by rejection-free kinetic Monte Carlo
/// (n-fold way over the hops of the occupied site), with per-walker Philox streams and
/// rank-independent statistics (docs/theory.md#stochastic).
#include <mpi.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/Factory.h"
#include "core/Input.h"
#include "core/Progress.h"
#include "models/Adatom.h"
#include "models/TemperatureField.h"

namespace td {

/// The adatom sites and the hops between them as tables (one walker engine for every
/// geometry). A lattice geometry (`[lattice] type`, HopLatticeFactory; one file each:
/// stochastic/HopSquare.cpp, stochastic/HopFcc111.cpp) fills them. Every site has
/// `hops_per_site()` hop slots; a slot whose target is -1 crosses a reflecting wall and has
/// rate 0.
struct HopLattice {
  int dim = 1;                 ///< dimension of the positions and displacements (1 or 2)
  int z = 2;                   ///< hop slots per site
  std::array<int, 2> n{1, 1};  ///< cells per axis of the temperature mesh (sites per axis of
                               ///< the square lattice; sites per row and rows of fcc111)
  std::array<bool, 2> periodic{false, false};
  double a = 1.0;  ///< lattice spacing (length): the square lattice's, or the distance of
                   ///< neighbouring fcc hollows on fcc111
  std::array<double, 2> origin{0.0, 0.0};  ///< lower corner of the domain (length)
  std::array<double, 2> length{1.0, 1.0};  ///< domain size per axis (length)
  /// One mesh cell per site in site order: the finite-volume Fokker-Planck equation of the
  /// same rates can be solved on the temperature mesh (square lattice).
  bool fokker_planck_mesh = true;
  std::vector<Point> site;                  ///< positions (length)
  std::vector<double> energy;               ///< site energies above the deepest (energy)
  std::vector<int> target;                  ///< sites * z targets, -1 through a wall
  std::vector<std::array<double, 2>> step;  ///< sites * z displacements (length)
  std::vector<double> rate;                 ///< sites * z hop rates (1/time)

  int hops_per_site() const { return z; }
  int sites() const { return static_cast<int>(site.size()); }
  Point position(int s) const { return site[s]; }
  /// Site reached by hop @p h from site @p s, or -1 through a reflecting wall.
  int neighbour(int s, int h) const { return target[static_cast<std::size_t>(s) * z + h]; }
  /// The saddle of hop @p h from site @p s, halfway along the hop (length; not wrapped
  /// across a periodic boundary).
  Point saddle(int s, int h) const;
  /// The site nearest to point @p x.
  int nearest(const Point& x) const;
  /// The spacing of the 1D chain with the same single-particle D_xx when every hop has the
  /// same rate: sqrt(sum_h step_x^2 / 2) over the slots of site 0 (length); a on the square
  /// lattice, a/2 on fcc111 (docs/stochastic.md).
  double x_spacing() const;
  /// Allocate the tables of @p sites sites of @p hops slots each (targets -1).
  void allocate(int sites, int hops);
};

/// Creators receive the [lattice] table and the spacing a (length) of the rate model; they
/// check the size against limits::check_memory and call finish().
using HopLatticeFactory = Factory<HopLattice, InputSection&, double>;

/// The geometry of an adatom case's [lattice] table (key `type`, default "square").
std::unique_ptr<HopLattice> make_hop_lattice(InputSection& s, double spacing);

/// The keys every geometry reads: sites, origin, periodic_x, periodic_y.
const ParamSpec& lattice_sites_param();
const ParamSpec& lattice_origin_param();
const ParamSpec& lattice_periodic_param(int axis);

/// Read sites ([nx] or [nx, ny] for @p dim 1 or 2), origin and periodicity of @p s into
/// @p lat, with the memory check for @p sites_per_entry sites per (nx ny) and @p hops slots.
/// Returns the counts per axis.
std::array<int, 2> read_lattice_extent(InputSection& s, HopLattice& lat, int dim,
                                       int sites_per_entry, int hops);

/// Geometry of the square lattice (rates not yet set): sites at origin + a (i + 1/2) along each
/// axis, hops to the 2 dim nearest neighbours in the order +x, -x, +y, -y.
HopLattice hop_geometry(int dim, std::array<int, 2> n, std::array<bool, 2> periodic, double a,
                        std::array<double, 2> origin);

/// Fill the rates of @p lat from the rate model @p m: each hop from its site (with the site's
/// energy) over the saddle halfway to the target; @p T the temperature field (null if the model
/// needs none).
void set_adatom_rates(HopLattice& lat, const AdatomRates& m, const TemperatureField* T);

struct WalkerOptions {
  long walkers = 1000;
  std::uint64_t seed = 1;
  double t_end = 1.0;          ///< time
  int samples = 100;           ///< sample times t_k = k t_end / samples, k = 0..samples
  int trajectories = 0;        ///< walkers (the first ones) whose sampled paths are kept
  bool uniform_start = false;  ///< start on a random site (uniform) instead of start_site
  int start_site = 0;
};

struct WalkerStatistics {
  int dim = 1;
  long walkers = 0;
  std::vector<double> time;                      ///< samples + 1
  std::vector<std::array<double, 2>> mean, sem;  ///< mean position and its standard error
  std::vector<double> msd, msd_sem;              ///< mean squared displacement (length^2)
  std::vector<long long> histogram;              ///< walkers per site at t_end
  std::vector<double> trajectories;              ///< [walker][sample][dim] positions
  long long hops = 0;                            ///< all ranks
};

/// Run the walkers (collective on @p comm); results identical on every rank and for any
/// number of ranks.
/// Finished walkers are reported to @p progress when given.
WalkerStatistics run_walkers(MPI_Comm comm, const HopLattice& lat, const WalkerOptions& opt,
                             Progress* progress = nullptr);

}  // namespace td
