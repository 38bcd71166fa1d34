/// @file ConductionField.cpp  [temperature] type = "conduction": the steady temperature of
/// div(kappa(T) grad T) + q = 0 on the case's mesh, solved with PETSc SNES
/// (Newton, analytic Jacobian) before the species. With no back-coupling from the species the
/// coupled steady system is block-triangular, so solving T first is the coupled solution.
///
/// Faces use the Kirchhoff transform (models/heat_K.h). Boundaries per face: "insulated"
/// (default), "temperature" (value), "flux" (inward heat flux density), "robin" (h, T_ext).
/// Between cell centres the field is interpolated multilinearly on the grid of cell centres
/// extended by the boundary-face temperatures.
#include <fmt/format.h>
#include <petscsnes.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "core/Error.h"
#include "core/Petsc.h"
#include "fv/HeatCell.h"
#include "mesh/DmdaViews.h"
#include "mesh/Mesh.h"
#include "mesh/Multigrid.h"
#include "mesh/StencilMatrix.h"
#include "mesh/StructuredMultigrid.h"
#include "models/Heat.h"
#include "models/TemperatureField.h"
#include "models/TemperatureLaw.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;
using dmda::for_owned;
using dmda::LocalView;
using dmda::OwnedView;
using dmda::shifted;

const ParamSpec kGuess{"T_guess",
                       T::Real,
                       "0.0",
                       K::temperature,
                       Range::non_negative(),
                       {},
                       "initial Newton guess (0: mean of the fixed and exterior temperatures)"};

/// Newton's relative tolerance on ||R||: every species flux follows this field, so it is
/// solved close to round-off.
constexpr PetscReal kHeatRtol = 1e-12;
/// Newton iterations allowed (a few suffice with the Kirchhoff-transformed fluxes).
constexpr PetscInt kHeatMaxNewton = 100;
/// Residual evaluations allowed per solve: unlimited in practice.
constexpr PetscInt kHeatMaxFunctionEvals = 10000;
/// Krylov relative tolerance: below Newton's, so that the linear solves do not limit it.
constexpr PetscReal kHeatKspRtol = 1e-13;
/// Largest ||R|| of an answer, relative to the size of its conduction terms ||diag(dR/dT) T||:
/// an independent check of what the solver's own test (which options may loosen) accepted.
constexpr double kHeatMaxResidual = 1e-8;
/// Krylov absolute tolerance: off, the relative tolerance decides.
constexpr PetscReal kHeatKspAtol = 1e-50;
/// Krylov iterations allowed per Newton step.
constexpr PetscInt kHeatKspMaxIterations = 2000;

/// Entries of a row: the cell and its face neighbours in 3D.
constexpr int kStencilEntries = 7;

/// The steady conduction problem on a dof-1 DMDA compatible with the case mesh.
struct Problem {
  const Mesh* mesh = nullptr;
  DM dm = nullptr;
  PetscInt size = 0;  // global size of the temperature vector: other sizes are coarse levels
  HeatModel hm;

