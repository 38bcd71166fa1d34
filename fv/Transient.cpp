#include "fv/Transient.h"

#include <cvode/cvode.h>
#include <cvode/cvode_proj.h>
#include <fmt/format.h>
#include <nvector/nvector_petsc.h>
#include <petscksp.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_spgmr.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "core/Petsc.h"
#include "core/SundialsMessages.h"
#include "fv/CoarseOperators.h"
#include "mesh/Multigrid.h"

namespace td {

namespace {
/// Krylov dimension of CVODE's SPGMR (its default): the PETSc preconditioner makes few
/// iterations suffice.
constexpr int kSpgmrMaxKrylov = 30;
/// CVODE's smallest first step, in units of uround max(|t0|, |t_out|) (SUNDIALS 6.4, cvHin).
constexpr double kCvodeFirstStepFloor = 100.0;
}  // namespace

struct TransientSolver::Impl {
  FVSystem* sys = nullptr;
  // PETSc objects (declared first: destroyed after the SUNDIALS objects that wrap them)
  Owned<Vec> yv;
  Owned<DM> dm;
  Owned<KSP> ksp;
  Owned<Mat> P;
  /// dR/dc where it does not depend on the state (FVSystem::affine), for CVODE's Jacobian
  /// products; null otherwise (CVODE's difference quotients of rhs).
  Owned<Mat> J;
  std::unique_ptr<CoarseOperators> coarse;  // the multigrid's coarse operators, when rediscretised
  Owned<Vec> rhs;
  SUNContext ctx = nullptr;
  void* cvode = nullptr;
  N_Vector y = nullptr;
  SUNLinearSolver ls = nullptr;
  MPI_Comm comm = MPI_COMM_NULL;
  double rtol = 0.0, atol = 0.0;
  /// Internal steps this solver may take ([solver.transient] max_steps: one run; a restart
  /// counts anew). CVODE's own limit (CVodeSetMaxNumSteps) counts the steps of one CVode
  /// call, and advance() calls it once per step (CV_ONE_STEP), so the limit is checked here.
  long max_steps = 0;
  /// Whether the caller set CVODE's first step (TransientOptions::h_init).
  bool h_init_given = false;
  /// Conserved groups (closed species, or the states of one, with no reaction leaving the
  /// group): their components and the volume-weighted total at the start.
  std::vector<std::vector<int>> conserved;
  std::vector<double> conserved_total;
  /// Why a callback last failed (the PETSc call and its message, or an exception's message):
  /// CVODE itself only reports that the callback failed.
  std::string failure;
  /// CVODE's own message of its last error (core/SundialsMessages.h).
  std::string cvode_message;

  ~Impl() {
    if (cvode) CVodeFree(&cvode);
    if (ls) SUNLinSolFree(ls);
    if (y) N_VDestroy(y);
    if (ctx) SUNContext_Free(&ctx);
  }

