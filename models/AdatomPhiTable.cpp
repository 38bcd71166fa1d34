/// @file AdatomPhiTable.cpp  Adatom hop rates from a tabulated thermodynamic potential Phi(x)
/// such as constrained-adatom thermodynamic integration in MD produces.
///
/// Phi is dimensionless (A/(kB T), the temperature is already in it). A hop from the site at
/// x over the saddle at x +- a/2 has rate nu exp(-[Phi(x +- a/2) - Phi(x)]), Phi linearly
/// interpolated in the table. The lattice's sites (origin + a (i + 1/2)) must sit on the
/// minima of Phi. 1D lattices only: Phi(x) says nothing about hops across x.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/Paths.h"
#include "io/Readers.h"
#include "models/Adatom.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kFile{"file",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "column file with a '# x Phi' header (relative to the input file)"};
const ParamSpec kXCol{"x_column",
                      T::String,
                      "\"x\"",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "column of the position x (length, the case's unit)"};
const ParamSpec kPhiCol{"phi_column",
                        T::String,
                        "\"Phi\"",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "column of Phi = A/(kB T) (dimensionless)"};

class PhiTable : public AdatomRates {
 public:
  PhiTable(std::vector<double> x, std::vector<double> phi, double a, double nu, std::string file)
      : x_(std::move(x)), phi_(std::move(phi)), a_(a), nu_(nu), file_(std::move(file)) {}

  double hop_rate(const Point& from, const Point& saddle, const TemperatureField*) const override {
    return nu_ * std::exp(-(phi(saddle[0]) - phi(from[0])));
  }
  double lattice_spacing() const override { return a_; }
  bool needs_temperature() const override { return false; }
  int max_dim() const override { return 1; }
  void check_extent(double lo, double hi, const InputSection& s) const override {
    if (lo < x_.front() || hi > x_.back())
      s.fail("file", fmt::format("{}: Phi is tabulated on [{:g}, {:g}] but the lattice's sites "
                                 "and saddles span [{:g}, {:g}]",
                                 file_, x_.front(), x_.back(), lo, hi));
  }

  static std::unique_ptr<AdatomRates> create(InputSection& s, double) {
    std::string path = s.string(kFile);
    path = input_path(s, path);
    const std::string xc = s.string(kXCol), pc = s.string(kPhiCol);
    const double a = s.real(lattice_spacing_param()), nu = s.real(attempt_frequency_param());
    s.finish();
    std::vector<double> x, phi;
    md::Table t;
    try {
      t = md::read_columns(path);
      x = t.col(xc);
      phi = t.col(pc);
    } catch (const Error& e) {
      s.fail("file", e.what());
    }
    if (x.size() < 2) s.fail("file", fmt::format("{}: Phi needs at least two rows", path));
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(x[i]) || !std::isfinite(phi[i]))
        s.fail("file", fmt::format("{}:{}: x and Phi must be finite", path, t.lines[i]));
      if (i > 0 && !(x[i] > x[i - 1]))
        s.fail("file", fmt::format("{}:{}: x = {:g} does not increase (previous row x = {:g})",
                                   path, t.lines[i], x[i], x[i - 1]));
    }
    return std::make_unique<PhiTable>(std::move(x), std::move(phi), a, nu, path);
  }

 private:
  /// Phi at @p x, linear between the tabulated points (x inside the table: check_extent).
  double phi(double x) const {
    const auto it = std::upper_bound(x_.begin(), x_.end(), x);
    const std::size_t i = std::clamp<std::size_t>(it - x_.begin(), 1, x_.size() - 1) - 1;
    const double w = (x - x_[i]) / (x_[i + 1] - x_[i]);
    return (1.0 - w) * phi_[i] + w * phi_[i + 1];
  }

  std::vector<double> x_, phi_;
  double a_, nu_;
  std::string file_;
};

AdatomRatesFactory::Registrar reg(
    "phi_table",
    "Phi(x) = A/(kB T) tabulated in a column file (e.g. from constrained-adatom thermodynamic "
    "integration in MD; the temperature is already in Phi, so the case has no `[temperature]`), "
    "linearly interpolated; the sites must sit on its minima. 1D lattices only.",
    &PhiTable::create, {&kFile, &kXCol, &kPhiCol});

}  // namespace

}  // namespace td
