/// @file cmd_kmc.cpp  `thermodrift kmc CASE.toml`: independent adatoms hopping in T(x) by
/// rejection-free KMC (docs/theory.md#adatom, #stochastic). Prints the mean drift velocity with
/// its error and the drift law at the start; writes mean position, MSD, histogram, trajectories and
/// the integrated drift laws to HDF5. Physics in models/, loops in stochastic/.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/Progress.h"
#include "core/Error.h"
#include "drivers/Command.h"
#include "fv/FokkerPlanck.h"
#include "io/H5Table.h"
#include "stochastic/AdatomCase.h"

namespace td {

namespace {

class Kmc : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML case: [units], [lattice], [temperature], [adatom], [kmc]")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "result file (.h5; overrides [output] file; relative to the current directory)");
    sub.add_flag("--json", json_, "print the summary as JSON");
    set_help(sub, "thermodrift kmc examples/kmc/adatom_gradient.toml -o out/adatom_gradient.h5",
             "docs/stochastic.md", true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    auto c = AdatomCase::load(comm, file_, output_);
    // Claim the output before the run: a second run on it is refused now, not after hours.
    std::optional<H5Table> h5;
    if (rank == 0) h5.emplace(c->output, c->config, c->units.name());
    const auto t0 = std::chrono::steady_clock::now();
    Progress progress = this->progress(comm, "kmc", json_);
    const WalkerStatistics st = run_walkers(comm, c->lattice, c->walkers, &progress);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int dim = c->lattice.dim;
    const int last = static_cast<int>(st.time.size()) - 1;
    const double tend = st.time[last];
    const double x0 = st.mean[0][0];
    const double v = (st.mean[last][0] - x0) / tend, v_err = st.sem[last][0] / tend;
    // Drift laws and the FV Fokker-Planck transient need the analytic landscape (Q, E_m).
    const bool analytic = c->rates->analytic() != nullptr;
    std::vector<double> law, particle, fp;
    if (analytic) {
      law = drift_law_trajectory(*c, x0, st.time, false);
      particle = drift_law_trajectory(*c, x0, st.time, true);
    }
    double fp_dev = 0.0;  // largest |KMC - FP| in standard errors of the KMC mean
    if (analytic && c->fokker_planck && !c->walkers.uniform_start && !c->lattice.periodic[0] &&
        !(dim > 1 && c->lattice.periodic[1])) {
      const int s0 = c->walkers.start_site;
      const std::array<int, 3> start{s0 % c->lattice.n[0], s0 / c->lattice.n[0], 0};
      std::vector<std::array<double, 2>> means;
      try {
        means = fokker_planck_mean(*c->mesh, c->T, *c->rates->analytic(), start, st.time);
      } catch (const SolverError& e) {
        // the comparison is optional: say which input asked for it and how to do without
        throw SolverError(fmt::format(
            "{}: the finite-volume Fokker-Planck comparison ([kmc] fokker_planck = true) failed: "
            "{}; set fokker_planck = false to run the KMC alone",
            file_, e.what()));
      }
      for (const auto& m : means) fp.push_back(m[0]);
      for (std::size_t k = 1; k < fp.size(); ++k)
        if (st.sem[k][0] > 0)
          fp_dev = std::max(fp_dev, std::fabs(st.mean[k][0] - fp[k]) / st.sem[k][0]);
    }
    const std::string L = c->units.label(units::dim_of(units::Kind::length));
    const std::string tu = c->units.label(units::dim_of(units::Kind::time));

    nlohmann::ordered_json out;
    out["walkers"] = st.walkers;
    out["hops"] = st.hops;
    out["seconds"] = secs;
    out["hops_per_second"] = st.hops / secs;
    out["t_end"] = tend;
    out["mean_x_end"] = st.mean[last][0];
    out["mean_x_end_sem"] = st.sem[last][0];
    out["drift_velocity"] = v;
    out["drift_velocity_sem"] = v_err;
    if (analytic) {
      out["law_x_end"] = law.back();
      out["particle_law_x_end"] = particle.back();
    }
    if (!fp.empty()) {
      out["fokker_planck_x_end"] = fp.back();
      out["max_kmc_fokker_planck_deviation_sem"] = fp_dev;
    }
    out["msd_end"] = st.msd[last];
    out["msd_end_sem"] = st.msd_sem[last];
    if (rank == 0) {
      if (json_) {
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << fmt::format(
            "{} walkers, {} hops in {:.3g} s ({:.3g} hops/s)\n"
            "mean x(t_end = {:g} {}) = {:.6g} +- {:.2g} {}; drift velocity {:.6g} +- {:.2g} {}/{}\n"
            "MSD(t_end) = {:.6g} +- {:.2g} {}^2\n",
            st.walkers, st.hops, secs, st.hops / secs, tend, tu, st.mean[last][0], st.sem[last][0],
            L, v, v_err, L, tu, st.msd[last], st.msd_sem[last], L);
        if (analytic)
          std::cout << fmt::format(
              "drift law x(t_end) = {:.6g} (flux drift V), {:.6g} (V + dD/dx, particle)\n",
              law.back(), particle.back());
        if (!fp.empty())
          std::cout << fmt::format(
              "Fokker-Planck (finite volume) x(t_end) = {:.6g} {}; largest |KMC - FP| over the "
              "samples = {:.2f} standard errors\n",
              fp.back(), L, fp_dev);
      }
      write(*h5, *c, st, law, particle, fp, dim, L, tu);
      if (!json_) std::cout << "wrote " << c->output << std::endl;
    }
    return 0;
  }

