#include "fit/LeastSquares.h"

#include <ceres/solver.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "core/Error.h"

namespace td::fit {

double FitResult::se(std::size_t i) const { return std::sqrt(std::max(cov(i, i), 0.0)); }

std::size_t FitResult::index(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw Error(fmt::format("fit has no parameter '{}'", name));
  return static_cast<std::size_t>(it - names.begin());
}

namespace detail {

namespace {

/// Smallest singular value of the column-scaled Jacobian, relative to the largest, below
/// which a parameter combination counts as not determined by the data (about sqrt of the
/// double precision, as a rank tolerance for a Gauss-Newton covariance J^T J).
constexpr double kRankTolerance = 1e-9;
/// Iteration limit of a fit: the fits here converge in tens of iterations from their
/// closed-form starting points; a fit that reaches the limit is an error (solve).
constexpr int kMaxIterations = 200;
/// Components of the undetermined singular vector large enough to name the parameter.
constexpr double kNameComponent = 0.2;

/// Parameter covariance (J^T J)^-1 at the solution, computed in column-scaled coordinates
/// q_j = p_j |J_j| so that it does not depend on the units of the parameters (E_a in joules
/// beside ln D0 is as well conditioned as in eV or LJ units); Ceres' own covariance works in
/// raw units and calls such a problem singular. Throws SolverError naming the parameter
/// combination the data do not determine.
Eigen::MatrixXd scaled_covariance(ceres::Problem& problem, const std::vector<std::string>& names,
                                  const std::string& what) {
  ceres::CRSMatrix crs;
  problem.Evaluate(ceres::Problem::EvaluateOptions(), nullptr, nullptr, nullptr, &crs);
  const int m = crs.num_rows, n = crs.num_cols;
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(m, n);
  for (int i = 0; i < m; ++i)
    for (int k = crs.rows[i]; k < crs.rows[i + 1]; ++k) J(i, crs.cols[k]) = crs.values[k];
  Eigen::VectorXd scale(n);
  for (int j = 0; j < n; ++j) {
    scale(j) = J.col(j).norm();
    if (!(scale(j) > 0.0) || !std::isfinite(scale(j)))
      throw SolverError(
          fmt::format("{}: parameter '{}' is not determined by the data (the fitted "
                      "curve does not depend on it)",
                      what, names[static_cast<std::size_t>(j)]));
  }
  const Eigen::MatrixXd Js = J * scale.cwiseInverse().asDiagonal();
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(Js, Eigen::ComputeThinV);
  const Eigen::VectorXd& sv = svd.singularValues();
  if (!(sv(n - 1) > kRankTolerance * sv(0))) {
    // The right singular vector of the smallest singular value is the combination of
    // (scaled) parameters the data leave free.
    const Eigen::VectorXd v = svd.matrixV().col(n - 1);
    std::vector<std::string> free;
    for (int j = 0; j < n; ++j)
      if (std::abs(v(j)) > kNameComponent) free.push_back(names[static_cast<std::size_t>(j)]);
    throw SolverError(fmt::format(
        "{}: the data do not determine {} separately (only a combination of them; relative "
        "singular value {:.1e}); fix one of them or add data that separate them",
        what, fmt::join(free, " and "), sv(n - 1) / sv(0)));
  }
  const Eigen::MatrixXd V = svd.matrixV();
  const Eigen::MatrixXd cov_scaled = V * sv.cwiseAbs2().cwiseInverse().asDiagonal() * V.transpose();
  return scale.cwiseInverse().asDiagonal() * cov_scaled * scale.cwiseInverse().asDiagonal();
}

}  // namespace

FitResult solve(ceres::Problem& problem, double* p, int n, int nres, bool sigma_known,
                std::vector<std::string> names, const std::string& what) {
  if (nres <= n)
    throw SolverError(
        fmt::format("{}: {} data points cannot determine {} parameters", what, nres, n));
  ceres::Solver::Options opt;
  opt.linear_solver_type = ceres::DENSE_QR;
  opt.max_num_iterations = kMaxIterations;
  opt.function_tolerance = 1e-14;
  opt.parameter_tolerance = 1e-14;
  opt.gradient_tolerance = 1e-16;
  opt.logging_type = ceres::SILENT;
  ceres::Solver::Summary sum;
  ceres::Solve(opt, &problem, &sum);
  // Only a converged solve is a fit: NO_CONVERGENCE (the iteration limit) leaves a usable but
  // arbitrary point whose covariance would be reported as the fit's uncertainty.
  if (sum.termination_type != ceres::CONVERGENCE) {
    // Ceres keeps the starting point as iteration 0
    const std::size_t iterations = sum.iterations.empty() ? 0 : sum.iterations.size() - 1;
    throw SolverError(fmt::format(
        "{}: the least-squares fit did not converge ({} after {} iterations; Ceres: \"{}\"; "
        "final cost {:.6g}, half the weighted sum of squared residuals)",
        what, ceres::TerminationTypeToString(sum.termination_type), iterations, sum.message,
        sum.final_cost));
  }
  FitResult r;
  r.names = std::move(names);
  r.p.assign(p, p + n);
  r.chi2 = 2.0 * sum.final_cost;  // Ceres' cost is half the sum of squares
  r.dof = nres - n;
  r.sigma_known = sigma_known;
  r.cov = scaled_covariance(problem, r.names, what);
  // Unknown sigmas: estimate the noise variance from the residuals.
  if (!sigma_known) r.cov *= r.chi2 / r.dof;
  return r;
}

}  // namespace detail

FitResult fit_line(const Data& d, const std::string& what) {
  // Start from the unweighted closed-form line; Ceres then applies the weights.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    sx += d.x[i];
    sy += d.y[i];
    sxx += d.x[i] * d.x[i];
    sxy += d.x[i] * d.y[i];
  }
  const double den = n * sxx - sx * sx;
  const double b = den != 0.0 ? (n * sxy - sx * sy) / den : 0.0;
  const double a = n > 0 ? (sy - b * sx) / n : 0.0;
  return fit_curve(Line{}, d, {a, b}, {"intercept", "slope"}, what);
}

