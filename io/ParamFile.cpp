#include "io/ParamFile.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "core/Error.h"
#include "core/Input.h"
#include "core/KeyRegistry.h"
#include "core/UnitsInput.h"
#include "io/TextFile.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
constexpr const char* kFormat = "thermodrift-transport-parameters-1";

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string num(double v) { return fmt::format("{:.17g}", v); }

std::vector<std::string> kind_names() {
  std::vector<std::string> out;
  for (K k : units::all_kinds()) out.emplace_back(units::name_of(k));
  return out;
}

const ParamSpec kFormatKey{"format",  T::String,        "", K::dimensionless, Range::any(),
                           {kFormat}, "file format tag"};
ParamSpec text_spec(const char* key, const char* dflt, const char* doc) {
  return {key, T::String, dflt, K::dimensionless, Range::any(), {}, doc};
}
const ParamSpec kProvenance[5] = {
    text_spec("tool", "", "program that wrote the file"), text_spec("version", "", "its version"),
    text_spec("input", "", "its input file"), text_spec("created", "", "time of writing (UTC)"),
    text_spec("data", "", "data files read")};
const ParamSpec kKind{
    "kind", T::String,  "", K::dimensionless, Range::any(), {}, "kind of quantity (a unit kind)",
    {},     &kind_names};
const ParamSpec kValue{"value",
                       T::Real,
                       "",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "value (a number in the file's unit system)"};
const ParamSpec kUncertainty{
    "uncertainty",           T::Real, "", K::dimensionless, Range::non_negative(), {},
    "one standard deviation"};
const ParamSpec kBootstrapSd{"bootstrap_sd",
                             T::Real,
                             "",
                             K::dimensionless,
                             Range::non_negative(),
                             {},
                             "bootstrap standard deviation"};
const ParamSpec kText[3] = {text_spec("unit", "\"\"", "unit label (information only)"),
                            text_spec("method", "\"\"", "how the value was obtained"),
                            text_spec("source", "\"\"", "data it was obtained from")};
const ParamSpec kLawType{"type",
                         T::String,
                         "",
                         K::dimensionless,
                         Range::any(),
                         {"arrhenius", "constant"},
                         "law built from parameters"};
const ParamSpec kLawPrefactor = text_spec("prefactor", "", "parameter name of the prefactor");
const ParamSpec kLawActivation =
    text_spec("activation_energy", "", "parameter name of the activation energy");
const ParamSpec kLawValue = text_spec("value", "", "parameter name of the constant value");
const ParamSpec kCovParameters = text_spec("parameters", "", "comma-separated parameter names");
const ParamSpec kMatrix{"matrix", T::RealArray,          "", K::dimensionless, Range::any(),
                        {},       "row-major covariance"};

std::vector<const ParamSpec*> law_keys(const std::string& type) {
  if (type == "arrhenius") return {&kLawPrefactor, &kLawActivation};
  return {&kLawValue};
}

const KeyDeclaration kFileKeys(
    {"<parameter_file>",
     "",
     "fit run",
     "A transport-parameter file, written by `thermodrift fit` and read by `type = "
     "\"fitted\"` temperature laws: `[units]`, `format`, `[provenance]`, "
     "`[parameters.<name>]`, `[laws.<name>]` and `[covariances.<name>]`. Values are plain "
     "numbers in the file's unit system; a reader converts them into its case's units.",
     {&kFormatKey}});
const KeyDeclaration kProvenanceKeys({"<parameter_file>.provenance",
                                      "",
                                      "fit run",
                                      "Where the parameters come from.",
                                      {&kProvenance[0], &kProvenance[1], &kProvenance[2],
                                       &kProvenance[3], &kProvenance[4]}});
const KeyDeclaration kParameterKeys({"<parameter_file>.parameters.<name>",
                                     "",
                                     "fit run",
                                     "One fitted scalar.",
                                     {&kKind, &kValue, &kUncertainty, &kBootstrapSd, &kText[0],
                                      &kText[1], &kText[2]}});
const KeyDeclaration kLawKeys(
    {"<parameter_file>.laws.<name>",
     "",
     "fit run",
     "A temperature law built from fitted parameters (their names): `arrhenius` (prefactor, "
     "activation_energy) or `constant` (value).",
     {&kLawType, &kLawPrefactor, &kLawActivation, &kLawValue}});
const KeyDeclaration kCovarianceKeys({"<parameter_file>.covariances.<name>",
                                      "",
                                      "fit run",
                                      "Covariance matrix of parameters fitted together.",
                                      {&kCovParameters, &kMatrix}});
}  // namespace

const FittedParameter* ParamSet::find(const std::string& name) const {
  for (const auto& p : parameters)
    if (p.name == name) return &p;
  return nullptr;
}

const FittedLaw* ParamSet::find_law(const std::string& name) const {
  for (const auto& l : laws)
    if (l.name == name) return &l;
  return nullptr;
}

void ParamSet::add(FittedParameter p) {
  for (auto& q : parameters)
    if (q.name == p.name) {
      q = std::move(p);
      return;
    }
  parameters.push_back(std::move(p));
}

double convert(double v, units::Kind k, const units::UnitSystem& from,
               const units::UnitSystem& to) {
  const auto d = units::dim_of(k);
  return to.from_si(from.to_si(v, d), d);
}

