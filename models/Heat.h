#pragma once
/// @file Heat.h  Heat conduction rho c_p dT/dt = div(kappa(T) grad T) + q (docs/theory.md#heat):
/// material laws, source and the boundary conditions of each face of the box.
#include <array>
#include <memory>

#include "core/Input.h"
#include "models/TemperatureLaw.h"

namespace td {

class Mesh;

struct HeatBoundary {
  enum class Type { insulated, temperature, flux, robin, periodic };
  Type type = Type::insulated;
  double value = 0.0;  ///< fixed temperature, inward heat flux density, or exterior T
  double h = 0.0;      ///< heat transfer coefficient (robin): outward flux h (T - T_ext)
};

struct HeatModel {
  std::shared_ptr<const TemperatureLaw> kappa;  ///< thermal conductivity kappa(T)
  double rho_cp = 1.0;                          ///< volumetric heat capacity (energy/(volume K))
  double q = 0.0;                               ///< heat source (power/volume)
  std::array<HeatBoundary, 6> bc;               ///< xlo, xhi, ylo, yhi, zlo, zhi
  SourceLocation rho_cp_origin;                 ///< where heat_capacity was given
  int fixed_faces = 0;                          ///< temperature and Robin faces
  double fixed_mean = 0.0;                      ///< mean of their temperatures

  /// Temperature of a boundary face seen from its cell at T_P, half-cell distance @p d
  /// (temperature faces: the value; Robin: the flux balance; flux: K(T_b) - K(T_P) = g d;
  /// insulated: T_P).
  double face_temperature(const HeatBoundary& b, double TP, double d) const;
};

/// Read conductivity, heat_capacity (when @p with_capacity), source and boundary.<face>
/// from @p s; faces of periodic axes take no condition.
HeatModel read_heat(InputSection& s, const Mesh& mesh, bool with_capacity);

/// Check the conductivity of @p hm finite and positive over [@p Tlo, @p Thi] (a case's
/// temperature range, K or the case's temperature unit); InputError at the law's table.
void check_heat_laws(const HeatModel& hm, double Tlo, double Thi);

/// Check that the fastest rate of the transient heat equation on @p mesh,
/// max kappa(T) / (rho c_p h_min^2) over [@p Tlo, @p Thi] (1/time), is a finite number: a heat
/// capacity so small that it is not (e.g. 1e-308) makes the first right-hand side infinite.
/// InputError at heat_capacity.
void check_heat_time_scale(const HeatModel& hm, const Mesh& mesh, double Tlo, double Thi);

/// Keys of read_heat, for the declarations of the tables that use it ([heat], conduction).
namespace heat_keys {
extern const ParamSpec heat_capacity;  ///< volumetric_heat_capacity, required
extern const ParamSpec source;         ///< power_density, default 0
}  // namespace heat_keys

}  // namespace td
