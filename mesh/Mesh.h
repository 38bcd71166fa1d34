#pragma once
/// @file Mesh.h  Structured Cartesian finite-volume meshes (1D/2D/3D), uniform or stretched,
/// distributed with a PETSc DMDA (one DMDA dof per transported field).
///
/// Cells are the boxes between consecutive node coordinates along each axis; unknowns live
/// at cell centres. Node coordinates are replicated on every rank (they are 1D arrays).
#include <petscdmda.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/Petsc.h"

namespace td {

class InputSection;

/// One axis: node coordinates x_0 < x_1 < ... < x_n (n cells) and periodicity.
struct Axis {
  std::vector<double> nodes;  ///< length unit of the case
  bool periodic = false;

  int cells() const { return static_cast<int>(nodes.size()) - 1; }
  double length() const { return nodes.back() - nodes.front(); }
  double center(int i) const { return 0.5 * (nodes[i] + nodes[i + 1]); }
  double width(int i) const { return nodes[i + 1] - nodes[i]; }
  /// Distance between the centres of cells i and i+1 (wrapping for periodic axes).
  double center_distance(int i) const;
};

/// Node-generating laws for an axis (factory: "uniform", "geometric", "tanh", "nodes").
/// @return node coordinates from @p x0 to @p x0 + @p length with @p n cells.
std::vector<double> uniform_nodes(double x0, double length, int n);

/// Most faces between slabs along the last axis, over the fewest of any grid, at which
/// rank_grid takes the slabs. Why: the single-precision multigrid, the steady default for one
/// field (mesh/StencilMultigrid.h), splits its levels into slabs along the last axis and
/// leaves any other partition to PFMG, which took twice its time on 2 ranks (bench_steady 2D
/// 1024^2: 0.56 s and 14 iterations against 0.28 s and 5; 3D 128^3: 2.05 s against 0.71 s).
inline constexpr double kSlabFaceFactor = 2.0;
/// Fewest cells across a slab of rank_grid's (the multigrid's two ghost units).
inline constexpr int kMinSlabCells = 2;

/// The grid of m x n x p = @p ranks blocks (ranks along x, y, z) in which @p ranks ranks share
/// a mesh of @p cells cells along its first @p dim axes (the others count as one cell): slabs
/// along the last axis (2D: y, 3D: z), each at least kMinSlabCells thick, where their faces
/// are at most kSlabFaceFactor times the fewest; otherwise blocks at least one cell wide along
/// every axis with the fewest faces between them, ties to the grid that splits the outer axes
/// most. {0, 0, 0} if no grid fits.
std::array<PetscInt, 3> rank_grid(int dim, const std::array<int, 3>& cells, int ranks);

/// A distributed structured mesh.
class Mesh {
 public:
  /// @param dim 1, 2 or 3; axes beyond dim are ignored.
  /// @param dof number of fields per cell (species).
  Mesh(MPI_Comm comm, int dim, std::array<Axis, 3> axes, int dof);
  /// Cells owned by each rank coordinate along each axis (DMDACreate's lx, ly, lz).
  using Partition = std::array<std::vector<PetscInt>, 3>;
  /// A mesh whose DMDA has the partition @p owned (owned[a]: the cell count of each rank
  /// coordinate along axis a; one entry for a >= dim), for meshes that must follow another
  /// one's partition, such as the coarse levels of a multigrid hierarchy. The DMDA's options
  /// (-da_*) are not read: they would change the partition or the cell counts.
  Mesh(MPI_Comm comm, int dim, std::array<Axis, 3> axes, int dof, const Partition& owned);
  ~Mesh() = default;
  Mesh(const Mesh&) = delete;
  Mesh& operator=(const Mesh&) = delete;

  /// Build from an input [mesh] section. Keys: dim, and per axis x/y/z sub-tables with
  /// cells, length, origin, grading (type = uniform|geometric|tanh|nodes) and periodic.
  /// @p sized, when given, is called with the number of cells (all ranks) once the input
  /// is validated, before the DMDA is created (HeapPrefault starts there).
  static std::unique_ptr<Mesh> from_input(MPI_Comm comm, InputSection& section, int dof,
                                          const std::function<void(std::size_t)>& sized = {});

