#include "core/Units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/Error.h"

namespace td::units {

namespace {

struct KindInfo {
  Kind kind;
  std::string_view name;
  Dim dim;
};

// L, M, T, K exponents of each kind.
constexpr KindInfo kKinds[] = {
    {Kind::dimensionless, "dimensionless", {0, 0, 0, 0}},
    {Kind::length, "length", {1, 0, 0, 0}},
    {Kind::mass, "mass", {0, 1, 0, 0}},
    {Kind::time, "time", {0, 0, 1, 0}},
    {Kind::temperature, "temperature", {0, 0, 0, 1}},
    {Kind::temperature_gradient, "temperature_gradient", {-1, 0, 0, 1}},
    {Kind::energy, "energy", {2, 1, -2, 0}},
    {Kind::diffusivity, "diffusivity", {2, 0, -1, 0}},
    {Kind::pressure, "pressure", {-1, 1, -2, 0}},
    {Kind::inverse_temperature, "inverse_temperature", {0, 0, 0, -1}},
    {Kind::velocity, "velocity", {1, 0, -1, 0}},
    {Kind::frequency, "frequency", {0, 0, -1, 0}},
    {Kind::number_density, "number_density", {-3, 0, 0, 0}},
    {Kind::area_density, "area_density", {-2, 0, 0, 0}},
    {Kind::friction, "friction", {0, 1, -1, 0}},
    {Kind::force, "force", {1, 1, -2, 0}},
    {Kind::volume, "volume", {3, 0, 0, 0}},
    {Kind::area, "area", {2, 0, 0, 0}},
    {Kind::heat_flux, "heat_flux", {0, 1, -3, 0}},
    {Kind::power, "power", {2, 1, -3, 0}},
    {Kind::thermal_conductivity, "thermal_conductivity", {1, 1, -3, -1}},
    {Kind::mass_density, "mass_density", {-3, 1, 0, 0}},
    {Kind::specific_heat, "specific_heat", {2, 0, -2, -1}},
    {Kind::mass_transfer_coefficient, "mass_transfer_coefficient", {1, 0, -1, 0}},
    {Kind::particle_flux, "particle_flux", {-2, 0, -1, 0}},
    {Kind::entropy, "entropy", {2, 1, -2, -1}},
    {Kind::power_density, "power_density", {-1, 1, -3, 0}},
    {Kind::heat_transfer_coefficient, "heat_transfer_coefficient", {0, 1, -3, -1}},
    {Kind::volumetric_heat_capacity, "volumetric_heat_capacity", {-1, 1, -2, -1}},
    {Kind::drag_coefficient, "drag_coefficient", {-2, 1, -1, 0}},
};

struct UnitInfo {
  std::string_view symbol;
  double si;  // SI value of one unit
  Dim dim;
};

constexpr double kCal = 4.184;
/// Unit symbols without prefix. Prefixed forms ("nm", "pN", "kJ", "MPa", "us") are built from
/// these and kPrefixes, so every prefix works with every prefixable unit.
struct BaseUnit {
  std::string_view symbol;
  double si;  // SI value of one unit
  Dim dim;
  bool prefixable;
};
const BaseUnit kBaseUnits[] = {
    {"m", 1.0, {1, 0, 0, 0}, true},
    {"Ang", 1e-10, {1, 0, 0, 0}, false},
    {"Angstrom", 1e-10, {1, 0, 0, 0}, false},
    {"\u00c5", 1e-10, {1, 0, 0, 0}, false},  // the Angstrom sign
    {"g", 1e-3, {0, 1, 0, 0}, true},
    {"u", kAtomicMassUnit, {0, 1, 0, 0}, false},
    {"amu", kAtomicMassUnit, {0, 1, 0, 0}, false},
    {"Da", kAtomicMassUnit, {0, 1, 0, 0}, true},
    {"s", 1.0, {0, 0, 1, 0}, true},
    {"min", 60.0, {0, 0, 1, 0}, false},
    {"h", 3600.0, {0, 0, 1, 0}, false},
    {"K", 1.0, {0, 0, 0, 1}, true},
    {"J", 1.0, {2, 1, -2, 0}, true},
    {"eV", kElementaryCharge, {2, 1, -2, 0}, true},
    {"cal", kCal, {2, 1, -2, 0}, true},
    {"mol", kAvogadro, {0, 0, 0, 0}, true},
    {"Pa", 1.0, {-1, 1, -2, 0}, true},
    {"bar", 1e5, {-1, 1, -2, 0}, true},
    {"atm", 101325.0, {-1, 1, -2, 0}, false},
    {"N", 1.0, {1, 1, -2, 0}, true},
    {"W", 1.0, {2, 1, -3, 0}, true},
    {"Hz", 1.0, {0, 0, -1, 0}, true},
    // Celsius degrees inside a compound unit are temperature differences ("20 degC/mm");
    // a bare "degC" value is an absolute temperature (parse_quantity)
    {"degC", 1.0, {0, 0, 0, 1}, false},
    {"\u00b0C", 1.0, {0, 0, 0, 1}, false},
};
struct Prefix {
  std::string_view symbol;
  double factor;
};
// micro written as "u", the micro sign (U+00B5) or the Greek mu (U+03BC)
const Prefix kPrefixes[] = {{"f", 1e-15}, {"p", 1e-12},      {"n", 1e-9},
                            {"u", 1e-6},  {"\u00b5", 1e-6}, {"\u03bc", 1e-6},
                            {"m", 1e-3},  {"c", 1e-2},       {"k", 1e3},
                            {"M", 1e6},   {"G", 1e9},        {"T", 1e12}};

/// A unit symbol: an exact base symbol first (so "u" is the atomic mass unit and "min" the
/// minute), else a prefix followed by a prefixable base symbol ("um", "MPa").
std::optional<Quantity> unit_symbol(std::string_view sym) {
  for (const auto& u : kBaseUnits)
    if (u.symbol == sym) return Quantity{u.si, u.dim};
  for (const auto& p : kPrefixes) {
    if (sym.size() <= p.symbol.size() || sym.substr(0, p.symbol.size()) != p.symbol) continue;
    const std::string_view rest = sym.substr(p.symbol.size());
    for (const auto& u : kBaseUnits)
      if (u.prefixable && u.symbol == rest) return Quantity{p.factor * u.si, u.dim};
  }
  return std::nullopt;
}

/// Recursive-descent parser for unit expressions:
///   expr   := term (('*' | ' ' | '/') term)*
///   term   := factor ('^' integer)?
///   factor := symbol | number | '(' expr ')'
class UnitParser {
 public:
  explicit UnitParser(std::string_view s) : s_(s) {}
  Quantity parse() {
    skip();
    if (pos_ == s_.size()) return {1.0, {}};
    Quantity q = expr();
    skip();
    if (pos_ != s_.size()) fail(fmt::format("unexpected '{}'", s_.substr(pos_)));
    return q;
  }

