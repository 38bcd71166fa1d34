/// @file SoretModelsFit.cpp  `type = "soret_models"`: the equilibrium Soret models of
/// Eastman, Prigogine and the mass-corrected Prigogine form evaluated from fitted inputs
/// (activation energies of earlier `arrhenius` fits in the same input; dG/dT given or read from
/// the parameter file of `thermodrift md` type solvation_free_energy) and set beside a measured
/// S_T. Writes S_T_prigogine_<name> and S_T_mass_corrected_<name> (with the activation
/// energies) and S_T_eastman_<name> (with dG/dT).
#include <fmt/format.h>

#include <fstream>
#include <map>

#include "fit/FitTask.h"
#include "fit/Models.h"

namespace td::fit {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

ParamSpec ref_spec(const char* key, const char* dflt, const char* doc) {
  return {key, T::String, dflt, K::dimensionless, Range::any(), {}, doc};
}

const ParamSpec kTemperature{"temperature",
                             T::Real,
                             "",
                             K::temperature,
                             Range::positive(),
                             {},
                             "temperature at which the models are evaluated (median T)"};
const ParamSpec kSoluteMass{"solute_mass",
                            T::Real,
                            "",
                            K::mass,
                            Range::positive(),
                            {},
                            "solute mass (needed with the activation energies)"};
const ParamSpec kSolventMass{"solvent_mass",
                             T::Real,
                             "",
                             K::mass,
                             Range::positive(),
                             {},
                             "solvent mass (needed with the activation energies)"};
const ParamSpec kDG{"dG_dT",
                    T::Real,
                    "",
                    K::entropy,
                    Range::any(),
                    {},
                    "temperature derivative of the solvation free energy (Eastman)"};
const ParamSpec kDGFile{"dG_dT_file",
                        T::String,
                        "",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "instead of dG_dT: a transport-parameter file holding dG/dT (written by "
                        "`thermodrift md`, type solvation_free_energy), relative to the input"};
const ParamSpec kDGParameter{"dG_dT_parameter",
                             T::String,
                             "\"dG_dT_ti\"",
                             K::dimensionless,
                             Range::any(),
                             {},
                             "the parameter of dG_dT_file that is dG/dT (dG_dT_ti or "
                             "dG_dT_widom)"};
const ParamSpec kDGsd{
    "dG_dT_uncertainty",       T::Real, "0.0", K::entropy, Range::non_negative(), {},
    "its standard uncertainty"};
const ParamSpec kSolute = ref_spec("solute_activation_energy", "\"\"",
                                   "parameter name of E_a of the solute (earlier arrhenius fit); "
                                   "\"\" with the solvent's: no Prigogine models (Eastman only)");
const ParamSpec kSolvent =
    ref_spec("solvent_activation_energy", "\"\"", "parameter name of E_a of the solvent");
const ParamSpec kMeasured = ref_spec("measured", "\"\"", "parameter name of the measured S_T");
const ParamSpec kName = name_spec("models");

class SoretModels : public FitTask {
 public:
  explicit SoretModels(InputSection& s) : kB_(s.units().kB()) {
    common_.read(s, kName);
    T_ = s.real(kTemperature);
    solute_ = s.string(kSolute);
    solvent_ = s.string(kSolvent);
    if (solute_.empty() != solvent_.empty())
      s.fail(solute_.empty() ? kSolute.key : kSolvent.key,
             "give the activation energies of both solute and solvent (or neither)");
    prigogine_ = !solute_.empty();
    measured_ = s.string(kMeasured);
    if (prigogine_) {
      M2_ = s.real(kSoluteMass);
      M1_ = s.real(kSolventMass);
    }
    if (s.has(kDG) && s.has(kDGFile)) s.fail(kDGFile.key, "give dG_dT or dG_dT_file, not both");
    if (s.has(kDG)) {
      dG_.value = s.real(kDG);
      dG_.sd = s.real(kDGsd);
      dG_source_ = "dG_dT given";
      eastman_ = true;
    } else if (s.has(kDGFile)) {
      read_dG_dT(s);
      eastman_ = true;
    } else if (s.has(kDGParameter)) {
      s.fail(kDGParameter.key, "needs dG_dT_file");
    }
    if (!prigogine_ && !eastman_)
      s.fail(kSolute.key,
             "no model to evaluate: give the activation energies (Prigogine) and/or dG_dT or "
             "dG_dT_file (Eastman)");
    for (const ParamSpec* k : {&kSolute, &kSolvent, &kMeasured})
      where_[k->key] = s.location(k->key);
  }