  void check(int flag, const char* call) const {
    if (flag >= 0) return;
    double t = 0.0, h = 0.0;
    long n = 0;
    CVodeGetCurrentTime(cvode, &t);
    CVodeGetLastStep(cvode, &h);
    CVodeGetNumSteps(cvode, &n);
    throw SolverError(
        fmt::format("CVODE {} failed with {} at t = {:.6e} after {} steps (last step "
                    "size {:.3e}){}",
                    call, CVodeGetReturnFlagName(flag), t, n, h,
                    !failure.empty()         ? "; " + failure
                    : !cvode_message.empty() ? "; CVODE: " + cvode_message
                                             : std::string()));
  }
};

namespace {

/// Record in @p im why a PETSc call @p call of a callback failed with @p ierr; returns
/// CVODE's unrecoverable failure, -1.
int failed(TransientSolver::Impl* im, PetscErrorCode ierr, const char* call) {
  im->failure = fmt::format("{} failed: {}", call, petsc_error_text(ierr));
  return -1;
}

/// Record in @p im the message of an exception a callback caught; returns -1.
int failed(TransientSolver::Impl* im, const std::exception& e) {
  im->failure = e.what();
  return -1;
}

/// dc/dt = -R(c) / V
int rhs(realtype, N_Vector y, N_Vector ydot, void* data) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  try {
    Vec Y = N_VGetVector_Petsc(y), F = N_VGetVector_Petsc(ydot);
    im->sys->residual(Y, F);
    if (const PetscErrorCode e = VecPointwiseDivide(F, F, im->sys->volumes()))
      return failed(im, e, "VecPointwiseDivide");
    if (const PetscErrorCode e = VecScale(F, -1.0)) return failed(im, e, "VecScale");
  } catch (const std::exception& e) {
    return failed(im, e);  // unrecoverable; CVODE reports CV_RHSFUNC_FAIL with time and step
  }
  return 0;
}

/// Jacobian product of rhs, J v = -V^{-1} (dR/dc) v, with the assembled constant dR/dc: one
/// matrix product where CVODE's difference quotient evaluates rhs, the residual, whose
/// fitted fluxes and reactions cost several products (docs/solvers.md, "Transient").
int jtimes(N_Vector v, N_Vector Jv, realtype, N_Vector, N_Vector, void* data, N_Vector) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  Vec V = N_VGetVector_Petsc(v), JV = N_VGetVector_Petsc(Jv);
  if (const PetscErrorCode e = MatMult(im->J, V, JV)) return failed(im, e, "MatMult");
  if (const PetscErrorCode e = VecPointwiseDivide(JV, JV, im->sys->volumes()))
    return failed(im, e, "VecPointwiseDivide");
  if (const PetscErrorCode e = VecScale(JV, -1.0)) return failed(im, e, "VecScale");
  return 0;
}

/// Newton matrix I - gamma J = V^{-1} (V + gamma dR/dc): assemble V + gamma dR/dc.
int psetup(realtype, N_Vector y, N_Vector, booleantype jok, booleantype* jcur, realtype gamma,
           void* data) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  try {
    im->sys->assemble(im->P, 1.0, gamma, false, N_VGetVector_Petsc(y));
    if (im->coarse) im->coarse->assemble(1.0, gamma, false, N_VGetVector_Petsc(y));
    if (const PetscErrorCode e = KSPSetOperators(im->ksp, im->P, im->P))
      return failed(im, e, "KSPSetOperators");
    if (const PetscErrorCode e = KSPSetUp(im->ksp))
      return failed(im, e, "KSPSetUp (the preconditioner's set-up)");
  } catch (const std::exception& e) {
    return failed(im, e);
  }
  (void)jok;
  *jcur = SUNTRUE;
  return 0;
}

/// z = (I - gamma J)^{-1} r  ~  (V + gamma A)^{-1} V r by the PETSc preconditioner.
int psolve(realtype, N_Vector, N_Vector, N_Vector r, N_Vector z, realtype, realtype, int,
           void* data) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  Vec R = N_VGetVector_Petsc(r), Z = N_VGetVector_Petsc(z);
  if (const PetscErrorCode e = VecPointwiseMult(im->rhs, R, im->sys->volumes()))
    return failed(im, e, "VecPointwiseMult");
  if (const PetscErrorCode e = KSPSolve(im->ksp, im->rhs, Z))
    return failed(im, e, "KSPSolve (the preconditioner)");
  KSPConvergedReason reason;
  KSPGetConvergedReason(im->ksp, &reason);
  return reason < 0 ? 1 : 0;  // recoverable: CVODE retries with a fresh setup
}

/// The groups of components whose total the semi-discrete system conserves exactly: a
/// species (all its states) with only closed faces and no reaction that links it to another.
std::vector<std::vector<int>> conserved_groups(const FVSystem& sys) {
  std::vector<std::vector<int>> out;
  for (const auto& g : sys.groups()) {
    bool keep = true;
    for (int s : g.components) keep = keep && sys.species()[s].closed();
    const auto inside = [&](int s) {
      return std::find(g.components.begin(), g.components.end(), s) != g.components.end();
    };
    if (sys.reactions())
      for (const auto& r : sys.reactions()->reactions()) {
        int in = 0, all = 0;
        for (const auto* side : {&r.reactants, &r.products})
          for (const auto& t : *side) {
            ++all;
            in += inside(t.species);
          }
        if (in > 0 && in < all) keep = false;  // the reaction exchanges with another species
      }
    if (keep) out.push_back(g.components);
  }
  return out;
}

