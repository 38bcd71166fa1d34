#include "core/Petsc.h"

namespace td {

DefaultOption::DefaultOption(std::string name, const std::string& value) : name_(std::move(name)) {
  PetscBool given = PETSC_FALSE;
  petsc_check(PetscOptionsHasName(nullptr, nullptr, name_.c_str(), &given), "PetscOptionsHasName");
  if (given) return;
  petsc_check(PetscOptionsSetValue(nullptr, name_.c_str(), value.empty() ? nullptr : value.c_str()),
              "PetscOptionsSetValue");
  set_ = true;
}

DefaultOption::~DefaultOption() {
  if (set_) PetscOptionsClearValue(nullptr, name_.c_str());
}

std::vector<DefaultOption> fd_jacobian_defaults(const char* prefix, bool dmda_coloring_valid) {
  const std::string p = std::string("-") + (prefix ? prefix : "");
  std::vector<DefaultOption> out;
  out.emplace_back(p + "mat_fd_type", "ds");
  if (!dmda_coloring_valid) {
    PetscBool use_mat = PETSC_TRUE, given = PETSC_FALSE;
    petsc_check(PetscOptionsGetBool(nullptr, prefix, "-snes_fd_color_use_mat", &use_mat, &given),
                "PetscOptionsGetBool");
    // PETSc would colour with the DMDA pattern anyway and corrupt memory
    if (given && !use_mat)
      throw Error(
          fmt::format("{}snes_fd_color_use_mat false: the DMDA coloring is not valid on "
                      "this mesh (a periodic axis whose cell count is not a multiple of "
                      "the coloring period)",
                      p));
    out.emplace_back(p + "snes_fd_color_use_mat", "");
  }
  return out;
}

PetscErrorCode check_mesh_level(Vec v, PetscInt size, const char* solver) {
  PetscInt n = 0;
  PetscCall(VecGetSize(v, &n));
  PetscCheck(n == size, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "the %s evaluates its residual and Jacobian on the mesh, not on coarse multigrid "
             "levels: use Galerkin coarse operators (the default with -pc_type mg)",
             solver);
  return 0;
}

void setup_geometric_mg(KSP ksp, int max_levels, bool matrix_free_operator) {
  PC pc;
  petsc_check(KSPGetPC(ksp, &pc), "KSPGetPC");
  PetscBool is_mg = PETSC_FALSE;
  petsc_check(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCMG, &is_mg),
              "PetscObjectTypeCompare");
  if (!is_mg) return;
  const char* prefix = nullptr;
  petsc_check(PCGetOptionsPrefix(pc, &prefix), "PCGetOptionsPrefix");
  PetscBool levels_given = PETSC_FALSE, galerkin_given = PETSC_FALSE;
  petsc_check(PetscOptionsHasName(nullptr, prefix, "-pc_mg_levels", &levels_given),
              "PetscOptionsHasName");
  petsc_check(PetscOptionsHasName(nullptr, prefix, "-pc_mg_galerkin", &galerkin_given),
              "PetscOptionsHasName");
  if (levels_given) {
    PetscInt levels = 0;
    petsc_check(PCMGGetLevels(pc, &levels), "PCMGGetLevels");
    if (levels > max_levels)
      throw Error(fmt::format(
          "-{}pc_mg_levels {}: this mesh allows at most {} multigrid levels (each level halves "
          "every cell count, which must stay even, with at least 2 cells per rank along each "
          "axis)",
          prefix ? prefix : "", levels, max_levels));
  } else {
    // PCMG takes one level per DM refinement by default: a single level for a mesh DM
    petsc_check(PCMGSetLevels(pc, max_levels, nullptr), "PCMGSetLevels");
  }
  if (!galerkin_given)
    petsc_check(
        PCMGSetGalerkin(pc, matrix_free_operator ? PC_MG_GALERKIN_PMAT : PC_MG_GALERKIN_BOTH),
        "PCMGSetGalerkin");
  if (matrix_free_operator) {
    // PCMG smooths and forms residuals with the operator by default: a matrix-free one has
    // no Galerkin projection, and PCMG would ask the callbacks for coarse operators instead.
    // The preconditioning matrix defines the whole hierarchy.
    PetscBool use_amat_given = PETSC_FALSE;
    petsc_check(PetscOptionsHasName(nullptr, prefix, "-pc_use_amat", &use_amat_given),
                "PetscOptionsHasName");
    if (!use_amat_given) petsc_check(PCSetUseAmat(pc, PETSC_FALSE), "PCSetUseAmat");
  }
  // the new levels' smoothers read their -mg_levels_* options; given options still win
  if (!levels_given) petsc_check(PCSetFromOptions(pc), "PCSetFromOptions");
}

}  // namespace td
