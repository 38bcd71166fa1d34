#include "fv/Steady.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "core/Petsc.h"
#include "fv/CoarseOperators.h"
#include "mesh/Multigrid.h"

namespace td {

namespace {

// --- Newton (SNES) and its Krylov solver -------------------------------------------------
/// Residual evaluations allowed per SNESSolve: unlimited in practice; max_newton decides.
constexpr PetscInt kMaxFunctionEvals = 10000;
/// Krylov absolute tolerance: off, the relative tolerance SteadyOptions::ksp_rtol decides.
constexpr PetscReal kKspAtol = 1e-50;
/// Krylov iterations allowed per Newton step.
constexpr PetscInt kKspMaxIterations = 2000;
/// Longest Newton step the line search accepts: concentrations in SI (number densities ~1e24)
/// make Newton steps large in norm, and PETSc's default cap (1e8) would silently shorten them.
constexpr PetscReal kMaxStepLength = 1e300;

/// Span of the drift (psi) along an axis closed at both ends beyond which the steady
/// operator counts as a closed cell's for the default preconditioner (SMG, not PFMG). With c
/// fixed on x = 0 and T = 1 + x + y/2, BiCGStab iterations as the drift's span along y
/// grows: 2D 128^2, spans 2, 4, 6, 8, 12, 16: PFMG 9, 13, 20, 19, 82 (2 Newton steps), failed;
/// SMG 9 throughout. 3D 48^3, spans 3, 4, 5, 6, 7, 8, 9, 10: PFMG 20, 34, 25, 92, 38, 32, 32,
/// 394 (2 Newton steps); SMG 6-7. An SMG iteration costs about 2 (2D) and 6 (3D) PFMG
/// iterations: below a span of 5 PFMG is the cheaper, above it SMG is as cheap or cheaper,
/// and PFMG's count turns erratic before it fails (docs/solvers.md).
constexpr double kClosedAxisDriftSpan = 5.0;

// --- pseudo-transient continuation (switched evolution relaxation) -----------------------
/// Reduction of ||R|| at which continuation hands over to Newton with pins (with nonlinear
/// kinetics in a closed cell it runs to SteadyOptions::rtol instead).
constexpr double kPtcHandover = 1e-6;
/// Newton target of each pseudo step, relative to the continuation goal: well below it, and
/// absolute, so that the steps near convergence do not ask for less than round-off.
constexpr double kPtcStepTarget = 1e-3;
/// Round-off of ||R|| relative to the size of its terms ||diag(dR/dc) c||.
constexpr double kRoundoff = 1e-15;
/// Continuation has converged once ||R|| is within this factor of the round-off floor.
constexpr double kPtcFloorMargin = 10.0;
/// A failed pseudo step is retried with this fraction of its time step.
constexpr double kPtcRetryFactor = 0.25;
/// SER growth of the pseudo time step, dtau *= ||R_prev|| / ||R||, clamped: at least doubling
/// (implicit pseudo steps stay stable at any size), at most tenfold per step.
constexpr double kSerMinGrowth = 2.0;
constexpr double kSerMaxGrowth = 10.0;

// --- matching the conserved amounts of closed cells --------------------------------------
/// Adjustments of the pinned values allowed.
constexpr int kAmountMaxAdjustments = 30;
/// Largest ||R|| of a steady state, relative to the size of its flux and reaction terms
/// (term_scale): round-off leaves 1e-16 to 1e-13; above this the answer is not steady.
constexpr double kMaxSteadyResidual = 1e-8;
/// ||R|| relative to where the first Newton solve started that is round-off (an answer near
/// zero, whose own terms vanish, is judged by it).
constexpr double kRoundoffResidual = 1e-14;
/// The Krylov method that takes over from the default Richardson iteration under the
/// single-precision multigrid where that fails (mesh/StencilMultigrid.cpp,
/// choose_flexible_krylov): where the cycle alone converges slowly, flexible BiCGStab
/// accelerates the same cycle.
constexpr KSPType kFallbackKrylov = KSPFBCGS;
/// Fraction of the acceptance bound a further Newton solve aims at.
constexpr double kPolishFraction = 0.1;
/// ||R|| relative to the size of its terms at the current state (term_scale) at which Newton
/// on an affine open problem is a candidate for convergence, besides its test relative to the
/// first residual. An initial state far below the answer (c fixed on the hot face of a strong
/// drift, the answer e^30 above it) has a first residual below the answer's round-off: after
/// the first step ||R|| stays there, the relative test cannot pass and the line search stalls.
constexpr double kAffineNewtonResidual = kPolishFraction * kMaxSteadyResidual;
// Refinement of an answer far above its fixed values. Where c rises far above the values
// fixed on the faces (c fixed on the hot face), the answer's scale passes through the fixed
// faces, and a state off by a common factor in the large cells leaves a residual there at the
// round-off of their terms: no test on R sees it. 64^2 SI cell, S_T Delta T = 30: 7.9e-4 off
// after one Newton step with every cell at 5e-16 of its own terms. Further full Newton steps
// still shrink it (7.4e-7, 6.7e-10, 1.6e-12, 7e-15), so convergence there is judged on the
// correction of the last step in each cell.
/// Largest |c| of a species over the largest value fixed on its faces (Dirichlet value, Robin
/// exterior value) above which an affine answer is refined.
constexpr double kRefineRatio = 10.0;
/// The same ratio above which an answer the refinement did not confirm (it does not apply)
/// is reported: round-off of the large cells then reaches 1e-8 of the small ones, the
/// steady acceptance bound (kMaxSteadyResidual). Below it the one-step error was round-off in
/// the cases measured (heat coupling at a ratio of 20: 2.7e-12; a closed species beside an
/// open one at 2e4: 4.7e-15).
constexpr double kUnconfirmedRatio = kMaxSteadyResidual / std::numeric_limits<double>::epsilon();
/// Largest relative correction of a cell, |dc_i| / |c_i|, of a refined answer (the target
/// of the cell-wise residual test).
constexpr double kRefineCorrection = kSteadyMaxCellResidual;
/// A refinement step makes progress when its correction is below this fraction of the
/// smallest one before; the refinement has stalled after kRefineMaxIdle steps without. The
/// corrections need not fall monotonically (1D 400 cells, S_T Delta T = 30, under LU).
constexpr double kRefineProgress = 0.5;
constexpr int kRefineMaxIdle = 3;
/// Krylov tolerances of a refinement step. Relative: at most this, and no absolute one: at
/// 1e-3 the solve met it by cutting the round-off of the large cells alone, and a correction
/// of 1e-12 left the answer 9e-7 off (64^2 SI cell, S_T Delta T = 30). Divergence: off; the
/// residual may rise far above the small right-hand side on the way (256^2: DIVERGED_DTOL at
/// PETSc's 1e5). Iterations: kPolishKspIterationFactor times the first step's, at least
/// kPolishKspMinIterations. A step whose solve stops short is taken (a partial correction,
/// kRefineMaxIdle of them at most) but cannot end the refinement.
constexpr PetscReal kRefineKspRtol = 1e-12;
constexpr PetscReal kRefineKspDivtol = 1e300;
/// Drift span (psi) above which a failed linear solve of an affine open problem may be an
/// answer far above its fixed values: c fixed on the hot face, 64^2 SI cell from c = 1e24,
/// solves at a span of 30 and fails at 40 (DIVERGED_DTOL).
constexpr double kFarAnswerSpan = 30.0;
// The cell-wise test (kSteadyMaxCellResidual, Steady.h). The tests on ||R|| weigh every cell
// by the largest terms: where c spans many decades (a strong Soret drift), a cell at 1e-13 of
// the largest concentration passed them 50 % off (S_T Delta T = 30, 256^2). Its residual's
// round-off is relative to its own terms, so further Newton steps reach the test there.
/// Newton steps allowed for the cell-wise test.
constexpr int kMaxCellPolishSteps = 4;
/// A polish step that lowers the largest cell residual is kept; the polish stops once a
/// step does not cut it by this factor (round-off, or an inexact Jacobian such as the
/// finite-difference products of a heat-coupled system).
constexpr double kCellPolishProgress = 0.5;
/// Krylov relative tolerance of a polish step (or the user's, if tighter): the residual of a
/// cell far down the profile is reached only through a norm that falls below the largest
/// cells' round-off (64^2, S_T Delta T = 60: cell residual 20 with 1e-12, 3.5e-12 with 1e-14).
constexpr double kPolishKspRtol = 1e-14;
/// Krylov iterations of a polish step: this many times the first Newton solve's, at least
/// kPolishKspMinIterations. At kPolishKspRtol the Krylov solver may stall on round-off; the
/// partial step is still judged by its cells.
constexpr PetscInt kPolishKspIterationFactor = 3;
constexpr PetscInt kPolishKspMinIterations = 20;
/// ||R|| relative to the size of the flux and reaction terms (term_scale) at which a solve
/// with changed pinned values (closed cells) has converged.
constexpr double kPinnedSolveResidual = 1e-13;
/// Relative error of the amounts at which the adjustments stop.
constexpr double kAmountGoal = 1e-11;
/// Relative error of the amounts above which matching has failed.
constexpr double kAmountAccept = 1e-8;
/// Adjustments continue while each one at least halves the error: beyond that the accuracy
/// of the linear solves, not the adjustments, limits it.
constexpr double kAmountMinProgress = 0.5;
/// Relative change of a pinned value for the finite-difference Jacobian of the amounts.
constexpr double kAmountFdStep = 1e-4;
/// Halvings of an adjustment allowed while keeping the pinned values positive.
constexpr int kMaxPositivityHalvings = 60;
/// Denominator guard of the relative error when a target amount is zero.
constexpr double kTinyAmount = 1e-300;

/// SNES callbacks' context: the system, and the pseudo-transient term V (c - c_old) / dtau.
struct Ctx {
  FVSystem* sys = nullptr;
  PetscInt size = 0;   // global size of the state: other sizes are coarse multigrid levels
  double shift = 0.0;  // 1/dtau; 0 for plain Newton
  Vec c_old = nullptr;
  Vec work = nullptr;
  bool pins = true;
  CoarseOperators* coarse = nullptr;  // the multigrid's coarse operators, when rediscretised
};

PetscErrorCode form_function(SNES, Vec c, Vec R, void* p) {
  auto* ctx = static_cast<Ctx*>(p);
  PetscCall(check_mesh_level(c, ctx->size, "steady solver"));
  try {
    ctx->sys->residual(c, R);
    if (ctx->shift != 0.0) {
      PetscCall(VecWAXPY(ctx->work, -1.0, ctx->c_old, c));
      PetscCall(VecPointwiseMult(ctx->work, ctx->work, ctx->sys->volumes()));
      PetscCall(VecAXPY(R, ctx->shift, ctx->work));
    }
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode form_jacobian(SNES, Vec c, Mat A, Mat P, void* p) {
  auto* ctx = static_cast<Ctx*>(p);
  PetscCall(check_mesh_level(c, ctx->size, "steady solver"));
  try {
    ctx->sys->assemble(P, ctx->shift, 1.0, ctx->pins, c);
    if (ctx->coarse) ctx->coarse->assemble(ctx->shift, 1.0, ctx->pins, c);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  return 0;
}

std::string reason_name(SNESConvergedReason r) { return SNESConvergedReasons[r]; }

/// Clears the system's pins when the solve ends, also when it throws.
struct PinsCleared {
  FVSystem& sys;
  ~PinsCleared() { sys.set_pins({}); }
};

/// One steady solve: the set-up, then the steps of solve_steady (pinned Newton,
/// pseudo-transient continuation, matching of the conserved amounts, diagnostics).
class SteadySolver {
 public:
  SteadySolver(FVSystem& sys, Vec c, const SteadyOptions& opt);
  SteadyResult solve();

 private:
  void set_up_snes();
  /// Newton with the pins at @p v (empty: the current values of cell (0,0,0), or an average
  /// concentration where those are not positive).
  SNESConvergedReason pinned_newton(std::vector<double> v);
  /// Pseudo-transient continuation from the current state; throws SolverError (naming
  /// @p first, the reason Newton stopped) if neither it nor the final Newton converges.
  SNESConvergedReason continuation(SNESConvergedReason first);
  /// Adjust the pinned values until the conserved amounts equal their targets.
  void match_amounts();
  /// Whether R(0) = 0 without pins: with affine_ the pinned solution is then linear in the
  /// pinned values.
  bool homogeneous();
  /// For a linear homogeneous pinned problem: combine one solution per pinned value so that
  /// the conserved amounts equal their targets, with no further adjustment.
  void combine_pinned_solutions();
  /// Final ||R||, its scale and the largest cell residual (res_); @p residual_current: r_
  /// holds R(c_) already (the Newton solve's last evaluation, no pins and no change of c_
  /// since). r_ holds R(c_) afterwards; @p scratch is overwritten.
  void diagnostics(bool residual_current, Vec scratch);
  /// Newton steps until every cell's residual is within kSteadyMaxCellResidual of its own terms
  /// (or a step stops helping); @p keep is scratch for the state before each step.
  void polish_cells(Vec keep);
  /// Per species: the largest value fixed on its faces (Dirichlet value, Robin exterior
  /// value); for an open species without one (its scale set through others, by reactions),
  /// the smallest positive value of any species; 0 for a closed species (its amount sets its
  /// scale) and where no face fixes a positive value.
  std::vector<double> fixed_values() const;
  /// Calls @p f(i, s) for each of the @p n local values of a state that belongs to species s
  /// (not the temperature field of a heat-coupled system).
  template <class F>
  void for_species_values(PetscInt n, F&& f) const {
    const int nf = sys_.nfields();
    for (PetscInt i = 0; i < n; ++i)
      if (const auto s = static_cast<int>(i % nf); s < ns_) f(i, s);
  }
  /// Per species: the largest |c| of state @p v (collective).
  std::vector<double> largest_values(Vec v) const;
  /// Largest ratio over the species of their largest |c| to their fixed_values() at the
  /// current state, and its species (collective); 0 where nothing is fixed.
  std::pair<double, int> ratio_to_fixed() const;
  /// Largest |y_i| / |c_i| over the cells above kSteadyCellScaleFloor of their species'
  /// largest |c| (collective).
  double largest_cell_change(Vec y) const;
  /// An affine answer that Newton accepted (@p reason): refined while far above its fixed
  /// values (kRefineRatio) until a step with a converged Krylov solve corrects no cell by
  /// more than kRefineCorrection; records SteadyResult::correction, and refine_.stalled when
  /// the corrections stop shrinking.
  SNESConvergedReason refined(SNES snes, SNESConvergedReason reason);
  /// Starts a refinement after its first step: the Krylov tolerances of its steps.
  void start_refinement(SNES snes);
  /// Ends the refinement of a Newton solve that ended with @p reason: the run's Krylov
  /// tolerances again; throws a SolverError where it stalled, ran out of Newton steps or a
  /// step's linear solve failed.
  void end_refinement(SNESConvergedReason reason);
  /// Closed cells without reactions: scale each pinned species to its conserved amount.
  void rescale_to_amounts();
  /// What the Krylov solver of the last Newton step reported (type, preconditioner, reason,
  /// iterations, residual norm), for an error message.
  std::string linear_failure() const;
  /// SNES convergence test of an affine problem without pins: SNESConvergedDefault, or
  /// ||R|| within kAffineNewtonResidual of the terms at the current state (after a step);
  /// either then refined().
  static PetscErrorCode converged_on_terms(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm,
                                           PetscReal fnorm, SNESConvergedReason* reason,
                                           void* self);
  /// Whether the user chose the Krylov method or the preconditioner (-ksp_type, -pc_type,
  /// -td_pc), for the advice of a failed linear solve.
  bool solver_options_given() const;
  /// Make the Krylov method kFallbackKrylov where it is the default Richardson iteration
  /// under the single-precision multigrid; whether it did.
  bool fall_back_from_richardson();

  /// Conserved amounts of state @p v.
  std::vector<double> amounts(Vec v) const;
  /// Largest error of amounts @p q against the targets: relative to each target, or to the
  /// largest target where a target is zero.
  double amount_error(const std::vector<double>& q) const;
  /// Values of the pinned components in cell (0,0,0), on every rank.
  std::vector<double> pinned_values(Vec v) const;
  /// ||diag(dR/dc) c||, the size of the outflow (and, with @p reactions, reaction) terms;
  /// @p terms (r_ when null) holds diag(dR/dc) c afterwards.
  double term_scale(bool reactions, Vec terms = nullptr);
  /// The largest ||R|| of a steady state (after diagnostics()): kMaxSteadyResidual (or a
  /// looser rtol) times the size of the answer's terms, or round-off of the first residual.
  double accepted_residual() const;
  /// ||R(c)|| without the pseudo-transient term.
  double residual_norm();
  /// First pseudo time step: the diffusion time of the smallest cell with the largest D.
  double initial_pseudo_step() const;
  void add_iterations();

  FVSystem& sys_;
  Vec c_;
  const SteadyOptions& opt_;
  MPI_Comm comm_;
  int ns_;
  std::vector<FVSystem::Conserved> cons_;
  int ncons_;
  std::vector<double> target_;  // conserved amounts of the initial state
  std::vector<std::pair<int, double>> pins_;
  double vol_total_ = 0.0;
  bool nonlinear_closed_ = false;
  /// R(c) affine in c (prescribed temperature, linear kinetics): the Jacobian is constant.
  bool affine_ = false;
  SteadyResult res_;

  std::vector<DefaultOption> fd_defaults_;
  Ctx ctx_;
  Owned<DM> dm_;
  Owned<SNES> snes_;
  Owned<Mat> J_, Jmf_;
  std::unique_ptr<CoarseOperators> coarse_;
  Owned<Vec> r_, c_old_, work_;
  Owned<Vec> terms_;  // scratch of converged_on_terms (r_ is SNES's function vector)
  /// The refinement of the current Newton solve (refined()).
  struct Refinement {
    bool active = false;  // the first step was measured
    double best = 0.0;    // smallest correction of the later steps (0: none yet)
    int idle = 0;         // later steps without progress in a row
    int partial = 0;      // steps whose Krylov solve stopped short
    bool stalled = false;
  } refine_;
  bool refine_confirmed_ = false;  // some refinement ended at kRefineCorrection
  // the run's Krylov tolerances and linear-solve failures allowed (set-up)
  PetscReal ksp_rtol_ = 0.0, ksp_atol_ = 0.0, ksp_divtol_ = 0.0;
  PetscInt ksp_max_its_ = 0, max_linear_failures_ = 0;
  std::vector<PetscReal> history_;
  bool have_scale_ = false;
  double first_residual_ = 0.0;  // ||R|| where the first Newton solve started
};

SteadySolver::SteadySolver(FVSystem& sys, Vec c, const SteadyOptions& opt)
    : sys_(sys),
      c_(c),
      opt_(opt),
      comm_(sys.mesh().comm()),
      ns_(sys.nspecies()),
      fd_defaults_(fd_jacobian_defaults(nullptr, sys.mesh().dmda_coloring_valid())) {
  // Closed cells: the operator is singular along each conserved amount (any multiple of the
  // steady profile solves a linear problem). Pin one component in the first cell per
  // conserved amount, then adjust the pinned values until the amounts equal those of the
  // initial state.
  cons_ = sys_.conserved();
  ncons_ = static_cast<int>(cons_.size());
  // the amounts of a closed cell (a pass over every cell: none where nothing is conserved)
  if (ncons_ > 0) target_ = amounts(c_);
  for (const auto& q : cons_) pins_.emplace_back(q.pinned, 1.0);
  sys_.set_pins(pins_);
  // the scale of a pinned value where its species has no amount yet (closed cells only)
  if (ncons_ > 0) {
    PetscReal vs;
    TD_PETSC(VecSum(sys_.volumes(), &vs));
    vol_total_ = vs / ns_;
  }
  // With nonlinear kinetics in a closed cell the pinned problem is a poor route to the
  // conserved amounts (each pin change is a new nonlinear solve).
  nonlinear_closed_ = ncons_ > 0 && !sys_.linear_kinetics();
  affine_ = sys_.affine();
  set_up_snes();
}

void SteadySolver::set_up_snes() {
  ctx_.sys = &sys_;
  TD_PETSC(VecGetSize(c_, &ctx_.size));
  TD_PETSC(SNESCreate(comm_, snes_.out()));
  r_ = duplicate(c_);
  // Coarse multigrid operators from the discretisation on the coarse meshes where
  // form_jacobian assembles the preconditioning matrix and the temperature is prescribed
  // (fv/CoarseOperators.h); Galerkin products otherwise.
  const bool rediscretise = !sys_.has_heat() && !petsc_computes_jacobian();
  const FVSystem::DriftResolution drift = sys_.drift_resolution();
  const double peclet =
      std::max({drift.cell_peclet[0], drift.cell_peclet[1], drift.cell_peclet[2]});
  const bool closed = ncons_ > 0 || sys_.drift_along_closed_axis(kClosedAxisDriftSpan);
  // Under a structured multigrid the Jacobian is stored in a struct operator alone, which
  // the Krylov products and the multigrid set-up share (no AIJ matrix, no copy): in hypre's
  // struct matrix for PFMG and SMG, in stencil arrays for the single-precision multigrid.
  const bool one_field = sys_.nfields() == 1 && !sys_.has_heat();
  const StructStorage storage =
      one_field ? struct_storage_for(sys_.mesh(), nullptr, closed,
                                     StencilOffer{rediscretise, peclet, drift.psi_span})
                : StructStorage::hypre;
  // The mesh's DMDA lets PETSc colour the Jacobian (-snes_fd_color) and build multigrid
  // hierarchies (-pc_type mg); the residual and Jacobian stay SNESSetFunction/SNESSetJacobian
  // callbacks on the whole vector. Under the single-precision multigrid (array storage) no
  // option asks for either, and a DMDA's set-up (its ghost scatter) cost 15 ms at 1024^2,
  // more than a residual evaluation (12 ms): none then.
  if (storage != StructStorage::arrays) {
    dm_ = sys_.mesh().solver_dm(sys_.nfields());
    sys_.set_block_fills(dm_);
    TD_PETSC(SNESSetDM(snes_, dm_));
  }
  J_ = sys_.create_jacobian(nullptr, storage);
  TD_PETSC(SNESSetFunction(snes_, r_, form_function, &ctx_));
  if (sys_.has_heat()) {
    // The assembled matrix leaves out the species' dependence on T: Newton-Krylov with
    // finite-difference products of the true Jacobian, preconditioned by the assembled one.
    TD_PETSC(MatCreateSNESMF(snes_, Jmf_.out()));
    TD_PETSC(SNESSetJacobian(snes_, Jmf_, J_, form_jacobian, &ctx_));
  } else {
    TD_PETSC(SNESSetJacobian(snes_, J_, J_, form_jacobian, &ctx_));
  }
  TD_PETSC(SNESSetType(snes_, SNESNEWTONLS));
  TD_PETSC(SNESSetTolerances(snes_, opt_.atol, opt_.rtol, 0.0, opt_.max_newton, kMaxFunctionEvals));
  SNESLineSearch ls;
  TD_PETSC(SNESGetLineSearch(snes_, &ls));
  TD_PETSC(SNESLineSearchSetTolerances(ls, PETSC_DEFAULT, kMaxStepLength, PETSC_DEFAULT,
                                       PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes_, &ksp));
  TD_PETSC(KSPSetType(ksp, KSPGMRES));
  TD_PETSC(KSPSetTolerances(ksp, opt_.ksp_rtol, kKspAtol, PETSC_DEFAULT, kKspMaxIterations));
  set_default_pc(ksp, ns_, sys_.mesh().dim(),
                 mesh_multigrid_default(sys_.mesh(), nullptr, peclet, rediscretise));
  const DefaultOption mg_levels = mesh_multigrid_levels(sys_.mesh(), nullptr, peclet, rediscretise);
  if (affine_ && ncons_ == 0) {
    terms_ = duplicate(c_);
    TD_PETSC(SNESSetConvergenceTest(snes_, converged_on_terms, this, nullptr));
    // The Newton step of an affine R is its answer up to the linear solve: a backtracking
    // search that sees ||R|| rise (round-off of an answer far above the initial state) would
    // only shorten it
    TD_PETSC(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
    // The line search's function vector at its trial point is scratch while it runs, terms_
    // while the convergence test runs, after it: one vector serves both. Why: PETSc creates
    // and zeroes that vector at the search's set-up though the basic search never uses it
    // (8 MB at 1024^2). The search destroys it at its reset: it takes a reference.
    TD_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(terms_.get())));
    TD_PETSC(SNESLineSearchSetVecs(ls, nullptr, nullptr, nullptr, nullptr, terms_));
  }
  TD_PETSC(SNESSetFromOptions(snes_));
  check_tolerances(snes_);
  TD_PETSC(KSPGetTolerances(ksp, &ksp_rtol_, &ksp_atol_, &ksp_divtol_, &ksp_max_its_));
  TD_PETSC(SNESGetMaxLinearSolveFailures(snes_, &max_linear_failures_));
  PetscErrorCode (*jac)(SNES, Vec, Mat, Mat, void*) = nullptr;
  TD_PETSC(SNESGetJacobian(snes_, nullptr, nullptr, &jac, nullptr));
  // the single-precision multigrid (-td_pc gmg) needs the coarse operators this solver
  // assembles where form_jacobian assembles the preconditioning matrix
  const StencilOffer offer{rediscretise && jac == form_jacobian, peclet, drift.psi_span};
  coarse_ = CoarseOperators::attach(
      ksp, sys_,
      setup_mesh_multigrid(ksp, sys_.mesh(), sys_.nfields(), sys_.has_heat(),
                           rediscretise && jac == form_jacobian, closed, offer));
  if (!coarse_) coarse_ = CoarseOperators::attach_stencil(ksp, sys_);
  prefer_right_preconditioning(ksp);
  ctx_.coarse = coarse_.get();
  if (opt_.verbose) {
    PetscViewerAndFormat* vf;
    TD_PETSC(PetscViewerAndFormatCreate(PETSC_VIEWER_STDOUT_(comm_), PETSC_VIEWER_DEFAULT, &vf));
    TD_PETSC(SNESMonitorSet(
        snes_,
        reinterpret_cast<PetscErrorCode (*)(SNES, PetscInt, PetscReal, void*)>(SNESMonitorDefault),
        vf, reinterpret_cast<PetscErrorCode (*)(void**)>(PetscViewerAndFormatDestroy)));
  }
  history_.resize(static_cast<std::size_t>(opt_.max_newton) + 1);
  TD_PETSC(SNESSetConvergenceHistory(snes_, history_.data(), nullptr,
                                     static_cast<PetscInt>(history_.size()), PETSC_TRUE));
}

std::vector<double> SteadySolver::amounts(Vec v) const {
  const auto tot = sys_.totals(v);
  std::vector<double> q(ncons_, 0.0);
  for (int k = 0; k < ncons_; ++k)
    for (int s = 0; s < ns_; ++s) q[k] += cons_[k].weights[s] * tot[s];
  return q;
}

std::vector<double> SteadySolver::pinned_values(Vec v) const {
  std::vector<double> local(ns_, 0.0), global(ns_, 0.0), out(ncons_);
  if (sys_.mesh().start() == std::array<int, 3>{0, 0, 0}) {
    const ReadArray a(v);
    for (int s = 0; s < ns_; ++s) local[s] = a[s];
  }
  MPI_Allreduce(local.data(), global.data(), ns_, MPI_DOUBLE, MPI_SUM, comm_);
  for (int k = 0; k < ncons_; ++k) out[k] = global[cons_[k].pinned];
  return out;
}

void SteadySolver::add_iterations() {
  PetscInt it, lit;
  TD_PETSC(SNESGetIterationNumber(snes_, &it));
  TD_PETSC(SNESGetLinearSolveIterations(snes_, &lit));
  res_.newton_iterations += static_cast<int>(it);
  res_.krylov_iterations += static_cast<int>(lit);
}

SNESConvergedReason SteadySolver::pinned_newton(std::vector<double> v) {
  ctx_.shift = 0.0;
  ctx_.pins = true;
  if (ncons_ > 0) {
    if (v.empty()) {
      v = pinned_values(c_);
      for (int k = 0; k < ncons_; ++k)
        // a zero amount (nothing of its species anywhere) is a zero pinned value
        if (!(v[k] > 0)) v[k] = target_[k] != 0.0 ? std::abs(target_[k]) / vol_total_ : 0.0;
    }
    for (int k = 0; k < ncons_; ++k) pins_[k].second = v[k];
    sys_.set_pins(pins_);
  }
  refine_ = Refinement{};
  TD_PETSC(SNESSolve(snes_, nullptr, c_));
  SNESConvergedReason solved;
  TD_PETSC(SNESGetConvergedReason(snes_, &solved));
  end_refinement(solved);
  if (!have_scale_) {
    // Later solves (adjusting pins) start close to the answer: their relative tolerance
    // would ask for less than round-off. Make the first solve's target absolute.
    PetscInt nh = 0;
    PetscReal* hist = nullptr;
    TD_PETSC(SNESGetConvergenceHistory(snes_, &hist, nullptr, &nh));
    if (nh > 0 && hist[0] > 0) {
      have_scale_ = true;
      first_residual_ = hist[0];
      // Closed cells: a later solve changes the pinned values, so its first residual is
      // mostly the pinned rows' jump, which may exceed the first solve's by orders of
      // magnitude; a tolerance relative to either would accept a state far from steady.
      // Judge them against the size of the flux and reaction terms at this answer instead,
      // the measure the final check and the report use, close to round-off: the amounts
      // of the answers, compared to 1e-11 (kAmountGoal), carry the operator's condition
      // number times this.
      const double atol =
          ncons_ > 0 ? kPinnedSolveResidual * term_scale(true) : opt_.rtol * hist[0];
      TD_PETSC(SNESSetTolerances(snes_, std::max(opt_.atol, atol), ncons_ > 0 ? 0.0 : opt_.rtol,
                                 0.0, opt_.max_newton, kMaxFunctionEvals));
      // ... but take at least one Newton step, so that a small change of the pins is felt
      TD_PETSC(SNESSetForceIteration(snes_, PETSC_TRUE));
    }
  }
  SNESConvergedReason reason;
  TD_PETSC(SNESGetConvergedReason(snes_, &reason));
  add_iterations();
  if (affine_ && reason > 0) {
    // The pinned Jacobian of an affine R does not depend on the state or on the pinned
    // values: later solves (matching the conserved amounts) keep the matrix and the
    // preconditioner built for this one.
    TD_PETSC(SNESSetLagJacobian(snes_, -1));
    TD_PETSC(SNESSetLagJacobianPersists(snes_, PETSC_TRUE));
    TD_PETSC(SNESSetLagPreconditioner(snes_, -1));
    TD_PETSC(SNESSetLagPreconditionerPersists(snes_, PETSC_TRUE));
  }
  return reason;
}

double SteadySolver::term_scale(bool reactions, Vec terms) {
  // r_ is scratch between solves (residual_norm() overwrites it too)
  if (!terms) terms = r_;
  sys_.diagonal(c_, terms, reactions);
  TD_PETSC(VecPointwiseMult(terms, terms, c_));
  PetscReal sc;
  TD_PETSC(VecNorm(terms, NORM_2, &sc));
  return static_cast<double>(sc);
}

PetscErrorCode SteadySolver::converged_on_terms(SNES snes, PetscInt it, PetscReal xnorm,
                                                PetscReal snorm, PetscReal fnorm,
                                                SNESConvergedReason* reason, void* self) {
  PetscCall(SNESConvergedDefault(snes, it, xnorm, snorm, fnorm, reason, nullptr));
  auto* solver = static_cast<SteadySolver*>(self);
  // Pseudo steps (shift > 0) are judged by their own targets; the first residual of a
  // Newton solve is where it starts, not a step
  if (*reason < 0 || it == 0 || solver->ctx_.shift != 0.0) return 0;
  try {
    if (*reason == SNES_CONVERGED_ITERATING &&
        fnorm <= kAffineNewtonResidual * solver->term_scale(false, solver->terms_))
      *reason = SNES_CONVERGED_FNORM_ABS;
    if (*reason > 0) *reason = solver->refined(snes, *reason);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

double SteadySolver::residual_norm() {
  ctx_.shift = 0.0;
  TD_PETSC(form_function(snes_, c_, r_, &ctx_));
  PetscReal rn;
  TD_PETSC(VecNorm(r_, NORM_2, &rn));
  return static_cast<double>(rn);
}

double SteadySolver::initial_pseudo_step() const {
  return opt_.ptc_dt0 > 0.0 ? opt_.ptc_dt0 : sys_.diffusion_time();
}

SNESConvergedReason SteadySolver::continuation(SNESConvergedReason first) {
  // V (c - c_old)/dtau + R(c) = 0 with dtau growing as ||R|| falls. The pseudo-time evolution
  // conserves closed species, so no pins are needed until the final Newton. With nonlinear
  // kinetics in a closed cell it is run to convergence, since it conserves every amount
  // exactly at every step.
  const double goal = nonlinear_closed_ ? opt_.rtol : kPtcHandover;
  ctx_.pins = false;
  // the pseudo-transient term's vectors, needed by continuation only
  if (!c_old_) {
    c_old_ = duplicate(c_);
    work_ = duplicate(c_);
    ctx_.c_old = c_old_;
    ctx_.work = work_;
  }
  double dt = initial_pseudo_step();
  sys_.set_pins({});
  double r0 = residual_norm(), rn = r0;
  // Round-off sets a floor; with nonlinear kinetics convergence is judged against the
  // transport terms, since fast reactions dominate the initial residual.
  const double floor = kRoundoff * term_scale(true);
  if (nonlinear_closed_) r0 = std::min(r0, term_scale(false));
  TD_PETSC(SNESSetTolerances(snes_, std::max(kPtcStepTarget * goal * r0, floor), opt_.rtol, 0.0,
                             opt_.max_newton, kMaxFunctionEvals));
  TD_PETSC(SNESSetForceIteration(snes_, PETSC_TRUE));
  double rprev = r0;
  bool ok = false;
  int failed = 0;  // pseudo steps whose Newton solve failed (retried with a smaller dtau)
  SNESConvergedReason last_failure = SNES_CONVERGED_ITERATING;
  for (int step = 0; step < opt_.ptc_max_steps; ++step) {
    TD_PETSC(VecCopy(c_, c_old_));
    ctx_.shift = 1.0 / dt;
    TD_PETSC(SNESSolve(snes_, nullptr, c_));
    SNESConvergedReason r;
    TD_PETSC(SNESGetConvergedReason(snes_, &r));
    if (r < 0) {
      TD_PETSC(VecCopy(c_old_, c_));
      dt *= kPtcRetryFactor;
      ++failed;
      last_failure = r;
      continue;
    }
    ++res_.ptc_steps;
    add_iterations();
    rn = residual_norm();
    if (!std::isfinite(rn)) break;
    if (opt_.verbose) PetscPrintf(comm_, "  ptc step %d dtau %.3e ||R|| %.3e\n", step, dt, rn);
    if (rn < std::max(goal * r0, kPtcFloorMargin * floor) || rn == 0.0) {
      ok = true;
      break;
    }
    dt *= std::clamp(rprev / rn, kSerMinGrowth, kSerMaxGrowth);
    rprev = rn;
  }
  sys_.set_pins(pins_);
  SNESConvergedReason reason = SNES_DIVERGED_MAX_IT;
  if (ok) reason = nonlinear_closed_ ? SNES_CONVERGED_FNORM_RELATIVE : pinned_newton({});
  if (!ok || reason < 0) {
    const std::string retries =
        failed == 0 ? std::string()
                    : fmt::format(
                          ", {} of them failed and retried with a smaller dtau (the last "
                          "with {})",
                          failed, reason_name(last_failure));
    throw SolverError(fmt::format(
        "steady solve failed: Newton from the initial guess stopped with {} and pseudo-transient "
        "continuation {} (||R|| = {:.3e} from {:.3e} after {} accepted of {} pseudo steps{}, "
        "last dtau {:.3e}); try -snes_monitor -ksp_monitor, a better initial state, or a "
        "transient run",
        reason_name(first),
        ok ? "reached the basin but the final Newton failed" : "did not converge", rn, r0,
        res_.ptc_steps, res_.ptc_steps + failed, retries, dt));
  }
  return reason;
}

double SteadySolver::amount_error(const std::vector<double>& q) const {
  // a zero target is judged against the largest amount (its species' amount is an absolute
  // quantity; relative to zero any round-off would be infinite)
  double largest = kTinyAmount;
  for (double t : target_) largest = std::max(largest, std::abs(t));
  double e = 0.0;
  for (int k = 0; k < ncons_; ++k)
    e = std::max(
        e, std::abs(q[k] - target_[k]) / (target_[k] != 0.0 ? std::abs(target_[k]) : largest));
  return e;
}

/// Newton on the small system q(v) = target for the pinned values v, with a finite-difference
/// Jacobian and Broyden updates. Exact in one step for linear kinetics; a few steps with
/// nonlinear kinetics, each a warm-started steady solve.
void SteadySolver::match_amounts() {
  const int n = ncons_;
  auto solve = [&](const std::vector<double>& v) {
    const SNESConvergedReason r = pinned_newton(v);
    if (r < 0)
      throw SolverError(
          fmt::format("steady solve failed while matching the conserved amounts "
                      "({}); try -snes_monitor or a transient run",
                      SNESConvergedReasons[r]));
    return amounts(c_);
  };
  std::vector<double> v = pinned_values(c_), q = amounts(c_);
  Owned<Vec> base = duplicate(c_);
  Eigen::MatrixXd J(n, n);
  bool have_jacobian = false;
  double prev_error = std::numeric_limits<double>::infinity();
  for (int it = 0; it < kAmountMaxAdjustments && amount_error(q) > kAmountGoal &&
                   amount_error(q) < kAmountMinProgress * prev_error;
       ++it) {
    prev_error = amount_error(q);
    if (!have_jacobian) {
      TD_PETSC(VecCopy(c_, base));
      for (int l = 0; l < n; ++l) {
        std::vector<double> vp = v;
        const double dv = kAmountFdStep * std::abs(v[l]);
        vp[l] += dv;
        const auto qp = solve(vp);
        for (int k = 0; k < n; ++k) J(k, l) = (qp[k] - q[k]) / dv;
        TD_PETSC(VecCopy(base, c_));
      }
      have_jacobian = true;
    }
    Eigen::VectorXd G(n), step;
    for (int k = 0; k < n; ++k) G(k) = target_[k] - q[k];
    step = J.fullPivLu().solve(G);
    double lambda = 1.0;
    std::vector<double> vn(n);
    for (int tries = 0; tries < kMaxPositivityHalvings; ++tries, lambda *= 0.5) {
      bool positive = true;
      for (int k = 0; k < n; ++k) {
        vn[k] = v[k] + lambda * step(k);
        // a zero amount keeps its zero pinned value
        if (target_[k] == 0.0) vn[k] = 0.0;
        positive = positive && (vn[k] > 0.0 || target_[k] == 0.0);
      }
      if (positive) break;
    }
    const auto qn = solve(vn);
    Eigen::VectorXd dv(n), dq(n);
    for (int k = 0; k < n; ++k) dv(k) = vn[k] - v[k], dq(k) = qn[k] - q[k];
    if (dv.squaredNorm() > 0) J += ((dq - J * dv) * dv.transpose()) / dv.squaredNorm();
    v = vn;
    q = qn;
    ++res_.amount_iterations;
  }
  if (amount_error(q) > kAmountAccept)
    throw SolverError(
        fmt::format("steady solve could not match the conserved amounts: relative "
                    "error {:.3e} after {} adjustments of the pinned values",
                    amount_error(q), res_.amount_iterations));
}

bool SteadySolver::homogeneous() {
  sys_.set_pins({});
  Owned<Vec> zero = duplicate(c_);
  TD_PETSC(VecSet(zero, 0.0));
  sys_.residual(zero, r_);
  sys_.set_pins(pins_);
  PetscReal rn;
  TD_PETSC(VecNorm(r_, NORM_INFINITY, &rn));
  return rn == 0.0;
}

void SteadySolver::combine_pinned_solutions() {
  // c(v) = sum_l v_l phi_l, so the amounts are q(v) = M v. The solution already found (pins
  // v0, positive but for zero amounts) is the first of n solutions; the others pin one value
  // each, which keeps the n pin vectors independent. One linear solve per conserved amount,
  // none for n = 1 (unless its amount is zero).
  const int n = ncons_;
  const std::vector<double> v0 = pinned_values(c_);
  std::vector<Owned<Vec>> sol;
  Eigen::MatrixXd M(n, n);
  for (int l = 0; l < n; ++l) {
    // a zero amount's pinned value is zero: its own solution pins 1 instead, and the first
    // solution, if its first pin is zero, is taken again with that pin at 1 (so that the n
    // pin vectors stay independent)
    if (l > 0 || v0[0] == 0.0) {
      std::vector<double> p(n, 0.0);
      if (l == 0) p = v0;
      p[l] = v0[l] != 0.0 ? v0[l] : 1.0;
      const SNESConvergedReason r = pinned_newton(p);
      if (r < 0)
        throw SolverError(
            fmt::format("steady solve failed while matching the conserved amounts "
                        "({}); try -snes_monitor or a transient run",
                        SNESConvergedReasons[r]));
      ++res_.amount_iterations;
    }
    sol.push_back(duplicate(c_));
    TD_PETSC(VecCopy(c_, sol.back()));
    const auto q = amounts(c_);
    for (int k = 0; k < n; ++k) M(k, l) = q[k];
  }
  Eigen::VectorXd target(n);
  for (int k = 0; k < n; ++k) target(k) = target_[k];
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(M);
  if (!lu.isInvertible())
    throw SolverError(
        "steady solve could not match the conserved amounts: the pinned "
        "solutions do not span them (singular amount matrix)");
  const Eigen::VectorXd a = lu.solve(target);
  TD_PETSC(VecSet(c_, 0.0));
  for (int l = 0; l < n; ++l) TD_PETSC(VecAXPY(c_, a(l), sol[l]));
  const auto q = amounts(c_);
  const double err = amount_error(q);
  if (err > kAmountAccept)
    throw SolverError(
        fmt::format("steady solve could not match the conserved amounts: relative "
                    "error {:.3e} after combining {} pinned solutions",
                    err, n));
}

void SteadySolver::rescale_to_amounts() {
  // Without reactions each conserved amount is one species and the pinned problem is
  // linear and homogeneous in it: scaling restores the total exactly.
  const auto now = sys_.totals(c_);
  for (int k = 0; k < ncons_; ++k) {
    const int s = cons_[k].pinned;
    if (now[s] != 0.0) TD_PETSC(VecStrideScale(c_, s, target_[k] / (cons_[k].weights[s] * now[s])));
  }
}

void SteadySolver::diagnostics(bool residual_current, Vec scratch) {
  sys_.set_pins({});
  if (!residual_current) sys_.residual(c_, r_);
  PetscReal rn;
  TD_PETSC(VecNorm(r_, NORM_2, &rn));
  res_.residual_norm = rn;
  if (!std::isfinite(rn))
    throw SolverError(fmt::format("steady solve produced a non-finite state (||R|| = {})", rn));
  // size of the individual flux and reaction terms, to judge ||R|| against, and each cell's
  // residual against its own terms
  res_.residual_scale = term_scale(true, scratch);
  PetscReal largest = 0.0;
  TD_PETSC(VecNorm(scratch, NORM_INFINITY, &largest));
  const double floor = kSteadyCellScaleFloor * largest;
  const ReadArray r(r_), t(scratch);
  double worst = 0.0;
  for (PetscInt i = 0; i < r.size(); ++i) {
    const double term = std::abs(t[i]);
    if (term > floor) worst = std::max(worst, std::abs(r[i]) / term);
  }
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, comm_);
  res_.cell_residual = worst;
}

std::vector<double> SteadySolver::fixed_values() const {
  std::vector<double> fixed(ns_, 0.0);
  double smallest = 0.0;
  for (int s = 0; s < ns_; ++s) {
    for (int f = 0; f < 2 * sys_.mesh().dim(); ++f) {
      const Boundary& b = sys_.species()[s].bc[f];
      if (b.type == Boundary::Type::dirichlet || b.type == Boundary::Type::robin)
        fixed[s] = std::max(fixed[s], b.value);
    }
    if (fixed[s] > 0.0 && (smallest == 0.0 || fixed[s] < smallest)) smallest = fixed[s];
  }
  std::vector<bool> closed(ns_, false);
  for (const FVSystem::Conserved& q : cons_)
    for (int s = 0; s < ns_; ++s)
      if (q.weights[s] != 0.0) closed[s] = true;
  for (int s = 0; s < ns_; ++s)
    if (!(fixed[s] > 0.0)) fixed[s] = closed[s] ? 0.0 : smallest;
  return fixed;
}

std::vector<double> SteadySolver::largest_values(Vec v) const {
  const ReadArray a(v);
  std::vector<double> largest(ns_, 0.0);
  for_species_values(a.size(),
                     [&](PetscInt i, int s) { largest[s] = std::max(largest[s], std::abs(a[i])); });
  MPI_Allreduce(MPI_IN_PLACE, largest.data(), ns_, MPI_DOUBLE, MPI_MAX, comm_);
  return largest;
}

std::pair<double, int> SteadySolver::ratio_to_fixed() const {
  const std::vector<double> fixed = fixed_values();
  const std::vector<double> largest = largest_values(c_);
  std::pair<double, int> ratio{0.0, 0};
  for (int s = 0; s < ns_; ++s)
    if (fixed[s] > 0.0 && largest[s] / fixed[s] > ratio.first) ratio = {largest[s] / fixed[s], s};
  return ratio;
}

double SteadySolver::largest_cell_change(Vec y) const {
  std::vector<double> floor = largest_values(c_);
  for (double& f : floor) f *= kSteadyCellScaleFloor;
  const ReadArray a(c_), d(y);
  double change = 0.0;
  for_species_values(a.size(), [&](PetscInt i, int s) {
    if (std::abs(a[i]) > floor[s]) change = std::max(change, std::abs(d[i] / a[i]));
  });
  MPI_Allreduce(MPI_IN_PLACE, &change, 1, MPI_DOUBLE, MPI_MAX, comm_);
  return change;
}

SNESConvergedReason SteadySolver::refined(SNES snes, SNESConvergedReason reason) {
  if (!refine_.active && !(ratio_to_fixed().first > kRefineRatio)) return reason;
  // the full step that led to this state (basic line search: its length is 1)
  Vec y = nullptr;
  TD_PETSC(SNESGetSolutionUpdate(snes, &y));
  const double change = largest_cell_change(y);
  res_.correction = change;
  if (!refine_.active) {
    // the first step may come from far off: its length says nothing of the error
    start_refinement(snes);
    return SNES_CONVERGED_ITERATING;
  }
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes, &ksp));
  KSPConvergedReason solved;
  TD_PETSC(KSPGetConvergedReason(ksp, &solved));
  if (solved < 0) ++refine_.partial;
  if (solved > 0 && change <= kRefineCorrection) {
    refine_confirmed_ = true;
    return reason;
  }
  if (refine_.best > 0.0 && !(change < kRefineProgress * refine_.best)) {
    if (++refine_.idle >= kRefineMaxIdle) {
      refine_.stalled = true;
      return SNES_DIVERGED_MAX_IT;
    }
  } else {
    refine_.idle = 0;
  }
  if (refine_.best == 0.0 || change < refine_.best) refine_.best = change;
  return SNES_CONVERGED_ITERATING;
}

void SteadySolver::start_refinement(SNES snes) {
  refine_.active = true;
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes, &ksp));
  PetscInt its = 0;
  TD_PETSC(KSPGetIterationNumber(ksp, &its));
  TD_PETSC(KSPSetTolerances(ksp, std::min(ksp_rtol_, kRefineKspRtol), kKspAtol, kRefineKspDivtol,
                            std::max(kPolishKspMinIterations, kPolishKspIterationFactor * its)));
  TD_PETSC(SNESSetMaxLinearSolveFailures(snes, kRefineMaxIdle + 1));
}

void SteadySolver::end_refinement(SNESConvergedReason reason) {
  if (!refine_.active) return;
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes_, &ksp));
  TD_PETSC(KSPSetTolerances(ksp, ksp_rtol_, ksp_atol_, ksp_divtol_, ksp_max_its_));
  TD_PETSC(SNESSetMaxLinearSolveFailures(snes_, max_linear_failures_));
  if (reason > 0) return;
  PetscInt steps = 0;
  TD_PETSC(SNESGetIterationNumber(snes_, &steps));
  const std::string why =
      refine_.stalled ? fmt::format(
                            "its corrections stopped shrinking ({} steps without halving the "
                            "smallest correction so far, {:.1e})",
                            kRefineMaxIdle, refine_.best)
      : reason == SNES_DIVERGED_MAX_IT
          ? fmt::format(
                "Newton reached its limit of {} steps (-snes_max_it, [solver.steady] "
                "max_newton) before the corrections reached the target",
                steps)
          : fmt::format("Newton stopped with {} ({})", reason_name(reason), linear_failure());
  const std::string partial =
      refine_.partial > 0 ? fmt::format(", {} of the steps partial", refine_.partial) : "";
  throw SolverError(fmt::format(
      "steady solve failed while refining an answer far above the values fixed on its faces "
      "(c fixed on the hot side of a strong drift, where no test on the residual sees its "
      "error): {}; the last step corrected a cell by {:.1e} of its value (at most {:.0e} "
      "asked{}). Fix c where it is largest (the cold side) if the case allows, or weaken the "
      "drift{}",
      why, res_.correction, kRefineCorrection, partial,
      solver_options_given() ? ""
                             : "; on a small mesh -pc_type lu -ksp_type preonly solves each "
                               "step exactly"));
}

