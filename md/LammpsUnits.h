#pragma once
/// @file LammpsUnits.h  The LAMMPS unit styles of the md module live in io/LammpsUnits.h, where
/// the fits of LAMMPS output (below md) can read them too.
#include "io/LammpsUnits.h"
