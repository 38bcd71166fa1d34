#include "fv/Case.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "fv/Steady.h"
#include "io/H5Output.h"
#include "models/Species.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kMode{"mode", T::String, "\"steady\"", K::dimensionless, Range::any(),
                      {"steady", "transient"}, "steady state (SNES) or time integration (CVODE)"};
const ParamSpec kRtolS{"rtol", T::Real, "1e-10", K::dimensionless, Range::positive(), {},
                       "Newton relative tolerance on the residual norm"};
const ParamSpec kMaxNewton{"max_newton",
                           T::Integer,
                           "50",
                           K::dimensionless,
                           Range::closed(1, 10000),
                           {},
                           "Newton iterations allowed"};
const ParamSpec kForcePtc{"pseudo_transient", T::Bool, "false", K::dimensionless, Range::any(),
                          {}, "start with pseudo-transient continuation instead of Newton"};
const ParamSpec kPtcSteps{"ptc_max_steps",
                          T::Integer,
                          "200",
                          K::dimensionless,
                          Range::closed(1, 1e6),
                          {},
                          "pseudo-transient steps allowed"};
const ParamSpec kTend{"t_end",
                      T::Real,
                      "0.0",
                      K::time,
                      Range::closed(0.0, 1e30),
                      {},
                      "final time (required > 0 for transient runs; beyond 1e30 CVODE's step "
                      "estimates overflow)"};
const ParamSpec kOutputs{"outputs",
                         T::Integer,
                         "10",
                         K::dimensionless,
                         Range::closed(1, 100000),
                         {},
                         "number of snapshots, evenly spaced in time"};
const ParamSpec kRtolT{"rtol", T::Real, "1e-8", K::dimensionless, Range::positive(), {},
                       "CVODE relative tolerance"};
const ParamSpec kAtolT{"atol", T::Real, "1e-12", K::number_density, Range::positive(), {},
                       "CVODE absolute tolerance"};
const ParamSpec kMaxSteps{"max_steps",
                          T::Integer,
                          "1000000",
                          K::dimensionless,
                          Range::closed(1, 1e9),
                          {},
                          "internal CVODE steps allowed"};
const ParamSpec kHmax{"h_max", T::Real, "0.0", K::time, Range::non_negative(), {},
                      "largest time step (0: unlimited)"};
const ParamSpec kFile{
    "file",
    T::String,
    "\"\"",
    K::dimensionless,
    Range::any(),
    {},
    "result file; relative to the working directory (default: <input name>.h5; `-o` overrides)"};
const ParamSpec kProgress{"progress_interval",
                          T::Real,
                          "5.0",
                          K::dimensionless,
                          Range::positive(),
                          {},
                          "wall-clock seconds between progress lines"};
/// The names of [output] fields and the flags they set.
constexpr std::pair<const char*, bool OutputFields::*> kFieldNames[] = {
    {"c", &OutputFields::c},
    {"T", &OutputFields::T},
    {"J", &OutputFields::J},
    {"P", &OutputFields::P},
    {"S_T_eff", &OutputFields::S_T_eff},
    {"S_T_eq", &OutputFields::S_T_eq}};

std::vector<std::string> field_names() {
  std::vector<std::string> names;
  for (const auto& [name, flag] : kFieldNames) names.emplace_back(name);
  return names;
}

/// The fields of [output] fields, from the names the reader has checked.
OutputFields output_fields(const std::vector<std::string>& names) {
  OutputFields f{false, false, false, false, false, false};
  for (const auto& [name, flag] : kFieldNames)
    if (std::find(names.begin(), names.end(), name) != names.end()) f.*flag = true;
  return f;
}

const ParamSpec kFields{
    "fields",
    T::StringArray,
    "[\"c\", \"T\", \"J\", \"P\", \"S_T_eff\", \"S_T_eq\"]",
    K::dimensionless,
    Range::any(),
    {},
    "cell fields each snapshot holds: `c` concentrations, `T` temperature, `J` flux vectors, "
    "`P` the total of a multi-state species, `S_T_eff` and `S_T_eq` the local effective and "
    "local-equilibrium Soret coefficients (every species; `[]`: none). The time series and "
    "a transient's restart state are written whatever the choice.",
    {},
    field_names};