void SteadySolver::polish_cells(Vec keep) {
  // Not judged: closed cells with reactions, whose conserved amounts come from combined or
  // adjusted pinned solutions that a further step with the pins held would move; an answer
  // accepted as round-off of zero (a sink), whose cells hold noise only; a Newton the user
  // shaped (-snes_type, -snes_max_it), which further steps would override.
  const bool near_zero = res_.residual_scale <= kRoundoffResidual * first_residual_;
  PetscBool type_given = PETSC_FALSE, max_it_given = PETSC_FALSE;
  TD_PETSC(PetscOptionsHasName(nullptr, nullptr, "-snes_type", &type_given));
  TD_PETSC(PetscOptionsHasName(nullptr, nullptr, "-snes_max_it", &max_it_given));
  res_.cells_judged =
      !(ncons_ > 0 && sys_.reactions()) && !near_zero && !type_given && !max_it_given;
  if (!res_.cells_judged || !(res_.cell_residual > kSteadyMaxCellResidual)) return;
  // Single full Newton steps: near round-off ||R|| need not fall, and a backtracking line
  // search would shorten a step that the cell-wise test needs.
  SNESLineSearch ls;
  TD_PETSC(SNESGetLineSearch(snes_, &ls));
  TD_PETSC(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
  TD_PETSC(SNESSetTolerances(snes_, 0.0, 0.0, 0.0, 1, kMaxFunctionEvals));
  TD_PETSC(SNESSetConvergenceTest(snes_, SNESConvergedSkip, nullptr, nullptr));
  TD_PETSC(SNESSetForceIteration(snes_, PETSC_TRUE));
  TD_PETSC(SNESSetMaxLinearSolveFailures(snes_, kMaxCellPolishSteps + 1));
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes_, &ksp));
  PetscReal rtol = 0.0;
  TD_PETSC(KSPGetTolerances(ksp, &rtol, nullptr, nullptr, nullptr));
  const PetscInt its = std::max<PetscInt>(
      kPolishKspMinIterations,
      kPolishKspIterationFactor *
          std::max(1, res_.krylov_iterations / std::max(1, res_.newton_iterations)));
  TD_PETSC(KSPSetTolerances(ksp, std::min<PetscReal>(rtol, kPolishKspRtol), kKspAtol, PETSC_DEFAULT,
                            its));
  // scratch of diagnostics(); the pseudo-transient term, its other user, is off here
  if (!work_) work_ = duplicate(c_);
  for (int k = 0; k < kMaxCellPolishSteps && res_.cell_residual > kSteadyMaxCellResidual; ++k) {
    TD_PETSC(VecCopy(c_, keep));
    const SteadyResult before = res_;
    pinned_newton({});
    ++res_.polish_steps;
    if (ncons_ > 0) rescale_to_amounts();
    diagnostics(false, work_);
    if (!(res_.cell_residual < before.cell_residual)) {
      // no better: the state before the step stays
      TD_PETSC(VecCopy(keep, c_));
      res_.residual_norm = before.residual_norm;
      res_.residual_scale = before.residual_scale;
      res_.cell_residual = before.cell_residual;
      break;
    }
    if (!(res_.cell_residual < kCellPolishProgress * before.cell_residual)) break;
  }
}

