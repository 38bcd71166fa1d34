/// @file SolvationFreeEnergy.cpp  `type = "solvation_free_energy"`: the solvation free energy
/// G(T) of one LJ solute atom in the solvent of a liquid system (the [md.system] source) at
/// several temperatures, by two independent routes (md/FreeEnergy.h,
/// docs/theory.md#equilibrium-soret):
///
/// 1. thermodynamic integration: the solute-solvent epsilon is scaled by lambda = t^4 with
///    LAMMPS fix adapt (`scale yes`, `reset yes`); at each Gauss-Legendre node t the
///    solute-solvent energy (compute group/group) is sampled in blocks, Langevin NVT;
/// 2. Widom insertion: the solute atom is deleted and LAMMPS fix widom inserts test solutes
///    into the pure solvent; its mean Boltzmann factor (fix output 2) is averaged in blocks.
///
/// Both at the (mean NPT or given) volume of the system with N solvent atoms, so both estimate
/// the same canonical mu_ex. dG/dT of each route comes from a weighted straight-line fit.
/// Writes, per temperature, <prefix>T<T>_ti.dat and <prefix>T<T>_widom.dat (and the LAMMPS
/// log and input record), then <prefix>free_energy.dat (G of both routes) and, with two or
/// more temperatures, <prefix>free_energy.toml: a transport-parameter file with dG_dT_widom
/// and dG_dT_ti, which the `soret_models` fit reads for the Eastman model.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/Error.h"
#include "io/ParamFile.h"
#include "io/TextFile.h"
#include "md/FreeEnergy.h"
#include "md/Lammps.h"
#include "md/Setup.h"
#include "md/System.h"
#include "thermodrift/Version.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kTemps{"temperatures",
                       T::RealArray,
                       "",
                       K::temperature,
                       Range::positive(),
                       {},
                       "temperatures of G(T) (distinct; two or more give dG/dT)"};
const ParamSpec kNodes{"ti_nodes",
                       T::Integer,
                       "8",
                       K::dimensionless,
                       Range::closed(2, 40),
                       {},
                       "Gauss-Legendre nodes in t of the coupling integral (lambda = t^4)"};
const ParamSpec kTiEq{"ti_equilibration_steps",
                      T::Integer,
                      "1000",
                      K::dimensionless,
                      Range::closed(0, 1e10),
                      {},
                      "steps at each new lambda before sampling"};
const ParamSpec kTiBlocks{"ti_blocks",
                          T::Integer,
                          "4",
                          K::dimensionless,
                          Range::closed(2, 1e6),
                          {},
                          "sampling blocks per lambda (standard errors)"};
const ParamSpec kTiBlockSteps{"ti_block_steps",
                              T::Integer,
                              "2000",
                              K::dimensionless,
                              Range::closed(1, 1e10),
                              {},
                              "steps per thermodynamic-integration block"};
const ParamSpec kEvery{"sample_every",
                       T::Integer,
                       "10",
                       K::dimensionless,
                       Range::closed(1, 1e9),
                       {},
                       "steps between samples of the solute-solvent energy and between rounds "
                       "of Widom insertions"};
const ParamSpec kInsertions{"widom_insertions",
                            T::Integer,
                            "200",
                            K::dimensionless,
                            Range::closed(1, 1e8),
                            {},
                            "test solutes inserted per round"};
const ParamSpec kWidomEq{"widom_equilibration_steps",
                         T::Integer,
                         "1000",
                         K::dimensionless,
                         Range::closed(0, 1e10),
                         {},
                         "steps after the solute atom is deleted, before the insertions"};
const ParamSpec kWidomBlocks{"widom_blocks",
                             T::Integer,
                             "4",
                             K::dimensionless,
                             Range::closed(2, 1e6),
                             {},
                             "Widom blocks (standard errors)"};
const ParamSpec kWidomBlockSteps{
    "widom_block_steps",    T::Integer, "5000", K::dimensionless, Range::closed(1, 1e10), {},
    "steps per Widom block"};

/// The check that fix adapt scales the pair energy: E(lambda = 1/2) = E(1) / 2 to this
/// relative tolerance (the same configuration; only rounding differs).
constexpr double kScaleCheckTolerance = 1e-9;

/// Seeds past the four streams of MdRun (seed .. seed + 3).
constexpr long kLangevinSeedOffset = 4, kWidomSeedOffset = 5;
static_assert(kWidomSeedOffset <= kMaxStreamOffset && kLangevinSeedOffset <= kMaxStreamOffset,
              "every seed key ends at kMaxSeed, which allows for offsets up to kMaxStreamOffset");

