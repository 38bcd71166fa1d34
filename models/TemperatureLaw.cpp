#include "models/TemperatureLaw.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/KeyRegistry.h"
#include "core/Paths.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

// 16-point Gauss-Legendre nodes and weights on [-1, 1] (positive half).
constexpr std::array<double, 8> kGLx{0.0950125098376374, 0.2816035507792589, 0.4580167776572274,
                                     0.6178762444026438, 0.7554044083550030, 0.8656312023878318,
                                     0.9445750230732326, 0.9894009349916499};
constexpr std::array<double, 8> kGLw{0.1894506104550685, 0.1826034150449236, 0.1691565193950025,
                                     0.1495959888165767, 0.1246289712555339, 0.0951585116824928,
                                     0.0622535239386479, 0.0271524594117541};
}  // namespace

double TemperatureLaw::integral(double T1, double T2) const {
  const double m = 0.5 * (T1 + T2), h = 0.5 * (T2 - T1);
  double s = 0.0;
  for (std::size_t i = 0; i < kGLx.size(); ++i)
    s += kGLw[i] * (value(m + h * kGLx[i]) + value(m - h * kGLx[i]));
  return s * h;
}

namespace {

Range range_for(K kind) {
  // Diffusivities must be positive; Soret coefficients take either sign.
  return kind == K::diffusivity || kind == K::frequency ? Range::positive() : Range::any();
}

/// The keys whose unit is that of the law's quantity: one set per kind a law describes
/// (diffusivity, Soret coefficient, rate constant of first or higher order, conductivity).
struct ValueKeys {
  ParamSpec value, prefactor, value_ref, values;
};
ValueKeys value_keys(K kind) {
  return {{"value", T::Real, "", kind, range_for(kind), {}, "constant value"},
          {"prefactor", T::Real, "", kind, range_for(kind), {}, "value at T -> inf"},
          {"value_ref", T::Real, "", kind, range_for(kind), {}, "value at T_ref"},
          {"values", T::RealArray, "", kind, range_for(kind), {}, "table values"}};
}
constexpr std::array<K, 5> kLawKinds{K::diffusivity, K::inverse_temperature, K::frequency,
                                     K::dimensionless, K::thermal_conductivity};
const std::array<ValueKeys, 5> kValueKeys{value_keys(kLawKinds[0]), value_keys(kLawKinds[1]),
                                          value_keys(kLawKinds[2]), value_keys(kLawKinds[3]),
                                          value_keys(kLawKinds[4])};

const ValueKeys& keys_for(K kind) {
  for (std::size_t i = 0; i < kLawKinds.size(); ++i)
    if (kLawKinds[i] == kind) return kValueKeys[i];
  throw InternalError(
      fmt::format("no temperature-law keys declared for a {}", units::name_of(kind)));
}

/// The member @p m of every kind's ValueKeys, then @p more.
std::vector<const ParamSpec*> per_kind(ParamSpec ValueKeys::*m,
                                       std::vector<const ParamSpec*> more = {}) {
  std::vector<const ParamSpec*> out;
  for (const auto& v : kValueKeys) out.push_back(&(v.*m));
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

const ParamSpec kActivation{"activation_energy", T::Real, "", K::energy, Range::any(), {},
                            "activation energy"};
const ParamSpec kFriction{"friction",
                          T::Real,
                          "",
                          K::friction,
                          Range::positive(),
                          {},
                          "friction coefficient R (D = kB T / R)"};
const ParamSpec kTref{
    "T_ref", T::Real, "", K::temperature, Range::positive(), {}, "reference temperature"};
const ParamSpec kExponent{"exponent", T::Real, "", K::dimensionless, Range::any(), {}, "exponent"};
const ParamSpec kTableFile{"file",
                           T::String,
                           "",
                           K::dimensionless,
                           Range::any(),
                           {},
                           "two-column text file: temperature, value (# comments); instead of "
                           "`temperatures` and `values`"};
const ParamSpec kTemps{"temperatures",
                       T::RealArray,
                       "",
                       K::temperature,
                       Range::positive(),
                       {},
                       "table temperatures, increasing"};
const ParamSpec kType{"type",
                      T::String,
                      "\"constant\"",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "temperature law",
                      {},
                      &TemperatureLawFactory::names};

const TemperatureLawFactory::Family kLawKeys(
    "<temperature_law>", kType, "run kmc bd soret",
    "A property as a function of temperature, f(T): `[species.diffusivity]` and "
    "`[species.soret]`, the same per state (`[species.states.diffusivity]`), rate constants "
    "(`[species.transitions.rate]`, `[reactions.rate]`) and conductivities "
    "(`[temperature.conductivity]`, `[heat.conductivity]`). Values are in the unit of the "
    "property: diffusivity, inverse_temperature (Soret coefficient), frequency (first-order "
    "rate constant), thermal_conductivity, or the case's concentration^(1-order)/time "
    "(dimensionless here: not converted) for higher-order rate constants. Diffusivities and "
    "first-order rate constants must be positive.");

/// f(T) = value.
class Constant : public TemperatureLaw {
 public:
  explicit Constant(double v) : v_(v) {}
  double value(double) const override { return v_; }
  double derivative(double) const override { return 0.0; }
  double integral(double T1, double T2) const override { return v_ * (T2 - T1); }
  std::string type() const override { return "constant"; }
  static std::unique_ptr<TemperatureLaw> create(InputSection& s, K kind) {
    return std::make_unique<Constant>(s.real(keys_for(kind).value));
  }

 private:
  double v_;
};

/// f(T) = prefactor exp(-activation_energy / (kB T)).
class Arrhenius : public TemperatureLaw {
 public:
  Arrhenius(double f0, double Ea, double kB) : f0_(f0), Ea_(Ea), kB_(kB) {}
  double value(double Tk) const override { return f0_ * std::exp(-Ea_ / (kB_ * Tk)); }
  double derivative(double Tk) const override { return value(Tk) * Ea_ / (kB_ * Tk * Tk); }
  std::string type() const override { return "arrhenius"; }
  static std::unique_ptr<TemperatureLaw> create(InputSection& s, K kind) {
    const double f0 = s.real(keys_for(kind).prefactor);
    const double Ea = s.real(kActivation);
    return std::make_unique<Arrhenius>(f0, Ea, s.units().kB());
  }

 private:
  double f0_, Ea_, kB_;
};

/// Einstein diffusivity f(T) = kB T / friction.
class Einstein : public TemperatureLaw {
 public:
  Einstein(double kB, double R) : kB_(kB), R_(R) {}
  double value(double Tk) const override { return kB_ * Tk / R_; }
  double derivative(double) const override { return kB_ / R_; }
  double integral(double T1, double T2) const override {
    return 0.5 * kB_ * (T2 * T2 - T1 * T1) / R_;
  }
  std::string type() const override { return "einstein"; }
  static std::unique_ptr<TemperatureLaw> create(InputSection& s, K kind) {
    if (kind != K::diffusivity)
      s.fail("type", fmt::format("the einstein law kB T / friction describes a diffusivity, not "
                                 "a {}",
                                 units::name_of(kind)));
    const double R = s.real(kFriction);
    return std::make_unique<Einstein>(s.units().kB(), R);
  }

 private:
  double kB_, R_;
};

/// f(T) = value_ref (T / T_ref)^exponent.
class Power : public TemperatureLaw {
 public:
  Power(double f, double Tr, double n) : f_(f), Tr_(Tr), n_(n) {}
  double value(double Tk) const override { return f_ * std::pow(Tk / Tr_, n_); }
  double derivative(double Tk) const override { return n_ * value(Tk) / Tk; }
  /// int_T1^T2 f dT (the law's unit times temperature), exact: T1 f(T1) ((T2/T1)^(n+1) - 1)
  /// / (n+1), and T1 f(T1) ln(T2/T1) for n = -1. Why: the conduction fluxes take this
  /// integral at every face in every residual (Kirchhoff transform), where the 16-point
  /// quadrature of the base class was 16 powers; expm1 and log1p keep full accuracy between
  /// cells of nearly equal temperature. Temperatures not both positive (a Newton trial
  /// beyond the law's range) take the quadrature, as before.
  double integral(double T1, double T2) const override {
    if (!(T1 > 0.0 && T2 > 0.0)) return TemperatureLaw::integral(T1, T2);
    const double m = n_ + 1.0;
    const double log_ratio = std::log1p((T2 - T1) / T1);
    const double base = T1 * value(T1);
    if (m == 0.0) return base * log_ratio;
    return base * std::expm1(m * log_ratio) / m;
  }
  std::string type() const override { return "power"; }
  static std::unique_ptr<TemperatureLaw> create(InputSection& s, K kind) {
    const double f = s.real(keys_for(kind).value_ref);
    const double Tr = s.real(kTref);
    const double n = s.real(kExponent);
    return std::make_unique<Power>(f, Tr, n);
  }

 private:
  double f_, Tr_, n_;
};

/// Piecewise-linear table f(T_k) = v_k, given inline (`temperatures`, `values`) or as a
/// two-column text file (`file`, columns T and value). Outside the table it is an error.
class Table : public TemperatureLaw {
 public:
  Table(std::vector<double> T, std::vector<double> v) : T_(std::move(T)), v_(std::move(v)) {}
  double value(double Tk) const override {
    const std::size_t i = segment(Tk);
    const double w = (Tk - T_[i]) / (T_[i + 1] - T_[i]);
    return (1.0 - w) * v_[i] + w * v_[i + 1];
  }
  double derivative(double Tk) const override {
    const std::size_t i = segment(Tk);
    return (v_[i + 1] - v_[i]) / (T_[i + 1] - T_[i]);
  }
  double integral(double T1, double T2) const override {
    // exact for a piecewise-linear function: trapezoids between breakpoints
    const double sign = T2 >= T1 ? 1.0 : -1.0;
    double a = std::min(T1, T2), b = std::max(T1, T2), s = 0.0;
    std::vector<double> pts{a};
    for (double t : T_)
      if (t > a && t < b) pts.push_back(t);
    pts.push_back(b);
    for (std::size_t k = 0; k + 1 < pts.size(); ++k)
      s += 0.5 * (value(pts[k]) + value(pts[k + 1])) * (pts[k + 1] - pts[k]);
    return sign * s;
  }
  std::string type() const override { return "table"; }
  static std::unique_ptr<TemperatureLaw> create(InputSection& s, K kind) {
    std::vector<double> Ts, vs;
    if (s.has("file")) {
      std::string path = s.string(kTableFile);
      path = input_path(s, path);
      std::ifstream in(path);
      if (!in) s.fail("file", fmt::format("cannot open table file '{}'", path));
      std::string line;
      int ln = 0;
      while (std::getline(in, line)) {
        ++ln;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream is(line);
        double a, b;
        if (!(is >> a)) continue;
        if (!(is >> b))
          s.fail("file", fmt::format("{}:{}: expected two numbers (temperature, value)", path, ln));
        Ts.push_back(a);
        vs.push_back(b);
      }
    } else {
      Ts = s.reals(kTemps);
      vs = s.reals(keys_for(kind).values);
    }
    if (Ts.size() < 2 || Ts.size() != vs.size())
      s.fail(s.has("file") ? "file" : "values",
             fmt::format("a table needs at least two (temperature, value) pairs of equal count; "
                         "got {} temperatures and {} values",
                         Ts.size(), vs.size()));
    for (std::size_t i = 0; i + 1 < Ts.size(); ++i)
      if (!(Ts[i + 1] > Ts[i]))
        s.fail(s.has("file") ? "file" : "temperatures",
               "table temperatures must increase strictly");
    if (kind == K::diffusivity)
      for (double v : vs)
        if (!(v > 0))
          s.fail(s.has("file") ? "file" : "values",
                 fmt::format("diffusivity {:g} in table is not positive", v));
    return std::make_unique<Table>(std::move(Ts), std::move(vs));
  }

 private:
  std::size_t segment(double Tk) const {
    if (Tk < T_.front() || Tk > T_.back())
      throw InputError(origin(), fmt::format("temperature {:g} is outside the table range "
                                             "[{:g}, {:g}]",
                                             Tk, T_.front(), T_.back()));
    const auto it = std::upper_bound(T_.begin(), T_.end(), Tk);
    return std::min<std::size_t>(static_cast<std::size_t>(it - T_.begin()), T_.size() - 1) - 1;
  }
  std::vector<double> T_, v_;
};

TemperatureLawFactory::Registrar r1("constant", "f = value.", &Constant::create,
                                    per_kind(&ValueKeys::value));
TemperatureLawFactory::Registrar r2("arrhenius", "f = prefactor exp(-activation_energy / (kB T)).",
                                    &Arrhenius::create,
                                    per_kind(&ValueKeys::prefactor, {&kActivation}));
TemperatureLawFactory::Registrar r3("einstein",
                                    "Einstein diffusivity D = kB T / friction "
                                    "(diffusivities only).",
                                    &Einstein::create, {&kFriction});
TemperatureLawFactory::Registrar r4("power", "f = value_ref (T / T_ref)^exponent.", &Power::create,
                                    per_kind(&ValueKeys::value_ref, {&kTref, &kExponent}));
TemperatureLawFactory::Registrar r5("table",
                                    "Piecewise linear in T through (`temperatures`, `values`) or "
                                    "the two columns of `file`; an error outside the table.",
                                    &Table::create,
                                    per_kind(&ValueKeys::values, {&kTableFile, &kTemps}));

}  // namespace

std::unique_ptr<TemperatureLaw> make_temperature_law(InputSection& s, units::Kind kind) {
  const std::string type = s.string(kType);
  auto law = TemperatureLawFactory::find(type)->create(s, kind);
  law->set_origin(s.location());
  s.finish();
  return law;
}

void check_temperature_law(const TemperatureLaw& law, double Tlo, double Thi, bool positive,
                           const std::string& what) {
  for (int i = 0; i < kLawCheckPoints; ++i) {
    // the last point is Thi exactly (no round-off past a table's end)
    const double Tk =
        i + 1 == kLawCheckPoints ? Thi : Tlo + (Thi - Tlo) * i / (kLawCheckPoints - 1);
    double f = 0.0, df = 0.0;
    try {
      f = law.value(Tk);
      df = law.derivative(Tk);
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      throw InputError(law.origin(), fmt::format("{} at T = {:g}: {}", what, Tk, e.what()));
    }
    if (!std::isfinite(f) || !std::isfinite(df) || (positive && !(f > 0)))
      throw InputError(
          law.origin(),
          fmt::format("{} is {:g} (derivative {:g}) at T = {:g}, inside the case's temperature "
                      "range [{:g}, {:g}]; it must be finite{}",
                      what, f, df, Tk, Tlo, Thi, positive ? " and positive" : ""));
  }
}

std::unique_ptr<TemperatureLaw> constant_law(double value) {
  return std::make_unique<Constant>(value);
}
std::unique_ptr<TemperatureLaw> einstein_law(double kB, double friction) {
  return std::make_unique<Einstein>(kB, friction);
}

std::unique_ptr<TemperatureLaw> arrhenius_law(double f0, double Ea, double kB) {
  return std::make_unique<Arrhenius>(f0, Ea, kB);
}

std::unique_ptr<TemperatureLaw> power_law(double value_ref, double T_ref, double exponent) {
  return std::make_unique<Power>(value_ref, T_ref, exponent);
}

}  // namespace td
