#pragma once
/// @file LeastSquares.h  Weighted non-linear least squares y_i ~ f(x_i; p) with Ceres
/// (automatic derivatives) and parameter covariance from ceres::Covariance; bootstrap and
/// replica resampling for a second, distribution-free uncertainty.
///
/// A model is a functor `template <class T> T operator()(double x, const T* p) const`, or, for
/// data with a second coordinate per point (Data::x2), `T operator()(double x, double x2,
/// const T* p) const`.
#include <ceres/dynamic_autodiff_cost_function.h>
#include <ceres/problem.h>
#include <fmt/format.h>

#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

#include "core/Error.h"

namespace td::fit {

/// Data to fit: abscissae, ordinates and optional standard errors of the ordinates
/// (empty: unknown, the covariance is then scaled by the reduced chi-square).
struct Data {
  std::vector<double> x, y, sigma;
  /// Second coordinate of each point for two-variable models (e.g. the temperature at which
  /// a drift velocity was measured at gradient x); empty for one-variable models.
  std::vector<double> x2;
  /// Replica (group) index of each point for replica resampling; empty: every point its own.
  std::vector<int> group;
  std::size_t size() const { return x.size(); }
};

struct FitResult {
  std::vector<std::string> names;
  std::vector<double> p;     ///< best-fit parameters
  Eigen::MatrixXd cov;       ///< parameter covariance
  double chi2 = 0.0;         ///< weighted sum of squared residuals
  int dof = 0;               ///< points - parameters
  bool sigma_known = false;  ///< covariance from the given sigmas (else scaled by chi2/dof)
  /// Standard error of parameter i (sqrt of the covariance diagonal).
  double se(std::size_t i) const;
  /// Index of parameter @p name (throws td::Error if absent).
  std::size_t index(const std::string& name) const;
};

/// Which fit detail::solve does: the fit whose parameters and uncertainties are reported, or
/// one resample of bootstrap_sd, of which only the parameters are used.
enum class FitPass { main, resample };

namespace detail {
/// Solve the problem for the @p n parameters at @p p (in/out) with @p nres residuals and
/// fill a FitResult (covariance (J^T J)^-1 in column-scaled coordinates). Throws
/// td::SolverError on failure, and naming a parameter the data do not determine: one the fit
/// does not depend on, a combination the Jacobian's rank leaves free, or one whose effect on
/// the fit vanishes within one standard error of a parameter (a saddle, where the covariance's
/// standard error means nothing). The last check is made on the FitPass::main fit alone: a
/// resample where a parameter is poorly determined belongs to the spread that the bootstrap
/// measures (dropping it biased the bootstrap sd low), and the check costs 2n Jacobians.
FitResult solve(ceres::Problem& problem, double* p, int n, int nres, bool sigma_known,
                std::vector<std::string> names, const std::string& what, FitPass pass);

/// Whether @p Model takes a second coordinate per point (Data::x2).
template <class Model>
concept TwoVariableModel = requires(const Model& m, const double* p) {
  m(0.0, 0.0, p);
};

template <class Model>
struct CurveResidual {
  const Model* model;
  const Data* d;
  template <class T>
  bool operator()(T const* const* p, T* r) const {
    for (std::size_t i = 0; i < d->size(); ++i) {
      const double w = d->sigma.empty() ? 1.0 : 1.0 / d->sigma[i];
      if constexpr (TwoVariableModel<Model>)
        r[i] = ((*model)(d->x[i], d->x2[i], p[0]) - T(d->y[i])) * w;
      else
        r[i] = ((*model)(d->x[i], p[0]) - T(d->y[i])) * w;
    }
    return true;
  }
};
}  // namespace detail

/// Fit @p model to @p d starting from @p p0. @p what names the fit in error messages; @p pass
/// is FitPass::resample for the fits of bootstrap_sd.
template <class Model>
FitResult fit_curve(const Model& model, const Data& d, std::vector<double> p0,
                    std::vector<std::string> names, const std::string& what,
                    FitPass pass = FitPass::main) {
  if constexpr (detail::TwoVariableModel<Model>)
    if (d.x2.size() != d.size())
      throw InternalError(
          fmt::format("{}: {} points but {} second coordinates", what, d.size(), d.x2.size()));
  using Residual = detail::CurveResidual<Model>;
  auto* cost = new ceres::DynamicAutoDiffCostFunction<Residual, 4>(new Residual{&model, &d});
  cost->AddParameterBlock(static_cast<int>(p0.size()));
  cost->SetNumResiduals(static_cast<int>(d.size()));
  ceres::Problem problem;
  problem.AddResidualBlock(cost, nullptr, p0.data());
  return detail::solve(problem, p0.data(), static_cast<int>(p0.size()), static_cast<int>(d.size()),
                       !d.sigma.empty(), std::move(names), what, pass);
}

/// Straight line y = a + b x: parameters (a, b).
struct Line {
  template <class T>
  T operator()(double x, const T* p) const {
    return p[0] + p[1] * x;
  }
};
FitResult fit_line(const Data& d, const std::string& what, FitPass pass = FitPass::main);

/// Distribution-free spread of the parameters: refit @p draws resamples of @p d (points
/// drawn with replacement, or whole replicas when d.group is set) with @p fit, called with
/// FitPass::resample for it to pass on to fit_curve or detail::solve, and return the standard
/// deviation of each parameter over the resamples. A resample that cannot be fitted at all
/// (SolverError: e.g. all points at one x) is left out. The same arguments give the same result.
std::vector<double> bootstrap_sd(const Data& d,
                                 const std::function<FitResult(const Data&, FitPass)>& fit,
                                 int draws, unsigned long seed);

}  // namespace td::fit
