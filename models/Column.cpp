#include "models/Column.h"

#include <fmt/format.h>

#include "core/KeyRegistry.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kLength{"length",
                        T::Real,
                        "",
                        K::length,
                        Range::positive(),
                        {},
                        "column length L (hot end to cold contact)"};
const ParamSpec kDiameter{
    "diameter", T::Real, "", K::length, Range::positive(), {}, "column (equivalent) diameter 2R"};
const ParamSpec kThot{
    "T_hot", T::Real, "", K::temperature, Range::positive(), {}, "hot reservoir temperature"};
const ParamSpec kTcold{"T_cold",
                       T::Real,
                       "",
                       K::temperature,
                       Range::positive(),
                       {},
                       "cold reservoir temperature (beyond the contact layer)"};
const ParamSpec kLayerT{"contact_layer_thickness",
                        T::Real,
                        "0.0",
                        K::length,
                        Range::non_negative(),
                        {},
                        "resistive layer at the cold contact (0: none)"};
const ParamSpec kLayerK{"contact_layer_conductivity",
                        T::Real,
                        "1.0",
                        K::thermal_conductivity,
                        Range::positive(),
                        {},
                        "thermal conductivity of the contact layer"};
const ParamSpec kEqFrac{
    "equilibrium_fraction",
    T::Real,
    "1.0",
    K::dimensionless,
    Range{0.0, 1.0, true, false},
    {},
    "C_s Omega of the mobile layer in equilibrium with the crystal at both ends"};
const ParamSpec kPlastic{"plastic_rate_exponent",
                         T::Real,
                         "40.0",
                         K::dimensionless,
                         Range::closed(2.0, 200.0),
                         {},
                         "m in the regularised cap v_p = v_0 (sigma/sigma_max)^m"};

const KeyDeclaration kColumnKeys(
    {"column",
     "",
     "column",
     "A column between a hot reservoir and a cold contact (always SI): geometry, reservoir "
     "temperatures, the contact layer (the interface temperature follows from the thermal "
     "resistances L/k of the column and t/k_layer of the layer in series), the mobile layer "
     "and the plastic cap; `[column.response]` and `[column.strength]` select the core's "
     "response and strength laws.",
     {&kLength, &kDiameter, &kThot, &kTcold, &kLayerT, &kLayerK, &kEqFrac, &kPlastic}});
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
  p.length = c.real(kLength);
  p.radius = 0.5 * c.real(kDiameter);
  p.T_hot = c.real(kThot);
  p.T_cold = c.real(kTcold);
  if (!(p.T_cold < p.T_hot))
    c.fail("T_cold",
           fmt::format("T_cold = {:g} K must be below T_hot = {:g} K", p.T_cold, p.T_hot));
  p.layer_thickness = c.real(kLayerT);
  p.layer_conductivity = c.real(kLayerK);
  p.equilibrium_fraction = c.real(kEqFrac);
  p.plastic_exponent = c.real(kPlastic);
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
