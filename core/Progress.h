#pragma once
/// @file Progress.h  The progress lines of every subcommand: on rank 0, at most once per
/// interval (5 s by default), where the run is (simulated time, step, walker, stage), the
/// fraction done and the estimated remaining wall time; each line is flushed so that it shows
/// when stdout is redirected. Silenced by `-q/--quiet`.
#include <mpi.h>

#include <chrono>
#include <string>
#include <utility>

namespace td {

class Progress {
 public:
  /// Seconds between two lines unless the caller chooses otherwise.
  static constexpr double kDefaultInterval = 5.0;

  /// A reporter that never prints (for library calls without a command line).
  Progress() = default;
  /// Lines prefixed with @p label (e.g. "kmc") on rank 0 of @p comm, at most one per
  /// @p interval seconds; none when @p quiet.
  Progress(MPI_Comm comm, std::string label, bool quiet, double interval = kDefaultInterval);

  /// The following fractions cover [@p lo, @p hi] of the whole run (default [0, 1]): a run
  /// of several stages (coverages, sweep values, MD runs) reports each stage's own fraction.
  void part(double lo, double hi);

  /// True when a line is due: rank 0, not quiet, and the interval has passed.
  bool due() const;

  /// Report @p fraction (0..1) of the current part; @p where() (called only when a line is
  /// due) says where the run is, e.g. "t = 3.2e-4 s of 1e-3 s" or "walker 1200 of 5000".
  template <class Where>
  void update(double fraction, Where&& where) {
    if (due()) print(fraction, std::forward<Where>(where)());
  }

  /// Wall seconds since the reporter was made.
  double elapsed() const;

 private:
  void print(double fraction, const std::string& where);
  std::string label_;
  bool active_ = false;  ///< rank 0 and not quiet
  double interval_ = kDefaultInterval;
  double lo_ = 0.0, hi_ = 1.0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace td
