/// @file cmd_lattice.cpp  `thermodrift lattice CASE.toml`: the collective diffusion tensor of the
/// site-exclusion lattice gas of a lattice file (docs/theory.md#lattice-gas) at each coverage of
/// a list, by the variational bound, by canonical KMC (with the tracer tensor) or both side by
/// side, with the exact single-particle tensor (theta -> 0); prints a table or JSON (--json) and
/// writes HDF5. Physics in models/, loops in stochastic/.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/Progress.h"
#include "drivers/Command.h"
#include "io/H5Table.h"
#include "stochastic/LatticeGasCase.h"

namespace td {

namespace {

using Json = nlohmann::ordered_json;

/// The 2x2 tensor at coverage @p i of a row-major scan array, as nested JSON arrays.
Json tensor(const std::vector<double>& v, std::size_t i) {
  return Json::array(
      {Json::array({v[4 * i], v[4 * i + 1]}), Json::array({v[4 * i + 2], v[4 * i + 3]})});
}

/// Entry (@p r, @p c) of the tensor at coverage @p i of a row-major scan array.
double entry(const std::vector<double>& v, std::size_t i, int r, int c) {
  return v[4 * i + 2 * r + c];
}

/// The components printed and compared: xx, yy, xy as (row, column).
constexpr std::array<std::array<int, 2>, 3> kComponents{{{0, 0}, {1, 1}, {0, 1}}};
constexpr std::array<const char*, 3> kComponentNames{"xx", "yy", "xy"};

class Lattice : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML case: [units], [lattice_gas]")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "result file (.h5; overrides [output] file; relative to the current directory)");
    sub.add_option("--method", method_, "variational, kmc or both (overrides [lattice_gas] method)")
        ->check(CLI::IsMember(lattice_method_names()));
    sub.add_flag("--json", json_, "print the tensors per coverage and method as JSON (stdout)");
    set_help(sub, "thermodrift lattice examples/lattice/square_scan.toml -o out/square_scan.h5",
             "docs/stochastic.md", true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    auto c = LatticeGasCase::load(file_, output_, method_);
    // Claim the output before the run: a second run on it is refused now, not after hours.
    std::optional<H5Table> h5;
    if (rank == 0) h5.emplace(c->output, c->config, c->units.name());
    const bool text = rank == 0 && !json_;
    Progress progress = this->progress(comm, "lattice", json_);
    const Eigen::Matrix2d D0 = c->lattice.single_particle_diffusion(c->run.T);
    const std::string Du = c->units.label(units::dim_of(units::Kind::diffusivity));
    const bool var = c->runs_variational(), kmc = c->runs_kmc();
    const auto t_var = std::chrono::steady_clock::now();
    const LatticeVariationalScan vs = var ? run_lattice_variational(*c) : LatticeVariationalScan{};
    const double var_secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_var).count();
    if (text) std::cout << header(*c, D0, Du, var, kmc) << std::flush;
    const auto t0 = std::chrono::steady_clock::now();
    LatticeGasScan sc;
    if (kmc) {
      std::size_t i = 0;
      sc = run_lattice_scan(
          comm, *c,
          [&](double theta, const LatticeGasResult& r) {
            if (text) std::cout << row(theta, vs, i, r, var) << std::flush;
            ++i;
          },
          &progress);
    } else if (text) {
      for (std::size_t i = 0; i < c->coverages.size(); ++i)
        std::cout << fmt::format("{:7.4f} {:12.5g} {:12.5g} {:12.3g}\n", c->coverages[i],
                                 entry(vs.collective, i, 0, 0), entry(vs.collective, i, 1, 1),
                                 entry(vs.collective, i, 0, 1));
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double all = 0;
    for (double e : sc.events) all += e;
    if (rank != 0) return 0;
    if (text) {
      if (var)
        std::cout << fmt::format("variational: {} coverages in {:.3g} s\n", c->coverages.size(),
                                 var_secs);
      if (kmc)
        std::cout << fmt::format("KMC: {:.4g} events in {:.3g} s ({:.3g} events/s)\n", all, secs,
                                 all / secs);
    }
    write(*h5, *c, D0, Du, vs, sc);
    if (json_)
      std::cout << summary(*c, D0, Du, vs, sc).dump(2) << "\n";
    else
      std::cout << "wrote " << c->output << std::endl;
    return 0;
  }

 private:
  static std::string header(const LatticeGasCase& c, const Eigen::Matrix2d& D0,
                            const std::string& Du, bool var, bool kmc) {
    std::string h = fmt::format(
        "{}: {} sites per cell, {} x {} cells, T = {:g}\n"
        "single particle (Bloch matrix): D_xx = {:.6g}, D_yy = {:.6g}, D_xy = {:.3g} {}\n",
        c.lattice_file, c.lattice.size(), c.run.cells[0], c.run.cells[1], c.run.T, D0(0, 0),
        D0(1, 1), D0(0, 1), Du);
    if (!kmc)
      return h + fmt::format(
                     "collective D_c by the variational bound ({})\n{:>7} {:>12} {:>12} "
                     "{:>12}\n",
                     Du, "theta", "Dc_xx", "Dc_yy", "Dc_xy");
    if (!var)
      return h + fmt::format(
                     "collective D_c (KMC Green-Kubo / canonical factor) and tracer D* ({})\n"
                     "{:>7} {:>12} {:>9} {:>12} {:>9} {:>12} {:>9} {:>12} {:>9} {:>12} {:>9}\n",
                     Du, "theta", "Dc_xx", "+-", "Dc_yy", "+-", "Dc_xy", "+-", "D*_xx", "+-",
                     "D*_yy", "+-");
    return h +
           fmt::format(
               "collective D_c ({}): variational bound (var), KMC Green-Kubo / canonical "
               "factor (kmc), ratio var/kmc\n{:>7}",
               Du, "theta") +
           fmt::format(" {:>12} {:>12} {:>9} {:>7}", "var_xx", "kmc_xx", "+-", "ratio") +
           fmt::format(" {:>12} {:>12} {:>9} {:>7}", "var_yy", "kmc_yy", "+-", "ratio") +
           fmt::format(" {:>12} {:>12} {:>9}\n", "var_xy", "kmc_xy", "+-");
  }

