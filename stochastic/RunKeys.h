#pragma once
/// @file RunKeys.h  The run parameters shared by the stochastic engines: the `[kmc]` table of
/// `thermodrift kmc` (adatom walkers), `[bd]` of `thermodrift bd` (Brownian dynamics) and
/// `[lattice_gas]` of `thermodrift lattice`, declared once with one set of defaults. Each case
/// reads the keys it uses through these specs and lists them in its table's declaration.
#include "core/Input.h"

namespace td {
/// The result file of a stochastic case from [output] file of @p root (or a deprecated old
/// place), with the command line's @p cli (`-o`) first: core/Paths.h output_path.
std::string read_output_file(InputSection& root, const std::string& cli);
}  // namespace td

namespace td::run_keys {

extern const ParamSpec walkers;         ///< integer >= 1, default 1000: walkers or particles
extern const ParamSpec seed;            ///< integer >= 0, default 1: Philox key
extern const ParamSpec t_end;           ///< time > 0, required
extern const ParamSpec t_burn;          ///< time >= 0, default 0: equilibration
extern const ParamSpec samples;         ///< integer >= 1, default 20: sample intervals
extern const ParamSpec start;           ///< "uniform" (default) or "point"
extern const ParamSpec start_position;  ///< length array, default [0.0]: the point start
/// [output] file (default "": <input name>.h5); its old places `[kmc] output`, `[bd] output`
/// and `[lattice_gas] output` are deprecated aliases.
extern const ParamSpec output_file;

}  // namespace td::run_keys
