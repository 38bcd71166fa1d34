#pragma once
/// @file RateTree.h  Binary sum tree of event rates for rejection-free (BKL / n-fold way)
/// kinetic Monte Carlo: O(log N) update and selection. A leaf change recomputes its path from
/// the children, so no round-off accumulates however many updates are made.
#include <cstddef>
#include <vector>

namespace td::stochastic {

class RateTree {
 public:
  explicit RateTree(std::size_t n = 0) { resize(n); }

  void resize(std::size_t n) {
    n_ = n;
    leaves_ = 1;
    while (leaves_ < n) leaves_ *= 2;
    node_.assign(2 * leaves_, 0.0);
  }
  std::size_t size() const { return n_; }
  /// Rate of event @p i (1/time).
  double rate(std::size_t i) const { return node_[leaves_ + i]; }
  /// Sum of all rates.
  double total() const { return node_[1]; }

  /// Set the rate of event @p i and update its ancestors.
  void set(std::size_t i, double r) {
    std::size_t k = leaves_ + i;
    node_[k] = r;
    for (k /= 2; k >= 1; k /= 2) node_[k] = node_[2 * k] + node_[2 * k + 1];
  }
  /// Set all rates at once (O(N)).
  template <class F>
  void assign(F&& rate_of) {
    for (std::size_t i = 0; i < leaves_; ++i) node_[leaves_ + i] = i < n_ ? rate_of(i) : 0.0;
    for (std::size_t k = leaves_ - 1; k >= 1; --k) node_[k] = node_[2 * k] + node_[2 * k + 1];
  }
  /// The event i with prefix(i) <= u * total < prefix(i + 1), for u in (0, 1).
  std::size_t select(double u) const {
    double x = u * node_[1];
    std::size_t k = 1;
    while (k < leaves_) {
      const double left = node_[2 * k];
      if (x < left) {
        k = 2 * k;
      } else {
        x -= left;
        k = 2 * k + 1;
      }
    }
    std::size_t i = k - leaves_;
    // Round-off can land on a trailing zero-rate leaf: step back to a live event.
    while (i > 0 && (i >= n_ || node_[leaves_ + i] == 0.0)) --i;
    return i;
  }

 private:
  std::size_t n_ = 0, leaves_ = 1;
  std::vector<double> node_;
};

}  // namespace td::stochastic
