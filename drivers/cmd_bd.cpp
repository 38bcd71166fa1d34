/// @file cmd_bd.cpp  `thermodrift bd CASE.toml`: overdamped Brownian particles in D(T(x))
/// (docs/theory.md#stochastic). Prints the steady histogram; writes histograms per state and the
/// mean position to HDF5. Physics in models/brownian_K.h, loops in stochastic/.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

#include "core/Progress.h"
#include "drivers/Command.h"
#include "io/H5Table.h"
#include "stochastic/Brownian.h"

namespace td {

namespace {

class Bd : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML case: [units], [mesh], [temperature], [particle], [bd]")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "result file (.h5; overrides [output] file; relative to the current directory)");
    set_help(sub, "thermodrift bd examples/bd/ito_periodic.toml -o out/ito_periodic.h5",
             "docs/stochastic.md", true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    auto c = BrownianCase::load(comm, file_, output_);
    // Claim the output before the run: a second run on it is refused now, not after hours.
    std::optional<H5Table> h5;
    if (rank == 0) h5.emplace(c->output, c->config, c->units.name());
    const auto t0 = std::chrono::steady_clock::now();
    Progress progress = this->progress(comm, "bd");
    const BrownianStatistics st = run_brownian(comm, *c, &progress);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rank != 0) return 0;
    const std::string L = c->units.label(units::dim_of(units::Kind::length));
    const std::vector<double> p0 = zero_flux_density(*c);
    std::cout << fmt::format("{} walkers, {} steps in {:.3g} s ({:.3g} steps/s)\n", c->walkers,
                             st.steps, secs, st.steps / secs);
    // with one state: the zero-flux prediction p ~ D^-alpha and the deviation in errors
    std::cout << fmt::format("{:>12} {:>12} {:>12}{}\n", "x", "p(x)", "+-",
                             p0.empty() ? "" : fmt::format(" {:>12} {:>8}", "D^-alpha", "dev/se"));
    double worst = 0.0;  // largest deviation in standard errors
    for (std::size_t b = 0; b < st.total.size(); ++b) {
      std::string pred;
      if (!p0.empty()) {
        const double z = (st.total[b] - p0[b]) / st.total_sem[b];
        worst = std::max(worst, std::fabs(z));
        pred = fmt::format(" {:12.6g} {:8.2f}", p0[b], z);
      }
      std::cout << fmt::format("{:12.6g} {:12.6g} {:12.3g}{}\n",
                               0.5 * (st.edges[b] + st.edges[b + 1]), st.total[b], st.total_sem[b],
                               pred);
    }
    if (!p0.empty())
      std::cout << fmt::format("largest |p - D^-alpha| over the bins: {:.2f} standard errors\n",
                               worst);
    std::cout.flush();
    {
      for (const auto& [name, value] : units::unit_attributes(c->units)) h5->attribute(name, value);
      const auto nb = static_cast<unsigned long long>(st.total.size());
      const auto ns = static_cast<unsigned long long>(st.density.size());
      std::vector<double> d, e;
      for (std::size_t s = 0; s < st.density.size(); ++s) {
        d.insert(d.end(), st.density[s].begin(), st.density[s].end());
        e.insert(e.end(), st.density_sem[s].begin(), st.density_sem[s].end());
      }
      h5->write("edges", st.edges, {nb + 1}, L);
      h5->write("density", st.total, {nb}, "1/" + L);
      h5->write("density_sem", st.total_sem, {nb}, "1/" + L);
      if (!p0.empty()) h5->write("zero_flux_density", p0, {nb}, "1/" + L);
      h5->write("state_density", d, {ns, nb}, "1/" + L);
      h5->write("state_density_sem", e, {ns, nb}, "1/" + L);
      const auto nt = static_cast<unsigned long long>(st.time.size());
      h5->write("time", st.time, {nt}, c->units.label(units::dim_of(units::Kind::time)));
      h5->write("mean_position", st.mean_x, {nt}, L);
      h5->write("mean_position_sem", st.mean_x_sem, {nt}, L);
      h5->commit();
    }
    std::cout << "wrote " << c->output << std::endl;
    return 0;
  }

 private:
  std::string file_, output_;
};

std::unique_ptr<Command> create() { return std::make_unique<Bd>(); }
CommandFactory::Registrar reg("bd", "Brownian dynamics in a temperature field (Ito / anti-Ito)",
                              &create);

}  // namespace

}  // namespace td