  /// One table row of coverage @p i: the KMC result @p r (canonical bias removed) beside the
  /// variational bound when @p var.
  static std::string row(double theta, const LatticeVariationalScan& vs, std::size_t i,
                         const LatticeGasResult& r, bool var) {
    const double f = r.canonical_factor;
    std::string s = fmt::format("{:7.4f}", theta);
    for (std::size_t k = 0; k < kComponents.size(); ++k) {
      const auto [a, b] = kComponents[k];
      const double d = r.collective(a, b) / f, e = r.collective_sem(a, b) / f;
      if (!var) {
        s += fmt::format(" {:12.5g} {:9.2g}", d, e);
        continue;
      }
      const double v = entry(vs.collective, i, a, b);
      s += fmt::format(" {:12.5g} {:12.5g} {:9.2g}", v, d, e);
      if (a == b) s += fmt::format(" {:7.4f}", v / d);
    }
    if (!var)
      s += fmt::format(" {:12.5g} {:9.2g} {:12.5g} {:9.2g}", r.tracer(0, 0), r.tracer_sem(0, 0),
                       r.tracer(1, 1), r.tracer_sem(1, 1));
    return s + "\n";
  }

  static Json summary(const LatticeGasCase& c, const Eigen::Matrix2d& D0, const std::string& Du,
                      const LatticeVariationalScan& vs, const LatticeGasScan& sc) {
    Json out;
    out["lattice_file"] = c.lattice_file;
    out["temperature"] = c.run.T;
    out["units"] = {{"system", c.units.name()}, {"diffusivity", Du}};
    out["method"] = lattice_method_names()[static_cast<std::size_t>(c.method)];
    out["single_particle"] =
        Json::array({Json::array({D0(0, 0), D0(0, 1)}), Json::array({D0(1, 0), D0(1, 1)})});
    Json rows = Json::array();
    for (std::size_t i = 0; i < c.coverages.size(); ++i) {
      Json r;
      r["theta"] = c.coverages[i];
      if (c.runs_variational())
        r["variational"] = {{"collective", tensor(vs.collective, i)}, {"chi", vs.chi[i]}};
      if (c.runs_kmc()) {
        const double f = sc.canonical_factor[i];
        std::vector<double> dc, dc_sem;
        for (int k = 0; k < 4; ++k) {
          dc.push_back(sc.collective[4 * i + k] / f);
          dc_sem.push_back(sc.collective_sem[4 * i + k] / f);
        }
        r["kmc"] = {{"collective", tensor(dc, 0)},
                    {"collective_sem", tensor(dc_sem, 0)},
                    {"green_kubo", tensor(sc.collective, i)},
                    {"green_kubo_sem", tensor(sc.collective_sem, i)},
                    {"canonical_factor", f},
                    {"tracer", tensor(sc.tracer, i)},
                    {"tracer_sem", tensor(sc.tracer_sem, i)},
                    {"chi", sc.chi[i]},
                    {"particles", sc.particles[i]},
                    {"events", sc.events[i]}};
        if (c.runs_variational()) {
          Json ratio;
          for (int k = 0; k < 2; ++k) {
            const auto [a, b] = kComponents[k];
            ratio[kComponentNames[k]] = entry(vs.collective, i, a, b) / entry(dc, 0, a, b);
          }
          r["ratio_variational_kmc"] = ratio;
        }
      }
      rows.push_back(r);
    }
    out["coverages"] = rows;
    out["output"] = c.output;
    return out;
  }

  static void write(H5Table& h5, const LatticeGasCase& c, const Eigen::Matrix2d& D0,
                    const std::string& Du, const LatticeVariationalScan& vs,
                    const LatticeGasScan& sc) {
    for (const auto& [name, value] : units::unit_attributes(c.units)) h5.attribute(name, value);
    const auto n = static_cast<unsigned long long>(c.coverages.size());
    h5.write("coverage", c.coverages, {n}, "1");
    if (c.runs_kmc()) {
      h5.write("particles", sc.particles, {n}, "1");
      h5.write("chi", sc.chi, {n}, "1");
      h5.write("events", sc.events, {n}, "1");
      h5.write("canonical_factor", sc.canonical_factor, {n}, "1");
      h5.write("tracer", sc.tracer, {n, 2, 2}, Du);
      h5.write("tracer_sem", sc.tracer_sem, {n, 2, 2}, Du);
      h5.write("collective", sc.collective, {n, 2, 2}, Du);
      h5.write("collective_sem", sc.collective_sem, {n, 2, 2}, Du);
    }
    if (c.runs_variational()) {
      h5.write("variational_collective", vs.collective, {n, 2, 2}, Du);
      h5.write("variational_chi", vs.chi, {n}, "1");
    }
    std::vector<double> d0;
    append_row_major(d0, D0);
    h5.write("single_particle", d0, {2, 2}, Du);
    h5.attribute("temperature", c.run.T);
    h5.commit();
  }

  std::string file_, output_, method_;
  bool json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Lattice>(); }
CommandFactory::Registrar reg("lattice",
                              "lattice gas: collective diffusion tensor vs coverage by the "
                              "variational bound and KMC",
                              &create);

}  // namespace

}  // namespace td