  /// Residual (net outflow - V q) and, with @p J, its Jacobian (an AIJ matrix of the DMDA,
  /// or a struct operator of the mesh, mesh/StructuredMultigrid.h).
  void evaluate(Vec Tg, Vec R, Mat J) const {
    LocalView Tl(dm, Tg);
    std::optional<OwnedView> out;
    if (R) out.emplace(dm, R);
    std::optional<StructRowWriter> rows;
    if (J && is_struct_operator(J))
      rows.emplace(J);
    else if (J)
      TD_PETSC(MatZeroEntries(J));
    auto each_cell = [&] {
      for_owned(*mesh, [&](const std::array<int, 3>& idx) {
        MatStencil row{idx[2], idx[1], idx[0], 0}, cols[kStencilEntries];
        PetscScalar vals[kStencilEntries];
        // the struct operator's row: the cell, then the lower and upper neighbour per axis
        double stencil[kStencilEntries] = {};
        int nc = 0;
        double diag = 0.0;
        const double r = heat_cell_residual(
            hm, *mesh, idx, [&](const std::array<int, 3>& j) { return Tl(j, 1, 0); }, diag,
            [&](const std::array<int, 3>& nb, double v) {
              cols[nc] = MatStencil{nb[2], nb[1], nb[0], 0};
              vals[nc++] = v;
              int a = 0;
              while (nb[a] == idx[a]) ++a;
              stencil[1 + 2 * a + (nb[a] > idx[a] ? 1 : 0)] = v;
            });
        if (R) (*out)(idx, 1, 0) = r;
        if (rows) {
          stencil[0] = diag;
          rows->push(stencil);
        } else if (J) {
          cols[nc] = row;
          vals[nc++] = diag;
          TD_PETSC(MatSetValuesStencil(J, 1, &row, nc, cols, vals, INSERT_VALUES));
        }
      });
    };
    if (rows) {
      rows->write(each_cell);
      return;
    }
    each_cell();
    if (J) {
      TD_PETSC(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
      TD_PETSC(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
    }
  }
};

PetscErrorCode heat_function(SNES, Vec Tg, Vec R, void* p) {
  PetscCall(check_mesh_level(Tg, static_cast<Problem*>(p)->size, "conduction solver"));
  try {
    static_cast<Problem*>(p)->evaluate(Tg, R, nullptr);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode heat_jacobian(SNES, Vec Tg, Mat A, Mat P, void* p) {
  PetscCall(check_mesh_level(Tg, static_cast<Problem*>(p)->size, "conduction solver"));
  try {
    static_cast<Problem*>(p)->evaluate(Tg, nullptr, P);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  return 0;
}

class Conduction : public TemperatureField {
 public:
  double T(const Point& x) const override {
    // multilinear interpolation on the extended grid (boundary faces + cell centres)
    std::array<int, 3> i0{0, 0, 0};
    std::array<double, 3> w{0, 0, 0};
    for (int a = 0; a < 3; ++a) {
      const auto& p = pos_[a];
      if (p.size() == 1) continue;
      const double xa = std::clamp(x[a], p.front(), p.back());
      const auto it = std::upper_bound(p.begin(), p.end(), xa);
      const int j = std::clamp(static_cast<int>(it - p.begin()) - 1, 0, static_cast<int>(p.size()) - 2);
      i0[a] = j;
      w[a] = p[j + 1] > p[j] ? (xa - p[j]) / (p[j + 1] - p[j]) : 0.0;
    }
    double t = 0.0;
    for (int c = 0; c < 8; ++c) {
      double wt = 1.0;
      std::array<int, 3> j = i0;
      for (int a = 0; a < 3; ++a) {
        const int bit = (c >> a) & 1;
        if (pos_[a].size() == 1) {
          if (bit) wt = 0.0;
          continue;
        }
        j[a] += bit;
        wt *= bit ? w[a] : 1.0 - w[a];
      }
      if (wt != 0.0) t += wt * at(j);
    }
    return t;
  }
  std::string type() const override { return "conduction"; }

  static std::unique_ptr<TemperatureField> create(InputSection& s, const Mesh& mesh);

 private:
  double at(const std::array<int, 3>& j) const {
    return val_[(static_cast<std::size_t>(j[2]) * pos_[1].size() + j[1]) * pos_[0].size() + j[0]];
  }
  std::array<std::vector<double>, 3> pos_;
  std::vector<double> val_;
};

std::unique_ptr<TemperatureField> Conduction::create(InputSection& s, const Mesh& mesh) {
  Problem pb;
  pb.mesh = &mesh;
  pb.hm = read_heat(s, mesh, false);
  const double guess = s.real(kGuess);
  if (pb.hm.fixed_faces == 0)
    s.fail("boundary", "steady conduction needs at least one \"temperature\" or \"robin\" face "
                       "(with insulated and flux faces only the temperature level is undetermined)");

  // Solve on a dof-1 DMDA with the layout of the case mesh, attached to the SNES so that
  // -heat_snes_fd_color and -heat_pc_type mg can use it.
  MPI_Comm comm = mesh.comm();
  const auto fd_defaults = fd_jacobian_defaults("heat_", mesh.dmda_coloring_valid());
  Owned<DM> dm = mesh.solver_dm(1);
  pb.dm = dm;
  Owned<Vec> Tg, R;
  Owned<Mat> J;
  Owned<SNES> snes;
  TD_PETSC(DMCreateGlobalVector(dm, Tg.out()));
  TD_PETSC(VecGetSize(Tg, &pb.size));
  R = duplicate(Tg);
  // Under hypre's structured multigrid the Jacobian is stored in hypre's struct matrix alone
  // (no AIJ matrix, no copy).
  J = struct_operator_chosen(mesh, "heat_", 1) ? create_struct_operator(mesh)
                                               : create_star_matrix(dm);
  TD_PETSC(VecSet(Tg, guess > 0 ? guess : pb.hm.fixed_mean));
  TD_PETSC(SNESCreate(comm, snes.out()));
  TD_PETSC(SNESSetDM(snes, dm));
  TD_PETSC(SNESSetOptionsPrefix(snes, "heat_"));
  TD_PETSC(SNESSetFunction(snes, R, heat_function, &pb));
  TD_PETSC(SNESSetJacobian(snes, J, J, heat_jacobian, &pb));
  TD_PETSC(SNESSetTolerances(snes, 0.0, kHeatRtol, 0.0, kHeatMaxNewton, kHeatMaxFunctionEvals));
  KSP ksp;
  TD_PETSC(SNESGetKSP(snes, &ksp));
  TD_PETSC(KSPSetType(ksp, KSPGMRES));
  TD_PETSC(KSPSetTolerances(ksp, kHeatKspRtol, kHeatKspAtol, PETSC_DEFAULT, kHeatKspMaxIterations));
  set_default_pc(ksp, 1, mesh.dim());
  const DefaultOption mg_levels = mesh_multigrid_levels(mesh, "heat_");
  TD_PETSC(SNESSetFromOptions(snes));
  check_tolerances(snes);
  setup_mesh_multigrid(ksp, mesh, 1, false);
  prefer_right_preconditioning(ksp);
  TD_PETSC(SNESSolve(snes, nullptr, Tg));
  SNESConvergedReason reason;
  PetscInt its;
  PetscReal rnorm;
  TD_PETSC(SNESGetConvergedReason(snes, &reason));
  TD_PETSC(SNESGetIterationNumber(snes, &its));
  TD_PETSC(SNESGetFunctionNorm(snes, &rnorm));
  if (reason < 0)
    throw SolverError(
        fmt::format("steady heat conduction did not converge: {} after {} Newton "
                    "iterations, ||R|| = {:.3e} (try -heat_snes_monitor)",
                    SNESConvergedReasons[reason], its, rnorm));
  {
    // Options may stop the solver early (-heat_snes_rtol 0.5, -heat_snes_type ksponly): the
    // answer is judged here against the size of its own terms, whatever they said.
    TD_PETSC(SNESComputeFunction(snes, Tg, R));
    // our own Jacobian (under -heat_snes_mf the SNES's would leave J unassembled)
    TD_PETSC(heat_jacobian(snes, Tg, J, J, &pb));
    Owned<Vec> d = duplicate(Tg);
    TD_PETSC(MatGetDiagonal(J, d));
    TD_PETSC(VecPointwiseMult(d, d, Tg));
    PetscReal r = 0.0, scale = 0.0;
    TD_PETSC(VecNorm(R, NORM_2, &r));
    TD_PETSC(VecNorm(d, NORM_2, &scale));
    if (!(r <= kHeatMaxResidual * scale))
      throw SolverError(fmt::format(
          "steady heat conduction ended with ||R|| = {:.3e}, {:.2g} of its conduction terms "
          "(at most {:g} is a solution), after {} Newton iterations ({}): the -heat_snes_* or "
          "-heat_ksp_* options stopped it short (try -heat_snes_monitor)",
          r, r / scale, kHeatMaxResidual, its, SNESConvergedReasons[reason]));
  }

  // Gather the cell temperatures on every rank (natural ordering) for interpolation.
  Owned<VecScatter> sc;
  Owned<Vec> all;
  TD_PETSC(DMDAGlobalToNaturalAllCreate(dm, sc.out()));
  TD_PETSC(VecCreateSeq(PETSC_COMM_SELF, mesh.total_cells(), all.out()));
  TD_PETSC(VecScatterBegin(sc, Tg, all, INSERT_VALUES, SCATTER_FORWARD));
  TD_PETSC(VecScatterEnd(sc, Tg, all, INSERT_VALUES, SCATTER_FORWARD));
  std::vector<double> cellT(static_cast<std::size_t>(mesh.total_cells()));
  {
    const PetscScalar* a;
    TD_PETSC(VecGetArrayRead(all, &a));
    std::copy(a, a + cellT.size(), cellT.begin());
    TD_PETSC(VecRestoreArrayRead(all, &a));
  }
  {
    // The solve may have wandered where kappa(T) is not a conductivity (fluxes on insulated
    // faces, sources): the law must hold over the temperatures it produced.
    const auto [lo, hi] = std::minmax_element(cellT.begin(), cellT.end());
    check_heat_laws(pb.hm, *lo, *hi);
  }

  // Extended grid: per axis [lower face or wrapped centre, centres..., upper face or wrapped].
  auto field = std::make_unique<Conduction>();
  std::array<int, 3> n{1, 1, 1};
  for (int a = 0; a < 3; ++a) {
    if (a >= mesh.dim()) {
      field->pos_[a] = {0.0};
      continue;
    }
    const Axis& ax = mesh.axis(a);
    n[a] = ax.cells();
    auto& p = field->pos_[a];
    p.push_back(ax.periodic ? ax.center(n[a] - 1) - ax.length() : ax.nodes.front());
    for (int i = 0; i < n[a]; ++i) p.push_back(ax.center(i));
    p.push_back(ax.periodic ? ax.center(0) + ax.length() : ax.nodes.back());
  }
  const std::array<int, 3> m{static_cast<int>(field->pos_[0].size()),
                             static_cast<int>(field->pos_[1].size()),
                             static_cast<int>(field->pos_[2].size())};
  field->val_.assign(static_cast<std::size_t>(m[0]) * m[1] * m[2], 0.0);
  auto cell = [&](int i, int j, int k) {
    return cellT[(static_cast<std::size_t>(k) * n[1] + j) * n[0] + i];
  };
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) {
        // the nearest cell and, per axis, whether this grid point is a boundary face
        std::array<int, 3> e{i, j, k}, c{0, 0, 0};
        std::array<int, 3> side{-1, -1, -1};
        for (int a = 0; a < mesh.dim(); ++a) {
          const Axis& ax = mesh.axis(a);
          if (e[a] == 0) {
            c[a] = ax.periodic ? n[a] - 1 : 0;
            if (!ax.periodic) side[a] = 0;
          } else if (e[a] == m[a] - 1) {
            c[a] = ax.periodic ? 0 : n[a] - 1;
            if (!ax.periodic) side[a] = 1;
          } else {
            c[a] = e[a] - 1;
          }
        }
        double t = cell(c[0], c[1], c[2]);
        // boundary faces (edges and corners: the average over the faces they touch)
        double sum_b = 0.0;
        int nb = 0;
        for (int a = 0; a < mesh.dim(); ++a)
          if (side[a] >= 0) {
            sum_b += pb.hm.face_temperature(pb.hm.bc[2 * a + side[a]], t, 0.5 * mesh.axis(a).width(c[a]));
            ++nb;
          }
        field->val_[(static_cast<std::size_t>(k) * m[1] + j) * m[0] + i] = nb ? sum_b / nb : t;
      }
  return field;
}

TemperatureFieldFactory::Registrar reg(
    "conduction",
    "Steady heat conduction div(kappa(T) grad T) + q = 0 on the case mesh, solved before the "
    "species with PETSc SNES (options prefix `heat_`, e.g. `-heat_snes_monitor`): "
    "`[temperature.conductivity]` a temperature law for kappa, `source` q and "
    "`[temperature.boundary.<face>]` as `[heat.boundary.<face>]` (at least one temperature or "
    "Robin face). Faces use Kirchhoff fluxes -(K(T_Q) - K(T_P))/d, K = int kappa dT (exact in "
    "1D without a source); between cell centres and boundary faces T is interpolated "
    "multilinearly. The species do not act back on T, so this is the steady solution of the "
    "coupled system.",
    &Conduction::create, {&heat_keys::source, &kGuess});

}  // namespace

}  // namespace td
