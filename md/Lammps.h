#pragma once
/// @file Lammps.h  An in-process LAMMPS instance on a communicator we control (LAMMPS C
/// library API, Debian liblammps-dev). No MD is written here: set-ups send LAMMPS commands.
///
/// Debian's build has no C++-exception support (lammps_config_has_exceptions() == 0): a
/// LAMMPS error ends the process after LAMMPS prints it. Set-ups therefore validate their
/// input completely (InputSection) before any command is sent, and require_styles() checks
/// every style a set-up uses before it starts.
///
/// The LAMMPS library is loaded when the first instance opens (dlopen of its soname, fixed at
/// build time), not when the program starts: the commands that run no MD (`thermodrift run`,
/// kmc, ...) do not load LAMMPS and the libraries only it needs (Python, KIM, curl, voro++,
/// ...): about 10 ms less per process and 7 MB less memory (docs/usage.md). A library that
/// cannot be loaded is an Error naming it, on every rank of the instance's communicator.
///
/// Nothing is silent: every instance writes `<prefix>log.lammps` (LAMMPS's log) and
/// `<prefix>in.lammps`, the exact command stream, replayable with a stock `lmp -in`. When a
/// LAMMPS error ends the process (LAMMPS's error->all: exit(1)), an exit handler prints the
/// ERROR line of the log with the paths of both files to stderr; when it ends the run from
/// one rank (error->one: MPI_Abort), report_lammps_abort does, from the program's MPI_Abort.
#include <mpi.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/LammpsUnits.h"

namespace td {
class Progress;
}

namespace td::md {

/// Progress of a set-up's MD: the steps of every LAMMPS `run` command, counted against the
/// steps the set-up plans (MdSetup::planned_steps), reported to a td::Progress.
struct MdSteps {
  Progress* progress = nullptr;  ///< not owned; nullptr: no reports
  long planned = 0;
  long done = 0;
};

/// Random seeds. LAMMPS's generators (RanMars, RanPark) accept seeds 1 .. kLammpsMaxSeed and
/// end the run (error->one) on any other; the set-ups derive several seeds from their `seed`
/// key, so the key's range (1 .. kMaxSeed) keeps every derived seed within LAMMPS's.
inline constexpr long kLammpsMaxSeed = 900000000;
/// Largest stream offset a set-up adds to its seed (SolvationFreeEnergy's Widom stream, seed + 5).
inline constexpr long kMaxStreamOffset = 5;
/// Replicas of a set-up (EhexMixture `replicas`); replica i draws from seed + kReplicaSeedStride i.
inline constexpr long kMaxReplicas = 1000;
inline constexpr long kReplicaSeedStride = 4;
/// Ranks of one LAMMPS instance: LAMMPS seeds per-rank streams with seed + rank (fix langevin),
/// so the rank is an offset too (the Lammps constructor refuses more ranks).
inline constexpr long kMaxSeedRanks = 1L << 20;
/// Largest offset between a seed key and a seed LAMMPS receives (rank included).
inline constexpr long kMaxSeedOffset =
    kMaxStreamOffset + kReplicaSeedStride * (kMaxReplicas - 1) + (kMaxSeedRanks - 1);
/// Largest value of a `seed` key: every seed derived from it is at most kLammpsMaxSeed. A
/// round number below kLammpsMaxSeed - kMaxSeedOffset, so that the range printed in errors
/// and docs/input.md (three significant digits) is the true one.
inline constexpr long kMaxSeed = 898000000;
static_assert(kMaxSeed + kMaxSeedOffset <= kLammpsMaxSeed);

/// (category, style) pairs, e.g. {"fix", "ehex"}; category as lammps_has_style takes it:
/// "fix", "compute", "pair", "atom", "integrate", "minimize", "region", "command", ...
using StyleList = std::vector<std::pair<std::string, std::string>>;

/// The functions of LAMMPS's C library API this module calls, resolved at run time.
struct LammpsApi;

/// The styles the md module uses (fix ehex, fix nvt, fix langevin, compute msd,
/// fix ave/chunk, pair lj/cut, pair eam, plus helpers).
const StyleList& required_styles();

/// Report, on this rank, that a LAMMPS instance of this process is ending the run with
/// MPI_Abort: LAMMPS's error->one, an error that one rank found alone. Its message goes to
/// that rank's screen, which thermodrift turns off, and to the log only when that rank is
/// rank 0: this prints the ERROR line of the log when there is one, else says so, with the
/// paths of the log and of the input script that replays the run. Does nothing when no
/// instance is running or the error was reported already. Called by the program's MPI_Abort
/// (drivers/cmd_dispatch.cpp), before Open MPI's.
void report_lammps_abort();

/// Have @p cleanup run on every rank of an instance when LAMMPS ends the process while the
/// instance is open: its error->all calls exit(1), or MPI_Abort on a sub-communicator, and
/// error->one MPI_Abort, past every C++ frame of ours, so that no destructor runs (e.g. the
/// removal of the failed run's unfinished outputs, md/Setup.h ClaimedOutputs). One function
/// per process, installed once; @p cleanup must be safe to call more than once.
void at_lammps_exit(void (*cleanup)());

/// The `title1` keyword of a fix ave/chunk command that writes the units line of its file
/// (io/Readers.h units_line: the unit system of LAMMPS's numbers in style @p u) as the file's
/// first header line, in place of LAMMPS's "# Chunk-averaged data for fix ..."; the second and
/// third lines (block header, column names), which read_ave_chunk reads, stay LAMMPS's.
std::string chunk_units_title(const LammpsUnits& u);

/// The files an instance with file prefix @p prefix writes: `<prefix>log.lammps` (LAMMPS's
/// log) and `<prefix>in.lammps` (the input record), in that order.
std::vector<std::string> lammps_records(const std::string& prefix);

class Lammps {
 public:
  /// Open LAMMPS on @p comm writing `<prefix>log.lammps` and `<prefix>in.lammps` (rank 0);
  /// screen output is off; the steps of each `run` command are added to @p steps (if given)
  /// and reported. Throws IoError if the input record cannot be created.
  explicit Lammps(MPI_Comm comm, const std::string& prefix, MdSteps* steps = nullptr);
  ~Lammps();
  Lammps(const Lammps&) = delete;
  Lammps& operator=(const Lammps&) = delete;

