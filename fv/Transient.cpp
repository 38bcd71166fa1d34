#include "fv/Transient.h"

#include <cmath>

#include <cvode/cvode.h>
#include <nvector/nvector_petsc.h>
#include <petscksp.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_spgmr.h>

#include <fmt/format.h>

#include "core/Petsc.h"

namespace td {

namespace {
/// Krylov dimension of CVODE's SPGMR (its default): the PETSc preconditioner makes few
/// iterations suffice.
constexpr int kSpgmrMaxKrylov = 30;
}  // namespace

struct TransientSolver::Impl {
  FVSystem* sys = nullptr;
  // PETSc objects (declared first: destroyed after the SUNDIALS objects that wrap them)
  Owned<Vec> yv;
  Owned<DM> dm;
  Owned<KSP> ksp;
  Owned<Mat> P;
  Owned<Vec> rhs;
  SUNContext ctx = nullptr;
  void* cvode = nullptr;
  N_Vector y = nullptr;
  SUNLinearSolver ls = nullptr;
  MPI_Comm comm = MPI_COMM_NULL;

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
    throw SolverError(fmt::format("CVODE {} failed with {} at t = {:.6e} after {} steps (last step "
                                  "size {:.3e})", call, CVodeGetReturnFlagName(flag), t, n, h));
  }
};

namespace {

/// dc/dt = -R(c) / V
int rhs(realtype, N_Vector y, N_Vector ydot, void* data) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  try {
    Vec Y = N_VGetVector_Petsc(y), F = N_VGetVector_Petsc(ydot);
    im->sys->residual(Y, F);
    if (VecPointwiseDivide(F, F, im->sys->volumes()) != 0) return -1;
    if (VecScale(F, -1.0) != 0) return -1;
  } catch (const std::exception&) {
    return -1;  // unrecoverable; CVODE reports CV_RHSFUNC_FAIL with time and step
  }
  return 0;
}

/// Newton matrix I - gamma J = V^{-1} (V + gamma dR/dc): assemble V + gamma dR/dc.
int psetup(realtype, N_Vector y, N_Vector, booleantype jok, booleantype* jcur, realtype gamma,
           void* data) {
  auto* im = static_cast<TransientSolver::Impl*>(data);
  try {
    im->sys->assemble(im->P, 1.0, gamma, false, N_VGetVector_Petsc(y));
    if (KSPSetOperators(im->ksp, im->P, im->P) != 0) return -1;
    if (KSPSetUp(im->ksp) != 0) return -1;
  } catch (const std::exception&) {
    return -1;
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
  if (VecPointwiseMult(im->rhs, R, im->sys->volumes()) != 0) return -1;
  if (KSPSolve(im->ksp, im->rhs, Z) != 0) return -1;
  KSPConvergedReason reason;
  KSPGetConvergedReason(im->ksp, &reason);
  return reason < 0 ? 1 : 0;  // recoverable: CVODE retries with a fresh setup
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
  im.check(CVodeSStolerances(im.cvode, opt.rtol, opt.atol), "CVodeSStolerances");
  im.check(CVodeSetMaxNumSteps(im.cvode, opt.max_steps), "CVodeSetMaxNumSteps");
  im.check(CVodeSetMaxOrd(im.cvode, opt.max_order), "CVodeSetMaxOrd");
  if (opt.h_init > 0) im.check(CVodeSetInitStep(im.cvode, opt.h_init), "CVodeSetInitStep");
  if (opt.h_max > 0) im.check(CVodeSetMaxStep(im.cvode, opt.h_max), "CVodeSetMaxStep");
  im.ls = SUNLinSol_SPGMR(im.y, SUN_PREC_LEFT, kSpgmrMaxKrylov, im.ctx);
  im.check(CVodeSetLinearSolver(im.cvode, im.ls, nullptr), "CVodeSetLinearSolver");
  im.check(CVodeSetPreconditioner(im.cvode, psetup, psolve), "CVodeSetPreconditioner");

  im.P = Owned<Mat>(sys.create_matrix());
  TD_PETSC(KSPCreate(im.comm, im.ksp.out()));
  TD_PETSC(KSPSetOptionsPrefix(im.ksp, "cvode_"));
  // The mesh's DMDA for -cvode_pc_type mg; inactive: psetup assembles the operator itself.
  im.dm = sys.mesh().solver_dm(sys.nfields());
  TD_PETSC(KSPSetDM(im.ksp, im.dm));
  TD_PETSC(KSPSetDMActive(im.ksp, PETSC_FALSE));
  TD_PETSC(KSPSetType(im.ksp, KSPPREONLY));
  set_default_pc(im.ksp, sys.nspecies(), sys.mesh().dim(), "cvode_");
  TD_PETSC(KSPSetFromOptions(im.ksp));
  setup_geometric_mg(im.ksp, sys.mesh().max_mg_levels(), false);
}

TransientSolver::~TransientSolver() = default;

bool TransientSolver::advance(double t_out, Vec c_out, const StepHook& hook) {
  Impl& im = *impl_;
  double t = 0.0;
  im.check(CVodeGetCurrentTime(im.cvode, &t), "CVodeGetCurrentTime");
  im.check(CVodeSetStopTime(im.cvode, t_out), "CVodeSetStopTime");
  while (t < t_out) {
    const int flag = CVode(im.cvode, t_out, im.y, &t, CV_ONE_STEP);
    im.check(flag, "step");
    if (hook && !hook(stats())) {
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
  CVodeGetLastStep(im.cvode, &s.last_step);
  CVodeGetCurrentTime(im.cvode, &s.time);
  return s;
}

}  // namespace td
