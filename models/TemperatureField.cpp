#include "models/TemperatureField.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <tuple>
#include <vector>

#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "mesh/Mesh.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kAxis{"axis", T::String, "\"x\"", K::dimensionless, Range::any(),
                      {"x", "y", "z"}, "axis along which the profile varies"};

const ParamSpec kTref{
    "T_ref", T::Real, "", K::temperature, Range::positive(), {}, "temperature at x_ref"};
const ParamSpec kGradient{"gradient",
                          T::RealArray,
                          "[0.0, 0.0, 0.0]",
                          K::temperature_gradient,
                          Range::any(),
                          {},
                          "temperature gradient vector (1-3 components)"};
const ParamSpec kXref{"x_ref",      T::RealArray, "[0.0, 0.0, 0.0]", K::length,
                      Range::any(), {},           "reference point"};
const ParamSpec kT0{"T0", T::Real, "", K::temperature, Range::positive(), {}, "temperature"};
const ParamSpec kPositions{"positions",
                           T::RealArray,
                           "",
                           K::length,
                           Range::any(),
                           {},
                           "positions along the axis, increasing"};
const ParamSpec kTemps{"temperatures",
                       T::RealArray,
                       "",
                       K::temperature,
                       Range::positive(),
                       {},
                       "temperatures at the positions"};
const ParamSpec kFile{"file",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "text file with columns (# comments; relative to the input file)"};
const ParamSpec kColumns{"columns",
                         T::RealArray,
                         "[0.0, 1.0]",
                         K::dimensionless,
                         Range::non_negative(),
                         {},
                         "zero-based columns of position and T"};
const ParamSpec kScale{"position_scale",
                       T::Real,
                       "1.0",
                       K::dimensionless,
                       Range::positive(),
                       {},
                       "factor turning file positions into the case's length unit"};
const ParamSpec kPeriod{
    "period", T::Real, "", K::length, Range::positive(), {}, "period of the profile (box length)"};
const ParamSpec kCold{
    "cold_center", T::Real, "", K::length, Range::any(), {}, "centre of the cold slab"};
const ParamSpec kHot{
    "hot_center", T::Real, "", K::length, Range::any(), {}, "centre of the hot slab"};
const ParamSpec kWidth{"slab_width",
                       T::Real,
                       "",
                       K::length,
                       Range::positive(),
                       {},
                       "width of each thermostatted slab"};
const ParamSpec kTcold{
    "T_cold", T::Real, "", K::temperature, Range::positive(), {}, "cold-slab temperature"};
const ParamSpec kThot{
    "T_hot", T::Real, "", K::temperature, Range::positive(), {}, "hot-slab temperature"};
const ParamSpec kType{"type",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "temperature field",
                      {},
                      &TemperatureFieldFactory::names};
const TemperatureFieldFactory::Family kFieldKeys(
    "temperature", kType, "run kmc bd",
    "The temperature field T(x) of the case (the initial temperature when `[heat]` solves it "
    "with the species). It must be positive on the mesh and periodic along periodic axes.");

int read_axis(InputSection& s) { return s.string(kAxis)[0] - 'x'; }

/// Piecewise-linear interpolation through (x_k, T_k), constant beyond the ends.
double interp(const std::vector<double>& x, const std::vector<double>& y, double xv) {
  if (xv <= x.front()) return y.front();
  if (xv >= x.back()) return y.back();
  const auto it = std::upper_bound(x.begin(), x.end(), xv);
  const std::size_t i = static_cast<std::size_t>(it - x.begin()) - 1;
  const double w = (xv - x[i]) / (x[i + 1] - x[i]);
  return (1.0 - w) * y[i] + w * y[i + 1];
}

void check_profile(InputSection& s, const std::vector<double>& x, const std::vector<double>& y,
                   const char* key) {
  if (x.size() < 2 || x.size() != y.size())
    s.fail(key, fmt::format("needs at least two points with as many positions as temperatures "
                            "(got {} and {})", x.size(), y.size()));
  for (std::size_t i = 0; i + 1 < x.size(); ++i)
    if (!(x[i + 1] > x[i])) s.fail(key, "positions must increase strictly");
  for (double t : y)
    if (!(t > 0)) s.fail(key, fmt::format("temperature {:g} is not positive", t));
}