std::string to_toml(const ParamSet& s) {
  std::string o =
      "# thermodrift transport-parameter file (see docs/md.md). Every value is in the\n"
      "# [units] system; uncertainty is one standard deviation.\n";
  o += fmt::format("format = {}\n\n[units]\n", quote(kFormat));
  if (!s.units.is_reduced()) {
    o += "system = \"SI\"\n";
  } else {
    const auto& lj = s.units.lj_parameters();
    o += "system = \"LJ\"\n";
    if (units::lj_preset(lj.name)) {
      o += fmt::format("lj = {}\n", quote(lj.name));
    } else {
      o += fmt::format("lj = \"custom\"\nsigma = \"{} m\"\nepsilon = \"{} J\"\nmass = \"{} kg\"\n",
                       num(lj.sigma), num(lj.epsilon), num(lj.mass));
    }
  }
  o += "\n[provenance]\n";
  for (const auto& [k, v] : s.provenance) o += fmt::format("{} = {}\n", k, quote(v));
  for (const auto& p : s.parameters) {
    o += fmt::format("\n[parameters.{}]\nvalue = {}\nuncertainty = {}\n", p.name, num(p.value),
                     num(p.uncertainty));
    if (p.bootstrap_sd) o += fmt::format("bootstrap_sd = {}\n", num(*p.bootstrap_sd));
    o += fmt::format("kind = {}\nunit = {}\nmethod = {}\nsource = {}\n",
                     quote(std::string(units::name_of(p.kind))),
                     quote(s.units.label(units::dim_of(p.kind))), quote(p.method), quote(p.source));
  }
  for (const auto& l : s.laws) {
    o += fmt::format("\n[laws.{}]\ntype = {}\n", l.name, quote(l.type));
    for (const auto& [k, v] : l.keys) o += fmt::format("{} = {}\n", k, quote(v));
  }
  for (const auto& c : s.covariances) {
    std::string names;
    for (const auto& n : c.parameters) names += (names.empty() ? "" : ", ") + n;
    o += fmt::format("\n[covariances.{}]\nparameters = {}\nmatrix = [", c.name, quote(names));
    bool first = true;
    for (const auto& row : c.matrix)
      for (double v : row) {
        o += (first ? "" : ", ") + num(v);
        first = false;
      }
    o += "]  # row-major\n";
  }
  return o;
}

void write_param_file(const std::string& path, const ParamSet& s) {
  // exclusive, checked and atomic like every other output
  write_text_file(path, to_toml(s));
}

ParamSet read_param_file(const std::string& path) {
  InputSection root = InputSection::parse_file(path);
  ParamSet s;
  s.units = read_units(root);
  root.string(kFormatKey);
  {
    InputSection pv = root.section("provenance", true);
    for (const ParamSpec& k : kProvenance)
      if (pv.has(k.key)) s.provenance.emplace_back(k.key, pv.string(k));
  }
  InputSection params = root.section("parameters", true);
  for (const auto& name : params.table_keys()) {
    InputSection p = params.section(name);
    FittedParameter f;
    f.name = name;
    const std::string kind = p.string(kKind);
    f.kind = *units::kind_from_name(kind);
    // values are plain numbers in the file's unit system
    f.value = p.real(kValue);
    f.uncertainty = p.real(kUncertainty);
    if (p.has("bootstrap_sd")) f.bootstrap_sd = p.real(kBootstrapSd);
    for (const ParamSpec& spec : kText) {
      const std::string v = p.string(spec);
      if (spec.key == "method") f.method = v;
      if (spec.key == "source") f.source = v;
    }
    p.finish();
    s.parameters.push_back(std::move(f));
  }
  InputSection laws = root.section("laws", true);
  for (const auto& name : laws.table_keys()) {
    InputSection l = laws.section(name);
    FittedLaw law;
    law.name = name;
    law.type = l.string(kLawType);
    for (const ParamSpec* k : law_keys(law.type)) {
      const std::string ref = l.string(*k);
      if (!s.find(ref)) l.fail(k->key, fmt::format("no [parameters.{}] in this file", ref));
      law.keys.emplace_back(k->key, ref);
    }
    l.finish();
    s.laws.push_back(std::move(law));
  }
  InputSection covs = root.section("covariances", true);
  for (const auto& name : covs.table_keys()) {
    InputSection c = covs.section(name);
    FittedCovariance cv;
    cv.name = name;
    const std::string names = c.string(kCovParameters);
    std::string cur;
    for (char ch : names + ",") {
      if (ch == ',') {
        if (!s.find(cur)) c.fail("parameters", fmt::format("no [parameters.{}] in this file", cur));
        cv.parameters.push_back(cur);
        cur.clear();
      } else if (ch != ' ') {
        cur += ch;
      }
    }
    const auto flat = c.reals(kMatrix);
    const std::size_t n = cv.parameters.size();
    if (n * n != flat.size())
      c.fail("matrix", fmt::format("expected {} x {} entries, got {}", n, n, flat.size()));
    cv.matrix.assign(n, std::vector<double>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) cv.matrix[i][j] = flat[i * n + j];
    c.finish();
    s.covariances.push_back(std::move(cv));
  }
  root.finish();
  return s;
}

}  // namespace td
