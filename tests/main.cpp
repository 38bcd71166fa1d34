/// GoogleTest main for thermodrift: initialises MPI and PETSc once; on more than one rank
/// only rank 0 prints, and a failure on any rank fails every rank.
#include <gtest/gtest.h>
#include <petscsys.h>

#include "core/MpiStartup.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  {
    // MPI starts as in the product (core/MpiStartup.h). Why here too: ctest starts each test
    // in a process of its own, two at a time; a lone process then spawned Open MPI's daemon
    // (0.39 s a start against 0.08 s, one small test) in a session directory it could share with
    // the other process starting beside it
    const td::MpiStartupSettings startup;
    PetscInitialize(&argc, &argv, nullptr, nullptr);
  }
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int failed = RUN_ALL_TESTS();
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  PetscFinalize();
  return any;
}
