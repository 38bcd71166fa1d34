#include "fv/Run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <optional>
#include <sstream>
#include <toml.hpp>
#include <tuple>
#include <vector>

#include "core/Broadcast.h"
#include "core/Fault.h"
#include "core/Petsc.h"
#include "core/Progress.h"
#include "io/H5Output.h"

namespace td {

namespace {

// Set by SIGINT/SIGTERM; checked (collectively) between time steps.
std::atomic<int> g_interrupted{0};
extern "C" void on_signal(int) { g_interrupted = 1; }

/// SIGINT and SIGTERM go to on_signal while a transient run lives; the actions before it
/// come back after it (a Python session's own, or io/TextFile.h's cleanup), and an earlier
/// run's signal does not stop this one.
class StopOnSignal {
 public:
  StopOnSignal() {
    g_interrupted = 0;
    struct sigaction act {};
    act.sa_handler = on_signal;
    sigemptyset(&act.sa_mask);
    ::sigaction(SIGINT, &act, &old_int_);
    ::sigaction(SIGTERM, &act, &old_term_);
  }
  ~StopOnSignal() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// Collective: whether a signal reached any rank.
bool interrupted_anywhere(MPI_Comm comm) {
  int mine = g_interrupted.load(), any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm);
  return any != 0;
}

/// Adds the wall time (s) of f() to @p seconds.
template <class F>
void timed(double& seconds, F&& f) {
  const double t0 = MPI_Wtime();
  f();
  seconds += MPI_Wtime() - t0;
}

/// Opens the snapshot at time @p t, step @p step, and writes the temperature field into it
/// when the case's [output] fields select it.
void begin_snapshot(H5Output& out, Case& cs, double t, long step) {
  out.begin_snapshot(t, step);
  if (cs.run().fields.T)
    out.write_field("T", cs.system().temperature(), 0,
                    cs.units().label(units::dim_of(units::Kind::temperature)));
}

/// Write one snapshot with the cell fields @p fields selects: concentrations, temperature,
/// flux vectors and the observables of FVSystem::group_observables. Returns the observables
/// when they were computed, for a snapshot that writes any or when @p need_observables (the
/// steady report reads them); null otherwise. With @p begun the snapshot is open already,
/// its temperature written (begin_snapshot).
Owned<Vec> write_snapshot(H5Output& out, Case& cs, Vec c, double t, long step,
                          bool need_observables = false, bool begun = false) {
  FVSystem& sys = cs.system();
  const OutputFields& fields = cs.run().fields;
  const auto& u = cs.units();
  const int dim = cs.mesh().dim();
  sys.sync(c);
  if (!begun) begin_snapshot(out, cs, t, step);
  const std::string conc = u.label(units::dim_of(units::Kind::number_density));
  const std::string flux = u.label(units::dim_of(units::Kind::particle_flux));
  if (fields.c)
    for (int s = 0; s < sys.nspecies(); ++s)
      out.write_field("c_" + sys.species()[s].name, c, s, conc);
  if (fields.J) {
    Owned<Vec> J(sys.fluxes(c));
    for (int s = 0; s < sys.nspecies(); ++s)
      out.write_vector_field("J_" + sys.species()[s].name, J, s * dim, flux);
  }
  Owned<Vec> obs;
  if (fields.observables() || need_observables) {
    // per species (group of states): total P, local effective and local-equilibrium S_T
    const auto groups = sys.groups();
    obs = Owned<Vec>(sys.group_observables(c));
    const std::string invT = u.label(units::dim_of(units::Kind::inverse_temperature));
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string& n = groups[g].name;
      if (fields.P && groups[g].components.size() > 1) out.write_field("P_" + n, obs, 3 * g, conc);
      if (fields.S_T_eff) out.write_field("S_T_eff_" + n, obs, 3 * g + 1, invT);
      if (fields.S_T_eq) out.write_field("S_T_eq_" + n, obs, 3 * g + 2, invT);
    }
  }
  out.end_snapshot();
  return obs;
}

/// Steady runs: the local effective Soret coefficient -d ln P/dT of each species' total set
/// beside the local-equilibrium prediction (docs/theory.md#multistate), from @p obs, the
/// observables of FVSystem::group_observables.
void report_soret(FVSystem& sys, Vec obs, int rank) {
  const auto groups = sys.groups();
  const int ng = static_cast<int>(groups.size());
  // Ranges over the resolved cells: where P is at least kReportedTotal of its largest value
  // (ten times FVSystem::kResolvedTotal, below which S_T_eff is not defined: a cell above it
  // has neighbours above kResolvedTotal unless the drift changes P by more than e^2 per
  // cell, which check_drift_resolution reports)
  constexpr double kReportedTotal = 10.0 * FVSystem::kResolvedTotal;
  for (int g = 0; g < ng; ++g) {
    PetscReal pmax;
    TD_PETSC(VecStrideMax(obs, 3 * g, nullptr, &pmax));
    constexpr double kHuge = std::numeric_limits<double>::max();
    // min and -max of S_eff and S_eq, -(largest |S_eff - S_eq|)
    std::array<double, 5> r{kHuge, kHuge, kHuge, kHuge, 0.0};
    long left_out = 0;
    const PetscScalar* d;
    PetscInt n;
    TD_PETSC(VecGetLocalSize(obs, &n));
    TD_PETSC(VecGetArrayRead(obs, &d));
    for (PetscInt i = 3 * g; i < n; i += 3 * ng) {
      if (!(d[i] >= kReportedTotal * pmax)) {
        ++left_out;
        continue;
      }
      r[0] = std::min(r[0], d[i + 1]);
      r[1] = std::min(r[1], -d[i + 1]);
      r[2] = std::min(r[2], d[i + 2]);
      r[3] = std::min(r[3], -d[i + 2]);
      r[4] = std::min(r[4], -std::fabs(d[i + 1] - d[i + 2]));
    }
    TD_PETSC(VecRestoreArrayRead(obs, &d));
    MPI_Allreduce(MPI_IN_PLACE, r.data(), 5, MPI_DOUBLE, MPI_MIN, sys.mesh().comm());
    MPI_Allreduce(MPI_IN_PLACE, &left_out, 1, MPI_LONG, MPI_SUM, sys.mesh().comm());
    // + 0.0: a zero coefficient prints as 0, not -0
    if (rank == 0)
      fmt::print(
          "  {}: effective S_T = -d ln P/dT in [{:.6g}, {:.6g}], local-equilibrium "
          "prediction in [{:.6g}, {:.6g}], largest difference {:.3e}{}\n",
          groups[g].name, r[0] + 0.0, -r[1] + 0.0, r[2] + 0.0, -r[3] + 0.0, -r[4],
          left_out == 0 ? std::string()
                        : fmt::format(" (over the cells where P is resolved; {} cells below "
                                      "{:g} of its largest value left out)",
                                      left_out, kReportedTotal));
  }
}

/// Relative difference below which an output time and a checkpoint time are the same.
constexpr double kSameTime = 1e-14;

/// Concentrations below -kNegativeTolerance times the largest |c| of their species are
/// more than round-off of the solution.
constexpr double kNegativeTolerance = 1e-10;

/// Report (warning on rank 0) the cells where component @p s of @p c is negative beyond
/// round-off, with the count and the minimum (collective).
bool report_negative(Vec c, int s, int nf, double mn, double mx, const std::string& name,
                     const std::string& when, MPI_Comm comm, int rank) {
  const double tol = kNegativeTolerance * std::max(std::fabs(mn), std::fabs(mx));
  if (!(mn < -tol)) return false;
  const PetscScalar* a = nullptr;
  PetscInt n = 0;
  TD_PETSC(VecGetLocalSize(c, &n));
  TD_PETSC(VecGetArrayRead(c, &a));
  long counts[2] = {0, n / nf};  // negative cells, all cells
  for (PetscInt i = s; i < n; i += nf)
    if (a[i] < -tol) ++counts[0];
  TD_PETSC(VecRestoreArrayRead(c, &a));
  MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_LONG, MPI_SUM, comm);
  if (rank == 0)
    fmt::print(stderr,
               "thermodrift: warning: {}{}: {} of {} cells negative beyond round-off (below "
               "-{:.1e} x max |c|; min {:.6g}): the mesh or the solver tolerance does not resolve "
               "the solution (see the cell Peclet warning, if any)\n",
               name, when, counts[0], counts[1], kNegativeTolerance, mn);
  return true;
}