const ParamSpec kVerbose{"verbose", T::Bool, "false", K::dimensionless, Range::any(), {},
                         "print Newton residuals"};

const KeyDeclaration kSolverKeys({"solver",
                                  "",
                                  "run",
                                  "How the case is solved: `mode` selects the steady or the "
                                  "transient solver, each set up by its sub-table.",
                                  {&kMode}});
const KeyDeclaration kSteadyKeys(
    {"solver.steady",
     "",
     "run",
     "Steady solve with PETSc SNES. Newton from the initial state is tried first; if it fails, "
     "pseudo-transient continuation (switched evolution relaxation) takes over and hands back "
     "to Newton. Closed cells keep the amounts of the initial state.",
     {&kRtolS, &kMaxNewton, &kForcePtc, &kPtcSteps, &kVerbose}});
const KeyDeclaration kTransientKeys({"solver.transient",
                                     "",
                                     "run",
                                     "Time integration with CVODE (BDF, Newton-Krylov).",
                                     {&kTend, &kOutputs, &kRtolT, &kAtolT, &kMaxSteps, &kHmax}});
const KeyDeclaration kOutputKeys(
    {"output",
     "",
     "run",
     "Result file of `thermodrift run` (`-o` on the command line overrides `file`): `/config` "
     "(the resolved input, a valid input itself beside the original input, whose data-file "
     "paths it keeps as written; a restart replaces it by its own), "
     "`/mesh/{x,y,z}` node coordinates, "
     "`/snapshots/NNNNNN/` (the cell fields `fields` chooses: `c_<species>`, `T` and others, "
     "`J_<species>` flux vectors with x, y, z on the last axis, each with a `units` "
     "attribute; a `time` attribute), `/timeseries/` (`time`, `total_<species>`, "
     "`outflow_<species>`) and `/checkpoint` (restart state); the `.xmf` sidecar opens in "
     "ParaView.",
     {&kFile, &kFields, &kProgress}});
/// Cell Peclet number of the drift above which the mesh is reported as not resolving it
/// (the profile c ~ exp(-psi) changes by more than e^2 per cell).
constexpr double kMaxCellPeclet = 2.0;
/// Span of psi beyond which the zero-flux profile c ~ exp(-psi), a factor e^span from end to
/// end, leaves the range of double precision (e^700 ~ 1e304).
constexpr double kMaxPsiSpan = 700.0;

// Say when the mesh cannot resolve the drift: a warning with the refinement per axis that
// would (cell Peclet <= kMaxCellPeclet); an error for a steady run whose zero-flux profile
// cannot be represented at all (the solution would be round-off, negative in many cells).
void check_drift_resolution(const FVSystem& sys, const InputSection& root, bool steady) {
  const auto r = sys.drift_resolution();
  int rank = 0;
  MPI_Comm_rank(sys.mesh().comm(), &rank);
  if (r.psi_span > kMaxPsiSpan) {
    const std::string msg = fmt::format(
        "the drift of species '{}' (psi = int S_T dT + alpha ln D) spans {:.4g} over the case's "
        "temperatures: its zero-flux profile c ~ exp(-psi) varies by e^{:.4g}, beyond double "
        "precision (e^{:g}); no mesh resolves it; reduce S_T or the temperature difference",
        r.species, r.psi_span, r.psi_span, kMaxPsiSpan);
    if (steady) throw InputError(root.location("species"), msg);
    if (rank == 0) fmt::print(stderr, "thermodrift: warning: {}\n", msg);
  } else if (rank == 0) {
    // A steady solve converges every cell against its own terms down to
    // kSteadyCellScaleFloor; a transient run's accuracy there is CVODE's absolute tolerance.
    const double resolved = steady ? kSteadyCellScaleFloor : FVSystem::kResolvedTotal;
    if (r.psi_span > -std::log(resolved))
      fmt::print(stderr,
                 "thermodrift: warning: the drift of species '{}' spans psi = {:.4g} over the "
                 "case's temperatures: where its zero-flux profile c ~ exp(-psi) falls below "
                 "{:g} of its largest value the concentration is round-off (possibly "
                 "negative), and S_T_eff is not given there\n",
                 r.species, r.psi_span, resolved);
  }
  for (int a = 0; a < sys.mesh().dim(); ++a) {
    const double pe = r.cell_peclet[a];
    if (!(pe > kMaxCellPeclet) || rank != 0) continue;
    const int n = sys.mesh().axis(a).cells();
    const double factor = std::ceil(pe / kMaxCellPeclet);
    fmt::print(stderr,
               "thermodrift: warning: [mesh.{}]: cell Peclet number of the drift {:.3g} > {:g} "
               "(the profile changes by e^{:.3g} per cell); {:g} cells (refine by {:g}) would "
               "resolve it\n",
               "xyz"[a], pe, kMaxCellPeclet, pe, n * factor, factor);
  }
}

