#pragma once
/// @file Units.h  The one unit module: SI and Lennard-Jones reduced units.
///
/// Every quantity has a dimension (exponents of length, mass, time, temperature). A
/// UnitSystem maps a dimension to the SI value of its unit: SI has factor 1; an LJ system
/// with (sigma, epsilon, m) has length sigma, mass m, time tau = sigma sqrt(m/epsilon),
/// temperature epsilon/k_B, hence energy epsilon, pressure epsilon/sigma^3 and so on.
/// Conversions are computed from these, never tabulated.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace td::units {

/// CODATA 2018 exact SI constants.
inline constexpr double kBoltzmann = 1.380649e-23;       ///< J/K
inline constexpr double kAvogadro = 6.02214076e23;       ///< 1/mol
inline constexpr double kElementaryCharge = 1.602176634e-19;  ///< C (J per eV)
inline constexpr double kAtomicMassUnit = 1.66053906660e-27;  ///< kg

/// Physical dimension as integer exponents of length L, mass M, time T, temperature K.
struct Dim {
  int L = 0, M = 0, T = 0, K = 0;
  friend bool operator==(const Dim&, const Dim&) = default;
  Dim operator*(const Dim& o) const { return {L + o.L, M + o.M, T + o.T, K + o.K}; }
  Dim operator/(const Dim& o) const { return {L - o.L, M - o.M, T - o.T, K - o.K}; }
  Dim pow(int p) const { return {L * p, M * p, T * p, K * p}; }
};

/// Named kinds of quantity used by parameters and by `thermodrift units`.
enum class Kind {
  dimensionless,
  length,
  mass,
  time,
  temperature,
  temperature_gradient,   ///< K/m
  energy,                 ///< J
  diffusivity,            ///< m^2/s
  pressure,               ///< Pa (also stress)
  inverse_temperature,    ///< 1/K (Soret coefficient)
  velocity,               ///< m/s
  frequency,              ///< 1/s
  number_density,         ///< 1/m^3 (concentration)
  area_density,           ///< 1/m^2
  friction,               ///< kg/s
  force,                  ///< N
  volume,                 ///< m^3
  area,                   ///< m^2
  heat_flux,              ///< W/m^2
  power,                  ///< W
  thermal_conductivity,   ///< W/(m K)
  mass_density,           ///< kg/m^3
  specific_heat,          ///< J/(kg K)
  mass_transfer_coefficient,  ///< m/s (Robin boundary coefficient)
  particle_flux,          ///< 1/(m^2 s)
  entropy,                ///< J/K (free energies G = H - T S of internal states)
  power_density,          ///< W/m^3 (heat sources)
  heat_transfer_coefficient,  ///< W/(m^2 K) (Robin boundaries of heat conduction)
  volumetric_heat_capacity,   ///< J/(m^3 K) (rho c_p)
  drag_coefficient,       ///< Pa s/m (stress per speed: interface friction)
};

/// Dimension of a kind.
Dim dim_of(Kind k);
/// Canonical name of a kind ("temperature_gradient").
std::string_view name_of(Kind k);
/// Kind from its name; nullopt if unknown.
std::optional<Kind> kind_from_name(std::string_view name);
/// All kinds, in declaration order.
std::vector<Kind> all_kinds();

/// Lennard-Jones parameter set (stored in SI).
struct LJParameters {
  double sigma = 1.0;    ///< m
  double epsilon = 1.0;  ///< J
  double mass = 1.0;     ///< kg
  std::string name;      ///< preset name or "custom"

  /// tau = sigma sqrt(m / epsilon) in s.
  double tau() const;
};

/// Named LJ presets: "copper" (Roux and Combe (2023): 0.2338 nm, 0.4057 eV, 105.49e-27 kg) and
/// "argon" (Araujo-Rocha et al. (2023): 3.405 Angstrom, 0.2381 kcal/mol, 39.94 u). Nullopt if
/// unknown.
std::optional<LJParameters> lj_preset(std::string_view name);
std::vector<std::string> lj_preset_names();

/// A system of units in which the numbers of a case are expressed.
class UnitSystem {
 public:
  /// SI units (k_B = 1.380649e-23 J/K).
  static UnitSystem si();
  /// LJ reduced units for the given parameters (k_B = 1).
  static UnitSystem lj(const LJParameters& p);

  bool is_reduced() const { return reduced_; }
  const LJParameters& lj_parameters() const { return lj_; }
  /// "SI" or "LJ(name)".
  std::string name() const;

  /// SI value of one unit of dimension @p d in this system.
  double scale(Dim d) const;
  double to_si(double v, Dim d) const { return v * scale(d); }
  double from_si(double v, Dim d) const { return v / scale(d); }
  /// Boltzmann's constant in this system (energy per temperature): k_B in SI, 1 in LJ.
  double kB() const;
  /// Human-readable unit of a dimension in this system, e.g. "m^2/s" or "sigma^2/tau".
  std::string label(Dim d) const;

 private:
  bool reduced_ = false;
  LJParameters lj_;
};

/// What a result file records of its unit system beside its name: for LJ units the parameter
/// set in SI, (lj_sigma_m, lj_epsilon_J, lj_mass_kg, lj_tau_s), so that a reader can convert
/// without knowing the preset; empty for SI.
std::vector<std::pair<std::string, double>> unit_attributes(const UnitSystem& u);

/// A quantity parsed from text such as "0.09 eV", "76.5 K/nm", "3.405 Angstrom".
struct Quantity {
  double value = 0.0;  ///< value in SI (not "si_value": glibc defines that as a macro)
  Dim dim;                ///< its dimension
};

/// Parse a unit expression ("m^2/s", "K/nm", "kcal/mol", "1/K", "eV") into the SI value of
/// one such unit and its dimension. Throws td::Error naming the offending token.
Quantity parse_unit(std::string_view unit);
/// Parse "<number> <unit>" (the unit may be empty: dimensionless). Throws td::Error.
Quantity parse_quantity(std::string_view text);
/// Parse a quantity that must have dimension @p expected and return it in system @p sys.
/// Throws td::Error if the dimension does not match.
double parse_in(std::string_view text, Dim expected, const UnitSystem& sys);

}  // namespace td::units
