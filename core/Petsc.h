#pragma once
/// @file Petsc.h  PETSc helpers: error checks (a failed call becomes a td::Error naming it),
/// owning handles (Owned<Vec>, Owned<Mat>, ...) and the default preconditioners of the
/// transport systems.
#include <fmt/format.h>
#include <petscdm.h>
#include <petscksp.h>
#include <petscsnes.h>
#include <petscsys.h>
#include <petscts.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "core/Error.h"

namespace td {

/// PETSc's text for error @p ierr, followed by the specific message of the error that started
/// it (PETSc keeps the most recent one; errors print nothing themselves, see
/// drivers/cmd_dispatch.cpp).
inline std::string petsc_error_text(PetscErrorCode ierr) {
  const char* text = nullptr;
  char* specific = nullptr;
  PetscErrorMessage(ierr, &text, &specific);
  return fmt::format("{}{}{}", text ? text : "unknown error", specific && *specific ? ": " : "",
                     specific ? specific : "");
}

/// Throw td::Error if a PETSc call failed, with PETSc's message for the error class and the
/// specific one the failing routine gave.
inline void petsc_check(PetscErrorCode ierr, const char* call) {
  if (ierr != 0) throw Error(fmt::format("PETSc call {} failed: {}", call, petsc_error_text(ierr)));
}

/// The destroy function of each PETSc object type held by Owned.
inline PetscErrorCode petsc_destroy(Vec* h) { return VecDestroy(h); }
inline PetscErrorCode petsc_destroy(Mat* h) { return MatDestroy(h); }
inline PetscErrorCode petsc_destroy(KSP* h) { return KSPDestroy(h); }
inline PetscErrorCode petsc_destroy(SNES* h) { return SNESDestroy(h); }
inline PetscErrorCode petsc_destroy(TS* h) { return TSDestroy(h); }
inline PetscErrorCode petsc_destroy(DM* h) { return DMDestroy(h); }
inline PetscErrorCode petsc_destroy(IS* h) { return ISDestroy(h); }
inline PetscErrorCode petsc_destroy(VecScatter* h) { return VecScatterDestroy(h); }
inline PetscErrorCode petsc_destroy(PetscViewer* h) { return PetscViewerDestroy(h); }
inline PetscErrorCode petsc_destroy(ISColoring* h) { return ISColoringDestroy(h); }
inline PetscErrorCode petsc_destroy(MatFDColoring* h) { return MatFDColoringDestroy(h); }
inline PetscErrorCode petsc_destroy(PetscRandom* h) { return PetscRandomDestroy(h); }

/// Sole owner of a PETSc object: destroys it when it goes out of scope, so that nothing
/// leaks when an exception unwinds. Move-only. Converts to the raw handle for PETSc calls
/// (a borrow: the Owned keeps the object). Create functions write through out():
///   Owned<Vec> v;  TD_PETSC(VecDuplicate(c, v.out()));
template <class H>
class Owned {
 public:
  Owned() = default;
  /// Take ownership of @p h (which must not be destroyed elsewhere).
  explicit Owned(H h) noexcept : h_(h) {}
  ~Owned() { reset(); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& o) noexcept : h_(o.release()) {}
  Owned& operator=(Owned&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = o.release();
    }
    return *this;
  }

  H get() const noexcept { return h_; }
  operator H() const noexcept { return h_; }  // NOLINT: borrowing into PETSc calls
  explicit operator bool() const noexcept { return h_ != nullptr; }
  /// Destroy the current object (if any) and return the address a Create function fills.
  H* out() noexcept {
    reset();
    return &h_;
  }
  /// Give up ownership; the caller destroys the returned object.
  H release() noexcept { return std::exchange(h_, nullptr); }
  /// Destroy the object now. Errors are ignored: this runs in destructors and unwinding.
  void reset() noexcept {
    if (h_) petsc_destroy(&h_);
    h_ = nullptr;
  }

