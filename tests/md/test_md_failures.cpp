// `thermodrift md` never fails silently: a LAMMPS error (here a command LAMMPS rejects,
// injected through THERMODRIFT_FAULT) reaches stderr with LAMMPS's ERROR line and the paths of
// the log and of the replayable input script; an output directory that does not exist is
// created before the first MD step; a result that cannot be written is an error naming it. In
// every failure the exit status is non-zero and no "wrote" line is printed; every run keeps
// <prefix>log.lammps and <prefix>in.lammps.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "io/Readers.h"
#include "tests/support/case_dir.h"

namespace {

namespace fs = std::filesystem;
using td::test::replace;
using td::test::run_case;

const char* kMsd = R"([units]
system = "LJ"
lj = "argon"
[md]
type = "msd_diffusion"
equilibration_steps = 200
seed = 4711
temperatures = [0.7]
blocks = 2
block_steps = 100
[md.system]
box = [6.0, 6.0, 24.0]
n_solvent = 500
n_solute = 40
[output]
prefix = "out/sub/msd_"
)";

TEST(MdFailures, MissingDirectoryIsCreatedAndLogAndInputScriptAreKept) {
  const auto run = run_case("md", kMsd, "md_dir");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const fs::path out = run.dir / "out" / "sub";
  for (const char* f :
       {"msd_D_solute.dat", "msd_D_solvent.dat", "msd_T0.7_log.lammps", "msd_T0.7_in.lammps"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_NE(run.r.output.find("wrote out/sub/msd_D_solute.dat"), std::string::npos) << run.r.output;
  // the input script holds the commands that ran, in order
  std::ifstream in(out / "msd_T0.7_in.lammps");
  const std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(script.find("units lj"), std::string::npos) << script.substr(0, 400);
  EXPECT_NE(script.find("run 100"), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "msd_D_solute.dat.partial"));
  // the diffusivities state the unit system of their numbers, for the fit to check
  const td::md::Table d = td::md::read_columns((out / "msd_D_solute.dat").string());
  EXPECT_EQ(d.units, "LJ(argon)");
  EXPECT_EQ(d.columns, (std::vector<std::string>{"T", "D", "D_err"}));
}

TEST(MdFailures, LammpsErrorReachesStderrWithLogAndInputScript) {
  const fs::path dir = fs::temp_directory_path() / "td_md_lammps_error";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "case.toml") << kMsd;
  const auto r = td::test::run_cli("md case.toml", dir.string(),
                                   "THERMODRIFT_FAULT=lammps_command:lammps_error");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("LAMMPS stopped the run: ERROR: Unknown command"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("log: out/sub/msd_T0.7_log.lammps"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("lmp -in out/sub/msd_T0.7_in.lammps"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("wrote"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "sub" / "msd_D_solute.dat"));
  EXPECT_TRUE(fs::exists(dir / "out" / "sub" / "msd_T0.7_in.lammps"));
}

// LAMMPS is loaded when the set-up opens it (md/Lammps.h): a library that cannot be loaded is
// an error naming it, on every rank, with no result and no "wrote" line.
TEST(MdFailures, LammpsLibraryThatCannotBeLoadedIsAnErrorNamingIt) {
  const fs::path dir = fs::temp_directory_path() / "td_md_lammps_load";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "case.toml") << kMsd;
  const auto r =
      td::test::run_cli("md case.toml", dir.string(), "THERMODRIFT_FAULT=lammps_load:missing");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("cannot load the LAMMPS library libthermodrift-no-such-lammps.so.0"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("wrote"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "sub" / "msd_D_solute.dat"));
  // loaded before any file of the run is written: no input record of a run that never began
  EXPECT_FALSE(fs::exists(dir / "out" / "sub" / "msd_T0.7_in.lammps"));
}

TEST(MdFailures, UnwritableResultIsAnErrorWithoutWrote) {
  const fs::path dir = fs::temp_directory_path() / "td_md_unwritable";
  fs::remove_all(dir);
  // a directory where the result file should go: it cannot be written even as root
  fs::create_directories(dir / "out" / "sub" / "msd_D_solute.dat");
  std::ofstream(dir / "case.toml") << kMsd;
  const auto r = td::test::run_cli("md case.toml", dir.string());
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("msd_D_solute.dat"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("wrote"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "sub" / "msd_D_solute.dat.partial"));
}

TEST(MdFailures, OutputDirectoryThatCannotBeCreatedIsRefusedBeforeMd) {
  const fs::path dir = fs::temp_directory_path() / "td_md_nodir";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "out") << "a file where the output directory should be\n";
  std::ofstream(dir / "case.toml") << kMsd;
  const auto r = td::test::run_cli("md case.toml", dir.string());
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("case.toml:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("prefix"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot create the output directory"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("LAMMPS log"), std::string::npos) << "MD started: " << r.output;
}