/// Fault injection for the tests of the negative-concentration report: the first local
/// value of @p c (species 0 of this rank's first cell) becomes minus the largest local |value|.
/// Not collective: the fault may name one rank.
void make_one_cell_negative(Vec c) {
  PetscInt n = 0;
  TD_PETSC(VecGetLocalSize(c, &n));
  PetscScalar* a = nullptr;
  TD_PETSC(VecGetArray(c, &a));
  if (n > 0) a[0] = -std::fabs(*std::max_element(a, a + n, [](double x, double y) {
    return std::fabs(x) < std::fabs(y);
  }));
  TD_PETSC(VecRestoreArray(c, &a));
}

/// Report negative concentrations of each species of @p c (collective) that @p warned does
/// not mark yet, and mark them: a transient warns at the first output time a species goes
/// negative, not once per output.
void report_negative_species(FVSystem& sys, Vec c, const std::string& when,
                             std::vector<bool>& warned, MPI_Comm comm, int rank) {
  for (int s = 0; s < sys.nspecies(); ++s) {
    if (warned[s]) continue;
    PetscReal mn, mx;
    TD_PETSC(VecStrideMin(c, s, nullptr, &mn));
    TD_PETSC(VecStrideMax(c, s, nullptr, &mx));
    warned[s] = report_negative(c, s, sys.nspecies(), mn, mx, sys.species()[s].name, when, comm,
                                rank);
  }
}

