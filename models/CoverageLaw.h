#pragma once
/// @file CoverageLaw.h  The collective diffusivity of a dense adsorbate as a function of the
/// local coverage and temperature, D_c(theta, T) (length^2/time), and the thermodynamics of
/// its lattice (docs/theory.md#lattice-gas): what the finite-volume coverage system
/// (fv/CoverageSystem.h) needs per cell. Laws are selected by `type = "..."` in their table
/// and registered by name (CoverageLawFactory); "variational" tabulates the variational
/// bound of models/LatticeGasVariational.h from a lattice file.
#include <memory>
#include <string>
#include <vector>

#include "core/Factory.h"
#include "core/Input.h"
#include "models/LatticeGas.h"
#include "models/coverage_K.h"

namespace td {

/// D_c(theta, T): theta the coverage (occupied sites per site, dimensionless), T in the
/// temperature unit of the case.
class CoverageLaw {
 public:
  virtual ~CoverageLaw() = default;
  /// D_c (length^2/time).
  virtual double value(double theta, double T) const = 0;
  /// dD_c/dtheta at fixed T (length^2/time).
  virtual double d_theta(double theta, double T) const = 0;
  /// dD_c/dT at fixed theta (length^2/(time temperature)).
  virtual double d_T(double theta, double T) const = 0;
  virtual std::string type() const = 0;
  /// File, line and key of the law's table (empty for a law built in code).
  const SourceLocation& origin() const { return origin_; }
  void set_origin(SourceLocation where) { origin_ = std::move(where); }

 private:
  SourceLocation origin_;
};

/// Creators receive the law's table and kB of the case (energy/temperature).
using CoverageLawFactory = Factory<CoverageLaw, InputSection&, double>;

/// Read a law from table @p s (key `type`, default "variational").
std::unique_ptr<CoverageLaw> make_coverage_law(InputSection& s, double kB);

/// D_c = @p D (length^2/time) at every coverage and temperature.
std::unique_ptr<CoverageLaw> constant_coverage_law(double D);

/// The variational D_c of @p spec (models/LatticeGasVariational.h), component @p axis
/// (0: xx, 1: yy) of the tensor, tabulated at @p coverages (increasing, in (0, 1), at least
/// 4) and @p temperatures (increasing, at least 2). Between coverages ln D_c is a monotone
/// piecewise cubic (PCHIP, continuous first derivative; constant beyond the first and last
/// coverage); between temperatures ln D_c is linear in 1/T (Arrhenius between nodes). A
/// temperature outside the table is an error at the law's origin().
std::unique_ptr<CoverageLaw> variational_coverage_law(const LatticeSpec& spec,
                                                      std::vector<double> coverages,
                                                      std::vector<double> temperatures, int axis);

/// The default coverages of the variational table: 48 points in [1e-4, 1 - 1e-4], dense near
/// both ends (Chebyshev-Lobatto nodes).
std::vector<double> default_table_coverages();

/// Thermodynamics of the site-exclusion lattice gas with site energies E_A in a temperature
/// field: the Fermi occupancies of one cell at the chemical potential of a coverage, and
/// lambda = mu/(kB T) + Phi_0(T) with the site potential Phi_0 = -Q/(kB T) of the hop-rate
/// kernel (kernels::adatom_site_potential): uniform lambda is the stationary state of the lattice
/// gas whose hops use kernels::adatom_hop_rate.
class CoverageThermo {
 public:
  /// @p site_energies E_A (energy) of the sites of one cell, @p Q heat of transport of a site of
  /// zero energy (energy), @p kB (energy/temperature).
  CoverageThermo(std::vector<double> site_energies, double Q, double kB);
  /// The cell state of the coverage flux (models/coverage_K.h) at coverage @p theta in (0, 1)
  /// and temperature @p T, with D_c from @p law.
  kernels::CoverageCell cell(double theta, double T, const CoverageLaw& law) const;
  /// lambda at (@p theta, @p T) (dimensionless).
  double lambda(double theta, double T) const;
  /// The coverage with lambda = @p lambda at temperature @p T (the local-equilibrium profile).
  double coverage(double lambda, double T) const;
  double Q() const { return Q_; }
  double kB() const { return kB_; }

 private:
  /// mu/(kB T) at coverage theta: Newton on the mean Fermi occupancy.
  double reduced_mu(double theta, double T) const;
  std::vector<double> E_;
  double Q_ = 0.0, kB_ = 1.0;
};

}  // namespace td
