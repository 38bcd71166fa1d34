// Face coefficients on meshes stretched along every axis, where FVSystem reuses a face's
// coefficients for the face one line back when their inputs repeat:
// - with the temperature varying along x only, the cell fluxes of a linear concentration are
//   -D grad c to round-off in every interior cell, which holds only if each face has its own
//   area and centre distance;
// - with an Arrhenius D, the alpha drift and a Soret term, the zero-flux profile
//   c ~ exp(-psi(T)) has no flux through any interior face (the fitted flux is exact for it),
//   which holds only if each face has its own temperatures;
// - a linear concentration held by Dirichlet values on both walls of an axis has exact
//   fluxes in every cell, which holds only if each wall face has its own constant part
//   (FVSystem keeps those apart from the faces' two coefficients).
#include <gtest/gtest.h>
#include <petscdmda.h>

#include <array>
#include <cmath>
#include <vector>

#include "core/Petsc.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

constexpr double kD = 3.0e-9;                                 // diffusivity (m^2/s)
constexpr std::array<double, 3> kGrad{2.0e3, -1.5e3, 0.7e3};  // grad c (1/m^4)
constexpr double kC0 = 10.0;                                  // c at the origin (1/m^3)

/// Nodes on [0, L] clustered by tanh with strength @p beta (distinct per axis, so no two
/// neighbouring cells share a width).
std::unique_ptr<Mesh> stretched_mesh(int dim, const std::array<int, 3>& n) {
  std::array<Axis, 3> axes;
  const std::array<double, 3> length{1.0e-3, 0.7e-3, 0.4e-3}, beta{1.1, 0.8, 1.4};
  for (int a = 0; a < 3; ++a)
    axes[a].nodes = a < dim ? td::testing::tanh_nodes(0.0, length[a], n[a], beta[a])
                            : std::vector<double>{0.0, 1.0};
  return std::make_unique<Mesh>(PETSC_COMM_WORLD, dim, axes, 1);
}

/// Calls @p f(q, idx) for each owned cell, q its owned index, idx its mesh indices.
template <class F>
void for_owned_cells(const Mesh& mesh, F&& f) {
  PetscInt xs, ys, zs, xm, ym, zm;
  TD_PETSC(DMDAGetCorners(mesh.dm(), &xs, &ys, &zs, &xm, &ym, &zm));
  std::size_t q = 0;
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i)
        f(q++, std::array<int, 3>{static_cast<int>(i), static_cast<int>(j), static_cast<int>(k)});
}