/// Throw InputError unless @p restarted (the case's resolved TOML) describes the same physics
/// as @p original (the result file's /config): only [solver] and [output] (numerics, times,
/// files) may change on a restart.
void check_same_physics(const std::string& original, const std::string& restarted,
                        const std::string& file) {
  auto physics = [](const std::string& text, const std::string& name) {
    std::istringstream is(text);
    toml::value v = toml::parse(is, name);
    v.as_table().erase("solver");
    v.as_table().erase("output");
    return v;
  };
  const toml::value a = physics(original, file + ":/config");
  const toml::value b = physics(restarted, "case");
  if (a == b) return;
  std::vector<std::string> differ;
  for (const auto& [key, value] : a.as_table())
    if (!b.contains(key) || b.at(key) != value) differ.push_back(key);
  for (const auto& [key, value] : b.as_table())
    if (!a.contains(key)) differ.push_back(key);
  throw InputError({file, 0, ""},
                   fmt::format("--restart: the case's physics differ from the run in this file "
                               "in [{}]; only [solver] and [output] may change on a restart",
                               fmt::join(differ, "], [")));
}

/// Root attribute of a result file: the data files of its case (Case::data_fingerprint).
constexpr const char* kDataFilesAttribute = "data_files";

/// Throw Error unless the data files of the restarted case (@p now, Case::data_fingerprint)
/// have the contents of those the run in @p file read (@p then, its attribute; files written
/// before it existed have none): a changed table changes the physics as much as a changed
/// key. Compared in the input's order by size and hash, not by path: the same input names
/// them in the same order, wherever it is run from.
void check_same_data(const std::optional<std::string>& then, const std::string& now,
                     const std::string& file) {
  if (!then) return;
  auto lines = [](const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;  // (path, size and hash)
    std::istringstream is(text);
    for (std::string line; std::getline(is, line);) {
      const auto tab = line.find('\t');
      out.emplace_back(line.substr(0, tab), tab == std::string::npos ? "" : line.substr(tab));
    }
    return out;
  };
  const auto a = lines(*then), b = lines(now);
  std::vector<std::string> differ;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
    if (i >= a.size() || i >= b.size() || a[i].second != b[i].second)
      differ.push_back(i < b.size() ? b[i].first : a[i].first);
  if (differ.empty()) return;
  throw Error(
      fmt::format("--restart {}: data files of the case differ from those the run read "
                  "({}); the physics would change within one result file",
                  file, fmt::join(differ, ", ")));
}

/// Appends the totals and the outflows of state @p c at time @p t to the time series of
/// @p out; returns the totals (amount per species).
std::vector<double> append_totals(H5Output& out, Case& cs, Vec c, double t) {
  FVSystem& sys = cs.system();
  auto tot = sys.totals(c);
  const auto flow = sys.boundary_outflow(c);
  const std::string amount = cs.mesh().dim() == 3 ? "amount" : (cs.mesh().dim() == 2 ? std::string("amount/length") : std::string("amount/length^2"));
  out.append_time(t);
  for (int s = 0; s < sys.nspecies(); ++s) {
    out.append_series("total_" + sys.species()[s].name, tot[s], amount);
    out.append_series("outflow_" + sys.species()[s].name, flow[s], amount + "/time");
  }
  return tot;
}

}  // namespace