 private:
  static void write(H5Table& h5, const AdatomCase& c, const WalkerStatistics& st,
                    const std::vector<double>& law, const std::vector<double>& particle,
                    const std::vector<double>& fp, int dim, const std::string& L,
                    const std::string& tu) {
    for (const auto& [name, value] : units::unit_attributes(c.units)) h5.attribute(name, value);
    const auto ns = static_cast<unsigned long long>(st.time.size());
    const auto ud = static_cast<unsigned long long>(dim);
    std::vector<double> mean, sem, sites;
    for (std::size_t k = 0; k < st.time.size(); ++k)
      for (int a = 0; a < dim; ++a) {
        mean.push_back(st.mean[k][a]);
        sem.push_back(st.sem[k][a]);
      }
    for (int s = 0; s < c.lattice.sites(); ++s)
      for (int a = 0; a < dim; ++a) sites.push_back(c.lattice.position(s)[a]);
    h5.write("time", st.time, {ns}, tu);
    h5.write("mean_position", mean, {ns, ud}, L);
    h5.write("mean_position_sem", sem, {ns, ud}, L);
    h5.write("msd", st.msd, {ns}, L + "^2");
    h5.write("msd_sem", st.msd_sem, {ns}, L + "^2");
    if (!law.empty()) {
      h5.write("drift_law_x", law, {ns}, L);
      h5.write("particle_law_x", particle, {ns}, L);
    }
    if (!fp.empty()) h5.write("fokker_planck_x", fp, {ns}, L);
    h5.write("sites", sites, {static_cast<unsigned long long>(c.lattice.sites()), ud}, L);
    h5.write("histogram_end", st.histogram, {static_cast<unsigned long long>(st.histogram.size())},
             "walkers");
    const auto nt = st.trajectories.size() / (ns * ud);
    h5.write("trajectories", st.trajectories, {nt, ns, ud}, L);
    h5.attribute("walkers", static_cast<double>(st.walkers));
    h5.commit();
  }

  std::string file_, output_;
  bool json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Kmc>(); }
CommandFactory::Registrar reg("kmc", "adatom thermomigration by kinetic Monte Carlo", &create);

}  // namespace

}  // namespace td