TEST(MdFailures, UserForceFieldThatLammpsRejectsReachesStderr) {
  // a user's system (data_file source): the settings file names a pair style LAMMPS lacks
  const std::string data =
      "tiny\n\n2 atoms\n1 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\n"
      "Masses\n\n1 39.94\n\nAtoms # atomic\n\n1 1 1.0 1.0 1.0\n2 1 5.0 5.0 5.0\n";
  const auto run =
      run_case("md", R"([units]
system = "SI"
[md]
type = "msd_diffusion"
temperature = "100 K"
timestep = "2 fs"
temperatures = ["100 K"]
[md.system]
type = "data_file"
units = "real"
atom_style = "atomic"
data_file = "tiny.data"
settings_file = "tiny.settings"
solute = "type 1"
[output]
prefix = "out/"
)",
               "md_badstyle", "",
               {{"tiny.data", data}, {"tiny.settings", "pair_style no_such_style 8.5\n"}});
  EXPECT_NE(run.r.status, 0) << run.r.output;
  EXPECT_NE(run.r.output.find("LAMMPS stopped the run: ERROR: Unrecognized pair style"),
            std::string::npos)
      << run.r.output;
  EXPECT_NE(run.r.output.find("log: out/T100_log.lammps"), std::string::npos) << run.r.output;
  EXPECT_EQ(run.r.output.find("wrote"), std::string::npos) << run.r.output;
  // the input script names the user's files by absolute path and includes the settings
  std::ifstream in(run.dir / "out" / "T100_in.lammps");
  const std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(script.find("include \"" + (run.dir / "tiny.settings").string() + "\""),
            std::string::npos)
      << script.substr(0, 600);
}

/// The tiny eHEX case (tests/md/ehex_tiny.toml) writing to out/ehex_*.
std::string ehex_tiny_case() {
  std::ifstream in(std::string(TD_SOURCE_DIR) + "/tests/md/ehex_tiny.toml");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) +
         "[output]\nprefix = \"out/ehex_\"\n";
}

TEST(MdFailures, UnwritableEhexProfileIsAnErrorWithoutWrote) {
  const fs::path dir = fs::temp_directory_path() / "td_md_ehex_unwritable";
  fs::remove_all(dir);
  // a directory where a profile should go: its .partial cannot be renamed onto it
  fs::create_directories(dir / "out" / "ehex_temp.chunk");
  std::ofstream(dir / "case.toml") << ehex_tiny_case();
  const auto r = td::test::run_cli("md case.toml", dir.string());
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("ehex_temp.chunk"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("wrote"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "ehex_solute.chunk")) << "committed after a failure";
}

// A run that fails after claiming its outputs leaves no .partial that would refuse the next
// run on the same prefix ("cannot create out/ehex_temp.chunk.partial: it exists"): here LAMMPS
// stops the run (a heat rate that drives eHEX's kinetic energy negative), which ends the
// process past every C++ frame; both profiles' .partial files were left.
TEST(MdFailures, AFailedRunLeavesNothingThatRefusesTheNextRun) {
  const fs::path dir = fs::temp_directory_path() / "td_md_failed_rerun";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string text = ehex_tiny_case();
  std::ofstream(dir / "bad.toml") << replace(text, "[md.system]\n",
                                             "heat_rate = 1e6\n[md.system]\n");
  std::ofstream(dir / "case.toml") << text;
  const auto failed = td::test::run_cli("md bad.toml", dir.string());
  EXPECT_NE(failed.status, 0) << failed.output;
  EXPECT_NE(failed.output.find("Fix ehex kinetic energy went negative"), std::string::npos)
      << failed.output;
  for (const char* f : {"ehex_temp.chunk.partial", "ehex_solute.chunk.partial"})
    EXPECT_FALSE(fs::exists(dir / "out" / f)) << f;
  const auto rerun = td::test::run_cli("md case.toml", dir.string());
  EXPECT_EQ(rerun.status, 0) << rerun.output;
  EXPECT_TRUE(fs::exists(dir / "out" / "ehex_temp.chunk"));
}

