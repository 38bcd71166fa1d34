#include "core/SignalCleanup.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>

namespace td {

namespace {

/// The registered clean-ups and the process that registered each: fixed storage that the
/// handler reads without locks; a slot is filled before the count that makes it visible grows.
std::array<std::atomic<SignalCleanup>, kMaxSignalCleanups>
    g_cleanups{};                     // NOLINT: read by the handler
std::array<std::atomic<pid_t>, kMaxSignalCleanups> g_owners{};  // NOLINT: read by the handler
std::atomic<std::size_t> g_count{0};  // NOLINT: read by the handler
/// StoppingSignalsHeld alive in the process (any thread).
std::atomic<int> g_held{0};  // NOLINT: read by the handler

/// SIGINT and SIGTERM.
sigset_t stopping_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

extern "C" void run_cleanups_and_end(int sig) {
  // a thread holding the signals off finishes its step first (this handler runs in another)
  constexpr long kNanosPerMs = 1000000;
  const timespec pause{0, kNanosPerMs};
  for (int waited = 0; g_held.load() > 0 && waited < kMaxHeldWaitMs; ++waited)
    ::nanosleep(&pause, nullptr);
  const std::size_t n = g_count.load();
  const pid_t self = ::getpid();
  for (std::size_t i = 0; i < n; ++i)
    if (const SignalCleanup cleanup = g_cleanups[i].load();
        cleanup != nullptr && g_owners[i].load() == self)
      cleanup();
  // the default action, with the signal's own exit status; the signal is blocked while this
  // handler runs and is delivered again when it returns
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

/// Install run_cleanups_and_end for SIGINT and SIGTERM where their action is the default.
void install_handler() {
  for (const int sig : {SIGINT, SIGTERM}) {
    struct sigaction now {};
    if (::sigaction(sig, nullptr, &now) != 0 || now.sa_handler != SIG_DFL) continue;
    struct sigaction act {};
    act.sa_handler = run_cleanups_and_end;
    // the other signal waits until the clean-ups are done
    act.sa_mask = stopping_signals();
    ::sigaction(sig, &act, nullptr);
  }
}

}  // namespace

bool on_stopping_signal(SignalCleanup cleanup) {
  const std::size_t n = g_count.load();
  std::size_t slot = n;
  for (std::size_t i = 0; i < n; ++i)
    if (g_cleanups[i].load() == cleanup) slot = i;
  if (slot == n) {
    if (n == kMaxSignalCleanups) return false;
    g_cleanups[n].store(cleanup);
  }
  // registered again in a forked child: the child's now
  g_owners[slot].store(::getpid());
  if (slot == n) g_count.store(n + 1);
  install_handler();
  return true;
}

StoppingSignalsHeld::StoppingSignalsHeld() {
  const sigset_t set = stopping_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, &previous_);
  g_held.fetch_add(1);
}

StoppingSignalsHeld::~StoppingSignalsHeld() {
  g_held.fetch_sub(1);
  ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace td
