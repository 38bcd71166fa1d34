/// Design study, not the product's solver: what a cell-centred geometric multigrid on stencil
/// arrays (full coarsening, red-black Gauss-Seidel, hypre-like kernels) achieves on the steady
/// Soret benchmark of bench_steady, beside hypre's PFMG (the one-field default; run
/// `bench_steady 2 N` for its figures). docs/solvers.md quotes the results.
///
/// The operators are the product's: the Jacobian of FVSystem on the mesh and on each coarse
/// mesh of mesh/Multigrid.h (FVSystem::rediscretised, exponentially fitted fluxes with the
/// coarse widths), copied into five arrays per level (centre, west, east, south, north). The
/// cycle is written out here: V(1,1) with one red-black sweep before and after the coarse
/// correction (-study_fused 1: the two colours in one pass over the rows, black one row
/// behind red), restriction the sum over the four children (-study_restriction transpose:
/// the transpose of the prolongation), bilinear cell-centred prolongation (weights 3/4, 1/4
/// per axis) whose wall rows take the parent's value (-study_wall parent, as mesh/
/// Multigrid.h) or, at the Dirichlet face x = 0, half of it (-study_wall dirichlet: the
/// linear interpolant to the zero correction on the wall), and 200 sweeps on the coarsest
/// level. PETSc's Krylov solver (-ksp_type, default BiCGStab, relative tolerance 1e-12 on
/// the true residual as the steady solver) runs the Newton step of the linear problem from
/// c = 1 with this cycle as a shell preconditioner.
///
/// Prints the levels, the time of one stencil product (the work unit here, and of one
/// product with the assembled AIJ matrix for comparison with bench_steady), of one V-cycle,
/// the Krylov iterations and cycles, the solve time in work units of either kind, and the
/// maximum relative error against the exact profile (as bench_steady).
/// -study_float 1 keeps every level's stencil and work vectors in single precision (mixed
/// precision: the Krylov solver, its products with the operator and the residual stay in
/// double; the cycle converts its right-hand side and answer). A preconditioner rounded to
/// single precision is not exactly linear: take -ksp_type fbcgs (flexible BiCGStab), since
/// BiCGStab's recursive residual then drifts from the true one.
/// One rank, 2D uniform meshes only.
/// usage: bench_stencil_mg N [-bench_soret S] [-study_fused 0|1] [-study_levels L]
///        [-study_restriction sum|transpose] [-study_wall parent|dirichlet] [-study_float 0|1]
///        [-ksp_type T]
#include <petscksp.h>
#include <petscsys.h>
#include <petsctime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bench/SoretBenchmark.h"
#include "fv/FVSystem.h"
#include "mesh/Multigrid.h"

using namespace td;

namespace {

/// Sweeps of red-black Gauss-Seidel that solve the coarsest level (a few cells).
constexpr int kCoarsestSweeps = 200;
/// Products and cycles timed for one figure (after one untimed warm-up).
constexpr int kTimed = 20;

/// One level: a five-point stencil per cell (x fastest) and the cycle's work vectors, in
/// precision @p Real.
template <class Real>
struct LevelT {
  int nx = 0, ny = 0;
  std::vector<Real> C, W, E, S, N;
  std::vector<Real> Ci;  // 1 / C: the smoother multiplies instead of dividing
  std::vector<Real> x, b, r;
  std::size_t cells() const { return static_cast<std::size_t>(nx) * ny; }
};

/// Copy the rows of the assembled one-field operator @p A on an nx x ny mesh into @p L.
template <class Real>
void copy_stencil(Mat A, int nx, int ny, LevelT<Real>& L) {
  L.nx = nx;
  L.ny = ny;
  const std::size_t n = L.cells();
  for (auto* v : {&L.C, &L.W, &L.E, &L.S, &L.N, &L.x, &L.b, &L.r}) v->assign(n, 0.0);
  for (PetscInt k = 0; k < static_cast<PetscInt>(n); ++k) {
    PetscInt ncols;
    const PetscInt* cols;
    const PetscScalar* vals;
    TD_PETSC(MatGetRow(A, k, &ncols, &cols, &vals));
    for (PetscInt e = 0; e < ncols; ++e) {
      const PetscInt d = cols[e] - k;
      const auto q = static_cast<std::size_t>(k);
      if (d == 0)
        L.C[q] = static_cast<Real>(vals[e]);
      else if (d == -1)
        L.W[q] = static_cast<Real>(vals[e]);
      else if (d == 1)
        L.E[q] = static_cast<Real>(vals[e]);
      else if (d == -nx)
        L.S[q] = static_cast<Real>(vals[e]);
      else if (d == nx)
        L.N[q] = static_cast<Real>(vals[e]);
      else if (vals[e] != 0.0)
        throw Error("an entry outside the 5-point stencil");
    }
    TD_PETSC(MatRestoreRow(A, k, &ncols, &cols, &vals));
  }
  L.Ci.resize(n);
  for (std::size_t k = 0; k < n; ++k) L.Ci[k] = Real(1) / L.C[k];
}

template <class Real>
struct Study {
  using Level = LevelT<Real>;
  std::vector<Level> levels;  // finest first
  LevelT<double> fine;        // the operator on the mesh in double: the Krylov products
  bool fused = true, transpose = false, dirichlet_wall = false;
  bool vectorised = false;  // -study_vector: kernels written for the compiler's SIMD loops
  std::vector<Real> zeros;  // a row of zeros: the neighbours beyond the walls
  mutable std::vector<Real> tmp;  // a row of updates (vectorised smoother, prolongation)
  long cycles = 0;

