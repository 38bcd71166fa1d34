/// Design study, not the product's solver: nested iteration (grid sequencing, the start of
/// full multigrid) on the steady Soret benchmark of bench_steady, against the default solve.
///
/// Default: one Newton step from the initial state c = 1, J dc = -R(c), BiCGStab with PFMG
/// (the product's setup_structured_multigrid) to 1e-12 of ||R(1)||.
/// Nested: the same system discretised on the coarse meshes of the mesh's multigrid
/// (mesh/Multigrid.h coarse_meshes), coarsest first; each level starts from the cell-centred
/// linear prolongation of the coarser level's answer (cell_prolongations) and takes one
/// Newton step whose Krylov solve stops at -study_coarse_rtol of its first residual on the
/// coarse levels and, on the mesh itself, at the default's absolute residual
/// (1e-12 ||R(1)||), so that both end at the same residual. Prints, per solve, Krylov
/// iterations, PFMG cycles, time and the maximum relative error against exp(-S_T x).
/// usage: bench_nested DIM N [-bench_soret S] [-study_levels L] [-study_coarse_rtol r]
///        [-study_fine_factor f] [-study_extrapolate 0|1] [-study_repeats K]
#include <petscksp.h>
#include <petscsys.h>
#include <petsctime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/SoretBenchmark.h"
#include "fv/FVSystem.h"
#include "mesh/DmdaViews.h"
#include "mesh/Multigrid.h"
#include "mesh/StructuredMultigrid.h"

using namespace td;

