#pragma once
/// @file RateClasses.h  Event selection for rejection-free (BKL / n-fold way) kinetic Monte
/// Carlo when the rates take few distinct values: events are grouped in classes of equal
/// rate, a class is chosen with probability n_c r_c / R (a scan over the classes) and an
/// event uniformly inside it. Insert, remove and select are O(1) for a fixed number of
/// classes; the total R = sum_c n_c r_c is recomputed from integer counts, so no round-off
/// accumulates.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace td::stochastic {

class RateClasses {
 public:
  /// Events 0..class_of.size()-1 (fewer than 2^31), event e of class class_of[e] with rate
  /// class_rate[c] (1/time); all inactive.
  void reset(std::vector<double> class_rate, std::vector<std::uint16_t> class_of) {
    rate_ = std::move(class_rate);
    cls_ = std::move(class_of);
    list_.assign(rate_.size(), {});
    pos_.assign(cls_.size(), -1);
  }
  bool active(std::size_t e) const { return pos_[e] >= 0; }
  /// Make event @p e possible (no effect if it is).
  void insert(std::size_t e) {
    if (pos_[e] >= 0) return;
    auto& l = list_[cls_[e]];
    pos_[e] = static_cast<std::int32_t>(l.size());
    l.push_back(static_cast<std::uint32_t>(e));
  }
  /// Make event @p e impossible (no effect if it is): the last event of its class takes its
  /// place.
  void remove(std::size_t e) {
    const std::int32_t p = pos_[e];
    if (p < 0) return;
    auto& l = list_[cls_[e]];
    const std::uint32_t last = l.back();
    l[p] = last;
    pos_[last] = p;
    l.pop_back();
    pos_[e] = -1;
  }
  /// Sum of the rates of the active events (1/time).
  double total() const {
    double R = 0.0;
    for (std::size_t c = 0; c < rate_.size(); ++c)
      R += rate_[c] * static_cast<double>(list_[c].size());
    return R;
  }
  /// The active event whose share of @p u * total() it is, for u in [0, 1); needs total() > 0.
  std::size_t select(double u) const {
    double x = u * total();
    std::size_t c = 0, last = 0;
    for (; c < rate_.size(); ++c) {
      if (list_[c].empty()) continue;
      last = c;
      const double w = rate_[c] * static_cast<double>(list_[c].size());
      if (x < w) break;
      x -= w;
    }
    if (c == rate_.size()) c = last;  // round-off past the end: the last non-empty class
    const auto& l = list_[c];
    const auto i = static_cast<std::size_t>(x / rate_[c]);
    return l[i < l.size() ? i : l.size() - 1];
  }

 private:
  std::vector<double> rate_;
  std::vector<std::uint16_t> cls_;
  std::vector<std::vector<std::uint32_t>> list_;
  std::vector<std::int32_t> pos_;
};

}  // namespace td::stochastic