  /// Throw td::Error naming every missing style (and the LAMMPS version) if any of @p styles
  /// is not compiled into this LAMMPS.
  void require_styles(const StyleList& styles) const;
  bool has_style(const std::string& category, const std::string& name) const;

  /// One command / several newline-separated commands.
  void command(const std::string& cmd);
  void commands(const std::string& text);

  /// Thermo keyword value ("temp", "pe", "step", ...), current on every rank.
  double thermo(const std::string& keyword) const;
  /// Global scalar of compute @p id (computed on demand; same on every rank).
  double compute_scalar(const std::string& id) const;
  /// Entry @p i of the global vector of compute @p id.
  double compute_vector(const std::string& id, int i) const;
  /// Global scalar / vector entry of fix @p id.
  double fix_scalar(const std::string& id) const;
  double fix_vector(const std::string& id, int i) const;
  /// Value of an equal-style variable.
  double variable(const std::string& name) const;
  /// Total number of atoms.
  long natoms() const;
  /// Per-atom double property (e.g. "x", "v", "f") of all atoms ordered by atom id,
  /// @p count values per atom; identical on every rank.
  std::vector<double> gather(const std::string& name, int count) const;
  /// Box bounds: lo[3], hi[3].
  void box(double lo[3], double hi[3]) const;
  /// LAMMPS version number (YYYYMMDD).
  int version() const;

  void* handle() const { return h_; }
  /// The log and input-script files of this instance.
  const std::string& log_path() const { return log_; }
  const std::string& input_path() const { return input_; }

 private:
  /// Append @p text (one or more commands) to the input record (rank 0).
  void record(const std::string& text);
  /// THERMODRIFT_FAULT=lammps_command[@rank]:lammps_error sends LAMMPS a command it rejects.
  void inject_fault();
  /// Count the `run N` commands of @p text into steps_ and report them.
  void count_runs(const std::string& text);
  MdSteps* steps_ = nullptr;
  std::unique_ptr<const LammpsApi> api_;  ///< loaded before h_ is opened
  void* h_ = nullptr;
  MPI_Comm comm_;
  int rank_ = 0;
  std::string log_, input_;
  std::FILE* script_ = nullptr;  ///< the input record, open on rank 0
};

}  // namespace td::md
