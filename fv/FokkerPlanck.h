#pragma once
/// @file FokkerPlanck.h  The Fokker-Planck equation of a hopping adatom solved by the
/// finite-volume solver (docs/theory.md#adatom, #stochastic): the continuum counterpart of the KMC
/// walkers, on the walkers' own mesh (one cell per site) and temperature field.
#include <array>
#include <vector>

#include "models/Adatom.h"
#include "mesh/Mesh.h"
#include "models/Species.h"
#include "models/TemperatureField.h"

namespace td {

/// The adatom as a finite-volume species with flux J = -D p' - p D S_T T' (alpha = 0):
/// D = a^2 nu exp(-E_m/(kB T)) (length^2/time), S_T = Q/(kB T^2) (1/temperature). Its fitted
/// face fluxes reproduce the lattice's detailed-balance ratio exactly, so the steady state is
/// the lattice's stationary state; hop rates differ from the lattice's in relative order
/// (a Q T'/(kB T^2))^2. D and S_T are kernels::adatom_diffusivity and kernels::adatom_soret
/// (models/adatom_K.h), the kernels of the KMC hop rates.
Species adatom_fokker_planck_species(const AdatomParams& p);

/// Mean position <x>(t_k), <y>(t_k) (length) of the probability density that starts with all
/// its mass in cell @p start (i, j, k indices) at t = 0, on @p mesh (one cell per lattice
/// site) in the temperature field @p T, integrated by CVODE (TransientSolver) with relative
/// tolerance @p rtol. Collective on the mesh's communicator. Throws td::Error if an axis is
/// periodic (the mean of a wrapped density is not the walkers' unwrapped mean).
std::vector<std::array<double, 2>> fokker_planck_mean(
    const Mesh& mesh, std::shared_ptr<const TemperatureField> T, const AdatomParams& p,
    const std::array<int, 3>& start, const std::vector<double>& times, double rtol = 1e-8);

}  // namespace td
