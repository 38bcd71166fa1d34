#pragma once
/// @file ChunkedSum.h  Walker statistics that do not depend on the number of MPI ranks.
///
/// Walkers 0..n-1 are cut into fixed chunks (512 walkers by default); rank r simulates the chunks
/// c with c % size == r. Each chunk accumulates its walkers in walker order into one row of
/// sums; the rows are combined by an MPI sum in which every entry has a single non-zero
/// contributor (exact), then added in chunk order. The result is bitwise the same on any
/// number of ranks.
#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <span>
#include <vector>

#include "core/Progress.h"

namespace td::stochastic {

class ChunkedSum {
 public:
  /// @p n_items walkers, @p width sums per walker row, @p chunk walkers per chunk (fixed
  /// for a given problem, never derived from the number of ranks).
  ChunkedSum(MPI_Comm comm, long n_items, int width, long chunk = 512)
      : comm_(comm), n_(n_items), chunk_(chunk), width_(width) {
    MPI_Comm_rank(comm, &rank_);
    MPI_Comm_size(comm, &size_);
    chunks_ = (n_items + chunk_ - 1) / chunk_;
    rows_.assign(static_cast<std::size_t>(chunks_) * width, 0.0);
  }
  long chunks() const { return chunks_; }
  bool owns(long c) const { return c % size_ == rank_; }
  long first(long c) const { return c * chunk_; }
  long last(long c) const { return std::min(n_, (c + 1) * chunk_); }
  /// The row of sums of chunk @p c (owned by this rank).
  std::span<double> row(long c) {
    return {rows_.data() + static_cast<std::size_t>(c) * width_, static_cast<std::size_t>(width_)};
  }
  /// Walkers in the chunks this rank owns.
  long owned_items() const {
    long n = 0;
    for (long c = rank_; c < chunks_; c += size_) n += last(c) - first(c);
    return n;
  }
  /// Tell @p progress (if any) that @p done of this rank's walkers (@p what: "walkers",
  /// "replicas") are finished; rank 0's share stands for the whole run.
  void report(Progress* progress, long done, const char* what) const {
    if (!progress) return;
    const long owned = owned_items();
    progress->update(owned > 0 ? static_cast<double>(done) / owned : 1.0, [&] {
      return fmt::format("{} {} of {} on rank 0 ({} in all)", what, done, owned, n_);
    });
  }
  /// Call @p f(c) for every chunk this rank owns.
  template <class F>
  void for_owned(F&& f) {
    for (long c = rank_; c < chunks_; c += size_) f(c);
  }
  /// Collective: the total over all walkers, identical on every rank.
  std::vector<double> reduce() {
    MPI_Allreduce(MPI_IN_PLACE, rows_.data(), static_cast<int>(rows_.size()), MPI_DOUBLE, MPI_SUM,
                  comm_);
    std::vector<double> total(width_, 0.0);
    for (long c = 0; c < chunks_; ++c)
      for (int k = 0; k < width_; ++k) total[k] += rows_[static_cast<std::size_t>(c) * width_ + k];
    return total;
  }

 private:
  MPI_Comm comm_;
  long n_ = 0, chunk_ = 512, chunks_ = 0;
  int width_ = 0, rank_ = 0, size_ = 1;
  std::vector<double> rows_;
};

}  // namespace td::stochastic
