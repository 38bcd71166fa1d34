// Order of accuracy against a manufactured solution with variable D(T), a Soret term, the
// alpha = 1/2 drift and a non-uniform (tanh-clustered) 2D mesh.
#include <gtest/gtest.h>

#include <cmath>

#include "fv/Steady.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kEa = 1.0, kD0 = 2.0, kS = 1.5, kAlpha = 0.5;
constexpr double gx = 0.5, gy = 0.3;

double Tf(double x, double y) { return 1.0 + gx * x + gy * y; }
double Df(double T) { return kD0 * std::exp(-kEa / T); }
double cex(double x, double y) { return 1.0 + std::sin(kPi * x) * std::sin(kPi * y); }

// Exact flux J = -D grad c - c (alpha D'(T) grad T + D S_T grad T).
std::array<double, 2> J(double x, double y) {
  const double T = Tf(x, y), D = Df(T), dD = D * kEa / (T * T), c = cex(x, y);
  const double cx = kPi * std::cos(kPi * x) * std::sin(kPi * y);
  const double cy = kPi * std::sin(kPi * x) * std::cos(kPi * y);
  const double drift = kAlpha * dD + D * kS;
  return {-D * cx - c * drift * gx, -D * cy - c * drift * gy};
}

// Source q = div J (steady: div J = q), by a fourth-order central difference of the exact flux.
double q(double x, double y) {
  const double h = 1e-4;
  const double dJx = (-J(x + 2 * h, y)[0] + 8 * J(x + h, y)[0] - 8 * J(x - h, y)[0] +
                      J(x - 2 * h, y)[0]) / (12 * h);
  const double dJy = (-J(x, y + 2 * h)[1] + 8 * J(x, y + h)[1] - 8 * J(x, y - h)[1] +
                      J(x, y - 2 * h)[1]) / (12 * h);
  return dJx + dJy;
}

double max_error(int n) {
  auto mesh = td::testing::make_mesh(PETSC_COMM_WORLD, 2, n, 1, 1.0, 1.2);
  Species sp = td::testing::make_species(arrhenius_law(kD0, kEa, 1.0), kS, kAlpha, 1.0);
  for (auto& b : sp.bc) b = {Boundary::Type::dirichlet, 1.0, 0.0};  // c = 1 on every face
  FVSystem sys(*mesh, linear_temperature(1.0, {gx, gy, 0.0}), {sp});
  sys.set_source([](const Point& x, int) { return q(x[0], x[1]); });
  Vec c = sys.create_state();
  sys.initial_state(c);
  solve_steady(sys, c, SteadyOptions{});
  const auto v = td::testing::gather(*mesh, c);
  VecDestroy(&c);
  double err = 0.0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      err = std::max(err, std::fabs(v[i + n * j] - cex(mesh->center(0, i), mesh->center(1, j))));
  return err;
}

}  // namespace

TEST(ConvergenceMpi, ManufacturedSolutionSecondOrderOnStretchedMesh) {
  const double e1 = max_error(16), e2 = max_error(32), e3 = max_error(64);
  const double p1 = std::log2(e1 / e2), p2 = std::log2(e2 / e3);
  RecordProperty("max_errors", ::testing::PrintToString(std::vector<double>{e1, e2, e3}));
  EXPECT_GT(p1, 1.8) << "errors " << e1 << " " << e2;
  EXPECT_GT(p2, 1.9) << "errors " << e2 << " " << e3;
  EXPECT_LT(e3, 1e-3);
}
