#pragma once
/// @file petsc_events.h  Counts of PETSc's logged events, for tests that check when PETSc
/// does a piece of work (a scatter's set-up, say) rather than what it computes.
#include <gtest/gtest.h>
#include <petsclog.h>

namespace td::testing {

/// Turns PETSc's event logging on for its lifetime, and back off at its end if it was off
/// (the other tests of the process then run as they would alone).
class PetscEventLogging {
 public:
  PetscEventLogging() {
    PetscBool active = PETSC_FALSE;
    EXPECT_EQ(PetscLogIsActive(&active), 0);
    was_active_ = active == PETSC_TRUE;
    if (!was_active_) EXPECT_EQ(PetscLogDefaultBegin(), 0);
  }
  ~PetscEventLogging() {
    if (!was_active_) PetscLogSet(nullptr, nullptr);
  }
  PetscEventLogging(const PetscEventLogging&) = delete;
  PetscEventLogging& operator=(const PetscEventLogging&) = delete;

  /// Times the event @p name ("SFSetUp": a star forest, a scatter's communication pattern,
  /// set up) has been logged on this rank, in PETSc's main logging stage (tests push none).
  static int count(const char* name) {
    constexpr int kMainStage = 0;
    PetscLogEvent event;
    PetscEventPerfInfo info{};
    EXPECT_EQ(PetscLogEventGetId(name, &event), 0);
    EXPECT_EQ(PetscLogEventGetPerfInfo(kMainStage, event, &info), 0);
    return info.count;
  }

 private:
  bool was_active_ = false;
};

}  // namespace td::testing