double SteadySolver::accepted_residual() const {
  // A looser [solver.steady] rtol asks for less. Round-off of R at an answer near zero (a
  // sink) is relative to where Newton started, not to the answer's vanishing terms.
  return std::max({std::max(kMaxSteadyResidual, opt_.rtol) * res_.residual_scale,
                   kRoundoffResidual * first_residual_, opt_.atol});
}

bool SteadySolver::fall_back_from_richardson() {
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes_, &ksp));
  if (stencil_multigrid(ksp) == nullptr) return false;
  PetscBool richardson = PETSC_FALSE, given = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp), KSPRICHARDSON, &richardson));
  const char* prefix = nullptr;
  TD_PETSC(KSPGetOptionsPrefix(ksp, &prefix));
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-ksp_type", &given));
  if (!richardson || given) return false;
  // the new method chooses its own norm (fbcgs: the true residual's, preconditioned on the
  // right); tolerances, preconditioner and operators stay
  TD_PETSC(KSPSetType(ksp, kFallbackKrylov));
  TD_PETSC(KSPSetNormType(ksp, KSP_NORM_DEFAULT));
  return true;
}

bool SteadySolver::solver_options_given() const {
  for (const char* name : {"-ksp_type", "-pc_type", "-td_pc"}) {
    PetscBool given = PETSC_FALSE;
    TD_PETSC(PetscOptionsHasName(nullptr, nullptr, name, &given));
    if (given) return true;
  }
  return false;
}

