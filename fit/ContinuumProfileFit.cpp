/// @file ContinuumProfileFit.cpp  `type = "continuum_profile"`: parameters of a single-species
/// continuum model fitted to a measured concentration profile c(x) with the finite-volume
/// steady solver in the loop (single-species and multi-state transport).
///
/// `case` names a continuum case (fv/Case.h: 1D mesh, prescribed temperature, one species,
/// plain or multi-state; same units as the fit). Fitted: a constant S_T replacing the law of a
/// plain species (`fit_soret`, default true), and/or one numeric key of the case file
/// (`case_parameter`, e.g. "species[0].states[1].energy": the multi-state energy difference;
/// the case is rebuilt from its TOML with the trial value), and a dimensionless factor on the
/// model profile (`fit_scale`: the measured amount need not equal the case's). Each cost
/// evaluation solves the steady state (solve_steady; closed cells keep the case's initial
/// amount) on this rank alone (MPI_COMM_SELF) and compares the total concentration (states
/// summed) at the data positions (linear interpolation between cell centres) with the data.
/// Derivatives: Ceres central differences. Data: a fix ave/chunk file (`concentration_file`,
/// columns as in `soret_profile`) or the usual column file / inline x, y, sigma; `exclude`
/// drops x ranges (e.g. thermostat slabs).
#include <ceres/dynamic_numeric_diff_cost_function.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <toml.hpp>

#include "core/Error.h"
#include "core/Petsc.h"
#include "fit/FitTask.h"
#include "fit/Models.h"
#include "fv/Case.h"
#include "io/Readers.h"

namespace td::fit {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kCase{"case",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "continuum case file (1D mesh, temperature, one species) whose steady "
                      "profile is fitted"};
const ParamSpec kFitScale{"fit_scale",
                          T::Bool,
                          "true",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "also fit a factor on the model profile (else the case's amount)"};
const ParamSpec kStart{"S_T_start",
                       T::Real,
                       "0.0",
                       K::inverse_temperature,
                       Range::any(),
                       {},
                       "starting S_T (0: slope of ln c against the case's T at the data)"};
const ParamSpec kExclude{"exclude",
                         T::RealArray,
                         "[]",
                         K::length,
                         Range::any(),
                         {},
                         "x ranges left out of the fit as [lo1, hi1, lo2, hi2, ...]"};
const ParamSpec kCFile{"concentration_file",
                       T::String,
                       "",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "fix ave/chunk file with the profile (else file/x_column/... or x, y)"};

const ParamSpec kFitSoret{"fit_soret",
                          T::Bool,
                          "true",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "fit a constant S_T replacing the species' Soret law (plain species)"};
const ParamSpec kKey{"case_parameter",
                     T::String,
                     "\"\"",
                     K::dimensionless,
                     Range::any(),
                     {},
                     "path of one more numeric key of the case to fit, e.g. "
                     "\"species[0].states[1].energy\" (\"\": none); starts at the case's value"};
const ParamSpec kKeyName{"case_parameter_name",
                         T::String,
                         "\"\"",
                         K::dimensionless,
                         Range::any(),
                         {},
                         "name of that parameter in the transport-parameter file"};

std::vector<std::string> kind_names() {
  std::vector<std::string> v;
  for (auto k : units::all_kinds()) v.emplace_back(units::name_of(k));
  return v;
}

const ParamSpec kKeyKind{
    "case_parameter_kind",         T::String, "\"energy\"", K::dimensionless, Range::any(), {},
    "unit kind of that parameter", {},        &kind_names};
const ParamSpec kName = name_spec("S_T");
const XyKeys kData = xy_keys(K::length, K::number_density, "positions x", "concentrations c(x)");

/// The node at @p path ("a.b[2].c") of a parsed TOML document, or null.
toml::value* find_node(toml::value& root, const std::string& path) {
  toml::value* v = &root;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t dot = std::min(path.find('.', pos), path.size());
    std::string seg = path.substr(pos, dot - pos);
    long index = -1;
    if (const auto br = seg.find('['); br != std::string::npos) {
      if (seg.back() != ']') return nullptr;
      try {
        index = std::stol(seg.substr(br + 1, seg.size() - br - 2));
      } catch (const std::exception&) {
        return nullptr;
      }
      seg.resize(br);
    }
    if (!v->is_table() || !v->as_table().count(seg)) return nullptr;
    v = &v->as_table().at(seg);
    if (index >= 0) {
      if (!v->is_array() || index >= static_cast<long>(v->as_array().size())) return nullptr;
      v = &v->as_array()[static_cast<std::size_t>(index)];
    }
    pos = dot + 1;
  }
  return v;
}

