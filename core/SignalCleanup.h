#pragma once
/// @file SignalCleanup.h  What a process stopped by SIGINT or SIGTERM does before it ends:
/// the clean-ups registered here, then the signal's default action (the exit status a shell
/// or a batch system expects from that signal).
///
/// Why: a stopped run ends without its destructors and without MPI_Finalize, so what it made
/// beside its results stayed behind: the `.partial` files it had claimed (io/TextFile.h), which
/// refused the next run on the same output, and the Open MPI session directory of a lone
/// process (core/MpiStartup.h), one more directory in the temporary directory per stopped run.
/// One handler runs every clean-up, whichever part of the program registered it first.

#include <signal.h>

#include <cstddef>

namespace td {

/// A clean-up run inside the signal handler: async-signal-safe calls only (no allocation, no
/// stdio, no locks), and it must not throw.
using SignalCleanup = void (*)() noexcept;

/// Most clean-ups one process registers.
inline constexpr std::size_t kMaxSignalCleanups = 8;

/// Run @p cleanup when SIGINT or SIGTERM stops this process, after the clean-ups registered
/// before it; not in a child forked from it (a Python worker, a test's death test), which
/// shares the registrations but not what they clean up, unless the child registers it again.
/// Installs the handler for each of the two signals whose action is still the default; a handler
/// someone else set (the user's program, Python's SIGINT) is kept, and then that signal runs no
/// clean-up. A function registered twice runs once; beyond kMaxSignalCleanups a clean-up is not
/// registered (returns false). Call it from one thread.
bool on_stopping_signal(SignalCleanup cleanup);

/// SIGINT and SIGTERM held off a step that a clean-up must see whole or not at all, such as a
/// file created and then registered for removal (io/TextFile.h claim_partial_fd). RAII: while
/// it lives the two signals are blocked in this thread, and the handler, should another
/// thread take the signal, waits for it to end (at most kMaxHeldWaitMs) before the clean-ups
/// run. A signal that arrives meanwhile takes effect when it ends.
///
/// Why: a signal between the creation of a `.partial` file and its registration ended the
/// process with the file left behind, and the next run on that output was refused.
class StoppingSignalsHeld {
 public:
  StoppingSignalsHeld();
  ~StoppingSignalsHeld();
  StoppingSignalsHeld(const StoppingSignalsHeld&) = delete;
  StoppingSignalsHeld& operator=(const StoppingSignalsHeld&) = delete;

 private:
  sigset_t previous_{};
};

/// Longest wait of the handler, in another thread, for a StoppingSignalsHeld to end (ms).
inline constexpr int kMaxHeldWaitMs = 2000;

}  // namespace td