/// Fresh memory a run touches after its mesh is read, per cell (bytes), for HeapPrefault:
/// a part for any case and one per field. Measured for one species, steady: 245 MiB at 1024^2
/// (245 bytes per cell) and about 536 MB at 128^3 (255), most of it the matrix, the
/// multigrid's levels and the vectors, which grow with the fields.
constexpr std::size_t kPrefaultBytesPerCell = 128;
constexpr std::size_t kPrefaultBytesPerCellField = 112;

/// Whether this rank has a CPU for HeapPrefault's thread beside the ranks: @p comm is all of
/// the ranks, and this rank has more CPUs in its affinity mask than ranks on its node.
/// Why: with no idle CPU the thread only competes with the ranks (2 ranks on 2 CPUs at
/// 1024^2: set-up 0.22-0.27 s against 0.07-0.11 s, no faster solve). Collective.
bool idle_cpu(MPI_Comm comm) {
  // A case on part of the ranks (MPI_COMM_SELF in a fit on several ranks, say) does not see
  // the others on its node: no thread then. The same answer on every rank of comm.
  int same = MPI_UNEQUAL;
  MPI_Comm_compare(comm, MPI_COMM_WORLD, &same);
  if (same != MPI_IDENT && same != MPI_CONGRUENT) return false;
  MPI_Comm node = MPI_COMM_NULL;
  int local = 1;
  if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
  cpu_set_t mask;
  CPU_ZERO(&mask);
  const int cpus = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : 1;
  return cpus > local;
}

}  // namespace

std::unique_ptr<HeapPrefault> start_run_prefault(MPI_Comm comm, std::size_t cells, int fields) {
  if (!idle_cpu(comm)) return nullptr;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  return std::make_unique<HeapPrefault>(
      cells / static_cast<std::size_t>(ranks) *
      (kPrefaultBytesPerCell + kPrefaultBytesPerCellField * static_cast<std::size_t>(fields)));
}

std::unique_ptr<Case> Case::load(MPI_Comm comm, const std::string& path,
                                 const std::string& output) {
  return build(comm, InputSection::parse_file(path), output);
}

std::unique_ptr<Case> Case::from_string(MPI_Comm comm, const std::string& text,
                                        const std::string& name, const std::string& output) {
  return build(comm, InputSection::parse_string(text, name), output);
}

