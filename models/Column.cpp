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

ColumnNumerics read_column_numerics(InputSection& root) {
  ColumnNumerics n;
  auto s = root.section("numerics", true);
  n.cells = static_cast<int>(s.integer({"cells",
                                        T::Integer,
                                        "40",
                                        K::dimensionless,
                                        Range::closed(4, 2000),
                                        {},
                                        "finite-volume cells along the surface"}));
  n.rtol = s.real({"rtol",
                   T::Real,
                   "1e-8",
                   K::dimensionless,
                   Range::closed(1e-13, 1e-3),
                   {},
                   "IDA relative tolerance"});
  n.atol = s.real({"atol",
                   T::Real,
                   "1e-12",
                   K::dimensionless,
                   Range::closed(1e-16, 1e-3),
                   {},
                   "IDA absolute tolerance (scaled unknowns)"});
  n.t_end = s.real({"t_end",
                    T::Real,
                    "0.0",
                    K::time,
                    Range::non_negative(),
                    {},
                    "end time; 0: 50 L^2 / D_s(T_min)"});
  n.outputs = static_cast<int>(s.integer({"outputs",
                                          T::Integer,
                                          "60",
                                          K::dimensionless,
                                          Range::closed(2, 100000),
                                          {},
                                          "log-spaced times in the history"}));
  s.finish();
  return n;
}

ColumnSweep read_column_sweep(InputSection& root, const ColumnParams& p) {
  ColumnSweep sw;
  if (!root.has("sweep")) return sw;
  auto s = root.section("sweep");
  sw.parameter = s.string({"parameter",
                           T::String,
                           "",
                           K::dimensionless,
                           Range::any(),
                           {"length", "diameter", "delta_T", "T_hot"},
                           "swept parameter"});
  const K kind =
      sw.parameter == "length" || sw.parameter == "diameter" ? K::length : K::temperature;
  sw.values = s.reals(
      {"values", T::RealArray, "", kind, Range::positive(), {}, "values of the swept parameter"});
  if (sw.values.empty()) s.fail("values", "a sweep needs at least one value");
  for (double v : sw.values) {
    try {
      with_sweep_value(p, sw.parameter, v);
    } catch (const Error& e) {
      s.fail("values", e.what());
    }
  }
  s.finish();
  return sw;
}

ColumnParams with_sweep_value(const ColumnParams& p, const std::string& parameter, double value) {
  ColumnParams q = p;
  if (parameter == "length")
    q.length = value;
  else if (parameter == "diameter")
    q.radius = 0.5 * value;
  else if (parameter == "T_hot")
    q.T_hot = value;
  else if (parameter == "delta_T")
    q.T_cold = p.T_hot - value;
  else
    throw Error(fmt::format("unknown sweep parameter '{}'", parameter));
  if (!(q.T_cold > 0 && q.T_cold < q.T_hot))
    throw Error(fmt::format("sweep {} = {:g}: needs 0 < T_cold ({:g} K) < T_hot ({:g} K)",
                            parameter, value, q.T_cold, q.T_hot));
  return q;
}

}  // namespace td