std::string SteadySolver::linear_failure() const {
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes_, &ksp));
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  KSPType type;
  PCType pc_type;
  TD_PETSC(KSPGetType(ksp, &type));
  TD_PETSC(PCGetType(pc, &pc_type));
  // a shell preconditioner is named by its own (hypre's structured multigrid)
  PetscBool shell = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCSHELL, &shell));
  const char* shell_name = nullptr;
  if (shell) TD_PETSC(PCShellGetName(pc, &shell_name));
  if (shell_name) pc_type = shell_name;
  KSPConvergedReason reason;
  PetscInt its = 0;
  PetscReal rnorm = 0.0;
  TD_PETSC(KSPGetConvergedReason(ksp, &reason));
  TD_PETSC(KSPGetIterationNumber(ksp, &its));
  TD_PETSC(KSPGetResidualNorm(ksp, &rnorm));
  // a Richardson iteration the stencil multigrid ran itself leaves the KSP's norm unset
  PetscBool richardson = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp), KSPRICHARDSON, &richardson));
  if (const StencilMultigrid* mg = stencil_multigrid(ksp);
      richardson && mg != nullptr && mg->richardson_norm())
    rnorm = *mg->richardson_norm();
  return fmt::format(
      "the Krylov solver ({}, preconditioner {}) stopped with {} after {} iterations, residual "
      "norm {:.3e}",
      type, pc_type, KSPConvergedReasons[reason], its, rnorm);
}

