#include "fv/CoverageSystem.h"

#include <fmt/format.h>
#include <petscsnes.h>
#include <petscts.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/Error.h"
#include "mesh/DmdaViews.h"
#include "mesh/StencilMatrix.h"

namespace td {

using dmda::for_owned;
using dmda::LocalView;
using dmda::OwnedView;
using dmda::shifted;

namespace {

/// First step of the steady continuation, as a fraction of the fastest cell's diffusion time.
constexpr double kFirstStepFraction = 0.1;
/// Growth of the continuation step after each converged step.
constexpr double kStepGrowth = 2.0;
/// Relative tolerance of the Newton iteration of each step (the linear solves are exact).
constexpr double kNewtonRtol = 1e-12;
/// Absolute tolerance of the Newton iteration relative to the face-flux scale: round-off of
/// the residual's sums.
constexpr double kNewtonAtol = 1e-14;
/// Newton tolerances of a relaxation step, whose residual includes V dtheta/dt: relative to the
/// first residual, or a Newton update below kStepStol of the state.
constexpr double kStepRtol = 1e-10, kStepStol = 1e-12;

}  // namespace

CoverageSystem::CoverageSystem(const Mesh& mesh, std::shared_ptr<const TemperatureField> T,
                               std::shared_ptr<const CoverageLaw> law, CoverageThermo thermo)
    : mesh_(mesh), T_(std::move(T)), law_(std::move(law)), thermo_(std::move(thermo)) {
  if (mesh_.dof() != 1)
    throw Error(
        fmt::format("coverage system: the mesh has {} fields per cell, needs 1", mesh_.dof()));
  TD_PETSC(DMCreateGlobalVector(mesh_.dm(), vol_.out()));
  OwnedView V(mesh_.dm(), vol_);
  for_owned(mesh_,
            [&](const std::array<int, 3>& c) { V(c, 1, 0) = mesh_.volume(c[0], c[1], c[2]); });
}

Vec CoverageSystem::create_state() const {
  Vec v;
  TD_PETSC(DMCreateGlobalVector(mesh_.dm(), &v));
  return v;
}

Mat CoverageSystem::create_matrix() const {
  return create_star_matrix(mesh_.dm()).release();
}

Vec CoverageSystem::cell_temperatures() const {
  Vec v = create_state();
  OwnedView out(mesh_.dm(), v);
  for_owned(mesh_, [&](const std::array<int, 3>& c) {
    out(c, 1, 0) = T_->T(mesh_.center(c[0], c[1], c[2]));
  });
  return v;
}

std::vector<kernels::CoverageCell> CoverageSystem::cells(Vec theta, bool& ok) const {
  LocalView C(mesh_.dm(), theta);
  const dmda::Box g = dmda::ghost_box(mesh_.dm());
  std::vector<kernels::CoverageCell> st(static_cast<std::size_t>(g.n[0]) * g.n[1] * g.n[2]);
  ok = true;
  for (int k = g.s[2]; k < g.s[2] + g.n[2]; ++k)
    for (int j = g.s[1]; j < g.s[1] + g.n[1]; ++j)
      for (int i = g.s[0]; i < g.s[0] + g.n[0]; ++i) {
        const std::array<int, 3> idx{i, j, k};
        const double th = C(idx, 1, 0);
        if (!(th > 0.0 && th < 1.0)) {
          ok = false;
          continue;
        }
        // ghost cells of periodic axes lie outside [0, n): their temperature is the wrapped one
        std::array<int, 3> w = idx;
        for (int a = 0; a < mesh_.dim(); ++a)
          w[a] = ((w[a] % mesh_.cells(a)) + mesh_.cells(a)) % mesh_.cells(a);
        st[g.at(idx, 1, 0)] = thermo_.cell(th, T_->T(mesh_.center(w[0], w[1], w[2])), *law_);
      }
  return st;
}

/// Call f(row cell, neighbour cell or nullptr, flux, sign) for the two faces of every owned
/// cell along every axis: sign +1 for the upper face (flux leaves the row cell, which is P),
/// -1 for the lower face (the row cell is Q). Wall faces are skipped (no flux).
template <class F>
void CoverageSystem::for_faces(const std::vector<kernels::CoverageCell>& st, F&& f) const {
  const dmda::Box g = dmda::ghost_box(mesh_.dm());
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    const auto& me = st[g.at(idx, 1, 0)];
    for (int a = 0; a < mesh_.dim(); ++a) {
      const Axis& ax = mesh_.axis(a);
      const int n = ax.cells();
      const double area = mesh_.face_area(a, idx[0], idx[1], idx[2]);
      if (ax.periodic || idx[a] + 1 < n) {
        const auto up = shifted(idx, a, 1);
        const auto fl =
            kernels::coverage_face_flux(me, st[g.at(up, 1, 0)], area / ax.center_distance(idx[a]));
        f(idx, up, fl, +1.0);
      }
      if (ax.periodic || idx[a] > 0) {
        const auto lo = shifted(idx, a, -1);
        const auto fl = kernels::coverage_face_flux(
            st[g.at(lo, 1, 0)], me, area / ax.center_distance((idx[a] + n - 1) % n));
        f(idx, lo, fl, -1.0);
      }
    }
  });
}

