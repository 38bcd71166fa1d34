#include "md/System.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/Error.h"
#include "io/TextFile.h"
#include "md/Lammps.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kSourceType{"type",
                            T::String,
                            "\"lj_mixture\"",
                            K::dimensionless,
                            Range::any(),
                            {},
                            "source of the system (default: lj_mixture for a liquid protocol, "
                            "lj_slab for a slab one)",
                            {},
                            &SystemSourceFactory::names};
const SystemSourceFactory::Family kSystemKeys(
    "md.system", kSourceType, "md",
    "Where the atoms of a protocol come from; absent: the built-in `lj_mixture` for the liquid "
    "protocols (`ehex_mixture`, `msd_diffusion`, `msd_short_time`, `solvation_free_energy`), "
    "the built-in `lj_slab` for the slab ones (`adatom_slab`, `adatom_ti`, `cluster_ti`). "
    "Every protocol key is read in the case's units and converted into the source's LAMMPS "
    "unit style.");

const ParamSpec kTemperature{"temperature",
                             T::Real,
                             "1.0",
                             K::temperature,
                             Range::positive(),
                             {},
                             "equilibration temperature (default 1.0 in LJ units; required "
                             "otherwise)"};
const ParamSpec kTimestep{"timestep",
                          T::Real,
                          "0.002",
                          K::time,
                          Range::positive(),
                          {},
                          "MD time step (default 0.002 tau in LJ units, where it must lie in "
                          "[1e-5, 0.01]; required otherwise)"};
const ParamSpec kDamping{"langevin_damping",
                         T::Real,
                         "0.5",
                         K::time,
                         Range::positive(),
                         {},
                         "Langevin damping time of the equilibration (default 0.5 tau in LJ "
                         "units, else 100 time steps)"};
const ParamSpec kEqSteps{
    "equilibration_steps",         T::Integer, "1000", K::dimensionless, Range::closed(0, 1e10), {},
    "Langevin equilibration steps"};
const ParamSpec kSeed{"seed",
                      T::Integer,
                      "12345",
                      K::dimensionless,
                      Range::closed(1, kMaxSeed),
                      {},
                      "random seed (replicas: change it)"};
const ParamSpec kPressure{"pressure",
                          T::Real,
                          "",
                          K::pressure,
                          Range::positive(),
                          {},
                          "optional: NPT equilibration to this pressure after the Langevin "
                          "one (e.g. 0.8 in LJ units); production runs at the mean box of its "
                          "second half"};
const ParamSpec kNptSteps{"npt_steps",
                          T::Integer,
                          "4000",
                          K::dimensionless,
                          Range::closed(20, 1e10),
                          {},
                          "NPT equilibration steps (with `pressure`; a multiple of 20: the box "
                          "is sampled every 10 steps over the second half)"};

/// Thermostat and barostat damping of the NPT equilibration in time steps (LAMMPS manual,
/// fix nh: about 100 steps for the temperature, 1000 for the pressure).
constexpr double kTdampSteps = 100.0;
constexpr double kPdampSteps = 1000.0;
/// Box samples of the NPT run: every kBoxEvery steps over its second half.
constexpr long kBoxEvery = 10;
/// Timestep range in LJ units (tau) for which the default damping and cut-offs are sensible.
constexpr double kLjDtMin = 1e-5, kLjDtMax = 0.01;
}  // namespace

std::shared_ptr<const SystemSource> make_system_source(InputSection& md, SystemSource::Use use) {
  const bool slab = use == SystemSource::Use::slab;
  InputSection s = md.section("system", true);
  const std::string type = slab && !s.has(kSourceType) ? "lj_slab" : s.string(kSourceType);
  std::shared_ptr<const SystemSource> src = SystemSourceFactory::find(type)->create(s);
  if (!src->serves(use))
    s.fail("type", fmt::format("the `{}` source is not a system for a {} protocol", type,
                               slab ? "slab (adatom_slab, adatom_ti, cluster_ti)"
                                    : "liquid (ehex_mixture, msd_diffusion)"));
  if (!slab && src->has_frozen()) s.fail("frozen", "only the slab protocols hold atoms fixed");
  s.finish();
  return src;
}

LammpsUnits lj_source_units(InputSection& s, const std::string& name) {
  try {
    return LammpsUnits("lj", s.units());
  } catch (const Error& e) {
    s.fail("type", fmt::format("the {} source: {}", name, e.what()));
  }
}

SoluteCoupling SystemSource::solute_coupling() const {
  throw Error("this system source does not give the solute's atom type and pair style");
}

double Equilibrated::volume() const { return (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]); }
double Equilibrated::density() const { return static_cast<double>(natoms) / volume(); }

std::vector<const ParamSpec*> MdRun::keys() {
  return {&kTemperature, &kTimestep, &kDamping, &kEqSteps, &kSeed, &kPressure, &kNptSteps};
}