SteadyResult SteadySolver::solve() {
  SNESConvergedReason reason = SNES_DIVERGED_MAX_IT;
  Owned<Vec> guess = duplicate(c_);
  TD_PETSC(VecCopy(c_, guess));
  if (!opt_.force_ptc && !nonlinear_closed_) reason = pinned_newton({});
  if (reason == SNES_DIVERGED_LINEAR_SOLVE && fall_back_from_richardson()) {
    TD_PETSC(VecCopy(guess, c_));
    reason = pinned_newton({});
  }
  // Newton with line search evaluates R at its answer (r_ is its function vector; -snes_type
  // ksponly would not); without pins or continuation nothing changes c_ after it
  PetscBool newton_ls = PETSC_FALSE;
  TD_PETSC(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(snes_.get()), SNESNEWTONLS, &newton_ls));
  const bool residual_current = newton_ls && reason > 0 && ncons_ == 0;
  if (reason == SNES_DIVERGED_LINEAR_SOLVE && affine_) {
    // R is affine in c: the Newton system is the steady problem itself, and continuation
    // would end in the same linear solve (after many pseudo steps)
    const FVSystem::DriftResolution drift = sys_.drift_resolution();
    const std::string far_answer =
        ncons_ == 0 && drift.psi_span > kFarAnswerSpan &&
                std::ranges::any_of(fixed_values(), [](double f) { return f > 0.0; })
            ? fmt::format(
                  "; the drift of '{}' spans psi = {:.3g}: where c is fixed on the hot side "
                  "the answer lies up to e^{:.3g} above the fixed value, and from an initial "
                  "state far below it the Krylov target lies below the answer's round-off; "
                  "fix c where it is largest (the cold side) if the case allows",
                  drift.species, drift.psi_span, drift.psi_span)
            : std::string();
    throw SolverError(fmt::format(
        "steady solve failed: {} in the Newton step of this linear problem, which "
        "pseudo-transient continuation cannot help; {} (-ksp_converged_reason, "
        "-ksp_monitor_true_residual){}",
        linear_failure(),
        solver_options_given() ? "check the -ksp_type and -pc_type options"
                               : "the default solvers failed here: try another Krylov method "
                                 "(-ksp_type bcgs, gmres) or preconditioner (-pc_type hypre, "
                                 "mg; -td_pc pfmg or smg on a mesh without periodic axes)",
        far_answer));
  }
  if (reason < 0) {
    TD_PETSC(VecCopy(guess, c_));
    reason = continuation(reason);
  }
  if (ncons_ > 0) {
    if (!sys_.reactions()) {
      rescale_to_amounts();
    } else if (affine_ && homogeneous()) {
      combine_pinned_solutions();
    } else if (!nonlinear_closed_) {
      match_amounts();
    }
  }
  diagnostics(residual_current, guess);
  if (res_.residual_norm > accepted_residual() && ncons_ == 0) {
    // Newton's test is relative to its first residual, which for an initial state far above
    // the answer allows a residual large against the answer's own terms: Newton again, to an
    // absolute target below the acceptance bound
    TD_PETSC(SNESSetTolerances(snes_, kPolishFraction * accepted_residual(), 0.0, 0.0,
                               opt_.max_newton, kMaxFunctionEvals));
    TD_PETSC(SNESSetForceIteration(snes_, PETSC_TRUE));
    pinned_newton({});
    diagnostics(false, guess);
  }
  polish_cells(guess);
  if (!refine_confirmed_) {
    const auto [ratio, species] = ratio_to_fixed();
    if (ratio > kUnconfirmedRatio) {
      res_.unconfirmed_ratio = ratio;
      res_.unconfirmed_species = sys_.species()[species].name;
    }
  }
  if (res_.residual_norm > accepted_residual())
    throw SolverError(fmt::format(
        "steady solve ended with ||R|| = {:.3e}, {:.1e} of the flux and reaction terms (at most "
        "{:.0e} is a steady state): the state is not steady; try -snes_monitor "
        "-ksp_monitor_true_residual, -pc_type lu on a small mesh, or a transient run",
        res_.residual_norm, res_.residual_norm / res_.residual_scale,
        std::max(kMaxSteadyResidual, opt_.rtol)));
  return res_;
}

}  // namespace

SteadyResult solve_steady(FVSystem& sys, Vec c, const SteadyOptions& opt) {
  const double t_start = MPI_Wtime();
  PinsCleared cleared{sys};
  SteadySolver solver(sys, c, opt);
  const double t_setup = MPI_Wtime();
  SteadyResult res = solver.solve();
  res.seconds = MPI_Wtime() - t_start;
  res.setup_seconds = t_setup - t_start;
  return res;
}

}  // namespace td
