// Clear errors for bad reaction inputs of a finite-volume case: file, line, key and value.
#include <gtest/gtest.h>

#include <string>

#include "core/Error.h"
#include "fv/Case.h"

using namespace td;

namespace {

const char* kDimer = R"(
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
name = "A"
[species.diffusivity]
value = 1.0
[[species]]
name = "A2"
composition = "2 A"
[species.diffusivity]
value = 0.5
[[reactions]]
equation = "2 A <=> A2"
K0 = 2.0
[reactions.rate]
value = 10.0
)";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

std::string load_error(const std::string& text) {
  try {
    Case::from_string(PETSC_COMM_SELF, text, "case.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(ReactionInput, BadReactionsGetClearErrors) {
  EXPECT_EQ(load_error(kDimer), "no error");
  auto e = load_error(replaced(kDimer, "2 A <=> A2", "2 A <=> B2"));
  EXPECT_NE(e.find("unknown species 'B2'"), std::string::npos) << e;
  EXPECT_NE(e.find("case.toml:"), std::string::npos) << e;
  e = load_error(replaced(kDimer, "2 A <=> A2", "A <=> A2"));
  EXPECT_NE(e.find("unbalanced stoichiometry"), std::string::npos) << e;
  e = load_error(replaced(kDimer, "value = 10.0", "value = -10.0"));
  EXPECT_NE(e.find("rate"), std::string::npos) << e;
  EXPECT_NE(e.find("-10"), std::string::npos) << e;
  e = load_error(replaced(kDimer, "2 A <=> A2", "2 A => A2"));
  EXPECT_NE(e.find("<=>"), std::string::npos) << e;
  e = load_error(replaced(kDimer, "K0 = 2.0", "K0 = 0.0"));
  EXPECT_NE(e.find("K0"), std::string::npos) << e;
}
