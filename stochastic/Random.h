#pragma once
/// @file Random.h  Counter-based random streams (Random123 Philox4x64-10) keyed by
/// (seed, walker id): walker w draws the same numbers on any number of MPI ranks, in any order.
#include <cmath>
#include <cstdint>
#include <numbers>

#include <Random123/philox.h>

namespace td::stochastic {

/// The random stream of one walker. Each Philox call yields four 64-bit words.
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t id) : key_{{seed, id}} {}

  /// Uniform in the open interval (0, 1): never 0, so -log(u) is finite.
  double uniform() {
    if (used_ == 4) refill();
    return (static_cast<double>(out_.v[used_++] >> 11) + 0.5) * 0x1.0p-53;
  }
  /// Standard normal (Box-Muller; the second value of each pair is kept).
  double normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double phi = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(phi);
    have_spare_ = true;
    return r * std::cos(phi);
  }
  /// Exponential waiting time of a process with total rate @p rate (1/time).
  double waiting_time(double rate) { return -std::log(uniform()) / rate; }

 private:
  void refill() {
    out_ = gen_(ctr_, key_);
    ++ctr_.v[0];
    used_ = 0;
  }
  r123::Philox4x64 gen_;
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type ctr_{{0, 0, 0, 0}};
  r123::Philox4x64::ctr_type out_{{0, 0, 0, 0}};
  int used_ = 4;
  bool have_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace td::stochastic