 private:
  void skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    throw Error(fmt::format("cannot parse unit '{}': {}", s_, msg));
  }
  Quantity expr() {
    Quantity q = term();
    for (;;) {
      skip();
      if (pos_ >= s_.size() || s_[pos_] == ')') return q;
      bool divide = false;
      if (s_[pos_] == '*') {
        ++pos_;
      } else if (s_[pos_] == '/') {
        divide = true;
        ++pos_;
      }
      skip();
      const Quantity t = term();
      if (divide) {
        q.value /= t.value;
        q.dim = q.dim / t.dim;
      } else {
        q.value *= t.value;
        q.dim = q.dim * t.dim;
      }
    }
  }
  Quantity term() {
    Quantity f = factor();
    skip();
    if (pos_ < s_.size() && s_[pos_] == '^') {
      ++pos_;
      skip();
      const std::size_t start = pos_;
      if (pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '+')) ++pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      const std::string num(s_.substr(start, pos_ - start));
      if (num.empty() || num == "-" || num == "+") fail("'^' needs an integer exponent");
      const int p = std::stoi(num);
      f.value = std::pow(f.value, p);
      f.dim = f.dim.pow(p);
    }
    return f;
  }
  Quantity factor() {
    skip();
    if (pos_ >= s_.size()) fail("a unit is missing");
    if (s_[pos_] == '(') {
      ++pos_;
      Quantity q = expr();
      skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') fail("missing ')'");
      ++pos_;
      return q;
    }
    if (std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
      return {std::stod(std::string(s_.substr(start, pos_ - start))), {}};
    }
    const std::size_t start = pos_;
    // letters, and the bytes of UTF-8 sequences (micro sign, Greek mu, degree sign)
    while (pos_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[pos_])) ||
                                static_cast<unsigned char>(s_[pos_]) >= 0x80))
      ++pos_;
    const std::string_view sym = s_.substr(start, pos_ - start);
    if (sym.empty()) fail(fmt::format("unexpected '{}'", s_.substr(start, 1)));
    if (auto q = unit_symbol(sym)) return *q;
    fail(fmt::format("unknown unit '{}' (known: SI units with prefixes f p n u/\u00b5 m c k M "
                     "G T, Angstrom, u, eV, cal, mol, bar, atm, min, h, degC)",
                     sym));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string dim_text(Dim d, const char* const names[4]) {
  const int e[4] = {d.L, d.M, d.T, d.K};
  std::string num, den;
  for (int i = 0; i < 4; ++i) {
    if (e[i] == 0) continue;
    std::string& part = e[i] > 0 ? num : den;
    const int p = std::abs(e[i]);
    if (!part.empty()) part += " ";
    part += names[i];
    if (p != 1) part += fmt::format("^{}", p);
  }
  if (num.empty() && den.empty()) return "1";
  if (num.empty()) num = "1";
  if (den.empty()) return num;
  return num + "/" + (den.find(' ') != std::string::npos ? "(" + den + ")" : den);
}

