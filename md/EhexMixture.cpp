/// @file EhexMixture.cpp  `type = "ehex_mixture"` LJ binary mixture,
/// eHEX heat exchange in a cold and a hot slab along z (two gradients by periodicity);
/// temperature and solute profiles by fix ave/chunk into <prefix>temp.chunk and
/// <prefix>solute.chunk, the inputs of the `soret_profile` fit. With `replicas = N > 1`, N
/// independent runs (seeds seed + 4 i) write <prefix>r<i>_temp.chunk and
/// <prefix>r<i>_solute.chunk, the input of `soret_profile` with `replicas = N`.
#include <fmt/format.h>

#include "md/Lammps.h"
#include "md/Setup.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kCold{"cold_slab",
                      T::RealArray,
                      "[10.5, 14.5]",
                      K::length,
                      Range::any(),
                      {},
                      "z range of the cold eHEX slab"};
const ParamSpec kHot{"hot_slab",
                     T::RealArray,
                     "[35.5, 39.5]",
                     K::length,
                     Range::any(),
                     {},
                     "z range of the hot eHEX slab"};
const ParamSpec kHeat{"heat_rate",
                      T::Real,
                      "5.0",
                      K::power,
                      Range::positive(),
                      {},
                      "energy per time added to the hot slab and removed from the cold one"};
const ParamSpec kBin{
    "bin_width", T::Real, "1.0", K::length, Range::positive(), {}, "profile bin width along z"};
const ParamSpec kGradSteps{"gradient_steps",
                           T::Integer,
                           "10000",
                           K::dimensionless,
                           Range::closed(0, 1e10),
                           {},
                           "steps with heat exchange before profiles are recorded"};
const ParamSpec kSteps{"production_steps",
                       T::Integer,
                       "100000",
                       K::dimensionless,
                       Range::closed(10, 1e10),
                       {},
                       "steps of profile recording"};
const ParamSpec kEvery{"sample_every",
                       T::Integer,
                       "10",
                       K::dimensionless,
                       Range::closed(1, 1e9),
                       {},
                       "steps between profile samples"};
const ParamSpec kBlocks{"blocks",
                        T::Integer,
                        "10",
                        K::dimensionless,
                        Range::closed(1, 1e6),
                        {},
                        "profile blocks written (production_steps / blocks per block)"};
const ParamSpec kReplicas{"replicas",
                          T::Integer,
                          "1",
                          K::dimensionless,
                          Range::closed(1, 1000),
                          {},
                          "independent runs one after the other on the same ranks, replica i "
                          "with seed + 4 i; files <prefix>r<i>_temp.chunk, ... when > 1"};

class EhexMixture : public MdSetup {
 public:
  explicit EhexMixture(InputSection& s) {
    mix_.read(s);
    cold_ = s.reals(kCold);
    hot_ = s.reals(kHot);
    for (auto* slab : {&cold_, &hot_}) {
      const char* key = slab == &cold_ ? "cold_slab" : "hot_slab";
      if (slab->size() != 2 || !((*slab)[1] > (*slab)[0]) || (*slab)[0] < 0 ||
          (*slab)[1] > mix_.box[2])
        s.fail(key, fmt::format("expected [lo, hi] with 0 <= lo < hi <= {} (box z)", mix_.box[2]));
    }
    if (!(cold_[1] <= hot_[0] || hot_[1] <= cold_[0]))
      s.fail("hot_slab", "the hot and cold slabs overlap");
    heat_ = s.real(kHeat);
    bin_ = s.real(kBin);
    steps_gradient_ = s.integer(kGradSteps);
    steps_ = s.integer(kSteps);
    every_ = s.integer(kEvery);
    blocks_ = s.integer(kBlocks);
    if (steps_ % (blocks_ * every_) != 0)
      s.fail("production_steps",
             fmt::format("must be a multiple of blocks * sample_every = {}", blocks_ * every_));
    replicas_ = s.integer(kReplicas);
  }

  long planned_steps() const override {
    return replicas_ * (mix_.equilibration_steps + steps_gradient_ + steps_);
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    std::vector<std::string> files;
    for (long i = 0; i < replicas_; ++i) {
      const std::string p = replicas_ == 1 ? prefix : fmt::format("{}r{}_", prefix, i);
      LjMixture m = mix_;
      m.seed = mix_.seed + 4 * i;  // LjMixture draws the streams seed .. seed + 3
      files.push_back(p + "temp.chunk");
      files.push_back(p + "solute.chunk");
      // LAMMPS writes the .partial names; they are renamed once the run has closed them
      run_replica(comm, m, files[files.size() - 2] + ".partial", files.back() + ".partial", p);
      commit_outputs(comm, {files[files.size() - 2], files.back()});
    }
    return files;
  }

 private:
  /// One run of mixture @p m on @p comm writing the profiles @p tfile and @p cfile, and the
  /// LAMMPS log and input record with prefix @p log_prefix.
  void run_replica(MPI_Comm comm, const LjMixture& m, const std::string& tfile,
                   const std::string& cfile, const std::string& log_prefix) {
    Lammps lmp(comm, log_prefix, steps());
    lmp.require_styles(required_styles());
    lmp.commands(m.commands());
    const long nfreq = steps_ / blocks_, nrep = nfreq / every_;
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
  }

  LjMixture mix_;
  std::vector<double> cold_, hot_;
  double heat_ = 5.0, bin_ = 1.0;
  long steps_gradient_ = 0, steps_ = 0, every_ = 10, blocks_ = 10, replicas_ = 1;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<EhexMixture>(s); }
MdSetupFactory::Registrar reg(
    "ehex_mixture",
    "LJ binary mixture (solvent type 1, solute type 2) with eHEX heat exchange in a cold and a "
    "hot slab along z (two gradients by periodicity); temperature and solute profiles by fix "
    "ave/chunk into <prefix>temp.chunk and <prefix>solute.chunk, the input of the "
    "`soret_profile` fit. With `replicas = N > 1`, N independent runs (seeds seed + 4 i) write "
    "<prefix>r<i>_temp.chunk and <prefix>r<i>_solute.chunk.",
    &create,
    key_registry::join({LjMixture::keys(),
                        {&kCold, &kHot, &kHeat, &kBin, &kGradSteps, &kSteps, &kEvery, &kBlocks,
                         &kReplicas}}));
}  // namespace

}  // namespace td::md