/// Results at one temperature, case units.
struct AtTemperature {
  double T = 0;
  Estimate widom, ti;
  std::vector<double> w;            ///< Widom block means of the Boltzmann factor
  std::vector<CouplingNode> nodes;  ///< coupling windows (energies in case units)
  double seconds_ti = 0, seconds_widom = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class SolvationFreeEnergy : public MdSetup {
 public:
  explicit SolvationFreeEnergy(InputSection& s)
      : src_(make_system_source(s)), case_units_(s.units()), input_(s.location().file) {
    const LammpsUnits& u = src_->units();
    run_.read(s, u);
    temps_ = s.reals(kTemps);
    if (temps_.empty()) s.fail(kTemps.key, "give at least one temperature");
    for (std::size_t i = 0; i < temps_.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (temps_[i] == temps_[j])
          s.fail(kTemps.key, fmt::format("temperature {:g} is given twice", temps_[i]));
    nodes_ = static_cast<int>(s.integer(kNodes));
    ti_eq_ = s.integer(kTiEq);
    ti_blocks_ = s.integer(kTiBlocks);
    ti_block_steps_ = s.integer(kTiBlockSteps);
    every_ = s.integer(kEvery);
    insertions_ = s.integer(kInsertions);
    widom_eq_ = s.integer(kWidomEq);
    widom_blocks_ = s.integer(kWidomBlocks);
    widom_block_steps_ = s.integer(kWidomBlockSteps);
    for (const ParamSpec* k : {&kTiBlockSteps, &kWidomBlockSteps})
      if ((k == &kTiBlockSteps ? ti_block_steps_ : widom_block_steps_) % every_ != 0)
        s.fail(k->key, fmt::format("must be a multiple of sample_every = {}", every_));
    coupling_ = src_->solute_coupling();
    if (coupling_.pair_style != "lj/cut")
      throw InputError(coupling_.pair_key,
                       fmt::format("{}: pair_style '{}': the solute is coupled in by scaling the "
                                   "solute-solvent epsilon of pair_style lj/cut (fix adapt)",
                                   coupling_.pair_origin, coupling_.pair_style));
    if (coupling_.solute_atoms >= 0 && coupling_.solute_atoms != 1)
      throw InputError(coupling_.solute_key,
                       fmt::format("{} solute atoms: the free energy of one solute atom in the "
                                   "solvent is computed; set it to 1",
                                   coupling_.solute_atoms));
  }

  long planned_steps() const override {
    return static_cast<long>(temps_.size()) *
           (run_.steps() + nodes_ * (ti_eq_ + ti_blocks_ * ti_block_steps_) + widom_eq_ +
            widom_blocks_ * widom_block_steps_);
  }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    std::vector<std::string> files;
    for (double Tk : temps_) {
      const std::string p = temperature_prefix(prefix, Tk);
      std::vector<std::string> mine{p + "ti.dat", p + "widom.dat"};
      if (run_.pressure) mine.push_back(p + "npt.dat");
      for (auto& f : with_lammps_records(p, mine)) files.push_back(std::move(f));
    }
    files.push_back(prefix + "free_energy.dat");
    if (temps_.size() >= 2) files.push_back(prefix + "free_energy.toml");
    return files;
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const Quadrature q = gauss_legendre01(nodes_);
    std::vector<std::string> files;
    std::vector<AtTemperature> results;
    for (double Tk : temps_) {
      const std::string p = temperature_prefix(prefix, Tk);
      AtTemperature r = at_temperature(comm, p, Tk, q, size, files);
      write_on_rank0(comm, [&] {
        write_text_file(p + "ti.dat", ti_table(r, q));
        write_text_file(p + "widom.dat", widom_table(r));
      });
      files.push_back(p + "ti.dat");
      files.push_back(p + "widom.dat");
      if (rank == 0) {
        const std::string eu = case_units_.label(units::dim_of(K::energy));
        fmt::print(
            "T = {:g} {}: G (Widom) = {:.6g} +- {:.3g} {} ({:.1f} s), G (TI) = {:.6g} +- {:.3g} {} "
            "({:.1f} s)\n",
            Tk, label(K::temperature), r.widom.value, r.widom.sd, eu, r.seconds_widom, r.ti.value,
            r.ti.sd, eu, r.seconds_ti);
        std::fflush(stdout);
      }
      results.push_back(std::move(r));
    }
    // the table first: G(T) is kept even if the straight-line fit fails
    files.push_back(prefix + "free_energy.dat");
    write_on_rank0(comm, [&] { write_text_file(files.back(), summary_table(results)); });
    if (results.size() >= 2) {
      files.push_back(prefix + "free_energy.toml");
      const ParamSet ps = slopes(results, prefix + "free_energy.dat");
      write_on_rank0(comm, [&] { write_param_file(files.back(), ps); });
      if (rank == 0) {
        for (const auto& par : ps.parameters)
          fmt::print("{} = {:.6g} +- {:.3g} {}\n", par.name, par.value, par.uncertainty,
                     label(K::entropy));
        std::fflush(stdout);
      }
    }
    return files;
  }

 private:
  std::string label(K k) const { return case_units_.label(units::dim_of(k)); }

  /// Both routes at temperature @p Tk (case units) in one LAMMPS instance with prefix @p p.
  AtTemperature at_temperature(MPI_Comm comm, const std::string& p, double Tk, const Quadrature& q,
                               int ranks, std::vector<std::string>& files) {
    const LammpsUnits& u = src_->units();
    Lammps lmp(comm, p, steps());
    lmp.require_styles(required_styles());
    lmp.require_styles({{"fix", "widom"}, {"fix", "adapt"}, {"fix", "ave/time"}});
    MdRun r = run_;
    r.temperature = Tk;
    if (const auto e = r.equilibrate(lmp, *src_, false)) {
      files.push_back(p + "npt.dat");
      write_equilibrated(comm, files.back(), *e, *src_, r);
    }
    lmp.command("variable fe_nsolute equal count(solute)");
    const long n = std::lround(lmp.variable("fe_nsolute"));
    if (n != 1)
      throw InputError(coupling_.solute_key,
                       fmt::format("the system has {} solute atoms (LAMMPS log {}): the free "
                                   "energy of one solute atom is computed; select one",
                                   n, lmp.log_path()));
    const double TL = u.to_lammps(Tk, K::temperature);
    lmp.commands(fmt::format(R"(fix fe_nve all nve
fix fe_lgv all langevin {0} {0} {1} {2}
compute fe_gg solute group/group solvent
)",
                             TL, u.to_lammps(r.damping, K::time), r.seed + kLangevinSeedOffset));
    AtTemperature out;
    out.T = Tk;
    auto t0 = std::chrono::steady_clock::now();
    couple(lmp, q, out);
    out.ti = integrate_coupling(q, out.nodes);
    out.seconds_ti = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    out.w = insert(lmp, TL, r.seed + kWidomSeedOffset, ranks);
    out.widom = widom_free_energy(out.w, case_units_.kB() * Tk);
    out.seconds_widom = seconds_since(t0);
    return out;
  }

