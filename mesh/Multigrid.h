#pragma once
/// @file Multigrid.h  Geometric multigrid on a Mesh: a hierarchy of coarse meshes (cells paired
/// along each axis), cell-centred linear prolongations between them built from the cell
/// centres (bilinear in 2D, trilinear in 3D, on stretched meshes too), and the set-up of
/// PETSc's PCMG with those prolongations and Galerkin coarse operators.
///
/// Cell-centred prolongation (P. Wesseling, "Cell-centered multigrid for interface problems",
/// J. Comput. Phys. 79 (1988) 85-91, doi:10.1016/0021-9991(88)90005-6): a fine cell takes the
/// linear interpolant, along each axis, between the centre of its coarse parent and the centre
/// of the coarse neighbour on its side; on a uniform mesh the weights are 3/4 and 1/4 per axis
/// (9/16, 3/16, 3/16, 1/16 in 2D). Piecewise-constant (Q0) prolongation, PETSc's for
/// cell-centred DMDAs, is too weak for a second-order operator: the V-cycle is then not
/// independent of the mesh size. At a non-periodic wall, where a fine cell has no coarse
/// neighbour on its side, it takes its parent's value.
#include <petscksp.h>

#include <memory>
#include <vector>

#include "core/Petsc.h"
#include "mesh/Mesh.h"
#include "mesh/StencilMultigrid.h"