std::vector<double> bootstrap_sd(const Data& d, const std::function<FitResult(const Data&)>& fit,
                                 int draws, unsigned long seed) {
  // Resampling units: replicas when given, else single points.
  std::map<int, std::vector<std::size_t>> units;
  for (std::size_t i = 0; i < d.size(); ++i)
    units[d.group.empty() ? static_cast<int>(i) : d.group[i]].push_back(i);
  std::vector<std::vector<std::size_t>> u;
  for (auto& [k, v] : units) u.push_back(v);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, u.size() - 1);
  std::vector<std::vector<double>> samples;
  for (int b = 0; b < draws; ++b) {
    Data s;
    for (std::size_t k = 0; k < u.size(); ++k)
      for (std::size_t i : u[pick(rng)]) {
        s.x.push_back(d.x[i]);
        s.y.push_back(d.y[i]);
        if (!d.sigma.empty()) s.sigma.push_back(d.sigma[i]);
        if (!d.x2.empty()) s.x2.push_back(d.x2[i]);
      }
    try {
      samples.push_back(fit(s).p);
    } catch (const SolverError&) {
      // a degenerate resample (e.g. all points at one x) carries no information; skip it
    }
  }
  if (samples.size() < 2)
    throw SolverError(
        fmt::format("bootstrap: only {} of {} resamples could be fitted", samples.size(), draws));
  const std::size_t np = samples.front().size();
  std::vector<double> sd(np, 0.0);
  for (std::size_t j = 0; j < np; ++j) {
    double m = 0;
    for (const auto& s : samples) m += s[j];
    m /= static_cast<double>(samples.size());
    double v = 0;
    for (const auto& s : samples) v += (s[j] - m) * (s[j] - m);
    sd[j] = std::sqrt(v / static_cast<double>(samples.size() - 1));
  }
  return sd;
}

}  // namespace td::fit