/// Label of a dimension in LJ units as a product of epsilon, kB, m, sigma and tau. A mass
/// exponent can be carried by m or by epsilon tau^2 / sigma^2, a temperature by epsilon/kB;
/// of all the ways the one with the fewest factors is printed ("epsilon/(sigma^2 tau)" for a
/// heat flux, "kB/m" for a specific heat, "m/sigma^3" for a density), ties going to epsilon.
std::string lj_label(Dim d) {
  constexpr int kMaxMassPower = 3;
  struct Factor {
    const char* name;
    int power;
  };
  std::vector<Factor> best;
  int best_cost = std::numeric_limits<int>::max();
  // mass powers in the order 0, 1, -1, 2, -2, ...
  for (int pm = 0; std::abs(pm) <= kMaxMassPower; pm = pm > 0 ? -pm : 1 - pm) {
    const int pe = d.M - pm + d.K;  // epsilon carries the rest of the mass and the temperature
    const std::vector<Factor> f{{"epsilon", pe},
                                {"kB", -d.K},
                                {"m", pm},
                                {"sigma", d.L - 2 * (d.M - pm)},
                                {"tau", d.T + 2 * (d.M - pm)}};
    int cost = 0;
    for (const auto& x : f) cost += std::abs(x.power);
    if (cost < best_cost) {
      best_cost = cost;
      best = f;
    }
  }
  std::string num, den;
  int n_den = 0;
  for (const auto& x : best) {
    if (x.power == 0) continue;
    std::string& part = x.power > 0 ? num : den;
    if (x.power < 0) ++n_den;
    if (!part.empty()) part += " ";
    part += x.name;
    if (std::abs(x.power) != 1) part += fmt::format("^{}", std::abs(x.power));
  }
  if (num.empty() && den.empty()) return "1";
  if (num.empty()) num = "1";
  if (den.empty()) return num;
  return num + "/" + (n_den > 1 ? "(" + den + ")" : den);
}

}  // namespace

Dim dim_of(Kind k) {
  for (const auto& i : kKinds)
    if (i.kind == k) return i.dim;
  return {};
}

std::string_view name_of(Kind k) {
  for (const auto& i : kKinds)
    if (i.kind == k) return i.name;
  return "unknown";
}

std::optional<Kind> kind_from_name(std::string_view name) {
  for (const auto& i : kKinds)
    if (i.name == name) return i.kind;
  return std::nullopt;
}

std::vector<Kind> all_kinds() {
  std::vector<Kind> out;
  for (const auto& i : kKinds) out.push_back(i.kind);
  return out;
}

