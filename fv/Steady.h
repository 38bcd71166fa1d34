#pragma once
/// @file Steady.h  Steady states with PETSc SNES: Newton with the analytic Jacobian,
/// pseudo-transient continuation when Newton from the initial guess fails, and the
/// total-amount constraint of closed cells.
#include <petscsnes.h>

#include <string>

#include "fv/FVSystem.h"

namespace td {

/// Cells whose outflow and reaction terms |diag_i c_i| are below this fraction of the largest
/// are not judged by the steady solver's cell-wise test (SteadyResult::cell_residual): their
/// concentration, below about this fraction of the largest, is round-off.
inline constexpr double kSteadyCellScaleFloor = 1e-30;
/// Largest |R_i| / |diag_i c_i| of a converged cell: the steady solver takes further Newton
/// steps until every judged cell meets it (SteadyResult::cell_residual).
inline constexpr double kSteadyMaxCellResidual = 1e-10;

struct SteadyOptions {
  double rtol = 1e-10;    ///< SNES relative tolerance on ||R||
  double atol = 1e-30;    ///< SNES absolute tolerance on ||R|| (amount/time)
  double ksp_rtol = 1e-12;
  int max_newton = 50;
  bool force_ptc = false;   ///< skip plain Newton and start with pseudo-transient continuation
  double ptc_dt0 = 0.0;     ///< first pseudo time step (time); 0: from the diffusion time of a cell
  int ptc_max_steps = 200;
  bool verbose = false;     ///< print Newton/Krylov progress (rank 0)
};

struct SteadyResult {
  int newton_iterations = 0;
  int krylov_iterations = 0;
  int ptc_steps = 0;
  int amount_iterations = 0;      ///< adjustments of the pins to the conserved amounts
  double residual_norm = 0.0;     ///< final ||R|| (with the constraint rows)
  double residual_scale = 0.0;    ///< ||diag(dR/dc) c||: the size of the individual terms
  /// Largest |R_i| of a cell relative to its own outflow and reaction terms |diag_i c_i|
  /// (dimensionless; cells below kSteadyCellScaleFloor are not judged).
  double cell_residual = 0.0;
  /// Whether the cell-wise test applied: not to an answer that is round-off of zero (a sink),
  /// closed cells with reactions, or where -snes_type or -snes_max_it was given.
  bool cells_judged = false;
  int polish_steps = 0;  ///< Newton steps taken for the cell-wise test
  /// Largest relative change of a cell, |dc_i| / |c_i| (dimensionless), in the last Newton
  /// step of an answer refined because it lies far above the values fixed on its faces (c
  /// fixed on the hot side of a strong drift, where no test on R sees its error); 0 where
  /// no refinement was needed.
  double correction = 0.0;
  /// Where a species lies far above the values fixed on its faces and no refinement
  /// confirmed the answer (it does not apply to closed, heat-coupled or nonlinear systems,
  /// nor to a Newton the user shaped): its largest c over its fixed value (dimensionless),
  /// and the species. Its scale may then be off by more than its residual suggests. 0 and
  /// empty otherwise.
  double unconfirmed_ratio = 0.0;
  std::string unconfirmed_species;
  /// Wall time of the whole solve_steady call, and of its set-up alone (s): the solver
  /// objects, the Jacobian's storage, the multigrid hierarchy's meshes and coarse systems,
  /// before the first Newton iteration (the preconditioner's own set-up, from the assembled
  /// Jacobian, comes after, in the Newton solve).
  double seconds = 0.0, setup_seconds = 0.0;
};

/// Solve R(c) = 0 in place, starting from @p c. Closed species keep the total amount of
/// the initial @p c. PETSc options (-snes_*, -ksp_*, -pc_*) override the defaults.
/// Throws SolverError naming the SNES reason, residual and iteration on failure.
SteadyResult solve_steady(FVSystem& sys, Vec c, const SteadyOptions& opt);

}  // namespace td
