#include "md/ThermoIntegration.h"

#include <fmt/format.h>

#include <cmath>

#include "core/Error.h"

namespace td::md {

namespace {
double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
}  // namespace

std::vector<PhiPoint> integrate_phi(const std::vector<TiWindow>& windows, double T_ref, double G,
                                    double x_ref) {
  if (windows.size() < 2) throw Error("thermodynamic integration needs at least 2 windows");
  const std::size_t nb = windows[0].Fx.size();
  std::vector<PhiPoint> out;
  for (const auto& w : windows) {
    const auto absent_or = [nb](const std::vector<double>& v) {
      return v.empty() || v.size() == nb;
    };
    if (w.Fx.size() != nb || w.Ep.size() != nb || w.Ek.size() != nb || !absent_or(w.Ecc) ||
        !absent_or(w.W) || nb < 2)
      throw Error(fmt::format(
          "window x0 = {}: expected {} >= 2 blocks of F_x, E_p, E_k (and E_cc, W if given)", w.x0,
          nb));
    const auto at = [](const std::vector<double>& v, std::size_t b) {
      return v.empty() ? 0.0 : v[b];
    };
    if (!out.empty() && !(w.x0 > out.back().x0))
      throw Error(
          fmt::format("windows are not in ascending x0 ({} after {})", w.x0, out.back().x0));
    PhiPoint p;
    p.x0 = w.x0;
    p.T = T_ref + G * (w.x0 - x_ref);
    p.dT_dx = G;
    if (!(p.T > 0)) throw Error(fmt::format("substrate T({}) = {} <= 0", w.x0, p.T));
    std::vector<double> g(nb);
    for (std::size_t b = 0; b < nb; ++b)
      g[b] = -(w.Fx[b] - G * at(w.W, b) / p.T) / p.T -
             (0.5 * w.Ep[b] + at(w.Ecc, b) + w.Ek[b]) * G / (p.T * p.T);
    p.Fx = mean(w.Fx);
    p.Ep = mean(w.Ep);
    p.Ek = mean(w.Ek);
    p.Ecc = w.Ecc.empty() ? 0.0 : mean(w.Ecc);
    p.W = w.W.empty() ? 0.0 : mean(w.W);
    p.dphi = mean(g);
    double var = 0;
    for (double v : g) var += (v - p.dphi) * (v - p.dphi);
    p.dphi_err = std::sqrt(var / static_cast<double>((nb - 1) * nb));
    out.push_back(p);
  }
  // trapezoid rule; Var Phi_i = sum_j (weight of window j in Phi_i)^2 Var g_j
  for (std::size_t i = 1; i < out.size(); ++i) {
    const double h = out[i].x0 - out[i - 1].x0;
    out[i].phi = out[i - 1].phi + 0.5 * h * (out[i - 1].dphi + out[i].dphi);
    double var = 0;
    for (std::size_t j = 0; j <= i; ++j) {
      const double left = j > 0 ? out[j].x0 - out[j - 1].x0 : 0.0;
      const double right = j < i ? out[j + 1].x0 - out[j].x0 : 0.0;
      const double wgt = 0.5 * (left + right);
      var += wgt * wgt * out[j].dphi_err * out[j].dphi_err;
    }
    out[i].phi_err = std::sqrt(var);
  }
  return out;
}

}  // namespace td::md