int FvRun::run() {
  started_ = opt_.started > 0.0 ? opt_.started : MPI_Wtime();
  stats_.phases = {};
  RunPhases& ph = stats_.phases;
  MPI_Comm comm = case_.mesh().comm();
  int rank;
  MPI_Comm_rank(comm, &rank);
  Case* cs = &case_;
  RunSettings& rs = cs->run();
  FVSystem& sys = cs->system();
  const Mesh& mesh = cs->mesh();
  const std::string length = cs->units().label(units::dim_of(units::Kind::length));
  if (rank == 0 && !opt_.quiet) {
    fmt::print("thermodrift run {}: {}D mesh {} cells, {} species, {} units, {} mode\n",
               opt_.case_path,
               mesh.dim(), mesh.total_cells(), sys.nspecies(), cs->units().name(),
               rs.mode == RunSettings::Mode::steady ? "steady" : "transient");
    // before any error (stderr, unbuffered) a failing solve may print: a log of both streams
    // keeps the order
    std::fflush(stdout);
  }
  Owned<Vec> c(sys.create_state());
  sys.initial_state(c);
  Owned<Vec> steady_obs;  // the observables written with the steady state
  std::vector<double> steady_totals;  // and its totals
  int code = 0;
  if (rs.mode == RunSettings::Mode::steady) {
    if (!opt_.restart.empty()) throw Error("--restart applies to transient runs only");
    H5Output out(mesh, rs.file, cs->config_toml(), cs->units().name(), length);
    for (const auto& [name, value] : units::unit_attributes(cs->units())) out.attribute(name, value);
    out.attribute(kDataFilesAttribute, cs->data_fingerprint());
    // A prescribed temperature is written before the solve: the disk writes it back while the
    // solve runs (results appear only at the commit, so a failed solve leaves nothing)
    const bool T_first = !sys.has_heat();
    if (T_first) begin_snapshot(out, *cs, 0.0, 0);
    ph.setup = MPI_Wtime() - started_;
    SteadyResult res;
    timed(ph.solve, [&] { res = solve_steady(sys, c, rs.steady); });
    stats_.steady = true;
    stats_.steady_result = res;
    stats_.seconds = res.seconds;
    fault_point("steady_solved", comm);
    output_from_ = MPI_Wtime();
    steady_obs = write_snapshot(out, *cs, c, 0.0, 0, true, T_first);
    steady_totals = append_totals(out, *cs, c, 0.0);
    out.commit();
    if (rank == 0) {
      const std::string cells =
          (res.cells_judged
               ? fmt::format("; in a cell at most {:.1e} of its own", res.cell_residual)
               : std::string()) +
          (res.correction > 0.0
               ? fmt::format("; last correction {:.1e} of a cell's value", res.correction)
               : std::string());
      fmt::print(
          "steady state: {} pseudo-time steps, {} Newton, {} Krylov iterations, "
          "||R|| = {:.3e} ({:.1e} of the flux terms{}), {:.3f} s\n",
          res.ptc_steps, res.newton_iterations, res.krylov_iterations, res.residual_norm,
          res.residual_scale > 0 ? res.residual_norm / res.residual_scale : 0.0, cells,
          res.seconds);
      if (res.cells_judged && res.cell_residual > kSteadyMaxCellResidual) {
        std::fflush(stdout);  // after the summary line it qualifies
        fmt::print(stderr,
                   "thermodrift: warning: steady state: a cell's residual is {:.1e} of its own "
                   "terms after {} further Newton steps (at most {:g} asked): where the "
                   "concentration is far below its largest value (the depleted end of a "
                   "strong drift) it may be inaccurate; -ksp_rtol 1e-14, or -pc_type lu "
                   "-ksp_type preonly on a small mesh, may reach it\n",
                   res.cell_residual, res.polish_steps, kSteadyMaxCellResidual);
      }
      if (res.unconfirmed_ratio > 0.0) {
        std::fflush(stdout);
        fmt::print(stderr,
                   "thermodrift: warning: steady state: '{}' rises to {:.1e} times the largest "
                   "value fixed on its faces, where no test on the residual sees an error of "
                   "its scale, and no further Newton step confirmed it (that refinement applies "
                   "to open, affine systems under the default Newton): it may be off by more "
                   "than its residual suggests; fixing c where it is largest (the cold side of "
                   "a drift) avoids this\n",
                   res.unconfirmed_species, res.unconfirmed_ratio);
      }
    }
  } else {
    code = run_transient(*cs, c, comm, rank);
  }
  if (code == 0) {
    // collective reductions on every rank, printing on rank 0
    // the steady state's, as written (a pass over the cells less)
    const auto tot = steady_totals.empty() ? sys.totals(c) : steady_totals;
    for (int s = 0; s < sys.nspecies(); ++s) {
      PetscReal mn, mx;
      TD_PETSC(VecStrideMin(c, s, nullptr, &mn));
      TD_PETSC(VecStrideMax(c, s, nullptr, &mx));
      if (rank == 0)
        fmt::print("  {}: total {:.10g}, min {:.6g}, max {:.6g}\n", sys.species()[s].name,
                   tot[s], mn, mx);
    }
    // a transient has checked every output time already (the last is this state)
    if (rs.mode == RunSettings::Mode::steady) {
      std::vector<bool> warned(sys.nspecies(), false);
      report_negative_species(sys, c, "", warned, comm, rank);
    }
    if (rs.mode == RunSettings::Mode::steady) report_soret(sys, steady_obs, rank);
    if (rank == 0) fmt::print("wrote {}\n", rs.file);
  }
  // the reports above are output; the transient run has added its earlier outputs
  const double end = MPI_Wtime();
  ph.output += end - output_from_;
  ph.total = end - started_;
  if (rank == 0 && !opt_.quiet)
    fmt::print("timings: set-up {:.3f} s, solve {:.3f} s, output {:.3f} s, total {:.3f} s\n",
               ph.setup, ph.solve, ph.output, ph.total);
  return code;
}

