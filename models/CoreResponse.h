#pragma once
/// @file CoreResponse.h  How the crystalline core of a column answers the back stress
/// (docs/theory.md#surface-flux): a response law v(sigma_c) (rigid-body speed towards the hot end)
/// and a strength cap sigma_max (buckling or yield) above which the column flows plastically.
/// Both are selected by `type = "..."` and register themselves by name.
#include <memory>
#include <string>

#include "core/Factory.h"
#include "core/Input.h"

namespace td {

/// Column geometry the laws may depend on (SI).
struct ColumnGeometry {
  double length = 0.0;          ///< m
  double radius = 0.0;          ///< m
  double youngs_modulus = 0.0;  ///< Pa (for buckling)
};

struct Material;

/// Rigid-body speed of the core v(sigma_c) (m/s) for a compressive back stress sigma_c (Pa).
class CoreResponse {
 public:
  virtual ~CoreResponse() = default;
  /// Speed of the core towards the hot end (m/s); zero at zero stress, increasing.
  virtual double speed(double sigma, const ColumnGeometry& g) const = 0;
  /// Compressive stress in the core at x/L = @p xi in (0, 1], as a fraction of sigma_c: where
  /// the core's resistance acts decides how the stress builds up from the free hot end.
  virtual double stress_profile(double xi) const = 0;
  virtual std::string type() const = 0;
};

/// Largest back stress the column carries (Pa); above it the column yields or buckles.
class StrengthCap {
 public:
  virtual ~StrengthCap() = default;
  /// Strength (Pa); +infinity for no cap.
  virtual double strength(const ColumnGeometry& g) const = 0;
  virtual std::string type() const = 0;
};

using CoreResponseFactory = Factory<CoreResponse, InputSection&>;
/// Strength caps take their defaults from the material preset.
using StrengthCapFactory = Factory<StrengthCap, InputSection&, const Material&>;

/// Read a response law from table @p s (key `type`, default "linear_drag"); calls finish().
std::unique_ptr<CoreResponse> make_core_response(InputSection& s);
/// Read a strength cap from table @p s (key `type`, default "none"); calls finish().
std::unique_ptr<StrengthCap> make_strength_cap(InputSection& s, const Material& m);

/// Distributed linear drag (used programmatically in tests): v = sigma R / (2 zeta L).
std::unique_ptr<CoreResponse> linear_drag_response(double zeta);

}  // namespace td
