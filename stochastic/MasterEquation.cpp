#include "stochastic/MasterEquation.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <deque>

#include "core/Error.h"

namespace td {

std::vector<double> stationary_distribution(const HopLattice& lat) {
  const int n = lat.sites(), z = lat.hops_per_site();
  std::vector<double> lp(n, 0.0);  // ln pi, unnormalised
  std::vector<char> seen(n, 0);
  auto reverse_rate = [&](int s, int h) {
    const int t = lat.neighbour(s, h);
    for (int k = 0; k < z; ++k)
      if (lat.neighbour(t, k) == s) return lat.rate[t * z + k];
    return 0.0;
  };
  for (int root = 0; root < n; ++root) {
    if (seen[root]) continue;
    seen[root] = 1;
    std::deque<int> q{root};
    while (!q.empty()) {
      const int s = q.front();
      q.pop_front();
      for (int h = 0; h < z; ++h) {
        const int t = lat.neighbour(s, h);
        const double f = lat.rate[s * z + h];
        if (t < 0 || f == 0.0) continue;
        const double b = reverse_rate(s, h);
        if (!(b > 0))
          throw Error(fmt::format("hop {} -> {} has no reverse: no detailed balance", s, t));
        const double l = lp[s] + std::log(f / b);
        if (!seen[t]) {
          seen[t] = 1;
          lp[t] = l;
          q.push_back(t);
        } else if (std::fabs(l - lp[t]) > 1e-9 * std::max(1.0, std::fabs(l))) {
          throw Error(fmt::format("detailed balance broken around site {}", t));
        }
      }
    }
  }
  double m = lp[0];
  for (double v : lp) m = std::max(m, v);
  std::vector<double> pi(n);
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += (pi[i] = std::exp(lp[i] - m));
  for (double& v : pi) v /= sum;
  return pi;
}

std::vector<std::vector<double>> master_equation(const HopLattice& lat, int start,
                                                 const std::vector<double>& times) {
  const int n = lat.sites(), z = lat.hops_per_site();
  const std::vector<double> pi = stationary_distribution(lat);
  // Symmetric A = pi^{-1/2} M pi^{1/2}: A_ij = sqrt(G_ij G_ji), A_ii = -sum_j G_ij.
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(n, n);
  for (int s = 0; s < n; ++s)
    for (int h = 0; h < z; ++h) {
      const int t = lat.neighbour(s, h);
      const double g = lat.rate[s * z + h];
      if (t < 0 || g == 0.0) continue;
      A(s, s) -= g;
      A(t, s) += 0.5 * std::sqrt(g * g * pi[s] / pi[t]);
      A(s, t) += 0.5 * std::sqrt(g * g * pi[s] / pi[t]);
    }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A);
  const Eigen::MatrixXd& V = es.eigenvectors();
  const Eigen::VectorXd& lam = es.eigenvalues();
  // p(t) = pi^{1/2} V exp(lam t) V^T pi^{-1/2} e_start
  const Eigen::VectorXd w = V.row(start).transpose() / std::sqrt(pi[start]);
  std::vector<std::vector<double>> out;
  for (double t : times) {
    Eigen::VectorXd y = V * (w.array() * (lam.array() * t).exp()).matrix();
    std::vector<double> p(n);
    for (int i = 0; i < n; ++i) p[i] = std::max(0.0, y(i) * std::sqrt(pi[i]));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace td