double LJParameters::tau() const { return sigma * std::sqrt(mass / epsilon); }

std::optional<LJParameters> lj_preset(std::string_view name) {
  if (name == "copper")
    return LJParameters{0.2338e-9, 0.4057 * kElementaryCharge, 105.49e-27, "copper"};
  if (name == "argon")
    return LJParameters{3.405e-10, 0.2381 * 1e3 * kCal / kAvogadro, 39.94 * kAtomicMassUnit,
                        "argon"};
  return std::nullopt;
}

std::vector<std::string> lj_preset_names() { return {"argon", "copper"}; }

UnitSystem UnitSystem::si() { return UnitSystem(); }

UnitSystem UnitSystem::lj(const LJParameters& p) {
  if (!(p.sigma > 0 && p.epsilon > 0 && p.mass > 0))
    throw Error(fmt::format("LJ parameters must be positive (sigma {:g} m, epsilon {:g} J, mass "
                            "{:g} kg)", p.sigma, p.epsilon, p.mass));
  UnitSystem u;
  u.reduced_ = true;
  u.lj_ = p;
  return u;
}

std::string UnitSystem::name() const {
  return reduced_ ? fmt::format("LJ({})", lj_.name.empty() ? "custom" : lj_.name) : "SI";
}

double UnitSystem::scale(Dim d) const {
  if (!reduced_) return 1.0;
  return std::pow(lj_.sigma, d.L) * std::pow(lj_.mass, d.M) * std::pow(lj_.tau(), d.T) *
         std::pow(lj_.epsilon / kBoltzmann, d.K);
}

double UnitSystem::kB() const { return reduced_ ? 1.0 : kBoltzmann; }

std::string UnitSystem::label(Dim d) const {
  if (reduced_) return lj_label(d);
  for (const auto& [d2, name] : std::initializer_list<std::pair<Dim, const char*>>{
           {{2, 1, -2, 0}, "J"}, {{-1, 1, -2, 0}, "Pa"}, {{1, 1, -2, 0}, "N"},
           {{2, 1, -3, 0}, "W"}, {{0, 0, -1, 0}, "1/s"}, {{0, 1, -3, 0}, "W/m^2"},
           {{1, 1, -3, -1}, "W/(m K)"}, {{-1, 1, -3, 0}, "W/m^3"},
           {{0, 1, -3, -1}, "W/(m^2 K)"}, {{-1, 1, -2, -1}, "J/(m^3 K)"},
           {{2, 0, -2, -1}, "J/(kg K)"}, {{2, 1, -2, -1}, "J/K"}, {{-2, 1, -1, 0}, "Pa s/m"}})
    if (d == d2) return name;
  static constexpr const char* kNames[4] = {"m", "kg", "s", "K"};
  return dim_text(d, kNames);
}

Quantity parse_unit(std::string_view unit) { return UnitParser(unit).parse(); }

Quantity parse_quantity(std::string_view text) {
  const std::string s(text);
  const char* begin = s.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin) throw Error(fmt::format("'{}' does not start with a number", text));
  std::string_view rest(end);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest == "degC" || rest == "\u00b0C") return {v + 273.15, {0, 0, 0, 1}};
  const Quantity u = parse_unit(rest);
  return {v * u.value, u.dim};
}

double parse_in(std::string_view text, Dim expected, const UnitSystem& sys) {
  const Quantity q = parse_quantity(text);
  if (!(q.dim == expected)) {
    static constexpr const char* kNames[4] = {"m", "kg", "s", "K"};
    throw Error(fmt::format("'{}' has dimension {} but {} is expected", text,
                            dim_text(q.dim, kNames), dim_text(expected, kNames)));
  }
  return sys.from_si(q.value, expected);
}

std::vector<std::pair<std::string, double>> unit_attributes(const UnitSystem& u) {
  if (!u.is_reduced()) return {};
  const LJParameters& p = u.lj_parameters();
  return {{"lj_sigma_m", p.sigma}, {"lj_epsilon_J", p.epsilon}, {"lj_mass_kg", p.mass},
          {"lj_tau_s", p.tau()}};
}

}  // namespace td::units