/// T = T_ref + gradient . (x - x_ref).
class Linear : public TemperatureField {
 public:
  Linear(double Tr, Point g, Point xr) : Tr_(Tr), g_(g), xr_(xr) {}
  double T(const Point& x) const override { return at(x); }
  void T_along(const Point& base, int axis, const double* coords, std::size_t n,
               double* out) const override {
    along(base, axis, coords, n, out, [this](const Point& p) { return at(p); });
  }
  std::string type() const override { return "linear"; }
  /// Bit for bit: a zero gradient component adds a zero of either sign to the sum of the
  /// terms before it (T_ref and the x term at least), which leaves the sum as it is.
  bool varies_along(int axis) const override { return g_[static_cast<std::size_t>(axis)] != 0.0; }
  /// The extremes of a linear function over a box are at its corners (each a node of the
  /// mesh that the sampling would visit), evaluated by T itself.
  std::optional<std::pair<double, double>> range_over_box(const Point& lo,
                                                          const Point& hi) const override {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (int corner = 0; corner < 8; ++corner) {
      Point x{};
      for (int a = 0; a < 3; ++a) x[a] = (corner >> a & 1) != 0 ? hi[a] : lo[a];
      const double t = T(x);
      low = std::min(low, t);
      high = std::max(high, t);
    }
    return std::pair{low, high};
  }
  static std::unique_ptr<TemperatureField> create(InputSection& s, const Mesh&) {
    const double Tr = s.real(kTref);
    auto g = s.reals(kGradient);
    auto xr = s.reals(kXref);
    if (g.size() > 3) s.fail("gradient", "at most three components");
    if (xr.size() > 3) s.fail("x_ref", "at most three components");
    Point gp{0, 0, 0}, xp{0, 0, 0};
    std::copy(g.begin(), g.end(), gp.begin());
    std::copy(xr.begin(), xr.end(), xp.begin());
    return std::make_unique<Linear>(Tr, gp, xp);
  }

 private:
  /// The one expression of T, shared by T and T_along (bit for bit the same values).
  [[nodiscard]] double at(const Point& x) const {
    return Tr_ + g_[0] * (x[0] - xr_[0]) + g_[1] * (x[1] - xr_[1]) + g_[2] * (x[2] - xr_[2]);
  }

  double Tr_;
  Point g_, xr_;
};

/// T = T0 everywhere.
class Uniform : public TemperatureField {
 public:
  explicit Uniform(double T0) : T0_(T0) {}
  double T(const Point&) const override { return T0_; }
  std::string type() const override { return "uniform"; }
  bool varies_along(int) const override { return false; }
  static std::unique_ptr<TemperatureField> create(InputSection& s, const Mesh&) {
    return std::make_unique<Uniform>(s.real(kT0));
  }

 private:
  double T0_;
};

/// Profile along one axis through given points, linear between them, constant beyond.
/// Given inline (`positions`, `temperatures`) or read from a text file (`file`, with
/// `columns = [position, temperature]` zero-based, e.g. a LAMMPS fix ave/chunk profile).
class Profile : public TemperatureField {
 public:
  Profile(int axis, std::vector<double> x, std::vector<double> y, std::string type)
      : axis_(axis), x_(std::move(x)), y_(std::move(y)), type_(std::move(type)) {}
  double T(const Point& p) const override { return interp(x_, y_, p[axis_]); }
  std::string type() const override { return type_; }
  bool varies_along(int axis) const override { return axis == axis_; }

  static std::unique_ptr<TemperatureField> create_inline(InputSection& s, const Mesh&) {
    const int axis = read_axis(s);
    auto x = s.reals(kPositions);
    auto y = s.reals(kTemps);
    check_profile(s, x, y, "temperatures");
    return std::make_unique<Profile>(axis, std::move(x), std::move(y), "piecewise_linear");
  }

