#include "mesh/Grading.h"

#include <fmt/format.h>

#include <cmath>

#include "core/Limits.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kCells{"cells",
                       T::Integer,
                       "",
                       K::dimensionless,
                       Range::closed(1, 1e8),
                       {},
                       "number of cells along the axis"};
const ParamSpec kLength{"length", T::Real, "", K::length, Range::positive(), {},
                        "length of the axis"};
const ParamSpec kOrigin{"origin", T::Real, "0.0", K::length, Range::any(), {},
                        "coordinate of the first node"};
const ParamSpec kPeriodic{"periodic", T::Bool, "false", K::dimensionless, Range::any(), {},
                          "periodic axis (cells wrap around)"};
const ParamSpec kRatio{"ratio", T::Real, "", K::dimensionless, Range::positive(), {},
                       "width ratio of consecutive cells (geometric grading)"};
const ParamSpec kBeta{"beta", T::Real, "", K::dimensionless, Range::positive(), {},
                      "clustering strength towards both ends (tanh grading)"};
const ParamSpec kNodes{"nodes", T::RealArray, "", K::length, Range::any(), {},
                       "explicit node coordinates, strictly increasing"};

const ParamSpec kGrading{"grading",
                         T::String,
                         "\"uniform\"",
                         K::dimensionless,
                         Range::any(),
                         {},
                         "node placement law",
                         {},
                         &GradingFactory::names};
const GradingFactory::Family kAxisKeys(
    "mesh.<axis>", kGrading, "run bd",
    "One table per axis of the mesh (`[mesh.x]`, `[mesh.y]`, `[mesh.z]`): `grading` selects "
    "how the nodes are placed; a periodic axis takes no boundary conditions.",
    {&kPeriodic});

struct Extent {
  int n;
  double x0, length;
};

Extent read_extent(InputSection& s) {
  const int n = limits::to_int(s.location(kCells.key), s.integer(kCells), kCells.key);
  return {n, s.real(kOrigin), s.real(kLength)};
}

/// Equal cells.
class Uniform : public GradingLaw {
 public:
  std::vector<double> nodes(InputSection& s) override {
    const auto e = read_extent(s);
    return uniform_nodes(e.x0, e.length, e.n);
  }
  static std::unique_ptr<GradingLaw> create() { return std::make_unique<Uniform>(); }
};

/// Cell widths grow by a constant ratio from the first node.
class Geometric : public GradingLaw {
 public:
  std::vector<double> nodes(InputSection& s) override {
    const auto e = read_extent(s);
    const double r = s.real(kRatio);
    std::vector<double> w(e.n);
    double sum = 0.0;
    for (int i = 0; i < e.n; ++i) sum += (w[i] = std::pow(r, i));
    std::vector<double> x(e.n + 1, e.x0);
    for (int i = 0; i < e.n; ++i) x[i + 1] = x[i] + e.length * w[i] / sum;
    x[e.n] = e.x0 + e.length;
    return x;
  }
  static std::unique_ptr<GradingLaw> create() { return std::make_unique<Geometric>(); }
};

/// Smooth clustering at both ends: x = x0 + L (1 + tanh(beta (2s-1)) / tanh(beta)) / 2.
class Tanh : public GradingLaw {
 public:
  std::vector<double> nodes(InputSection& s) override {
    const auto e = read_extent(s);
    const double b = s.real(kBeta);
    std::vector<double> x(e.n + 1);
    for (int i = 0; i <= e.n; ++i) {
      const double xi = 2.0 * i / e.n - 1.0;
      x[i] = e.x0 + 0.5 * e.length * (1.0 + std::tanh(b * xi) / std::tanh(b));
    }
    x[0] = e.x0;
    x[e.n] = e.x0 + e.length;
    return x;
  }
  static std::unique_ptr<GradingLaw> create() { return std::make_unique<Tanh>(); }
};

/// Node coordinates given explicitly.
class Nodes : public GradingLaw {
 public:
  std::vector<double> nodes(InputSection& s) override {
    auto x = s.reals(kNodes);
    if (x.size() < 2) s.fail(kNodes.key, "needs at least two nodes (one cell)");
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
      if (!(x[i + 1] > x[i]))
        s.fail(kNodes.key, fmt::format("nodes must increase strictly; node {} = {:g} follows {:g}",
                                       i + 1, x[i + 1], x[i]));
    return x;
  }
  static std::unique_ptr<GradingLaw> create() { return std::make_unique<Nodes>(); }
};

GradingFactory::Registrar reg_uniform("uniform", "Equal cells.", &Uniform::create,
                                      {&kCells, &kOrigin, &kLength});
GradingFactory::Registrar reg_geometric("geometric",
                                        "Cell widths grow by the constant factor `ratio` from "
                                        "the first node.",
                                        &Geometric::create, {&kCells, &kOrigin, &kLength, &kRatio});
GradingFactory::Registrar reg_tanh("tanh",
                                   "Cells clustered at both ends: x = origin + length (1 + "
                                   "tanh(beta (2s - 1)) / tanh(beta)) / 2, s in [0, 1].",
                                   &Tanh::create, {&kCells, &kOrigin, &kLength, &kBeta});
GradingFactory::Registrar reg_nodes("nodes", "Node coordinates given explicitly.", &Nodes::create,
                                    {&kNodes});

}  // namespace

Axis make_axis(InputSection& s) {
  const std::string type = s.string(kGrading);
  Axis axis;
  axis.nodes = GradingFactory::find(type)->create()->nodes(s);
  axis.periodic = s.boolean(kPeriodic);
  return axis;
}

}  // namespace td