  /// Gauss-Seidel update of the cells of colour @p col ((i + j) % 2) on row @p j.
  void row(Level& L, const Real* b, Real* x, int j, int col) const {
    const int nx = L.nx;
    const std::size_t o = static_cast<std::size_t>(nx) * j;
    const Real *C = &L.Ci[o], *W = &L.W[o], *E = &L.E[o], *S = &L.S[o], *N = &L.N[o];
    Real* xr = x + o;
    const Real* br = b + o;
    // beyond a wall the coefficient is zero: read a zero row instead of branching per cell
    const Real* xs = j > 0 ? xr - nx : zeros.data();
    const Real* xn = j + 1 < L.ny ? xr + nx : zeros.data();
    int i = (j + col) & 1;
    if (i == 0) {
      xr[0] = (br[0] - E[0] * (nx > 1 ? xr[1] : 0.0) - S[0] * xs[0] - N[0] * xn[0]) * C[0];
      i = 2;
    }
    for (; i < nx - 1; i += 2)
      xr[i] = (br[i] - W[i] * xr[i - 1] - E[i] * xr[i + 1] - S[i] * xs[i] - N[i] * xn[i]) * C[i];
    if (i == nx - 1) xr[i] = (br[i] - W[i] * xr[i - 1] - S[i] * xs[i] - N[i] * xn[i]) * C[i];
  }
  /// The same update computed for every cell of the row into a buffer (a loop without
  /// stride or branch, which the compiler turns into SIMD instructions), then copied for the
  /// cells of colour @p col: twice the arithmetic, the same memory traffic.
  void row_vectorised(Level& L, const Real* b, Real* x, int j, int col) const {
    const int nx = L.nx;
    const std::size_t o = static_cast<std::size_t>(nx) * j;
    const Real* __restrict C = &L.Ci[o];
    const Real* __restrict W = &L.W[o];
    const Real* __restrict E = &L.E[o];
    const Real* __restrict S = &L.S[o];
    const Real* __restrict N = &L.N[o];
    Real* xr = x + o;
    const Real* __restrict br = b + o;
    const Real* __restrict xs = j > 0 ? xr - nx : zeros.data();
    const Real* __restrict xn = j + 1 < L.ny ? xr + nx : zeros.data();
    const Real* __restrict xc = xr;
    Real* __restrict t = tmp.data();
    if (nx < 2) {
      row(L, b, x, j, col);
      return;
    }
    t[0] = (br[0] - E[0] * xc[1] - S[0] * xs[0] - N[0] * xn[0]) * C[0];
    for (int i = 1; i < nx - 1; ++i)
      t[i] = (br[i] - W[i] * xc[i - 1] - E[i] * xc[i + 1] - S[i] * xs[i] - N[i] * xn[i]) * C[i];
    t[nx - 1] =
        (br[nx - 1] - W[nx - 1] * xc[nx - 2] - S[nx - 1] * xs[nx - 1] - N[nx - 1] * xn[nx - 1]) *
        C[nx - 1];
    for (int i = (j + col) & 1; i < nx; i += 2) xr[i] = t[i];
  }
  /// One red-black sweep, colour @p first then the other.
  void smooth(Level& L, const Real* b, Real* x, int first) const {
    if (fused) {
      for (int j = 0; j <= L.ny; ++j) {
        if (vectorised) {
          if (j < L.ny) row_vectorised(L, b, x, j, first);
          if (j > 0) row_vectorised(L, b, x, j - 1, 1 - first);
        } else {
          if (j < L.ny) row(L, b, x, j, first);
          if (j > 0) row(L, b, x, j - 1, 1 - first);
        }
      }
      return;
    }
    for (int col : {first, 1 - first})
      for (int j = 0; j < L.ny; ++j) row(L, b, x, j, col);
  }
  /// y = A x (@p residual: y = b - A x).
  template <class L_, class R_>
  static void apply(const L_& L, const R_* x, R_* y, const R_* b = nullptr) {
    const int nx = L.nx, ny = L.ny;
    if (nx >= 2) {
      // row by row, the walls' cells apart: loops without branches (SIMD)
      for (int j = 0; j < ny; ++j) {
        const std::size_t o = static_cast<std::size_t>(nx) * j;
        const auto* __restrict C = &L.C[o];
        const auto* __restrict W = &L.W[o];
        const auto* __restrict E = &L.E[o];
        const auto* __restrict S = &L.S[o];
        const auto* __restrict N = &L.N[o];
        const R_* __restrict xc = x + o;
        const R_* __restrict xs = j > 0 ? xc - nx : xc;  // S = 0 on the wall
        const R_* __restrict xn = j + 1 < ny ? xc + nx : xc;
        R_* __restrict yr = y + o;
        const R_* __restrict br = b ? b + o : nullptr;
        auto row_at = [&](int i, R_ w, R_ e) {
          return C[i] * xc[i] + W[i] * w + E[i] * e + S[i] * xs[i] + N[i] * xn[i];
        };
        yr[0] = row_at(0, R_(0), xc[1]);
        for (int i = 1; i < nx - 1; ++i)
          yr[i] = C[i] * xc[i] + W[i] * xc[i - 1] + E[i] * xc[i + 1] + S[i] * xs[i] + N[i] * xn[i];
        yr[nx - 1] = row_at(nx - 1, xc[nx - 2], R_(0));
        if (br)
          for (int i = 0; i < nx; ++i) yr[i] = br[i] - yr[i];
      }
      return;
    }
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const std::size_t k = static_cast<std::size_t>(nx) * j + i;
        R_ s = L.C[k] * x[k];
        if (i > 0) s += L.W[k] * x[k - 1];
        if (i + 1 < nx) s += L.E[k] * x[k + 1];
        if (j > 0) s += L.S[k] * x[k - nx];
        if (j + 1 < ny) s += L.N[k] * x[k + nx];
        y[k] = b ? b[k] - s : s;
      }
  }
  /// Coarse cell and weight of fine cell @p i along an axis of @p nc coarse cells; the
  /// neighbour's weight is 1 - w unless the fine cell is at a wall (then 0).
  struct AxisWeight {
    int I, In;
    double w, wn;
  };
  AxisWeight weight(int i, int nc, bool dirichlet_low) const {
    const int I = i / 2, In = (i & 1) ? I + 1 : I - 1;
    if (In < 0 || In >= nc) {
      // the correction vanishes on a Dirichlet wall: half the parent's at the first centre
      const double w = (In < 0 && dirichlet_low) ? 0.5 : 1.0;
      return {I, I, w, 0.0};
    }
    return {I, In, 0.75, 0.25};
  }
  /// x_f += P x_c, row by row: the coarse rows interpolated along y into a buffer, then
  /// along x into the fine row (even fine sizes; the same weights as transfer()).
  void prolong_vectorised(const Level& f, const Level& c, Real* fine, const Real* coarse) const {
    const int cnx = c.nx;
    Real* __restrict t = tmp.data();
    const Real wall = dirichlet_wall ? Real(0.5) : Real(1);
    for (int j = 0; j < f.ny; ++j) {
      const AxisWeight wy = weight(j, c.ny, false);
      const Real* __restrict ca = coarse + static_cast<std::size_t>(cnx) * wy.I;
      const Real* __restrict cb = coarse + static_cast<std::size_t>(cnx) * wy.In;
      const Real w = Real(wy.w), wn = Real(wy.wn);
      for (int I = 0; I < cnx; ++I) t[I] = w * ca[I] + wn * cb[I];
      Real* __restrict fr = fine + static_cast<std::size_t>(f.nx) * j;
      fr[0] += wall * t[0];
      for (int I = 1; I < cnx; ++I) {
        fr[2 * I - 1] += Real(0.75) * t[I - 1] + Real(0.25) * t[I];
        fr[2 * I] += Real(0.25) * t[I - 1] + Real(0.75) * t[I];
      }
      fr[2 * cnx - 1] += t[cnx - 1];
    }
  }
  /// x_f += P x_c (@p add) or b_c = P^T r_f (!@p add, transpose restriction).
  void transfer(const Level& f, Level& c, Real* fine, Real* coarse, bool add) const {
    if (add && vectorised && f.nx == 2 * c.nx && f.ny == 2 * c.ny) {
      prolong_vectorised(f, c, fine, coarse);
      return;
    }
    if (!add) std::fill(coarse, coarse + c.cells(), 0.0);
    for (int j = 0; j < f.ny; ++j) {
      const AxisWeight wy = weight(j, c.ny, false);
      for (int i = 0; i < f.nx; ++i) {
        const AxisWeight wx = weight(i, c.nx, dirichlet_wall);
        const std::size_t k = static_cast<std::size_t>(f.nx) * j + i;
        const std::size_t a = static_cast<std::size_t>(c.nx) * wy.I + wx.I,
                          b = static_cast<std::size_t>(c.nx) * wy.I + wx.In,
                          cc = static_cast<std::size_t>(c.nx) * wy.In + wx.I,
                          d = static_cast<std::size_t>(c.nx) * wy.In + wx.In;
        const Real wa = Real(wy.w * wx.w), wb = Real(wy.w * wx.wn), wc = Real(wy.wn * wx.w),
                   wd = Real(wy.wn * wx.wn);
        if (add) {
          fine[k] += wa * coarse[a] + wb * coarse[b] + wc * coarse[cc] + wd * coarse[d];
        } else {
          coarse[a] += wa * fine[k];
          coarse[b] += wb * fine[k];
          coarse[cc] += wc * fine[k];
          coarse[d] += wd * fine[k];
        }
      }
    }
  }
  /// b_c = sum of the four children's residuals.
  static void restrict_sum(const Level& f, const Real* r, Level& c) {
    if (f.nx == 2 * c.nx && f.ny == 2 * c.ny) {
      for (int J = 0; J < c.ny; ++J) {
        const Real* __restrict r0 = r + static_cast<std::size_t>(f.nx) * (2 * J);
        const Real* __restrict r1 = r0 + f.nx;
        Real* __restrict cb = c.b.data() + static_cast<std::size_t>(c.nx) * J;
        for (int I = 0; I < c.nx; ++I)
          cb[I] = (r0[2 * I] + r0[2 * I + 1]) + (r1[2 * I] + r1[2 * I + 1]);
      }
      return;
    }
    for (int J = 0; J < c.ny; ++J)
      for (int I = 0; I < c.nx; ++I) {
        Real s = 0;
        for (int j = 2 * J; j < std::min(2 * J + 2, f.ny); ++j)
          for (int i = 2 * I; i < std::min(2 * I + 2, f.nx); ++i)
            s += r[static_cast<std::size_t>(f.nx) * j + i];
        c.b[static_cast<std::size_t>(c.nx) * J + I] = s;
      }
  }
  void vcycle(std::size_t l, const Real* b, Real* x) {
    Level& L = levels[l];
    if (l + 1 == levels.size()) {
      for (int s = 0; s < kCoarsestSweeps; ++s) smooth(L, b, x, 0);
      return;
    }
    smooth(L, b, x, 0);
    apply(L, x, L.r.data(), b);
    Level& C = levels[l + 1];
    if (transpose)
      transfer(L, C, L.r.data(), C.b.data(), false);
    else
      restrict_sum(L, L.r.data(), C);
    std::fill(C.x.begin(), C.x.end(), 0.0);
    vcycle(l + 1, C.b.data(), C.x.data());
    transfer(L, C, x, C.x.data(), true);
    smooth(L, b, x, 1);
  }
  /// x = one V-cycle applied to b, in double at the interface (converted when Real is not).
  void precondition(const double* bb, double* xx) {
    const std::size_t n = levels[0].cells();
    if constexpr (std::is_same_v<Real, double>) {
      std::fill(xx, xx + n, 0.0);
      vcycle(0, bb, xx);
    } else {
      Level& L = levels[0];
      for (std::size_t k = 0; k < n; ++k) L.b[k] = static_cast<Real>(bb[k]);
      std::fill(L.x.begin(), L.x.end(), Real(0));
      vcycle(0, L.b.data(), L.x.data());
      for (std::size_t k = 0; k < n; ++k) xx[k] = L.x[k];
    }
    ++cycles;
  }
};

