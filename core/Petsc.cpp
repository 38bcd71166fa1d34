#include "core/Petsc.h"

#include <cerrno>
#include <cstdlib>

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

namespace {

/// Throw Error for option -@p prefix@p name = @p value unless @p ok.
template <class T>
void require_option(bool ok, const char* prefix, const char* name, T value, const char* range) {
  if (!ok)
    throw Error(
        fmt::format("option -{}{} {}: must be {}", prefix ? prefix : "", name, value, range));
}

}  // namespace

std::string petsc_integer_overflow(const std::vector<std::string>& tokens) {
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    const std::string& v = tokens[i];
    const std::size_t digits = v.find_first_not_of("+-") == 1 ? 1 : 0;
    if (v.empty() || tokens[i - 1].empty() || tokens[i - 1][0] != '-' || v.size() == digits ||
        v.find_first_not_of("0123456789", digits) != std::string::npos)
      continue;
    // an integer literal: beyond PetscInt's range, or beyond long long (errno ERANGE)
    errno = 0;
    const long long x = std::strtoll(v.c_str(), nullptr, 10);
    if (errno == ERANGE || x > PETSC_MAX_INT || x < PETSC_MIN_INT)
      return fmt::format(
          "PETSc option {} {}: PETSc's integers have 32 bits (at most {}) and "
          "it would read this one wrapped; a real value that large is written "
          "with an exponent (1e10)",
          tokens[i - 1], v, static_cast<long long>(PETSC_MAX_INT));
  }
  return {};
}

void check_tolerances(SNES snes) {
  const char* prefix = nullptr;
  petsc_check(SNESGetOptionsPrefix(snes, &prefix), "SNESGetOptionsPrefix");
  PetscReal atol, rtol, stol;
  PetscInt maxit, maxf;
  petsc_check(SNESGetTolerances(snes, &atol, &rtol, &stol, &maxit, &maxf), "SNESGetTolerances");
  require_option(rtol >= 0, prefix, "snes_rtol", rtol, "at least 0");
  require_option(atol >= 0, prefix, "snes_atol", atol, "at least 0");
  require_option(stol >= 0, prefix, "snes_stol", stol, "at least 0");
  require_option(maxit >= 1, prefix, "snes_max_it", maxit, "at least 1");
  require_option(maxf >= 1 || maxf == -1, prefix, "snes_max_funcs", maxf,
                 "at least 1, or -1 for no limit");
  KSP ksp;
  petsc_check(SNESGetKSP(snes, &ksp), "SNESGetKSP");
  petsc_check(KSPGetOptionsPrefix(ksp, &prefix), "KSPGetOptionsPrefix");
  PetscReal dtol;
  petsc_check(KSPGetTolerances(ksp, &rtol, &atol, &dtol, &maxit), "KSPGetTolerances");
  require_option(rtol >= 0, prefix, "ksp_rtol", rtol, "at least 0");
  require_option(atol >= 0, prefix, "ksp_atol", atol, "at least 0");
  require_option(dtol > 0, prefix, "ksp_divtol", dtol, "above 0");
  require_option(maxit >= 1, prefix, "ksp_max_it", maxit, "at least 1");
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