/// Largest over the interior cells (no wall face; every cell @p with_walls) of every rank of
/// @p err(J, idx), where J are the cell fluxes (dim per cell) of @p sys at c =
/// @p profile(idx); collective.
template <class Profile, class Error>
double largest_interior(const FVSystem& sys, const Mesh& mesh, Profile&& profile, Error&& err,
                        bool with_walls = false) {
  Owned<Vec> c(sys.create_state());
  PetscScalar* cv;
  TD_PETSC(VecGetArray(c, &cv));
  for_owned_cells(mesh,
                  [&](std::size_t q, const std::array<int, 3>& idx) { cv[q] = profile(idx); });
  TD_PETSC(VecRestoreArray(c, &cv));
  Owned<Vec> J(sys.fluxes(c));
  const PetscScalar* jv;
  TD_PETSC(VecGetArrayRead(J, &jv));
  double local = 0.0;
  for_owned_cells(mesh, [&](std::size_t q, const std::array<int, 3>& idx) {
    for (int a = 0; a < mesh.dim() && !with_walls; ++a)
      if (idx[a] == 0 || idx[a] == mesh.axis(a).cells() - 1) return;
    local = std::max(local, err(jv + q * static_cast<std::size_t>(mesh.dim()), idx));
  });
  TD_PETSC(VecRestoreArrayRead(J, &jv));
  double all = 0.0;
  MPI_Allreduce(&local, &all, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return all;
}

/// Largest |J - (-D grad c)| / |D grad c| over the interior cells for a linear c; collective.
double largest_flux_error(int dim, const std::array<int, 3>& n) {
  auto mesh = stretched_mesh(dim, n);
  Species sp = td::testing::make_species(constant_law(kD), 0.0, 0.0, kC0);
  FVSystem sys(*mesh, linear_temperature(300.0, {2.0e4, 0.0, 0.0}), {sp});
  auto linear = [&](const std::array<int, 3>& idx) {
    double v = kC0;
    for (int a = 0; a < dim; ++a) v += kGrad[a] * mesh->center(a, idx[a]);
    return v;
  };
  return largest_interior(sys, *mesh, linear, [&](const double* J, const std::array<int, 3>&) {
    double e = 0.0;
    for (int a = 0; a < dim; ++a)
      e = std::max(e, std::fabs(J[a] + kD * kGrad[a]) / std::fabs(kD * kGrad[a]));
    return e;
  });
}

/// Largest |J - (-D grad c)| / |D grad c| over every cell for c = kC0 + g x_axis, held by
/// Dirichlet values on both walls of @p axis (walls elsewhere): the half-cell fluxes through
/// the walls are exact for a linear profile too, so this checks each wall face's own constant
/// part (its area differs along the wall on a stretched mesh); collective.
double largest_wall_flux_error(int dim, const std::array<int, 3>& n, int axis) {
  auto mesh = stretched_mesh(dim, n);
  const double g = kGrad[static_cast<std::size_t>(axis)];
  const double L = mesh->axis(axis).length();
  Species sp = td::testing::make_species(constant_law(kD), 0.0, 0.0, kC0);
  sp.bc[static_cast<std::size_t>(2 * axis)] = {Boundary::Type::dirichlet, kC0, 0.0};
  sp.bc[static_cast<std::size_t>(2 * axis + 1)] = {Boundary::Type::dirichlet, kC0 + g * L, 0.0};
  FVSystem sys(*mesh, linear_temperature(300.0, {2.0e4, 0.0, 0.0}), {sp});
  auto linear = [&](const std::array<int, 3>& idx) {
    return kC0 + g * mesh->center(axis, idx[static_cast<std::size_t>(axis)]);
  };
  return largest_interior(
      sys, *mesh, linear,
      [&](const double* J, const std::array<int, 3>&) {
        double e = 0.0;
        for (int a = 0; a < dim; ++a)
          e = std::max(e, std::fabs(J[a] + (a == axis ? kD * g : 0.0)) / std::fabs(kD * g));
        return e;
      },
      true);
}

constexpr double kSoret = 0.05;  // Soret coefficient (1/K)
constexpr double kEa = 3000.0;   // activation temperature of D (K)
constexpr double kAlpha = 1.0;   // weight of the grad D drift
constexpr double kT0 = 300.0;    // temperature at the origin (K)

/// D(T) = kD exp(-kEa / T) (m^2/s).
double diffusivity(double T) { return kD * std::exp(-kEa / T); }
/// psi(T) = S_T T + alpha ln D(T) (dimensionless).
double psi(double T) { return kSoret * T + kAlpha * std::log(diffusivity(T)); }

/// Largest |J| over the drift flux D c S_T |grad T| in the interior cells, for
/// c = exp(psi(T0) - psi(T)) at the cell centres and T = T0 + g.x; collective.
double largest_zero_flux_error(int dim, const std::array<int, 3>& n, const Point& g) {
  auto mesh = stretched_mesh(dim, n);
  Species sp = td::testing::make_species(arrhenius_law(kD, kEa, 1.0), kSoret, kAlpha, 1.0);
  const auto T = linear_temperature(kT0, g);
  FVSystem sys(*mesh, linear_temperature(kT0, g), {sp});
  const double grad_T = std::hypot(g[0], g[1], g[2]);
  auto T_at = [&](const std::array<int, 3>& idx) {
    return T->T(mesh->center(idx[0], idx[1], idx[2]));
  };
  auto c_at = [&](const std::array<int, 3>& idx) { return std::exp(psi(kT0) - psi(T_at(idx))); };
  return largest_interior(sys, *mesh, c_at, [&](const double* J, const std::array<int, 3>& idx) {
    const double drift = diffusivity(T_at(idx)) * c_at(idx) * kSoret * grad_T;
    double e = 0.0;
    for (int a = 0; a < dim; ++a) e = std::max(e, std::fabs(J[a]) / drift);
    return e;
  });
}

}  // namespace

TEST(FaceGeometryMpi, LinearProfileFluxIsExactOnStretchedMeshes2D) {
  EXPECT_LT(largest_flux_error(2, {24, 20, 1}), 1e-11);
}

TEST(FaceGeometryMpi, LinearProfileFluxIsExactOnStretchedMeshes3D) {
  EXPECT_LT(largest_flux_error(3, {12, 10, 14}), 1e-11);
}

TEST(FaceGeometryMpi, ZeroFluxProfileHasNoInteriorFlux) {
  const Point along_x{2.0e4, 0.0, 0.0}, oblique{2.0e4, -3.0e4, 1.0e4};
  EXPECT_LT(largest_zero_flux_error(2, {24, 20, 1}, along_x), 1e-12);
  EXPECT_LT(largest_zero_flux_error(2, {24, 20, 1}, oblique), 1e-12);
  EXPECT_LT(largest_zero_flux_error(3, {12, 10, 14}, along_x), 1e-12);
  EXPECT_LT(largest_zero_flux_error(3, {12, 10, 14}, oblique), 1e-12);
}

TEST(FaceGeometryMpi, LinearProfileThroughDirichletWallsIsExact) {
  for (int axis = 0; axis < 2; ++axis)
    EXPECT_LT(largest_wall_flux_error(2, {24, 20, 1}, axis), 1e-11) << "axis " << axis;
  for (int axis = 0; axis < 3; ++axis)
    EXPECT_LT(largest_wall_flux_error(3, {12, 10, 14}, axis), 1e-11) << "axis " << axis;
}
