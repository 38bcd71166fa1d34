#include "core/Progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace td {

namespace {

/// "42 s", "3 min 5 s", "2 h 10 min": wall times a reader takes in at a glance.
std::string duration(double s) {
  constexpr double kMinute = 60.0, kHour = 3600.0;
  if (s < kMinute) return fmt::format("{:.0f} s", s);
  if (s < kHour)
    return fmt::format("{:.0f} min {:.0f} s", std::floor(s / kMinute), std::fmod(s, kMinute));
  return fmt::format("{:.0f} h {:.0f} min", std::floor(s / kHour), std::fmod(s, kHour) / kMinute);
}

}  // namespace

Progress::Progress(MPI_Comm comm, std::string label, bool quiet, double interval)
    : label_(std::move(label)), interval_(interval) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  active_ = rank == 0 && !quiet;
}

void Progress::part(double lo, double hi) {
  lo_ = lo;
  hi_ = hi;
}

bool Progress::due() const {
  if (!active_) return false;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >=
         interval_;
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::print(double fraction, const std::string& where) {
  last_ = std::chrono::steady_clock::now();
  const double f = std::clamp(lo_ + (hi_ - lo_) * std::clamp(fraction, 0.0, 1.0), 0.0, 1.0);
  const double t = elapsed();
  // remaining time at the mean rate so far; unknown before any progress
  const std::string left = f > 0 ? "~" + duration(t * (1 - f) / f) + " left" : "time left unknown";
  fmt::print("{}: {}, {:.1f}% done, {} elapsed, {}\n", label_, where, 100 * f, duration(t), left);
  std::fflush(stdout);
}

}  // namespace td
