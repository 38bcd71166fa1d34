#include "stochastic/LatticeGasCase.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/KeyRegistry.h"
#include "core/Limits.h"
#include "core/Paths.h"
#include "core/UnitsInput.h"
#include "models/LatticeGasVariational.h"
#include "stochastic/RunKeys.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kFile{"lattice_file",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "lattice file ([lattice] table; relative to this file)"};
const ParamSpec kTemp{"temperature",
                      T::Real,
                      "",
                      K::temperature,
                      Range::positive(),
                      {},
                      "temperature of the rates nu exp(-(E_AB - E_A)/(kB T))"};
const ParamSpec kCov{"coverages",
                     T::RealArray,
                     "",
                     K::dimensionless,
                     {0.0, 1.0, true, true},
                     {},
                     "coverages theta (particles per site), one canonical run each"};
const ParamSpec kCells{"cells",
                       T::RealArray,
                       "[16, 16]",
                       K::dimensionless,
                       Range::at_least(1),
                       {},
                       "supercell size in lattice cells along a and b"};
const ParamSpec kReplicas{"replicas",
                          T::Integer,
                          "16",
                          K::dimensionless,
                          Range::closed(2, 1e6),
                          {},
                          "independent replicas per coverage (errors from their spread)"};
const ParamSpec kBlocks{"blocks",
                        T::Integer,
                        "10",
                        K::dimensionless,
                        Range::closed(1, 1e6),
                        {},
                        "Green-Kubo blocks of length t_end/blocks (>> the slowest hop time)"};
const std::vector<std::string> kMethods{"variational", "kmc", "both"};
const ParamSpec kMethod{"method",
                        T::String,
                        "\"both\"",
                        K::dimensionless,
                        Range::any(),
                        kMethods,
                        "collective diffusion by the variational bound, the KMC or both "
                        "(command line: --method)"};
const KeyDeclaration kLatticeGasKeys(
    {"lattice_gas",
     "",
     "lattice",
     "A lattice gas on the periodic lattice of `lattice_file`: one canonical KMC run (exact "
     "composition-rejection over particles or holes) per coverage on a La x Lb supercell, "
     "`replicas` independent replicas each. Tracer D* = <d d>/(2 tau) and collective "
     "D_c = <dX dX>/(2 tau)/(N_cells chi) as averages over blocks of length "
     "tau = t_end/blocks, errors from the spread over replicas. `method` adds (or runs "
     "instead) the variational upper bound on D_c. The run keys are shared with "
     "`[kmc]` and `[bd]`; the KMC keys are read but unused with `method = \"variational\"`.",
     {&kFile, &kTemp, &kCov, &kMethod, &kCells, &kReplicas, &run_keys::seed, &run_keys::t_burn,
      &run_keys::t_end, &kBlocks}});

/// Memory per unit cell and per site of a lattice-gas run (bytes, rough upper estimates).
constexpr double kBytesPerCell = 64.0;
constexpr double kBytesPerSite = 256.0;

LatticeMethod method_of(const std::string& name) {
  for (std::size_t i = 0; i < kMethods.size(); ++i)
    if (kMethods[i] == name) return static_cast<LatticeMethod>(i);
  throw InternalError(fmt::format("lattice method '{}' is not declared", name));
}