template <class Real>
PetscErrorCode shell_apply(PC pc, Vec b, Vec x) {
  void* ctx;
  PetscCall(PCShellGetContext(pc, &ctx));
  auto* s = static_cast<Study<Real>*>(ctx);
  const PetscScalar* bb;
  PetscScalar* xx;
  PetscCall(VecGetArrayRead(b, &bb));
  PetscCall(VecGetArrayWrite(x, &xx));
  s->precondition(bb, xx);
  PetscCall(VecRestoreArrayRead(b, &bb));
  PetscCall(VecRestoreArrayWrite(x, &xx));
  return 0;
}

template <class Real>
PetscErrorCode shell_mult(Mat A, Vec x, Vec y) {
  void* ctx;
  PetscCall(MatShellGetContext(A, &ctx));
  const auto* s = static_cast<const Study<Real>*>(ctx);
  const PetscScalar* xx;
  PetscScalar* yy;
  PetscCall(VecGetArrayRead(x, &xx));
  PetscCall(VecGetArrayWrite(y, &yy));
  Study<Real>::apply(s->fine, xx, yy);
  PetscCall(VecRestoreArrayRead(x, &xx));
  PetscCall(VecRestoreArrayWrite(y, &yy));
  return 0;
}

/// Wall time of @p f, the mean over kTimed calls after a warm-up (s).
template <class F>
double timed(F&& f) {
  f();
  PetscLogDouble t0, t1;
  PetscTime(&t0);
  for (int i = 0; i < kTimed; ++i) f();
  PetscTime(&t1);
  return (t1 - t0) / kTimed;
}

