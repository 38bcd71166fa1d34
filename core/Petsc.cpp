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

}  // namespace td
