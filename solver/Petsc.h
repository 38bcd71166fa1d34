#pragma once
/// @file Petsc.h  Error checking for PETSc and SUNDIALS calls: a failure becomes a td::Error
/// naming the call.
#include <string>

#include <fmt/format.h>
#include <petscsys.h>

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

}  // namespace td

#define TD_PETSC(call) ::td::petsc_check((call), #call)
