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

namespace {

/// The field @p inner, counting the lines it is asked for; with @p every_axis saying that it
/// may vary along every axis (TemperatureField's default), so that FVSystem computes or copies
/// its faces one by one, else passing on what @p inner says.
class CountingField : public TemperatureField {
 public:
  CountingField(std::shared_ptr<const TemperatureField> inner, bool every_axis)
      : inner_(std::move(inner)), every_axis_(every_axis) {}
  double T(const Point& x) const override { return inner_->T(x); }
  void T_along(const Point& base, int axis, const double* coords, std::size_t n,
               double* out) const override {
    ++lines_;
    inner_->T_along(base, axis, coords, n, out);
  }
  bool varies_along(int axis) const override { return every_axis_ || inner_->varies_along(axis); }
  std::string type() const override { return inner_->type(); }
  /// Calls of T_along so far.
  long lines() const { return lines_; }

 private:
  std::shared_ptr<const TemperatureField> inner_;
  bool every_axis_;
  mutable long lines_ = 0;
};

}  // namespace

TEST(FaceGeometryMpi, WholeLinesAreTheFaceByFaceCoefficientsToTheBit) {
  // A temperature along x only lets FVSystem copy whole lines of face coefficients and compute
  // only their wall faces; the same field seen as varying along every axis goes face by face.
  // Residuals, cell fluxes and cell Peclet numbers must be the same to the bit: two species
  // (one with an Arrhenius D), walls of every kind on x and y (line_test_case), a periodic
  // axis, uniform cells and cells stretched along y (lines whose x faces differ in area,
  // rows across y that differ in distance), 1D to 3D; on 2 ranks the lines of each rank's box.
  for (int dim = 1; dim <= 3; ++dim)
    for (const bool stretched : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "dim " << dim << (stretched ? " stretched" : ""));
      auto lc = td::testing::line_test_case(dim);
      for (int a = 0; a < dim; ++a)
        if (!stretched || a != 1)
          lc.axes[static_cast<std::size_t>(a)].nodes =
              uniform_nodes(0.0, 1.0, static_cast<int>(lc.axes[a].nodes.size()) - 1);
      Mesh mesh(PETSC_COMM_WORLD, dim, lc.axes, 2);
      std::shared_ptr<const TemperatureField> along_x = linear_temperature(1.0, {0.4, 0.0, 0.0});
      Species other = td::testing::make_species(constant_law(0.3), -2.0, 0.0, 1.0);
      other.name = "other";
      other.bc = lc.species.bc;
      // the wall faces of the copied lines: a Dirichlet and a Robin wall on x (periodic in 2D)
      ASSERT_FALSE(along_x->varies_along(1));
      const auto by_lines = std::make_shared<CountingField>(along_x, false);
      const auto by_faces = std::make_shared<CountingField>(along_x, true);
      FVSystem lines(mesh, by_lines, {lc.species, other});
      FVSystem faces(mesh, by_faces, {lc.species, other});
      // the lines' path asks for one line of temperatures per axis (and the cell centres' lines
      // of both), the faces' path for one per line of faces
      if (dim > 1) EXPECT_LT(by_lines->lines(), by_faces->lines());
      const Owned<Vec> c = td::testing::random_state(lines);
      Owned<Vec> r1 = duplicate(c), r2 = duplicate(c);
      lines.residual(c, r1);
      faces.residual(c, r2);
      Owned<Vec> J1(lines.fluxes(c)), J2(faces.fluxes(c));
      int differ = 0;
      double largest = 0.0;
      {
        const ReadArray a(r1), b(r2);
        for (PetscInt i = 0; i < a.size(); ++i) {
          differ += a[i] != b[i];
          largest = std::max(largest, std::abs(a[i]));
        }
        const ReadArray ja(J1), jb(J2);
        for (PetscInt i = 0; i < ja.size(); ++i) differ += ja[i] != jb[i];
      }
      MPI_Allreduce(MPI_IN_PLACE, &differ, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
      EXPECT_EQ(differ, 0);
      EXPECT_GT(largest, 0.0);
      EXPECT_EQ(lines.drift_resolution().cell_peclet, faces.drift_resolution().cell_peclet);
      EXPECT_GT(lines.max_cell_peclet(), 0.0);
    }
}