/// Positions of the fitted parameters in the parameter vector (-1: not fitted).
struct Layout {
  int soret = -1, key = -1, scale = -1, n = 0;
};

/// The steady total concentration of the case's one species (all its states) at the cell
/// centres, as a function of the fitted parameters (case units).
class SteadyProfile {
 public:
  SteadyProfile(const std::string& case_file, const std::string& key, const Layout& lay,
                InputSection& s)
      : file_(case_file), key_(key), lay_(lay) {
    try {
      case_ = Case::load(MPI_COMM_SELF, case_file);
      root_ = toml::parse(case_file);
    } catch (const std::exception& e) {
      s.fail("case", fmt::format("cannot use the continuum case: {}", e.what()));
    }
    const FVSystem& sys = case_->system();
    if (case_->mesh().dim() != 1)
      s.fail("case", fmt::format("{}: the profile fit needs a 1D mesh (dim = {})", case_file,
                                 case_->mesh().dim()));
    if (sys.groups().size() != 1 || sys.has_heat())
      s.fail("case", fmt::format("{}: the profile fit needs exactly one species (its states "
                                 "summed) and a prescribed temperature",
                                 case_file));
    if (lay_.soret >= 0 && (sys.species()[0].states || sys.reactions()))
      s.fail("fit_soret",
             fmt::format("{}: a constant S_T replaces the law of a plain species; this one has "
                         "states or reactions (set fit_soret = false and fit a case_parameter)",
                         case_file));
    const auto& u = s.units();
    const auto& cu = case_->units();
    for (auto k : {K::length, K::time, K::energy, K::temperature, K::mass})
      if (u.name() != cu.name() || u.scale(units::dim_of(k)) != cu.scale(units::dim_of(k)))
        s.fail("case", fmt::format("{} is in {} units, this fit in {}: use the same units",
                                   case_file, cu.name(), u.name()));
    if (!key_.empty()) {
      const toml::value* v = find_node(root_, key_);
      if (!v || !(v->is_floating() || v->is_integer()))
        s.fail("case_parameter",
               fmt::format("'{}' is not a number in {} (a path like species[0].states[1].energy)",
                           key_, case_file));
      key_start_ = v->is_floating() ? v->as_floating() : static_cast<double>(v->as_integer());
    }
  }

  const Mesh& mesh() const { return case_->mesh(); }
  double temperature(double x) const { return case_->temperature().T({x, 0.0, 0.0}); }
  double key_start() const { return key_start_; }

  /// Total concentration at the cell centres for parameters @p p (Layout order).
  std::vector<double> cells(const double* p) const {
    std::shared_ptr<Case> cs = case_;
    if (lay_.key >= 0) {
      toml::value root = root_;
      *find_node(root, key_) = toml::value(p[lay_.key]);
      cs = Case::from_string(MPI_COMM_SELF, toml::format(root), file_);
    }
    // a constant S_T: the case's species with the law replaced (plain species, no reactions)
    std::unique_ptr<FVSystem> own;
    if (lay_.soret >= 0) {
      std::vector<Species> sp = cs->system().species();
      sp[0].S_T = constant_law(p[lay_.soret]);
      own = std::make_unique<FVSystem>(
          cs->mesh(), std::shared_ptr<const TemperatureField>(cs, &cs->temperature()), sp);
    }
    FVSystem& sys = own ? *own : cs->system();
    Vec c = sys.create_state();
    sys.initial_state(c);
    solve_steady(sys, c, cs->run().steady);
    const int ns = sys.nspecies(), n = cs->mesh().cells(0);
    std::vector<double> out(static_cast<std::size_t>(n), 0.0);
    const PetscScalar* a;
    TD_PETSC(VecGetArrayRead(c, &a));
    for (int i = 0; i < n; ++i)
      for (int s = 0; s < ns; ++s) out[static_cast<std::size_t>(i)] += a[i * ns + s];
    TD_PETSC(VecRestoreArrayRead(c, &a));
    TD_PETSC(VecDestroy(&c));
    return out;
  }

  /// Linear interpolation of cell values @p v at @p x (constant beyond the end centres).
  double at(const std::vector<double>& v, double x) const {
    const Axis& ax = mesh().axis(0);
    const int n = ax.cells();
    if (x <= ax.center(0)) return v[0];
    if (x >= ax.center(n - 1)) return v[n - 1];
    int i =
        static_cast<int>(std::upper_bound(ax.nodes.begin(), ax.nodes.end(), x) - ax.nodes.begin()) -
        1;
    if (x < ax.center(i)) --i;
    const double w = (x - ax.center(i)) / (ax.center(i + 1) - ax.center(i));
    return (1 - w) * v[i] + w * v[i + 1];
  }

