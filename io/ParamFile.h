#pragma once
/// @file ParamFile.h  The transport-parameter file: what `thermodrift fit` writes and the
/// continuum models read (TemperatureLaw `type = "fitted"`). TOML, documented in docs/md.md:
///
///   format = "thermodrift-transport-parameters-1"
///   [units]                 the unit system of every value (as in a case file)
///   [provenance]            tool, version, fit input, data files, date
///   [parameters.NAME]       value, uncertainty (1 sd, from the covariance), bootstrap_sd
///                           (optional), kind (units::Kind name), unit (label), method, source
///   [laws.NAME]             a temperature law built from parameters, e.g. type = "arrhenius",
///                           prefactor = "D0", activation_energy = "E_a"
///   [covariances.NAME]      parameters = [...], matrix = [[...], ...] (full covariance)
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/Units.h"

namespace td {

struct FittedParameter {
  std::string name;
  units::Kind kind = units::Kind::dimensionless;
  double value = 0.0;
  double uncertainty = 0.0;            ///< one standard deviation (covariance)
  std::optional<double> bootstrap_sd;  ///< resampling standard deviation, when computed
  std::string method;                  ///< how it was obtained (one line)
  std::string source;                  ///< data it came from
};

/// A temperature law assembled from fitted parameters (keys map law keys to parameter names).
struct FittedLaw {
  std::string name;
  std::string type;  ///< "arrhenius" (keys prefactor, activation_energy) or "constant" (value)
  std::vector<std::pair<std::string, std::string>> keys;
};

struct FittedCovariance {
  std::string name;
  std::vector<std::string> parameters;
  std::vector<std::vector<double>> matrix;
};

struct ParamSet {
  units::UnitSystem units = units::UnitSystem::si();
  std::vector<FittedParameter> parameters;
  std::vector<FittedLaw> laws;
  std::vector<FittedCovariance> covariances;
  std::vector<std::pair<std::string, std::string>> provenance;

  /// The parameter called @p name, or nullptr.
  const FittedParameter* find(const std::string& name) const;
  const FittedLaw* find_law(const std::string& name) const;
  /// Add or replace a parameter.
  void add(FittedParameter p);
};

/// TOML text of a parameter set.
std::string to_toml(const ParamSet& s);
/// Write atomically (temporary file, then rename): never a half-written file.
void write_param_file(const std::string& path, const ParamSet& s);
/// Read a parameter file; malformed content throws InputError (file, line, key).
ParamSet read_param_file(const std::string& path);

/// Convert @p v of kind @p k from system @p from to system @p to (through SI).
double convert(double v, units::Kind k, const units::UnitSystem& from, const units::UnitSystem& to);

}  // namespace td
