#include "fv/Steady.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

#include <fmt/format.h>

#include "core/Petsc.h"

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

PetscErrorCode form_jacobian(SNES, Vec c, Mat A, Mat P, void* p) {
  auto* ctx = static_cast<Ctx*>(p);
  try {
    ctx->sys->assemble(P, ctx->shift, 1.0, ctx->pins, c);
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
  Mat Jmf = nullptr;
  Vec r = nullptr;
  ~SnesHolder() {
    SNESDestroy(&snes);
    MatDestroy(&Jmf);
    MatDestroy(&J);
    VecDestroy(&r);
  }
};

std::string reason_name(SNESConvergedReason r) { return SNESConvergedReasons[r]; }

/// Adjust the pinned values v until the conserved amounts q(v) of the pinned steady state
/// equal @p target: Newton on the small system q(v) = target with a finite-difference
/// Jacobian and Broyden updates. Exact in one step for linear kinetics; a few steps with
/// nonlinear kinetics (dimerization), each a warm-started steady solve.
template <class Newton, class Amounts, class Cell0>
void match_amounts(Newton& newton, Amounts& amounts, Cell0& cell0,
                   const std::vector<double>& target, Vec c, SteadyResult& res) {
  const int n = static_cast<int>(target.size());
  auto rel_error = [&](const std::vector<double>& q) {
    double e = 0.0;
    for (int k = 0; k < n; ++k)
      e = std::max(e, std::abs(q[k] - target[k]) / std::max(std::abs(target[k]), 1e-300));
    return e;
  };
  auto solve = [&](const std::vector<double>& v) {
    const SNESConvergedReason r = newton(v);
    if (r < 0)
      throw SolverError(fmt::format("steady solve failed while matching the conserved amounts "
                                    "({}); try -snes_monitor or a transient run",
                                    SNESConvergedReasons[r]));
    return amounts(c);
  };
  std::vector<double> v = cell0(c), q = amounts(c);
  Vec base;
  TD_PETSC(VecDuplicate(c, &base));
  Eigen::MatrixXd J(n, n);
  bool have_jacobian = false;
  // Stop at 1e-11 or when the linear solves' accuracy stops further progress.
  double prev_error = 1e300;
  for (int it = 0; it < 30 && rel_error(q) > 1e-11 && rel_error(q) < 0.5 * prev_error; ++it) {
    prev_error = rel_error(q);
    if (!have_jacobian) {
      TD_PETSC(VecCopy(c, base));
      for (int l = 0; l < n; ++l) {
        std::vector<double> vp = v;
        const double dv = 1e-4 * std::abs(v[l]);
        vp[l] += dv;
        const auto qp = solve(vp);
        for (int k = 0; k < n; ++k) J(k, l) = (qp[k] - q[k]) / dv;
        TD_PETSC(VecCopy(base, c));
      }
      have_jacobian = true;
    }
    Eigen::VectorXd G(n), step;
    for (int k = 0; k < n; ++k) G(k) = target[k] - q[k];
    step = J.fullPivLu().solve(G);
    double lambda = 1.0;
    std::vector<double> vn(n);
    for (int tries = 0; tries < 60; ++tries, lambda *= 0.5) {
      bool positive = true;
      for (int k = 0; k < n; ++k) positive = positive && (vn[k] = v[k] + lambda * step(k)) > 0.0;
      if (positive) break;
    }
    const auto qn = solve(vn);
    Eigen::VectorXd dv(n), dq(n);
    for (int k = 0; k < n; ++k) dv(k) = vn[k] - v[k], dq(k) = qn[k] - q[k];
    if (dv.squaredNorm() > 0) J += ((dq - J * dv) * dv.transpose()) / dv.squaredNorm();
    v = vn;
    q = qn;
    ++res.amount_iterations;
  }
  VecDestroy(&base);
  if (rel_error(q) > 1e-8)
    throw SolverError(fmt::format("steady solve could not match the conserved amounts: relative "
                                  "error {:.3e} after {} adjustments of the pinned values",
                                  rel_error(q), res.amount_iterations));
}

}  // namespace

