/// @file cmd_md.cpp  `thermodrift md CASE.toml`: run the LAMMPS set-up of the [md] table
/// (`type` selects it, md/Setup.h) in-process on this command's communicator; outputs are
/// named from [output] prefix.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "core/KeyRegistry.h"
#include "drivers/Command.h"
#include "fv/Case.h"
#include "md/Setup.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kPrefix{"prefix",
                        T::String,
                        "",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "prefix of every output file (relative to the input)"};
const KeyDeclaration kOutputKeys(
    {"output", "", "md", "Names of the files an MD set-up writes.", {&kPrefix}});

class Md : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML: [units] (LJ), [md] type = ..., [output] prefix")
        ->required()
        ->check(CLI::ExistingFile);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    InputSection root = InputSection::parse_file(file_);
    const auto u = read_units(root);
    if (!u.is_reduced())
      root.fail("units", "MD set-ups run in LJ reduced units: set [units] system = \"LJ\"");
    InputSection m = root.section("md");
    auto setup = md::make_md_setup(m);
    InputSection o = root.section("output");
    std::string prefix = o.string(kPrefix);
    if (!prefix.empty() && prefix[0] != '/') prefix = o.base_dir() + "/" + prefix;
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
    o.finish();
    root.finish();
    if (rank == 0)
      fmt::print("thermodrift md: LAMMPS log and input script of each run: {}[...]log.lammps, "
                 "{}[...]in.lammps\n",
                 prefix, prefix);
    std::fflush(stdout);
    const auto files = setup->run(comm, prefix);
    if (rank == 0)
      for (const auto& f : files) {
        if (!std::filesystem::exists(f)) throw IoError(fmt::format("{} was not written", f));
        fmt::print("wrote {}\n", f);
      }
    return 0;
  }

 private:
  std::string file_;
};

std::unique_ptr<Command> create() { return std::make_unique<Md>(); }
CommandFactory::Registrar reg("md", "run a LAMMPS set-up (in-process) and write its profiles",
                              &create);
}  // namespace

}  // namespace td
