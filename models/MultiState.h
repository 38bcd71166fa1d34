#pragma once
/// @file MultiState.h  Molecules with internal states (docs/theory.md#multistate): state free
/// energies G_i(T) = H_i - T S_i, state diffusivities D_i(T), the local-equilibrium populations and
/// the emergent Soret coefficient in its derivative and covariance forms.
#include <memory>
#include <string>
#include <vector>

#include "core/Input.h"
#include "models/Reactions.h"
#include "models/TemperatureLaw.h"

namespace td {

/// The internal states of one species.
struct StateSet {
  std::string species;                  ///< name of the species the states belong to
  std::vector<std::string> names;       ///< state names
  std::vector<double> H;                ///< state energies (energy)
  std::vector<double> S;                ///< state entropies (energy/temperature), default 0
  std::vector<std::shared_ptr<const TemperatureLaw>> D;    ///< diffusivities (length^2/time)
  std::vector<std::shared_ptr<const TemperatureLaw>> S_T;  ///< explicit Soret coefficients
  double kB = 1.0;                      ///< Boltzmann constant of the case's units

  int size() const { return static_cast<int>(names.size()); }
  /// Equilibrium populations pi_i(T) = exp(-G_i/(kB T)) / Z.
  std::vector<double> populations(double T) const;
  double population(int i, double T) const { return populations(T)[i]; }
};

/// Local-equilibrium transport of a set of states at one temperature.
struct SoretAnalysis {
  double T = 0.0;
  double mean_D = 0.0;       ///< <D>_eq (length^2/time)
  double S_T = 0.0;          ///< d ln <D>_eq / dT (1/temperature), by differentiation
  double S_T_cov = 0.0;      ///< <D'>/<D> + Cov_eq(H, D)/(<D> kB T^2), the covariance form
  double S_T_0 = 0.0;        ///< <D'>/<D>: 1/T for Einstein diffusivities
  double S_T_ch = 0.0;       ///< Cov_eq(H, D)/(<D> kB T^2): the "chemical" part
  double mean_E = 0.0;       ///< <H>_eq (energy)
};

/// Evaluate the local-equilibrium Soret coefficient of @p st at temperature @p T. S_T is
/// obtained by a Richardson-extrapolated central difference of ln <D>_eq, independently of
/// the analytic covariance form, so the two check each other.
SoretAnalysis analyse_soret(const StateSet& st, double T);

/// Soret coefficient of the total P at local equilibrium (c_i = P pi_i) for the flux
/// J_i = -D_i grad c_i - c_i (alpha D_i' + D_i S_T,i) grad T of every state:
/// S_T = sum_i [D_i pi_i' + pi_i (alpha D_i' + D_i S_T,i)] / <D>_eq. With alpha = 1 and no
/// explicit S_T,i this is d ln <D>_eq / dT.
double local_equilibrium_soret(const StateSet& st, double alpha, double T);

/// Read the [[states]] of a species table; @p explicit_soret reads an optional [soret] law
/// per state (Fick + Soret flux form).
StateSet read_states(InputSection& species, const std::string& species_name, double kB);

/// Read the [[transitions]] of a species table as reactions between its states, whose
/// components are @p first + i. A transition gives either a symmetric `barrier` B and a
/// `prefactor` nu (k_{a->b} = nu exp(-(B - G_a)/(kB T))) or a forward [rate] law; the reverse
/// rate always follows from detailed balance with the state free energies.
std::vector<Reaction> read_transitions(InputSection& species, const StateSet& st, int first,
                                       double Tlo, double Thi);

}  // namespace td
