#pragma once
/// @file UnitsInput.h  The [units] table of every input file: system = "SI" | "LJ", and for LJ a
/// preset parameter set or "custom" with sigma, epsilon and mass.
#include "core/Input.h"
#include "core/Units.h"

namespace td {

/// Read [units] (optional; SI when absent), set the document's unit system so that every later
/// number is read in it, and return it. Shared by every input reader.
units::UnitSystem read_units(InputSection& root);

}  // namespace td
