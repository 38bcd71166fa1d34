#pragma once
/// @file StencilMultigrid.h  A cell-centred geometric multigrid V-cycle on 5-point (2D) or
/// 7-point (3D) stencil arrays in single precision, for one field per cell: the
/// preconditioner of `-td_pc gmg` (setup_structured_multigrid, mesh/StructuredMultigrid.h).
///
/// Why it exists: hypre's PFMG, the default elsewhere, semicoarsens one axis at a time with
/// Galerkin coarse operators of wider stencils (9 points in 2D); its V(1,1) cycle costs about
/// six products with the operator, and the cycles are most of a steady solve (docs/solvers.md,
/// "Where the one-field time goes"). PETSc 3.18 and Debian's hypre compute in double precision
/// only. A preconditioner need not: this cycle keeps its operators and vectors in `float`, halving
/// the memory it streams, with loops the compiler vectorises; the Krylov method, its products with
/// the operator and every residual stay in double, so the answer is exact to the Krylov tolerance
/// (mixed-precision iterative refinement). A cycle rounded to single precision is not exactly
/// linear, so the Krylov method must be flexible (fbcgs, fgmres, gcr) or Richardson (the
/// default: iterative refinement, the cycle as the solver).
///
/// The cycle (the design study bench/bench_stencil_mg measured it beside PFMG):
///  - levels: the mesh and its coarsenings by pairs of cells along each axis (an odd count
///    keeps a single last cell), down to the coarsest of stencil_levels() (at most
///    Mesh::max_mg_levels(), fewer under a drift);
///  - operators: the caller's discretisation on each level (set_up), the rediscretised
///    finite-volume operators of fv/CoarseOperators.h, not Galerkin products;
///  - smoothing: one red-black Gauss-Seidel sweep before the coarse correction and three
///    after (V(1,3)), each beginning with the same colour; the second colour of each row (in 3D of
///    each plane) right behind the first colour of the next: one pass over memory per sweep;
///  - restriction: the sum of the children's residuals (the residual is an amount per cell),
///    computed row by row and summed at once;
///  - prolongation: linear between coarse centres along each axis (Wesseling, Multigrid.h);
///    at a wall where the correction vanishes (a fixed value) linear to zero on the wall,
///    at other walls the parent's value;
///  - coarsest level: solved exactly (sparse LU of its stencil in double, Eigen's SparseLU;
///    at most kMaxStencilCoarsestCells cells);
///  - on several ranks: the mesh's partition must cut only its last axis (slabs, as the
///    mesh's rank_grid cuts it where that costs at most twice the fewest faces), with at
///    least two levels. The fine levels are split the same way; before
///    each sweep a rank receives the two units (rows in 2D, planes in 3D) beyond its own from
///    its neighbours and relaxes the first colour of the nearest itself, so that a sweep is
///    one pass over its memory as on one rank. The coarser levels, from the first of fewer
///    than 16384 cells or whose slabs would not coarsen into slabs, are held whole by every
///    rank (the right-hand side summed over the ranks), and relaxed and solved redundantly.
/// The operator of each level is scaled by its largest diagonal entry and the right-hand
/// side by a factor that brings its largest entry within [1/1024, 1024] before rounding to
/// `float` (the previous call's where it does), so that no value leaves float's range
/// whatever the units.
#include <petscksp.h>

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mesh/Mesh.h"

