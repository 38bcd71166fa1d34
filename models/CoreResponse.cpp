/// @file CoreResponse.cpp  Response laws of the core: distributed linear drag and power-law
/// creep.
#include "models/CoreResponse.h"

#include <fmt/format.h>

#include <cmath>

#include "core/KeyRegistry.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kFriction{"friction",
                          T::Real,
                          "",
                          K::drag_coefficient,
                          Range::positive(),
                          {},
                          "interface friction zeta: shear stress per sliding speed"};
const ParamSpec kSpeed{"reference_speed",
                       T::Real,
                       "",
                       K::velocity,
                       Range::positive(),
                       {},
                       "core speed at the reference stress"};
const ParamSpec kStress{"reference_stress",     T::Real, "", K::pressure, Range::positive(), {},
                        "reference back stress"};
const ParamSpec kExponent{
    "exponent",         T::Real, "1.0", K::dimensionless, Range::closed(1.0, 20.0), {},
    "stress exponent n"};
const ParamSpec kType{"type",
                      T::String,
                      "\"linear_drag\"",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "core response law",
                      {},
                      &CoreResponseFactory::names};
const CoreResponseFactory::Family kResponseKeys(
    "column.response", kType, "column",
    "How fast the column's core moves under the back stress sigma at its cold interface.");

/// Linear drag distributed along the column's length (sliding against the surface layer and
/// the contacts, friction zeta per area per speed). Force balance on the core:
/// sigma pi R^2 = zeta 2 pi R L v, so v = sigma R / (2 zeta L) and the compressive stress in
/// the core rises linearly from the hot end (0) to the cold interface (sigma_c). Longer
/// columns drag more: at a given back stress they move slower.
class LinearDrag : public CoreResponse {
 public:
  explicit LinearDrag(double zeta) : zeta_(zeta) {}
  double speed(double sigma, const ColumnGeometry& g) const override {
    return sigma * g.radius / (2.0 * zeta_ * g.length);
  }
  double stress_profile(double xi) const override { return xi; }
  std::string type() const override { return "linear_drag"; }
  static std::unique_ptr<CoreResponse> create(InputSection& s) {
    return std::make_unique<LinearDrag>(s.real(kFriction));
  }

 private:
  double zeta_;
};

/// Power-law creep localised at the hot end: v = v_ref (sigma / sigma_ref)^n, independent of
/// the column's length.
class PowerLaw : public CoreResponse {
 public:
  PowerLaw(double v, double s, double n) : v_(v), s_(s), n_(n) {}
  double speed(double sigma, const ColumnGeometry&) const override {
    return sigma > 0 ? v_ * std::pow(sigma / s_, n_) : -v_ * std::pow(-sigma / s_, n_);
  }
  /// The resistance sits at the hot end: the core carries sigma_c uniformly.
  double stress_profile(double) const override { return 1.0; }
  std::string type() const override { return "power_law"; }
  static std::unique_ptr<CoreResponse> create(InputSection& s) {
    const double v = s.real(kSpeed);
    const double sr = s.real(kStress);
    const double n = s.real(kExponent);
    return std::make_unique<PowerLaw>(v, sr, n);
  }

 private:
  double v_, s_, n_;
};

CoreResponseFactory::Registrar r1("linear_drag",
                                  "Linear drag along the column (friction zeta per area per "
                                  "speed): v = sigma R / (2 zeta L); the core stress rises "
                                  "linearly from the hot end to the cold interface, and longer "
                                  "columns move slower.",
                                  &LinearDrag::create, {&kFriction});
CoreResponseFactory::Registrar r2("power_law",
                                  "Power-law creep localised at the hot end: v = "
                                  "reference_speed (sigma / reference_stress)^exponent, "
                                  "independent of the column length.",
                                  &PowerLaw::create, {&kSpeed, &kStress, &kExponent});

}  // namespace

std::unique_ptr<CoreResponse> make_core_response(InputSection& s) {
  const std::string type = s.string(kType);
  auto law = CoreResponseFactory::find(type)->create(s);
  s.finish();
  return law;
}

std::unique_ptr<CoreResponse> linear_drag_response(double zeta) {
  return std::make_unique<LinearDrag>(zeta);
}

}  // namespace td
