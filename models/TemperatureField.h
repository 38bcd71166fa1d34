#pragma once
/// @file TemperatureField.h  Prescribed temperature fields T(x) (temperature unit of the case),
/// selected by `type = "..."` in [temperature] and registered by name.
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/Factory.h"
#include "core/Input.h"

namespace td {

class Mesh;
using Point = std::array<double, 3>;

class TemperatureField {
 public:
  virtual ~TemperatureField() = default;
  /// Temperature at point @p x (length unit of the case). Must be positive.
  virtual double T(const Point& x) const = 0;
  virtual std::string type() const = 0;
  /// T at @p n points along a line (length unit of the case): the point @p base with its
  /// coordinate @p axis replaced by each of @p coords, into @p out. Bit for bit T at each
  /// point; fields whose T is cheap override it, to save a virtual call per point in the face
  /// loops (a few million points at 1024^2).
  virtual void T_along(const Point& base, int axis, const double* coords, std::size_t n,
                       double* out) const {
    along(base, axis, coords, n, out, [this](const Point& p) { return T(p); });
  }
  /// Whether T may change along coordinate @p axis (0 = x). Where it cannot, T at two points
  /// that differ in that coordinate only is the same bit for bit, and the face loops take the
  /// values of one line for every line across it. Fields that do not know say that it may.
  virtual bool varies_along(int axis) const {
    (void)axis;
    return true;
  }
  /// Lowest and highest T over the box [@p lo, @p hi] (length unit of the case), where the
  /// field knows them without sampling (a linear field: at the box's corners); nothing
  /// otherwise, and temperature_range samples the mesh.
  virtual std::optional<std::pair<double, double>> range_over_box(const Point& lo,
                                                                  const Point& hi) const {
    (void)lo;
    (void)hi;
    return std::nullopt;
  }

 protected:
  /// The loop of T_along, with @p at giving T at one point: overrides pass their own
  /// evaluation, which then needs no virtual call per point.
  template <class At>
  static void along(const Point& base, int axis, const double* coords, std::size_t n, double* out,
                    At&& at) {
    Point p = base;
    for (std::size_t m = 0; m < n; ++m) {
      p[static_cast<std::size_t>(axis)] = coords[m];
      out[m] = at(p);
    }
  }
};

/// Creators receive the [temperature] table and the mesh (fields solved on it need it).
using TemperatureFieldFactory = Factory<TemperatureField, InputSection&, const Mesh&>;

/// Read [temperature]; check that it is positive on the mesh and periodic along periodic
/// axes (an inconsistent set-up is an input error pointing at the section).
std::unique_ptr<TemperatureField> make_temperature_field(InputSection& s, const Mesh& mesh);

/// T = T_ref + g . x (programmatic use).
std::unique_ptr<TemperatureField> linear_temperature(double T_ref, const Point& gradient);

/// Lowest and highest temperature of @p T over the cell centres and nodes of @p mesh (collective
/// on the mesh's communicator); the range over which laws and rates are checked at set-up.
std::pair<double, double> temperature_range(const Mesh& mesh, const TemperatureField& T);

}  // namespace td