namespace td {

/// What a solver offers the single-precision geometric multigrid: whether it assembles the
/// coarse levels' operators (fv/CoarseOperators.h attach_stencil), and the largest cell
/// Peclet number of its drift (FVSystem::max_cell_peclet), which the default and the number
/// of levels (stencil_levels) depend on.
struct StencilOffer {
  bool coarse_operators = false;
  double peclet = 0.0;
  /// The drift's span (FVSystem::DriftResolution::psi_span): the answer may fall to e^-span
  /// of its largest value.
  double span = 0.0;
};

/// Largest cell aspect ratio (max_cell_aspect_ratio, mesh/Multigrid.h) at which the
/// single-precision multigrid is the default. Why: its point smoother and full coarsening do
/// not relax strong coupling along one axis, where PFMG's semicoarsening does. Measured on a
/// 2D Soret cell with the gradient along y and c fixed on x = 0, 256 x ny cells over a
/// square, Krylov iterations PFMG / gmg: aspect 1: 15 / 10; 2: 18 / 15; 4: 14 / 28;
/// 16: 13 / 105 (docs/solvers.md).
inline constexpr double kMaxStencilAspect = 2.0;
/// Largest cell Peclet number of the drift at which it is the default. Why: its rediscretised
/// coarse operators and point smoother lose efficiency as the drift grows (the design study:
/// 256^2, 17 cycles at cell Peclet number 0.02, 21 at 0.2, 25 at 0.8, 61 at 8).
inline constexpr double kMaxStencilPeclet = 1.0;
/// Largest span of the drift at which it is the default. Why (measured, not derived): the
/// steady solver asks every cell for a residual within 1e-10 of its own terms
/// (kSteadyMaxCellResidual), and the cycle computes in single precision, whose relative
/// precision (6e-8) and range (down to 1.2e-38) the corrections of cells e^-span below the
/// largest value approach as the span grows: at span 60 a 128^2 cell stopped at a cell
/// residual of 2.6e-8 under it, where PFMG met the test; at 30 both do.
inline constexpr double kMaxStencilSpan = 30.0;
/// Most cells of the coarsest level, which the cycle solves by LU. Why: the levels stop where
/// an axis would fall below 2 cells, so a mesh only a few cells across one axis keeps a large
/// coarsest level (2 x 2048 cells on a 4 x 4096 mesh), on which the cycle is no longer a
/// multigrid; the limit was set for a dense LU (134 MB there) and kept for the sparse one.
inline constexpr std::size_t kMaxStencilCoarsestCells = 512;

/// Largest cell Peclet number of the level the cycle solves by LU, unless that level has
/// more than kMaxStencilCoarsestCells cells (then the levels go deeper). Why: each coarsening
/// doubles the cells' Peclet number, and the rediscretised operators of the coarsest levels then no
/// longer correct the finer ones well. Steady benchmark (S_T = 5: cell Peclet number 0.005 at
/// 1024^2), Richardson under V(1,2): a reduction of 0.14 per cycle coarsened down to 2 x 2 cells
/// (Peclet number 2.5), 0.07 down to 8 x 8 (0.62); 10-11 cycles where there were 14-15, at any
/// limit from 0.1 to 1, 12 at 2 (bench_steady 2D 1024^2 and 3D 64^3).
inline constexpr double kMaxCoarsestPeclet = 1.0;

/// Cells of the coarsest level of @p mesh's hierarchy (Mesh::max_mg_levels() levels).
std::size_t stencil_coarsest_cells(const Mesh& mesh);

/// Levels of the single-precision multigrid on @p mesh (its own level included) for a
/// drift whose largest cell Peclet number on it is @p peclet: down to the coarsest level
/// whose cell Peclet number is within kMaxCoarsestPeclet, or deeper where that level has
/// more than kMaxStencilCoarsestCells cells; at most Mesh::max_mg_levels().
int stencil_levels(const Mesh& mesh, double peclet);

/// Why the partition of @p mesh among its ranks does not suit the cycle (a phrase after
/// "needs"), or empty when it does: one rank, or slabs along the last axis at least two cells
/// thick. Collective on the mesh's communicator.
std::string stencil_partition_problem(const Mesh& mesh);

/// Why the levels of @p mesh under a drift of cell Peclet number @p peclet (stencil_levels)
/// do not suit the cycle (a phrase after "needs"), or empty when they do: on several ranks
/// at least two, since the mesh is split among them and the coarsest level held whole.
std::string stencil_levels_problem(const Mesh& mesh, double peclet);

/// Tolerances of a Richardson iteration, as KSPSetTolerances takes them.
struct RichardsonTolerances {
  double rtol = 0.0;     ///< on the preconditioned residual norm, relative to the first
  double atol = 0.0;     ///< on the preconditioned residual norm
  double dtol = 0.0;     ///< divergence: the norm at least dtol times the first
  PetscInt max_its = 0;  ///< cycles at most
};

class StencilMultigrid {
 public:
  /// The hierarchy of @p mesh (2D or 3D, no periodic axis, a partition that suits it
  /// (stencil_partition_problem), a coarsest level of at most kMaxStencilCoarsestCells; Error
  /// otherwise). Collective.
  /// @p peclet: the largest cell Peclet number of the drift on @p mesh (stencil_levels).
  StencilMultigrid(const Mesh& mesh, double peclet);
  ~StencilMultigrid();
  StencilMultigrid(const StencilMultigrid&) = delete;
  StencilMultigrid& operator=(const StencilMultigrid&) = delete;