std::unique_ptr<Case> Case::build(MPI_Comm comm, InputSection root, const std::string& output) {
  auto c = std::unique_ptr<Case>(new Case());
  c->units_ = read_units(root);

  // species first: their states are the fields per cell of the mesh
  auto species_tables = root.sections("species");
  if (species_tables.empty()) root.fail("species", "at least one [[species]] table is required");
  int ncomp = 0;
  for (auto& s : species_tables) ncomp += Species::count_components(s);
  const bool heat = root.has("heat");
  {
    InputSection m = root.section("mesh");
    const int fields = ncomp + (heat ? 1 : 0);
    // this rank's share of the fresh memory the set-up and solve will touch, populated from
    // here on by a second thread (core/HugePages.h)
    c->mesh_ = Mesh::from_input(comm, m, fields, [&](std::size_t cells) {
      c->prefault_ = start_run_prefault(comm, cells, fields);
    });
  }
  std::shared_ptr<const HeatModel> heat_model;
  if (heat) {
    InputSection h = root.section("heat");
    heat_model = std::make_shared<HeatModel>(read_heat(h, *c->mesh_, true));
    h.finish();
  }
  {
    InputSection t = root.section("temperature");
    c->T_ = make_temperature_field(t, *c->mesh_);
  }
  const auto [Tlo, Thi] = temperature_range(*c->mesh_, *c->T_);
  if (heat_model) {
    check_heat_laws(*heat_model, Tlo, Thi);
    check_heat_time_scale(*heat_model, *c->mesh_, Tlo, Thi);
  }
  std::vector<Species> comps;
  std::vector<Reaction> reactions;
  std::vector<std::string> names;
  std::vector<Composition> compositions;
  for (auto& s : species_tables) {
    auto in = Species::from_input(s, *c->mesh_, static_cast<int>(comps.size()), Tlo, Thi);
    for (auto& sp : in.components) {
      for (std::size_t k = 0; k < comps.size(); ++k)
        if (comps[k].name == sp.name || comps[k].group == sp.name || comps[k].name == sp.group)
          s.fail("name", fmt::format("name '{}' is used twice among species and states",
                                     comps[k].name == sp.name ? sp.name : sp.group));
      names.push_back(sp.name);
      compositions.push_back(sp.composition);
      comps.push_back(std::move(sp));
    }
    for (auto& r : in.transitions) reactions.push_back(std::move(r));
  }
  for (auto& rt : root.sections("reactions"))
    reactions.push_back(read_reaction(rt, names, compositions, c->units_.kB(), Tlo, Thi));
  c->sys_ = std::make_unique<FVSystem>(*c->mesh_, c->T_, std::move(comps), heat_model);
  // now rather than in the first residual of the solve (its time would count as the solve's)
  c->sys_->set_up_ghost_exchanges();
  c->sys_->set_reactions(std::make_shared<ReactionNetwork>(names, std::move(reactions)));

  RunSettings& r = c->run_;
  InputSection sv = root.section("solver", true);
  r.mode = sv.string(kMode) == "steady" ? RunSettings::Mode::steady : RunSettings::Mode::transient;
  {
    InputSection st = sv.section("steady", true);
    r.steady.rtol = st.real(kRtolS);
    r.steady.max_newton = static_cast<int>(st.integer(kMaxNewton));
    r.steady.force_ptc = st.boolean(kForcePtc);
    r.steady.ptc_max_steps = static_cast<int>(st.integer(kPtcSteps));
    r.steady.verbose = st.boolean(kVerbose);
    st.finish();
  }
  {
    InputSection tr = sv.section("transient", true);
    r.t_end = tr.real(kTend);
    r.outputs = static_cast<int>(tr.integer(kOutputs));
    r.transient.rtol = tr.real(kRtolT);
    r.transient.atol = tr.real(kAtolT);
    r.transient.max_steps = tr.integer(kMaxSteps);
    r.transient.h_max = tr.real(kHmax);
    // unknown keys first: a misspelt t_end is named as such, not as a missing t_end
    tr.finish();
    if (r.mode == RunSettings::Mode::transient && !(r.t_end > 0))
      tr.fail("t_end", "a transient run needs t_end > 0");
  }
  check_drift_resolution(*c->sys_, root, r.mode == RunSettings::Mode::steady);
  if (heat_model && r.mode == RunSettings::Mode::steady && heat_model->fixed_faces == 0)
    root.fail("heat", "a steady run with [heat] needs at least one \"temperature\" or \"robin\" "
                      "face (otherwise the temperature level is undetermined)");
  sv.finish();
  {
    InputSection out = root.section("output", true);
    r.file = output_path(out, kFile, output, ".h5");
    // the files written beside the result: a name among them that cannot be written would
    // fail only at the commit, after the whole solve
    for (const std::string& other : H5Output::companion_files(r.file))
      if (const std::string why = output_conflict(other); !why.empty()) {
        const std::string msg = fmt::format("output {} needs {} beside it, which is not usable: {}",
                                            r.file, other, why);
        if (!output.empty()) throw InputError({"<command line>", 0, "-o"}, msg);
        out.fail(kFile.key, msg);
      }
    r.fields = output_fields(out.strings(kFields));
    r.progress_interval = out.real(kProgress);
    out.finish();
  }
  root.finish();
  c->config_ = root.resolved().to_toml();
  c->data_fingerprint_ = td::data_fingerprint(comm, root.data_files());
  return c;
}

}  // namespace td
