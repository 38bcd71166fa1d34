// Bad inputs to `thermodrift run`: a clear message naming file, line and key, a non-zero exit
// status, and no result file left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/case_dir.h"


namespace {

const char* kGood = R"(
[mesh]
dim = 1
[mesh.x]
cells = 8
length = 1.0

[temperature]
type = "linear"
T_ref = 1.0
gradient = [1.0]

[[species]]
name = "a"
[species.diffusivity]
type = "constant"
value = 1.0
[species.soret]
value = 2.0
[species.initial]
value = 1.0
)";

/// Run `thermodrift run case.toml -q` on @p text in a fresh directory.
td::test::CaseRun run_case(const std::string& text, const std::string& name) {
  return td::test::run_case("run", text, "bad_" + name, "-q");
}

using td::test::expect_failure;
using td::test::replace;

}  // namespace

TEST(BadInput, GoodCaseRuns) {
  const auto run = run_case(kGood, "good");
  EXPECT_EQ(run.r.status, 0) << run.r.output;
}

TEST(BadInput, UnknownKey) {
  expect_failure(run_case(replace(kGood, "cells = 8", "cells = 8\ncels = 9"), "unknown"),
                 {"case.toml:6", "mesh.x.cels", "unknown key"});
}

// A misspelt required key is named as unknown, not reported as the missing one.
TEST(BadInput, MisspeltRequiredKeyIsNamedAsUnknown) {
  const std::string transient =
      std::string(kGood) + "[solver]\nmode = \"transient\"\n[solver.transient]\nt_ned = 1.0\n";
  const auto run = run_case(transient, "misspelt");
  expect_failure(run, {"case.toml:25", "solver.transient.t_ned", "unknown key"});
  EXPECT_EQ(run.r.output.find("needs t_end"), std::string::npos) << run.r.output;
}

// A CVODE failure of its own (no callback failed) carries CVODE's message, which says why.
TEST(BadInput, CvodeFailuresCarryCvodesOwnMessage) {
  const std::string transient = std::string(kGood) +
                                "[solver]\nmode = \"transient\"\n[solver.transient]\n"
                                "t_end = 1e-300\noutputs = 100000\n";
  expect_failure(run_case(transient, "cvode_message"), {"CV_ILL_INPUT", "; CVODE: The value"});
}

// An integer PETSc option beyond 32 bits is refused: PETSc read 4294967297 as 1 (a Krylov
// solve limited to one iteration) without a word.
TEST(BadInput, PetscIntegerOptionsBeyond32BitsAreRefused) {
  const auto run = td::test::run_case("run", kGood, "bad_petsc_int", "-q -ksp_max_it 4294967297");
  expect_failure(run, {"-ksp_max_it 4294967297", "32 bits", "2147483647"});
}

// A failed linear solve advises on the options the user gave, or, where none chose the
// solvers, names other methods to try (it told the user to check options never given).
TEST(BadInput, AFailedLinearSolveAdvisesOnTheSolversGivenOrTheDefault) {
  std::string two_d = replace(kGood, "cells = 8\nlength = 1.0\n",
                              "cells = 16\nlength = 1.0\n[mesh.y]\ncells = 16\nlength = 1.0\n");
  two_d = replace(two_d, "dim = 1", "dim = 2");
  two_d = replace(two_d, "gradient = [1.0]", "gradient = [1.0, 0.0, 0.0]");
  expect_failure(td::test::run_case("run", two_d, "fail_default", "-q -ksp_max_it 1"),
                 {"DIVERGED_ITS", "the default solvers failed here", "-ksp_type bcgs"});
  expect_failure(td::test::run_case("run", two_d, "fail_given", "-q -ksp_type gmres -ksp_max_it 1"),
                 {"DIVERGED_ITS", "check the -ksp_type and -pc_type options"});
}

TEST(BadInput, WrongType) {
  expect_failure(run_case(replace(kGood, "cells = 8", "cells = \"eight\""), "type"),
                 {"case.toml:5", "mesh.x.cells", "expected an integer"});
}

TEST(BadInput, NegativeDiffusivity) {
  expect_failure(
      run_case(replace(kGood, "value = 1.0\n[species.soret]", "value = -1.0\n[species.soret]"),
               "negdiff"),
      {"case.toml:17", "species[0].diffusivity.value", "-1", "(0, inf)"});
}

TEST(BadInput, MissingFile) {
  const auto r = run_case(kGood, "missing");
  const std::string cmd = std::string(TD_BINARY) + " run /nonexistent/case.toml 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 512> buf{};
  while (fgets(buf.data(), buf.size(), p)) out += buf.data();
  EXPECT_NE(pclose(p), 0);
  EXPECT_NE(out.find("/nonexistent/case.toml"), std::string::npos) << out;
}

