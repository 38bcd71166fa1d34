/// Timed driver: the memory bandwidth each rank gets while every rank streams at once (the
/// STREAM triad a[i] = b[i] + s c[i] over arrays far larger than the caches), the ceiling of
/// what more ranks can gain on a solve that streams memory. Run it on 1 rank and on 2 (same
/// node); the ratio of the totals is the most a bandwidth-bound solve can speed up.
/// usage: bench_bandwidth [MiB per array, default 64] [repetitions, default 20]
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

namespace {

/// Bytes the triad moves per entry: two arrays read, one written (the written one is assumed
/// to be in cache already, as STREAM counts it).
constexpr double kBytesPerEntry = 3.0 * sizeof(double);
constexpr double kScalar = 1.5;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kBytesPerGB = 1e9;
/// Largest array accepted (MiB): 1 TiB, far beyond any node, and its entry count fits size_t.
constexpr double kMaxMiB = 1024.0 * 1024.0;

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // a number that is all of its argument, else NaN (rejected below with the text given)
  auto number = [&](int i, double fallback) {
    if (argc <= i) return fallback;
    char* end = nullptr;
    const double v = std::strtod(argv[i], &end);
    return end != argv[i] && *end == '\0' ? v : std::numeric_limits<double>::quiet_NaN();
  };
  const double mib = number(1, 64.0), reps_given = number(2, 20.0);
  if (!(mib > 0 && mib <= kMaxMiB) || !(reps_given >= 1 && reps_given <= INT_MAX) ||
      reps_given != std::floor(reps_given)) {
    if (rank == 0)
      std::fprintf(stderr,
                   "bench_bandwidth: MiB per array '%s' (accepted: a number > 0, at most %g), "
                   "repetitions '%s' (accepted: an integer >= 1)\nusage: bench_bandwidth "
                   "[MiB per array] [repetitions]\n",
                   argc > 1 ? argv[1] : "64", kMaxMiB, argc > 2 ? argv[2] : "20");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const auto reps = static_cast<int>(reps_given);
  const auto n = static_cast<std::size_t>(mib * kMiB / sizeof(double));
  if (n == 0) {
    if (rank == 0) std::fprintf(stderr, "bench_bandwidth: %g MiB holds no double\n", mib);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  // written once before timing: every page present; a rank that cannot allocate ends every
  // rank with its message (an exception would end it alone while the others wait)
  std::vector<double> a, b, c;
  try {
    a.assign(n, 0.0);
    b.assign(n, 1.0);
    c.assign(n, 2.0);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "bench_bandwidth: rank %d cannot allocate three arrays of %g MiB\n", rank,
                 mib);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < reps; ++r) {
    // all ranks stream at the same time
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + kScalar * c[i];
    best = std::min(best, MPI_Wtime() - t0);
  }
  // the loop ran on every rank (a[i] = 1 + 1.5 * 2 everywhere) before any figure is printed
  const bool right =
      std::all_of(a.begin(), a.end(), [](double v) { return v == 1.0 + kScalar * 2.0; });
  if (!right) {
    std::fprintf(stderr, "bench_bandwidth: rank %d: the triad's result is wrong\n", rank);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const double mine = kBytesPerEntry * static_cast<double>(n) / best / kBytesPerGB;
  std::vector<double> all(static_cast<std::size_t>(ranks));
  MPI_Gather(&mine, 1, MPI_DOUBLE, all.data(), 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    double total = 0.0;
    std::printf("%-6s %-6s %10s %10s\n", "ranks", "rank", "MiB/array", "GB/s");
    for (int r = 0; r < ranks; ++r) {
      std::printf("%-6d %-6d %10.0f %10.1f\n", ranks, r, mib, all[static_cast<std::size_t>(r)]);
      total += all[static_cast<std::size_t>(r)];
    }
    std::printf("%-6d %-6s %10.0f %10.1f\n", ranks, "all", mib, total);
  }
  MPI_Finalize();
  return 0;
}
