// Temperature fields (models/TemperatureField.h): the range a linear field gives without
// sampling is the range sampling its values finds, on stretched meshes in 1D to 3D and on
// the ranks' parts of a partitioned one.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "mesh/Mesh.h"
#include "models/TemperatureField.h"

namespace {

using namespace td;

/// The same field without a known range: temperature_range samples it.
class Sampled : public TemperatureField {
 public:
  explicit Sampled(const TemperatureField& f) : f_(f) {}
  double T(const Point& x) const override { return f_.T(x); }
  std::string type() const override { return "sampled"; }

 private:
  const TemperatureField& f_;
};

/// Geometric nodes on [0, length] with @p n cells of ratio 1.1.
std::vector<double> graded(int n, double length) {
  std::vector<double> w(static_cast<std::size_t>(n)), nodes{0.0};
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += w[static_cast<std::size_t>(i)] = std::pow(1.1, i);
  for (double d : w) nodes.push_back(nodes.back() + length * d / sum);
  return nodes;
}

}  // namespace

TEST(TemperatureFieldMpi, LinearRangeIsTheSampledRange) {
  // gradients of both signs along every axis, one of them zero
  for (int dim = 1; dim <= 3; ++dim)
    for (const Point g : {Point{2000.0, -500.0, 30.0}, Point{-40.0, 0.0, -700.0}}) {
      std::array<Axis, 3> axes;
      for (int a = 0; a < 3; ++a)
        axes[a].nodes = a < dim ? graded(9 + a, 1e-3 * (a + 1)) : std::vector{0.0, 1.0};
      const Mesh mesh(MPI_COMM_WORLD, dim, axes, 1);
      const auto field = linear_temperature(300.0, g);
      const auto known = temperature_range(mesh, *field);
      const auto sampled = temperature_range(mesh, Sampled(*field));
      EXPECT_EQ(known, sampled) << "dim " << dim << ", gradient " << g[0] << " " << g[1];
      EXPECT_LT(known.first, known.second) << "dim " << dim;
    }
}

// A field's values along a line (the face loops' batched call) are its point values, bit for
// bit: the linear field's own override, and the default of a field without one.
TEST(TemperatureField, ValuesAlongALineAreThePointValues) {
  const auto linear = linear_temperature(310.0, {1.3e4, -2.1e4, 0.7e4});
  const Sampled sampled(*linear);
  const Point base{2.5e-4, -1.0e-4, 3.0e-4};
  const std::vector<double> coords{0.0, 1.0e-5, 3.3e-4, -2.0e-4, 9.9e-4};
  for (const TemperatureField* f : {static_cast<const TemperatureField*>(linear.get()),
                                    static_cast<const TemperatureField*>(&sampled)})
    for (int axis = 0; axis < 3; ++axis) {
      std::vector<double> out(coords.size());
      f->T_along(base, axis, coords.data(), coords.size(), out.data());
      for (std::size_t m = 0; m < coords.size(); ++m) {
        Point p = base;
        p[static_cast<std::size_t>(axis)] = coords[m];
        EXPECT_EQ(out[m], f->T(p)) << f->type() << " axis " << axis << " point " << m;
      }
    }
}