  MPI_Comm comm() const;
  int dim() const { return dim_; }
  int dof() const { return dof_; }
  const Axis& axis(int a) const { return axes_[a]; }
  /// Global number of cells along axis a (1 for a >= dim).
  int cells(int a) const { return a < dim_ ? axes_[a].cells() : 1; }
  long total_cells() const;
  /// The DMDA (owned by the Mesh). Its points are cells: interpolation type DMDA_Q0, so that
  /// DMCoarsen halves the cell count along each axis and interpolation between levels is
  /// piecewise constant.
  DM dm() const { return dm_; }
  /// A new DMDA with the layout of dm() and @p dof fields per cell (cell-centred, DMDA_Q0),
  /// for one solver. PETSc stores a solver's callbacks and coarse-level hooks on the DM it is
  /// given (SNESSetDM, KSPSetDM) and they outlive the solver; a DM per solver keeps solvers
  /// that share the mesh apart.
  Owned<DM> solver_dm(int dof) const;
  /// A new global vector of @p dof values per owned cell, in the order of a DMDA vector of
  /// dof fields (cells x fastest, components innermost; block size dof), for cell fields that
  /// are written and read at their own cell only (output fields). It has no DMDA of its own,
  /// whose set-up (index sets, scatters) costs more than filling the field: its DM
  /// (VecGetDM) is dm(), which gives writers such as H5Output the cell box, and the components
  /// per cell are its local size over the owned cells.
  Owned<Vec> create_cell_vector(int dof) const;
  /// Levels the geometric multigrid hierarchy (mesh/Multigrid.h) can have on this mesh: each
  /// coarsening pairs the cells along every axis (n -> ceil(n/2)), and each coarse grid keeps
  /// at least 2 cells per rank along each axis. 1: the mesh cannot be coarsened.
  int max_mg_levels() const;
  /// Whether PETSc's DMDA coloring (DMCreateColoring, used by -snes_fd_color) is valid on this
  /// mesh: its colours repeat with period 5 along the axes of a 2D star stencil and 3 in 1D
  /// and 3D, so along a periodic axis whose cell count is not a multiple of the period two
  /// columns coupled through the wrap-around face share a colour (PETSc 3.18 does not check).
  bool dmda_coloring_valid() const;
  /// First owned cell index and owned count along each axis (0 and 1 for a >= dim).
  std::array<int, 3> start() const { return start_; }
  std::array<int, 3> count() const { return count_; }
  /// Cell volume (length^dim).
  double volume(int i, int j, int k) const {
    double v = axes_[0].width(i);
    if (dim_ > 1) v *= axes_[1].width(j);
    if (dim_ > 2) v *= axes_[2].width(k);
    return v;
  }
  /// Area of the face normal to axis a of cell (i,j,k) (length^(dim-1); 1 in 1D).
  double face_area(int a, int i, int j, int k) const {
    const std::array<int, 3> idx{i, j, k};
    double area = 1.0;
    for (int b = 0; b < dim_; ++b)
      if (b != a) area *= axes_[b].width(idx[b]);
    return area;
  }
  /// Centre coordinate along axis a of cell index idx.
  double center(int a, int idx) const { return a < dim_ ? axes_[a].center(idx) : 0.0; }
  /// Centre of cell (i,j,k) as a point (unused coordinates 0).
  std::array<double, 3> center(int i, int j, int k) const {
    return {center(0, i), center(1, j), center(2, k)};
  }

 private:
  /// The DMDA with @p owned as its partition (null: PETSc's, and the -da_* options read).
  void create_dm(MPI_Comm comm, const Partition* owned);
  int dim_;
  int dof_;
  std::array<Axis, 3> axes_;
  Owned<DM> dm_;
  std::array<int, 3> start_{0, 0, 0};
  std::array<int, 3> count_{1, 1, 1};
};

}  // namespace td
