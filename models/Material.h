#pragma once
/// @file Material.h  Material constants of the thermo-mechanical surface flux and of the column
/// (Yang et al. 2026; docs/theory.md#surface-flux), from a preset file
/// `data/materials/<name>.toml` (each value with its source written next to it) with any value
/// overridden in the input's [material] table.
#include <string>
#include <vector>

#include "core/Input.h"

namespace td {

/// All values SI.
struct Material {
  std::string name;                   ///< preset name ("Cu") or "custom"
  double atomic_volume = 0.0;         ///< Omega (m^3)
  double heat_of_transport = 0.0;     ///< Q (J)
  double Ds_prefactor = 0.0;          ///< surface self-diffusion D_s0 (m^2/s)
  double Ds_activation = 0.0;         ///< surface self-diffusion barrier (J)
  double layer_thickness = 0.0;       ///< delta_s, thickness of the mobile layer (m)
  double youngs_modulus = 0.0;        ///< E (Pa)
  double strength = 0.0;              ///< yield strength at strength_diameter (Pa)
  double strength_diameter = 0.0;     ///< size at which `strength` holds (m)
  double strength_exponent = 0.0;     ///< sigma_y ~ d^(-exponent) ("smaller is stronger")
  double thermal_conductivity = 0.0;  ///< of the column (W/(m K))

  /// D_s(T) = D_s0 exp(-E_a / (kB T)) (m^2/s).
  double surface_diffusivity(double T) const;
};

/// Directory of the preset files: $THERMODRIFT_DATA/materials if set, else the source tree's
/// data/materials.
std::string material_data_dir();
/// Names of the available presets (file stems), sorted.
std::vector<std::string> material_preset_names();

/// Read [material]: key `preset` (a file in material_data_dir(); empty for none) and every
/// constant, whose default is the preset's value. Calls finish().
Material read_material(InputSection& s);

/// The preset @p name with no overrides. Throws td::Error if unknown.
Material material_preset(const std::string& name);

}  // namespace td