 private:
  H h_ = nullptr;
};

/// A PETSc option set for the lifetime of the object unless it was given already (the user's
/// choice wins), and removed again when the object goes. Move-only.
class DefaultOption {
 public:
  /// @p name with the leading '-' and any options prefix, e.g. "-heat_mat_fd_type".
  DefaultOption(std::string name, const std::string& value);
  ~DefaultOption();
  DefaultOption(DefaultOption&& o) noexcept
      : name_(std::move(o.name_)), set_(std::exchange(o.set_, false)) {}
  DefaultOption& operator=(DefaultOption&&) = delete;
  DefaultOption(const DefaultOption&) = delete;
  DefaultOption& operator=(const DefaultOption&) = delete;

 private:
  std::string name_;
  bool set_ = false;
};

/// Defaults for the finite-difference Jacobians of a SNES with options prefix @p prefix
/// (-snes_fd_color, -snes_fd, -snes_test_jacobian), held while it solves:
///  - per-component differencing steps h_i = sqrt(eps) |x_i| (-mat_fd_type ds): PETSc's
///    default (wp) takes one step sqrt(eps) sqrt(1 + ||x||) for all components, below the
///    round-off of number densities in SI units (~1e24 m^-3), which makes the differences 0;
///  - the coloring from the matrix's nonzero pattern (-snes_fd_color_use_mat) when the
///    DMDA's own coloring is not valid (@p dmda_coloring_valid false, Mesh::dmda_coloring_valid).
std::vector<DefaultOption> fd_jacobian_defaults(const char* prefix, bool dmda_coloring_valid);

/// For the residual and Jacobian callbacks of the solver @p solver: a PETSc error
/// (PETSC_ERR_SUP) unless @p v has the global size @p size of the mesh-level state. PCMG
/// without Galerkin coarse operators calls the callbacks on its coarse levels, which they do
/// not discretise.
PetscErrorCode check_mesh_level(Vec v, PetscInt size, const char* solver);

/// The values a vector owns on this rank, read in place: VecGetArrayRead for the object's
/// lifetime (restored also when an exception leaves the scope).
class ReadArray {
 public:
  explicit ReadArray(Vec v) : v_(v) {
    petsc_check(VecGetLocalSize(v_, &n_), "VecGetLocalSize");
    petsc_check(VecGetArrayRead(v_, &a_), "VecGetArrayRead");
  }
  ~ReadArray() { VecRestoreArrayRead(v_, &a_); }
  ReadArray(const ReadArray&) = delete;
  ReadArray& operator=(const ReadArray&) = delete;
  const PetscScalar* get() const { return a_; }
  const PetscScalar& operator[](PetscInt i) const { return a_[i]; }
  /// Number of values owned here.
  PetscInt size() const { return n_; }

 private:
  Vec v_;
  const PetscScalar* a_ = nullptr;
  PetscInt n_ = 0;
};

/// The values a vector owns on this rank, to be overwritten in place: VecGetArrayWrite for the
/// object's lifetime (restored also when an exception leaves the scope).
class WriteArray {
 public:
  explicit WriteArray(Vec v) : v_(v) { petsc_check(VecGetArrayWrite(v_, &a_), "VecGetArrayWrite"); }
  ~WriteArray() { VecRestoreArrayWrite(v_, &a_); }
  WriteArray(const WriteArray&) = delete;
  WriteArray& operator=(const WriteArray&) = delete;
  PetscScalar* get() const { return a_; }

 private:
  Vec v_;
  PetscScalar* a_ = nullptr;
};

/// The values a vector owns on this rank, read and changed in place: VecGetArray for the
/// object's lifetime (restored also when an exception leaves the scope).
class ModifyArray {
 public:
  explicit ModifyArray(Vec v) : v_(v) { petsc_check(VecGetArray(v_, &a_), "VecGetArray"); }
  ~ModifyArray() { VecRestoreArray(v_, &a_); }
  ModifyArray(const ModifyArray&) = delete;
  ModifyArray& operator=(const ModifyArray&) = delete;
  PetscScalar* get() const { return a_; }

