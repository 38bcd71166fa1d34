#pragma once
/// @file HeatCell.h  The conduction residual of one cell (net heat outflow minus V q) and its
/// derivatives, for every solver that carries a temperature (steady conduction field,
/// coupled species + heat system). Physics per face in models/heat_K.h.
#include <array>

#include "mesh/Mesh.h"
#include "models/Heat.h"
#include "models/heat_K.h"
#include "mesh/DmdaViews.h"

namespace td {

/// Residual of cell @p idx. @p Tat(idx) returns the temperature of a (possibly ghost) cell;
/// @p add(neighbour idx, dR/dT_neighbour) receives the off-diagonal derivatives, and the
/// derivative with respect to the cell's own temperature is returned in @p diag.
template <class TAt, class Add>
double heat_cell_residual(const HeatModel& hm, const Mesh& mesh, const std::array<int, 3>& idx,
                          TAt&& Tat, double& diag, Add&& add) {
  const double TP = Tat(idx);
  double r = -mesh.volume(idx[0], idx[1], idx[2]) * hm.q;
  diag = 0.0;
  for (int a = 0; a < mesh.dim(); ++a) {
    const Axis& ax = mesh.axis(a);
    const int n = ax.cells();
    const double A = mesh.face_area(a, idx[0], idx[1], idx[2]);
    for (int side = 0; side < 2; ++side) {
      const int face = idx[a] + side;
      if (!ax.periodic && (face == 0 || face == n)) {
        const HeatBoundary& b = hm.bc[2 * a + side];
        const double d = 0.5 * ax.width(idx[a]);
        if (b.type == HeatBoundary::Type::temperature) {
          r += kernels::conduction_flow(A, d, hm.kappa->integral(TP, b.value));
          diag += A * hm.kappa->value(TP) / d;
        } else if (b.type == HeatBoundary::Type::flux) {
          r -= A * b.value;
        } else if (b.type == HeatBoundary::Type::robin) {
          double df = 0.0;
          r += kernels::robin_flow(A, d, b.h, b.value, TP, hm.kappa->value(TP),
                                   hm.kappa->derivative(TP), &df);
          diag += df;
        }
        continue;
      }
      const auto nb = dmda::shifted(idx, a, side ? 1 : -1);
      const double TQ = Tat(nb);
      const int lo = side ? idx[a] : idx[a] - 1;
      const double d = ax.center_distance(((lo % n) + n) % n);
      r += kernels::conduction_flow(A, d, hm.kappa->integral(TP, TQ));
      diag += A * hm.kappa->value(TP) / d;
      add(nb, -A * hm.kappa->value(TQ) / d);
    }
  }
  return r;
}

}  // namespace td