 private:
  std::string file_, key_;
  Layout lay_;
  std::shared_ptr<Case> case_;
  toml::value root_;
  double key_start_ = 0.0;
};

struct ProfileResidual {
  const SteadyProfile* model;
  const Data* d;
  Layout lay;
  bool operator()(double const* const* p, double* r) const {
    std::vector<double> c;
    try {
      c = model->cells(p[0]);
    } catch (const Error&) {
      return false;  // no steady state or an invalid case value: Ceres shortens the step
    }
    const double f = lay.scale >= 0 ? p[0][lay.scale] : 1.0;
    for (std::size_t i = 0; i < d->size(); ++i)
      r[i] = (f * model->at(c, d->x[i]) - d->y[i]) / (d->sigma.empty() ? 1.0 : d->sigma[i]);
    return true;
  }
};

class ContinuumProfile : public FitTask {
 public:
  explicit ContinuumProfile(InputSection& s) {
    common_.read(s, kName);
    const std::string case_file = input_path(s, s.string(kCase));
    if (s.boolean(kFitSoret)) lay_.soret = lay_.n++;
    start_ = s.real(kStart);
    const std::string key = s.string(kKey);
    key_name_ = s.string(kKeyName);
    key_kind_ = *units::kind_from_name(s.string(kKeyKind));
    if (!key.empty()) {
      lay_.key = lay_.n++;
      if (key_name_.empty() || key_name_.find_first_of(" .[]\"=#") != std::string::npos)
        s.fail("case_parameter_name",
               fmt::format("give a valid parameter name (letters, digits, _) for '{}'", key));
    }
    if (s.boolean(kFitScale)) lay_.scale = lay_.n++;
    if (lay_.soret < 0 && lay_.key < 0)
      s.fail("fit_soret", "nothing to fit: set fit_soret = true or give a case_parameter");
    const auto excl = s.reals(kExclude);
    if (excl.size() % 2 != 0)
      s.fail("exclude", fmt::format("expected pairs [lo, hi, ...], got {} numbers", excl.size()));
    if (s.has("concentration_file")) {
      const std::string f = input_path(s, s.string(kCFile));
      const std::string cc = s.string(chunk_concentration_column_spec()),
                        xc = s.string(chunk_coordinate_column_spec());
      const auto skip = static_cast<std::size_t>(s.integer(chunk_skip_blocks_spec()));
      // a file that cannot be read or lacks a column is an error at concentration_file
      at_key(s.location(kCFile.key), [&] {
        const md::Table t = md::average_blocks(md::read_ave_chunk(f), skip, f);
        // the profile of a real or metal md run states "LAMMPS real" or "LAMMPS metal", never
        // the name of a [units] system: only soret_profile converts LAMMPS's unit styles
        check_file_units(s.location(kCFile.key), f, t.units, s.units().name(), "[units]",
                         "continuum_profile reads profiles in the units of the case; give "
                         "[units] the file's, or fit a profile that LAMMPS wrote in real or "
                         "metal units with soret_profile (its key lammps_units)");
        data_.x = t.col(xc);
        data_.y = t.col(cc);
      });
      src_ = f;
    } else {
      std::tie(data_, src_) = read_xy(s, kData);
    }
    Data kept;
    for (std::size_t i = 0; i < data_.size(); ++i) {
      bool out = false;
      for (std::size_t k = 0; k < excl.size(); k += 2)
        out |= data_.x[i] >= excl[k] && data_.x[i] <= excl[k + 1];
      if (out) continue;
      kept.x.push_back(data_.x[i]);
      kept.y.push_back(data_.y[i]);
      if (!data_.sigma.empty()) kept.sigma.push_back(data_.sigma[i]);
    }
    data_ = std::move(kept);
    if (data_.size() < static_cast<std::size_t>(lay_.n) + 1)
      s.fail("exclude",
             fmt::format("{} data points are left, {} parameters need more", data_.size(), lay_.n));
    model_ = std::make_unique<SteadyProfile>(case_file, key, lay_, s);
    const Axis& ax = model_->mesh().axis(0);
    for (double x : data_.x)
      if (x < ax.nodes.front() || x > ax.nodes.back())
        s.fail("case", fmt::format("data position {} lies outside the case's mesh [{}, {}]", x,
                                   ax.nodes.front(), ax.nodes.back()));
    case_file_ = case_file;
    key_ = key;
  }

