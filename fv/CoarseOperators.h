#pragma once
/// @file CoarseOperators.h  Coarse operators of the mesh's geometric multigrid from the
/// finite-volume discretisation itself on the coarsened meshes (rediscretisation), instead of
/// Galerkin products P^T A P.
///
/// Each coarse level is a Mesh of paired cells (mesh/Multigrid.h coarse_meshes) carrying an
/// FVSystem of the same species, reactions, temperature field and pins (FVSystem::
/// rediscretised): its exponentially fitted fluxes are evaluated with the coarse widths and
/// the temperatures at the coarse centres and faces, stretched meshes included. The residual
/// is an amount per time per cell, and the restriction P^T sums the fine cells' residuals
/// into their coarse cell, so the coarse operator approximates P^T A P with the same scale.
/// Why: a coarse operator keeps the fine stencil (5 or 7 points, reactions within a cell)
/// where the Galerkin product of the bilinear prolongation has 9 or 27 points per field,
/// its set-up is an assembly instead of a sparse triple product, and the exponential fitting
/// keeps it an M-matrix at any cell Peclet number of the drift.
#include <petscksp.h>

#include <memory>
#include <vector>

#include "core/Petsc.h"
#include "fv/FVSystem.h"
#include "mesh/Mesh.h"

namespace td {

class CoarseOperators {
 public:
  /// The coarse operators of the preconditioner of @p ksp, given to PCMG (PCMGSetOperators),
  /// when @p caller_gives is true (the result of setup_mesh_multigrid with rediscretised);
  /// null otherwise. Call after setup_mesh_multigrid and before the first solve.
  static std::unique_ptr<CoarseOperators> attach(KSP ksp, const FVSystem& sys, bool caller_gives);
  /// The coarse operators of the single-precision geometric multigrid of @p ksp
  /// (mesh/StencilMultigrid.h, -td_pc gmg): struct operators on coarse_meshes, given to it
  /// with the walls where @p sys fixes the value (Dirichlet faces); null when @p ksp has
  /// another preconditioner. Call after setup_mesh_multigrid and before the first solve.
  static std::unique_ptr<CoarseOperators> attach_stencil(KSP ksp, const FVSystem& sys);
  ~CoarseOperators();
  CoarseOperators(const CoarseOperators&) = delete;
  CoarseOperators& operator=(const CoarseOperators&) = delete;

  /// Assemble a V + b dR/dc (FVSystem::assemble) on every coarse level, the pins (if
  /// @p with_pins) and reactions as on the fine system; with reactions at the state @p c
  /// (global vector of the fine system, required then) restricted to each level as the
  /// prolongation-weighted cell average (P^T c) / (P^T 1), the only way the Jacobian depends
  /// on the state. Call whenever the fine preconditioning matrix is assembled.
  void assemble(double a, double b, bool with_pins, Vec c);

  /// Levels, coarsest first (the fine mesh is the last PCMG level and not held here).
  int coarse_levels() const { return static_cast<int>(levels_.size()); }
  /// The operator of coarse level @p l (0 coarsest).
  Mat matrix(int l) const { return levels_.at(static_cast<std::size_t>(l)).A; }

 private:
  CoarseOperators() = default;
  struct Level {
    std::unique_ptr<Mesh> mesh;
    std::unique_ptr<FVSystem> sys;
    Owned<Mat> A;
    Mat P = nullptr;    ///< prolongation to the next finer level (borrowed from PCMG; PCMG only)
    Owned<Vec> state;   ///< the restricted state
    Owned<Vec> weight;  ///< P^T 1: the sum of the prolongation weights of each coarse unknown
  };
  const FVSystem* fine_ = nullptr;
  std::vector<Level> levels_;
};

}  // namespace td
