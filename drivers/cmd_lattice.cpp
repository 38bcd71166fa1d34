/// @file cmd_lattice.cpp  `thermodrift lattice CASE.toml`: the site-exclusion lattice gas of a
/// lattice file (docs/physics.md#lattice-gas) by canonical KMC at each coverage of a list; prints
/// and writes the tracer and collective (Green-Kubo) diffusion tensors against coverage, with the
/// exact single-particle tensor (theta -> 0). Loops in stochastic/.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "core/Progress.h"
#include "drivers/Command.h"
#include "io/H5Table.h"
#include "stochastic/LatticeGasCase.h"

namespace td {

namespace {

class Lattice : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML case: [units], [lattice_gas]")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "result file (.h5; overrides [output] file; relative to the current directory)");
    set_help(sub, "thermodrift lattice examples/lattice/square_scan.toml -o out/square_scan.h5",
             "docs/stochastic.md", true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    auto c = LatticeGasCase::load(file_, output_);
    Progress progress = this->progress(comm, "lattice");
    const Eigen::Matrix2d D0 = c->lattice.single_particle_diffusion(c->run.T);
    const std::string Du = c->units.label(units::dim_of(units::Kind::diffusivity));
    if (rank == 0)
      std::cout << fmt::format(
          "{}: {} sites per cell, {} x {} cells, T = {:g}\n"
          "single particle (Bloch matrix): D_xx = {:.6g}, D_yy = {:.6g}, D_xy = {:.3g} {}\n"
          "{:>7} {:>12} {:>9} {:>12} {:>9} {:>12} {:>9} {:>12} {:>9}\n",
          c->lattice_file, c->lattice.size(), c->run.cells[0], c->run.cells[1], c->run.T, D0(0, 0),
          D0(1, 1), D0(0, 1), Du, "theta", "Dc_xx", "+-", "Dc_yy", "+-", "D*_xx", "+-", "D*_yy",
          "+-")
                << std::flush;
    const auto t0 = std::chrono::steady_clock::now();
    const LatticeGasScan sc = run_lattice_scan(comm, *c, [&](double theta, const LatticeGasResult& r) {
      if (rank == 0)
        std::cout << fmt::format(
            "{:7.4f} {:12.5g} {:9.2g} {:12.5g} {:9.2g} {:12.5g} {:9.2g} {:12.5g} {:9.2g}\n", theta,
            r.collective(0, 0), r.collective_sem(0, 0), r.collective(1, 1), r.collective_sem(1, 1),
            r.tracer(0, 0), r.tracer_sem(0, 0), r.tracer(1, 1), r.tracer_sem(1, 1))
                  << std::flush;
    }, &progress);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double all = 0;
    for (double e : sc.events) all += e;
    if (rank != 0) return 0;
    std::cout << fmt::format("{:.4g} events in {:.3g} s ({:.3g} events/s)\n", all, secs,
                             all / secs);
    H5Table h5(c->output, c->config, c->units.name());
    for (const auto& [name, value] : units::unit_attributes(c->units)) h5.attribute(name, value);
    const auto n = static_cast<unsigned long long>(c->coverages.size());
    h5.write("coverage", c->coverages, {n}, "1");
    h5.write("particles", sc.particles, {n}, "1");
    h5.write("chi", sc.chi, {n}, "1");
    h5.write("events", sc.events, {n}, "1");
    h5.write("tracer", sc.tracer, {n, 2, 2}, Du);
    h5.write("tracer_sem", sc.tracer_sem, {n, 2, 2}, Du);
    h5.write("collective", sc.collective, {n, 2, 2}, Du);
    h5.write("collective_sem", sc.collective_sem, {n, 2, 2}, Du);
    std::vector<double> d0;
    append_row_major(d0, D0);
    h5.write("single_particle", d0, {2, 2}, Du);
    h5.attribute("temperature", c->run.T);
    h5.commit();
    if (rank == 0) std::cout << "wrote " << c->output << std::endl;
    return 0;
  }

 private:
  std::string file_, output_;
};

std::unique_ptr<Command> create() { return std::make_unique<Lattice>(); }
CommandFactory::Registrar reg("lattice",
                              "lattice gas: tracer and collective diffusion tensors vs coverage",
                              &create);

}  // namespace

}  // namespace td
