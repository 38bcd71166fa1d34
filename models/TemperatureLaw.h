#pragma once
/// @file TemperatureLaw.h  A scalar property as a function of temperature, f(T): used for
/// diffusivities D(T) (length^2/time) and Soret coefficients S_T(T) (1/temperature).
/// Selected by `type = "..."` in the property's table; laws register themselves by name.
#include <memory>
#include <string>

#include "core/Factory.h"
#include "core/Input.h"

namespace td {

class TemperatureLaw {
 public:
  virtual ~TemperatureLaw() = default;
  /// f(T); T in the temperature unit of the case.
  virtual double value(double T) const = 0;
  /// df/dT.
  virtual double derivative(double T) const = 0;
  /// Integral of f from T1 to T2 (exact where the law allows, else 16-point Gauss-Legendre).
  virtual double integral(double T1, double T2) const;
  /// Name of the law.
  virtual std::string type() const = 0;

  /// Where the law was defined: file, line and key of its table in the input (empty for a
  /// law built in code). Errors of the law (a temperature outside a table) name it.
  const SourceLocation& origin() const { return origin_; }
  void set_origin(SourceLocation where) { origin_ = std::move(where); }

 private:
  SourceLocation origin_;
};

/// Creators receive the law's table and the kind of quantity it describes.
using TemperatureLawFactory = Factory<TemperatureLaw, InputSection&, units::Kind>;

/// Read a law from table @p s (key `type`, default "constant").
std::unique_ptr<TemperatureLaw> make_temperature_law(InputSection& s, units::Kind kind);

/// Check @p law over the temperatures [@p Tlo, @p Thi] of a case at set-up: value and
/// derivative finite at kLawCheckPoints evenly spaced temperatures (both ends included) and,
/// if @p positive, values > 0 (diffusivities, rate constants, conductivities). Throws
/// InputError at the law's origin() naming the temperature and the value; @p what names the
/// quantity ("diffusivity of solute").
void check_temperature_law(const TemperatureLaw& law, double Tlo, double Thi, bool positive,
                           const std::string& what);
/// Temperatures at which check_temperature_law evaluates a law.
inline constexpr int kLawCheckPoints = 65;

/// A constant law (used programmatically, e.g. in tests).
std::unique_ptr<TemperatureLaw> constant_law(double value);
/// D = kB T / friction (Einstein).
std::unique_ptr<TemperatureLaw> einstein_law(double kB, double friction);
/// f0 exp(-Ea / (kB T)).
std::unique_ptr<TemperatureLaw> arrhenius_law(double f0, double Ea, double kB);
/// value_ref (T / T_ref)^exponent (T_ref in the temperature unit).
std::unique_ptr<TemperatureLaw> power_law(double value_ref, double T_ref, double exponent);

}  // namespace td
