/// @file MsdDiffusion.cpp  `type = "msd_diffusion"`: equilibrium runs of a liquid system (the
/// [md.system] source) at several temperatures; D(T) of solute and solvent from the slope of the
/// mean squared displacement (compute msd), MSD = 6 D t, in independent blocks (D = mean, error =
/// sd/sqrt(blocks)). Writes <prefix>D_solute.dat and <prefix>D_solvent.dat ("# T D D_err"), the
/// input of the `arrhenius` fit; T and D in the case's units.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <fstream>

#include "io/Readers.h"
#include "io/TextFile.h"
#include "md/Lammps.h"
#include "md/Setup.h"
#include "md/System.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kTemps{"temperatures",
                       T::RealArray,
                       "",
                       K::temperature,
                       Range::positive(),
                       {},
                       "temperatures of the equilibrium runs"};
const ParamSpec kBlocks{"blocks",
                        T::Integer,
                        "4",
                        K::dimensionless,
                        Range::closed(2, 1e6),
                        {},
                        "independent MSD blocks per temperature"};
const ParamSpec kBlockSteps{"block_steps",           T::Integer, "5000",           K::dimensionless,
                            Range::closed(20, 1e10), {},         "steps per block"};

class MsdDiffusion : public MdSetup {
 public:
  explicit MsdDiffusion(InputSection& s) : src_(make_system_source(s)) {
    run_.read(s, src_->units());
    temps_ = s.reals(kTemps);
    if (temps_.empty()) s.fail("temperatures", "give at least one temperature");
    blocks_ = s.integer(kBlocks);
    block_steps_ = s.integer(kBlockSteps);
  }

  long planned_steps() const override {
    return static_cast<long>(temps_.size()) * (run_.steps() + blocks_ * block_steps_);
  }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    std::vector<std::string> files;
    for (double Tk : temps_) {
      const std::string p = temperature_prefix(prefix, Tk);
      for (auto& f : with_lammps_records(p, run_.pressure ? std::vector<std::string>{p + "npt.dat"}
                                                          : std::vector<std::string>{}))
        files.push_back(std::move(f));
    }
    files.push_back(prefix + "D_solute.dat");
    files.push_back(prefix + "D_solvent.dat");
    return files;
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    std::vector<std::array<double, 3>> rows[2];  // solute, solvent: T, D, err
    const char* groups[2] = {"solute", "solvent"};
    const LammpsUnits& u = src_->units();
    std::vector<std::string> files;
    for (double Tk : temps_) {
      const std::string p = temperature_prefix(prefix, Tk);
      Lammps lmp(comm, p, steps());
      lmp.require_styles(required_styles());
      MdRun r = run_;
      r.temperature = Tk;
      if (const auto e = r.equilibrate(lmp, *src_, false)) {
        files.push_back(p + "npt.dat");
        write_equilibrated(comm, files.back(), *e, *src_, r);
      }
      // Nose-Hoover keeps the canonical ensemble without Langevin's extra friction on D.
      const double T = u.to_lammps(Tk, K::temperature), dt = u.to_lammps(r.timestep, K::time);
      lmp.command(fmt::format("fix md_nvt all nvt temp {0} {0} {1}", T, 100 * dt));
      std::vector<double> D[2];
      for (long b = 0; b < blocks_; ++b) {
        // a fresh msd compute per block: its reference positions are the block's start
        for (int g = 0; g < 2; ++g)
          lmp.command(fmt::format("compute msd{0} {1} msd", g, groups[g]));
        lmp.command(fmt::format("run {}", block_steps_));
        const double t = static_cast<double>(block_steps_) * dt;
        for (int g = 0; g < 2; ++g) {
          const double msd = lmp.compute_vector(fmt::format("msd{}", g), 3);
          D[g].push_back(u.from_lammps(msd / (6.0 * t), K::diffusivity));
          lmp.command(fmt::format("uncompute msd{}", g));
        }
      }
      for (int g = 0; g < 2; ++g) {
        double mean = 0, var = 0;
        for (double d : D[g]) mean += d;
        mean /= static_cast<double>(D[g].size());
        for (double d : D[g]) var += (d - mean) * (d - mean);
        var /= static_cast<double>(D[g].size() - 1);
        rows[g].push_back({Tk, mean, std::sqrt(var / static_cast<double>(D[g].size()))});
      }
    }
    for (int g = 0; g < 2; ++g) {
      files.push_back(prefix + "D_" + groups[g] + ".dat");
      if (rank != 0) continue;
      std::string text = fmt::format(
          "# D(T) of the {} from MSD = 6 D t, {} blocks of {} steps; T in {}, D in {}\n"
          "{}# T D D_err\n",
          groups[g], blocks_, block_steps_, u.case_label(K::temperature),
          u.case_label(K::diffusivity), units_line(u.case_units().name()));
      for (const auto& r : rows[g]) text += fmt::format("{:.6g} {:.8g} {:.4g}\n", r[0], r[1], r[2]);
      write_text_file(files.back(), text);
    }
    return files;
  }

 private:
  std::shared_ptr<const SystemSource> src_;
  MdRun run_;
  std::vector<double> temps_;  ///< case units
  long blocks_ = 4, block_steps_ = 5000;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<MsdDiffusion>(s); }
MdSetupFactory::Registrar reg(
    "msd_diffusion",
    "Equilibrium runs of a liquid system from [md.system] (default: the LJ mixture) at several "
    "temperatures (optional NPT equilibration to `pressure` at each, isotropic); D(T) of "
    "solute and solvent from the slope of the mean squared displacement, MSD = 6 D t, in "
    "independent blocks (D = mean, error = sd/sqrt(blocks)). Writes <prefix>D_solute.dat and "
    "<prefix>D_solvent.dat (\"# T D D_err\"), the input of the `arrhenius` fit.",
    &create, key_registry::join({MdRun::keys(), {&kTemps, &kBlocks, &kBlockSteps}}));
}  // namespace

}  // namespace td::md