/// CVODE's projection onto the conserved totals (docs/developers.md, "Conservation"): the
/// fitted-flux scheme conserves each closed group exactly, but CVODE's Newton systems are
/// solved only to the Krylov tolerance, and for large steps (gamma |dR/dc| >> V) that
/// tolerance lets the total drift. The correction is the smallest one in CVODE's weighted
/// norm (weights 1/(rtol |c| + atol)) that restores each total: corr_i = -d V_i s_i^2 /
/// sum_j V_j^2 s_j^2 with s_i = rtol |c_i| + atol, and the local error estimate is projected
/// onto the same constraint.
int project(realtype, N_Vector ycur, N_Vector corr, realtype, N_Vector err, void* data) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  const int nf = im->sys->nfields(), ng = static_cast<int>(im->conserved.size());
  Vec Y = N_VGetVector_Petsc(ycur), C = N_VGetVector_Petsc(corr);
  Vec E = err ? N_VGetVector_Petsc(err) : nullptr;
  const PetscScalar *y = nullptr, *v = nullptr;
  PetscScalar *c = nullptr, *e = nullptr;
  PetscInt n = 0;
  if (VecGetLocalSize(Y, &n) || VecGetArrayRead(Y, &y) || VecGetArrayRead(im->sys->volumes(), &v) ||
      VecGetArray(C, &c))
    return -1;
  if (E && VecGetArray(E, &e)) return -1;
  // per group: sum V c, sum V^2 s^2, sum V err
  std::vector<double> sums(3 * static_cast<std::size_t>(ng), 0.0);
  for (int g = 0; g < ng; ++g)
    for (int s : im->conserved[g])
      for (PetscInt i = s; i < n; i += nf) {
        const double sc = im->rtol * std::fabs(y[i]) + im->atol;
        sums[3 * g] += v[i] * y[i];
        sums[3 * g + 1] += v[i] * v[i] * sc * sc;
        if (e) sums[3 * g + 2] += v[i] * e[i];
      }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), 3 * ng, MPI_DOUBLE, MPI_SUM, im->comm);
  for (PetscInt i = 0; i < n; ++i) c[i] = 0.0;
  for (int g = 0; g < ng; ++g) {
    const double d = sums[3 * g] - im->conserved_total[g], q = sums[3 * g + 1];
    if (!(q > 0)) continue;
    for (int s : im->conserved[g])
      for (PetscInt i = s; i < n; i += nf) {
        const double sc = im->rtol * std::fabs(y[i]) + im->atol;
        c[i] = -d * v[i] * sc * sc / q;
        if (e) e[i] -= sums[3 * g + 2] * v[i] * sc * sc / q;
      }
  }
  VecRestoreArrayRead(Y, &y);
  VecRestoreArrayRead(im->sys->volumes(), &v);
  VecRestoreArray(C, &c);
  if (E) VecRestoreArray(E, &e);
  return 0;
}

}  // namespace