  void run(FitContext& ctx) override {
    // a name that no earlier fit wrote, or a parameter of another kind (a diffusivity given
    // as an activation energy), is an error at the key that gave it
    auto get = [&](const std::string& n, const ParamSpec& key, K kind) {
      const FittedParameter& p = earlier_parameter(ctx.params, n, kind, where_.at(key.key),
                                                   "fit it in an earlier [[fit]]");
      return Estimate{p.value, p.uncertainty};
    };
    const std::string src = prigogine_ ? fmt::format("{}, {} at T = {}", solute_, solvent_, T_)
                                       : fmt::format("{} at T = {}", dG_source_, T_);
    auto add = [&](const std::string& n, Estimate e, const std::string& m) {
      ctx.params.add({n, K::inverse_temperature, e.value, e.sd, std::nullopt, m, src});
      ctx.json[n] = {e.value, e.sd};
    };
    if (prigogine_) {
      const Estimate e2 = get(solute_, kSolute, K::energy), e1 = get(solvent_, kSolvent, K::energy);
      add("S_T_prigogine_" + common_.name, prigogine(e2, e1, T_, kB_),
          "Prigogine: (E_a^solute - E_a^solvent)/(kB T^2)");
      add("S_T_mass_corrected_" + common_.name, mass_corrected(e2, e1, M2_, M1_, T_, kB_),
          "mass-corrected Prigogine (docs/theory.md#equilibrium-soret)");
    }
    if (eastman_)
      add("S_T_eastman_" + common_.name, eastman(dG_, T_, kB_),
          "Eastman: (dG/dT)/(kB T), " + dG_source_);
    if (!measured_.empty()) {
      const Estimate m = get(measured_, kMeasured, K::inverse_temperature);
      ctx.json["measured"] = {m.value, m.sd};
    }
  }

 private:
  /// dG/dT from the parameter file of key dG_dT_file, converted into the case's units; every
  /// problem is an InputError at the key that led to it.
  void read_dG_dT(InputSection& s) {
    const std::string path = input_path(s, s.string(kDGFile));
    const std::string name = s.string(kDGParameter);
    if (!std::ifstream(path)) s.fail(kDGFile.key, fmt::format("cannot read {}", path));
    ParamSet file;
    try {
      file = read_param_file(path);
    } catch (const InputError&) {
      throw;  // malformed content: its own file, line and key
    } catch (const Error& e) {
      s.fail(kDGFile.key, e.what());
    }
    const FittedParameter* p = file.find(name);
    if (!p) {
      std::string names;
      for (const auto& q : file.parameters) names += (names.empty() ? "" : ", ") + q.name;
      s.fail(kDGParameter.key,
             fmt::format("{} has no parameter '{}' (it has: {})", path, name, names));
    }
    if (p->kind != K::entropy)
      s.fail(kDGParameter.key, fmt::format("{}: parameter '{}' is of kind {}, not entropy (dG/dT)",
                                           path, name, units::name_of(p->kind)));
    dG_.value = convert(p->value, K::entropy, file.units, s.units());
    dG_.sd = convert(p->uncertainty, K::entropy, file.units, s.units());
    dG_source_ = fmt::format("dG/dT = {} of {}", name, path);
  }

  double kB_, T_ = 0, M1_ = 0, M2_ = 0;
  std::string solute_, solvent_, measured_;
  std::map<std::string, SourceLocation> where_;  ///< where each parameter name was given
  Estimate dG_;
  std::string dG_source_;  ///< where dG/dT came from (for the parameter's provenance)
  bool eastman_ = false, prigogine_ = true;
};

std::unique_ptr<FitTask> create(InputSection& s) { return std::make_unique<SoretModels>(s); }
FitTaskFactory::Registrar reg(
    "soret_models",
    "Equilibrium Soret models evaluated from the activation energies of earlier `arrhenius` "
    "fits and set beside a measured S_T: Prigogine (E_a^solute - E_a^solvent)/(kB T^2) and its "
    "mass-corrected form (when the activation energies are given) and, with `dG_dT` (or "
    "`dG_dT_file`, the free-energy parameter file "
    "of `thermodrift md` type solvation_free_energy), Eastman (dG/dT)/(kB T). Writes "
    "S_T_prigogine_<name>, S_T_mass_corrected_<name> and S_T_eastman_<name>.",
    &create,
    {&kName, &kTemperature, &kSolute, &kSolvent, &kMeasured, &kSoluteMass, &kSolventMass, &kDG,
     &kDGsd, &kDGFile, &kDGParameter});
}  // namespace

}  // namespace td::fit
