#pragma once
/// @file Adatom.h  Adatom thermomigration parameters (PHYSICS.md 4): heat of transport Q,
/// migration barrier E_m, lattice spacing a, attempt frequency nu. Rates in models/adatom_K.h.
#include <vector>

#include "core/Input.h"

namespace td {

struct AdatomParams {
  double Q = 0.0;    ///< heat of transport (energy)
  double Em = 0.0;   ///< migration barrier (energy)
  double a = 1.0;    ///< lattice spacing (length)
  double nu = 1.0;   ///< attempt frequency (1/time)
  double kB = 1.0;   ///< Boltzmann constant in the case's units (energy/temperature)
};

/// The declared keys of an [adatom] table.
const std::vector<ParamSpec>& adatom_parameters();

/// Read [adatom] (calls finish()).
AdatomParams read_adatom(InputSection& s, double kB);

}  // namespace td
