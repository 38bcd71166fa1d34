/// @file EhexMixture.cpp  `type = "ehex_mixture"`: a liquid system (the [md.system] source:
/// the built-in LJ binary mixture or a user's data file), eHEX heat exchange in a cold and a
/// hot slab along z (two gradients by periodicity); temperature and solute profiles by fix
/// ave/chunk into <prefix>temp.chunk and <prefix>solute.chunk, the inputs of the
/// `soret_profile` fit. With `replicas = N > 1`, N independent runs (seeds seed + 4 i) write
/// <prefix>r<i>_temp.chunk and <prefix>r<i>_solute.chunk, the input of `soret_profile` with
/// `replicas = N`; with `parallel_replicas`, they run at once on groups of ranks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/Readers.h"
#include "md/Lammps.h"
#include "md/Setup.h"
#include "md/System.h"

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
/// Relative tolerance of "a whole number of bins" (the box height from a data file is rounded).
constexpr double kWholeBins = 1e-6;
const ParamSpec kBin{"bin_width",
                     T::Real,
                     "1.0",
                     K::length,
                     Range::positive(),
                     {},
                     "profile bin width along z; the box height must be a whole number of bins"};
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
                          Range::closed(1, kMaxReplicas),
                          {},
                          "independent runs, replica i with seed + 4 i; files "
                          "<prefix>r<i>_temp.chunk, ... when > 1"};
const ParamSpec kParallel{"parallel_replicas",
                          T::Bool,
                          "false",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "run the replicas at once: the ranks split into min(replicas, ranks) "
                          "groups of consecutive ranks, replica i on group i mod groups; false: "
                          "one after the other on all ranks"};

/// The key of the cold or the hot slab, for messages.
const char* slab_key(bool cold) { return cold ? "cold_slab" : "hot_slab"; }

class EhexMixture : public MdSetup {
 public:
  explicit EhexMixture(InputSection& s) : src_(make_system_source(s)) {
    const LammpsUnits& u = src_->units();
    run_.read(s, u);
    const auto zbox = src_->box()[2];
    for (bool cold : {true, false}) {
      auto slab = s.reals(cold ? kCold : kHot);
      for (auto& z : slab) z = u.to_lammps(z, K::length);
      if (slab.size() != 2 || !(slab[1] > slab[0]) || slab[0] < zbox[0] || slab[1] > zbox[1])
        s.fail(slab_key(cold),
               fmt::format("expected [lo, hi] with {:g} <= lo < hi <= {:g} {} (box z)",
                           u.from_lammps(zbox[0], K::length), u.from_lammps(zbox[1], K::length),
                           u.case_label(K::length)));
      (cold ? cold_ : hot_) = slab;
    }
    if (!(cold_[1] <= hot_[0] || hot_[1] <= cold_[0]))
      s.fail("hot_slab", "the hot and cold slabs overlap");
    heat_ = u.to_lammps(s.real(kHeat), K::power);
    bin_ = u.to_lammps(s.real(kBin), K::length);
    // LAMMPS bins from the box's lower edge: a last bin cut by the upper edge holds half the
    // atoms but is divided by a whole bin's volume, a false dip in the concentration
    const double bins = (zbox[1] - zbox[0]) / bin_;
    if (std::abs(bins - std::round(bins)) > kWholeBins * bins)
      s.fail("bin_width", fmt::format("the box height {:g} {} is not a whole number of bins "
                                      "({:.6g}); a cut last bin would show half its concentration",
                                      u.from_lammps(zbox[1] - zbox[0], K::length),
                                      u.case_label(K::length), bins));
    steps_gradient_ = s.integer(kGradSteps);
    steps_ = s.integer(kSteps);
    every_ = s.integer(kEvery);
    blocks_ = s.integer(kBlocks);
    if (steps_ % (blocks_ * every_) != 0)
      s.fail("production_steps",
             fmt::format("must be a multiple of blocks * sample_every = {}", blocks_ * every_));
    replicas_ = s.integer(kReplicas);
    parallel_ = s.boolean(kParallel);
  }

