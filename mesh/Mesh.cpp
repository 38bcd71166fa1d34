#include "mesh/Mesh.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "core/Error.h"
#include "core/Factory.h"
#include "core/Input.h"
#include "core/KeyRegistry.h"
#include "core/Limits.h"
#include "core/Petsc.h"
#include "mesh/Grading.h"

namespace td {

double Axis::center_distance(int i) const {
  const int n = cells();
  if (i < n - 1) return center(i + 1) - center(i);
  // wrap-around face of a periodic axis
  return 0.5 * width(n - 1) + 0.5 * width(0);
}

std::vector<double> uniform_nodes(double x0, double length, int n) {
  std::vector<double> x(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i <= n; ++i) x[i] = x0 + length * static_cast<double>(i) / n;
  x[n] = x0 + length;
  return x;
}

// Why not PETSc's choice: its heuristic aims at square blocks without looking at the cell
// counts and then refuses what it chose ("Partition in x direction is too fine! 2 3" for 3
// ranks on a 2 x 3 x 1 mesh, which fits as 1 x 3 x 1).
std::array<PetscInt, 3> rank_grid(int dim, const std::array<int, 3>& cells, int ranks) {
  std::array<PetscInt, 3> best{0, 0, 0};
  // (faces between blocks, -blocks along z, -blocks along y): the least wins
  std::tuple<double, int, int> best_key{std::numeric_limits<double>::infinity(), 0, 0};
  const auto n = [&](int a) { return a < dim ? static_cast<double>(cells[a]) : 1.0; };
  const auto faces = [&](int m, int q, int p) {
    return (m - 1) * n(1) * n(2) + (q - 1) * n(0) * n(2) + (p - 1) * n(0) * n(1);
  };
  for (int m = 1; m <= std::min(ranks, cells[0]); ++m) {
    if (ranks % m != 0) continue;
    const int rest = ranks / m;
    for (int q = 1; q <= (dim > 1 ? std::min(rest, cells[1]) : 1); ++q) {
      if (rest % q != 0) continue;
      const int p = rest / q;
      if (p > (dim > 2 ? cells[2] : 1)) continue;
      const std::tuple<double, int, int> key{faces(m, q, p), -p, -q};
      if (key < best_key) {
        best_key = key;
        best = {m, q, p};
      }
    }
  }
  // slabs along the last axis, kMinSlabCells thick or more, where their faces are at most
  // kSlabFaceFactor times the fewest
  const int last = dim - 1;
  if (dim > 1 && ranks > 1 && cells[last] >= kMinSlabCells * ranks) {
    std::array<int, 3> slab{1, 1, 1};
    slab[last] = ranks;
    const double slab_faces = faces(slab[0], slab[1], slab[2]);
    if (slab_faces <= kSlabFaceFactor * std::get<0>(best_key)) return {slab[0], slab[1], slab[2]};
  }
  return best;
}

namespace {

bool ranks_fit(int dim, const std::array<int, 3>& cells, int ranks) {
  return rank_grid(dim, cells, ranks)[0] > 0;
}

/// Why the ranks of @p comm cannot share a mesh of @p cells cells along its first @p dim axes
/// (ranks_fit), naming the most ranks that can; empty if they can.
std::string sharing_problem(MPI_Comm comm, int dim, const std::array<int, 3>& cells) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (ranks_fit(dim, cells, ranks)) return {};
  int most = ranks - 1;
  while (most > 1 && !ranks_fit(dim, cells, most)) --most;
  std::string shape = std::to_string(cells[0]);
  for (int a = 1; a < dim; ++a) shape += " x " + std::to_string(cells[a]);
  return fmt::format(
      "a mesh of {} cells cannot be shared by {} ranks: every rank takes a block at least one "
      "cell wide along each axis; run on at most {} {}, or refine the mesh",
      shape, ranks, most, most == 1 ? "rank" : "ranks");
}

}  // namespace

Mesh::Mesh(MPI_Comm comm, int dim, std::array<Axis, 3> axes, int dof)
    : dim_(dim), dof_(dof), axes_(std::move(axes)) {
  create_dm(comm, nullptr);
}

Mesh::Mesh(MPI_Comm comm, int dim, std::array<Axis, 3> axes, int dof, const Partition& owned)
    : dim_(dim), dof_(dof), axes_(std::move(axes)) {
  create_dm(comm, &owned);
}