int FvRun::run_transient(Case& cs, Vec c, MPI_Comm comm, int rank) {
  RunPhases& ph = stats_.phases;
  RunSettings& rs = cs.run();
  FVSystem& sys = cs.system();
  const std::string length = cs.units().label(units::dim_of(units::Kind::length));
  double t0 = 0.0;
  long step0 = 0;
  std::unique_ptr<H5Output> out;
  // From here on a signal stops the run at its next step with a checkpoint (the hook below);
  // before the first checkpoint (t = 0, beside the first snapshot) it would leave a file
  // that cannot be continued.
  const StopOnSignal stop_on_signal;
  if (!opt_.restart.empty()) {
    if (opt_.restart != rs.file && opt_.restart != rs.file + ".partial")
      throw Error(fmt::format("--restart {}: the run writes {}; restart from that file (or "
                              "its .partial), or give -o {}", opt_.restart, rs.file,
                              opt_.restart.substr(0, opt_.restart.rfind(".partial"))));
    // The checks below read the file named; the run continues the partial file where one
    // exists. Both at once are a committed result and a later, interrupted run over it.
    if (opt_.restart == rs.file && exists_on_rank0(comm, rs.file + ".partial"))
      throw Error(
          fmt::format("--restart {}: {}.partial exists beside it, an interrupted later "
                      "run writing the same file; continue that one with --restart "
                      "{}.partial, or remove it to continue {}",
                      opt_.restart, rs.file, rs.file, rs.file));
    check_same_physics(H5Output::read_config(comm, opt_.restart), cs.config_toml(),
                       opt_.restart);
    check_same_data(H5Output::read_attribute(comm, opt_.restart, kDataFilesAttribute),
                    cs.data_fingerprint(), opt_.restart);
    const H5Output::Checkpoint ck = H5Output::read_checkpoint_info(comm, opt_.restart, c);
    t0 = ck.time;
    step0 = ck.step;
    // A checkpoint at t_end (within round-off, the output loop's test) is a run killed
    // before its commit: the restart commits it. One after t_end holds snapshots later than
    // the run's end.
    if (rs.t_end < t0 * (1 - kSameTime))
      throw Error(
          fmt::format("--restart {}: its checkpoint is at t = {:.6g}, after "
                      "[solver.transient] t_end = {:.6g}; give a later t_end to extend "
                      "the run",
                      opt_.restart, t0, rs.t_end));
    out = H5Output::resume(cs.mesh(), rs.file);
    out->truncate_to(ck);
    out->replace_config(cs.config_toml());
    if (rank == 0 && !opt_.quiet) fmt::print("restarting at t = {:.6g} (step {})\n", t0, step0);
  } else {
    out = std::make_unique<H5Output>(cs.mesh(), rs.file, cs.config_toml(), cs.units().name(),
                                     length);
    for (const auto& [name, value] : units::unit_attributes(cs.units())) out->attribute(name, value);
    out->attribute(kDataFilesAttribute, cs.data_fingerprint());
    timed(ph.output, [&] {
      write_snapshot(*out, cs, c, 0.0, 0);
      append_totals(*out, cs, c, 0.0);
      out->write_checkpoint(c, 0.0, 0, 0);
    });
  }
  TransientSolver ts(sys, c, t0, rs.transient);
  const double wall0 = MPI_Wtime();
  ph.setup = wall0 - started_ - ph.output;
  Progress progress(comm, "run", opt_.quiet, rs.progress_interval);
  const std::string time_unit = cs.units().label(units::dim_of(units::Kind::time));
  auto hook = [&](const TransientStats& st) {
    fault_point("step_taken", comm, step0 + st.steps);
    const bool any = interrupted_anywhere(comm);
    // fraction of the simulated time still to go when this invocation started
    progress.update((st.time - t0) / (rs.t_end - t0), [&] {
      return fmt::format("t = {:.6g} of {:.6g} {}, step {} (h = {:.3e}, Newton {}, Krylov {})",
                         st.time, rs.t_end, time_unit, step0 + st.steps, st.last_step,
                         st.nonlinear_iters, st.linear_iters);
    });
    return !any;
  };
  // the checkpoint (written before) keeps the partial file for --restart
  auto stop = [&](double t) {
    out->keep_partial();
    if (rank == 0)
      fmt::print(stderr,
                 "interrupted at t = {:.6e}; checkpoint written beside {}.partial; "
                 "continue with: thermodrift run {} -o {} --restart {}.partial\n",
                 t, rs.file, opt_.case_path, rs.file, rs.file);
    return 130;
  };
  std::vector<bool> negative_warned(sys.nspecies(), false);
  for (int k = 1; k <= rs.outputs; ++k) {
    const double t_out = rs.t_end * k / rs.outputs;
    if (t_out <= t0 * (1 + kSameTime)) continue;
    bool advanced = false;
    timed(ph.solve, [&] { advanced = ts.advance(t_out, c, hook); });
    output_from_ = MPI_Wtime();
    if (!advanced) {
      const auto st = ts.stats();
      out->write_checkpoint(c, st.time, step0 + st.steps, k);
      return stop(st.time);
    }
    const auto st = ts.stats();
    write_snapshot(*out, cs, c, t_out, step0 + st.steps);
    append_totals(*out, cs, c, t_out);
    if (fault_action("snapshot_state", comm, k) == "negative") make_one_cell_negative(c);
    report_negative_species(sys, c, fmt::format(" at t = {:.6g} (output {})", t_out, k),
                            negative_warned, comm, rank);
    fault_point("snapshot_written", comm, k);
    out->write_checkpoint(c, t_out, step0 + st.steps, k);
    ph.output += MPI_Wtime() - output_from_;
    // a signal on the step that reached t_out: that output is written, the run stops here
    if (k < rs.outputs && interrupted_anywhere(comm)) return stop(t_out);
  }
  const auto st = ts.stats();
  output_from_ = MPI_Wtime();
  out->commit();
  stats_.steady = false;
  stats_.transient = st;
  stats_.seconds = MPI_Wtime() - wall0;
  if (rank == 0)
    fmt::print("transient to t = {:.6g}: {} steps, {} Newton, {} Krylov iterations, {} "
               "preconditioner setups, {:.3f} s\n",
               rs.t_end, st.steps, st.nonlinear_iters, st.linear_iters, st.prec_setups,
               stats_.seconds);
  return 0;
}

}  // namespace td
