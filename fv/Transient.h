#pragma once
/// @file Transient.h  Time integration of dc/dt = -R(c)/V with SUNDIALS CVODE: BDF with
/// adaptive order and step, Newton iterations solved by SPGMR on NVECTOR_PETSC, preconditioned
/// by a PETSc KSP/PC on P = V + gamma dR/dc (options prefix `cvode_`, e.g.
/// -cvode_pc_type gamg). Where R is affine in c (FVSystem::affine: prescribed temperature,
/// first-order kinetics) SPGMR's Jacobian products are products with dR/dc, assembled once;
/// otherwise CVODE's difference quotients of the right-hand side.
#include <functional>
#include <memory>

#include <petscvec.h>

#include "fv/FVSystem.h"

namespace td {

struct TransientOptions {
  double rtol = 1e-8;     ///< CVODE relative tolerance
  double atol = 1e-12;    ///< CVODE absolute tolerance (concentration)
  long max_steps = 1000000;  ///< internal steps one solver (one run; a restart anew) may take
  double h_init = 0.0;    ///< first step (time); 0: CVODE's estimate
  double h_max = 0.0;     ///< largest step (time); 0: unlimited
  int max_order = 5;
  /// Where FVSystem::affine: Jacobian products with the assembled dR/dc (one matrix product
  /// instead of a residual evaluation, and exact); false: CVODE's difference quotients.
  bool assembled_jacobian_products = true;
};

/// Counters reported with progress and at the end.
struct TransientStats {
  long steps = 0, rhs_evals = 0, nonlinear_iters = 0, linear_iters = 0, prec_setups = 0,
       error_test_fails = 0, nonlinear_fails = 0;
  /// SPGMR's Jacobian products, and the rhs evaluations of those made by difference
  /// quotients (not counted in rhs_evals; none with the assembled dR/dc of affine systems).
  long jacobian_products = 0, rhs_evals_for_products = 0;
  double last_step = 0.0, time = 0.0;
};

class TransientSolver {
 public:
  /// Start from state @p c at time @p t0 (c is copied).
  TransientSolver(FVSystem& sys, Vec c, double t0, const TransientOptions& opt);
  ~TransientSolver();
  TransientSolver(const TransientSolver&) = delete;
  TransientSolver& operator=(const TransientSolver&) = delete;

  /// Called after every internal step; return false to stop early (interruption).
  using StepHook = std::function<bool(const TransientStats&)>;
  /// Integrate to @p t_out and write the state there into @p c_out. Returns false if the
  /// hook asked to stop before t_out (then c_out holds the state at the last internal step,
  /// whose time is stats().time); a stop asked on the step that reaches t_out returns true.
  /// Throws SolverError with the CVODE flag, time and step on failure.
  bool advance(double t_out, Vec c_out, const StepHook& hook = {});
  TransientStats stats() const;

 /// Opaque state (public so that the CVODE callbacks can reach it).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace td
