/// Timed driver: the memory bandwidth each rank gets while every rank streams at once (the
/// STREAM triad a[i] = b[i] + s c[i] over arrays far larger than the caches), the ceiling of
/// what more ranks can gain on a solve that streams memory. Run it on 1 rank and on 2 (same
/// node); the ratio of the totals is the most a bandwidth-bound solve can speed up.
/// usage: bench_bandwidth [MiB per array, default 64] [repetitions, default 20]
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

namespace {

/// Bytes the triad moves per entry: two arrays read, one written (the written one is assumed
/// to be in cache already, as STREAM counts it).
constexpr double kBytesPerEntry = 3.0 * sizeof(double);
constexpr double kScalar = 1.5;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kBytesPerGB = 1e9;

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const double mib = argc > 1 ? std::atof(argv[1]) : 64.0;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
  if (!(mib > 0) || reps < 1) {
    if (rank == 0) std::fprintf(stderr, "usage: bench_bandwidth [MiB per array > 0] [reps >= 1]\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const auto n = static_cast<std::size_t>(mib * kMiB / sizeof(double));
  if (n == 0) {
    if (rank == 0) std::fprintf(stderr, "bench_bandwidth: %g MiB holds no double\n", mib);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  // written once before timing: every page present
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < reps; ++r) {
    // all ranks stream at the same time
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + kScalar * c[i];
    best = std::min(best, MPI_Wtime() - t0);
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
    // a check that the loop ran (a[i] = 1 + 1.5 * 2)
    if (a[n / 2] != 1.0 + kScalar * 2.0) std::printf("triad check failed\n");
  }
  MPI_Finalize();
  return 0;
}
