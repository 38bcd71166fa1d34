#pragma once
/// @file CoverageSystem.h  Finite-volume drift-diffusion of a dense adsorbate's coverage in a
/// prescribed temperature field (docs/theory.md#lattice-gas): the nonlinear flux
/// J = -D_c(theta, T) chi grad lambda with the heat of transport in lambda, discretised with the
/// exponentially fitted face flux of models/coverage_K.h, its analytic Jacobian, and PETSc TS
/// for relaxation (BDF, adaptive) and steady states (backward Euler with growing steps). Walls
/// of non-periodic axes are closed (no flux): the total amount is conserved.
#include <petscmat.h>
#include <petscvec.h>

#include <memory>

#include "mesh/Mesh.h"
#include "models/CoverageLaw.h"
#include "models/TemperatureField.h"

namespace td {

class CoverageSystem {
 public:
  /// @p mesh with one field per cell; @p law D_c(theta, T); @p thermo the lattice's
  /// thermodynamics with the heat of transport.
  CoverageSystem(const Mesh& mesh, std::shared_ptr<const TemperatureField> T,
                 std::shared_ptr<const CoverageLaw> law, CoverageThermo thermo);
  CoverageSystem(const CoverageSystem&) = delete;
  CoverageSystem& operator=(const CoverageSystem&) = delete;

  const Mesh& mesh() const { return mesh_; }
  const CoverageThermo& thermo() const { return thermo_; }
  /// New global vector of coverages (caller destroys).
  Vec create_state() const;
  /// New matrix with the mesh's stencil (caller destroys).
  Mat create_matrix() const;
  /// Net outflow of every cell, R_i = sum_faces J.n (coverage volume/time). Throws td::Error
  /// if a coverage is outside (0, 1).
  void residual(Vec theta, Vec R) const;
  /// J = @p shift V + dR/dtheta (analytic).
  void jacobian(Vec theta, Mat J, double shift) const;
  /// Whether every owned coverage of @p theta is inside (0, 1) (collective).
  bool admissible(Vec theta) const;
  /// Total amount sum_i V_i theta_i (coverage volume).
  double total(Vec theta) const;
  /// Scale of the face fluxes, max over cells of D_c theta area/h (coverage volume/time): the
  /// steady tolerance is relative to it.
  double flux_scale(Vec theta) const;
  /// Largest D_c / h^2 over the cells and axes (1/time): the fastest cell's diffusion rate.
  double fastest_rate(Vec theta) const;
  /// Vector of cell volumes (owned by the system).
  Vec volumes() const { return vol_; }
  /// Temperature at the centre of every cell (global vector; caller destroys).
  Vec cell_temperatures() const;

 private:
  /// Cell states over the ghosted local box of @p theta (row-major in the DMDA's ghost box).
  std::vector<kernels::CoverageCell> cells(Vec theta, bool& ok) const;
  template <class F>
  void for_faces(const std::vector<kernels::CoverageCell>& st, F&& f) const;

  const Mesh& mesh_;
  std::shared_ptr<const TemperatureField> T_;
  std::shared_ptr<const CoverageLaw> law_;
  CoverageThermo thermo_;
  Owned<Vec> vol_;
};

struct CoverageSolveOptions {
  double steady_rtol = 1e-11;  ///< steady: ||R||_inf <= steady_rtol * flux_scale
  int max_steps = 400;         ///< steps of the steady continuation
  double rtol = 1e-8;          ///< transient: TS relative tolerance
  double atol = 1e-12;         ///< transient: TS absolute tolerance (coverage)
};

struct CoverageSolveResult {
  int steps = 0;
  int newton_iterations = 0;
  double residual_inf = 0.0;  ///< final ||R||_inf (coverage volume/time)
};

/// Steady state of the closed system in place, keeping the total of @p theta: backward Euler
/// with steps growing by 2 from a tenth of the fastest cell's diffusion time until ||R||_inf
/// falls below the tolerance. Throws SolverError on failure.
CoverageSolveResult solve_coverage_steady(const CoverageSystem& sys, Vec theta,
                                          const CoverageSolveOptions& opt = {});

/// Integrate d(V theta)/dt = -R(theta) from @p t0 to @p t1 in place (TS BDF order 2, adaptive).
CoverageSolveResult advance_coverage(const CoverageSystem& sys, Vec theta, double t0, double t1,
                                     const CoverageSolveOptions& opt = {});

}  // namespace td