std::unique_ptr<LatticeGasCase> build(InputSection root, const std::string& output,
                                      const std::string& method) {
  auto c = std::make_unique<LatticeGasCase>();
  c->units = read_units(root);
  InputSection s = root.section("lattice_gas");
  std::string path = s.string(kFile);
  path = input_path(s, path);
  c->lattice_file = path;
  LatticeGasOptions& o = c->run;
  o.T = s.real(kTemp);
  c->coverages = s.reals(kCov);
  if (c->coverages.empty()) s.fail(kCov.key, "at least one coverage is needed");
  std::string m = s.string(kMethod);
  if (!method.empty()) {
    if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end())
      throw Error(fmt::format("--method '{}': accepted values are variational, kmc, both", method));
    m = method;
    s.resolved_node().set(kMethod.key, fmt::format("\"{}\"", m),
                          "set on the command line (--method)");
  }
  c->method = method_of(m);
  const auto cells = s.reals(kCells);
  if (cells.size() != 2 || cells[0] != std::floor(cells[0]) || cells[1] != std::floor(cells[1]) ||
      cells[0] < 1 || cells[1] < 1)
    s.fail("cells", "two whole numbers >= 1 [along a, along b]");
  // Per cell and site: occupation, rate tree entries and neighbour lists (about 64 bytes).
  limits::check_memory(s.location("cells"), cells[0] * cells[1], kBytesPerCell, "lattice cells");
  o.cells = {static_cast<int>(cells[0]), static_cast<int>(cells[1])};
  o.replicas = s.integer(kReplicas);
  o.seed = static_cast<std::uint64_t>(s.integer(run_keys::seed));
  o.t_burn = s.real(run_keys::t_burn);
  o.t_end = s.real(run_keys::t_end);
  o.blocks = static_cast<int>(s.integer(kBlocks));
  c->output = read_output_file(root, output);
  s.finish();
  root.finish();
  c->config = root.resolved().to_toml();

  if (!std::filesystem::exists(path))
    s.fail("lattice_file", fmt::format("lattice file '{}' does not exist", path));
  InputSection lroot = InputSection::parse_file(path);
  lroot.set_units(c->units);
  InputSection ls = lroot.section("lattice");
  c->lattice = read_lattice(ls, c->units.kB(), o.T);
  lroot.finish();
  c->config += fmt::format("\n# lattice file {}\n", path) + lroot.resolved().to_toml();

  const double sites = static_cast<double>(o.cells[0]) * o.cells[1] * c->lattice.size();
  limits::check_memory(s.location("cells"), sites, kBytesPerSite, "lattice sites");
  if (sites > std::numeric_limits<int>::max())
    s.fail("cells", fmt::format("{:g} sites exceed the 32-bit site index", sites));
  // Events of one run are at most the sites times the hop rates of one site's bonds (both
  // directions) times the simulated time; refuse runs that cannot finish.
  double rate_sum = 0.0;
  for (int b = 0; b < static_cast<int>(c->lattice.bonds.size()); ++b) {
    const double r = c->lattice.rate(b, o.T);
    if (!(std::isfinite(r) && r >= 0))
      ls.fail("bonds", fmt::format("bond {} has hop rate {:g} at T = {:g}; rates must be finite "
                                   "and >= 0",
                                   b, r, o.T));
    rate_sum += 2.0 * r;
  }
  const double events = static_cast<double>(o.cells[0]) * o.cells[1] * rate_sum *
                        (o.t_burn + o.t_end) * static_cast<double>(o.replicas) *
                        static_cast<double>(c->coverages.size());
  if (!c->runs_kmc()) return c;
  // A Green-Kubo block shorter than the fastest hop's mean time sees no hop: the diffusion
  // coefficients would be 0/0 or inf. (The estimate wants blocks far longer than the slowest.)
  double fastest = 0.0;
  for (int b = 0; b < static_cast<int>(c->lattice.bonds.size()); ++b)
    fastest = std::max(fastest, c->lattice.rate(b, o.T));
  const double block = o.t_end / o.blocks;
  if (!(block * fastest >= 1.0))
    s.fail("t_end", fmt::format("blocks of t_end/blocks = {:g} are shorter than the mean time "
                                "of the fastest hop, {:g}: no block would see a hop; make "
                                "t_end at least {:g}",
                                block, fastest > 0 ? 1.0 / fastest : INFINITY,
                                fastest > 0 ? o.blocks / fastest : INFINITY));
  limits::check_steps(s.location("t_end"), events,
                      "cells x hop rates x (t_burn + t_end) x replicas x coverages",
                      limits::kMaxWork);
  for (double th : c->coverages) {
    const long n = std::lround(th * sites);
    if (n < 1 || n >= static_cast<long>(sites))
      s.fail("coverages", fmt::format("coverage {:g} gives {} particles on {:g} sites; need at "
                                      "least one particle and one hole (enlarge cells)",
                                      th, n, sites));
  }
  return c;
}

}  // namespace

std::unique_ptr<LatticeGasCase> LatticeGasCase::load(const std::string& path,
                                                     const std::string& output,
                                                     const std::string& method) {
  return build(InputSection::parse_file(path), output, method);
}

std::unique_ptr<LatticeGasCase> LatticeGasCase::from_string(const std::string& text,
                                                            const std::string& name) {
  return build(InputSection::parse_string(text, name), "", "");
}

const std::vector<std::string>& lattice_method_names() { return kMethods; }

void append_row_major(std::vector<double>& out, const Eigen::Matrix2d& m) {
  out.insert(out.end(), {m(0, 0), m(0, 1), m(1, 0), m(1, 1)});
}

LatticeGasScan run_lattice_scan(
    MPI_Comm comm, const LatticeGasCase& c,
    const std::function<void(double theta, const LatticeGasResult&)>& each, Progress* progress) {
  LatticeGasScan s;
  const double n_cov = static_cast<double>(c.coverages.size());
  for (std::size_t i = 0; i < c.coverages.size(); ++i) {
    const double theta = c.coverages[i];
    if (progress) progress->part(static_cast<double>(i) / n_cov, static_cast<double>(i + 1) / n_cov);
    LatticeGasOptions o = c.run;
    o.theta = theta;
    const LatticeGasResult r = run_lattice_gas(comm, c.lattice, o, progress);
    append_row_major(s.tracer, r.tracer);
    append_row_major(s.tracer_sem, r.tracer_sem);
    append_row_major(s.collective, r.collective);
    append_row_major(s.collective_sem, r.collective_sem);
    s.chi.push_back(r.chi);
    s.particles.push_back(static_cast<double>(r.particles));
    s.events.push_back(static_cast<double>(r.events));
    s.canonical_factor.push_back(r.canonical_factor);
    if (each) each(theta, r);
  }
  return s;
}

LatticeVariationalScan run_lattice_variational(const LatticeGasCase& c) {
  LatticeVariationalScan s;
  for (double theta : c.coverages) {
    const VariationalDiffusion v =
        variational_collective_diffusion_details(c.lattice, theta, c.run.T);
    append_row_major(s.collective, v.D);
    s.chi.push_back(v.chi);
  }
  return s;
}

}  // namespace td
