#pragma once
/// @file ColumnDae.h  The column model (models/Column.h) as a DAE integrated with SUNDIALS IDA
/// to the steady circulation.
///
/// Unknowns (scaled to O(1)): u_i = C_s,i Omega in N surface cells (differential), the back
/// stress s = sigma_c / sigma_ref (differential) and the core speed w = v / v_ref (algebraic).
///   du_i/dt = -(Omega / h) (j_{i+1/2} - j_{i-1/2})                 surface conservation
///   dsigma_c/dt = (E / L) (Omega Ndot_in / (pi R^2) - v)             elastic interface
///   0 = v - v_core(sigma_c) - v_0 (sigma_c / sigma_max)^m             response + cap
/// with Ndot_in = 2 pi R delta_s j_{N+1/2} the atoms per second inserted at the cold interface.
/// Ends: the layer is in equilibrium with the crystal (C_s Omega = theta) at x = 0 (stress 0)
/// and at x = L (stress sigma_c).
#include <vector>

#include "column/ColumnCase.h"
#include "core/Progress.h"

namespace td {

/// Steady (final) state and history of one column run. SI throughout.
struct ColumnResult {
  // profiles at cell centres
  std::vector<double> x, T, C, sigma;
  // face fluxes (atoms m^-2 s^-1, + towards the cold end) at the N+1 faces
  std::vector<double> x_face, j_thermal, j_stress, j_entropic, j_total;
  double T_interface = 0.0;  ///< K
  double gradient = 0.0;     ///< mean |dT/dx| along the column (K/m)
  double sigma_c = 0.0;      ///< back stress at the cold interface (Pa)
  double sigma_stall = 0.0;  ///< stall relation with T_h and T_interface (Pa)
  double sigma_max = 0.0;    ///< strength cap (Pa; inf for none)
  double speed = 0.0;        ///< core speed v (m/s)
  double speed_core = 0.0;   ///< part of v from the response law (m/s)
  double rate_out = 0.0;     ///< atoms/s leaving the hot end into the layer
  double rate_in = 0.0;      ///< atoms/s inserted at the cold interface
  double rate_core = 0.0;    ///< pi R^2 v / Omega (atoms/s carried back by the core)
  double time = 0.0;         ///< final time (s)
  double free_speed = 0.0;   ///< v_ref: speed at zero back stress, uniform layer (m/s)
  long steps = 0;            ///< IDA steps
  /// Largest mismatch of rate_out, rate_in and rate_core relative to the largest of them and of
  /// the stress-free column's circulation pi R^2 free_speed / Omega: 0 at a steady circulation.
  double steady_residual = 0.0;
  // history
  std::vector<double> t_hist, sigma_hist, v_hist, in_hist, out_hist;
};

/// Integrate from a stress-free column with a uniform layer (C_s Omega = theta) to
/// @p num.t_end. Throws SolverError naming the IDA call, its flag, time and step count.
/// Reports each output time to @p progress when given.
ColumnResult run_column(const ColumnParams& p, const ColumnNumerics& num,
                        Progress* progress = nullptr);

}  // namespace td