bool CoverageSystem::admissible(Vec theta) const {
  int bad = 0;
  {
    LocalView C(mesh_.dm(), theta);
    for_owned(mesh_, [&](const std::array<int, 3>& idx) {
      const double th = C(idx, 1, 0);
      if (!(th > 0.0 && th < 1.0)) bad = 1;
    });
  }
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, mesh_.comm());
  return bad == 0;
}

void CoverageSystem::residual(Vec theta, Vec R) const {
  bool ok = true;
  const auto st = cells(theta, ok);
  if (!ok) throw Error("coverage system: a coverage is outside (0, 1)");
  TD_PETSC(VecSet(R, 0.0));
  OwnedView out(mesh_.dm(), R);
  for_faces(st,
            [&](const std::array<int, 3>& row, const std::array<int, 3>&,
                const kernels::CoverageFlux& fl, double sign) { out(row, 1, 0) += sign * fl.J; });
}

void CoverageSystem::jacobian(Vec theta, Mat J, double shift) const {
  bool ok = true;
  const auto st = cells(theta, ok);
  if (!ok) throw Error("coverage system: a coverage is outside (0, 1)");
  TD_PETSC(MatZeroEntries(J));
  auto stencil = [](const std::array<int, 3>& idx) {
    MatStencil s{};
    s.i = idx[0];
    s.j = idx[1];
    s.k = idx[2];
    return s;
  };
  for_faces(st, [&](const std::array<int, 3>& row, const std::array<int, 3>& nb,
                    const kernels::CoverageFlux& fl, double sign) {
    // upper face: the row cell is P; lower face: the row cell is Q
    const double d_self = sign > 0 ? fl.dP : -fl.dQ;
    const double d_nb = sign > 0 ? fl.dQ : -fl.dP;
    MatStencil r = stencil(row), cols[2] = {stencil(row), stencil(nb)};
    const PetscScalar vals[2] = {d_self, d_nb};
    TD_PETSC(MatSetValuesStencil(J, 1, &r, 2, cols, vals, ADD_VALUES));
  });
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    MatStencil r = stencil(idx);
    const PetscScalar v = shift * mesh_.volume(idx[0], idx[1], idx[2]);
    TD_PETSC(MatSetValuesStencil(J, 1, &r, 1, &r, &v, ADD_VALUES));
  });
  TD_PETSC(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  TD_PETSC(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
}

double CoverageSystem::total(Vec theta) const {
  PetscScalar t = 0.0;
  TD_PETSC(VecDot(theta, vol_, &t));
  return t;
}

double CoverageSystem::flux_scale(Vec theta) const {
  bool ok = true;
  const auto st = cells(theta, ok);
  if (!ok) throw Error("coverage system: a coverage is outside (0, 1)");
  double s = 0.0;
  const dmda::Box g = dmda::ghost_box(mesh_.dm());
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    const auto& c = st[g.at(idx, 1, 0)];
    for (int a = 0; a < mesh_.dim(); ++a)
      s = std::max(s, c.D * c.theta * mesh_.face_area(a, idx[0], idx[1], idx[2]) /
                          mesh_.axis(a).width(idx[a]));
  });
  MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_MAX, mesh_.comm());
  return s;
}