SteadyResult solve_steady(FVSystem& sys, Vec c, const SteadyOptions& opt) {
  const double t_start = MPI_Wtime();
  MPI_Comm comm = sys.mesh().comm();
  const int ns = sys.nspecies();
  SteadyResult res;

  // Closed cells: the operator is singular along each conserved amount (any multiple of the
  // steady profile solves a linear problem). Pin one component in the first cell per
  // conserved amount, then adjust the pinned values until the amounts equal those of the
  // initial state.
  const auto cons = sys.conserved();
  const int ncons = static_cast<int>(cons.size());
  auto amounts = [&](Vec v) {
    const auto tot = sys.totals(v);
    std::vector<double> q(ncons, 0.0);
    for (int k = 0; k < ncons; ++k)
      for (int s = 0; s < ns; ++s) q[k] += cons[k].weights[s] * tot[s];
    return q;
  };
  const auto target = amounts(c);
  std::vector<std::pair<int, double>> pins;
  for (const auto& q : cons) pins.emplace_back(q.pinned, 1.0);
  sys.set_pins(pins);
  // pinned components' values in cell (0,0,0), on every rank
  auto cell0 = [&](Vec v) {
    std::vector<double> local(ns, 0.0), global(ns, 0.0), out(ncons);
    if (sys.mesh().start() == std::array<int, 3>{0, 0, 0}) {
      const PetscScalar* a;
      TD_PETSC(VecGetArrayRead(v, &a));
      for (int s = 0; s < ns; ++s) local[s] = a[s];
      TD_PETSC(VecRestoreArrayRead(v, &a));
    }
    MPI_Allreduce(local.data(), global.data(), ns, MPI_DOUBLE, MPI_SUM, comm);
    for (int k = 0; k < ncons; ++k) out[k] = global[cons[k].pinned];
    return out;
  };
  double vol_total = 0.0;
  {
    PetscReal vs;
    TD_PETSC(VecSum(sys.volumes(), &vs));
    vol_total = vs / ns;
  }

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
  if (sys.has_heat()) {
    // The assembled matrix leaves out the species' dependence on T: Newton-Krylov with
    // finite-difference products of the true Jacobian, preconditioned by the assembled one.
    TD_PETSC(MatCreateSNESMF(h.snes, &h.Jmf));
    TD_PETSC(SNESSetJacobian(h.snes, h.Jmf, h.J, form_jacobian, &ctx));
  } else {
    TD_PETSC(SNESSetJacobian(h.snes, h.J, h.J, form_jacobian, &ctx));
  }
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
  set_default_pc(ksp, ns, sys.mesh().dim());
  TD_PETSC(SNESSetFromOptions(h.snes));
  if (opt.verbose) {
    PetscViewerAndFormat* vf;
    TD_PETSC(PetscViewerAndFormatCreate(PETSC_VIEWER_STDOUT_(comm), PETSC_VIEWER_DEFAULT, &vf));
    TD_PETSC(SNESMonitorSet(h.snes,
                            reinterpret_cast<PetscErrorCode (*)(SNES, PetscInt, PetscReal, void*)>(
                                SNESMonitorDefault),
                            vf, reinterpret_cast<PetscErrorCode (*)(void**)>(PetscViewerAndFormatDestroy)));
  }

  // Newton with the pins at @p v (empty: the current values of cell (0,0,0), or an average
  // concentration where those are not positive).
  bool have_scale = false;
  std::vector<PetscReal> history(static_cast<std::size_t>(opt.max_newton) + 1);
  TD_PETSC(SNESSetConvergenceHistory(h.snes, history.data(), nullptr,
                                     static_cast<PetscInt>(history.size()), PETSC_TRUE));
  auto newton = [&](std::vector<double> v) {
    ctx.shift = 0.0;
    ctx.pins = true;
    if (ncons > 0) {
      if (v.empty()) {
        v = cell0(c);
        for (int k = 0; k < ncons; ++k)
          if (!(v[k] > 0)) v[k] = target[k] != 0.0 ? std::abs(target[k]) / vol_total : 1.0;
      }
      for (int k = 0; k < ncons; ++k) pins[k].second = v[k];
      sys.set_pins(pins);
    }
    TD_PETSC(SNESSolve(h.snes, nullptr, c));
    if (!have_scale) {
      // Later solves (adjusting pins) start close to the answer: their relative tolerance
      // would ask for less than round-off. Make the first solve's target absolute.
      PetscInt nh = 0;
      PetscReal* hist = nullptr;
      TD_PETSC(SNESGetConvergenceHistory(h.snes, &hist, nullptr, &nh));
      if (nh > 0 && hist[0] > 0) {
        have_scale = true;
        TD_PETSC(SNESSetTolerances(h.snes, std::max(opt.atol, opt.rtol * hist[0]), opt.rtol,
                                   0.0, opt.max_newton, 10000));
        // ... but take at least one Newton step, so that a small change of the pins is felt
        TD_PETSC(SNESSetForceIteration(h.snes, PETSC_TRUE));
      }
    }
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
  // With nonlinear kinetics in a closed cell the pinned problem is a poor route to the
  // conserved amounts (each pin change is a new nonlinear solve). Pseudo-transient
  // continuation conserves every amount exactly at every step, so it is run to convergence
  // instead, without pins.
  bool nonlinear_closed = false;
  if (ncons > 0 && sys.reactions())
    for (const auto& rx : sys.reactions()->reactions()) {
      int back = 0;
      for (const auto& t : rx.products) back += t.nu;
      nonlinear_closed = nonlinear_closed || rx.order() > 1 || back > 1;
    }
  const double ptc_goal = nonlinear_closed ? opt.rtol : 1e-6;
  if (!opt.force_ptc && !nonlinear_closed) reason = newton({});
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
    // each pseudo step is solved to an absolute target well below the final one, so that the
    // steps near convergence do not ask for less than round-off
    // Scales of the residual: |diag(dR/dc)| c, the size of the outflow (and reaction) terms.
    // Round-off sets a floor; with nonlinear kinetics convergence is judged against the
    // transport terms, since fast reactions dominate the initial residual.
    auto term_scale = [&](bool reactions) {
      sys.assemble(h.J, 0.0, 1.0, false, c, reactions);
      TD_PETSC(MatGetDiagonal(h.J, work));
      TD_PETSC(VecPointwiseMult(work, work, c));
      PetscReal sc;
      TD_PETSC(VecNorm(work, NORM_2, &sc));
      return static_cast<double>(sc);
    };
    const double floor = 1e-15 * term_scale(true);
    if (nonlinear_closed) r0 = std::min(static_cast<double>(r0), term_scale(false));
    TD_PETSC(SNESSetTolerances(h.snes, std::max(1e-3 * ptc_goal * r0, floor), opt.rtol, 0.0,
                               opt.max_newton, 10000));
    TD_PETSC(SNESSetForceIteration(h.snes, PETSC_TRUE));
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
      {
        PetscInt it, lit;
        TD_PETSC(SNESGetIterationNumber(h.snes, &it));
        TD_PETSC(SNESGetLinearSolveIterations(h.snes, &lit));
        res.newton_iterations += static_cast<int>(it);
        res.krylov_iterations += static_cast<int>(lit);
      }
      ctx.shift = 0.0;
      TD_PETSC(form_function(h.snes, c, h.r, &ctx));
      TD_PETSC(VecNorm(h.r, NORM_2, &rn));
      if (!std::isfinite(rn)) break;
      if (opt.verbose)
        PetscPrintf(comm, "  ptc step %d dtau %.3e ||R|| %.3e\n", step, dt, static_cast<double>(rn));
      if (rn < std::max(ptc_goal * r0, 10.0 * floor) || rn == 0.0) {
        ok = true;
        break;
      }
      // SER growth, at least doubling: implicit pseudo steps stay stable at any size
      dt *= std::clamp(rprev / rn, 2.0, 10.0);
      rprev = rn;
    }
    sys.set_pins(pins);
    if (ok) reason = nonlinear_closed ? SNES_CONVERGED_FNORM_RELATIVE : newton({});
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

  if (ncons > 0) {
    if (!sys.reactions()) {
      // Without reactions each conserved amount is one species and the pinned problem is
      // linear and homogeneous in it: scaling restores the total exactly.
      const auto now = sys.totals(c);
      for (int k = 0; k < ncons; ++k) {
        const int s = cons[k].pinned;
        if (now[s] != 0.0)
          TD_PETSC(VecStrideScale(c, s, target[k] / (cons[k].weights[s] * now[s])));
      }
    } else if (!nonlinear_closed) {
      match_amounts(newton, amounts, cell0, target, c, res);
    }
  }
  sys.set_pins({});
  sys.residual(c, h.r);
  PetscReal rn;
  TD_PETSC(VecNorm(h.r, NORM_2, &rn));
  res.residual_norm = rn;
  {
    // size of the individual flux and reaction terms, to judge ||R|| against
    sys.assemble(h.J, 0.0, 1.0, false, c);
    Vec d;
    TD_PETSC(VecDuplicate(c, &d));
    TD_PETSC(MatGetDiagonal(h.J, d));
    TD_PETSC(VecPointwiseMult(d, d, c));
    PetscReal sc;
    TD_PETSC(VecNorm(d, NORM_2, &sc));
    res.residual_scale = sc;
    VecDestroy(&d);
  }
  if (!std::isfinite(rn))
    throw SolverError(fmt::format("steady solve produced a non-finite state (||R|| = {})", rn));
  res.seconds = MPI_Wtime() - t_start;
  return res;
}

}  // namespace td