 private:
  Vec v_;
  PetscScalar* a_ = nullptr;
};

/// A new vector with the layout of @p v (values not copied).
inline Owned<Vec> duplicate(Vec v) {
  Owned<Vec> out;
  petsc_check(VecDuplicate(v, out.out()), "VecDuplicate");
  return out;
}

/// Whether PETSc is asked to compute the Jacobian of the solver with options prefix @p prefix
/// itself (-snes_fd, -snes_fd_color, -snes_mf): the solver's Jacobian callback then assembles
/// no matrix of its own, and PETSc fills an AIJ matrix (or none).
inline bool petsc_computes_jacobian(const char* prefix = nullptr) {
  for (const char* name : {"-snes_fd", "-snes_fd_color", "-snes_mf"}) {
    PetscBool set = PETSC_FALSE, value = PETSC_FALSE;
    petsc_check(PetscOptionsGetBool(nullptr, prefix, name, &value, &set), "PetscOptionsGetBool");
    if (set && value) return true;
  }
  return false;
}

/// The Krylov type that -{prefix}ksp_type names if it is one of PETSc 3.18 that apply the
/// transpose of the preconditioner (PCApplyTranspose: bicg, ibcgs), else empty: for the
/// preconditioners of this library that have no transpose to refuse it before the solve.
inline std::string krylov_type_transposing_preconditioner(const char* prefix) {
  char type[64] = "";
  PetscBool given = PETSC_FALSE;
  petsc_check(PetscOptionsGetString(nullptr, prefix, "-ksp_type", type, sizeof type, &given),
              "PetscOptionsGetString");
  if (given)
    for (const char* t : {"bicg", "ibcgs"})
      if (std::string(type) == t) return type;
  return {};
}

/// Refuse the tolerances of @p snes and of its Krylov solver that PETSc takes without
/// complaint but cannot mean, and that would otherwise surface as PETSc's internal errors
/// ("solver returned without setting converged reason" for -snes_max_it -5) or as a silent
/// fall-back: negative relative, absolute or step tolerances, a divergence tolerance not
/// above 0, fewer than one iteration, fewer than one function evaluation (other than PETSc's
/// -1, no limit). Throws Error naming the option with the solver's prefix, its value and
/// the accepted range. Call after SNESSetFromOptions.
void check_tolerances(SNES snes);

/// Why the PETSc options @p tokens ("-name", "value", ...) cannot be given to PETSc, or "":
/// an integer value beyond PetscInt's range (32 bits), which PETSc reads wrapped without a
/// word (-ksp_max_it 4294967297 became 1). A real value that large is written with an
/// exponent (1e10) and is not an integer literal.
std::string petsc_integer_overflow(const std::vector<std::string>& tokens);

/// Right preconditioning for @p ksp where its type supports it, so that the Krylov tolerance
/// applies to the true residual; PETSc's own default side for the other types: Richardson
/// and the CG family precondition from the left only and would fail at set-up with the right
/// side forced. An explicit -ksp_pc_side is left alone. Call after KSPSetFromOptions, once the
/// type is final.
inline void prefer_right_preconditioning(KSP ksp) {
  // Krylov types of PETSc 3.18 that take PC_RIGHT with the unpreconditioned norm
  // (KSPSetSupportedNorm in their KSPCreate_*); for TFQMR PETSc's default would be the left
  // side. Not BCGSL: it takes the right side, but its steps did not reduce the Newton residual
  // (1 rank, 256^2, hypre PFMG: the same ||R|| after every linear solve that converged).
  constexpr std::array<const char*, 14> kRightTypes = {
      KSPGMRES, KSPFGMRES, KSPLGMRES,   KSPDGMRES, KSPPGMRES, KSPPIPEFGMRES, KSPBCGS,
      KSPFBCGS, KSPFBCGSR, KSPPIPEBCGS, KSPQMRCGS, KSPGCR,    KSPCGS,        KSPTFQMR};
  const char* prefix = nullptr;
  petsc_check(KSPGetOptionsPrefix(ksp, &prefix), "KSPGetOptionsPrefix");
  PetscBool side_given = PETSC_FALSE;
  petsc_check(PetscOptionsHasName(nullptr, prefix, "-ksp_pc_side", &side_given),
              "PetscOptionsHasName");
  if (side_given) return;
  KSPType type = nullptr;
  petsc_check(KSPGetType(ksp, &type), "KSPGetType");
  const bool right =
      type != nullptr && std::any_of(kRightTypes.begin(), kRightTypes.end(),
                                     [type](const char* t) { return std::strcmp(t, type) == 0; });
  petsc_check(KSPSetPCSide(ksp, right ? PC_RIGHT : PC_SIDE_DEFAULT), "KSPSetPCSide");
}

