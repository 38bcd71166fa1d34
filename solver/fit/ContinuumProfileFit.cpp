/// @file ContinuumProfileFit.cpp  `type = "continuum_profile"`: the Soret coefficient S_T of a
/// single-species continuum model fitted to a measured concentration profile c(x) with the
/// finite-volume steady solver in the loop (PHYSICS.md 2.1; issue 6, fitting).
///
/// `case` names a continuum case (solver/Case.h: 1D mesh, prescribed temperature, one plain
/// species, no heat solve); its species' own S_T law is replaced by the fitted constant. Each
/// cost evaluation builds an FVSystem with the trial S_T, solves the steady state
/// (solve_steady; closed cells keep the case's initial amount) on this rank alone
/// (MPI_COMM_SELF) and compares `scale` x c at the data positions (linear interpolation
/// between cell centres) with the data. Derivatives: Ceres central differences.
/// Parameters: S_T (inverse temperature) and, with `fit_scale = true`, a dimensionless
/// factor on the model profile (the measured amount need not equal the case's).
/// Data: a fix ave/chunk file (`concentration_file`, columns as in `soret_profile`) or the
/// usual column file / inline x, y, sigma; `exclude` drops x ranges (e.g. thermostat slabs).
#include <ceres/dynamic_numeric_diff_cost_function.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "md/Readers.h"
#include "solver/Case.h"
#include "solver/Petsc.h"
#include "solver/fit/FitTask.h"
#include "solver/fit/Models.h"

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

/// The steady concentration of the case's species at given positions, as a function of S_T.
class SteadyProfile {
 public:
  SteadyProfile(const std::string& case_file, InputSection& s) {
    try {
      case_ = Case::load(MPI_COMM_SELF, case_file);
    } catch (const Error& e) {
      s.fail("case", fmt::format("cannot use the continuum case: {}", e.what()));
    }
    const FVSystem& sys = case_->system();
    if (case_->mesh().dim() != 1)
      s.fail("case", fmt::format("{}: the profile fit needs a 1D mesh (dim = {})", case_file,
                                 case_->mesh().dim()));
    if (sys.nspecies() != 1 || sys.species()[0].states || sys.has_heat() || sys.reactions())
      s.fail("case", fmt::format("{}: the profile fit needs exactly one plain species, no "
                                 "reactions and a prescribed temperature",
                                 case_file));
    species_ = sys.species();
    opt_ = case_->run().steady;
  }

  const Mesh& mesh() const { return case_->mesh(); }
  double temperature(double x) const { return case_->temperature().T({x, 0.0, 0.0}); }