  /// Levels, the mesh included (coarse_meshes(mesh, 1, levels()) are the others).
  int levels() const;
  /// Levels split among the ranks, the finest first (0 on one rank).
  int split_levels() const;
  /// Borrow the coarse levels' operators, coarsest first (levels() - 1 struct operators,
  /// create_struct_operator on coarse_meshes(mesh, 1, levels())): set_up reads their values.
  /// @p zero_walls[2 a + s]: the correction vanishes on the wall of axis a, side s (0 lower,
  /// 1 upper), where the field's value is fixed (a Dirichlet face).
  void set_coarse_operators(std::vector<Mat> coarse, std::array<bool, 6> zero_walls);
  /// Whether set_coarse_operators was called.
  bool has_coarse_operators() const;
  /// Read every level's operator: @p fine, a struct operator on the mesh, and the coarse
  /// ones; factor the coarsest. Throws Error when the coarse operators are missing or of
  /// the wrong size, or an operator has a zero diagonal entry.
  void set_up(Mat fine);
  /// @p x = one V-cycle applied to @p b from a zero guess (as apply), as the preconditioner
  /// of a Krylov method: the last solve is then not richardson()'s.
  void apply_one(const double* b, double* x);
  /// @p x = one V-cycle applied to @p b from a zero guess (owned cells, DMDA order); with
  /// @p add, @p x += that correction instead. Returns this rank's sum of the correction's
  /// squares (for the preconditioned residual norm of a Richardson iteration).
  double apply(const double* b, double* x, bool add = false);
  /// Solve A @p x = @p b by Richardson iteration under the cycle, x += B (b - A x), from
  /// x = 0 with @p guess_zero (else from @p x), @p r a work vector: what KSPRICHARDSON does
  /// with its own vectors, in fewer passes over memory (PCShellSetApplyRichardson).
  /// Stops as KSPConvergedDefault judges the preconditioned residual norm ||B (b - A x)||
  /// against @p tol (relative to the first such norm, or to ||B b|| from a non-zero guess),
  /// after at most max_its + 1 cycles, KSPRICHARDSON's max_its corrections and the test of
  /// one more; unlike KSPRICHARDSON it applies the correction of its last test too, and
  /// @p its counts the cycles. Returns the KSP's reason: KSP_DIVERGED_ITS when the last
  /// test failed. Collective.
  KSPConvergedReason richardson(Mat A, Vec b, Vec x, Vec r, const RichardsonTolerances& tol,
                                bool guess_zero, PetscInt& its);
  /// The preconditioned residual norm at the end of the last solve, if richardson() ran
  /// it (PCApplyRichardson: the KSP does not see that norm); empty if a Krylov method or
  /// KSPRICHARDSON's own loop applied the cycle since, or before any solve.
  std::optional<double> richardson_norm() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Install a StencilMultigrid on @p ksp's preconditioner (a PCSHELL owning it); the KSP
/// becomes Richardson (with the preconditioned residual norm) unless -{prefix}ksp_type is
/// given, which must then be a
/// flexible method (fbcgs, fgmres, gcr) or richardson: Error otherwise. Called by
/// setup_structured_multigrid for -td_pc gmg and where it is the default.
void install_stencil_multigrid(KSP ksp, const Mesh& mesh, double peclet);

/// Whether -{prefix}ksp_type is unset or a Krylov type a single-precision cycle may
/// precondition (flexible, or richardson).
bool flexible_krylov_or_default(const char* prefix);

/// The StencilMultigrid of @p ksp's preconditioner, or null when it has another one.
StencilMultigrid* stencil_multigrid(KSP ksp);

}  // namespace td