void MdRun::read(InputSection& s, const LammpsUnits& u) {
  // LJ defaults mean nothing in SI (0.002 s is not a time step): elsewhere the key is required
  const bool lj = s.units().is_reduced();
  temperature = s.real(kTemperature, lj ? kTemperature.default_value : "");
  timestep = s.real(kTimestep, lj ? kTimestep.default_value : "");
  if (lj && (timestep < kLjDtMin || timestep > kLjDtMax))
    s.fail("timestep", fmt::format("value {:g} is out of the accepted range [{:g}, {:g}] (tau)",
                                   timestep, kLjDtMin, kLjDtMax));
  damping = s.real(kDamping,
                   lj ? kDamping.default_value : fmt::format("{:.17g}", kTdampSteps * timestep));
  if (damping < 10 * timestep)
    s.fail("langevin_damping", fmt::format("must be at least 10 time steps ({:g} {})",
                                           10 * timestep, u.case_label(K::time)));
  equilibration_steps = s.integer(kEqSteps);
  seed = s.integer(kSeed);
  if (s.has(kPressure)) {
    pressure = s.real(kPressure);
    npt_steps = s.integer(kNptSteps);
    if (npt_steps % (2 * kBoxEvery) != 0)
      s.fail("npt_steps", fmt::format("must be a multiple of {}", 2 * kBoxEvery));
  } else if (s.has(kNptSteps)) {
    s.fail("npt_steps", "needs `pressure` (the NPT target)");
  }
}

std::string MdRun::commands(const SystemSource& src) const {
  const LammpsUnits& u = src.units();
  const double T = u.to_lammps(temperature, K::temperature);
  return fmt::format(R"({}thermo 100
{}reset_timestep 0
timestep {}
velocity all create {} {} mom yes rot yes dist gaussian
fix eq_nve all nve
fix eq_lgv all langevin {} {} {} {}
run {}
unfix eq_lgv
unfix eq_nve
reset_timestep 0
)",
                     src.commands(seed), src.minimise() ? "minimize 1e-4 1e-6 500 5000\n" : "",
                     u.to_lammps(timestep, K::time), T, seed + 2, T, T,
                     u.to_lammps(damping, K::time), seed + 3, equilibration_steps);
}

std::optional<Equilibrated> MdRun::equilibrate(Lammps& lmp, const SystemSource& src,
                                               bool barostat_xy) const {
  lmp.commands(commands(src));
  if (!pressure) return std::nullopt;
  lmp.require_styles({{"fix", "npt"}, {"fix", "ave/time"}, {"command", "change_box"}});
  const LammpsUnits& u = src.units();
  const double T = u.to_lammps(temperature, K::temperature);
  const double P = u.to_lammps(*pressure, K::pressure);
  const double dt = u.to_lammps(timestep, K::time);
  const double pdamp = kPdampSteps * dt;
  const std::string baro = barostat_xy
                               ? fmt::format("x {0} {0} {1} y {0} {0} {1} couple xy", P, pdamp)
                               : fmt::format("iso {0} {0} {1}", P, pdamp);
  lmp.commands(fmt::format(R"(fix eq_npt all npt temp {0} {0} {1} {2}
variable eq_lx equal lx
variable eq_ly equal ly
variable eq_lz equal lz
fix eq_box all ave/time {3} {4} {5} v_eq_lx v_eq_ly v_eq_lz
run {5}
)",
                           T, kTdampSteps * dt, baro, kBoxEvery, npt_steps / (2 * kBoxEvery),
                           npt_steps));
  // the production box: the mean of the second half, centred where the box is now
  Equilibrated e;
  lmp.box(e.lo.data(), e.hi.data());
  std::string change = "change_box all";
  for (int d = 0; d < (barostat_xy ? 2 : 3); ++d) {
    const double mean = lmp.fix_vector("eq_box", d);
    const double centre = 0.5 * (e.lo[d] + e.hi[d]);
    change +=
        fmt::format(" {} final {:.17g} {:.17g}", "xyz"[d], centre - mean / 2, centre + mean / 2);
  }
  lmp.commands(change + " remap units box\nunfix eq_box\nunfix eq_npt\nreset_timestep 0\n");
  lmp.box(e.lo.data(), e.hi.data());
  e.natoms = lmp.natoms();
  return e;
}

void write_equilibrated(MPI_Comm comm, const std::string& file, const Equilibrated& e,
                        const SystemSource& src, const MdRun& run) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const LammpsUnits& u = src.units();
  const auto L = [&](int d) { return u.from_lammps(e.hi[d] - e.lo[d], K::length); };
  const double rho = u.from_lammps(e.density(), K::number_density);
  const std::string Lu = u.case_label(K::length), rhou = u.case_label(K::number_density);
  std::string err;
  if (rank == 0) {
    fmt::print(
        "NPT equilibration at P = {:g} {}, T = {:g} {}: density {:.6g} {}, box {:.6g} x "
        "{:.6g} x {:.6g} {} ({} atoms)\n",
        *run.pressure, u.case_label(K::pressure), run.temperature, u.case_label(K::temperature),
        rho, rhou, L(0), L(1), L(2), Lu, e.natoms);
    std::fflush(stdout);
    try {
      write_text_file(
          file,
          fmt::format("# NPT equilibration: {} steps at P = {:g} {}, T = {:g} {}; box = "
                      "mean of the second half, read back from LAMMPS\n"
                      "# density in {}, box edges in {}\n"
                      "# natoms density Lx Ly Lz\n{} {:.10g} {:.10g} {:.10g} {:.10g}\n",
                      run.npt_steps, *run.pressure, u.case_label(K::pressure), run.temperature,
                      u.case_label(K::temperature), rhou, Lu, e.natoms, rho, L(0), L(1), L(2)));
    } catch (const Error& ex) {
      err = ex.what();
    }
  }
  int bad = err.empty() ? 0 : 1;
  MPI_Bcast(&bad, 1, MPI_INT, 0, comm);
  if (bad) throw IoError(rank == 0 ? err : fmt::format("cannot write {}", file));
}

}  // namespace td::md
