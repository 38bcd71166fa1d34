#include "column/ColumnCase.h"

#include <fmt/format.h>

#include "core/KeyRegistry.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kCells{"cells",
                       T::Integer,
                       "40",
                       K::dimensionless,
                       Range::closed(4, 2000),
                       {},
                       "finite-volume cells along the surface"};
const ParamSpec kRtol{"rtol",
                      T::Real,
                      "1e-8",
                      K::dimensionless,
                      Range::closed(1e-13, 1e-3),
                      {},
                      "IDA relative tolerance"};
const ParamSpec kAtol{"atol",
                      T::Real,
                      "1e-12",
                      K::dimensionless,
                      Range::closed(1e-16, 1e-3),
                      {},
                      "IDA absolute tolerance (scaled unknowns)"};
const ParamSpec kTend{"t_end",
                      T::Real,
                      "0.0",
                      K::time,
                      Range::non_negative(),
                      {},
                      "end time; 0: 50 L^2 / D_s(T_min)"};
const ParamSpec kOutputs{"outputs",
                         T::Integer,
                         "60",
                         K::dimensionless,
                         Range::closed(2, 100000),
                         {},
                         "log-spaced times in the history"};
const ParamSpec kParameter{
    "parameter",      T::String,    "",
    K::dimensionless, Range::any(), {"length", "diameter", "delta_T", "T_hot"},
    "swept parameter"};
const ParamSpec kLengths{"values",
                         T::RealArray,
                         "",
                         K::length,
                         Range::positive(),
                         {},
                         "values of a swept length or diameter"};
const ParamSpec kTemperatures{"values",
                              T::RealArray,
                              "",
                              K::temperature,
                              Range::positive(),
                              {},
                              "values of a swept delta_T or T_hot"};

const KeyDeclaration kNumericsKeys(
    {"numerics",
     "",
     "column",
     "Discretisation and time integration of the column DAE (finite volumes along the "
     "surface, SUNDIALS IDA).",
     {&kCells, &kRtol, &kAtol, &kTend, &kOutputs}});
const KeyDeclaration kSweepKeys(
    {"sweep",
     "",
     "column",
     "Optional sweep: the column is solved once per value of one parameter (a length for "
     "`length` and `diameter`, a temperature for `delta_T` and `T_hot`).",
     {&kParameter, &kLengths, &kTemperatures}});
}  // namespace

ColumnNumerics read_column_numerics(InputSection& root) {
  ColumnNumerics n;
  auto s = root.section("numerics", true);
  n.cells = static_cast<int>(s.integer(kCells));
  n.rtol = s.real(kRtol);
  n.atol = s.real(kAtol);
  n.t_end = s.real(kTend);
  n.outputs = static_cast<int>(s.integer(kOutputs));
  s.finish();
  return n;
}

ColumnSweep read_column_sweep(InputSection& root, const ColumnParams& p) {
  ColumnSweep sw;
  if (!root.has("sweep")) return sw;
  auto s = root.section("sweep");
  sw.parameter = s.string(kParameter);
  const bool length = sw.parameter == "length" || sw.parameter == "diameter";
  sw.values = s.reals(length ? kLengths : kTemperatures);
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
