#pragma once
/// @file Column.h  The column model of docs/theory.md#surface-flux (this project's formulation;
/// see docs/column.md): a crystalline column of length L and radius R between a hot end (x = 0,
/// T_h) and a cold contact (x = L). Atoms leave the core at the hot end, travel along a mobile
/// surface layer of thickness delta_s driven by the thermo-mechanical flux (surface_flux_K.h),
/// and insert at the cold interface, where they build a compressive back stress sigma_c that
/// pushes the core towards the hot end at speed v (a response law) up to the column's
/// strength (a cap). This header holds the parameters and the temperature profile; the
/// discretised DAE and its integration are in column/ColumnDae.h.
#include <memory>
#include <string>
#include <vector>

#include "core/Input.h"
#include "models/CoreResponse.h"
#include "models/Material.h"

namespace td {

/// All values SI.
struct ColumnParams {
  Material material;
  double length = 0.0;                ///< L (m)
  double radius = 0.0;                ///< R (m)
  double T_hot = 0.0;                 ///< hot reservoir (K)
  double T_cold = 0.0;                ///< cold reservoir beyond the contact layer (K)
  double layer_thickness = 0.0;       ///< resistive layer at the cold contact (m), 0 for none
  double layer_conductivity = 1.0;    ///< its thermal conductivity (W/(m K))
  double equilibrium_fraction = 1.0;  ///< C_s Omega of the layer in equilibrium with a crystal
  double plastic_exponent = 40.0;     ///< rate exponent m of the regularised strength cap
  std::shared_ptr<const CoreResponse> response;
  std::shared_ptr<const StrengthCap> cap;

  /// Temperature at the column's cold end (contact), from steady conduction through the
  /// column and the contact layer in series (K).
  double T_interface() const;
  /// Linear steady conduction profile along the column, x in [0, L] (K).
  double temperature(double x) const;
  ColumnGeometry geometry() const { return {length, radius, material.youngs_modulus}; }
};

/// Read [column] (with [column.response] and [column.strength]) and [material] from the
/// document root; calls finish() on each table it reads.
ColumnParams read_column(InputSection& root);
}  // namespace td