  void run(FitContext& ctx) override {
    std::vector<double> p0(static_cast<std::size_t>(lay_.n), 1.0);
    if (lay_.soret >= 0) p0[lay_.soret] = soret_start();
    if (lay_.key >= 0) p0[lay_.key] = model_->key_start();
    auto fit = [this, &p0](const Data& d, FitPass pass) { return solve(d, p0, pass); };
    const FitResult r = fit(data_, FitPass::main);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(data_, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    const std::string method = fmt::format(
        "steady finite-volume profile of {} fitted to c(x) ({}{}{}), Ceres with central "
        "differences, covariance",
        case_file_, lay_.soret >= 0 ? "constant S_T" : "",
        lay_.key >= 0 ? (lay_.soret >= 0 ? ", " : "") + key_ : "",
        lay_.scale >= 0 ? ", free amount factor" : "");
    if (lay_.soret >= 0)
      ctx.params.add(
          to_parameter(r, lay_.soret, common_.name, K::inverse_temperature, method, src_, boot));
    if (lay_.key >= 0)
      ctx.params.add(to_parameter(r, lay_.key, key_name_, key_kind_, method, src_, boot));
    const auto c = model_->cells(r.p.data());
    const double f = lay_.scale >= 0 ? r.p[lay_.scale] : 1.0;
    report_fit(ctx.json, data_, r, [&](double x) { return f * model_->at(c, x); });
    ctx.json["xlabel"] = "x";
    ctx.json["ylabel"] = "c";
  }

 private:
  /// S_T_start, or the slope of ln c against the case's T at the data (exact for a closed
  /// cell with constant S_T and alpha = 0).
  double soret_start() const {
    if (start_ != 0.0) return start_;
    Data lin;
    for (std::size_t i = 0; i < data_.size(); ++i)
      if (data_.y[i] > 0) {
        lin.x.push_back(model_->temperature(data_.x[i]));
        lin.y.push_back(std::log(data_.y[i]));
      }
    return lin.size() >= 2 ? -fit_line(lin, "continuum_profile start").p[1] : 0.0;
  }

  FitResult solve(const Data& d, std::vector<double> p, FitPass pass) const {
    auto* cost = new ceres::DynamicNumericDiffCostFunction<ProfileResidual, ceres::CENTRAL>(
        new ProfileResidual{model_.get(), &d, lay_});
    cost->AddParameterBlock(lay_.n);
    cost->SetNumResiduals(static_cast<int>(d.size()));
    ceres::Problem problem;
    problem.AddResidualBlock(cost, nullptr, p.data());
    std::vector<std::string> names(static_cast<std::size_t>(lay_.n));
    if (lay_.soret >= 0) names[lay_.soret] = common_.name;
    if (lay_.key >= 0) names[lay_.key] = key_name_;
    if (lay_.scale >= 0) names[lay_.scale] = "scale";
    return detail::solve(problem, p.data(), lay_.n, static_cast<int>(d.size()), !d.sigma.empty(),
                         names, "continuum_profile " + common_.name, pass);
  }

  Layout lay_;
  double start_ = 0.0;
  std::string key_, key_name_;
  units::Kind key_kind_ = K::energy;
  Data data_;
  std::string src_, case_file_;
  std::unique_ptr<SteadyProfile> model_;
};

std::unique_ptr<FitTask> create(InputSection& s) { return std::make_unique<ContinuumProfile>(s); }
FitTaskFactory::Registrar reg(
    "continuum_profile",
    "Parameters of a continuum case fitted to a measured concentration profile c(x) with the "
    "finite-volume steady solver in the loop: a constant S_T replacing the Soret law of a plain "
    "species (`fit_soret`) and/or one numeric key of the case (`case_parameter`, e.g. a state "
    "energy; the case is rebuilt per trial value), and a factor on the model profile "
    "(`fit_scale`). The case (`case`: 1D mesh, prescribed temperature, one species; the fit's "
    "units) is solved on one rank per evaluation; states are summed and interpolated at the "
    "data positions. Data: a fix ave/chunk file (`concentration_file` with the chunk keys) or "
    "a column file / inline x, y, sigma; `exclude` drops x ranges (e.g. thermostat slabs).",
    &create,
    key_registry::join({{&kName, &kCase, &kFitSoret, &kStart, &kKey, &kKeyName, &kKeyKind,
                         &kFitScale, &kExclude, &kCFile, &chunk_concentration_column_spec(),
                         &chunk_coordinate_column_spec(), &chunk_skip_blocks_spec()},
                        kData.all()}));
}  // namespace

}  // namespace td::fit