namespace td {

/// Prolongations of the multigrid hierarchy of @p mesh with @p levels levels (at most
/// Mesh::max_mg_levels()) for @p dof fields per cell: element l (0-based) maps level l to
/// level l + 1, level levels-1 being the mesh itself in the ordering of its DMDA (global
/// vectors of Mesh::solver_dm(dof)). Each coarsening pairs the cells along every axis (an odd
/// count keeps a single last cell); a coarse cell belongs to the rank that owns its first
/// fine cell. Fields are interpolated separately (matrix block size @p dof).
std::vector<Owned<Mat>> cell_prolongations(const Mesh& mesh, int dof, int levels);

/// The coarse levels of the multigrid hierarchy of @p mesh with @p levels levels as meshes,
/// coarsest first (element l is level l; levels - 1 of them), each with @p dof fields per
/// cell and the partition of cell_prolongations (a coarse cell on the rank of its first fine
/// cell), so that a discretisation on them numbers its unknowns as the prolongations do.
std::vector<std::unique_ptr<Mesh>> coarse_meshes(const Mesh& mesh, int dof, int levels);

/// Centre coordinate along axis @p axis (length unit) of every cell of level @p level
/// (0: coarsest, @p levels - 1: the mesh) of the hierarchy with @p levels levels, in that
/// level's numbering (the column layout of its prolongation); 0 for axes beyond the mesh's.
Owned<Vec> level_centres(const Mesh& mesh, int levels, int level, int axis);

/// Largest cell Peclet number of the drift (FVSystem::DriftResolution::cell_peclet) that the
/// coarsest level of the mesh's multigrid may have with Galerkin coarse operators
/// (rediscretised ones, fv/CoarseOperators.h, stay M-matrices and take every level under PCMG;
/// the single-precision multigrid limits them too, kMaxCoarsestPeclet). Why: each
/// coarsening doubles the cell Peclet number, and the Galerkin coarse operators of the linear
/// prolongation lose their diagonal dominance once it passes a few units; the smoothers then
/// diverge. Measured on a 2D 256^2 Soret cell with S_T Delta T = 200 (fine cell Peclet number 0.8),
/// GMRES iterations to 1e-12 with 2, 4 and 6 levels: one field, Gauss-Seidel smoothing 8, 16, none
/// (the preconditioner returns NaN); two fields, point-block Jacobi smoothing 16, none,
/// none (2000 iterations without convergence).
inline constexpr double kMaxCoarsePeclet = 2.0;

/// Fewest levels with which the mesh's multigrid is worth being the default for several
/// fields per cell; below it (a mesh too small to coarsen, or with Galerkin operators a drift
/// the mesh barely resolves) BoomerAMG is the default.
inline constexpr int kMinDefaultMgLevels = 3;

/// Largest aspect ratio of the mesh's cells (widest over narrowest side) up to which the
/// mesh's multigrid is the default for several fields per cell. Why: its point-block
/// smoothers do not relax the strong coupling across thin cells, where BoomerAMG's algebraic
/// coarsening follows it. A 2D closed cell of two reacting species (2 A <=> A2), 128 x 64
/// cells over 1 x 1 graded geometrically along x, steady, total Krylov iterations over its
/// pseudo-time steps, mesh multigrid against BoomerAMG: aspect ratio 4: 761 against 437
/// (0.96 s against 1.91 s); 9: 1373 against 453 (1.75 s against 2.34 s); 22: 2435 against
/// 482 (2.32 s against 1.48 s); 59: 4048 against 481 (4.3 s against 2.0 s).
inline constexpr double kMaxMeshMultigridAspect = 15.0;

/// Largest aspect ratio of the cells of @p mesh: over every pair of axes, the widest cell
/// width along one over the narrowest along the other (1 for a 1D mesh).
double max_cell_aspect_ratio(const Mesh& mesh);

/// Whether the mesh's multigrid is the default preconditioner for several fields per cell
/// (set_default_pc, core/Petsc.h): at least kMinDefaultMgLevels levels by default_mg_levels,
/// and cells no thinner than kMaxMeshMultigridAspect; BoomerAMG otherwise.
bool mesh_multigrid_default(const Mesh& mesh, const char* prefix, double peclet,
                            bool rediscretised);

/// Levels of the mesh's multigrid for a drift whose largest cell Peclet number on the mesh is
/// @p peclet: Mesh::max_mg_levels(), or fewer so that the coarsest level's cell Peclet number,
/// @p peclet * 2^(levels - 1), stays at most @p coarsest_peclet (at least 1 level). The
/// default limit is the one of Galerkin coarse operators.
int drift_mg_levels(const Mesh& mesh, double peclet, double coarsest_peclet = kMaxCoarsePeclet);

/// Default number of levels of the mesh's multigrid under the options prefix @p prefix:
/// Mesh::max_mg_levels() when its coarse operators are rediscretised (@p rediscretised, and
/// no -{prefix}pc_mg_galerkin other than none given): the exponentially fitted coarse
/// operators stay M-matrices at any cell Peclet number; otherwise the Galerkin limit
/// drift_mg_levels(mesh, @p peclet).
int default_mg_levels(const Mesh& mesh, const char* prefix, double peclet, bool rediscretised);

/// The number of levels of the mesh's multigrid, -{prefix}pc_mg_levels =
/// default_mg_levels(mesh, prefix, @p peclet, @p rediscretised) unless given, for the lifetime
/// of the returned object: hold it across KSPSetFromOptions (SNESSetFromOptions) and
/// setup_mesh_multigrid. Without it PCMG would take its number of levels from the solver's DM
/// (DMGetRefineLevel), one.
DefaultOption mesh_multigrid_levels(const Mesh& mesh, const char* prefix, double peclet = 0.0,
                                    bool rediscretised = false);

/// The mesh's preconditioners, for a solver for @p dof fields per cell of @p mesh: first
/// hypre's structured multigrid where -td_pc names it or it is the default
/// (setup_structured_multigrid, mesh/StructuredMultigrid.h), then the set-up of a geometric
/// multigrid preconditioner chosen with -pc_type mg (with the KSP's options prefix) is
/// finished; other preconditioners are left alone. Call after KSPSetFromOptions
/// (SNESSetFromOptions). @p closed: the operator is a closed cell's (pinned rows, no fixed
/// face), or carries strong drift across walls that close an axis at both ends, and takes
/// SMG by default on uniform meshes too (setup_structured_multigrid).
///  - Coarse operators: with @p rediscretised, the caller gives them (PCMGSetOperators, the
///    discretisation on coarse_meshes; PCMG's Galerkin type none) unless -pc_mg_galerkin is
///    given. Otherwise (the callbacks discretise the mesh level only) by Galerkin
///    projection P^T A P with the prolongations of cell_prolongations and restriction P^T;
///    -pc_mg_galerkin none is then an error. When the operator is matrix-free
///    (@p matrix_free_operator) the preconditioning matrix alone defines the hierarchy,
///    smoothers and residuals included (unless -pc_use_amat is given);
///  - -pc_mg_levels (mesh_multigrid_levels) levels; more than Mesh::max_mg_levels() throws
///    Error;
///  - PCMG does not build the hierarchy from the solver's DM (DMCoarsen, whose interpolation
///    is piecewise constant on the cell-centred DMDA);
///  - smoothers: one field per cell, one symmetric SOR sweep; several, one symmetric block
///    Gauss-Seidel sweep (each cell's fields solved together, a PCSHELL on AIJ matrices)
///    unless -mg_levels_ksp_type or -mg_levels_pc_type is given (-mg_levels_ksp_type
///    chebyshev or -mg_levels_pc_type pbjacobi: Chebyshev with point-block Jacobi).
/// @return whether the caller is to give the coarse operators: -pc_type mg with more than
/// one level and Galerkin type none (@p rediscretised and no -pc_mg_galerkin).
/// @p offer is passed on to setup_structured_multigrid.
bool setup_mesh_multigrid(KSP ksp, const Mesh& mesh, int dof, bool matrix_free_operator,
                          bool rediscretised = false, bool closed = false, StencilOffer offer = {});

}  // namespace td
