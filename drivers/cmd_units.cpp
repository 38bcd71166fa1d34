/// @file cmd_units.cpp  `thermodrift units`: convert a quantity of a named kind between SI and
/// Lennard-Jones reduced units for a given (sigma, epsilon, mass), or print the table of one
/// reduced unit of every kind. Everything is computed by core/Units; nothing is tabulated.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/Error.h"
#include "core/Units.h"
#include "drivers/Command.h"

namespace td {

namespace {

using units::Dim;
using units::Kind;
using units::UnitSystem;

/// The LJ parameter set from a preset name and per-parameter overrides ("0.2338 nm").
units::LJParameters lj_from_options(const std::string& preset, const std::string& sigma,
                                    const std::string& epsilon, const std::string& mass) {
  units::LJParameters p;
  p.name = "custom";
  if (!preset.empty()) {
    auto q = units::lj_preset(preset);
    if (!q)
      throw Error(fmt::format("--lj: unknown preset '{}' (known: {})", preset,
                              fmt::join(units::lj_preset_names(), ", ")));
    p = *q;
  } else if (sigma.empty() || epsilon.empty() || mass.empty()) {
    throw Error("give an LJ parameter set: --lj PRESET or all of --sigma, --epsilon, --mass");
  }
  const UnitSystem si = UnitSystem::si();
  auto read = [&](const std::string& text, Kind k, const char* opt, double& into) {
    if (text.empty()) return;
    try {
      into = units::parse_in(text, units::dim_of(k), si);
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", opt, e.what()));
    }
    if (!(into > 0)) throw Error(fmt::format("{}: '{}' must be positive", opt, text));
    p.name = preset.empty() ? "custom" : preset + "+overrides";
  };
  read(sigma, Kind::length, "--sigma", p.sigma);
  read(epsilon, Kind::energy, "--epsilon", p.epsilon);
  read(mass, Kind::mass, "--mass", p.mass);
  return p;
}

class Units : public Command {
 public:
  void setup(CLI::App& sub) override {
    std::vector<std::string> kinds;
    for (Kind k : units::all_kinds()) kinds.emplace_back(units::name_of(k));
    sub.add_option("-k,--kind", kind_, "kind of quantity")->check(CLI::IsMember(kinds));
    sub.add_option("-v,--value", value_,
                   "value in the --from system; from SI it may carry a unit: \"76.5 K/nm\"");
    sub.add_option("--from", from_,
                   "system of --value: lj or si (default: si if --value carries a unit, else lj)")
        ->check(CLI::IsMember({"lj", "si"}));
    sub.add_option("--to", to_, "target system: si or lj (default: the other one)")
        ->check(CLI::IsMember({"lj", "si"}));
    sub.add_option("-u,--unit", unit_, "SI unit for the SI side, e.g. K/nm, eV, ns, MPa");
    sub.add_option("--lj", preset_, "LJ preset: " + fmt::format("{}", fmt::join(units::lj_preset_names(), ", ")));
    sub.add_option("--sigma", sigma_, "LJ length with unit, e.g. \"3.405 Angstrom\"");
    sub.add_option("--epsilon", epsilon_, "LJ energy with unit, e.g. \"0.2381 kcal/mol\"");
    sub.add_option("--mass", mass_, "LJ mass with unit, e.g. \"39.94 u\"");
    sub.add_flag("--table", table_, "print one reduced unit of every kind in SI");
    sub.add_flag("--json", json_, "print JSON");
    set_help(sub,
             "thermodrift units --lj copper --kind temperature_gradient --value 0.0038 "
             "--unit K/nm",
             "docs/theory.md#units", false);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const auto lj = UnitSystem::lj(lj_from_options(preset_, sigma_, epsilon_, mass_));
    nlohmann::ordered_json out;
    out["lj"] = {{"name", lj.lj_parameters().name},
                 {"sigma_m", lj.lj_parameters().sigma},
                 {"epsilon_J", lj.lj_parameters().epsilon},
                 {"mass_kg", lj.lj_parameters().mass},
                 {"tau_s", lj.lj_parameters().tau()}};
    std::string text;
    if (table_) {
      nlohmann::ordered_json rows = nlohmann::ordered_json::array();
      text = fmt::format("LJ set '{}': sigma = {:.6g} m, epsilon = {:.6g} J, m = {:.6g} kg, "
                         "tau = {:.6g} s\n{:<28} {:>14}  {}\n",
                         lj.lj_parameters().name, lj.lj_parameters().sigma,
                         lj.lj_parameters().epsilon, lj.lj_parameters().mass,
                         lj.lj_parameters().tau(), "kind", "1 reduced unit", "SI unit");
      for (Kind k : units::all_kinds()) {
        const Dim d = units::dim_of(k);
        const std::string si_unit = UnitSystem::si().label(d);
        rows.push_back({{"kind", units::name_of(k)}, {"lj_unit", lj.label(d)},
                        {"si_value", lj.scale(d)}, {"si_unit", si_unit}});
        text += fmt::format("{:<28} {:>14.6g}  {}\n", units::name_of(k), lj.scale(d), si_unit);
      }
      out["table"] = rows;
    } else {
      if (value_.empty())
        throw Error("give --value (with --kind unless the value carries a unit) or --table");
      const bool has_unit = !whole_number(value_) &&
                            value_.find_first_not_of("0123456789.eE+- ") != std::string::npos;
      const std::string from = from_.empty() ? (has_unit ? "si" : "lj") : from_;
      std::string kind = kind_;
      if (kind.empty()) {
        // a value with a unit names its own kind: the first kind of that dimension
        if (!has_unit) throw Error("give --kind (or a --value with a unit, e.g. \"3 um\")");
        const Dim vd = units::parse_quantity(value_).dim;
        for (Kind k : units::all_kinds())
          if (units::dim_of(k) == vd && kind.empty()) kind = std::string(units::name_of(k));
        if (kind.empty())
          throw Error(fmt::format("--value '{}' has a dimension no kind has ({}); give --kind",
                                  value_, UnitSystem::si().label(vd)));
      }
      const Kind k = *units::kind_from_name(kind);
      const Dim d = units::dim_of(k);
      const std::string to = to_.empty() ? (from == "lj" ? "si" : "lj") : to_;
      // SI side: the unit the user asked for (checked against the kind) or the SI base unit.
      double si_unit_value = 1.0;
      std::string si_unit = UnitSystem::si().label(d);
      if (!unit_.empty()) {
        const auto u = units::parse_unit(unit_);
        if (!(u.dim == d))
          throw Error(fmt::format("--unit '{}' is not a unit of {} ({})", unit_, kind,
                                  UnitSystem::si().label(d)));
        si_unit_value = u.value;
        si_unit = unit_;
      }
      // Everything through SI: value in the --from system -> SI -> the --to system.
      double si = 0.0;
      std::string in_unit;
      if (from == "lj") {
        si = lj.to_si(parse_number(value_), d);
        in_unit = lj.label(d);
      } else {
        si = has_unit ? units::parse_in(value_, d, UnitSystem::si())
                      : parse_number(value_) * si_unit_value;
        in_unit = has_unit ? "" : si_unit;
      }
      const double result = to == "lj" ? lj.from_si(si, d) : si / si_unit_value;
      if (!std::isfinite(si) || !std::isfinite(result))
        throw Error(fmt::format("--value '{}': the converted {} is outside the range of a double",
                                value_, kind));
      const std::string res_unit = to == "lj" ? lj.label(d) : si_unit;
      out["kind"] = kind;
      out["from"] = {{"system", from}, {"value", value_}, {"unit", in_unit}};
      out["to"] = {{"system", to}, {"value", result}, {"unit", res_unit}};
      out["si_value"] = si;
      out["si_base_unit"] = UnitSystem::si().label(d);
      text = fmt::format("{} {} {} = {:.6g} {} ({})\n", kind, value_, in_unit, result, res_unit,
                         to == "lj" ? lj.name() : "SI");
    }
    if (rank == 0) std::cout << (json_ ? out.dump(2) + "\n" : text);
    return 0;
  }

