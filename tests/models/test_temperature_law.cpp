// Integrals of temperature laws (models/TemperatureLaw.h): the power law's closed form
// against an independent quadrature, and its accuracy between nearly equal temperatures,
// where the Kirchhoff fluxes of neighbouring cells take it.
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "models/TemperatureLaw.h"

namespace {

using namespace td;

/// Composite Simpson rule in long double with @p n (even) intervals.
long double simpson(const TemperatureLaw& f, double a, double b, int n) {
  const long double h = (static_cast<long double>(b) - a) / n;
  long double s = f.value(a) + f.value(b);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4.0L : 2.0L) * f.value(static_cast<double>(a + i * h));
  return s * h / 3.0L;
}

}  // namespace

TEST(TemperatureLaw, PowerIntegralAgreesWithQuadrature) {
  // exponents of both signs, -1 (the logarithm) and 0; intervals in both directions
  for (double n : {0.5, -1.0, -2.5, 3.0, 0.0, -0.999999})
    for (auto [a, b] : {std::pair{1.0, 1.4}, {1.4, 1.0}, {0.5, 5.0}, {300.0, 250.0}}) {
      const auto law = power_law(6.0, 1.2, n);
      const double exact = law->integral(a, b);
      const long double ref = simpson(*law, a, b, 20000);
      EXPECT_NEAR(exact, static_cast<double>(ref), 1e-12 * std::fabs(static_cast<double>(ref)))
          << "exponent " << n << " from " << a << " to " << b;
    }
}

TEST(TemperatureLaw, PowerIntegralKeepsItsDigitsBetweenNearlyEqualTemperatures) {
  // between T and T (1 + 1e-9) the integral is f at the midpoint times the width to a
  // relative (1e-9)^2; a difference of powers ((T2/T_ref)^(n+1) - (T1/T_ref)^(n+1)) would
  // lose 9 of its 16 digits to cancellation
  for (double n : {0.5, -1.0, -2.5}) {
    const auto law = power_law(6.0, 1.0, n);
    const double T = 1.7, dT = 1.7e-9;
    const double width = (T + dT) - T;  // the width as represented
    const double midpoint = law->value(T + 0.5 * width) * width;
    EXPECT_NEAR(law->integral(T, T + dT), midpoint, 1e-14 * std::fabs(midpoint)) << n;
  }
}