double CoverageSystem::fastest_rate(Vec theta) const {
  bool ok = true;
  const auto st = cells(theta, ok);
  if (!ok) throw Error("coverage system: a coverage is outside (0, 1)");
  double r = 0.0;
  const dmda::Box g = dmda::ghost_box(mesh_.dm());
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    for (int a = 0; a < mesh_.dim(); ++a) {
      const double h = mesh_.axis(a).width(idx[a]);
      r = std::max(r, st[g.at(idx, 1, 0)].D / (h * h));
    }
  });
  MPI_Allreduce(MPI_IN_PLACE, &r, 1, MPI_DOUBLE, MPI_MAX, mesh_.comm());
  return r;
}

namespace {

/// Context of the TS callbacks: F = V dtheta/dt + R(theta), J = shift V + dR/dtheta.
struct TsCtx {
  const CoverageSystem* sys = nullptr;
  Vec vol = nullptr;
  Vec work = nullptr;
};

PetscErrorCode ifunction(TS ts, PetscReal, Vec U, Vec Udot, Vec F, void* p) {
  auto* c = static_cast<TsCtx*>(p);
  try {
    if (!c->sys->admissible(U)) {
      // a Newton step left (0, 1): the line search backtracks, or TS retries a shorter step
      SNES snes;
      PetscCall(TSGetSNES(ts, &snes));
      PetscCall(SNESSetFunctionDomainError(snes));
      PetscCall(VecSet(F, 0.0));
      return 0;
    }
    c->sys->residual(U, F);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscCall(VecPointwiseMult(c->work, c->vol, Udot));
  PetscCall(VecAXPY(F, 1.0, c->work));
  return 0;
}

PetscErrorCode ijacobian(TS, PetscReal, Vec U, Vec, PetscReal shift, Mat A, Mat P, void* p) {
  auto* c = static_cast<TsCtx*>(p);
  try {
    c->sys->jacobian(U, P, shift);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  return 0;
}

/// A TS on @p sys: exact linear solves (LU on one rank; GMRES to 1e-14 on several), so that
/// every Newton update keeps the total amount to round-off.
Owned<TS> make_ts(const CoverageSystem& sys, TsCtx& ctx, Mat J, double atol, double rtol,
                double stol) {
  MPI_Comm comm = sys.mesh().comm();
  Owned<TS> owner;
  TD_PETSC(TSCreate(comm, owner.out()));
  TS ts = owner;
  TD_PETSC(TSSetProblemType(ts, TS_NONLINEAR));
  TD_PETSC(TSSetIFunction(ts, nullptr, ifunction, &ctx));
  TD_PETSC(TSSetIJacobian(ts, J, J, ijacobian, &ctx));
  TD_PETSC(TSSetMaxSNESFailures(ts, -1));
  TD_PETSC(TSSetMaxStepRejections(ts, -1));
  SNES snes;
  TD_PETSC(TSGetSNES(ts, &snes));
  TD_PETSC(SNESSetTolerances(snes, atol, rtol, stol, 50, 1000));
  KSP ksp;
  PC pc;
  TD_PETSC(SNESGetKSP(snes, &ksp));
  TD_PETSC(KSPGetPC(ksp, &pc));
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size == 1) {
    TD_PETSC(KSPSetType(ksp, KSPPREONLY));
    TD_PETSC(PCSetType(pc, PCLU));
  } else {
    TD_PETSC(KSPSetType(ksp, KSPGMRES));
    TD_PETSC(KSPSetTolerances(ksp, 1e-14, 0.0, PETSC_DEFAULT, 2000));
  }
  return owner;
}

}  // namespace

CoverageSolveResult solve_coverage_steady(const CoverageSystem& sys, Vec theta,
                                          const CoverageSolveOptions& opt) {
  if (!sys.admissible(theta))
    throw Error("coverage steady state: the initial coverage is outside (0, 1)");
  Owned<Vec> work, R;
  TD_PETSC(VecDuplicate(theta, work.out()));
  TD_PETSC(VecDuplicate(theta, R.out()));
  TsCtx ctx{&sys, sys.volumes(), work};
  Owned<Mat> J(sys.create_matrix());
  Owned<TS> owner = make_ts(sys, ctx, J, kNewtonAtol * sys.flux_scale(theta), kNewtonRtol, 0.0);
  TS ts = owner.get();
  TD_PETSC(TSSetType(ts, TSBEULER));
  const double scale = sys.flux_scale(theta);
  double dt = kFirstStepFraction / sys.fastest_rate(theta);
  CoverageSolveResult res;
  double t = 0.0;
  for (int step = 0; step < opt.max_steps; ++step) {
    TD_PETSC(TSSetTime(ts, t));
    TD_PETSC(TSSetTimeStep(ts, dt));
    TD_PETSC(TSSetMaxTime(ts, t + dt));
    TD_PETSC(TSSetMaxSteps(ts, step + 1));
    TD_PETSC(TSSetStepNumber(ts, step));
    TD_PETSC(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
    TD_PETSC(TSSolve(ts, theta));
    TSConvergedReason reason;
    TD_PETSC(TSGetConvergedReason(ts, &reason));
    if (reason < 0)
      throw SolverError(
          fmt::format("coverage steady state: backward Euler step {} of {:g} "
                      "failed (TS reason {})",
                      step, dt, static_cast<int>(reason)));
    TD_PETSC(TSGetTime(ts, &t));
    PetscInt its = 0;
    SNES snes;
    TD_PETSC(TSGetSNES(ts, &snes));
    TD_PETSC(SNESGetIterationNumber(snes, &its));
    res.newton_iterations += static_cast<int>(its);
    res.steps = step + 1;
    sys.residual(theta, R);
    PetscReal rn;
    TD_PETSC(VecNorm(R, NORM_INFINITY, &rn));
    res.residual_inf = rn;
    if (rn <= opt.steady_rtol * scale) return res;
    dt *= kStepGrowth;
  }
  throw SolverError(
      fmt::format("coverage steady state: ||R||_inf = {:g} after {} steps (needs "
                  "{:g})",
                  res.residual_inf, res.steps, opt.steady_rtol * scale));
}

CoverageSolveResult advance_coverage(const CoverageSystem& sys, Vec theta, double t0, double t1,
                                     const CoverageSolveOptions& opt) {
  if (!(t1 > t0)) return {};
  Owned<Vec> work;
  TD_PETSC(VecDuplicate(theta, work.out()));
  TsCtx ctx{&sys, sys.volumes(), work};
  Owned<Mat> J(sys.create_matrix());
  Owned<TS> owner = make_ts(sys, ctx, J, 0.0, kStepRtol, kStepStol);
  TS ts = owner.get();
  TD_PETSC(TSSetType(ts, TSBDF));
  TD_PETSC(TSBDFSetOrder(ts, 2));
  TD_PETSC(TSSetTime(ts, t0));
  TD_PETSC(TSSetMaxTime(ts, t1));
  TD_PETSC(TSSetMaxSteps(ts, 1000000));
  TD_PETSC(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  TD_PETSC(TSSetTimeStep(ts, kFirstStepFraction / sys.fastest_rate(theta)));
  TD_PETSC(TSSetTolerances(ts, opt.atol, nullptr, opt.rtol, nullptr));
  TD_PETSC(TSSolve(ts, theta));
  TSConvergedReason reason;
  TD_PETSC(TSGetConvergedReason(ts, &reason));
  if (reason < 0)
    throw SolverError(fmt::format("coverage relaxation from t = {:g} to {:g} failed (TS reason {})",
                                  t0, t1, static_cast<int>(reason)));
  CoverageSolveResult res;
  PetscInt steps = 0;
  TD_PETSC(TSGetStepNumber(ts, &steps));
  res.steps = static_cast<int>(steps);
  return res;
}

}  // namespace td
