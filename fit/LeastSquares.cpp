#include "fit/LeastSquares.h"

#include <ceres/solver.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

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

/// The Jacobian @p J of the residuals at the parameters @p p; false where the model cannot
/// be evaluated there or gives a value that is not finite. The fits here have one residual
/// block on one parameter block (fit_curve, the continuum profile fit). The cost function is
/// called directly: the problem's own evaluation logs every non-finite value to stderr.
bool jacobian_at(ceres::Problem& problem, const double* p, Eigen::MatrixXd& J) {
  std::vector<ceres::ResidualBlockId> blocks;
  problem.GetResidualBlocks(&blocks);
  if (blocks.size() != 1 || problem.NumParameterBlocks() != 1)
    throw InternalError("fit: expected one residual block on one parameter block");
  const ceres::CostFunction* f = problem.GetCostFunctionForResidualBlock(blocks.front());
  const int m = f->num_residuals(), n = f->parameter_block_sizes().front();
  std::vector<double> r(static_cast<std::size_t>(m));
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Jr(m, n);
  double* jacobians[] = {Jr.data()};
  const double* parameters[] = {p};
  if (!f->Evaluate(parameters, r.data(), jacobians)) return false;
  J = Jr;
  return J.allFinite();
}

/// Parameter covariance (J^T J)^-1 from the Jacobian @p J at the solution, computed in
/// column-scaled coordinates q_j = p_j |J_j| so that it does not depend on the units of the
/// parameters (E_a in joules beside ln D0 is as well conditioned as in eV or LJ units); Ceres' own
/// covariance works in raw units and calls such a problem singular. Throws SolverError naming the
/// parameter combination the data do not determine.
Eigen::MatrixXd scaled_covariance(const Eigen::MatrixXd& J, const std::vector<std::string>& names,
                                  const std::string& what) {
  const auto n = static_cast<int>(J.cols());
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

/// Throw SolverError naming a parameter the data do not determine although the Jacobian @p J0
/// at the fit @p r has full rank: one whose column (its effect on the fitted curve) vanishes or
/// reverses within one standard error of a parameter, i.e. its projection on the column at
/// the fit reaches 0 at p_k +- se_k. The covariance is that of the model linearised at the
/// fit, and a standard error is about 1/|column|: where a column can vanish inside the
/// one-standard-error region, there is a point of that region where the data do not depend on
/// the parameter, and the standard error, taken at one point, means nothing. The rank check
/// does not see it, as the columns at the fit are independent and merely small: e.g. the flux
/// law of an adatom at a saddle Q = 0, where dV/dE_m is proportional to Q (E_m was written as
/// 1.7e-24 +- 4e17). Zero is the threshold, not a fraction: a column that shrinks without
/// vanishing (an exponential in another parameter) still determines its parameter, if less
/// well. Points where the model cannot be evaluated are left out.
void check_no_vanishing_column(ceres::Problem& problem, const FitResult& r,
                               const Eigen::MatrixXd& J0, const std::string& what) {
  std::vector<double> q = r.p;
  Eigen::MatrixXd J;
  for (std::size_t k = 0; k < q.size(); ++k)
    for (const double sign : {-1.0, 1.0}) {
      q[k] = r.p[k] + sign * r.se(k);
      const bool evaluated = jacobian_at(problem, q.data(), J);
      q[k] = r.p[k];
      if (!evaluated) continue;
      for (Eigen::Index j = 0; j < J0.cols(); ++j) {
        if (J.col(j).dot(J0.col(j)) > 0.0) continue;
        const auto pj = static_cast<std::size_t>(j);
        throw SolverError(fmt::format(
            "{}: the data do not determine {}: within one standard error of {} ({:.2g}) its "
            "effect on the fitted curve vanishes (the data sit near a point where the curve "
            "does not depend on it), so that its standard error ({:.2g}) means nothing; fix it "
            "or add data that determine it",
            what, r.names[pj], r.names[k], r.se(k), r.se(pj)));
      }
    }
}

}  // namespace

FitResult solve(ceres::Problem& problem, double* p, int n, int nres, bool sigma_known,
                std::vector<std::string> names, const std::string& what, FitPass pass) {
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
  Eigen::MatrixXd J;
  if (!jacobian_at(problem, p, J))
    throw SolverError(fmt::format("{}: the fitted model cannot be evaluated at the fit", what));
  r.cov = scaled_covariance(J, r.names, what);
  // Unknown sigmas: estimate the noise variance from the residuals.
  if (!sigma_known) r.cov *= r.chi2 / r.dof;
  if (pass == FitPass::main) check_no_vanishing_column(problem, r, J, what);
  return r;
}

}  // namespace detail

FitResult fit_line(const Data& d, const std::string& what, FitPass pass) {
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
  return fit_curve(Line{}, d, {a, b}, {"intercept", "slope"}, what, pass);
}

std::vector<double> bootstrap_sd(const Data& d,
                                 const std::function<FitResult(const Data&, FitPass)>& fit,
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
      samples.push_back(fit(s, FitPass::resample).p);
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