  /// The solute-solvent energy on the current configuration at lambda = @p lam (LAMMPS units):
  /// a fresh compute (a compute keeps its value within a timestep), sampled by a fix during
  /// `run 0` while fix adapt has set the coefficients.
  double energy_at(Lammps& lmp, double lam, const std::string& id) {
    lmp.commands(fmt::format(R"(variable fe_lam equal {}
compute {} solute group/group solvent
fix {}_f all ave/time 1 1 1 c_{}
run 0
)",
                             lam, id, id, id));
    const double e = lmp.fix_scalar(id + "_f");
    lmp.commands(fmt::format("unfix {0}_f\nuncompute {0}\n", id));
    return e;
  }

  /// Thermodynamic integration: the windows of the rule @p q, from lambda = 1 down, into
  /// @p out.nodes.
  void couple(Lammps& lmp, const Quadrature& q, AtTemperature& out) {
    const LammpsUnits& u = src_->units();
    std::string adapt = "variable fe_lam equal 1.0\nfix fe_adapt all adapt 0";
    for (int t : coupling_.solvent_types)
      adapt += fmt::format(" pair lj/cut epsilon {} {} v_fe_lam",
                           std::min(t, coupling_.solute_type), std::max(t, coupling_.solute_type));
    lmp.commands(adapt + " scale yes reset yes\n");
    // LAMMPS re-mixes the coefficients of pairs not set by pair_coeff at every re-init, which
    // would undo fix adapt: check on this configuration that the energy scales with lambda
    const double e1 = energy_at(lmp, 1.0, "fe_chk1"), e_half = energy_at(lmp, 0.5, "fe_chk2");
    if (std::abs(e_half - 0.5 * e1) > kScaleCheckTolerance * std::abs(e1))
      throw InputError(coupling_.pair_key,
                       fmt::format("{}: fix adapt did not scale the solute-solvent energy "
                                   "(E(lambda = 1) = {:.10g}, E(1/2) = {:.10g} LAMMPS units): give "
                                   "the solute-solvent pairs explicitly with pair_coeff (LAMMPS "
                                   "re-mixes coefficients it mixed before)",
                                   coupling_.pair_origin, e1, e_half));
    const long per_block = ti_block_steps_ / every_;
    for (int k = static_cast<int>(q.x.size()) - 1; k >= 0; --k) {
      CouplingNode node;
      node.t = q.x[static_cast<std::size_t>(k)];
      lmp.commands(fmt::format(R"(variable fe_lam equal {:.17g}
run {}
reset_timestep 0
fix fe_tiave all ave/time {} {} {} c_fe_gg
)",
                               coupling_lambda(node.t), ti_eq_, every_, per_block,
                               ti_block_steps_));
      for (long b = 0; b < ti_blocks_; ++b) {
        lmp.command(fmt::format("run {}", ti_block_steps_));
        node.U.push_back(u.from_lammps(lmp.fix_scalar("fe_tiave"), K::energy));
      }
      lmp.command("unfix fe_tiave");
      out.nodes.push_back(std::move(node));
    }
    lmp.commands("unfix fe_adapt\nuncompute fe_gg\n");
  }

  /// Widom insertion into the pure solvent at @p TL (LAMMPS units): block means of the
  /// Boltzmann factor.
  std::vector<double> insert(Lammps& lmp, double TL, long seed, int ranks) {
    // fix widom's per-insertion energy without full_energy is summed on the rank that owns
    // the insertion point only; on several ranks the whole-system energy is needed
    const char* full = ranks > 1 ? " full_energy" : "";
    lmp.commands(fmt::format(R"(delete_atoms group solute
run {}
reset_timestep 0
fix fe_widom all widom {} {} {} {} {}{}
fix fe_wave all ave/time {} {} {} f_fe_widom[2]
)",
                             widom_eq_, every_, insertions_, coupling_.solute_type, seed, TL, full,
                             every_, widom_block_steps_ / every_, widom_block_steps_));
    std::vector<double> w;
    for (long b = 0; b < widom_blocks_; ++b) {
      lmp.command(fmt::format("run {}", widom_block_steps_));
      w.push_back(lmp.fix_scalar("fe_wave"));
    }
    lmp.commands("unfix fe_wave\nunfix fe_widom\n");
    return w;
  }

  std::string ti_table(const AtTemperature& r, const Quadrature& q) const {
    std::string t = fmt::format(
        "# thermodynamic integration at T = {:g} {}: solute-solvent epsilon scaled by lambda = "
        "t^{}, {}-node Gauss-Legendre rule in t; {} + {} x {} steps per node (equilibration + "
        "blocks), samples every {}\n# G = sum w dG_dt = {:.10g} +- {:.4g} {}; U in {}, dG_dt = "
        "{} U / t in {}\n# t lambda weight U U_err dG_dt dG_dt_err\n",
        r.T, label(K::temperature), kCouplingExponent, nodes_, ti_eq_, ti_blocks_, ti_block_steps_,
        every_, r.ti.value, r.ti.sd, label(K::energy), label(K::energy), kCouplingExponent,
        label(K::energy));
    for (std::size_t k = 0; k < q.x.size(); ++k)
      for (const auto& n : r.nodes)
        if (n.t == q.x[k]) {
          const Estimate g = n.integrand();
          double mean = 0;
          for (double v : n.U) mean += v / static_cast<double>(n.U.size());
          t += fmt::format("{:.10g} {:.10g} {:.10g} {:.10g} {:.4g} {:.10g} {:.4g}\n", n.t,
                           coupling_lambda(n.t), q.w[k], mean, g.sd * n.t / kCouplingExponent,
                           g.value, g.sd);
        }
    return t;
  }

  std::string widom_table(const AtTemperature& r) const {
    std::string t = fmt::format(
        "# Widom insertion at T = {:g} {}: {} test solutes every {} steps into the pure solvent, "
        "{} blocks of {} steps\n# G = -kB T ln(mean w) = {:.10g} +- {:.4g} {}\n# block w\n",
        r.T, label(K::temperature), insertions_, every_, widom_blocks_, widom_block_steps_,
        r.widom.value, r.widom.sd, label(K::energy));
    for (std::size_t b = 0; b < r.w.size(); ++b) t += fmt::format("{} {:.10g}\n", b, r.w[b]);
    return t;
  }

  std::string summary_table(const std::vector<AtTemperature>& rs) const {
    std::string t = fmt::format(
        "# solvation free energy G(T) of one solute atom (excess chemical potential, canonical "
        "ensemble; docs/theory.md#equilibrium-soret) by Widom insertion and by thermodynamic "
        "integration\n# T in {}, G in {}, errors one standard error; cost in s (wall)\n"
        "# T G_widom G_widom_err G_ti G_ti_err seconds_widom seconds_ti\n",
        label(K::temperature), label(K::energy));
    for (const auto& r : rs)
      t += fmt::format("{:.10g} {:.10g} {:.4g} {:.10g} {:.4g} {:.1f} {:.1f}\n", r.T, r.widom.value,
                       r.widom.sd, r.ti.value, r.ti.sd, r.seconds_widom, r.seconds_ti);
    return t;
  }

  /// dG/dT of both routes as a transport-parameter set (case units).
  ParamSet slopes(const std::vector<AtTemperature>& rs, const std::string& table) const {
    ParamSet ps;
    ps.units = case_units_;
    const std::time_t now = std::time(nullptr);
    char created[32];
    std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    ps.provenance = {{"tool", "thermodrift md (solvation_free_energy)"},
                     {"version", fmt::format("{} ({})", kVersion, git_describe())},
                     {"input", input_},
                     {"created", created},
                     {"data", table}};
    std::vector<double> T, G[2], err[2];
    for (const auto& r : rs) {
      T.push_back(r.T);
      G[0].push_back(r.widom.value);
      err[0].push_back(r.widom.sd);
      G[1].push_back(r.ti.value);
      err[1].push_back(r.ti.sd);
    }
    const char* names[2] = {"dG_dT_widom", "dG_dT_ti"};
    const char* routes[2] = {"Widom insertion", "thermodynamic integration (lambda = t^4)"};
    for (int i = 0; i < 2; ++i) {
      const Estimate s = temperature_slope(T, G[i], err[i]);
      ps.add({names[i], K::entropy, s.value, s.sd, std::nullopt,
              fmt::format("slope of a straight line fitted to G(T) from {} at {} temperatures",
                          routes[i], T.size()),
              table});
    }
    return ps;
  }

  std::shared_ptr<const SystemSource> src_;
  units::UnitSystem case_units_;
  std::string input_;
  MdRun run_;
  SoluteCoupling coupling_;
  std::vector<double> temps_;  ///< case units
  int nodes_ = 8;
  long ti_eq_ = 1000, ti_blocks_ = 4, ti_block_steps_ = 2000, every_ = 10, insertions_ = 200;
  long widom_eq_ = 1000, widom_blocks_ = 4, widom_block_steps_ = 5000;
};

