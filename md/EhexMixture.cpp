/// @file EhexMixture.cpp  `type = "ehex_mixture"` (seed 001, PHYSICS.md 8): LJ binary mixture,
/// eHEX heat exchange in a cold and a hot slab along z (two gradients by periodicity);
/// temperature and solute profiles by fix ave/chunk into <prefix>temp.chunk and
/// <prefix>solute.chunk, the inputs of the `soret_profile` fit.
#include <fmt/format.h>

#include "md/Lammps.h"
#include "md/Setup.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

class EhexMixture : public MdSetup {
 public:
  explicit EhexMixture(InputSection& s) {
    mix_.read(s);
    cold_ = s.reals({"cold_slab",
                     T::RealArray,
                     "[10.5, 14.5]",
                     K::length,
                     Range::any(),
                     {},
                     "z range of the cold eHEX slab"});
    hot_ = s.reals({"hot_slab",
                    T::RealArray,
                    "[35.5, 39.5]",
                    K::length,
                    Range::any(),
                    {},
                    "z range of the hot eHEX slab"});
    for (auto* slab : {&cold_, &hot_}) {
      const char* key = slab == &cold_ ? "cold_slab" : "hot_slab";
      if (slab->size() != 2 || !((*slab)[1] > (*slab)[0]) || (*slab)[0] < 0 ||
          (*slab)[1] > mix_.box[2])
        s.fail(key, fmt::format("expected [lo, hi] with 0 <= lo < hi <= {} (box z)", mix_.box[2]));
    }
    if (!(cold_[1] <= hot_[0] || hot_[1] <= cold_[0]))
      s.fail("hot_slab", "the hot and cold slabs overlap");
    heat_ = s.real({"heat_rate",
                    T::Real,
                    "5.0",
                    K::power,
                    Range::positive(),
                    {},
                    "energy per time added to the hot slab and removed from the cold one"});
    bin_ = s.real({"bin_width",
                   T::Real,
                   "1.0",
                   K::length,
                   Range::positive(),
                   {},
                   "profile bin width along z"});
    steps_gradient_ = s.integer({"gradient_steps",
                                 T::Integer,
                                 "10000",
                                 K::dimensionless,
                                 Range::at_least(0),
                                 {},
                                 "steps with heat exchange before profiles are recorded"});
    steps_ = s.integer({"production_steps",
                        T::Integer,
                        "100000",
                        K::dimensionless,
                        Range::at_least(10),
                        {},
                        "steps of profile recording"});
    every_ = s.integer({"sample_every",
                        T::Integer,
                        "10",
                        K::dimensionless,
                        Range::at_least(1),
                        {},
                        "steps between profile samples"});
    blocks_ = s.integer({"blocks",
                         T::Integer,
                         "10",
                         K::dimensionless,
                         Range::at_least(1),
                         {},
                         "profile blocks written (production_steps / blocks per block)"});
    if (steps_ % (blocks_ * every_) != 0)
      s.fail("production_steps",
             fmt::format("must be a multiple of blocks * sample_every = {}", blocks_ * every_));
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    Lammps lmp(comm);
    lmp.require_styles(required_styles());
    lmp.commands(mix_.commands());
    const long nfreq = steps_ / blocks_, nrep = nfreq / every_;
    const std::string tfile = prefix + "temp.chunk", cfile = prefix + "solute.chunk";
    lmp.commands(fmt::format(R"(region cold block INF INF INF INF {} {}
region hot block INF INF INF INF {} {}
fix md_nve all nve
fix md_hot all ehex 1 {} region hot
fix md_cold all ehex 1 {} region cold
run {}
compute ch_all all chunk/atom bin/1d z lower {} units box
compute ch_sol solute chunk/atom bin/1d z lower {} units box
fix prof_t all ave/chunk {} {} {} ch_all temp file {}
fix prof_c solute ave/chunk {} {} {} ch_sol density/number file {}
run {}
unfix prof_t
unfix prof_c
)",
                             cold_[0], cold_[1], hot_[0], hot_[1], heat_, -heat_, steps_gradient_,
                             bin_, bin_, every_, nrep, nfreq, tfile, every_, nrep, nfreq, cfile,
                             steps_));
    return {tfile, cfile};
  }

 private:
  LjMixture mix_;
  std::vector<double> cold_, hot_;
  double heat_ = 5.0, bin_ = 1.0;
  long steps_gradient_ = 0, steps_ = 0, every_ = 10, blocks_ = 10;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<EhexMixture>(s); }
MdSetupFactory::Registrar reg("ehex_mixture",
                              "LJ binary mixture with eHEX slabs: T and solute profiles", &create);
}  // namespace

}  // namespace td::md