// The outputs are claimed one by one: when a later claim fails (a stale .partial of the
// solute profile), the earlier one (the temperature profile's) is removed, not left to refuse
// the next run; the stale file, not this run's, stays.
TEST(MdFailures, AClaimThatFailsRemovesTheClaimsBeforeIt) {
  const fs::path dir = fs::temp_directory_path() / "td_md_stale_claim";
  fs::remove_all(dir);
  fs::create_directories(dir / "out");
  std::ofstream(dir / "out" / "ehex_solute.chunk.partial") << "left by a stopped run\n";
  std::ofstream(dir / "case.toml") << ehex_tiny_case();
  const auto r = td::test::run_cli("md case.toml", dir.string());
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("cannot create out/ehex_solute.chunk.partial: it exists"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "ehex_temp.chunk.partial"));
  EXPECT_TRUE(fs::exists(dir / "out" / "ehex_solute.chunk.partial"));
}

TEST(MdFailures, MixtureKeysAtTheirOldPlaceStillWorkWithAWarning) {
  // the LJ mixture keys were in [md] before the system sources: read there, with a warning
  const auto run = run_case("md", replace(kMsd, "[md.system]\n", ""), "md_oldkeys", "--dry-run");
  EXPECT_EQ(run.r.status, 0) << run.r.output;
  EXPECT_NE(run.r.output.find("[md] box is deprecated; write [md.system] box instead"),
            std::string::npos)
      << run.r.output;
}

}  // namespace

// An error LAMMPS finds on one rank alone (error->one: here rank 0 reading a malformed EAM
// file) ends the run with MPI_Abort; its message went to a screen thermodrift turns off, and
// the run ended with Open MPI's "MPI_ABORT was invoked" alone. The program's MPI_Abort
// (drivers/cmd_dispatch.cpp) now says what happened first.
TEST(MdFailures, AnErrorLammpsFindsOnOneRankReachesStderr) {
  const fs::path dir = fs::temp_directory_path() / "td_md_error_one";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ifstream in(std::string(TD_SOURCE_DIR) + "/examples/md_cu_column/cu_column_tiny.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text = replace(text, "[md]\n", "[md]\neam_file = \"broken.eam.alloy\"\neam_element = \"Cu\"\n");
  std::ofstream(dir / "case.toml") << text;
  // a setfl header whose element line is there but whose tables are missing
  std::ofstream(dir / "broken.eam.alloy") << "comment\ncomment\ncomment\n1 Cu\n";
  const auto r = td::test::run_cli("md case.toml -o out_", dir.string());
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("thermodrift: error on rank 0 of 1: LAMMPS ended the run from this rank"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ERROR on proc 0: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("eam/alloy potential file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("log: out_log.lammps"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("lmp -in out_in.lammps"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("wrote"), std::string::npos) << r.output;
}

namespace {

/// The text of file @p name of the examples' data-file system (examples/md_data_file).
std::string example_file(const std::string& name) {
  std::ifstream in(std::string(TD_SOURCE_DIR) + "/examples/md_data_file/" + name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The names of every file md writes are checked against its inputs before LAMMPS starts: a
// settings file called run_in.lammps with prefix "run_" was overwritten by the LAMMPS input
// record (and LAMMPS then included the record itself), as was a data file named like a result.
TEST(MdFailures, AnOutputNamedLikeAnInputIsRefusedBeforeLammpsStarts) {
  const std::string settings = example_file("mixture.settings");
  std::string text = example_file("md_ehex.toml");
  text = replace(text, "settings_file = \"mixture.settings\"", "settings_file = \"run_in.lammps\"");
  text = replace(text, "prefix = \"out/ehex_\"", "prefix = \"run_\"");
  const auto run =
      run_case("md", text, "md_output_is_input", "",
               {{"mixture.data", example_file("mixture.data")}, {"run_in.lammps", settings}});
  td::test::expect_failure(
      run,
      {"case.toml:", "key 'output.prefix'", "the output run_in.lammps", "an input of this run"},
      {"mixture.data", "run_in.lammps"});
  EXPECT_EQ(run.r.output.find("LAMMPS log"), std::string::npos) << "MD started: " << run.r.output;
  std::ifstream in(run.dir / "run_in.lammps");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
            settings);
  // a result name (here the temperature profile) and -o instead of the key
  std::string data_run =
      replace(text, "data_file = \"mixture.data\"", "data_file = \"x_temp.chunk\"");
  data_run = replace(data_run, "settings_file = \"run_in.lammps\"",
                     "settings_file = \"mixture.settings\"");
  const auto r =
      run_case("md", data_run, "md_result_is_input", "-o x_",
               {{"x_temp.chunk", example_file("mixture.data")}, {"mixture.settings", settings}});
  td::test::expect_failure(r, {"key '-o'", "the output x_temp.chunk", "an input of this run"},
                           {"x_temp.chunk", "mixture.settings"});
}

}  // namespace
