#pragma once
/// @file DmdaViews.h  Loops and array views over the cells of a Mesh's DMDA, one code path for
/// 1D/2D/3D (shared by the finite-volume systems of fv/ and the Fokker-Planck set-up).
#include <petscdmda.h>

#include <array>

#include "core/Error.h"
#include "core/Petsc.h"
#include "mesh/Mesh.h"

namespace td::dmda {

/// Index helper for raw DMDA arrays (owned or ghosted box), one code path for 1D/2D/3D.
struct Box {
  PetscInt s[3], n[3];
  PetscInt at(const std::array<int, 3>& idx, int dof, int c) const {
    return (((idx[2] - s[2]) * n[1] + (idx[1] - s[1])) * n[0] + (idx[0] - s[0])) * dof + c;
  }
};

inline Box owned_box(DM dm) {
  Box b{};
  TD_PETSC(DMDAGetCorners(dm, &b.s[0], &b.s[1], &b.s[2], &b.n[0], &b.n[1], &b.n[2]));
  return b;
}
inline Box ghost_box(DM dm) {
  Box b{};
  TD_PETSC(DMDAGetGhostCorners(dm, &b.s[0], &b.s[1], &b.s[2], &b.n[0], &b.n[1], &b.n[2]));
  return b;
}

/// Whether this rank's ghosted box of @p dm differs from its owned box: ghost cells of
/// another rank's, or across a periodic axis. Where it does not, LocalView reads the global
/// vector itself.
inline bool has_ghost_cells(DM dm) {
  const Box own = owned_box(dm), ghosted = ghost_box(dm);
  for (int a = 0; a < 3; ++a)
    if (own.s[a] != ghosted.s[a] || own.n[a] != ghosted.n[a]) return true;
  return false;
}

/// Sets up the ghost exchange of @p dm (the global-to-local scatter of LocalView) now, where
/// any rank has ghost cells, instead of at its first use. Why: PETSc 3.18 sets a scatter up
/// at its first use, about 10 ms for a 1024^2 mesh on 2 ranks, which would otherwise fall in
/// the first residual of a solve. Collective on @p dm.
inline void set_up_ghost_exchange(DM dm) {
  int ghosts = has_ghost_cells(dm) ? 1 : 0;
  MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(dm));
  // every rank takes part in the (collective) set-up when any rank has ghost cells
  if (MPI_Allreduce(MPI_IN_PLACE, &ghosts, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
    throw Error("set_up_ghost_exchange: MPI_Allreduce failed");
  if (ghosts == 0) return;
  VecScatter to_local = nullptr;
  TD_PETSC(DMDAGetScatter(dm, &to_local, nullptr));
  TD_PETSC(VecScatterSetUp(to_local));
}

/// Visit every owned cell (i, j, k) of a mesh.
template <class F>
inline void for_owned(const Mesh& mesh, F&& f) {
  const auto st = mesh.start(), ct = mesh.count();
  for (int k = st[2]; k < st[2] + ct[2]; ++k)
    for (int j = st[1]; j < st[1] + ct[1]; ++j)
      for (int i = st[0]; i < st[0] + ct[0]; ++i) f(std::array<int, 3>{i, j, k});
}

/// Read access to a global vector with its ghost cells: a ghosted local copy, or the global
/// array itself where the rank has no ghost cells (one rank without periodic axes), whose
/// layout is then the local one. Why: the DMDA's scatter copies through index lists, 8 ms at
/// 1024^2, a third of a residual evaluation. The global vector must not change while the view
/// lives.
class LocalView {
 public:
  LocalView(DM dm, Vec global) : dm_(dm), box_(ghost_box(dm)) {
    if (!has_ghost_cells(dm)) {
      global_ = global;
      TD_PETSC(VecGetArrayRead(global_, &data_));
      return;
    }
    TD_PETSC(DMGetLocalVector(dm_, &local_));
    TD_PETSC(DMGlobalToLocalBegin(dm_, global, INSERT_VALUES, local_));
    TD_PETSC(DMGlobalToLocalEnd(dm_, global, INSERT_VALUES, local_));
    TD_PETSC(VecGetArrayRead(local_, &data_));
  }
  ~LocalView() {
    if (global_ != nullptr) {
      VecRestoreArrayRead(global_, &data_);
      return;
    }
    VecRestoreArrayRead(local_, &data_);
    DMRestoreLocalVector(dm_, &local_);
  }
  LocalView(const LocalView&) = delete;
  LocalView& operator=(const LocalView&) = delete;
  double operator()(const std::array<int, 3>& idx, int dof, int c) const {
    return data_[box_.at(idx, dof, c)];
  }
  /// The ghosted array and its box, for loops that step through it by strides.
  const PetscScalar* data() const { return data_; }
  const Box& box() const { return box_; }

 private:
  DM dm_;
  Box box_;
  Vec local_ = nullptr;
  Vec global_ = nullptr;  ///< read directly (no ghost cells), or null
  const PetscScalar* data_ = nullptr;
};

/// Write access to the owned part of a global vector.
class OwnedView {
 public:
  OwnedView(DM dm, Vec v) : v_(v), box_(owned_box(dm)) { TD_PETSC(VecGetArray(v_, &data_)); }
  ~OwnedView() { VecRestoreArray(v_, &data_); }
  OwnedView(const OwnedView&) = delete;
  OwnedView& operator=(const OwnedView&) = delete;
  double& operator()(const std::array<int, 3>& idx, int dof, int c) {
    return data_[box_.at(idx, dof, c)];
  }
  /// The owned array, in the order of for_owned.
  PetscScalar* data() { return data_; }

 private:
  Vec v_;
  Box box_;
  PetscScalar* data_ = nullptr;
};

/// Read access to the owned part of a global vector (no ghost exchange).
class OwnedReadView {
 public:
  OwnedReadView(DM dm, Vec v) : v_(v), box_(owned_box(dm)) {
    TD_PETSC(VecGetArrayRead(v_, &data_));
  }
  ~OwnedReadView() { VecRestoreArrayRead(v_, &data_); }
  OwnedReadView(const OwnedReadView&) = delete;
  OwnedReadView& operator=(const OwnedReadView&) = delete;
  double operator()(const std::array<int, 3>& idx, int dof, int c) const {
    return data_[box_.at(idx, dof, c)];
  }
  /// The owned array, in the order of for_owned.
  const PetscScalar* data() const { return data_; }

 private:
  Vec v_;
  Box box_;
  const PetscScalar* data_ = nullptr;
};

/// @p idx moved by @p d cells along axis @p a.
inline std::array<int, 3> shifted(std::array<int, 3> idx, int a, int d) {
  idx[a] += d;
  return idx;
}

}  // namespace td::dmda