TransientSolver::TransientSolver(FVSystem& sys, Vec c, double t0, const TransientOptions& opt)
    : impl_(std::make_unique<Impl>()) {
  Impl& im = *impl_;
  im.sys = &sys;
  im.comm = sys.mesh().comm();
  im.check(SUNContext_Create(&im.comm, &im.ctx), "SUNContext_Create");
  im.yv = duplicate(c);
  TD_PETSC(VecCopy(c, im.yv));
  im.rhs = duplicate(c);
  im.y = N_VMake_Petsc(im.yv, im.ctx);
  im.cvode = CVodeCreate(CV_BDF, im.ctx);
  if (!im.cvode || !im.y) throw SolverError("CVODE could not be created");
  im.check(CVodeInit(im.cvode, rhs, t0, im.y), "CVodeInit");
  im.check(CVodeSetUserData(im.cvode, &im), "CVodeSetUserData");
  im.check(CVodeSetErrHandlerFn(im.cvode, sundials_messages, &im.cvode_message),
           "CVodeSetErrHandlerFn");
  im.check(CVodeSStolerances(im.cvode, opt.rtol, opt.atol), "CVodeSStolerances");
  im.check(CVodeSetMaxNumSteps(im.cvode, opt.max_steps), "CVodeSetMaxNumSteps");
  im.max_steps = opt.max_steps;
  im.check(CVodeSetMaxOrd(im.cvode, opt.max_order), "CVodeSetMaxOrd");
  im.h_init_given = opt.h_init > 0;
  if (im.h_init_given) im.check(CVodeSetInitStep(im.cvode, opt.h_init), "CVodeSetInitStep");
  if (opt.h_max > 0) im.check(CVodeSetMaxStep(im.cvode, opt.h_max), "CVodeSetMaxStep");
  im.ls = SUNLinSol_SPGMR(im.y, SUN_PREC_LEFT, kSpgmrMaxKrylov, im.ctx);
  im.check(CVodeSetLinearSolver(im.cvode, im.ls, nullptr), "CVodeSetLinearSolver");
  im.check(CVodeSetPreconditioner(im.cvode, psetup, psolve), "CVodeSetPreconditioner");
  if (opt.assembled_jacobian_products && sys.affine()) {
    // dR/dc is constant: assembled once here, at the initial state (the reactions' terms
    // are linear; the state only fills the call)
    im.J = sys.create_jacobian("cvode_");
    sys.assemble(im.J, 0.0, 1.0, false, c);
    im.check(CVodeSetJacTimes(im.cvode, nullptr, jtimes), "CVodeSetJacTimes");
  }
  im.rtol = opt.rtol;
  im.atol = opt.atol;
  im.conserved = conserved_groups(sys);
  if (!im.conserved.empty()) {
    const auto tot = sys.totals(c);
    for (const auto& g : im.conserved) {
      double sum = 0.0;
      for (int s : g) sum += tot[s];
      im.conserved_total.push_back(sum);
    }
    im.check(CVodeSetProjFn(im.cvode, project), "CVodeSetProjFn");
  }

  // Under hypre's structured multigrid (one species without heat or reactions) the
  // preconditioning matrix is stored in hypre's struct matrix alone (no AIJ matrix, no copy).
  im.P = sys.create_jacobian("cvode_");
  TD_PETSC(KSPCreate(im.comm, im.ksp.out()));
  TD_PETSC(KSPSetOptionsPrefix(im.ksp, "cvode_"));
  // The mesh's DMDA for -cvode_pc_type mg; inactive: psetup assembles the operator itself.
  im.dm = sys.mesh().solver_dm(sys.nfields());
  TD_PETSC(KSPSetDM(im.ksp, im.dm));
  TD_PETSC(KSPSetDMActive(im.ksp, PETSC_FALSE));
  TD_PETSC(KSPSetType(im.ksp, KSPPREONLY));
  // coarse multigrid operators from the discretisation on the coarse meshes
  // (fv/CoarseOperators.h) where the temperature is prescribed; Galerkin products otherwise
  const bool rediscretise = !sys.has_heat();
  const double peclet = sys.max_cell_peclet();
  set_default_pc(im.ksp, sys.nspecies(), sys.mesh().dim(),
                 mesh_multigrid_default(sys.mesh(), "cvode_", peclet, rediscretise));
  const DefaultOption mg_levels = mesh_multigrid_levels(sys.mesh(), "cvode_", peclet, rediscretise);
  TD_PETSC(KSPSetFromOptions(im.ksp));
  im.coarse = CoarseOperators::attach(
      im.ksp, sys, setup_mesh_multigrid(im.ksp, sys.mesh(), sys.nfields(), false, rediscretise));
}

