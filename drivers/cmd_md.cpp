/// @file cmd_md.cpp  `thermodrift md CASE.toml`: run the LAMMPS set-up of the [md] table
/// (`type` selects it, md/Setup.h) in-process on this command's communicator; outputs are
/// named from [output] prefix.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "core/Progress.h"
#include "drivers/Command.h"
#include "fv/Case.h"
#include "md/Setup.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kPrefix{"prefix",
                        T::String,
                        "\"\"",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "prefix of every output file; relative to the working directory "
                        "(default: <input name>_; `-o` overrides)"};
const KeyDeclaration kOutputKeys(
    {"output", "", "md", "Names of the files an MD set-up writes.", {&kPrefix}});

class Md : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML: [units], [md] type = ... ([md.system]: the atoms), [output] prefix")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "prefix of every output file, e.g. out/ehex_ (overrides [output] prefix; "
                   "relative to the current directory)");
    sub.add_flag("--dry-run", dry_run_,
                 "read and check the input, create the output directory and print the output "
                 "prefix, without running LAMMPS");
    set_help(sub, "mpirun -np 2 thermodrift md examples/md_pipeline/md_msd.toml -o out/msd_",
             "docs/md.md", true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    InputSection root = InputSection::parse_file(file_);
    // the set-up checks the units it can run in (LJ for the built-in systems)
    read_units(root);
    InputSection m = root.section("md");
    auto setup = md::make_md_setup(m);
    InputSection o = root.section("output", true);
    const std::string prefix = output_path(o, kPrefix, output_, "_");
    // The output directory exists before the first MD step, or the run does not start.
    const std::filesystem::path dir = std::filesystem::path(prefix + "x").parent_path();
    std::string err;
    if (rank == 0 && !dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec || !std::filesystem::is_directory(dir))
        err = fmt::format("cannot create the output directory {}: {}", dir.string(),
                          ec ? ec.message() : "a file of that name exists");
    }
    int bad = err.empty() ? 0 : 1;
    MPI_Bcast(&bad, 1, MPI_INT, 0, comm);
    if (bad) o.fail("prefix", rank == 0 ? err : "cannot create the output directory");
    // every file the set-up writes, LAMMPS's log and input record included, is checked before
    // LAMMPS starts: an input of the run under one of those names would be overwritten (a
    // settings file run_in.lammps with prefix "run_", which LAMMPS would then include itself)
    const std::vector<std::string> outputs = setup->outputs(prefix);
    for (const std::string& f : outputs)
      if (const std::string why = output_name_problem(f); !why.empty()) {
        const std::string msg =
            fmt::format("the output {} (prefix {}) is not usable: {}", f, prefix, why);
        if (!output_.empty()) throw InputError({"<command line>", 0, "-o"}, msg);
        o.fail(kPrefix.key, msg);
      }
    o.finish();
    root.finish();
    if (rank == 0)
      fmt::print("thermodrift md: LAMMPS log and input script of each run: {}[...]log.lammps, "
                 "{}[...]in.lammps\n",
                 prefix, prefix);
    std::fflush(stdout);
    if (dry_run_) {
      if (rank == 0)
        fmt::print("dry run: {} MD steps planned; LAMMPS not started\n", setup->planned_steps());
      std::fflush(stdout);
      return 0;
    }
    Progress progress = this->progress(comm, "md");
    setup->report_to(&progress);
    const auto files = setup->run(comm, prefix);
    for (const auto& f : files)
      if (std::find(outputs.begin(), outputs.end(), f) == outputs.end())
        throw InternalError(fmt::format("md wrote {}, which its outputs() did not list", f));
    if (rank == 0)
      for (const auto& f : files) {
        if (!std::filesystem::exists(f)) throw IoError(fmt::format("{} was not written", f));
        fmt::print("wrote {}\n", f);
      }
    return 0;
  }

 private:
  std::string file_, output_;
  bool dry_run_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Md>(); }
CommandFactory::Registrar reg("md", "run a LAMMPS set-up (in-process) and write its profiles",
                              &create);
}  // namespace

}  // namespace td
