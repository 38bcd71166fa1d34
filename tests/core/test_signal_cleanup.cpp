/// What SIGINT and SIGTERM do to a process (core/SignalCleanup.h): every registered clean-up
/// runs once, in the order registered, and the process then ends by the signal itself.
/// Each case runs in a child process forked from the test (a death test), which the signal
/// ends; the child does not remove the session directory of the process it was forked from.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "core/SignalCleanup.h"

namespace {

/// The file the clean-ups of the child append to.
std::string marker(const std::string& tag) {
  return (std::filesystem::temp_directory_path() /
          ("td_signal_cleanup_" + std::to_string(getpid()) + "_" + tag))
      .string();
}

/// This test process's Open MPI session directory where it named one (a lone process:
/// core/MpiStartup.h), else empty.
std::filesystem::path own_session_directory() {
  if (std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr) return {};
  const char* base = std::getenv("OMPI_MCA_orte_tmpdir_base");
  if (base == nullptr) base = std::getenv("TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(base != nullptr && *base != '\0' ? base : "/tmp") /
      ("ompi.thermodrift." + std::to_string(getpid()));
  return std::filesystem::is_directory(dir) ? dir : std::filesystem::path();
}

/// Fixed storage for the marker's name, as a signal handler may not allocate.
char g_marker[512];  // NOLINT: read by the clean-ups inside the handler

void append(const char* text, std::size_t n) noexcept {
  const int fd = ::open(g_marker, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t w = ::write(fd, text, n);
  ::close(fd);
}
void first() noexcept { append("a", 1); }
void second() noexcept { append("b", 1); }

std::string read_marker(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// In the child: register first, second and first again, then stop with @p sig.
void register_and_stop(const std::string& path, int sig) {
  std::snprintf(g_marker, sizeof g_marker, "%s", path.c_str());
  // the test process's own settings may have handled the signals: the default first
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!td::on_stopping_signal(first) || !td::on_stopping_signal(second) ||
      !td::on_stopping_signal(first))
    std::_Exit(3);
  std::raise(sig);
  std::_Exit(4);  // not reached: the signal ends the process
}

}  // namespace

TEST(SignalCleanup, EveryCleanUpRunsOnceThenTheSignalEndsTheProcess) {
  // forked without exec: the child shares the parent's registrations, the session
  // directory's clean-up among them
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::filesystem::path session = own_session_directory();
  for (const int sig : {SIGTERM, SIGINT}) {
    const std::string path = marker(std::to_string(sig));
    std::filesystem::remove(path);
    EXPECT_EXIT(register_and_stop(path, sig), testing::KilledBySignal(sig), "");
    // the order registered, the one registered twice once
    EXPECT_EQ(read_marker(path), "ab") << "signal " << sig;
    std::filesystem::remove(path);
    if (!session.empty())
      EXPECT_TRUE(std::filesystem::is_directory(session))
          << "the forked child removed its parent's session directory " << session;
  }
}

// A handler someone else set stays, and that signal runs no clean-up.
TEST(SignalCleanup, AHandlerAlreadySetIsKept) {
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string path = marker("kept");
  std::filesystem::remove(path);
  auto ignored_then_stopped = [&path]() {
    std::snprintf(g_marker, sizeof g_marker, "%s", path.c_str());
    std::signal(SIGTERM, SIG_IGN);
    td::on_stopping_signal(first);
    std::raise(SIGTERM);  // ignored, as set before
    std::_Exit(5);
  };
  EXPECT_EXIT(ignored_then_stopped(), testing::ExitedWithCode(5), "");
  EXPECT_FALSE(std::filesystem::exists(path));
}

// A child forked from a process runs only the clean-ups it registered itself: what its parent
// registered cleans up the parent's things (its .partial files, its session directory).
TEST(SignalCleanup, AForkedChildRunsOnlyTheCleanUpsItRegistered) {
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string path = marker("forked");
  std::filesystem::remove(path);
  std::snprintf(g_marker, sizeof g_marker, "%s", path.c_str());
  ASSERT_TRUE(td::on_stopping_signal(first));  // the parent's
  auto child = []() {
    if (!td::on_stopping_signal(second)) std::_Exit(3);
    std::raise(SIGTERM);
    std::_Exit(4);
  };
  EXPECT_EXIT(child(), testing::KilledBySignal(SIGTERM), "");
  EXPECT_EQ(read_marker(path), "b");
  std::filesystem::remove(path);
}

namespace {

/// The step a StoppingSignalsHeld covers in the tests below: "m" appended to the marker.
void held_step() noexcept { append("m", 1); }

/// In the child of the tests below: the marker at @p path, SIGTERM's default action, and
/// first registered as the clean-up.
void register_first(const std::string& path) {
  std::snprintf(g_marker, sizeof g_marker, "%s", path.c_str());
  std::signal(SIGTERM, SIG_DFL);
  if (!td::on_stopping_signal(first)) std::_Exit(3);
}

}  // namespace

// A signal that arrives while the stopping signals are held takes effect when they are let
// go: the held step is done whole, then the clean-ups run and the signal ends the process.
TEST(SignalCleanup, ASignalWhileHeldTakesEffectWhenTheHeldStepEnds) {
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string path = marker("held");
  std::filesystem::remove(path);
  auto child = [&path]() {
    register_first(path);
    {
      const td::StoppingSignalsHeld held;
      std::raise(SIGTERM);
      held_step();
    }
    std::_Exit(4);  // not reached: the signal ends the process when it is let go
  };
  EXPECT_EXIT(child(), testing::KilledBySignal(SIGTERM), "");
  EXPECT_EQ(read_marker(path), "ma");
  std::filesystem::remove(path);
}

// A signal taken by another thread while this one holds the signals off: the handler waits
// for the held step to end before it runs the clean-ups.
TEST(SignalCleanup, AHandlerInAnotherThreadWaitsForTheHeldStep) {
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string path = marker("thread");
  std::filesystem::remove(path);
  auto child = [&path]() {
    register_first(path);
    // started before the signals are held (a thread inherits its creator's mask): the signal
    // goes to it, which does not hold it off
    std::atomic<bool> go{false};
    std::thread([&go] {
      while (!go.load()) std::this_thread::yield();
      std::raise(SIGTERM);
    }).detach();
    {
      const td::StoppingSignalsHeld held;
      go.store(true);
      constexpr auto kHandlerStarted = std::chrono::milliseconds(200);
      std::this_thread::sleep_for(kHandlerStarted);
      held_step();
    }
    constexpr auto kHandlerEnds = std::chrono::seconds(5);
    std::this_thread::sleep_for(kHandlerEnds);
    std::_Exit(4);  // not reached: the handler ends the process
  };
  EXPECT_EXIT(child(), testing::KilledBySignal(SIGTERM), "");
  EXPECT_EQ(read_marker(path), "ma");
  std::filesystem::remove(path);
}
