#include "stochastic/RunKeys.h"

namespace td::run_keys {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
}  // namespace

const ParamSpec walkers{"walkers",
                        T::Integer,
                        "1000",
                        K::dimensionless,
                        Range::closed(1, 1e9),
                        {},
                        "independent walkers (KMC) or particles (Brownian dynamics)"};
const ParamSpec seed{"seed",
                     T::Integer,
                     "1",
                     K::dimensionless,
                     Range::at_least(0),
                     {},
                     "Philox key (combined with the walker or replica id)"};
const ParamSpec t_end{"t_end",
                      T::Real,
                      "",
                      K::time,
                      Range::positive(),
                      {},
                      "simulated time (Brownian dynamics: including t_burn; lattice gas: "
                      "measured time after t_burn)"};
const ParamSpec t_burn{
    "t_burn", T::Real, "0.0", K::time, Range::non_negative(), {}, "equilibration before measuring"};
const ParamSpec samples{"samples",
                        T::Integer,
                        "20",
                        K::dimensionless,
                        Range::closed(1, 1e6),
                        {},
                        "sample intervals in [0, t_end] (mean position; KMC also MSD)"};
const ParamSpec start{"start",
                      T::String,
                      "\"uniform\"",
                      K::dimensionless,
                      Range::any(),
                      {"uniform", "point"},
                      "start uniformly over the domain or at start_position"};
const ParamSpec start_position{"start_position",
                               T::RealArray,
                               "[0.0]",
                               K::length,
                               Range::any(),
                               {},
                               "start point ([x] or [x, y]; KMC: the nearest site)"};
const ParamSpec output{"output",
                       T::String,
                       "\"\"",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "result file (.h5; \"\": none)"};

}  // namespace td::run_keys
