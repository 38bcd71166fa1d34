#include "md/FreeEnergy.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/Error.h"
#include "fit/LeastSquares.h"

namespace td::md {

namespace {
/// Mean and standard error of the mean of @p v (at least 2 values).
Estimate mean_se(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  return {mean, std::sqrt(var / ((n - 1) * n))};
}

void require_blocks(std::size_t n, const char* what) {
  if (n < 2)
    throw Error(fmt::format("{}: {} block(s), at least 2 are needed for an error", what, n));
}
}  // namespace

Quadrature gauss_legendre01(int n) {
  if (n < 1) throw Error(fmt::format("Gauss-Legendre rule with {} nodes", n));
  // Jacobi matrix of the Legendre polynomials on [-1, 1]: zero diagonal, off-diagonal
  // k / sqrt(4 k^2 - 1); nodes are its eigenvalues, weights 2 (first eigenvector component)^2.
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(n, n);
  for (int k = 1; k < n; ++k) {
    const double b = k / std::sqrt(4.0 * k * k - 1.0);
    J(k, k - 1) = J(k - 1, k) = b;
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(J);
  if (es.info() != Eigen::Success)
    throw SolverError(fmt::format("Gauss-Legendre rule with {} nodes: eigensolver failed", n));
  Quadrature q;
  for (int i = 0; i < n; ++i) {  // Eigen returns eigenvalues in ascending order
    const double v0 = es.eigenvectors()(0, i);
    q.x.push_back(0.5 * (es.eigenvalues()(i) + 1.0));
    q.w.push_back(v0 * v0);  // 2 v0^2 on [-1, 1], halved on [0, 1]
  }
  return q;
}

double coupling_lambda(double t) { return std::pow(t, kCouplingExponent); }

Estimate widom_free_energy(const std::vector<double>& w, double kT) {
  require_blocks(w.size(), "Widom insertion");
  const Estimate m = mean_se(w);
  if (!(m.value > 0))
    throw Error(
        fmt::format("Widom insertion: the mean Boltzmann factor over {} blocks is {:g} "
                    "(every insertion overlapped a solvent atom): use more insertions",
                    w.size(), m.value));
  return {0.0 - kT * std::log(m.value), kT * m.sd / m.value};  // 0 - x: no -0 printed
}

Estimate CouplingNode::integrand() const {
  require_blocks(U.size(), "thermodynamic integration window");
  if (!(t > 0)) throw Error(fmt::format("coupling node t = {:g} is not in (0, 1]", t));
  std::vector<double> g;
  for (double u : U) g.push_back(kCouplingExponent * u / t);
  return mean_se(g);
}

Estimate integrate_coupling(const Quadrature& q, const std::vector<CouplingNode>& nodes) {
  if (nodes.size() != q.x.size())
    throw Error(fmt::format("thermodynamic integration: {} windows for a {}-node rule",
                            nodes.size(), q.x.size()));
  Estimate G;
  double var = 0;
  for (std::size_t k = 0; k < q.x.size(); ++k) {
    const auto it = std::find_if(nodes.begin(), nodes.end(),
                                 [&](const CouplingNode& n) { return n.t == q.x[k]; });
    if (it == nodes.end())
      throw Error(fmt::format("thermodynamic integration: no window at node t = {:.17g}", q.x[k]));
    const Estimate g = it->integrand();
    G.value += q.w[k] * g.value;
    var += q.w[k] * q.w[k] * g.sd * g.sd;
  }
  G.sd = std::sqrt(var);
  return G;
}

Estimate temperature_slope(const std::vector<double>& T, const std::vector<double>& G,
                           const std::vector<double>& err) {
  if (T.size() != G.size() || T.size() != err.size())
    throw InternalError("temperature_slope: T, G and errors differ in length");
  const auto [tmin, tmax] = std::minmax_element(T.begin(), T.end());
  if (T.size() < 2 || !(*tmax > *tmin))
    throw Error("dG/dT needs free energies at 2 or more distinct temperatures");
  double Gscale = 0;
  for (std::size_t i = 0; i < G.size(); ++i) Gscale = std::max({Gscale, std::abs(G[i]), err[i]});
  if (Gscale == 0) return {0.0, 0.0};  // G = 0 exactly at every T (no interaction)
  if (T.size() == 2) {
    // a line through two points: the difference quotient, independent errors
    const double dT = T[1] - T[0];
    return {(G[1] - G[0]) / dT, std::hypot(err[0], err[1]) / std::abs(dT)};
  }
  // centred and scaled: the fit is the same in every unit system
  const double Tmean = std::accumulate(T.begin(), T.end(), 0.0) / static_cast<double>(T.size());
  const double Tscale = *tmax - *tmin;
  // errors known at every T weight the fit; otherwise (exact values) the residual scatter
  // gives the error (0 for points on a line)
  const bool weighted = std::all_of(err.begin(), err.end(), [](double e) { return e > 0; });
  fit::Data d;
  for (std::size_t i = 0; i < T.size(); ++i) {
    d.x.push_back((T[i] - Tmean) / Tscale);
    d.y.push_back(G[i] / Gscale);
    if (weighted) d.sigma.push_back(err[i] / Gscale);
  }
  const fit::FitResult r = fit::fit_line(d, "dG/dT");
  return {r.p[1] * Gscale / Tscale, r.se(1) * Gscale / Tscale};
}

}  // namespace td::md