  static std::unique_ptr<TemperatureField> create_file(InputSection& s, const Mesh&) {
    const int axis = read_axis(s);
    std::string path = s.string(kFile);
    auto cols = s.reals(kColumns);
    const double xs = s.real(kScale);
    if (cols.size() != 2) s.fail("columns", "give exactly two column indices");
    path = input_path(s, path);
    std::ifstream in(path);
    if (!in) s.fail("file", fmt::format("cannot open temperature profile '{}'", path));
    std::vector<double> x, y;
    std::string line;
    int ln = 0;
    const auto need = static_cast<std::size_t>(std::max(cols[0], cols[1])) + 1;
    while (std::getline(in, line)) {
      ++ln;
      const auto hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      std::istringstream is(line);
      std::vector<double> row;
      double v;
      while (is >> v) row.push_back(v);
      if (row.empty()) continue;
      if (row.size() < need)
        s.fail("file", fmt::format("{}:{}: expected at least {} columns, found {}", path, ln, need,
                                   row.size()));
      x.push_back(row[static_cast<std::size_t>(cols[0])] * xs);
      y.push_back(row[static_cast<std::size_t>(cols[1])]);
    }
    check_profile(s, x, y, "file");
    return std::make_unique<Profile>(axis, std::move(x), std::move(y), "table");
  }

 private:
  int axis_;
  std::vector<double> x_, y_;
  std::string type_;
};

/// Periodic two-slab profile (MD heat-exchange set-ups, two opposite gradients): T = T_cold
/// inside the cold slab, T_hot inside the hot slab, linear in between, period `period`.
class TwoSlab : public TemperatureField {
 public:
  TwoSlab(int axis, double L, double xc, double xh, double w, double Tc, double Th)
      : axis_(axis), L_(L), xc_(xc), xh_(xh), w_(w), Tc_(Tc), Th_(Th) {}
  double T(const Point& p) const override {
    // position relative to the cold-slab centre, wrapped into [0, L)
    double u = std::fmod(p[axis_] - xc_, L_);
    if (u < 0) u += L_;
    const double h = std::fmod(xh_ - xc_ + L_, L_);  // hot centre relative to cold centre
    const double hw = 0.5 * w_;
    if (u <= hw || u >= L_ - hw) return Tc_;
    if (std::fabs(u - h) <= hw) return Th_;
    if (u < h) return Tc_ + (Th_ - Tc_) * (u - hw) / (h - w_);
    return Th_ + (Tc_ - Th_) * (u - h - hw) / (L_ - h - w_);
  }
  std::string type() const override { return "two_slab"; }
  bool varies_along(int axis) const override { return axis == axis_; }
  static std::unique_ptr<TemperatureField> create(InputSection& s, const Mesh&) {
    const int axis = read_axis(s);
    const double L = s.real(kPeriod);
    const double xc = s.real(kCold);
    const double xh = s.real(kHot);
    const double w = s.real(kWidth);
    const double Tc = s.real(kTcold);
    const double Th = s.real(kThot);
    const double h = std::fmod(xh - xc + L, L);
    if (!(h > w && L - h > w))
      s.fail("hot_center", fmt::format("the slabs (width {:g}) overlap: centres {:g} and {:g} "
                                       "in a period of {:g}", w, xc, xh, L));
    return std::make_unique<TwoSlab>(axis, L, xc, xh, w, Tc, Th);
  }

 private:
  int axis_;
  double L_, xc_, xh_, w_, Tc_, Th_;
};

TemperatureFieldFactory::Registrar r1("uniform", "T = T0.", &Uniform::create, {&kT0});
TemperatureFieldFactory::Registrar r2("linear", "T = T_ref + gradient . (x - x_ref).",
                                      &Linear::create, {&kTref, &kGradient, &kXref});
TemperatureFieldFactory::Registrar r3("piecewise_linear",
                                      "Linear along `axis` between given points, constant beyond "
                                      "the ends.",
                                      &Profile::create_inline, {&kAxis, &kPositions, &kTemps});
TemperatureFieldFactory::Registrar r4("table",
                                      "Profile along `axis` read from a text file (e.g. a LAMMPS "
                                      "fix ave/chunk profile), linear between its points, "
                                      "constant beyond the ends.",
                                      &Profile::create_file, {&kAxis, &kFile, &kColumns, &kScale});
