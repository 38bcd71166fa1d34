/// @file cmd_backstress.cpp  `thermodrift backstress`: the stall relation of Yang et al. (2026)
/// (docs/theory.md#surface-flux),
/// Omega Delta sigma = Q ln(T_h / T_c), evaluated in either direction: the back stress from the
/// two temperatures, or the temperature difference (and the cold temperature) that a given
/// back stress needs at a given hot temperature. Q and Omega come from a material preset
/// (--material) or the command line.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/Error.h"
#include "core/Units.h"
#include "drivers/Command.h"
#include "models/Material.h"
#include "models/surface_flux_K.h"

namespace td {

namespace {

using units::Kind;

/// "<number> <unit>" of kind @p k in SI; a bare number is taken as SI. Names the option.
double quantity(const std::string& text, Kind k, const char* opt) {
  std::size_t used = 0;
  double v = 0.0;
  bool bare = false;
  try {
    v = std::stod(text, &used);
    bare = text.find_first_not_of(' ', used) == std::string::npos;
  } catch (const std::exception&) {
    // not a bare number: parse it with its unit below
  }
  if (!bare) {
    try {
      v = units::parse_in(text, units::dim_of(k), units::UnitSystem::si());
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", opt, e.what()));
    }
  }
  if (!std::isfinite(v)) throw Error(fmt::format("{} {}: not a finite number", opt, text));
  return v;
}

class Backstress : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("-m,--material", material_,
                   "material preset for Q and Omega: " +
                       fmt::format("{}", fmt::join(material_preset_names(), ", ")));
    sub.add_option("-Q,--heat-of-transport", Q_, "heat of transport, e.g. \"0.17 eV\"");
    sub.add_option("--omega", omega_, "atomic volume, e.g. \"1.18e-29 m^3\"");
    sub.add_option("--T-hot", T_hot_, "hot temperature, e.g. \"673.15 K\"")->required();
    sub.add_option("--T-cold", T_cold_, "cold temperature: gives the back stress");
    sub.add_option("--delta-sigma", dsigma_,
                   "back stress, e.g. \"75 MPa\": gives the temperature difference");
    sub.add_option("-L,--length", length_,
                   "column length, e.g. \"115 nm\": also report the mean gradient");
    sub.add_flag("--json", json_, "print JSON");
    set_help(sub,
             "thermodrift backstress -m Cu --T-hot \"673.15 K\" --delta-sigma \"75 MPa\" -L "
             "\"115 nm\"\n  thermodrift backstress -Q \"0.17 eV\" --omega \"1.18e-29 m^3\" "
             "--T-hot 1300 --T-cold 800",
             "docs/column.md", false);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    double Q = 0.0, Omega = 0.0;
    std::string source = "command line";
    if (!material_.empty()) {
      const Material m = material_preset(material_);
      Q = m.heat_of_transport;
      Omega = m.atomic_volume;
      source = "preset " + material_;
    } else if (Q_.empty() || omega_.empty()) {
      throw Error("give --material NAME or both --heat-of-transport and --omega");
    }
    if (!Q_.empty()) Q = quantity(Q_, Kind::energy, "--heat-of-transport");
    if (!omega_.empty()) Omega = quantity(omega_, Kind::volume, "--omega");
    if (!(Q > 0)) throw Error(fmt::format("--heat-of-transport must be positive (got {:g} J)", Q));
    if (!(Omega > 0)) throw Error(fmt::format("--omega must be positive (got {:g} m^3)", Omega));
    const double Th = quantity(T_hot_, Kind::temperature, "--T-hot");
    if (!(Th > 0)) throw Error(fmt::format("--T-hot must be positive (got {:g} K)", Th));
    if (T_cold_.empty() == dsigma_.empty())
      throw Error(
          "give exactly one of --T-cold (for the back stress) and --delta-sigma (for "
          "the temperature difference)");

    double Tc = 0.0, ds = 0.0;
    std::string mode;
    if (!T_cold_.empty()) {
      Tc = quantity(T_cold_, Kind::temperature, "--T-cold");
      if (!(Tc > 0 && Tc <= Th))
        throw Error(fmt::format("--T-cold = {:g} K must lie in (0, T_hot = {:g} K]", Tc, Th));
      ds = kernels::stall_stress(Q, Omega, Th, Tc);
      if (!std::isfinite(ds))
        throw Error(
            fmt::format("the stall relation gives Delta sigma = Q ln(T_h/T_c) / Omega = "
                        "{:g} Pa for Q = {:g} J, Omega = {:g} m^3",
                        ds, Q, Omega));
      mode = "stress_from_temperatures";
    } else {
      ds = quantity(dsigma_, Kind::pressure, "--delta-sigma");
      if (!(ds >= 0)) throw Error(fmt::format("--delta-sigma must be >= 0 (got {:g} Pa)", ds));
      Tc = kernels::stall_cold_temperature(Q, Omega, Th, ds);
      if (!(Tc > 0))
        throw Error(fmt::format(
            "--delta-sigma {}: the stall relation gives T_cold = T_hot exp(-Omega Delta sigma / "
            "Q) = T_hot e^-{:.4g}, below the smallest positive double",
            dsigma_, Omega * ds / Q));
      mode = "temperatures_from_stress";
    }
    const double eV = units::kElementaryCharge;
    nlohmann::ordered_json out;
    out["mode"] = mode;
    out["source"] = source;
    out["heat_of_transport_eV"] = Q / eV;
    out["atomic_volume_m3"] = Omega;
    out["T_hot_K"] = Th;
    out["T_cold_K"] = Tc;
    out["delta_T_K"] = Th - Tc;
    out["delta_ln_T"] = std::log(Th / Tc);
    out["delta_sigma_Pa"] = ds;
    std::string text = fmt::format(
        "stall relation  Omega Delta sigma = Q ln(T_h/T_c)   (Q = {:.4g} eV, Omega = {:.4g} m^3, "
        "{})\n"
        "T_hot = {:.2f} K, T_cold = {:.2f} K, Delta T = {:.3f} K, Delta ln T = {:.5f}\n"
        "Delta sigma = {:.4g} MPa\n",
        Q / eV, Omega, source, Th, Tc, Th - Tc, std::log(Th / Tc),
        ds / units::parse_unit("MPa").value);
    if (!length_.empty()) {
      const double L = quantity(length_, Kind::length, "--length");
      if (!(L > 0)) throw Error(fmt::format("--length must be positive (got {:g} m)", L));
      out["length_m"] = L;
      out["mean_gradient_K_per_m"] = (Th - Tc) / L;
      text += fmt::format("mean gradient over {:.4g} nm: {:.4g} K/m\n",
                          L / units::parse_unit("nm").value, (Th - Tc) / L);
    }
    if (rank == 0) std::cout << (json_ ? out.dump(2) + "\n" : text);
    return 0;
  }

 private:
  std::string material_, Q_, omega_, T_hot_, T_cold_, dsigma_, length_;
  bool json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Backstress>(); }
CommandFactory::Registrar reg("backstress",
                              "stall back stress (stall relation of Yang et al. 2026), both "
                              "directions",
                              &create);

}  // namespace

}  // namespace td
