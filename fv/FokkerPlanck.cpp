#include "fv/FokkerPlanck.h"

#include "core/Error.h"
#include "core/Petsc.h"
#include "mesh/DmdaViews.h"
#include "fv/FVSystem.h"
#include "fv/Transient.h"

namespace td {

Species adatom_fokker_planck_species(const AdatomParams& p) {
  Species s;
  s.name = "adatom";
  s.group = "adatom";
  s.D = adatom_diffusivity_law(p);
  s.S_T = adatom_soret_law(p);
  s.alpha = 0.0;
  return s;
}

namespace {

/// Total amount and first moments along x and y of the density @p v.
std::array<double, 3> moments(const Mesh& mesh, Vec v) {
  std::array<double, 3> m{0, 0, 0};
  {
    dmda::LocalView P(mesh.dm(), v);
    dmda::for_owned(mesh, [&](const std::array<int, 3>& idx) {
      const double w = mesh.volume(idx[0], idx[1], idx[2]) * P(idx, 1, 0);
      m[0] += w;
      m[1] += w * mesh.center(0, idx[0]);
      m[2] += w * mesh.center(1, idx[1]);
    });
  }
  MPI_Allreduce(MPI_IN_PLACE, m.data(), 3, MPI_DOUBLE, MPI_SUM, mesh.comm());
  return m;
}

}  // namespace

std::vector<std::array<double, 2>> fokker_planck_mean(
    const Mesh& mesh, std::shared_ptr<const TemperatureField> T, const AdatomParams& p,
    const std::array<int, 3>& s0, const std::vector<double>& times, double rtol) {
  for (int a = 0; a < mesh.dim(); ++a)
    if (mesh.axis(a).periodic)
      throw Error(
          "fokker_planck_mean: the mean position needs reflecting walls, not a periodic axis");
  FVSystem sys(mesh, std::move(T), {adatom_fokker_planck_species(p)});
  Owned<Vec> v(sys.create_state());
  TD_PETSC(VecSet(v, 0.0));
  {
    dmda::OwnedView P(mesh.dm(), v);
    const auto st = mesh.start(), ct = mesh.count();
    bool owned = true;
    for (int a = 0; a < 3; ++a) owned = owned && s0[a] >= st[a] && s0[a] < st[a] + ct[a];
    if (owned) P(s0, 1, 0) = 1.0 / mesh.volume(s0[0], s0[1], s0[2]);
  }
  TransientOptions opt;
  opt.rtol = rtol;
  opt.atol = 1e-6 * rtol / mesh.volume(s0[0], s0[1], s0[2]);
  TransientSolver ts(sys, v, 0.0, opt);
  std::vector<std::array<double, 2>> out;
  for (double t : times) {
    if (t > 0.0) ts.advance(t, v);
    const auto m = moments(mesh, v);
    out.push_back({m[1] / m[0], m[2] / m[0]});
  }
  return out;
}

}  // namespace td
