#pragma once
/// @file ShortTimeMsd.h  Mean squared displacement MSD(t) of atom groups on log-spaced lags, from
/// the ballistic regime (a fraction of the LJ time tau) to the diffusive one, with LAMMPS's
/// `compute msd` (com no) and several independent time origins: a fresh compute per origin
/// (its reference positions are the positions when it is defined), the run advanced from lag
/// to lag with `run N pre no post no` and the compute read at each lag. Origins follow one
/// another (origin k + 1 starts where origin k ends), so they are independent samples and the
/// error of a mean over origins is sd/sqrt(origins). Used by `msd_short_time`
/// (docs/md.md, "Short-time motion").
#include <string>
#include <vector>

#include "md/Lammps.h"

namespace td::md {

/// Lags in time steps: 1 step and log-spaced lags `per_decade` per decade up to
/// @p max_steps (rounded to whole steps, duplicates removed), plus the @p extra steps (each in
/// [1, max_steps]); strictly increasing. Throws td::Error on max_steps < 1, per_decade < 1 or
/// an extra lag outside [1, max_steps].
std::vector<long> log_lag_steps(long max_steps, int per_decade, const std::vector<long>& extra);

/// MSD of each group at each lag and origin, LAMMPS length^2:
/// values[group][origin][lag].
struct MsdLags {
  std::vector<std::string> groups;
  std::vector<long> lag_steps;
  std::vector<std::vector<std::vector<double>>> values;
};

/// Mean over origins and its standard error (sd/sqrt(n), n the number of origins; 0 for one
/// origin) of @p per_origin[origin][lag], lag by lag.
struct MeanErr {
  std::vector<double> mean, err;
};
MeanErr mean_over_origins(const std::vector<std::vector<double>>& per_origin);

/// Sample MSD(lag) of @p groups (LAMMPS group names) over @p origins consecutive time origins
/// on @p lmp, whose system and integrator (a fix that moves the atoms) are already set up.
/// Runs origins x lag_steps.back() steps. Compute ids `td_msdlag<i>` are defined and removed.
MsdLags sample_msd_lags(Lammps& lmp, const std::vector<std::string>& groups,
                        const std::vector<long>& lag_steps, long origins);

}  // namespace td::md