TransientSolver::~TransientSolver() = default;

bool TransientSolver::advance(double t_out, Vec c_out, const StepHook& hook) {
  Impl& im = *impl_;
  double t = 0.0;
  im.check(CVodeGetCurrentTime(im.cvode, &t), "CVodeGetCurrentTime");
  im.check(CVodeSetStopTime(im.cvode, t_out), "CVodeSetStopTime");
  long taken = 0;
  im.check(CVodeGetNumSteps(im.cvode, &taken), "CVodeGetNumSteps");
  if (taken == 0 && !im.h_init_given) {
    // CVODE estimates its first step from the first output time, but never below
    // 100 uround max(|t|, |t_out|) (cvHin): for output times beyond about 1e13 of the case's
    // fastest diffusion time its error test then fails at t0 until it gives up (t_end = 1e30
    // on 32 cells with a diffusion time of 1e-3: CV_ERR_FAILURE at t = 0, its last attempt
    // at h = 1.5). Start such runs at the fastest diffusion time, as the steady solver's
    // pseudo time does.
    const double floor = kCvodeFirstStepFloor * std::numeric_limits<double>::epsilon();
    const double tau = im.sys->diffusion_time();
    if (floor * std::max(std::abs(t), std::abs(t_out)) > tau)
      im.check(CVodeSetInitStep(im.cvode, std::max(tau, floor * std::abs(t))), "CVodeSetInitStep");
  }
  while (t < t_out) {
    const int flag = CVode(im.cvode, t_out, im.y, &t, CV_ONE_STEP);
    im.check(flag, "step");
    long steps = 0;
    im.check(CVodeGetNumSteps(im.cvode, &steps), "CVodeGetNumSteps");
    if (steps >= im.max_steps && t < t_out) {
      double h = 0.0;
      im.check(CVodeGetLastStep(im.cvode, &h), "CVodeGetLastStep");
      throw SolverError(fmt::format(
          "transient solve took the {} internal steps [solver.transient] max_steps allows and "
          "reached t = {:.6e} of the output time {:.6e} (last step {:.3e}); raise max_steps, "
          "or look at h_max and the tolerances",
          steps, t, t_out, h));
    }
    // A stop asked on the step that reached t_out comes too late to save anything: the
    // output is reached, and the caller writes it before it stops.
    if (hook && !hook(stats()) && flag != CV_TSTOP_RETURN) {
      TD_PETSC(VecCopy(im.yv, c_out));
      return false;
    }
    if (flag == CV_TSTOP_RETURN) break;
  }
  TD_PETSC(VecCopy(im.yv, c_out));
  PetscReal nrm;
  TD_PETSC(VecNorm(c_out, NORM_INFINITY, &nrm));
  if (!std::isfinite(nrm))
    throw SolverError(fmt::format("transient solve produced a non-finite state at t = {:.6e}", t));
  return true;
}

TransientStats TransientSolver::stats() const {
  const Impl& im = *impl_;
  TransientStats s;
  CVodeGetNumSteps(im.cvode, &s.steps);
  CVodeGetNumRhsEvals(im.cvode, &s.rhs_evals);
  CVodeGetNumNonlinSolvIters(im.cvode, &s.nonlinear_iters);
  CVodeGetNumLinIters(im.cvode, &s.linear_iters);
  CVodeGetNumPrecEvals(im.cvode, &s.prec_setups);
  CVodeGetNumErrTestFails(im.cvode, &s.error_test_fails);
  CVodeGetNumNonlinSolvConvFails(im.cvode, &s.nonlinear_fails);
  CVodeGetNumJtimesEvals(im.cvode, &s.jacobian_products);
  CVodeGetNumLinRhsEvals(im.cvode, &s.rhs_evals_for_products);
  CVodeGetLastStep(im.cvode, &s.last_step);
  CVodeGetCurrentTime(im.cvode, &s.time);
  return s;
}

}  // namespace td