void Mesh::create_dm(MPI_Comm comm, const Partition* owned) {
  if (dim_ < 1 || dim_ > 3) throw Error(fmt::format("mesh dimension {} not in [1, 3]", dim_));
  if (dof_ < 1) throw Error("mesh needs at least one field per cell");
  for (int a = 0; a < dim_; ++a) {
    if (axes_[a].cells() < 1) throw Error(fmt::format("mesh axis {} has no cells", a));
    for (int i = 0; i < axes_[a].cells(); ++i)
      if (!(axes_[a].nodes[i + 1] > axes_[a].nodes[i]))
        throw Error(fmt::format("mesh axis {}: node coordinates must increase (node {})", a, i));
  }
  // the partition: rank coordinates per axis and their cell counts, or PETSc's choice
  std::array<PetscInt, 3> procs{PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE};
  std::array<const PetscInt*, 3> lx{nullptr, nullptr, nullptr};
  if (owned) {
    for (int a = 0; a < dim_; ++a) {
      const auto& n = (*owned)[a];
      PetscInt sum = 0;
      for (PetscInt c : n) sum += c;
      if (n.empty() || sum != cells(a) ||
          std::any_of(n.begin(), n.end(), [](PetscInt c) { return c < 1; }))
        throw Error(
            fmt::format("mesh axis {}: a partition of {} cells must give every rank at "
                        "least one cell and add up to them",
                        a, cells(a)));
      procs[a] = static_cast<PetscInt>(n.size());
      lx[a] = n.data();
    }
  }
  if (!owned) {
    // PETSc's own message ("Partition in y direction is too fine! 1 2") names neither the
    // mesh nor the way out.
    const std::array<int, 3> counts{cells(0), cells(1), cells(2)};
    const std::string problem = sharing_problem(comm, dim_, counts);
    if (!problem.empty()) throw Error(problem);
    // -da_processors_x/y/z, where given, take PETSc's choice with them
    PetscBool given = PETSC_FALSE;
    for (const char* axis : {"-da_processors_x", "-da_processors_y", "-da_processors_z"}) {
      PetscBool has = PETSC_FALSE;
      petsc_check(PetscOptionsHasName(nullptr, nullptr, axis, &has), "PetscOptionsHasName");
      given = given || has ? PETSC_TRUE : PETSC_FALSE;
    }
    if (!given) {
      int ranks = 1;
      MPI_Comm_size(comm, &ranks);
      procs = rank_grid(dim_, counts, ranks);
    }
  }
  auto bt = [&](int a) { return axes_[a].periodic ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE; };
  if (dim_ == 1) {
    petsc_check(DMDACreate1d(comm, bt(0), cells(0), dof_, 1, lx[0], dm_.out()), "DMDACreate1d");
  } else if (dim_ == 2) {
    petsc_check(DMDACreate2d(comm, bt(0), bt(1), DMDA_STENCIL_STAR, cells(0), cells(1), procs[0],
                             procs[1], dof_, 1, lx[0], lx[1], dm_.out()),
                "DMDACreate2d");
  } else {
    petsc_check(
        DMDACreate3d(comm, bt(0), bt(1), bt(2), DMDA_STENCIL_STAR, cells(0), cells(1), cells(2),
                     procs[0], procs[1], procs[2], dof_, 1, lx[0], lx[1], lx[2], dm_.out()),
        "DMDACreate3d");
  }
  // Points are cells: coarsening halves the cell count (vertex-centred Q1 would keep the end
  // points, (M - 1)/2 + 1) and multigrid interpolation is piecewise constant. No DMDA
  // coordinates are set: the geometry lives in the axes, and DMCoarsen carries coordinates
  // over by vertex injection, which cannot map M cells onto M/2.
  petsc_check(DMDASetInterpolationType(dm_, DMDA_Q0), "DMDASetInterpolationType");
  if (!owned) petsc_check(DMSetFromOptions(dm_), "DMSetFromOptions");
  petsc_check(DMSetUp(dm_), "DMSetUp");
  PetscInt xs, ys, zs, xm, ym, zm;
  petsc_check(DMDAGetCorners(dm_, &xs, &ys, &zs, &xm, &ym, &zm), "DMDAGetCorners");
  start_ = {static_cast<int>(xs), static_cast<int>(ys), static_cast<int>(zs)};
  count_ = {static_cast<int>(xm), static_cast<int>(ym), static_cast<int>(zm)};
}

Owned<DM> Mesh::solver_dm(int dof) const {
  Owned<DM> out;
  petsc_check(DMDACreateCompatibleDMDA(dm_, dof, out.out()), "DMDACreateCompatibleDMDA");
  petsc_check(DMDASetInterpolationType(out, DMDA_Q0), "DMDASetInterpolationType");
  return out;
}

Owned<Vec> Mesh::create_cell_vector(int dof) const {
  const auto ct = count();
  Owned<Vec> v;
  petsc_check(VecCreate(comm(), v.out()), "VecCreate");
  petsc_check(VecSetSizes(v, static_cast<PetscInt>(ct[0]) * ct[1] * ct[2] * dof, PETSC_DECIDE),
              "VecSetSizes");
  petsc_check(VecSetBlockSize(v, dof), "VecSetBlockSize");
  petsc_check(VecSetType(v, VECSTANDARD), "VecSetType");
  petsc_check(VecSetDM(v, dm_), "VecSetDM");
  return v;
}

int Mesh::max_mg_levels() const {
  // Every level keeps the mesh's process grid, so it needs cells on each rank along each
  // axis; two cells per rank keep every rank's share of a coarse level non-empty.
  constexpr PetscInt kMinCoarseCellsPerRank = 2;
  PetscInt M[3], p[3];
  petsc_check(DMDAGetInfo(dm_, nullptr, &M[0], &M[1], &M[2], &p[0], &p[1], &p[2], nullptr, nullptr,
                          nullptr, nullptr, nullptr, nullptr),
              "DMDAGetInfo");
  int levels = 1;
  for (;;) {
    bool halvable = true;
    for (int a = 0; a < dim_; ++a)
      halvable = halvable && (M[a] + 1) / 2 >= kMinCoarseCellsPerRank * p[a];
    if (!halvable) return levels;
    for (int a = 0; a < dim_; ++a) M[a] = (M[a] + 1) / 2;
    ++levels;
  }
}

