#pragma once
/// @file Petsc.h  Error checking for PETSc and SUNDIALS calls: a failure becomes a td::Error
/// naming the call.
#include <string>

#include <fmt/format.h>
#include <petscsys.h>

#include <petscksp.h>

#include "core/Error.h"

namespace td {

/// Throw td::Error if a PETSc call failed.
inline void petsc_check(PetscErrorCode ierr, const char* call) {
  if (ierr != 0) {
    const char* text = nullptr;
    PetscErrorMessage(ierr, &text, nullptr);
    throw Error(fmt::format("PETSc call {} failed: {}", call, text ? text : "unknown error"));
  }
}

/// Default preconditioner of the transport systems (PETSc options override it): BoomerAMG
/// for one field per cell; for several coupled fields (states, reacting species) smoothed
/// aggregation GAMG, which aggregates the fields of a cell together through the DMDA block
/// size, with point-block Jacobi smoothers that invert each cell's reaction block, and a
/// longer GMRES restart. On 1D meshes a sparse direct factorisation (banded, so linear in
/// the number of cells; MUMPS in parallel) is cheaper than multigrid and indifferent to stiff
/// reaction blocks. Call before KSPSetFromOptions; @p prefix is the KSP's options prefix.
inline void set_default_pc(KSP ksp, int fields_per_cell, int dim, const char* prefix = "") {
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
#if defined(PETSC_HAVE_HYPRE)
  if (fields_per_cell == 1) {
    petsc_check(PCSetType(pc, PCHYPRE), "PCSetType");
    return;
  }
#endif
  petsc_check(PCSetType(pc, PCGAMG), "PCSetType");
  if (fields_per_cell == 1) return;
  const std::string smoother = std::string("-") + prefix + "mg_levels_pc_type";
  PetscBool set = PETSC_FALSE;
  petsc_check(PetscOptionsHasName(nullptr, nullptr, smoother.c_str(), &set), "PetscOptionsHasName");
  if (!set) petsc_check(PetscOptionsSetValue(nullptr, smoother.c_str(), "pbjacobi"), "PetscOptionsSetValue");
  petsc_check(KSPGMRESSetRestart(ksp, 60), "KSPGMRESSetRestart");
}

}  // namespace td

#define TD_PETSC(call) ::td::petsc_check((call), #call)
