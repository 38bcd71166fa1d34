#include "solver/Steady.h"

#include <cmath>

#include <fmt/format.h>

#include "solver/Petsc.h"

namespace td {

namespace {

/// SNES callbacks' context: the system, and the pseudo-transient term V (c - c_old) / dtau.
struct Ctx {
  FVSystem* sys;
  double shift = 0.0;  // 1/dtau; 0 for plain Newton
  Vec c_old = nullptr;
  Vec work = nullptr;
  bool pins = true;
};

PetscErrorCode form_function(SNES, Vec c, Vec R, void* p) {
  auto* ctx = static_cast<Ctx*>(p);
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

PetscErrorCode form_jacobian(SNES, Vec, Mat A, Mat P, void* p) {
  auto* ctx = static_cast<Ctx*>(p);
  try {
    ctx->sys->assemble(P, ctx->shift, 1.0, ctx->pins);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  return 0;
}

/// RAII for the SNES and its work objects.
struct SnesHolder {
  SNES snes = nullptr;
  Mat J = nullptr;
  Vec r = nullptr;
  ~SnesHolder() {
    SNESDestroy(&snes);
    MatDestroy(&J);
    VecDestroy(&r);
  }
};

std::string reason_name(SNESConvergedReason r) { return SNESConvergedReasons[r]; }

}  // namespace

SteadyResult solve_steady(FVSystem& sys, Vec c, const SteadyOptions& opt) {
  const double t_start = MPI_Wtime();
  MPI_Comm comm = sys.mesh().comm();
  const int ns = sys.nspecies();
  SteadyResult res;

  // Closed species: the operator is singular (any multiple of the steady profile solves it).
  // Pin the first cell, solve, then scale to the conserved total of the initial state.
  const auto target = sys.totals(c);
  std::vector<std::pair<int, double>> pins;
  for (int s : sys.closed_species()) pins.emplace_back(s, 1.0);
  sys.set_pins(pins);

  Ctx ctx{&sys};
  SnesHolder h;
  TD_PETSC(SNESCreate(comm, &h.snes));
  TD_PETSC(VecDuplicate(c, &h.r));
  h.J = sys.create_matrix();
  Vec c_old, work;
  TD_PETSC(VecDuplicate(c, &c_old));
  TD_PETSC(VecDuplicate(c, &work));
  ctx.c_old = c_old;
  ctx.work = work;
  TD_PETSC(SNESSetFunction(h.snes, h.r, form_function, &ctx));
  TD_PETSC(SNESSetJacobian(h.snes, h.J, h.J, form_jacobian, &ctx));
  TD_PETSC(SNESSetType(h.snes, SNESNEWTONLS));
  TD_PETSC(SNESSetTolerances(h.snes, opt.atol, opt.rtol, 0.0, opt.max_newton, 10000));
  // Concentrations in SI (number densities ~1e24) make Newton steps large in norm; PETSc's
  // default cap on the step length (1e8) would silently shorten them.
  SNESLineSearch ls;
  TD_PETSC(SNESGetLineSearch(h.snes, &ls));
  TD_PETSC(SNESLineSearchSetTolerances(ls, PETSC_DEFAULT, 1e300, PETSC_DEFAULT, PETSC_DEFAULT,
                                       PETSC_DEFAULT, PETSC_DEFAULT));
  KSP ksp;
  PC pc;
  TD_PETSC(SNESGetKSP(h.snes, &ksp));
  TD_PETSC(KSPSetType(ksp, KSPGMRES));
  // right preconditioning: the Krylov tolerance then applies to the true residual
  TD_PETSC(KSPSetPCSide(ksp, PC_RIGHT));
  TD_PETSC(KSPSetTolerances(ksp, opt.ksp_rtol, 1e-50, PETSC_DEFAULT, 2000));
  TD_PETSC(KSPGetPC(ksp, &pc));
#if defined(PETSC_HAVE_HYPRE)
  TD_PETSC(PCSetType(pc, PCHYPRE));
#else
  TD_PETSC(PCSetType(pc, PCGAMG));
#endif
  TD_PETSC(SNESSetFromOptions(h.snes));
  if (opt.verbose) {
    PetscViewerAndFormat* vf;
    TD_PETSC(PetscViewerAndFormatCreate(PETSC_VIEWER_STDOUT_(comm), PETSC_VIEWER_DEFAULT, &vf));
    TD_PETSC(SNESMonitorSet(h.snes,
                            reinterpret_cast<PetscErrorCode (*)(SNES, PetscInt, PetscReal, void*)>(
                                SNESMonitorDefault),
                            vf, reinterpret_cast<PetscErrorCode (*)(void**)>(PetscViewerAndFormatDestroy)));
  }

  auto newton = [&]() {
    ctx.shift = 0.0;
    ctx.pins = true;
    // pinned value: the current value of the first cell (1 if it is not positive)
    double v0 = 1.0;
    if (!pins.empty()) {
      std::vector<double> local(ns, 0.0), global(ns, 0.0);
      if (sys.mesh().start() == std::array<int, 3>{0, 0, 0}) {
        const PetscScalar* a;
        TD_PETSC(VecGetArrayRead(c, &a));
        for (int s = 0; s < ns; ++s) local[s] = a[s];
        TD_PETSC(VecRestoreArrayRead(c, &a));
      }
      MPI_Allreduce(local.data(), global.data(), ns, MPI_DOUBLE, MPI_SUM, comm);
      for (auto& p : pins) p.second = global[p.first] > 0 ? global[p.first] : v0;
      sys.set_pins(pins);
    }
    TD_PETSC(SNESSolve(h.snes, nullptr, c));
    SNESConvergedReason reason;
    PetscInt it, lit;
    TD_PETSC(SNESGetConvergedReason(h.snes, &reason));
    TD_PETSC(SNESGetIterationNumber(h.snes, &it));
    TD_PETSC(SNESGetLinearSolveIterations(h.snes, &lit));
    res.newton_iterations += static_cast<int>(it);
    res.krylov_iterations += static_cast<int>(lit);
    return reason;
  };

  SNESConvergedReason reason = SNES_DIVERGED_MAX_IT;
  Vec guess;
  TD_PETSC(VecDuplicate(c, &guess));
  TD_PETSC(VecCopy(c, guess));
  if (!opt.force_ptc) reason = newton();
  if (reason < 0) {
    // Pseudo-transient continuation (switched evolution relaxation) from the initial guess:
    // V (c - c_old)/dtau + R(c) = 0 with dtau growing as ||R|| falls. The pseudo-time
    // evolution conserves closed species, so no pins are needed until the final Newton.
    const SNESConvergedReason first = reason;
    TD_PETSC(VecCopy(guess, c));
    ctx.pins = false;
    double dt = opt.ptc_dt0;
    if (dt <= 0.0) {
      // diffusion time of the smallest cell, with the largest D on the mesh
      double hmin = 1e300, dmax = 0.0;
      for (int a = 0; a < sys.mesh().dim(); ++a)
        for (int i = 0; i < sys.mesh().cells(a); ++i) hmin = std::min(hmin, sys.mesh().axis(a).width(i));
      PetscReal tmin, tmax;
      TD_PETSC(VecMin(sys.temperature(), nullptr, &tmin));
      TD_PETSC(VecMax(sys.temperature(), nullptr, &tmax));
      for (const auto& sp : sys.species())
        dmax = std::max({dmax, sp.D->value(tmin), sp.D->value(tmax)});
      dt = hmin * hmin / dmax;
    }
    ctx.pins = false;
    sys.set_pins({});
    TD_PETSC(form_function(h.snes, c, h.r, &ctx));
    PetscReal r0, rn = 0;
    TD_PETSC(VecNorm(h.r, NORM_2, &r0));
    double rprev = r0;
    bool ok = false;
    for (int step = 0; step < opt.ptc_max_steps; ++step) {
      TD_PETSC(VecCopy(c, c_old));
      ctx.shift = 1.0 / dt;
      TD_PETSC(SNESSolve(h.snes, nullptr, c));
      SNESConvergedReason r;
      TD_PETSC(SNESGetConvergedReason(h.snes, &r));
      if (r < 0) {
        TD_PETSC(VecCopy(c_old, c));
        dt *= 0.25;
        continue;
      }
      ++res.ptc_steps;
      ctx.shift = 0.0;
      TD_PETSC(form_function(h.snes, c, h.r, &ctx));
      TD_PETSC(VecNorm(h.r, NORM_2, &rn));
      if (!std::isfinite(rn)) break;
      if (opt.verbose)
        PetscPrintf(comm, "  ptc step %d dtau %.3e ||R|| %.3e\n", step, dt, static_cast<double>(rn));
      if (rn < 1e-6 * r0 || rn == 0.0) {
        ok = true;
        break;
      }
      dt *= std::min(10.0, rprev / rn);
      rprev = rn;
    }
    sys.set_pins(pins);
    if (ok) reason = newton();
    if (!ok || reason < 0) {
      VecDestroy(&guess);
      VecDestroy(&c_old);
      VecDestroy(&work);
      throw SolverError(fmt::format(
          "steady solve failed: Newton from the initial guess stopped with {} and pseudo-transient "
          "continuation {} (||R|| = {:.3e} from {:.3e} after {} steps, last dtau {:.3e}); try "
          "-snes_monitor -ksp_monitor, a better initial state, or a transient run",
          reason_name(first), ok ? "reached the basin but the final Newton failed"
                                 : "did not converge",
          static_cast<double>(rn), static_cast<double>(r0), res.ptc_steps, dt));
    }
  }
  VecDestroy(&guess);
  VecDestroy(&c_old);
  VecDestroy(&work);

  // Restore the conserved totals of the closed species (the pinned problem is homogeneous).
  if (!pins.empty()) {
    const auto now = sys.totals(c);
    for (const auto& p : pins) {
      if (now[p.first] == 0.0) continue;
      TD_PETSC(VecStrideScale(c, p.first, target[p.first] / now[p.first]));
    }
  }
  sys.set_pins({});
  sys.residual(c, h.r);
  PetscReal rn;
  TD_PETSC(VecNorm(h.r, NORM_2, &rn));
  res.residual_norm = rn;
  if (!std::isfinite(rn))
    throw SolverError(fmt::format("steady solve produced a non-finite state (||R|| = {})", rn));
  res.seconds = MPI_Wtime() - t_start;
  return res;
}

}  // namespace td