  /// c at cell centres for a constant Soret coefficient @p S_T (case units).
  std::vector<double> cells(double S_T) const {
    std::vector<Species> sp = species_;
    sp[0].S_T = constant_law(S_T);
    FVSystem sys(case_->mesh(),
                 std::shared_ptr<const TemperatureField>(case_, &case_->temperature()), sp);
    Vec c = sys.create_state();
    sys.initial_state(c);
    solve_steady(sys, c, opt_);
    const PetscScalar* a;
    TD_PETSC(VecGetArrayRead(c, &a));
    std::vector<double> out(a, a + mesh().cells(0));
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
  std::shared_ptr<Case> case_;
  std::vector<Species> species_;
  SteadyOptions opt_;
};

struct ProfileResidual {
  const SteadyProfile* model;
  const Data* d;
  bool scale;
  bool operator()(double const* const* p, double* r) const {
    std::vector<double> c;
    try {
      c = model->cells(p[0][0]);
    } catch (const SolverError&) {
      return false;  // Ceres shortens the step
    }
    const double f = scale ? p[0][1] : 1.0;
    for (std::size_t i = 0; i < d->size(); ++i)
      r[i] = (f * model->at(c, d->x[i]) - d->y[i]) / (d->sigma.empty() ? 1.0 : d->sigma[i]);
    return true;
  }
};

class ContinuumProfile : public FitTask {
 public:
  explicit ContinuumProfile(InputSection& s) {
    common_.read(s, "S_T");
    const std::string case_file = input_path(s, s.string(kCase));
    scale_ = s.boolean(kFitScale);
    start_ = s.real(kStart);
    const auto excl = s.reals(kExclude);
    if (excl.size() % 2 != 0)
      s.fail("exclude", fmt::format("expected pairs [lo, hi, ...], got {} numbers", excl.size()));
    if (s.has("concentration_file")) {
      const std::string f = input_path(s, s.string(kCFile));
      const std::string cc = s.string(chunk_concentration_column_spec()),
                        xc = s.string(chunk_coordinate_column_spec());
      const auto skip = static_cast<std::size_t>(s.integer(chunk_skip_blocks_spec()));
      const md::Table t = md::average_blocks(md::read_ave_chunk(f), skip, f);
      data_.x = t.col(xc);
      data_.y = t.col(cc);
      src_ = f;
    } else {
      std::tie(data_, src_) =
          read_xy(s, K::length, K::number_density, "positions x", "concentrations c(x)");
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
    const std::size_t npar = scale_ ? 2 : 1;
    if (data_.size() < npar + 1)
      s.fail("exclude",
             fmt::format("{} data points are left, {} parameters need more", data_.size(), npar));
    model_ = std::make_unique<SteadyProfile>(case_file, s);
    const Axis& ax = model_->mesh().axis(0);
    for (double x : data_.x)
      if (x < ax.nodes.front() || x > ax.nodes.back())
        s.fail("case", fmt::format("data position {} lies outside the case's mesh [{}, {}]", x,
                                   ax.nodes.front(), ax.nodes.back()));
    case_file_ = case_file;
  }

  void run(FitContext& ctx) override {
    double s0 = start_;
    if (s0 == 0.0) {
      // linear estimate: ln c = a - S_T T (exact for a closed cell with constant S_T)
      Data lin;
      for (std::size_t i = 0; i < data_.size(); ++i)
        if (data_.y[i] > 0) {
          lin.x.push_back(model_->temperature(data_.x[i]));
          lin.y.push_back(std::log(data_.y[i]));
        }
      if (lin.size() >= 2) s0 = -fit_line(lin, "continuum_profile start").p[1];
    }
    auto fit = [this, s0](const Data& d) { return solve(d, s0); };
    const FitResult r = fit(data_);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(data_, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    ctx.params.add(to_parameter(r, 0, common_.name, K::inverse_temperature,
                                "steady finite-volume profile of " + case_file_ +
                                    " fitted to c(x) (constant S_T" +
                                    (scale_ ? ", free amount factor" : "") +
                                    "), Ceres with central differences, covariance",
                                src_, boot));
    const auto c = model_->cells(r.p[0]);
    const double f = scale_ ? r.p[1] : 1.0;
    report_fit(ctx.json, data_, r, [&](double x) { return f * model_->at(c, x); });
    ctx.json["xlabel"] = "x";
    ctx.json["ylabel"] = "c";
  }

 private:
  FitResult solve(const Data& d, double s0) const {
    std::vector<double> p{s0};
    if (scale_) p.push_back(1.0);
    auto* cost = new ceres::DynamicNumericDiffCostFunction<ProfileResidual, ceres::CENTRAL>(
        new ProfileResidual{model_.get(), &d, scale_});
    cost->AddParameterBlock(static_cast<int>(p.size()));
    cost->SetNumResiduals(static_cast<int>(d.size()));
    ceres::Problem problem;
    problem.AddResidualBlock(cost, nullptr, p.data());
    std::vector<std::string> names{common_.name};
    if (scale_) names.push_back("scale");
    return detail::solve(problem, p.data(), static_cast<int>(p.size()), static_cast<int>(d.size()),
                         !d.sigma.empty(), names, "continuum_profile " + common_.name);
  }

  TaskCommon common_;
  bool scale_ = true;
  double start_ = 0.0;
  Data data_;
  std::string src_, case_file_;
  std::unique_ptr<SteadyProfile> model_;
};

std::unique_ptr<FitTask> create(InputSection& s) { return std::make_unique<ContinuumProfile>(s); }
FitTaskFactory::Registrar reg("continuum_profile",
                              "S_T of a continuum case fitted to c(x), FV solver in the loop",
                              &create);
}  // namespace

}  // namespace td::fit