TemperatureFieldFactory::Registrar r5("two_slab",
                                      "Periodic MD-style heat-exchange profile along `axis`: "
                                      "T_cold in the cold slab, T_hot in the hot slab, linear "
                                      "ramps between.",
                                      &TwoSlab::create,
                                      {&kAxis, &kPeriod, &kCold, &kHot, &kWidth, &kTcold, &kThot});

}  // namespace

std::unique_ptr<TemperatureField> make_temperature_field(InputSection& s, const Mesh& mesh) {
  auto field = TemperatureFieldFactory::find(s.string(kType))->create(s, mesh);
  s.finish();
  // Positivity at cell centres and nodes; periodicity along periodic axes.
  for (int a = 0; a < mesh.dim(); ++a) {
    const Axis& ax = mesh.axis(a);
    for (int i = 0; i <= ax.cells(); ++i) {
      Point p{0, 0, 0};
      for (int b = 0; b < mesh.dim(); ++b) p[b] = mesh.axis(b).nodes.front();
      p[a] = ax.nodes[i];
      const double t = field->T(p);
      if (!(t > 0))
        s.fail("type", fmt::format("temperature {:g} at {} = {:g} is not positive", t,
                                   "xyz"[a], ax.nodes[i]));
    }
    if (ax.periodic) {
      for (int k = 0; k < 7; ++k) {
        Point p{0, 0, 0};
        for (int b = 0; b < mesh.dim(); ++b)
          p[b] = mesh.axis(b).nodes.front() + mesh.axis(b).length() * (0.13 + 0.11 * k);
        Point q = p;
        p[a] = ax.nodes.front();
        q[a] = ax.nodes.back();
        const double tp = field->T(p), tq = field->T(q);
        if (std::fabs(tp - tq) > 1e-12 * std::max(std::fabs(tp), std::fabs(tq)))
          s.fail("type", fmt::format("inconsistent boundary conditions: mesh axis {} is periodic "
                                     "but the temperature is not (T = {:g} at one end, {:g} at "
                                     "the other)", "xyz"[a], tp, tq));
      }
    }
  }
  return field;
}

std::unique_ptr<TemperatureField> linear_temperature(double T_ref, const Point& gradient) {
  return std::make_unique<Linear>(T_ref, gradient, Point{0, 0, 0});
}

std::pair<double, double> temperature_range(const Mesh& mesh, const TemperatureField& T) {
  double lo = 1e300, hi = -1e300;
  const auto st = mesh.start(), ct = mesh.count();
  // the nodes bounding the owned cells (0 along an axis the mesh lacks, as sampled below)
  Point box_lo{}, box_hi{};
  for (int a = 0; a < mesh.dim(); ++a) {
    box_lo[a] = mesh.axis(a).nodes[static_cast<std::size_t>(st[a])];
    box_hi[a] = mesh.axis(a).nodes[static_cast<std::size_t>(st[a] + ct[a])];
  }
  if (const auto known = T.range_over_box(box_lo, box_hi)) {
    std::tie(lo, hi) = *known;
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, mesh.comm());
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, mesh.comm());
    return {lo, hi};
  }
  // cell centres and the nodes bounding the owned cells
  for (int k = st[2]; k <= st[2] + ct[2] - (mesh.dim() < 3 ? 1 : 0); ++k)
    for (int j = st[1]; j <= st[1] + ct[1] - (mesh.dim() < 2 ? 1 : 0); ++j)
      for (int i = st[0]; i <= st[0] + ct[0]; ++i)
        for (int centre = 0; centre < 2; ++centre) {
          Point x{};
          for (int a = 0; a < mesh.dim(); ++a) {
            const int idx = a == 0 ? i : a == 1 ? j : k;
            const Axis& ax = mesh.axis(a);
            x[a] = centre && idx < ax.cells() ? ax.center(idx) : ax.nodes[std::min(idx, ax.cells())];
          }
          const double t = T.T(x);
          lo = std::min(lo, t);
          hi = std::max(hi, t);
        }
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, mesh.comm());
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, mesh.comm());
  return {lo, hi};
}

}  // namespace td
