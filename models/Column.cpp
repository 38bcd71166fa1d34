#include "models/Column.h"

#include <fmt/format.h>

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
}  // namespace

double ColumnParams::T_interface() const {
  // Thermal resistances per area in series: column L/k, contact layer t/k_layer.
  const double r_col = length / material.thermal_conductivity;
  const double r_layer = layer_thickness / layer_conductivity;
  return T_hot - (T_hot - T_cold) * r_col / (r_col + r_layer);
}

double ColumnParams::temperature(double x) const {
  return T_hot - (T_hot - T_interface()) * x / length;
}

ColumnParams read_column(InputSection& root) {
  root.set_units(units::UnitSystem::si());
  ColumnParams p;
  {
    auto m = root.section("material", true);
    p.material = read_material(m);
  }
  auto c = root.section("column");
  p.length = c.real({"length",
                     T::Real,
                     "",
                     K::length,
                     Range::positive(),
                     {},
                     "column length L (hot end to cold contact)"});
  p.radius = 0.5 * c.real({"diameter",
                           T::Real,
                           "",
                           K::length,
                           Range::positive(),
                           {},
                           "column (equivalent) diameter 2R"});
  p.T_hot = c.real(
      {"T_hot", T::Real, "", K::temperature, Range::positive(), {}, "hot reservoir temperature"});
  p.T_cold = c.real({"T_cold",
                     T::Real,
                     "",
                     K::temperature,
                     Range::positive(),
                     {},
                     "cold reservoir temperature (beyond the contact layer)"});
  if (!(p.T_cold < p.T_hot))
    c.fail("T_cold",
           fmt::format("T_cold = {:g} K must be below T_hot = {:g} K", p.T_cold, p.T_hot));
  p.layer_thickness = c.real({"contact_layer_thickness",
                              T::Real,
                              "0.0",
                              K::length,
                              Range::non_negative(),
                              {},
                              "resistive layer at the cold contact (0: none)"});
  p.layer_conductivity = c.real({"contact_layer_conductivity",
                                 T::Real,
                                 "1.0",
                                 K::thermal_conductivity,
                                 Range::positive(),
                                 {},
                                 "thermal conductivity of the contact layer"});
  p.equilibrium_fraction =
      c.real({"equilibrium_fraction",
              T::Real,
              "1.0",
              K::dimensionless,
              Range{0.0, 1.0, true, false},
              {},
              "C_s Omega of the mobile layer in equilibrium with the crystal at both ends"});
  p.plastic_exponent = c.real({"plastic_rate_exponent",
                               T::Real,
                               "40.0",
                               K::dimensionless,
                               Range::closed(2.0, 200.0),
                               {},
                               "m in the regularised cap v_p = v_0 (sigma/sigma_max)^m"});
  {
    auto r = c.section("response", true);
    p.response = make_core_response(r);
  }
  {
    auto s = c.section("strength", true);
    p.cap = make_strength_cap(s, p.material);
  }
  c.finish();
  return p;
}

}  // namespace td
