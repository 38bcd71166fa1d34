// Heat conduction solved with the species ([heat]): the steady coupled solution equals the
// conduction field followed by the species; the transient heat equation converges at second
// order to its Fourier series; species in a closed cell keep their amount to round-off while
// T evolves and relax to the Soret profile of the final temperature; ranks agree.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "fv/Case.h"
#include "fv/Steady.h"
#include "fv/Transient.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

constexpr double kPi = 3.14159265358979323846;

const char* kSpecies = R"(
[[species]]
name = "s"
[species.diffusivity]
value = 1.0
[species.soret]
value = 1.5
[species.initial]
value = 1.0
)";

const char* kBoundaries = R"(
[BLOCK.conductivity]
type = "power"
value_ref = 2.0
T_ref = 1.0
exponent = 1.5
[BLOCK.boundary.xlo]
type = "temperature"
value = 0.8
[BLOCK.boundary.xhi]
type = "temperature"
value = 2.4
)";

std::string with_block(const std::string& block) {
  std::string b = kBoundaries;
  for (auto p = b.find("BLOCK"); p != std::string::npos; p = b.find("BLOCK"))
    b.replace(p, 5, block);
  return b;
}

std::string header(int cells, int dim) {
  std::string t = fmt::format("[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[mesh]\ndim = {}\n"
                              "[mesh.x]\ncells = {}\nlength = 2.0\n", dim, cells);
  if (dim > 1) t += "[mesh.y]\ncells = 4\nlength = 1.0\n";
  return t;
}

struct Result {
  std::vector<double> c, T;
};

Result steady(MPI_Comm comm, const std::string& text) {
  auto cs = Case::from_string(comm, text);
  FVSystem& sys = cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  solve_steady(sys, c, cs->run().steady);
  Result r;
  const auto all = td::testing::gather(cs->mesh(), c);
  const int nf = sys.nfields();
  for (std::size_t i = 0; i < all.size(); i += nf) {
    r.c.push_back(all[i]);
    r.T.push_back(nf > 1 ? all[i + 1] : 0.0);
  }
  VecDestroy(&c);
  return r;
}

}  // namespace

TEST(HeatCoupled, SteadyEqualsConductionFieldThenSpecies) {
  const std::string field = header(30, 1) + "[temperature]\ntype = \"conduction\"\n" +
                            with_block("temperature") + kSpecies;
  const std::string coupled = header(30, 1) +
                              "[temperature]\ntype = \"uniform\"\nT0 = 1.2\n[heat]\n"
                              "heat_capacity = 1.0\n" + with_block("heat") + kSpecies;
  const auto a = steady(PETSC_COMM_SELF, field);
  const auto b = steady(PETSC_COMM_SELF, coupled);
  auto cs = Case::from_string(PETSC_COMM_SELF, field);
  for (std::size_t i = 0; i < a.c.size(); ++i) {
    const double Tf = cs->temperature().T(cs->mesh().center(static_cast<int>(i), 0, 0));
    EXPECT_NEAR(b.T[i], Tf, 1e-11);
    EXPECT_NEAR(b.c[i], a.c[i], 1e-9 * a.c[i]);
  }
}

TEST(HeatCoupled, TransientHeatConvergesAtSecondOrder) {
  // T = 1 initially, both ends held at 2, alpha = kappa/(rho c_p) = 0.5 on L = 2:
  // T = 2 - sum_{n odd} 4/(n pi) sin(n pi x/L) exp(-alpha (n pi/L)^2 t).
  auto error = [](int n) {
    const std::string text = header(n, 1) +
                             "[temperature]\ntype = \"uniform\"\nT0 = 1.0\n[heat]\n"
                             "heat_capacity = 2.0\n[heat.conductivity]\nvalue = 1.0\n"
                             "[heat.boundary.xlo]\ntype = \"temperature\"\nvalue = 2.0\n"
                             "[heat.boundary.xhi]\ntype = \"temperature\"\nvalue = 2.0\n" +
                             kSpecies + "[solver]\nmode = \"transient\"\n[solver.transient]\n"
                             "t_end = 0.4\nrtol = 1e-10\natol = 1e-12\n";
    auto cs = Case::from_string(PETSC_COMM_SELF, text);
    FVSystem& sys = cs->system();
    Vec c = sys.create_state();
    sys.initial_state(c);
    TransientSolver ts(sys, c, 0.0, cs->run().transient);
    ts.advance(0.4, c);
    const auto all = td::testing::gather(cs->mesh(), c);
    double e = 0.0;
    for (int i = 0; i < n; ++i) {
      const double x = cs->mesh().center(0, i);
      double T = 2.0;
      for (int k = 1; k < 400; k += 2)
        T -= 4.0 / (k * kPi) * std::sin(k * kPi * x / 2.0) *
             std::exp(-0.5 * std::pow(k * kPi / 2.0, 2) * 0.4);
      e = std::max(e, std::abs(all[2 * i + 1] - T));
    }
    VecDestroy(&c);
    return e;
  };
  const double e1 = error(40), e2 = error(80);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.2) << e1 << " " << e2;
}

TEST(HeatCoupled, SpeciesConservedWhileTemperatureEvolves) {
  auto opts = td::testing::exact_preconditioner();
  const std::string text = header(40, 1) +
                           "[temperature]\ntype = \"uniform\"\nT0 = 1.0\n[heat]\n"
                           "heat_capacity = 0.5\n" + with_block("heat") + kSpecies +
                           "[solver]\nmode = \"transient\"\n[solver.transient]\nt_end = 30.0\n";
  auto cs = Case::from_string(PETSC_COMM_SELF, text);
  FVSystem& sys = cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  const double m0 = sys.totals(c)[0];
  TransientSolver ts(sys, c, 0.0, cs->run().transient);
  for (double t : {0.01, 0.3, 30.0}) {
    ts.advance(t, c);
    EXPECT_NEAR(sys.totals(c)[0] / m0, 1.0, 1e-12) << "t = " << t;
  }
  // long times: the Soret profile of the final (steady) temperature
  const auto all = td::testing::gather(cs->mesh(), c);
  for (int i = 1; i < 40; ++i)
    EXPECT_NEAR(std::log(all[2 * i] / all[0]), -1.5 * (all[2 * i + 1] - all[1]), 1e-6);
  VecDestroy(&c);
}

TEST(HeatCoupledMpi, SteadySameOnAnyRankCount) {
  const std::string text = header(24, 2) + "[temperature]\ntype = \"uniform\"\nT0 = 1.2\n"
                           "[heat]\nheat_capacity = 1.0\n" + with_block("heat") + kSpecies;
  const auto par = steady(PETSC_COMM_WORLD, text), ser = steady(PETSC_COMM_SELF, text);
  for (std::size_t i = 0; i < ser.c.size(); ++i) {
    EXPECT_NEAR(par.T[i], ser.T[i], 1e-10 * ser.T[i]);
    EXPECT_NEAR(par.c[i], ser.c[i], 1e-10 * ser.c[i]);
  }
}
