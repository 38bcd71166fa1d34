/// @file cmd_md.cpp  `thermodrift md CASE.toml`: run the LAMMPS set-up of the [md] table
/// (`type` selects it, md/Setup.h) in-process on this command's communicator; outputs are
/// named from [output] prefix.
#include <fmt/format.h>

#include <iostream>

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
    o.finish();
    root.finish();
    const auto files = setup->run(comm, prefix);
    if (rank == 0)
      for (const auto& f : files) std::cout << "wrote " << f << "\n";
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
