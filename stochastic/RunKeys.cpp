#include "stochastic/RunKeys.h"

#include "core/KeyRegistry.h"
#include "core/Paths.h"

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
const ParamSpec output_file{"file",
                            T::String,
                            "\"\"",
                            K::dimensionless,
                            Range::any(),
                            {},
                            "result file (.h5); relative to the working directory (default: "
                            "<input name>.h5; `-o` overrides)",
                            {"kmc.output", "bd.output", "lattice_gas.output"}};

namespace {
const KeyDeclaration kOutputKeys({"output",
                                  "",
                                  "kmc bd lattice",
                                  "Result file of `thermodrift kmc`, `bd` and `lattice` (HDF5 "
                                  "tables with the resolved input in `/config`).",
                                  {&output_file}});
}  // namespace

}  // namespace td::run_keys

namespace td {

std::string read_output_file(InputSection& root, const std::string& cli) {
  InputSection out = root.section("output", true);
  std::string file = output_path(out, run_keys::output_file, cli, ".h5");
  out.finish();
  return file;
}

}  // namespace td
