#include "models/Material.h"

#include "core/Paths.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/KeyRegistry.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;

/// One material constant: its declaration and where it lives in Material.
struct Field {
  const char* key;
  K kind;
  Range range;
  const char* doc;
  double Material::*member;
};

const std::vector<Field> kFields{
    {"atomic_volume", K::volume, Range::positive(), "atomic volume Omega",
     &Material::atomic_volume},
    {"heat_of_transport", K::energy, Range::any(), "heat of transport Q of surface atoms",
     &Material::heat_of_transport},
    {"Ds_prefactor", K::diffusivity, Range::positive(),
     "surface self-diffusion prefactor D_s0 (D_s = D_s0 exp(-E_a/kB T))", &Material::Ds_prefactor},
    {"Ds_activation_energy", K::energy, Range::non_negative(), "surface self-diffusion barrier E_a",
     &Material::Ds_activation},
    {"layer_thickness", K::length, Range::positive(), "thickness delta_s of the mobile layer",
     &Material::layer_thickness},
    {"youngs_modulus", K::pressure, Range::positive(), "Young's modulus E of the column",
     &Material::youngs_modulus},
    {"strength", K::pressure, Range::positive(), "yield strength at strength_diameter",
     &Material::strength},
    {"strength_diameter", K::length, Range::positive(),
     "column diameter at which `strength` was measured", &Material::strength_diameter},
    {"strength_size_exponent", K::dimensionless, Range::non_negative(),
     "size exponent n of sigma_y ~ d^-n (smaller is stronger)", &Material::strength_exponent},
    {"thermal_conductivity", K::thermal_conductivity, Range::positive(),
     "thermal conductivity of the column (size-dependent)", &Material::thermal_conductivity},
};

/// The spec of each field, in the order of kFields; required unless a preset gives it.
std::vector<ParamSpec> specs_of(const std::vector<Field>& fields) {
  std::vector<ParamSpec> out;
  for (const auto& f : fields) out.push_back({f.key, T::Real, "", f.kind, f.range, {}, f.doc});
  return out;
}
const std::vector<ParamSpec> kFieldSpecs = specs_of(kFields);

std::vector<std::string> preset_choices() {
  std::vector<std::string> c = material_preset_names();
  c.push_back("");
  return c;
}
const ParamSpec kPreset{"preset",
                        T::String,
                        "\"\"",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "preset file data/materials/<preset>.toml (\"\": none); every value "
                        "given here overrides it",
                        {},
                        &preset_choices};
const ParamSpec kName{"name",
                      T::String,
                      "\"\"",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "material name (preset files only)"};

std::vector<const ParamSpec*> material_keys() {
  std::vector<const ParamSpec*> out{&kPreset, &kName};
  for (const auto& p : kFieldSpecs) out.push_back(&p);
  return out;
}
const KeyDeclaration kMaterialKeys(
    {"material", "", "column backstress",
     "Material constants of a column (always SI), taken from a preset file of data/materials "
     "(`thermodrift backstress -m NAME`) and overridden key by key; a key that no preset "
     "gives is required.",
     material_keys()});

/// Values of preset @p name as SI literals (empty string where the preset lacks a key).
std::vector<std::string> preset_literals(const std::string& name) {
  const std::string path = material_data_dir() + "/" + name + ".toml";
  auto doc = InputSection::parse_file(path);
  doc.set_units(units::UnitSystem::si());
  auto m = doc.section("material");
  m.string(kName);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kFields.size(); ++i)
    out.push_back(m.has(kFields[i].key) ? fmt::format("{:.17g}", m.real(kFieldSpecs[i])) : "");
  m.finish();
  doc.finish();
  return out;
}

}  // namespace

double Material::surface_diffusivity(double Tk) const {
  return Ds_prefactor * std::exp(-Ds_activation / (units::kBoltzmann * Tk));
}

std::string material_data_dir() { return data_dir() + "/materials"; }

std::vector<std::string> material_preset_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(material_data_dir(), ec))
    if (e.path().extension() == ".toml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

Material read_material(InputSection& s) {
  const std::string preset = s.string(kPreset);
  std::vector<std::string> defaults(kFields.size());
  if (!preset.empty()) {
    try {
      defaults = preset_literals(preset);
    } catch (const Error& e) {
      s.fail("preset", fmt::format("cannot read preset '{}': {}", preset, e.what()));
    }
  }
  Material m;
  m.name = preset.empty() ? "custom" : preset;
  for (std::size_t i = 0; i < kFields.size(); ++i)
    m.*(kFields[i].member) = s.real(kFieldSpecs[i], defaults[i]);
  s.finish();
  return m;
}

Material material_preset(const std::string& name) {
  auto doc =
      InputSection::parse_string(fmt::format("[material]\npreset = \"{}\"\n", name), "<preset>");
  doc.set_units(units::UnitSystem::si());
  auto s = doc.section("material");
  try {
    return read_material(s);
  } catch (const InputError& e) {
    // the name came from a command-line option, not from a file: say so, without the
    // made-up document's location
    throw Error(fmt::format("--material {}: {}", name, e.bare()));
  }
}

}  // namespace td