std::unique_ptr<MdSetup> create(InputSection& s) {
  return std::make_unique<SolvationFreeEnergy>(s);
}
MdSetupFactory::Registrar reg(
    "solvation_free_energy",
    "Solvation free energy G(T) of one LJ solute atom in the solvent of a liquid system from "
    "[md.system] (lj_mixture with n_solute = 1, or a data file with pair_style lj/cut and "
    "explicit solute-solvent pair_coeff) at several temperatures by two independent routes: "
    "thermodynamic integration (solute-solvent epsilon scaled by lambda = t^4 with fix adapt, "
    "Gauss-Legendre in t, compute group/group) and Widom insertion of test solutes into the "
    "pure solvent (fix widom). Langevin NVT at each temperature (optional NPT equilibration "
    "first). Writes <prefix>T<T>_ti.dat, <prefix>T<T>_widom.dat, <prefix>free_energy.dat and, "
    "with two or more temperatures, <prefix>free_energy.toml (dG_dT_widom, dG_dT_ti: the "
    "`dG_dT_file` of the soret_models fit).",
    &create,
    key_registry::join({MdRun::keys(),
                        {&kTemps, &kNodes, &kTiEq, &kTiBlocks, &kTiBlockSteps, &kEvery,
                         &kInsertions, &kWidomEq, &kWidomBlocks, &kWidomBlockSteps}}));
}  // namespace

}  // namespace td::md