  long planned_steps() const override { return replicas_ * replica_steps(); }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    std::vector<std::string> files;
    for (long i = 0; i < replicas_; ++i) {
      const std::string p = replica_prefix(prefix, i);
      for (auto& f : with_lammps_records(p, replica_results(p))) files.push_back(std::move(f));
    }
    return files;
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    // groups of consecutive ranks; replica i runs on group i mod groups
    const long groups = parallel_ ? std::min<long>(replicas_, size) : 1;
    const int color = static_cast<int>(rank * groups / size);
    SubComm sub(comm, color);
    replan(((replicas_ - color + groups - 1) / groups) * replica_steps());
    std::vector<std::string> files;
    for (long i = 0; i < replicas_; ++i) {
      const std::string p = replica_prefix(prefix, i);
      const std::vector<std::string> mine = replica_results(p);
      files.insert(files.end(), mine.begin(), mine.end());
      if (i % groups != color) continue;
      MdRun r = run_;
      r.seed = run_.seed + kReplicaSeedStride * i;  // MdRun draws seed .. seed + 3
      // LAMMPS writes the .partial names; they are renamed once the run has closed them
      ClaimedOutputs claims(sub.get(), {mine[0], mine[1]});
      run_replica(sub.get(), r, mine[0] + ".partial", mine[1] + ".partial", p);
      // every block the input asks for: a fit that skips blocks counts on them
      for (const std::string& f : {mine[0], mine[1]})
        if (const auto n = read_ave_chunk(f + ".partial").size(); static_cast<long>(n) != blocks_)
          throw Error(
              fmt::format("{}.partial: LAMMPS wrote {} profile blocks, the input asks for "
                          "{} (blocks)",
                          f, n, blocks_));
      claims.commit();
    }
    MPI_Barrier(comm);
    return files;
  }

 private:
  /// File prefix of replica @p i: @p prefix itself for a single run.
  std::string replica_prefix(const std::string& prefix, long i) const {
    return replicas_ == 1 ? prefix : fmt::format("{}r{}_", prefix, i);
  }
  /// The result files of the replica with file prefix @p p: the profiles (temperature,
  /// solute), then the NPT record where there is one.
  std::vector<std::string> replica_results(const std::string& p) const {
    std::vector<std::string> mine{p + "temp.chunk", p + "solute.chunk"};
    if (run_.pressure) mine.push_back(p + "npt.dat");
    return mine;
  }
  long replica_steps() const { return run_.steps() + steps_gradient_ + steps_; }

  /// One run with the run keys @p r on @p comm writing the profiles @p tfile and @p cfile,
  /// the NPT result and the LAMMPS log and input record with prefix @p p.
  void run_replica(MPI_Comm comm, const MdRun& r, const std::string& tfile,
                   const std::string& cfile, const std::string& p) {
    Lammps lmp(comm, p, steps());
    lmp.require_styles(required_styles());
    // the barostat leaves z alone: the slabs stay where the input put them
    if (const auto e = r.equilibrate(lmp, *src_, true))
      write_equilibrated(comm, p + "npt.dat", *e, *src_, r);
    const long nfreq = steps_ / blocks_, nrep = nfreq / every_;
    // with SHAKE/RATTLE, eHEX rescales whole clusters whose centre of mass is in the slab and
    // restores the bond lengths after its coordinate correction (LAMMPS fix ehex manual)
    const char* constrain = src_->constrained() ? " constrain com" : "";
    const std::string title = chunk_units_title(src_->units());
    // fix ave/chunk writes at multiples of its Nfreq: production counted from step 0 (after
    // the gradient run, reset_timestep) gives exactly `blocks` blocks; counted on from the
    // equilibration it lost the first when the steps before were not a multiple of Nfreq
    lmp.commands(fmt::format(R"(region cold block INF INF INF INF {} {}
region hot block INF INF INF INF {} {}
fix md_nve all nve
fix md_hot all ehex 1 {} region hot{}
fix md_cold all ehex 1 {} region cold{}
run {}
reset_timestep 0
compute ch_all all chunk/atom bin/1d z lower {} units box
compute ch_sol solute chunk/atom bin/1d z lower {} units box
fix prof_t all ave/chunk {} {} {} ch_all temp adof {} file {} {}
fix prof_c solute ave/chunk {} {} {} ch_sol density/number file {} {}
run {}
unfix prof_t
unfix prof_c
)",
                             cold_[0], cold_[1], hot_[0], hot_[1], heat_, constrain, -heat_,
                             constrain, steps_gradient_, bin_, bin_, every_, nrep, nfreq,
                             src_->dof_per_atom(), tfile, title, every_, nrep, nfreq, cfile, title,
                             steps_));
  }

  std::shared_ptr<const SystemSource> src_;
  MdRun run_;
  std::vector<double> cold_, hot_;  ///< LAMMPS length units
  double heat_ = 5.0, bin_ = 1.0;   ///< LAMMPS units
  long steps_gradient_ = 0, steps_ = 0, every_ = 10, blocks_ = 10, replicas_ = 1;
  bool parallel_ = false;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<EhexMixture>(s); }
MdSetupFactory::Registrar reg(
    "ehex_mixture",
    "A liquid system from [md.system] (default: the LJ binary mixture, solvent type 1, solute "
    "type 2; or a user's data file) with eHEX heat exchange in a cold and a hot slab along z "
    "(two gradients by periodicity); optional NPT equilibration (`pressure`, barostat on x "
    "and y so that the slabs keep their place); temperature and solute profiles by fix "
    "ave/chunk into <prefix>temp.chunk and <prefix>solute.chunk (LAMMPS units of the system), "
    "the input of the `soret_profile` fit. With `replicas = N > 1`, N independent runs (seeds "
    "seed + 4 i) write <prefix>r<i>_temp.chunk and <prefix>r<i>_solute.chunk, one after the "
    "other or, with `parallel_replicas`, at once on groups of ranks.",
    &create,
    key_registry::join({MdRun::keys(),
                        {&kCold, &kHot, &kHeat, &kBin, &kGradSteps, &kSteps, &kEvery, &kBlocks,
                         &kReplicas, &kParallel}}));
}  // namespace

}  // namespace td::md
