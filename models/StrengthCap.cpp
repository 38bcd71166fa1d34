/// @file StrengthCap.cpp  Strength caps of the column: none, size-dependent yield, Euler
/// buckling.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "core/KeyRegistry.h"
#include "models/CoreResponse.h"
#include "models/Material.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;

std::string literal(double v) { return fmt::format("{:.17g}", v); }

// Named like the material keys they default to; the old names are still read.
const ParamSpec kStrength{"strength",
                          T::Real,
                          "",
                          K::pressure,
                          Range::positive(),
                          {},
                          "yield strength at strength_diameter (default: the material's)"};
const ParamSpec kDiameter{"strength_diameter",
                          T::Real,
                          "",
                          K::length,
                          Range::positive(),
                          {},
                          "diameter of `strength` (default: the material's)",
                          {"reference_diameter"}};
const ParamSpec kExponent{"strength_size_exponent",
                          T::Real,
                          "",
                          K::dimensionless,
                          Range::non_negative(),
                          {},
                          "n in sigma_y ~ d^-n (default: the material's)",
                          {"size_exponent"}};
const ParamSpec kK{"effective_length_factor",
                   T::Real,
                   "0.5",
                   K::dimensionless,
                   Range::closed(0.5, 2.0),
                   {},
                   "K: 0.5 clamped-clamped, 1 pinned, 2 cantilever"};
const ParamSpec kType{"type", T::String,      "\"none\"", K::dimensionless,          Range::any(),
                      {},     "strength cap", {},         &StrengthCapFactory::names};
const StrengthCapFactory::Family kCapKeys(
    "column.strength", kType, "column",
    "The largest back stress the column carries before it yields or buckles.");

class NoCap : public StrengthCap {
 public:
  double strength(const ColumnGeometry&) const override {
    return std::numeric_limits<double>::infinity();
  }
  std::string type() const override { return "none"; }
  static std::unique_ptr<StrengthCap> create(InputSection&, const Material&) {
    return std::make_unique<NoCap>();
  }
};

/// Size-dependent yield ("smaller is stronger"): sigma_y = s_ref (d / d_ref)^(-n), d = 2R.
class Yield : public StrengthCap {
 public:
  Yield(double s, double d, double n) : s_(s), d_(d), n_(n) {}
  double strength(const ColumnGeometry& g) const override {
    return s_ * std::pow(2.0 * g.radius / d_, -n_);
  }
  std::string type() const override { return "yield"; }
  static std::unique_ptr<StrengthCap> create(InputSection& s, const Material& m) {
    const double st = s.real(kStrength, literal(m.strength));
    const double d = s.real(kDiameter, literal(m.strength_diameter));
    const double n = s.real(kExponent, literal(m.strength_exponent));
    return std::make_unique<Yield>(st, d, n);
  }

 private:
  double s_, d_, n_;
};

/// Euler buckling of a solid circular column: sigma_cr = pi^2 E (I/A) / (K L)^2 with
/// I/A = R^2/4; K the effective-length factor (0.5 both ends clamped).
class Buckling : public StrengthCap {
 public:
  explicit Buckling(double k) : k_(k) {}
  double strength(const ColumnGeometry& g) const override {
    const double kl = k_ * g.length;
    return std::numbers::pi * std::numbers::pi * g.youngs_modulus * g.radius * g.radius /
           (4.0 * kl * kl);
  }
  std::string type() const override { return "buckling"; }
  static std::unique_ptr<StrengthCap> create(InputSection& s, const Material&) {
    return std::make_unique<Buckling>(s.real(kK));
  }

 private:
  double k_;
};

StrengthCapFactory::Registrar r1("none", "No cap.", &NoCap::create);
StrengthCapFactory::Registrar r2("yield",
                                 "Size-dependent yield (smaller is stronger): sigma_y = strength "
                                 "(2R / strength_diameter)^-strength_size_exponent.",
                                 &Yield::create, {&kStrength, &kDiameter, &kExponent});
StrengthCapFactory::Registrar r3("buckling",
                                 "Euler buckling of a solid circular column: pi^2 E R^2 / "
                                 "(4 (K L)^2), K the effective-length factor.",
                                 &Buckling::create, {&kK});

}  // namespace

std::unique_ptr<StrengthCap> make_strength_cap(InputSection& s, const Material& m) {
  const std::string type = s.string(kType);
  auto cap = StrengthCapFactory::find(type)->create(s, m);
  s.finish();
  return cap;
}

}  // namespace td