bool Mesh::dmda_coloring_valid() const {
  const int period = dim_ == 2 ? 5 : 3;
  for (int a = 0; a < dim_; ++a)
    if (axes_[a].periodic && cells(a) % period != 0) return false;
  return true;
}

MPI_Comm Mesh::comm() const { return PetscObjectComm(reinterpret_cast<PetscObject>(dm_.get())); }

long Mesh::total_cells() const { return static_cast<long>(cells(0)) * cells(1) * cells(2); }

// ---------------------------------------------------------------------------------------
namespace {
const ParamSpec kDim{
    "dim", ParamSpec::Type::Integer,    "1", units::Kind::dimensionless, Range::closed(1, 3),
    {},    "number of space dimensions"};
/// Work vectors of the solvers per unknown (state, residual, Krylov basis, CVODE history).
constexpr double kVectorsPerUnknown = 10.0;

const KeyDeclaration kMeshKeys({"mesh",
                                "",
                                "run bd",
                                "Structured mesh of the case (a PETSc DMDA): `dim` and one "
                                "table per axis, `[mesh.x]`, `[mesh.y]`, `[mesh.z]`.",
                                {&kDim}});
// Refuse a mesh whose unknowns do not fit PETSc's 32-bit indices or whose solver storage
// would not fit the memory, before the DMDA is created.
void check_size(const SourceLocation& loc, int dim, const std::array<Axis, 3>& axes, int dof) {
  double cells = 1.0, vmin = 1.0, vmax = 1.0;
  for (int a = 0; a < dim; ++a) {
    cells *= axes[a].cells();
    const auto& x = axes[a].nodes;
    double wmin = std::numeric_limits<double>::infinity(), wmax = 0.0;
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
      wmin = std::min(wmin, x[i + 1] - x[i]);
      wmax = std::max(wmax, x[i + 1] - x[i]);
    }
    vmin *= wmin;
    vmax *= wmax;
    // Widths must be normal numbers (not denormal, not overflowing), and so must the cell
    // volumes and the ratios the fluxes divide by.
    if (!std::isnormal(wmin) || !std::isfinite(wmax) || !std::isnormal(wmax / wmin) ||
        !std::isnormal(1.0 / wmin) || !std::isfinite(1.0 / (wmin * wmin)))
      throw InputError(loc, fmt::format("axis {}: cell widths in [{:g}, {:g}] are not "
                                        "representable for the solvers (too small or too large)",
                                        "xyz"[a], wmin, wmax));
  }
  if (!std::isnormal(vmin) || !std::isfinite(vmax))
    throw InputError(loc,
                     fmt::format("cell volumes in [{:g}, {:g}] are not representable", vmin, vmax));
  const double unknowns = cells * dof;
  if (unknowns > static_cast<double>(std::numeric_limits<PetscInt>::max()))
    throw InputError(loc, fmt::format("{:g} cells x {} fields = {:g} unknowns exceed PETSc's "
                                      "index range ({})",
                                      cells, dof, unknowns, std::numeric_limits<PetscInt>::max()));
  // Per unknown: about ten vectors and a Jacobian row of the star stencil (2 dim + 1 blocks
  // of dof entries, value and column index), twice (matrix and preconditioner).
  const double bytes = kVectorsPerUnknown * sizeof(double) +
                       2.0 * (2 * dim + 1) * dof * (sizeof(double) + sizeof(PetscInt));
  limits::check_memory(loc, unknowns, bytes, "mesh unknowns");
}

}  // namespace

std::unique_ptr<Mesh> Mesh::from_input(MPI_Comm comm, InputSection& s, int dof,
                                       const std::function<void(std::size_t)>& sized) {
  const int dim = static_cast<int>(s.integer(kDim));
  std::array<Axis, 3> axes;
  const char* names[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a) {
    if (a >= dim) {
      if (s.has(names[a]))
        s.fail(names[a], fmt::format("axis '{}' given but dim = {}", names[a], dim));
      axes[a].nodes = {0.0, 1.0};
      continue;
    }
    InputSection ax = s.section(names[a]);
    axes[a] = make_axis(ax);
    ax.finish();
  }
  s.finish();
  check_size(s.location(), dim, axes, dof);
  const std::string problem =
      sharing_problem(comm, dim, {axes[0].cells(), axes[1].cells(), axes[2].cells()});
  if (!problem.empty()) throw InputError(s.location(), problem);
  if (sized)
    sized(static_cast<std::size_t>(axes[0].cells()) * static_cast<std::size_t>(axes[1].cells()) *
          static_cast<std::size_t>(axes[2].cells()));
  return std::make_unique<Mesh>(comm, dim, std::move(axes), dof);
}

}  // namespace td
