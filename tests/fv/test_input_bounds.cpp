// Bounded and finite inputs of `thermodrift run` cases (issue: fuzzed inputs): cell counts
// beyond PETSc's index range are refused before allocation, a table law evaluated outside its
// temperatures names the file, line and key of its table at set-up, and a steady drift the
// mesh cannot represent is an input error instead of a solution negative in half the cells.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "fv/Case.h"

using namespace td;

namespace {

std::string soret_case(const std::string& mesh, const std::string& diffusivity, double S_T,
                       const std::string& mode = "steady") {
  return fmt::format(R"([units]
system = "SI"
[mesh]
{}
[temperature]
type = "linear"
T_ref = 290.0
gradient = ["20 K/mm", 0.0, 0.0]
[[species]]
name = "solute"
[species.diffusivity]
{}
[species.soret]
value = {}
[species.initial]
value = 1.0e24
[solver]
mode = "{}"
)",
                     mesh, diffusivity, S_T, mode);
}

const std::string kMesh2d =
    "dim = 2\n[mesh.x]\ncells = 48\nlength = \"1 mm\"\n[mesh.y]\ncells = 8\nlength = \"1 mm\"";
const std::string kConstD = "type = \"constant\"\nvalue = 1e-9";

std::string load_error(const std::string& text) {
  try {
    Case::from_string(PETSC_COMM_SELF, text, "case.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(InputBounds, CellCountsBeyondTheIndexRangeAreRefusedBeforeAllocation) {
  // 3e9 cells on one axis: out of the declared range, not narrowed to a negative int
  const std::string one = "dim = 1\n[mesh.x]\ncells = 3000000000\nlength = 1.0";
  EXPECT_NE(load_error(soret_case(one, kConstD, 0.0)).find("out of the accepted range"),
            std::string::npos);
  // every axis in range, their product (1e13 cells) beyond PETSc's 32-bit index
  const std::string three =
      "dim = 3\n[mesh.x]\ncells = 100000\nlength = 1.0\n[mesh.y]\ncells = 100000\nlength = "
      "1.0\n[mesh.z]\ncells = 1000\nlength = 1.0";
  const std::string e = load_error(soret_case(three, kConstD, 0.0));
  EXPECT_NE(e.find("index range"), std::string::npos) << e;
  EXPECT_NE(e.find("case.toml"), std::string::npos) << e;
}

TEST(InputBounds, TableOutsideTheCaseTemperaturesNamesFileLineAndKey) {
  // the case spans 290 .. 310 K; the table ends at 300 K
  const std::string table =
      "type = \"table\"\ntemperatures = [280.0, 300.0]\nvalues = [1e-9, 1.1e-9]";
  const std::string e = load_error(soret_case(kMesh2d, table, 0.05));
  EXPECT_NE(e.find("case.toml:1"), std::string::npos) << e;  // the table's line, 17 or 18
  EXPECT_NE(e.find("species[0].diffusivity"), std::string::npos) << e;
  EXPECT_NE(e.find("outside the table range"), std::string::npos) << e;
}

TEST(InputBounds, SteadyDriftBeyondDoublePrecisionIsAnInputError) {
  // S_T = 1e3 /K over 20 K: c ~ exp(-S_T dT) spans e^20000
  const std::string e = load_error(soret_case(kMesh2d, kConstD, 1e3));
  EXPECT_NE(e.find("beyond double precision"), std::string::npos) << e;
  // a moderate drift loads
  EXPECT_EQ(load_error(soret_case(kMesh2d, kConstD, 0.05)), "");
}
