/// @file physics.cpp  The sub-modules of `thermodrift._core` over the library's physics:
/// units (core/Units), soret (models/MultiState, models/SoretScan), lattice
/// (stochastic/LatticeGasKmc, models/LatticeGasVariational), kmc (stochastic/Walkers) and fit
/// (fit/FitTask). Each reads its input exactly as the matching command does and returns
/// NumPy arrays; the loops over temperatures or coverages are the commands' own.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pybind11/stl.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Units.h"
#include "core/UnitsInput.h"
#include "fit/FitTask.h"
#include "fv/CoverageSystem.h"
#include "mesh/DmdaViews.h"
#include "models/CoverageLaw.h"
#include "models/LatticeGasVariational.h"
#include "models/MultiState.h"
#include "models/SoretScan.h"
#include "python/Bindings.h"
#include "stochastic/AdatomCase.h"
#include "stochastic/LatticeGasCase.h"
#include "stochastic/LatticeGasGradient.h"

namespace td::python {

namespace {

using units::Kind;
using units::UnitSystem;

// ---------------------------------------------------------------- units
Kind kind_named(const std::string& name) {
  if (auto k = units::kind_from_name(name)) return *k;
  std::vector<std::string> names;
  for (Kind k : units::all_kinds()) names.emplace_back(units::name_of(k));
  throw InputError({"<python>", 0, "kind"},
                   fmt::format("unknown kind '{}' (known: {})", name, fmt::join(names, ", ")));
}

/// One LJ parameter of @p spec: a number (SI) or a quantity with unit ("3.405 Angstrom").
void lj_entry(const py::dict& spec, const char* key, Kind kind, double& into) {
  if (!spec.contains(key)) return;
  py::handle v = spec[key];
  into = py::isinstance<py::str>(v)
             ? units::parse_in(v.cast<std::string>(), units::dim_of(kind), UnitSystem::si())
             : v.cast<double>();
  if (!(into > 0))
    throw InputError({"<python>", 0, std::string("lj.") + key},
                     fmt::format("{} must be positive", key));
}

/// An LJ parameter set: a preset name, or a dict with `preset` and/or sigma, epsilon, mass
/// (numbers in SI or strings with units), as `thermodrift units --lj/--sigma/...`.
units::LJParameters lj_parameters(const py::object& lj) {
  py::dict spec;
  if (py::isinstance<py::str>(lj))
    spec["preset"] = lj;
  else
    spec = lj.cast<py::dict>();
  units::LJParameters p;
  p.name = "custom";
  if (spec.contains("preset")) {
    const std::string name = spec["preset"].cast<std::string>();
    auto q = units::lj_preset(name);
    if (!q)
      throw InputError({"<python>", 0, "lj"},
                       fmt::format("unknown LJ preset '{}' (known: {})", name,
                                   fmt::join(units::lj_preset_names(), ", ")));
    p = *q;
  } else if (!spec.contains("sigma") || !spec.contains("epsilon") || !spec.contains("mass")) {
    throw InputError({"<python>", 0, "lj"},
                     "give an LJ preset name or a dict with sigma, epsilon and mass");
  }
  lj_entry(spec, "sigma", Kind::length, p.sigma);
  lj_entry(spec, "epsilon", Kind::energy, p.epsilon);
  lj_entry(spec, "mass", Kind::mass, p.mass);
  if (spec.contains("name")) p.name = spec["name"].cast<std::string>();
  return p;
}

/// SI value of one @p unit ("K/nm"; "" for the SI base unit), which must be a unit of @p kind.
double unit_value(const std::string& unit, Kind kind) {
  if (unit.empty()) return 1.0;
  const auto q = units::parse_unit(unit);
  if (!(q.dim == units::dim_of(kind)))
    throw InputError({"<python>", 0, "unit"},
                     fmt::format("'{}' is not a unit of {} ({})", unit, units::name_of(kind),
                                 UnitSystem::si().label(units::dim_of(kind))));
  return q.value;
}

void bind_units_impl(py::module_& u) {
  u.def(
      "kinds",
      [] {
        std::vector<std::string> names;
        for (Kind k : units::all_kinds()) names.emplace_back(units::name_of(k));
        return names;
      },
      "Names of the kinds of quantity (temperature_gradient, diffusivity, ...).");
  u.def("lj_presets", &units::lj_preset_names, "Names of the LJ parameter presets.");
  u.def(
      "lj_parameters",
      [](const py::object& lj) {
        const auto p = lj_parameters(lj);
        py::dict d;
        d["name"] = p.name;
        d["sigma_m"] = p.sigma;
        d["epsilon_J"] = p.epsilon;
        d["mass_kg"] = p.mass;
        d["tau_s"] = p.tau();
        return d;
      },
      py::arg("lj"), "The LJ set in SI: sigma (m), epsilon (J), mass (kg), tau (s).");
  u.def(
      "scale",
      [](const std::string& kind, const py::object& lj) {
        return UnitSystem::lj(lj_parameters(lj)).scale(units::dim_of(kind_named(kind)));
      },
      py::arg("kind"), py::arg("lj"), "SI value of one LJ reduced unit of `kind`.");
  u.def(
      "label",
      [](const std::string& kind, const py::object& lj) {
        const UnitSystem sys = lj.is_none() ? UnitSystem::si() : UnitSystem::lj(lj_parameters(lj));
        return sys.label(units::dim_of(kind_named(kind)));
      },
      py::arg("kind"), py::arg("lj") = py::none(),
      "Unit label of `kind` in SI (lj=None) or in the LJ system `lj`.");
  u.def(
      "to_si",
      [](const py::object& value, const std::string& kind, const py::object& lj,
         const std::string& unit) {
        const Kind k = kind_named(kind);
        const double f =
            UnitSystem::lj(lj_parameters(lj)).scale(units::dim_of(k)) / unit_value(unit, k);
        return value * py::float_(f);
      },
      py::arg("value"), py::arg("kind"), py::arg("lj"), py::arg("unit") = "",
      "LJ reduced `value` (number or NumPy array) of `kind` in SI, or in the SI-based `unit`.");
  u.def(
      "to_lj",
      [](const py::object& value, const std::string& kind, const py::object& lj,
         const std::string& unit) {
        const Kind k = kind_named(kind);
        const double f =
            unit_value(unit, k) / UnitSystem::lj(lj_parameters(lj)).scale(units::dim_of(k));
        return value * py::float_(f);
      },
      py::arg("value"), py::arg("kind"), py::arg("lj"), py::arg("unit") = "",
      "`value` of `kind` in SI (or in `unit`, e.g. 'K/nm') in LJ reduced units of `lj`.");
  u.def(
      "parse",
      [](const std::string& text, const std::string& kind) {
        return units::parse_in(text, units::dim_of(kind_named(kind)), UnitSystem::si());
      },
      py::arg("text"), py::arg("kind"), "SI value of a quantity with unit, e.g. '76.5 K/nm'.");
}

// ---------------------------------------------------------------- soret
py::dict soret(const Source& src, const py::object& temperatures) {
  InputSection root = parse(src);
  const auto u = read_units(root);
  StateSet st = read_states(root, "states", u.kB());
  if (st.size() == 0) root.fail("states", "at least one [[states]] table is required");
  std::vector<double> Ts;
  if (root.has("range")) Ts = read_soret_range(root);
  root.finish();
  if (!temperatures.is_none()) {
    // one number (Python's or NumPy's, or a 0-d array) is one temperature, as for an array
    // key of an input; NumPy converts whatever it can read as numbers
    try {
      if (py::isinstance<py::str>(temperatures)) throw py::cast_error();
      const py::array_t<double, py::array::c_style | py::array::forcecast> a(temperatures);
      Ts.assign(a.data(), a.data() + a.size());
    } catch (const std::exception&) {  // py::cast_error, or NumPy's error as error_already_set
      throw InputError({"<argument>", 0, "T"}, "expected a temperature or a sequence of them");
    }
    for (double T : Ts)
      if (!(std::isfinite(T) && T > 0))
        throw InputError({"<argument>", 0, "T"},
                         fmt::format("temperature {} is out of the accepted range (0, inf) (in {})",
                                     T, u.label(units::dim_of(units::Kind::temperature))));
  }
  if (Ts.empty())
    throw InputError({src.name, 0, "range"},
                     "give the temperatures (argument T) or a [range] table");
  const std::size_t n = Ts.size(), ns = static_cast<std::size_t>(st.size());
  std::vector<double> D, S, Scov, S0, Sch, E, pops;
  for (double T : Ts) {
    const auto a = analyse_soret(st, T);
    D.push_back(a.mean_D);
    S.push_back(a.S_T);
    Scov.push_back(a.S_T_cov);
    S0.push_back(a.S_T_0);
    Sch.push_back(a.S_T_ch);
    E.push_back(a.mean_E);
    const auto p = st.populations(T);
    pops.insert(pops.end(), p.begin(), p.end());
  }
  std::vector<double> zeros;
  for (const auto& z : soret_sign_changes(st, Ts, Scov)) zeros.push_back(z.T);
  py::dict d, lab;
  d["states"] = st.names;
  d["units_system"] = u.name();
  d["T"] = to_array(Ts);
  d["mean_D"] = to_array(D);
  d["S_T"] = to_array(S);
  d["S_T_cov"] = to_array(Scov);
  d["S_T_0"] = to_array(S0);
  d["S_T_ch"] = to_array(Sch);
  d["mean_E"] = to_array(E);
  d["populations"] = to_array(pops, {static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(ns)});
  d["sign_changes"] = to_array(zeros);
  const std::string invT = u.label(units::dim_of(Kind::inverse_temperature));
  lab["T"] = u.label(units::dim_of(Kind::temperature));
  lab["mean_D"] = u.label(units::dim_of(Kind::diffusivity));
  for (const char* k : {"S_T", "S_T_cov", "S_T_0", "S_T_ch"}) lab[k] = invT;
  lab["mean_E"] = u.label(units::dim_of(Kind::energy));
  lab["populations"] = "1";
  lab["sign_changes"] = lab["T"];
  d["units"] = lab;
  return d;
}

// ---------------------------------------------------------------- lattice gas
std::unique_ptr<LatticeGasCase> lattice_case(const Source& src) {
  return src.is_text ? LatticeGasCase::from_string(src.text, src.name)
                     : LatticeGasCase::load(src.text);
}

py::array_t<double> tensors(const std::vector<double>& v) {
  return to_array(v, {static_cast<py::ssize_t>(v.size() / 4), 2, 2});
}

/// `thermodrift lattice` in memory: KMC tracer and collective tensors per coverage (when
/// @p kmc), the variational bound on D_c per coverage (with and without correlational
/// phases), and the exact single-particle tensor.
py::dict lattice(const Source& src, const py::object& coverages, bool kmc,
                 const py::object& comm_handle) {
  auto c = lattice_case(src);
  if (!coverages.is_none()) c->coverages = coverages.cast<std::vector<double>>();
  for (double theta : c->coverages)
    if (!(theta > 0 && theta < 1))
      throw InputError({src.name, 0, "lattice_gas.coverages"},
                       fmt::format("coverage {} is outside (0, 1)", theta));
  const MPI_Comm comm = communicator(comm_handle);
  const double T = c->run.T;
  std::vector<double> var, var0, d0;
  for (double theta : c->coverages) {
    append_row_major(var, variational_collective_diffusion(c->lattice, theta, T, true));
    append_row_major(var0, variational_collective_diffusion(c->lattice, theta, T, false));
  }
  append_row_major(d0, c->lattice.single_particle_diffusion(T));
  const std::string Du = c->units.label(units::dim_of(Kind::diffusivity));
  py::dict d, lab;
  d["coverage"] = to_array(c->coverages);
  d["temperature"] = T;
  d["units_system"] = c->units.name();
  d["config"] = c->config;
  d["single_particle"] = to_array(d0, {2, 2});
  d["variational"] = tensors(var);
  d["variational_geometric"] = tensors(var0);
  lab["temperature"] = c->units.label(units::dim_of(Kind::temperature));
  for (const char* k : {"single_particle", "variational", "variational_geometric"}) lab[k] = Du;
  lab["coverage"] = "1";
  if (kmc) {
    const LatticeGasScan sc = run_lattice_scan(comm, *c);
    d["tracer"] = tensors(sc.tracer);
    d["tracer_sem"] = tensors(sc.tracer_sem);
    d["collective"] = tensors(sc.collective);
    d["collective_sem"] = tensors(sc.collective_sem);
    d["chi"] = to_array(sc.chi);
    d["particles"] = to_array(sc.particles);
    d["events"] = to_array(sc.events);
    for (const char* k : {"tracer", "tracer_sem", "collective", "collective_sem"}) lab[k] = Du;
    for (const char* k : {"chi", "particles", "events"}) lab[k] = "1";
  }
  d["units"] = lab;
  return d;
}

// ---------------------------------------------------------------- adatom KMC
py::dict kmc(const Source& src, const py::object& comm_handle) {
  const MPI_Comm comm = communicator(comm_handle);
  auto c = src.is_text ? AdatomCase::from_string(comm, src.text, src.name)
                       : AdatomCase::load(comm, src.text);
  const WalkerStatistics st = run_walkers(comm, c->lattice, c->walkers);
  const int dim = c->lattice.dim;
  const auto ns = static_cast<py::ssize_t>(st.time.size());
  std::vector<double> mean, sem, sites, hist(st.histogram.begin(), st.histogram.end());
  for (std::size_t k = 0; k < st.time.size(); ++k)
    for (int a = 0; a < dim; ++a) {
      mean.push_back(st.mean[k][a]);
      sem.push_back(st.sem[k][a]);
    }
  for (int s = 0; s < c->lattice.sites(); ++s)
    for (int a = 0; a < dim; ++a) sites.push_back(c->lattice.position(s)[a]);
  const std::string L = c->units.label(units::dim_of(Kind::length));
  const std::string tu = c->units.label(units::dim_of(Kind::time));
  const std::size_t last = st.time.size() - 1;
  py::dict d, lab;
  d["walkers"] = st.walkers;
  d["hops"] = st.hops;
  d["units_system"] = c->units.name();
  d["config"] = c->config;
  d["time"] = to_array(st.time);
  d["mean_position"] = to_array(mean, {ns, dim});
  d["mean_position_sem"] = to_array(sem, {ns, dim});
  d["msd"] = to_array(st.msd);
  d["msd_sem"] = to_array(st.msd_sem);
  d["sites"] = to_array(sites, {c->lattice.sites(), dim});
  d["histogram_end"] = to_array(hist);
  d["trajectories"] = to_array(
      st.trajectories, {static_cast<py::ssize_t>(st.trajectories.size() / (ns * dim)), ns, dim});
  d["drift_velocity"] = (st.mean[last][0] - st.mean[0][0]) / st.time[last];
  d["drift_velocity_sem"] = st.sem[last][0] / st.time[last];
  if (c->rates->analytic()) {
    d["drift_law_x"] = to_array(drift_law_trajectory(*c, st.mean[0][0], st.time, false));
    d["particle_law_x"] = to_array(drift_law_trajectory(*c, st.mean[0][0], st.time, true));
    lab["drift_law_x"] = L;
    lab["particle_law_x"] = L;
  }
  lab["time"] = tu;
  for (const char* k : {"mean_position", "mean_position_sem", "sites"}) lab[k] = L;
  lab["msd"] = L + "^2";
  lab["msd_sem"] = L + "^2";
  lab["histogram_end"] = "walkers";
  lab["trajectories"] = L;
  lab["drift_velocity"] = L + "/" + tu;
  lab["drift_velocity_sem"] = L + "/" + tu;
  d["units"] = lab;
  return d;
}

// ---------------------------------------------------------------- fits
/// The [[fit]] tables of a document with [units], run in order as by `thermodrift fit`
/// (nothing is written): fitted parameters with units, laws, covariances and each task's
/// report (data, fitted curve, values).
py::dict fit(const Source& src) {
  InputSection root = parse(src);
  ParamSet params;
  params.units = read_units(root);
  {
    // a document of `thermodrift fit` runs as it is; nothing is written from here
    InputSection o = root.section("output", true);
    o.string(fit::output_file_spec());
    o.string(fit::report_file_spec());
    o.finish();
  }
  const auto tasks = fit::read_fit_tasks(root);
  root.finish();
  const nlohmann::ordered_json reports = fit::run_fit_tasks(tasks, params);
  py::dict ps;
  for (const auto& p : params.parameters) {
    py::dict e;
    e["value"] = p.value;
    e["uncertainty"] = p.uncertainty;
    e["bootstrap_sd"] = p.bootstrap_sd ? py::object(py::float_(*p.bootstrap_sd)) : py::none();
    e["unit"] = params.units.label(units::dim_of(p.kind));
    e["kind"] = std::string(units::name_of(p.kind));
    e["method"] = p.method;
    e["source"] = p.source;
    ps[p.name.c_str()] = e;
  }
  py::list laws, covs;
  for (const auto& l : params.laws) {
    py::dict e;
    e["name"] = l.name;
    e["type"] = l.type;
    e["keys"] = l.keys;
    laws.append(e);
  }
  for (const auto& c : params.covariances) {
    py::dict e;
    e["name"] = c.name;
    e["parameters"] = c.parameters;
    std::vector<double> flat;
    for (const auto& row : c.matrix) flat.insert(flat.end(), row.begin(), row.end());
    const auto k = static_cast<py::ssize_t>(c.matrix.size());
    e["matrix"] = to_array(flat, {k, k});
    covs.append(e);
  }
  py::dict d;
  d["units_system"] = params.units.name();
  d["parameters"] = ps;
  d["laws"] = laws;
  d["covariances"] = covs;
  d["reports_json"] = reports.dump();
  return d;
}

Source source(const std::string& text, bool is_text, const std::string& name) {
  return {text, is_text, name};
}

}  // namespace

void bind_units(py::module_& m) {
  py::module_ u = m.def_submodule("units", "SI <-> Lennard-Jones reduced units (core/Units.h)");
  bind_units_impl(u);
}

void bind_soret(py::module_& m) {
  m.def(
      "_soret",
      [](const std::string& text, bool is_text, const std::string& name, const py::object& T) {
        return soret(source(text, is_text, name), T);
      },
      py::arg("source"), py::arg("is_text"), py::arg("name"), py::arg("T"));
}

// ---------------------------------------------------------------- lattice gas in a gradient
/// Settings of lattice_gradient (reduced units, kB = 1).
struct GradientSettings {
  std::vector<double> coverages, law_temperatures, snapshot_times;
  int La = 32, Lb = 8;
  double T_cold = 1.0, T_hot = 1.0, Q = 0.0, t_burn = 0.0, t_end = 1.0;
  long replicas = 8;
  std::uint64_t seed = 1;
};

/// Coverage per cell of a 1D coverage state on @p mesh.
std::vector<double> cell_values(const Mesh& mesh, Vec v) {
  std::vector<double> out(mesh.cells(0), 0.0);
  {
    dmda::LocalView V(mesh.dm(), v);
    dmda::for_owned(mesh, [&](const std::array<int, 3>& c) { out[c[0]] = V(c, 1, 0); });
  }
  MPI_Allreduce(MPI_IN_PLACE, out.data(), static_cast<int>(out.size()), MPI_DOUBLE, MPI_SUM,
                mesh.comm());
  return out;
}

/// The lattice gas of @p lattice_file in T(x) linear from T_cold (x = 0) to T_hot (x = La |a|),
/// closed along x and periodic along y (stochastic/LatticeGasGradient.h), at each coverage:
/// the KMC's steady column coverages and snapshots from a uniform fill, the finite-volume
/// coverage model with the variational D_c(theta, T) of the same lattice (steady, and relaxing
/// from the uniform coverage), and the dilute law's steady profile theta ~ sum_A exp((Q -
/// E_A)/(kB T)) at the same mean. Reduced units (kB = 1) throughout.
/// Refuse settings outside their ranges, naming the argument (replicas = 0 returned NaN
/// profiles; a negative t_burn ran).
void check_gradient_settings(const GradientSettings& g) {
  auto refuse = [](const char* arg, const std::string& why) {
    throw InputError({"<argument>", 0, arg}, why);
  };
  if (g.replicas < 1) refuse("replicas", fmt::format("{}: at least 1 replica", g.replicas));
  if (g.La < 2 || g.Lb < 1)
    refuse("cells", fmt::format("({}, {}): at least 2 columns and 1 row", g.La, g.Lb));
  if (!(g.T_cold > 0.0) || !(g.T_hot > 0.0) || !std::isfinite(g.T_cold) || !std::isfinite(g.T_hot))
    refuse("T", fmt::format("({}, {}): temperatures must be finite and > 0", g.T_cold, g.T_hot));
  if (!(g.t_burn >= 0.0) || !std::isfinite(g.t_burn))
    refuse("t_burn", fmt::format("{}: must be finite and >= 0", g.t_burn));
  if (!(g.t_end > 0.0) || !std::isfinite(g.t_end))
    refuse("t_end", fmt::format("{}: must be finite and > 0 (the averaging time)", g.t_end));
  if (!std::isfinite(g.Q)) refuse("Q", "must be finite");
  if (g.coverages.empty()) refuse("coverages", "give at least one coverage");
  for (double c : g.coverages)
    if (!(c > 0.0 && c < 1.0)) refuse("coverages", fmt::format("{}: must be in (0, 1)", c));
}

py::dict lattice_gradient(const std::string& lattice_file, const GradientSettings& g,
                          MPI_Comm comm) {
  check_gradient_settings(g);
  InputSection root = InputSection::parse_file(lattice_file);
  root.set_units(UnitSystem::lj(units::LJParameters{}));
  InputSection ls = root.section("lattice");
  const double Tlo = std::min(g.T_cold, g.T_hot);
  const LatticeSpec spec = read_lattice(ls, 1.0, Tlo);
  root.finish();
  const double a = spec.cell[0][0];
  std::shared_ptr<const TemperatureField> T =
      linear_temperature(g.T_cold, {(g.T_hot - g.T_cold) / (g.La * a), 0.0, 0.0});
  std::shared_ptr<const CoverageLaw> law =
      variational_coverage_law(spec, default_table_coverages(), g.law_temperatures, 0);
  std::vector<double> E;
  for (const auto& st : spec.sites) E.push_back(st.energy);
  const CoverageThermo thermo(E, g.Q, 1.0);
  std::array<Axis, 3> axes;
  axes[0].nodes = uniform_nodes(0.0, g.La * a, g.La);
  axes[1].nodes = {0.0, 1.0};
  axes[2].nodes = {0.0, 1.0};
  Mesh mesh(comm, 1, axes, 1);
  const CoverageSystem sys(mesh, T, law, thermo);
  std::vector<double> kmc, kmc_sem, fv, dilute, snaps, snaps_sem, fv_snaps, events, cands;
  std::vector<double> x, Tx;
  double kmc_seconds = 0.0, fv_seconds = 0.0;
  using clock = std::chrono::steady_clock;
  for (double theta : g.coverages) {
    GradientLatticeOptions o;
    o.La = g.La;
    o.Lb = g.Lb;
    o.Q = g.Q;
    o.theta = theta;
    o.replicas = g.replicas;
    o.seed = g.seed;
    o.t_burn = g.t_burn;
    o.t_end = g.t_end;
    o.snapshot_times = g.snapshot_times;
    const auto t0 = clock::now();
    const auto r = run_lattice_gradient(comm, spec, *T, o);
    const auto t1 = clock::now();
    kmc_seconds += std::chrono::duration<double>(t1 - t0).count();
    x = r.x;
    Tx = r.T;
    kmc.insert(kmc.end(), r.theta.begin(), r.theta.end());
    kmc_sem.insert(kmc_sem.end(), r.theta_sem.begin(), r.theta_sem.end());
    for (std::size_t k = 0; k < r.snapshots.size(); ++k) {
      snaps.insert(snaps.end(), r.snapshots[k].begin(), r.snapshots[k].end());
      snaps_sem.insert(snaps_sem.end(), r.snapshots_sem[k].begin(), r.snapshots_sem[k].end());
    }
    events.push_back(static_cast<double>(r.events));
    cands.push_back(static_cast<double>(r.candidates));
    // the FV starts from the KMC's exact mean coverage (a whole number of particles)
    const double mean = static_cast<double>(r.particles) / (g.La * g.Lb * spec.size());
    Owned<Vec> v(sys.create_state());
    TD_PETSC(VecSet(v, mean));
    double t = 0.0;
    for (double ts : g.snapshot_times) {
      advance_coverage(sys, v, t, ts);
      t = std::max(t, ts);
      const auto c = cell_values(mesh, v);
      fv_snaps.insert(fv_snaps.end(), c.begin(), c.end());
    }
    solve_coverage_steady(sys, v);
    const auto c = cell_values(mesh, v);
    fv.insert(fv.end(), c.begin(), c.end());
    fv_seconds += std::chrono::duration<double>(clock::now() - t1).count();
    std::vector<double> w;
    double wsum = 0.0;
    for (double Ti : r.T) {
      double s = 0.0;
      for (double e : E) s += std::exp((g.Q - e) / Ti);
      w.push_back(s);
      wsum += s;
    }
    for (double wi : w) dilute.push_back(mean * g.La * wi / wsum);
  }
  const auto nc = static_cast<py::ssize_t>(g.coverages.size());
  const auto ns = static_cast<py::ssize_t>(g.snapshot_times.size());
  const auto nx = static_cast<py::ssize_t>(g.La);
  py::dict d;
  d["coverage"] = to_array(g.coverages);
  d["x"] = to_array(x);
  d["T"] = to_array(Tx);
  d["kmc"] = to_array(kmc, {nc, nx});
  d["kmc_sem"] = to_array(kmc_sem, {nc, nx});
  d["fv"] = to_array(fv, {nc, nx});
  d["dilute"] = to_array(dilute, {nc, nx});
  d["snapshot_times"] = to_array(g.snapshot_times);
  d["kmc_snapshots"] = to_array(snaps, {nc, ns, nx});
  d["kmc_snapshots_sem"] = to_array(snaps_sem, {nc, ns, nx});
  d["fv_snapshots"] = to_array(fv_snaps, {nc, ns, nx});
  d["events"] = to_array(events);
  d["candidates"] = to_array(cands);
  d["kmc_seconds"] = kmc_seconds;
  d["fv_seconds"] = fv_seconds;
  return d;
}

void bind_lattice(py::module_& m) {
  m.def(
      "_lattice",
      [](const std::string& text, bool is_text, const std::string& name,
         const py::object& coverages, bool run_kmc, const py::object& comm) {
        return lattice(source(text, is_text, name), coverages, run_kmc, comm);
      },
      py::arg("source"), py::arg("is_text"), py::arg("name"), py::arg("coverages"), py::arg("kmc"),
      py::arg("comm"));
  m.def(
      "_lattice_gradient",
      [](const std::string& lattice_file, const std::vector<double>& coverages, int La, int Lb,
         double T_cold, double T_hot, double Q, const std::vector<double>& law_temperatures,
         long replicas, std::uint64_t seed, double t_burn, double t_end,
         const std::vector<double>& snapshot_times, const py::object& comm) {
        GradientSettings g{
            coverages, law_temperatures, snapshot_times, La,       Lb,  T_cold, T_hot,
            Q,         t_burn,           t_end,          replicas, seed};
        return lattice_gradient(lattice_file, g, communicator(comm));
      },
      py::arg("lattice_file"), py::arg("coverages"), py::arg("La"), py::arg("Lb"),
      py::arg("T_cold"), py::arg("T_hot"), py::arg("Q"), py::arg("law_temperatures"),
      py::arg("replicas"), py::arg("seed"), py::arg("t_burn"), py::arg("t_end"),
      py::arg("snapshot_times"), py::arg("comm"));
}

void bind_kmc(py::module_& m) {
  m.def(
      "_kmc",
      [](const std::string& text, bool is_text, const std::string& name, const py::object& comm) {
        return kmc(source(text, is_text, name), comm);
      },
      py::arg("source"), py::arg("is_text"), py::arg("name"), py::arg("comm"));
}

void bind_fit(py::module_& m) {
  m.def(
      "_fit",
      [](const std::string& text, bool is_text, const std::string& name) {
        return fit(source(text, is_text, name));
      },
      py::arg("source"), py::arg("is_text"), py::arg("name"));
  m.def("_fit_types", [] { return fit::FitTaskFactory::names(); });
}

}  // namespace td::python
