#include "models/SoretScan.h"

#include <fmt/format.h>

#include "core/KeyRegistry.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kTmin{
    "T_min", T::Real, "", K::temperature, Range::positive(), {}, "lowest temperature of the scan"};
const ParamSpec kTmax{
    "T_max", T::Real, "", K::temperature, Range::positive(), {}, "highest temperature of the scan"};
const ParamSpec kPoints{"points",
                        T::Integer,
                        "101",
                        K::dimensionless,
                        Range::closed(2, 1e6),
                        {},
                        "temperatures in the scan (evenly spaced)"};

const KeyDeclaration kRangeKeys(
    {"range",
     "",
     "soret",
     "Temperature scan of `thermodrift soret` (with `[units]` and `[[states]]` as "
     "`[[species.states]]`): prints T, <D>_eq, S_T = d ln <D>_eq/dT (Richardson-extrapolated "
     "differences), its covariance form <D'>/<D> + Cov_eq(H, D)/(<D> k_B T^2), the split "
     "S_T^0 = <D'>/<D> and S_T^ch, and every temperature where S_T changes sign.",
     {&kTmin, &kTmax, &kPoints}});

// Bisection to a relative width of round-off: S_T is smooth, so 100 halvings always suffice.
constexpr int kMaxBisections = 100;
constexpr double kRelativeWidth = 1e-13;

}  // namespace

std::vector<double> read_soret_range(InputSection& root) {
  InputSection r = root.section("range");
  const double lo = r.real(kTmin), hi = r.real(kTmax);
  const long n = r.integer(kPoints);
  if (!(hi > lo)) r.fail("T_max", fmt::format("T_max = {} must exceed T_min = {}", hi, lo));
  r.finish();
  std::vector<double> Ts;
  for (long i = 0; i < n; ++i)
    Ts.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1));
  return Ts;
}

double soret_sign_change(const StateSet& st, double a, double b) {
  double fa = analyse_soret(st, a).S_T_cov;
  for (int it = 0; it < kMaxBisections && b - a > kRelativeWidth * b; ++it) {
    const double m = 0.5 * (a + b), fm = analyse_soret(st, m).S_T_cov;
    if ((fm < 0) == (fa < 0)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

std::vector<SoretSignChange> soret_sign_changes(const StateSet& st, const std::vector<double>& T,
                                                const std::vector<double>& S) {
  std::vector<SoretSignChange> out;
  for (std::size_t i = 1; i < T.size() && i < S.size(); ++i)
    if ((S[i - 1] < 0) != (S[i] < 0) && S[i - 1] != 0.0)
      out.push_back({i, soret_sign_change(st, T[i - 1], T[i])});
  return out;
}

}  // namespace td