namespace {

/// The error is relative where the exact concentration exceeds this (as bench_steady).
constexpr double kErrorFloor = 1e-8;
/// Default's relative tolerance on ||R(initial state)||, the steady solver's.
constexpr double kDefaultRtol = 1e-12;

double max_error(const Mesh& mesh, Vec c, double S) {
  const PetscScalar* cc;
  TD_PETSC(VecGetArrayRead(c, &cc));
  double err = 0.0;
  std::size_t i = 0;
  dmda::for_owned(mesh, [&](const std::array<int, 3>& cell) {
    const double ex = std::exp(-S * mesh.center(0, cell[0]));
    err = std::max(err, std::fabs(cc[i++] - ex) / std::max(ex, kErrorFloor));
  });
  TD_PETSC(VecRestoreArrayRead(c, &cc));
  return err;
}

/// Coarse cells and weights of fine cell @p i along axis @p a: the linear interpolant between
/// the parent's centre and the coarse neighbour's on the fine cell's side, or at a wall, where
/// there is none, the linear extrapolation from the parent and its inner neighbour (with
/// @p extrapolate; the product's prolongation takes the parent's value there).
struct AxisWeights {
  std::array<int, 2> cell{};
  std::array<double, 2> w{};
};

AxisWeights axis_weights(const Mesh& fine, const Mesh& coarse, int a, int i, bool extrapolate) {
  const int nc = coarse.cells(a);
  const int I = std::min(i / 2, nc - 1);
  const double xf = fine.center(a, i), xI = coarse.center(a, I);
  if (nc == 1 || xf == xI) return {{I, I}, {1.0, 0.0}};
  int nb = xf < xI ? I - 1 : I + 1;
  if (nb < 0 || nb >= nc) {
    if (!extrapolate) return {{I, I}, {1.0, 0.0}};
    nb = xf < xI ? I + 1 : I - 1;
  }
  const double w = (xf - xI) / (coarse.center(a, nb) - xI);
  return {{I, nb}, {1.0 - w, w}};
}

/// @p cf = cell-centred (bi/tri)linear prolongation of @p cc from @p coarse to @p fine (one
/// rank, one field per cell).
void prolong(const Mesh& coarse, const Mesh& fine, Vec cc, Vec cf, bool extrapolate) {
  const PetscScalar* x;
  PetscScalar* y;
  TD_PETSC(VecGetArrayRead(cc, &x));
  TD_PETSC(VecGetArray(cf, &y));
  const int nx = coarse.cells(0), ny = coarse.cells(1);
  std::size_t q = 0;
  for (int k = 0; k < fine.cells(2); ++k) {
    const AxisWeights wz = axis_weights(fine, coarse, 2, k, extrapolate);
    for (int j = 0; j < fine.cells(1); ++j) {
      const AxisWeights wy = axis_weights(fine, coarse, 1, j, extrapolate);
      for (int i = 0; i < fine.cells(0); ++i) {
        const AxisWeights wx = axis_weights(fine, coarse, 0, i, extrapolate);
        double v = 0.0;
        for (int r = 0; r < 2; ++r)
          for (int p = 0; p < 2; ++p)
            for (int m = 0; m < 2; ++m)
              v += wz.w[r] * wy.w[p] * wx.w[m] *
                   x[wx.cell[m] + nx * (wy.cell[p] + ny * static_cast<std::size_t>(wz.cell[r]))];
        y[q++] = v;
      }
    }
  }
  TD_PETSC(VecRestoreArray(cf, &y));
  TD_PETSC(VecRestoreArrayRead(cc, &x));
}

struct Step {
  PetscInt its = 0;
  double seconds = 0.0;
  double residual = 0.0;
};

/// One Newton step of @p sys at @p c (updated), Krylov solve to max(rtol ||R(c)||, atol).
Step newton_step(const Mesh& mesh, const FVSystem& sys, Vec c, double rtol, double atol) {
  PetscLogDouble t0, t1;
  PetscTime(&t0);
  Owned<Mat> J = sys.create_jacobian(nullptr);
  sys.assemble(J, 0.0, 1.0, false, c);
  Owned<Vec> R = duplicate(c), dc = duplicate(c);
  sys.residual(c, R);
  TD_PETSC(VecScale(R, -1.0));
  Owned<KSP> ksp = bench::benchmark_ksp(J, KSPBCGS);
  TD_PETSC(KSPSetTolerances(ksp, rtol, atol, PETSC_DEFAULT, bench::kKrylovMaxIterations));
  setup_structured_multigrid(ksp, mesh, 1);
  TD_PETSC(KSPSolve(ksp, R, dc));
  KSPConvergedReason why;
  TD_PETSC(KSPGetConvergedReason(ksp, &why));
  if (why < 0) throw Error(fmt::format("BiCGStab failed ({})", KSPConvergedReasons[why]));
  TD_PETSC(VecAXPY(c, 1.0, dc));
  PetscTime(&t1);
  Step s;
  TD_PETSC(KSPGetIterationNumber(ksp, &s.its));
  s.seconds = t1 - t0;
  sys.residual(c, R);
  TD_PETSC(VecNorm(R, NORM_2, &s.residual));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: bench_nested DIM N [-bench_soret S] [-study_levels L] "
                 "[-study_coarse_rtol r] [-study_fine_factor f] "
                 "[-study_extrapolate 0|1] [-study_repeats K]\n");
    return 2;
  }
  const int dim = std::atoi(argv[1]), n = std::atoi(argv[2]);
  return bench::run_on_one_rank(argc, argv, "bench_nested", [&] {
    if (n < 4 || (dim != 2 && dim != 3)) throw Error("DIM 2 or 3 and N >= 4 only");
    PetscReal S = 5.0, coarse_rtol = 1e-3, fine_factor = 1.0;
    PetscInt repeats = 3, levels = 0;
    PetscOptionsGetReal(nullptr, nullptr, "-bench_soret", &S, nullptr);
    PetscOptionsGetReal(nullptr, nullptr, "-study_coarse_rtol", &coarse_rtol, nullptr);
    PetscOptionsGetInt(nullptr, nullptr, "-study_repeats", &repeats, nullptr);
    PetscOptionsGetReal(nullptr, nullptr, "-study_fine_factor", &fine_factor, nullptr);
    PetscOptionsGetInt(nullptr, nullptr, "-study_levels", &levels, nullptr);
    std::array<Axis, 3> axes;
    for (int a = 0; a < 3; ++a) axes[a].nodes = uniform_nodes(0.0, 1.0, a < dim ? n : 1);
    Mesh mesh(PETSC_COMM_WORLD, dim, axes, 1);
    if (levels <= 0) levels = mesh.max_mg_levels();
    const auto fine = bench::soret_benchmark(mesh, S);
    const auto meshes = coarse_meshes(mesh, 1, static_cast<int>(levels));
    PetscBool extrapolate = PETSC_TRUE;
    PetscOptionsGetBool(nullptr, nullptr, "-study_extrapolate", &extrapolate, nullptr);
    std::vector<std::unique_ptr<FVSystem>> systems;
    for (const auto& m : meshes) systems.push_back(fine->rediscretised(*m));
    Owned<Vec> c(fine->create_state()), R = duplicate(c);
    fine->initial_state(c);
    fine->residual(c, R);
    PetscReal r1;
    TD_PETSC(VecNorm(R, NORM_2, &r1));
    const double target = fine_factor * kDefaultRtol * r1;

    for (int rep = 0; rep < repeats; ++rep) {
      fine->initial_state(c);
      const Step d = newton_step(mesh, *fine, c, fine_factor * kDefaultRtol, 0.0);
      std::printf("default: %d its (%d cycles) %.3f s  |R| %.2e  err %.3e\n", (int)d.its,
                  2 * (int)d.its, d.seconds, d.residual, max_error(mesh, c, S));

      PetscLogDouble t0, t1;
      PetscTime(&t0);
      Owned<Vec> prev;
      double coarse_equiv = 0.0;
      for (std::size_t l = 0; l < systems.size(); ++l) {
        Owned<Vec> cl(systems[l]->create_state());
        if (l == 0)
          systems[l]->initial_state(cl);
        else
          prolong(*meshes[l - 1], *meshes[l], prev, cl, extrapolate);
        const Step s = newton_step(*meshes[l], *systems[l], cl, coarse_rtol, 0.0);
        coarse_equiv += 2.0 * s.its * std::pow(0.5, dim * (systems.size() - l));
        prev = std::move(cl);
      }
      if (prev)
        prolong(*meshes.back(), mesh, prev, c, extrapolate);
      else
        fine->initial_state(c);
      PetscTime(&t1);
      const double err0 = max_error(mesh, c, S);
      const Step f = newton_step(mesh, *fine, c, 0.0, target);
      std::printf(
          "nested:  coarse %.3f s (%.1f fine-cycle equivalents, start err %.2e), fine %d "
          "its (%d cycles) %.3f s, total %.3f s  |R| %.2e  err %.3e\n",
          t1 - t0, coarse_equiv, err0, (int)f.its, 2 * (int)f.its, f.seconds, t1 - t0 + f.seconds,
          f.residual, max_error(mesh, c, S));
    }
  });
}
