#pragma once
/// @file OwnComm.h  A duplicate of an MPI communicator, freed with its owner.
#include <mpi.h>

#include "core/Error.h"

namespace td {

/// A duplicate of a communicator (MPI_Comm_dup), freed when destroyed unless MPI has been
/// finalized. Why: messages of an object's own exchanges cannot match those of other code
/// on the same ranks.
class OwnComm {
 public:
  /// Duplicate @p comm; Error if MPI refuses (collective over @p comm).
  explicit OwnComm(MPI_Comm comm) {
    if (MPI_Comm_dup(comm, &comm_) != MPI_SUCCESS) throw Error("duplicating a communicator failed");
  }
  ~OwnComm() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
  }
  OwnComm(const OwnComm&) = delete;
  OwnComm& operator=(const OwnComm&) = delete;
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

}  // namespace td
