#include "column/ColumnDae.h"

#include <fmt/format.h>
#include <ida/ida.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/Error.h"
#include "core/SundialsMessages.h"
#include "core/Units.h"
#include "models/surface_flux_K.h"

namespace td {

namespace {

using kernels::SurfacePoint;

/// The discretised column: geometry of the cells, scales, and the residual.
struct ColumnSystem {
  const ColumnParams& p;
  int n = 0;
  double h = 0.0;          // cell size (m)
  double T_i = 0.0;        // interface temperature (K)
  double sigma_ref = 0.0;  // stress scale (Pa)
  double v_ref = 0.0;      // speed scale = free-running speed (m/s)
  double sigma_max = 0.0;  // cap (Pa)
  kernels::SurfaceConstants k;

  ColumnSystem(const ColumnParams& prm, int cells) : p(prm), n(cells) {
    h = p.length / n;
    T_i = p.T_interface();
    k = {units::kBoltzmann, p.material.heat_of_transport, p.material.atomic_volume};
    sigma_ref = std::max(std::fabs(kernels::stall_stress(k.Q, k.Omega, p.T_hot, T_i)), 1.0);
    sigma_max = p.cap->strength(p.geometry());
    // Speed of a stress-free column with a uniform layer, from the mean thermal drive: the
    // natural scale of v (and the reference speed of the regularised cap).
    const double Tm = 0.5 * (p.T_hot + T_i);
    const double mob = kernels::surface_mobility(k.kB, p.equilibrium_fraction / k.Omega,
                                                 p.material.surface_diffusivity(Tm), Tm);
    const double j0 = mob * std::fabs(k.Q * std::log(p.T_hot / T_i)) / p.length;
    v_ref = std::max(2.0 * p.material.layer_thickness * k.Omega * j0 / p.radius, 1e-30);
  }

  int size() const { return n + 2; }
  double x_cell(int i) const { return (i + 0.5) * h; }

  SurfacePoint cell(const double* y, int i) const {
    return {p.temperature(x_cell(i)), y[i] / k.Omega,
            y[n] * sigma_ref * p.response->stress_profile(x_cell(i) / p.length)};
  }
  SurfacePoint hot_end() const { return {p.T_hot, p.equilibrium_fraction / k.Omega, 0.0}; }
  SurfacePoint cold_end(const double* y) const {
    return {T_i, p.equilibrium_fraction / k.Omega, y[n] * sigma_ref};
  }

  /// Point on either side of face f (0..n) and their distance.
  void face_points(const double* y, int f, SurfacePoint& P, SurfacePoint& Q, double& d) const {
    P = f == 0 ? hot_end() : cell(y, f - 1);
    Q = f == n ? cold_end(y) : cell(y, f);
    d = (f == 0 || f == n) ? 0.5 * h : h;
  }

  kernels::SurfaceFlux face_flux(const double* y, int f) const {
    SurfacePoint P, Q;
    double d = 0.0;
    face_points(y, f, P, Q, d);
    const double Tf = 0.5 * (P.T + Q.T);
    const double mob = kernels::surface_mobility(k.kB, kernels::log_mean(P.C, Q.C),
                                                 p.material.surface_diffusivity(Tf), Tf);
    return kernels::surface_flux(mob, kernels::surface_drive(k, P, Q, d));
  }

  /// Atoms per second through face f, + towards the cold end.
  double rate(const double* y, int f) const {
    return 2.0 * std::numbers::pi * p.radius * p.material.layer_thickness * face_flux(y, f).total();
  }

  double speed_core(double sigma) const { return p.response->speed(sigma, p.geometry()); }
  double speed_plastic(double sigma) const {
    if (!std::isfinite(sigma_max) || sigma <= 0) return 0.0;
    return v_ref * std::pow(sigma / sigma_max, p.plastic_exponent);
  }