 private:
  /// Whether @p s is a number alone, as std::stod reads one (nan and inf included).
  static bool whole_number(const std::string& s) {
    std::size_t used = 0;
    try {
      std::stod(s, &used);
    } catch (const std::out_of_range&) {
      return true;  // a number, if not one a double holds: parse_number says so
    } catch (const std::exception&) {
      return false;
    }
    return s.find_first_not_of(' ', used) == std::string::npos;
  }

  /// @p s as a finite decimal number (no hexadecimal, nan or inf); throws Error.
  static double parse_number(const std::string& s) {
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(s, &used);
    } catch (const std::out_of_range&) {
      throw Error(fmt::format("--value '{}' is outside the range of a double", s));
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || s.find_first_not_of(' ', used) != std::string::npos ||
        s.find_first_of("xX") != std::string::npos)
      throw Error(
          fmt::format("--value '{}' is not a decimal number (units are only accepted "
                      "with --from si)",
                      s));
    if (!std::isfinite(v)) throw Error(fmt::format("--value '{}' is not a finite number", s));
    return v;
  }

  std::string kind_, value_, from_, to_, unit_, preset_, sigma_, epsilon_, mass_;
  bool table_ = false, json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Units>(); }
CommandFactory::Registrar reg("units", "convert quantities between SI and LJ reduced units",
                              &create);

}  // namespace

}  // namespace td