/// Default preconditioner of the transport systems (PETSc options override it): BoomerAMG
/// for one field per cell; for several coupled fields (states, reacting species) geometric
/// multigrid on the mesh (PCMG, finished by setup_mesh_multigrid in mesh/Multigrid.h, whose
/// smoothers relax each cell's fields together, inverting its reaction block), and a longer GMRES
/// restart. The mesh's cell-centred prolongation interpolates each field separately, so the
/// Galerkin coarse operators keep the sparsity of the fine blocks; smoothed aggregation
/// (GAMG, -pc_type gamg) fills the coarse blocks and its set-up grows with the square of the
/// fields per cell (see bench/bench_multistate). On 1D meshes a sparse direct factorisation
/// (banded, so linear in the number of cells; MUMPS in parallel) is cheaper than multigrid and
/// indifferent to stiff reaction blocks. Call before KSPSetFromOptions. @p mesh_multigrid false (a
/// drift too strong for the mesh's multigrid, or cells too thin for its smoothers: see
/// mesh_multigrid_default in mesh/Multigrid.h) makes BoomerAMG the default for several fields
/// too.
inline void set_default_pc(KSP ksp, int fields_per_cell, int dim, bool mesh_multigrid = true) {
  // GMRES restart with coupled fields: GAMG needs more iterations than BoomerAMG on one field.
  constexpr PetscInt kCoupledRestart = 60;
  PC pc;
  petsc_check(KSPGetPC(ksp, &pc), "KSPGetPC");
  if (dim == 1) {
    petsc_check(PCSetType(pc, PCLU), "PCSetType");
    MPI_Comm comm;
    int size = 1;
    petsc_check(PetscObjectGetComm(reinterpret_cast<PetscObject>(ksp), &comm), "PetscObjectGetComm");
    MPI_Comm_size(comm, &size);
#if defined(PETSC_HAVE_MUMPS)
    if (size > 1) petsc_check(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS), "PCFactorSetMatSolverType");
#endif
    return;
  }
  if (fields_per_cell > 1 && !mesh_multigrid)
    petsc_check(KSPGMRESSetRestart(ksp, kCoupledRestart), "KSPGMRESSetRestart");
#if defined(PETSC_HAVE_HYPRE)
  if (fields_per_cell == 1 || !mesh_multigrid) {
    petsc_check(PCSetType(pc, PCHYPRE), "PCSetType");
    return;
  }
#endif
  if (fields_per_cell == 1 || !mesh_multigrid) {
    petsc_check(PCSetType(pc, PCGAMG), "PCSetType");
    return;
  }
  // the levels' smoothers are setup_mesh_multigrid's (mesh/Multigrid.h)
  petsc_check(PCSetType(pc, PCMG), "PCSetType");
  petsc_check(KSPGMRESSetRestart(ksp, kCoupledRestart), "KSPGMRESSetRestart");
}

}  // namespace td

#define TD_PETSC(call) ::td::petsc_check((call), #call)