  void residual(const double* y, const double* yp, double* r) const {
    double j_lo = face_flux(y, 0).total();
    for (int i = 0; i < n; ++i) {
      const double j_hi = face_flux(y, i + 1).total();
      r[i] = yp[i] + k.Omega * (j_hi - j_lo) / h;
      j_lo = j_hi;
    }
    const double sigma = y[n] * sigma_ref, v = y[n + 1] * v_ref;
    const double inserted = 2.0 * p.material.layer_thickness * k.Omega * j_lo / p.radius;
    r[n] = yp[n] - p.material.youngs_modulus / (p.length * sigma_ref) * (inserted - v);
    r[n + 1] = y[n + 1] - (speed_core(sigma) + speed_plastic(sigma)) / v_ref;
  }
};

int ida_residual(realtype, N_Vector y, N_Vector yp, N_Vector r, void* data) {
  const auto* sys = static_cast<const ColumnSystem*>(data);
  sys->residual(N_VGetArrayPointer_Serial(y), N_VGetArrayPointer_Serial(yp),
                N_VGetArrayPointer_Serial(r));
  for (int i = 0; i < sys->size(); ++i)
    if (!std::isfinite(N_VGetArrayPointer_Serial(r)[i])) return 1;  // recoverable: retry
  return 0;
}

/// Owner of the SUNDIALS objects.
struct Ida {
  SUNContext ctx = nullptr;
  void* mem = nullptr;
  N_Vector y = nullptr, yp = nullptr, id = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver ls = nullptr;
  /// IDA's own message of its last error (core/SundialsMessages.h).
  std::string message;
  ~Ida() {
    if (mem) IDAFree(&mem);
    if (ls) SUNLinSolFree(ls);
    if (A) SUNMatDestroy(A);
    for (N_Vector v : {y, yp, id})
      if (v) N_VDestroy(v);
    if (ctx) SUNContext_Free(&ctx);
  }
  void check(int flag, const char* call) const {
    if (flag >= 0) return;
    double t = 0.0;
    long steps = 0;
    if (mem) {
      IDAGetCurrentTime(mem, &t);
      IDAGetNumSteps(mem, &steps);
    }
    throw SolverError(
        fmt::format("column model: IDA {} failed with {} at t = {:.6e} s after "
                    "{} steps{}",
                    call, IDAGetReturnFlagName(flag), t, steps,
                    message.empty() ? std::string() : "; IDA: " + message));
  }
};

void fill_state(const ColumnSystem& sys, const double* y, double t, ColumnResult& r) {
  const int n = sys.n;
  r.x.resize(n);
  r.T.resize(n);
  r.C.resize(n);
  r.sigma.resize(n);
  for (int i = 0; i < n; ++i) {
    const auto c = sys.cell(y, i);
    r.x[i] = sys.x_cell(i);
    r.T[i] = c.T;
    r.C[i] = c.C;
    r.sigma[i] = c.sigma;
  }
  r.x_face.resize(n + 1);
  r.j_thermal.resize(n + 1);
  r.j_stress.resize(n + 1);
  r.j_entropic.resize(n + 1);
  r.j_total.resize(n + 1);
  for (int f = 0; f <= n; ++f) {
    const auto j = sys.face_flux(y, f);
    r.x_face[f] = f * sys.h;
    r.j_thermal[f] = j.thermal;
    r.j_stress[f] = j.stress;
    r.j_entropic[f] = j.entropic;
    r.j_total[f] = j.total();
  }
  const auto& p = sys.p;
  r.sigma_c = y[n] * sys.sigma_ref;
  r.speed = y[n + 1] * sys.v_ref;
  r.speed_core = sys.speed_core(r.sigma_c);
  r.rate_out = sys.rate(y, 0);
  r.rate_in = sys.rate(y, n);
  r.rate_core = std::numbers::pi * p.radius * p.radius * r.speed / p.material.atomic_volume;
  r.time = t;
}

}  // namespace

ColumnResult run_column(const ColumnParams& p, const ColumnNumerics& num, Progress* progress) {
  ColumnSystem sys(p, num.cells);
  const int N = sys.size();
  Ida ida;
  ida.check(SUNContext_Create(nullptr, &ida.ctx), "SUNContext_Create");
  ida.y = N_VNew_Serial(N, ida.ctx);
  ida.yp = N_VNew_Serial(N, ida.ctx);
  ida.id = N_VNew_Serial(N, ida.ctx);
  double* y = N_VGetArrayPointer_Serial(ida.y);
  double* yp = N_VGetArrayPointer_Serial(ida.yp);
  double* id = N_VGetArrayPointer_Serial(ida.id);
  for (int i = 0; i < N; ++i) {
    y[i] = i < sys.n ? p.equilibrium_fraction : 0.0;
    yp[i] = 0.0;
    id[i] = i == sys.n + 1 ? 0.0 : 1.0;  // v is algebraic
  }
  // Consistent initial derivatives of the differential unknowns: r(y, 0) = yp-free part.
  {
    std::vector<double> r(N), zero(N, 0.0);
    sys.residual(y, zero.data(), r.data());
    for (int i = 0; i <= sys.n; ++i) yp[i] = -r[i];
  }
  const double T_min = std::min(p.T_hot, sys.T_i);
  const double t_end = num.t_end > 0
                           ? num.t_end
                           : 50.0 * p.length * p.length / p.material.surface_diffusivity(T_min);

  ida.mem = IDACreate(ida.ctx);
  if (!ida.mem) throw SolverError("column model: IDACreate failed");
  ida.check(IDASetErrHandlerFn(ida.mem, sundials_messages, &ida.message), "IDASetErrHandlerFn");
  ida.check(IDAInit(ida.mem, ida_residual, 0.0, ida.y, ida.yp), "IDAInit");
  ida.check(IDASetUserData(ida.mem, &sys), "IDASetUserData");
  ida.check(IDASStolerances(ida.mem, num.rtol, num.atol), "IDASStolerances");
  ida.A = SUNDenseMatrix(N, N, ida.ctx);
  ida.ls = SUNLinSol_Dense(ida.y, ida.A, ida.ctx);
  ida.check(IDASetLinearSolver(ida.mem, ida.ls, ida.A), "IDASetLinearSolver");
  ida.check(IDASetId(ida.mem, ida.id), "IDASetId");
  // The speed follows the stress instantly; keeping it out of the error test lets IDA step
  // through the very fast elastic transient of a weakly dragged core.
  ida.check(IDASetSuppressAlg(ida.mem, SUNTRUE), "IDASetSuppressAlg");
  ida.check(IDASetMaxNumSteps(ida.mem, 100000), "IDASetMaxNumSteps");
  // The algebraic speed from the differential state (yp of the differential part given).
  const double t_first = t_end * 1e-9;
  ida.check(IDACalcIC(ida.mem, IDA_YA_YDP_INIT, t_first), "IDACalcIC");

  ColumnResult res;
  const auto record = [&](double t) {
    ColumnResult s;
    fill_state(sys, y, t, s);
    res.t_hist.push_back(t);
    res.sigma_hist.push_back(s.sigma_c);
    res.v_hist.push_back(s.speed);
    res.in_hist.push_back(s.rate_in);
    res.out_hist.push_back(s.rate_out);
  };
  double t = 0.0;
  for (int k = 1; k <= num.outputs; ++k) {
    const double tout = t_first * std::pow(t_end / t_first, static_cast<double>(k) / num.outputs);
    ida.check(IDASolve(ida.mem, tout, &t, ida.y, ida.yp, IDA_NORMAL), "IDASolve");
    record(t);
    if (progress)
      progress->update(static_cast<double>(k) / num.outputs, [&] {
        return fmt::format("t = {:.4g} s of {:.4g} s (output {} of {})", t, t_end, k, num.outputs);
      });
  }
  fill_state(sys, y, t, res);
  res.T_interface = sys.T_i;
  res.gradient = (p.T_hot - sys.T_i) / p.length;
  res.sigma_stall = kernels::stall_stress(sys.k.Q, sys.k.Omega, p.T_hot, sys.T_i);
  res.sigma_max = sys.sigma_max;
  res.free_speed = sys.v_ref;
  IDAGetNumSteps(ida.mem, &res.steps);
  // Near stall the net rates vanish and their relative mismatch is rounding noise (a column
  // at its stall stress was reported not steady whatever t_end): the mismatch is judged
  // against the circulation of the stress-free column too, the size of the flux terms.
  const double free_rate =
      std::numbers::pi * p.radius * p.radius * std::fabs(res.free_speed) / p.material.atomic_volume;
  const double scale = std::max({std::fabs(res.rate_out), std::fabs(res.rate_in),
                                 std::fabs(res.rate_core), free_rate, 1e-300});
  res.steady_residual =
      std::max({std::fabs(res.rate_out - res.rate_in), std::fabs(res.rate_in - res.rate_core)}) /
      scale;
  return res;
}

}  // namespace td
