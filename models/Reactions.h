#pragma once
/// @file Reactions.h  Mass-action reaction networks with detailed balance by construction:
/// internal-state transitions of multi-state species (docs/theory.md#multistate) and general
/// reactions such as dimerization 2 A <=> A2 (docs/theory.md#reactions).
///
/// Every reaction has a forward rate constant k_f(T) and an equilibrium constant
/// K(T) = K0 exp(-Delta E / (k_B T)); the reverse constant is k_r = k_f / K, so no input can
/// break detailed balance. Units: k_f in concentration^(1 - order)/time, K in
/// concentration^(-Delta n) (Delta n = product minus reactant molecularity), both in the unit
/// system of the case; Delta E is an energy.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/Input.h"
#include "models/TemperatureLaw.h"
#include "models/reaction_K.h"

namespace td {

struct Reaction {
  std::string text;  ///< the equation as written, for messages
  std::vector<kernels::StoichTerm> reactants, products;
  std::shared_ptr<const TemperatureLaw> kf;  ///< forward rate constant k_f(T)
  double K0 = 1.0;                           ///< equilibrium-constant prefactor
  double dE = 0.0;                           ///< reaction energy Delta E (energy)
  double kB = 1.0;                           ///< Boltzmann constant of the case's units

  /// Equilibrium constant K(T).
  double K(double T) const { return K0 * std::exp(-dE / (kB * T)); }
  /// Molecularity of the forward direction.
  int order() const;
};

/// The reactions among the components (transported fields) of a case.
class ReactionNetwork {
 public:
  ReactionNetwork(std::vector<std::string> component_names, std::vector<Reaction> reactions);

  int ncomponents() const { return static_cast<int>(names_.size()); }
  int nreactions() const { return static_cast<int>(rx_.size()); }
  const std::vector<Reaction>& reactions() const { return rx_; }
  bool empty() const { return rx_.empty(); }

  /// (k_f, k_r) of every reaction at temperature @p T, written to @p kfkr (2 per reaction).
  /// Throws td::Error if a constant is negative or not finite, naming reaction and T.
  void constants(double T, double* kfkr) const;
  /// Production w_s (concentration/time) at concentrations @p c; with @p jac (row-major
  /// ncomp x ncomp, accumulated, may be null) also dw_s/dc_j.
  void production(const double* kfkr, const double* c, double* w, double* jac) const;

  /// Net stoichiometric matrix N (ncomp x nreactions).
  Eigen::MatrixXd stoichiometry() const;
  /// Basis (rows) of the conserved linear combinations sum_s W_ks c_s that no reaction
  /// changes and to which no open component contributes (open[s]: Dirichlet/Robin faces).
  Eigen::MatrixXd conserved(const std::vector<bool>& open) const;

 private:
  std::vector<std::string> names_;
  std::vector<Reaction> rx_;
};

/// Parse "2 A + B <=> A2B" against the component names; throws td::Error on unknown species,
/// bad coefficients or a missing "<=>".
void parse_equation(const std::string& eq, const std::vector<std::string>& names, Reaction& r);

/// Elementary content of a component, e.g. {A: 2} for a dimer A2 (checks mass balance).
using Composition = std::map<std::string, int>;
/// Parse "2 A + B" into a composition; throws td::Error on a malformed term.
Composition parse_composition(const std::string& text);

/// Read one [[reactions]] table: equation, [rate] (a temperature law for k_f), K0, delta_E.
/// Errors point into the input (unknown species, unbalanced composition, negative rates).
/// @p compositions is indexed like @p names.
/// The constants are checked (positive, finite) over the case's temperature range [Tlo, Thi].
Reaction read_reaction(InputSection& s, const std::vector<std::string>& names,
                       const std::vector<Composition>& compositions, double kB, double Tlo,
                       double Thi);

}  // namespace td