TEST(BadInput, MissingTemperatureProfileFile) {
  expect_failure(run_case(replace(kGood, "type = \"linear\"\nT_ref = 1.0\ngradient = [1.0]",
                                  "type = \"table\"\nfile = \"nope.dat\""),
                          "profile"),
                 {"case.toml:10", "temperature.file", "nope.dat"});
}

TEST(BadInput, MeshWithZeroCells) {
  expect_failure(run_case(replace(kGood, "cells = 8", "cells = 0"), "zero"),
                 {"case.toml:5", "mesh.x.cells", "out of the accepted range"});
}

TEST(BadInput, InconsistentBoundaryConditions) {
  // a boundary condition on a periodic axis
  auto text = replace(kGood, "length = 1.0", "length = 1.0\nperiodic = true");
  text = replace(text, "gradient = [1.0]", "gradient = [0.0]");
  text += "[species.boundary.xlo]\ntype = \"dirichlet\"\nvalue = 1.0\n";
  expect_failure(run_case(text, "bc"), {"case.toml:", "species[0].boundary.xlo", "periodic"});
  // a periodic axis with a temperature gradient along it
  expect_failure(run_case(replace(kGood, "length = 1.0", "length = 1.0\nperiodic = true"), "bcT"),
                 {"case.toml:", "temperature", "periodic"});
}

TEST(BadInput, SyntaxError) {
  expect_failure(run_case(replace(kGood, "cells = 8", "cells = = 8"), "syntax"),
                 {"case.toml:5", "syntax"});
}

TEST(BadInput, OwnOptionsAfterAPetscOptionAreAnErrorNotDropped) {
  // PETSc took everything from its first option on: an -o there was dropped and the result
  // written (over an earlier one) under the default name; --restart was dropped the same way
  for (const std::string args :
       {"-pc_type lu -o out.h5", "-ksp_rtol 1e-10 --restart out.h5", "-o out.h5 -pc_type lu -q"}) {
    const auto run = td::test::run_case("run", kGood, "own_after_petsc", args);
    EXPECT_NE(run.r.status, 0) << args;
    EXPECT_NE(run.r.output.find("comes after the PETSc option"), std::string::npos)
        << args << ": " << run.r.output;
    EXPECT_FALSE(std::filesystem::exists(run.dir / "out.h5")) << args;
    EXPECT_FALSE(std::filesystem::exists(run.dir / "case.h5")) << args;
  }
  // before them, they are taken
  const auto run = td::test::run_case("run", kGood, "own_before_petsc",
                                      "-o out.h5 -q -ksp_rtol 1e-10 -ksp_divtol 1e4");
  EXPECT_EQ(run.r.status, 0) << run.r.output;
  EXPECT_TRUE(std::filesystem::exists(run.dir / "out.h5"));
}

TEST(BadInput, PetscOptionsNoSolverReadAreNamedAndPetscErrorsComeOnce) {
  // a misspelt option, or one for a solver the run does not have, was ignored in silence
  auto run = td::test::run_case("run", kGood, "petsc_unused",
                                "-o out.h5 -q -ksp_typ gmres -heat_ksp_type cg -ksp_rtol 1e-10");
  EXPECT_EQ(run.r.status, 0) << run.r.output;
  EXPECT_NE(run.r.output.find("PETSc option -ksp_typ was not used"), std::string::npos)
      << run.r.output;
  EXPECT_NE(run.r.output.find("PETSc option -heat_ksp_type was not used"), std::string::npos)
      << run.r.output;
  EXPECT_EQ(run.r.output.find("-ksp_rtol was not used"), std::string::npos) << run.r.output;
  // thermodrift's own options are not PETSc's
  EXPECT_EQ(run.r.output.find("option -o "), std::string::npos) << run.r.output;
  EXPECT_EQ(run.r.output.find("option -q "), std::string::npos) << run.r.output;
  // an unknown type: PETSc's specific message once, in thermodrift's, without its traceback
  run = td::test::run_case("run", kGood, "petsc_unknown", "-o out.h5 -q -ksp_type foo");
  EXPECT_NE(run.r.status, 0);
  EXPECT_NE(run.r.output.find("thermodrift: error: PETSc call"), std::string::npos) << run.r.output;
  EXPECT_NE(run.r.output.find("Unable to find requested KSP type foo"), std::string::npos)
      << run.r.output;
  EXPECT_EQ(run.r.output.find("PETSC ERROR"), std::string::npos) << run.r.output;
}
