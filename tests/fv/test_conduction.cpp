// Steady heat conduction as a temperature field ([temperature] type = "conduction"): exact
// Kirchhoff-transformed solutions, second-order convergence with a source, flux and Robin
// faces, coupling to a Soret species, rank independence, and input errors.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "core/Error.h"
#include "fv/Case.h"
#include "fv/Steady.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

std::string conduction_case(int cells, const std::string& heat, int dim = 1) {
  std::string mesh = fmt::format("[mesh]\ndim = {}\n[mesh.x]\ncells = {}\nlength = 2.0\n", dim,
                                 cells);
  if (dim > 1) mesh += "[mesh.y]\ncells = 5\nlength = 1.0\n";
  return "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n" + mesh +
         "[temperature]\ntype = \"conduction\"\n" + heat + R"(
[[species]]
name = "s"
[species.diffusivity]
value = 1.0
[species.soret]
value = 1.5
[species.initial]
value = 1.0
)";
}

/// Fixed temperatures 0.8 and 2.4 on the x faces.
const std::string kFaces = R"(
[temperature.boundary.xlo]
type = "temperature"
value = 0.8
[temperature.boundary.xhi]
type = "temperature"
value = 2.4
)";

const std::string kPowerLaw = R"(
[temperature.conductivity]
type = "power"
value_ref = 2.0
T_ref = 1.0
exponent = 1.5
)" + kFaces;

/// Cell-centre temperatures of the case's field.
std::vector<std::pair<double, double>> profile(const Case& cs) {
  std::vector<std::pair<double, double>> out;
  const Mesh& m = const_cast<Case&>(cs).mesh();
  for (int i = 0; i < m.cells(0); ++i) {
    const Point x = m.center(i, 0, 0);
    out.emplace_back(x[0], cs.temperature().T(x));
  }
  return out;
}

}  // namespace

TEST(Conduction, KirchhoffExactForPowerLawConductivity) {
  // kappa = 2 T^1.5: K(T) = 0.8 T^2.5 is linear in x, T = (Ta^2.5 + (Tb^2.5 - Ta^2.5) x/L)^0.4,
  // and the Kirchhoff face flux reproduces it at the cell centres to round-off.
  for (int dim : {1, 2}) {
    auto cs = Case::from_string(PETSC_COMM_SELF, conduction_case(17, kPowerLaw, dim));
    const double a = std::pow(0.8, 2.5), b = std::pow(2.4, 2.5);
    for (auto [x, T] : profile(*cs))
      EXPECT_NEAR(T, std::pow(a + (b - a) * x / 2.0, 0.4), 1e-12) << "dim " << dim << " x " << x;
  }
}

TEST(Conduction, SourceConvergesAtSecondOrder) {
  // kappa = 1.5, q = 3: T = Ta + (Tb - Ta) x/L + q x (L - x)/(2 kappa); the half-cell
  // boundary flux makes the scheme second order (not exact) on a stretched mesh.
  auto error = [](int n) {
    std::string heat = R"(
source = 3.0
[temperature.conductivity]
value = 1.5
[temperature.boundary.xlo]
type = "temperature"
value = 1.0
[temperature.boundary.xhi]
type = "temperature"
value = 2.0
)";
    std::string text = conduction_case(n, heat);
    text.replace(text.find("length = 2.0"), 12,
                 "length = 2.0\ngrading = \"tanh\"\nbeta = 1.2");
    auto cs = Case::from_string(PETSC_COMM_SELF, text);
    double e = 0.0;
    for (auto [x, T] : profile(*cs))
      e = std::max(e, std::abs(T - (1.0 + 0.5 * x + 3.0 * x * (2.0 - x) / 3.0)));
    return e;
  };
  const double e1 = error(20), e2 = error(40);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.25) << e1 << " " << e2;
}

TEST(Conduction, FluxAndRobinFaces) {
  // inward flux g at x = 0, Robin (h, T_ext) at x = L: T(L) = T_ext + g/h and
  // T = T(L) + g (L - x)/kappa, linear, so exact at the centres.
  const std::string heat = R"(
[temperature.conductivity]
value = 0.5
[temperature.boundary.xlo]
type = "flux"
value = 0.3
[temperature.boundary.xhi]
type = "robin"
coefficient = 2.0
value = 1.0
)";
  auto cs = Case::from_string(PETSC_COMM_SELF, conduction_case(9, heat));
  for (auto [x, T] : profile(*cs)) EXPECT_NEAR(T, 1.0 + 0.3 / 2.0 + 0.3 * (2.0 - x) / 0.5, 1e-12);
  // and the boundary values the field reports at the faces
  EXPECT_NEAR(cs->temperature().T({2.0, 0, 0}), 1.15, 1e-12);
  EXPECT_NEAR(cs->temperature().T({0.0, 0, 0}), 1.15 + 0.3 * 2.0 / 0.5, 1e-12);
}

TEST(Conduction, SoretSpeciesFollowsSolvedTemperature) {
  // closed cell, constant S_T: ln c = -S_T (T - T0) at the centres, to round-off, whatever
  // the temperature profile.
  auto cs = Case::from_string(PETSC_COMM_SELF, conduction_case(24, kPowerLaw));
  FVSystem& sys = cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  solve_steady(sys, c, cs->run().steady);
  const auto v = td::testing::gather(cs->mesh(), c);
  const auto p = profile(*cs);
  for (std::size_t i = 1; i < v.size(); ++i)
    EXPECT_NEAR(std::log(v[i] / v[0]), -1.5 * (p[i].second - p[0].second), 1e-11);
  VecDestroy(&c);
}

TEST(ConductionMpi, SameFieldOnAnyRankCount) {
  const std::string text = conduction_case(40, kPowerLaw, 2);
  auto par = Case::from_string(PETSC_COMM_WORLD, text);
  auto ser = Case::from_string(PETSC_COMM_SELF, text);
  for (double x : {0.0, 0.013, 0.77, 1.5, 2.0})
    for (double y : {0.0, 0.31, 1.0})
      EXPECT_NEAR(par->temperature().T({x, y, 0}), ser->temperature().T({x, y, 0}),
                  1e-12 * ser->temperature().T({x, y, 0}));
}

TEST(Conduction, InsulatedOnlyIsAnInputError) {
  const std::string heat = "[temperature.conductivity]\nvalue = 1.0\n";
  try {
    Case::from_string(PETSC_COMM_SELF, conduction_case(8, heat), "case.toml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("temperature.boundary"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at least one"), std::string::npos) << e.what();
  }
}

TEST(Conduction, ConductivityNotPositiveBetweenTheFaceTemperaturesIsAnInputError) {
  // kappa falls linearly from 1 to -1 between the two face temperatures 0.8 and 2.4: no
  // steady state exists with a positive conductivity, and the set-up says where it fails.
  const std::string heat = R"(
[temperature.conductivity]
type = "table"
temperatures = [0.8, 2.4]
values = [1.0, -1.0]
)" + kFaces;
  try {
    Case::from_string(PETSC_COMM_SELF, conduction_case(8, heat), "case.toml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("case.toml:"), std::string::npos) << what;
    EXPECT_NE(what.find("temperature.conductivity"), std::string::npos) << what;
    EXPECT_NE(what.find("thermal conductivity"), std::string::npos) << what;
    EXPECT_NE(what.find("positive"), std::string::npos) << what;
  }
}
