/// @file AdatomSlab.cpp  `type = "adatom_slab"` an adatom (or a cluster) free on
/// the slab of md/LjSlab.h ([md.system]: the built-in LJ FCC(111) slab or a user's data file)
/// under the temperature gradient between the hot and the cold region. Writes the substrate
/// temperature profile along x (fix ave/chunk, <prefix>temp.chunk, column `temp`, the
/// source's LAMMPS units) and the trajectory of the adatom or the cluster's centre of mass
/// (<prefix>adatom.dat, "# t x y z": time since the start of recording in tau, unwrapped
/// position in sigma; the md::read_columns format of the fits, with its `# units:` line
/// before the fix print title).
#include <fmt/format.h>

#include <fstream>

#include "core/Error.h"
#include "core/Fault.h"
#include "io/Readers.h"
#include "md/Lammps.h"
#include "md/LjSlab.h"
#include "md/Setup.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kPosition = LjSlab::fraction_spec("adatom_position", "start of the adatom");
const ParamSpec kRegion{"gradient_region",
                        T::String,
                        "\"first\"",
                        K::dimensionless,
                        Range::any(),
                        {"first", "second"},
                        "region of the adatom: first [hot_width, L_x/2) with its cold side at "
                        "+x, or second [L_x/2 + cold_width, L_x) with its cold side at -x"};
const ParamSpec kSteps{"production_steps",
                       T::Integer,
                       "100000",
                       K::dimensionless,
                       Range::closed(1, 1e10),
                       {},
                       "steps of recording after the equilibration"};
const ParamSpec kDumpEvery{"dump_every",
                           T::Integer,
                           "100",
                           K::dimensionless,
                           Range::closed(1, 1e9),
                           {},
                           "steps between adatom trajectory rows"};
const ParamSpec kEvery{"sample_every",
                       T::Integer,
                       "10",
                       K::dimensionless,
                       Range::closed(1, 1e9),
                       {},
                       "steps between temperature-profile samples"};
const ParamSpec kBlocks{"blocks",
                        T::Integer,
                        "10",
                        K::dimensionless,
                        Range::closed(1, 1e6),
                        {},
                        "temperature-profile blocks written (production_steps / blocks each)"};

class AdatomSlab : public MdSetup {
 public:
  explicit AdatomSlab(InputSection& s) {
    slab_.read(s);
    const double f = s.real(kPosition);
    second_ = s.string(kRegion) == "second";
    x0_ = slab_.region_x(f, second_);
    steps_ = s.integer(kSteps);
    dump_every_ = s.integer(kDumpEvery);
    if (steps_ % dump_every_ != 0)
      s.fail("production_steps", fmt::format("must be a multiple of dump_every = {}", dump_every_));
    bin_ = slab_.read_bin(s);
    every_ = s.integer(kEvery);
    blocks_ = s.integer(kBlocks);
    if (steps_ % (blocks_ * every_) != 0)
      s.fail("production_steps",
             fmt::format("must be a multiple of blocks * sample_every = {}", blocks_ * every_));
  }

  long planned_steps() const override { return slab_.equilibration_steps + steps_; }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    return with_lammps_records(prefix, {prefix + "temp.chunk", prefix + "adatom.dat"});
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    const std::string tfile = prefix + "temp.chunk", afile = prefix + "adatom.dat";
    ClaimedOutputs claims(comm, {tfile, afile});
    Lammps lmp(comm, prefix, steps());
    lmp.require_styles(required_styles());
    lmp.commands(slab_.commands());
    slab_.move_cluster(lmp, x0_, true);
    lmp.command(fmt::format("run {}", slab_.equilibration_steps));
    // on rank 0, but every rank throws if it fails: the others would go on into LAMMPS
    write_on_rank0(comm, [&] {
      std::ofstream out(afile + ".partial");
      out << fmt::format(
          "# adatom (or cluster centre of mass) on a slab, T_hot = {} (x < {}), T_cold = {} (x "
          "in [{:.6g}, {:.6g})), L_x = {:.6g}, L_y = {:.6g}\n# site spacing along x = {:.6g} "
          "(0: not known); LJ reduced units\n# gradient region: {}, cold side at {}x\n{}",
          slab_.T_hot, slab_.hot_width, slab_.T_cold, slab_.gradient_hi(),
          slab_.gradient_hi() + slab_.cold_width, slab_.length_x(), slab_.length_y(),
          slab_.spacing(), second_ ? "second" : "first", second_ ? "-" : "+",
          units_line(slab_.source->units().case_units().name()));
      fault_point("md_result_write", MPI_COMM_SELF);
      if (!out.flush()) throw IoError(fmt::format("cannot write {}.partial", afile));
    });
    // "time" is not reset by reset_timestep: time is counted from the recording start; xcm
    // is the unwrapped centre of mass; both in the case's units
    const double lu = slab_.from_lammps(1.0, K::length), tu = slab_.from_lammps(1.0, K::time);
    lmp.commands(
        fmt::format(R"(reset_timestep 0
{}variable ad_t equal step*dt*{}
variable ad_x equal xcm(adatom,x)*{}
variable ad_y equal xcm(adatom,y)*{}
variable ad_z equal xcm(adatom,z)*{}
fix ad_print all print {} "${{ad_t}} ${{ad_x}} ${{ad_y}} ${{ad_z}}" append {} title "# t x y z" screen no
run {}
unfix ad_print
unfix slab_prof
)",
                    slab_.profile_commands(bin_, every_, steps_ / blocks_, tfile + ".partial"), tu,
                    lu, lu, lu, dump_every_, afile + ".partial", steps_));
    claims.commit();
    return {tfile, afile};
  }

 private:
  LjSlab slab_;
  double x0_ = 0.0, bin_ = 2.0;
  bool second_ = false;
  long steps_ = 0, dump_every_ = 100, every_ = 10, blocks_ = 10;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<AdatomSlab>(s); }
MdSetupFactory::Registrar reg(
    "adatom_slab",
    "An adatom (or the cluster of the system source) free on a slab ([md.system]: the "
    "built-in LJ FCC(111) slab, periodic in x and y, vacuum above, bottom layers frozen, or a "
    "user's data file) under the temperature gradient between a hot region x in [0, hot_width) and "
    "a "
    "cold region x in [L_x/2, L_x/2 + cold_width), each held by a Nose-Hoover thermostat. "
    "Writes the substrate temperature profile along x (<prefix>temp.chunk, fix ave/chunk) and "
    "the unwrapped trajectory of the adatom or the cluster's centre of mass "
    "(<prefix>adatom.dat, \"# t x y z\").",
    &create,
    key_registry::join({LjSlab::keys(),
                        {&kPosition, &kRegion, &kSteps, &kDumpEvery, &LjSlab::bin_spec(), &kEvery,
                         &kBlocks}}));
}  // namespace

}  // namespace td::md