/// The study in precision @p Real on an @p n x @p n mesh.
template <class Real>
void study(int n) {
  PetscReal S = 5.0;
  PetscOptionsGetReal(nullptr, nullptr, "-bench_soret", &S, nullptr);
  Study<Real> st;
  PetscBool flag = PETSC_TRUE;
  PetscOptionsGetBool(nullptr, nullptr, "-study_fused", &flag, nullptr);
  st.fused = flag;
  flag = PETSC_FALSE;
  PetscOptionsGetBool(nullptr, nullptr, "-study_vector", &flag, nullptr);
  st.vectorised = flag;
  // a value outside the lists is an error (PetscOptionsGetEList), not a silent default
  const char* restrictions[] = {"sum", "transpose"};
  const char* walls[] = {"parent", "dirichlet"};
  PetscInt restriction = 0, wall = 1;
  TD_PETSC(PetscOptionsGetEList(nullptr, nullptr, "-study_restriction", restrictions, 2,
                                &restriction, nullptr));
  TD_PETSC(PetscOptionsGetEList(nullptr, nullptr, "-study_wall", walls, 2, &wall, nullptr));
  st.transpose = restriction == 1;
  st.dirichlet_wall = wall == 1;

  std::array<Axis, 3> axes;
  for (int a = 0; a < 3; ++a) axes[a].nodes = uniform_nodes(0.0, 1.0, a < 2 ? n : 1);
  Mesh mesh(PETSC_COMM_WORLD, 2, axes, 1);
  const auto bench_system = bench::soret_benchmark(mesh, S);
  FVSystem& sys = *bench_system;
  Owned<Vec> c(sys.create_state());
  sys.initial_state(c);

  PetscInt nlev = mesh.max_mg_levels();
  PetscOptionsGetInt(nullptr, nullptr, "-study_levels", &nlev, nullptr);
  if (nlev < 2 || nlev > mesh.max_mg_levels())
    throw Error(fmt::format("-study_levels in [2, {}]", mesh.max_mg_levels()));
  auto coarse = coarse_meshes(mesh, 1, static_cast<int>(nlev));  // coarsest first
  st.levels.resize(static_cast<std::size_t>(nlev));
  Owned<Mat> A(sys.create_matrix());
  sys.assemble(A, 0.0, 1.0, false, c);
  copy_stencil(A, n, n, st.levels[0]);
  copy_stencil(A, n, n, st.fine);
  for (int l = 1; l < nlev; ++l) {
    const Mesh& m = *coarse[static_cast<std::size_t>(nlev - 1 - l)];
    auto csys = sys.rediscretised(m);
    Owned<Mat> Ac(csys->create_matrix());
    csys->assemble(Ac, 0.0, 1.0, false);
    copy_stencil(Ac, m.axis(0).cells(), m.axis(1).cells(), st.levels[static_cast<std::size_t>(l)]);
  }
  st.zeros.assign(static_cast<std::size_t>(n) + 1, 0.0);
  st.tmp.assign(static_cast<std::size_t>(n) + 1, 0.0);
  // the Newton step of the linear problem: J dc = -R(c), c from the initial state
  Owned<Vec> R = duplicate(c), dc = duplicate(c), y = duplicate(c);
  sys.residual(c, R);
  TD_PETSC(VecScale(R, -1.0));
  Owned<Mat> shell;
  const PetscInt cells = static_cast<PetscInt>(st.levels[0].cells());
  TD_PETSC(MatCreateShell(PETSC_COMM_WORLD, cells, cells, cells, cells, &st, shell.out()));
  TD_PETSC(
      MatShellSetOperation(shell, MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_mult<Real>)));
  const double t_stencil = timed([&] { TD_PETSC(MatMult(shell, R, y)); });
  const double t_aij = timed([&] { TD_PETSC(MatMult(A, R, y)); });
  const double t_cycle = timed([&] {
    PetscScalar* yy;
    const PetscScalar* rr;
    TD_PETSC(VecGetArrayRead(R, &rr));
    TD_PETSC(VecGetArrayWrite(y, &yy));
    st.precondition(rr, yy);
    TD_PETSC(VecRestoreArrayRead(R, &rr));
    TD_PETSC(VecRestoreArrayWrite(y, &yy));
  });

  Owned<KSP> ksp = bench::benchmark_ksp(shell, KSPBCGS);
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  TD_PETSC(PCSetType(pc, PCSHELL));
  TD_PETSC(PCShellSetContext(pc, &st));
  TD_PETSC(PCShellSetApply(pc, shell_apply<Real>));
  TD_PETSC(KSPSetFromOptions(ksp));
  st.cycles = 0;
  PetscLogDouble t0, t1;
  PetscTime(&t0);
  TD_PETSC(KSPSolve(ksp, R, dc));
  PetscTime(&t1);
  KSPConvergedReason why;
  TD_PETSC(KSPGetConvergedReason(ksp, &why));
  if (why < 0) throw Error(fmt::format("the Krylov solve failed ({})", KSPConvergedReasons[why]));
  PetscInt its;
  TD_PETSC(KSPGetIterationNumber(ksp, &its));
  TD_PETSC(VecAXPY(c, 1.0, dc));
  // error as bench_steady: relative where exp(-S x) exceeds 1e-8
  constexpr double kErrorFloor = 1e-8;
  double err = 0.0;
  {
    const PetscScalar* cc;
    TD_PETSC(VecGetArrayRead(c, &cc));
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double ex = std::exp(-S * mesh.center(0, i));
        err = std::max(err, std::fabs(cc[static_cast<std::size_t>(n) * j + i] - ex) /
                                std::max(ex, kErrorFloor));
      }
    TD_PETSC(VecRestoreArrayRead(c, &cc));
  }
  const double solve = t1 - t0;
  std::printf("%-7s %6s %12s %12s %12s %8s %8s %10s %12s %9s %9s\n", "cells", "levels",
              "stencil[ms]", "aij[ms]", "cycle[ms]", "krylov", "cycles", "solve[s]", "max_rel_err",
              "WU_sten", "WU_aij");
  std::printf("%-7s %6d %12.3f %12.3f %12.3f %8d %8ld %10.3f %12.3e %9.1f %9.1f\n",
              (std::to_string(n) + "^2").c_str(), nlev, 1e3 * t_stencil, 1e3 * t_aij, 1e3 * t_cycle,
              static_cast<int>(its), st.cycles, solve, err, solve / t_stencil, solve / t_aij);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: bench_stencil_mg N [-bench_soret S] [-study_fused 0|1] "
                 "[-study_levels L] [-study_restriction sum|transpose] "
                 "[-study_wall parent|dirichlet] [-study_float 0|1] [-ksp_type T]\n");
    return 2;
  }
  const int n = std::atoi(argv[1]);
  return bench::run_on_one_rank(argc, argv, "bench_stencil_mg", [&] {
    if (n < 4) throw Error("N >= 4 only");
    PetscBool single = PETSC_FALSE;
    PetscOptionsGetBool(nullptr, nullptr, "-study_float", &single, nullptr);
    if (single)
      study<float>(n);
    else
      study<double>(n);
  });
}
