#include "md/Setup.h"

#include "core/Error.h"
#include "io/TextFile.h"

#include <fmt/format.h>

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kType{"type", T::String,   "", K::dimensionless,      Range::any(),
                      {},     "MD set-up", {}, &MdSetupFactory::names};
const MdSetupFactory::Family kMdKeys(
    "md", kType, "md",
    "A parameterised LAMMPS set-up run in-process by `thermodrift md` (LJ reduced units: "
    "`[units] system = \"LJ\"`); the whole table is checked before LAMMPS starts.");
const ParamSpec kCutoff{"cutoff",
                        T::Real,
                        "2.5",
                        K::length,
                        Range::closed(1.2, 5.0),
                        {},
                        "LJ cut-off (potential shifted)"};
const ParamSpec kBox{
    "box", T::RealArray,          "[7.65, 7.65, 50.0]", K::length, Range::positive(),
    {},    "box edges (periodic)"};
const ParamSpec kNSolvent{"n_solvent",
                          T::Integer,
                          "2048",
                          K::dimensionless,
                          Range::closed(1, 1e8),
                          {},
                          "solvent atoms (type 1)"};
const ParamSpec kNSolute{"n_solute",
                         T::Integer,
                         "80",
                         K::dimensionless,
                         Range::closed(1, 1e8),
                         {},
                         "solute atoms (type 2)"};
const ParamSpec kSoluteEps{"solute_epsilon",
                           T::Real,
                           "1.0",
                           K::energy,
                           Range::positive(),
                           {},
                           "LJ epsilon of solute-solvent and solute-solute pairs"};
const ParamSpec kSoluteMass{
    "solute_mass", T::Real, "1.0", K::mass, Range::positive(), {}, "solute mass (solvent mass 1)"};
const ParamSpec kTemperature{"temperature",
                             T::Real,
                             "1.0",
                             K::temperature,
                             Range::positive(),
                             {},
                             "equilibration temperature"};
const ParamSpec kTimestep{"timestep", T::Real,       "0.002", K::time, Range::closed(1e-5, 0.01),
                          {},         "MD time step"};
const ParamSpec kEqSteps{
    "equilibration_steps",         T::Integer, "1000", K::dimensionless, Range::closed(0, 1e10), {},
    "Langevin equilibration steps"};
const ParamSpec kSeed{"seed",
                      T::Integer,
                      "12345",
                      K::dimensionless,
                      Range::closed(1, 900000000),
                      {},
                      "random seed (replicas: change it)"};
}  // namespace

std::unique_ptr<MdSetup> make_md_setup(InputSection& s) {
  auto setup = MdSetupFactory::find(s.string(kType))->create(s);
  s.finish();
  return setup;
}

const ParamSpec& lj_cutoff_spec() { return kCutoff; }

std::vector<const ParamSpec*> LjMixture::keys() {
  return {&kBox,    &kNSolvent,    &kNSolute,  &kSoluteEps, &kSoluteMass,
          &kCutoff, &kTemperature, &kTimestep, &kEqSteps,   &kSeed};
}

void LjMixture::read(InputSection& s) {
  const auto b = s.reals(kBox);
  if (b.size() != 3) s.fail("box", fmt::format("expected 3 edges, got {}", b.size()));
  for (int d = 0; d < 3; ++d) box[d] = b[d];
  n_solvent = s.integer(kNSolvent);
  n_solute = s.integer(kNSolute);
  solute_epsilon = s.real(kSoluteEps);
  solute_mass = s.real(kSoluteMass);
  cutoff = s.real(lj_cutoff_spec());
  temperature = s.real(kTemperature);
  timestep = s.real(kTimestep);
  equilibration_steps = s.integer(kEqSteps);
  seed = s.integer(kSeed);
  const double rho = (n_solvent + n_solute) / (box[0] * box[1] * box[2]);
  if (rho > 1.2)
    s.fail("n_solvent", fmt::format("number density {:.3g} sigma^-3 is above a dense LJ liquid "
                                    "(1.2): enlarge the box",
                                    rho));
}

std::string LjMixture::commands() const {
  // Units: LAMMPS "lj" units are the case's LJ reduced units (sigma, epsilon, solvent mass).
  return fmt::format(R"(units lj
atom_style atomic
region box block 0 {0} 0 {1} 0 {2}
create_box 2 box
create_atoms 1 random {3} {5} box
create_atoms 2 random {4} {6} box
mass 1 1.0
mass 2 {7}
group solute type 2
group solvent type 1
pair_style lj/cut {8}
pair_coeff 1 1 1.0 1.0
pair_coeff 1 2 {9} 1.0
pair_coeff 2 2 {9} 1.0
pair_modify shift yes
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
thermo 100
minimize 1e-4 1e-6 500 5000
reset_timestep 0
timestep {10}
velocity all create {11} {12} mom yes rot yes dist gaussian
fix eq_nve all nve
fix eq_lgv all langevin {11} {11} 0.5 {13}
run {14}
unfix eq_lgv
unfix eq_nve
reset_timestep 0
)",
                     box[0], box[1], box[2], n_solvent, n_solute, seed, seed + 1, solute_mass,
                     cutoff, solute_epsilon, timestep, temperature, seed + 2, seed + 3,
                     equilibration_steps);
}

void commit_outputs(MPI_Comm comm, const std::vector<std::string>& files) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Barrier(comm);
  std::string err;
  if (rank == 0) {
    try {
      for (const auto& f : files) commit_partial(f);
    } catch (const Error& e) {
      err = e.what();
    }
  }
  long n = static_cast<long>(err.size());
  MPI_Bcast(&n, 1, MPI_LONG, 0, comm);
  err.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(err.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
  if (!err.empty()) throw IoError(err);
}

}  // namespace td::md
