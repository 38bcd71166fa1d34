/// @file AdatomTi.cpp  `type = "adatom_ti"` constrained-adatom and `type = "cluster_ti"`
/// constrained-cluster thermodynamic integration on the slab of md/LjSlab.h (the built-in LJ
/// FCC(111) slab or a user's data file, [md.system]) (docs/theory.md#adatom). At each x0 of a row
/// of windows in the first gradient region:
///  - adatom_ti: the adatom's x is held at x0 by `fix setforce 0.0 NULL NULL` with v_x = 0 (a
///    holonomic constraint: x is exactly x0, y and z move freely), so F_x is the full
///    substrate force at x0 with no spring bias and no spring constant to choose;
///  - cluster_ti: the x of the centre of mass X of a cluster of N atoms is held at x0 by the
///    holonomic constraint's own force, F_i,x -= (m_i/M) sum_j F_j,x (`fix addforce` with an
///    atom-style variable of the group's total force fcm()), and its x momentum is kept zero
///    (`fix momentum ... linear 1 0 0`, removing round-off drift); the internal motion and y,
///    z are free. A `fix spring` tether was not used: it would smear X over a window and bias
///    <F_x> by the spring constant chosen. For N = 1 the added force is exactly -F_x (1 * F / 1)
///    and the trajectory is bit-for-bit the adatom_ti one (tested).
/// Per sample: F_x (total substrate force on the cluster), E_p (cluster-substrate energy) and
/// each atom's substrate force from `compute group/group`, E_cc (cluster internal energy) from
/// group/group over the atom pairs, the virial W = sum_i (x_i - X) F_i,x of the substrate forces
/// about X, and E_k = 3N/(3N-1) x the cluster's kinetic energy (equipartition restores the
/// constrained degree of freedom: 3/2 x the y-z energy for the adatom). T(x0) and dT/dx come
/// from a straight-line fit of the substrate profile recorded during the scan, over the gradient
/// region minus `fit_margin` at each thermostat edge; md/ThermoIntegration.h has the integrand.
///
/// Writes <prefix>temp.chunk (substrate profile, one block per window) and <prefix>phi.dat
/// ("# x0 T dT_dx Fx Ep Ek Ecc W dphi_dx dphi_dx_err phi phi_err", the `adatom_phi` fit's
/// input; header comments give T_ref, gradient and x_ref of the fitted profile and the largest
/// |X - x0| seen).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <tuple>

#include "core/Error.h"
#include "core/Fault.h"
#include "fit/LeastSquares.h"
#include "io/Readers.h"
#include "md/Lammps.h"
#include "md/LjSlab.h"
#include "md/Setup.h"
#include "md/ThermoIntegration.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kCenter = LjSlab::fraction_spec("scan_center", "centre of the x0 scan");
const ParamSpec kLength{"scan_length",
                        T::Real,
                        "3.3",
                        K::length,
                        Range::positive(),
                        {},
                        "length of the x0 scan (adsorption sites are a/sqrt(2)/2 = 0.55 apart "
                        "along x at the default density)"};
const ParamSpec kWindows{"windows",
                         T::Integer,
                         "31",
                         K::dimensionless,
                         Range::closed(2, 10000),
                         {},
                         "constraint positions x0, equally spaced over the scan"};
const ParamSpec kWindowEq{"window_equilibration_steps",
                          T::Integer,
                          "2000",
                          K::dimensionless,
                          Range::closed(0, 1e10),
                          {},
                          "steps after moving the adatom to x0 before sampling"};
const ParamSpec kWindowSteps{"window_steps",
                             T::Integer,
                             "10000",
                             K::dimensionless,
                             Range::closed(2, 1e10),
                             {},
                             "sampled steps per window"};
const ParamSpec kEvery{"sample_every",
                       T::Integer,
                       "10",
                       K::dimensionless,
                       Range::closed(1, 1e9),
                       {},
                       "steps between samples of F_x, E_p, E_k and of the profile"};
const ParamSpec kBlocks{"blocks",
                        T::Integer,
                        "5",
                        K::dimensionless,
                        Range::closed(2, 1000),
                        {},
                        "blocks per window for the standard errors"};
const ParamSpec kMargin{"fit_margin",
                        T::Real,
                        "2.0",
                        K::length,
                        Range::non_negative(),
                        {},
                        "bins closer than this to a thermostat edge are left out of the linear "
                        "T(x) fit"};

/// How x0 is imposed.
enum class Constraint {
  atom,  ///< the adatom's own x (fix setforce)
  com    ///< the cluster's centre of mass (fix addforce of the constraint force)
};

class ConstrainedTi : public MdSetup {
 public:
  ConstrainedTi(InputSection& s, Constraint c) : constraint_(c) {
    slab_.read(s);
    const double center = slab_.region_x(s.real(kCenter), false);
    length_ = s.real(kLength);
    windows_ = s.integer(kWindows);
    const double lo = slab_.gradient_lo(), hi = slab_.gradient_hi();
    x_first_ = center - 0.5 * length_;
    if (x_first_ < lo || x_first_ + length_ > hi)
      s.fail("scan_length",
             fmt::format("the scan [{:.4g}, {:.4g}] leaves the gradient region [{:.4g}, {:.4g}]: "
                         "shorten it or move scan_center",
                         x_first_, x_first_ + length_, lo, hi));
    window_eq_ = s.integer(kWindowEq);
    window_steps_ = s.integer(kWindowSteps);
    every_ = s.integer(kEvery);
    blocks_ = s.integer(kBlocks);
    if (window_steps_ % (blocks_ * every_) != 0)
      s.fail("window_steps",
             fmt::format("must be a multiple of blocks * sample_every = {}", blocks_ * every_));
    if ((window_eq_ + window_steps_) % every_ != 0)
      s.fail("window_equilibration_steps",
             fmt::format("window_equilibration_steps + window_steps must be a multiple of "
                         "sample_every = {}",
                         every_));
    bin_ = slab_.read_bin(s);
    margin_ = s.real(kMargin);
    if (hi - lo - 2 * margin_ < 3 * bin_)
      s.fail("fit_margin",
             fmt::format("the T(x) fit needs >= 3 bins: gradient region {:.4g} - 2 fit_margin "
                         "must be >= 3 bin_width = {:.4g}",
                         hi - lo, 3 * bin_));
  }

  long planned_steps() const override {
    return slab_.equilibration_steps + windows_ * (window_eq_ + window_steps_);
  }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    return with_lammps_records(prefix, {prefix + "temp.chunk", prefix + "phi.dat"});
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    const std::string tfile = prefix + "temp.chunk", pfile = prefix + "phi.dat";
    ClaimedOutputs claims(comm, {tfile, pfile});
    Lammps lmp(comm, prefix, steps());
    lmp.require_styles(required_styles());
    lmp.require_styles({{"fix", "addforce"}, {"command", "displace_atoms"}});
    const std::string hold = constraint_ == Constraint::atom
                                 ? "fix ti_con adatom setforce 0.0 NULL NULL\n"
                                 : "variable ti_fcon atom -mass*fcm(adatom,x)/mass(adatom)\n"
                                   "fix ti_con adatom addforce v_ti_fcon 0.0 0.0\n"
                                   "fix ti_mom adatom momentum 1 linear 1 0 0\n";
    lmp.commands(slab_.commands("velocity adatom set 0.0 NULL NULL\n" + hold));
    n_ = slab_.cluster_atoms(lmp);
    if (constraint_ == Constraint::atom && n_ != 1)
      throw Error(
          fmt::format("adatom_ti holds one atom; the system's solute group has {}: use "
                      "cluster_ti for a cluster",
                      n_));
    lmp.commands(cluster_computes(lmp));
    slab_.move_cluster(lmp, x_first_, false);
    lmp.commands(fmt::format(
        R"(run {}
reset_timestep 0
{})",
        slab_.equilibration_steps,
        slab_.profile_commands(bin_, every_, window_eq_ + window_steps_, tfile + ".partial")));
    const long per_block = window_steps_ / (blocks_ * every_);
    const double dof_factor = 3.0 * n_ / (3.0 * n_ - 1.0);
    std::vector<TiWindow> windows(static_cast<std::size_t>(windows_));
    double com_dev = 0;
    for (long i = 0; i < windows_; ++i) {
      TiWindow& w = windows[static_cast<std::size_t>(i)];
      w.x0 = x_first_ + length_ * static_cast<double>(i) / static_cast<double>(windows_ - 1);
      slab_.move_cluster(lmp, w.x0, false);
      lmp.command(fmt::format("run {}", window_eq_));
      for (long b = 0; b < blocks_; ++b) {
        Sample sum;
        for (long k = 0; k < per_block; ++k) {
          lmp.command(fmt::format("run {} pre no post no", every_));
          const Sample s = sample(lmp);
          sum.F += s.F;
          sum.Ep += s.Ep;
          sum.Ek += dof_factor * s.Ek;
          sum.Ecc += s.Ecc;
          sum.W += s.W;
          com_dev = std::max(com_dev, std::abs(x_case(lmp.variable("slab_X")) - w.x0));
        }
        const double m = static_cast<double>(per_block);
        w.Fx.push_back(sum.F / m);
        w.Ep.push_back(sum.Ep / m);
        w.Ek.push_back(sum.Ek / m);
        w.Ecc.push_back(sum.Ecc / m);
        w.W.push_back(sum.W / m);
      }
    }
    lmp.command("unfix slab_prof");
    MPI_Barrier(comm);
    const auto [T_ref, G, x_ref, fit_note] = fit_profile(tfile + ".partial");
    const auto phi = integrate_phi(windows, T_ref, G, x_ref);
    // on rank 0, but every rank throws if it fails: the others would wait in the commit
    write_on_rank0(comm, [&] { write_phi(pfile, phi, T_ref, G, x_ref, fit_note, com_dev); });
    claims.commit();
    return {tfile, pfile};
  }

 private:
  /// One sample of the cluster's observables (LJ units).
  struct Sample {
    double F = 0, Ep = 0, Ek = 0, Ecc = 0, W = 0;
  };

  /// Groups ti_c<i>, one per cluster atom (found in id order: the smallest id of the atoms
  /// not yet taken), the computes of the substrate force on each, of the cluster's energy with
  /// the substrate, of each internal pair, of its kinetic energy, and variables of each atom's
  /// unwrapped x.
  std::string cluster_computes(Lammps& lmp) const {
    lmp.commands("compute ti_id adatom property/atom id\ngroup ti_rest union adatom\n");
    std::string c =
        "compute ti_gg adatom group/group substrate\n"
        "compute ti_ke adatom ke/atom\n"
        "compute ti_ker adatom reduce sum c_ti_ke\n";
    for (long i = 0; i < n_; ++i) {
      // a new compute per atom: LAMMPS caches a compute's value within a timestep
      lmp.command(fmt::format("compute ti_idmin{} ti_rest reduce min c_ti_id", i));
      const long id = std::lround(lmp.compute_scalar(fmt::format("ti_idmin{}", i)));
      lmp.commands(
          fmt::format("group ti_c{0} id {1}\ngroup ti_rest subtract ti_rest ti_c{0}\n"
                      "uncompute ti_idmin{0}\n",
                      i, id));
      c += fmt::format(
          "compute ti_gg{0} ti_c{0} group/group substrate\nvariable ti_x{0} equal "
          "xcm(ti_c{0},x)\n",
          i);
      for (long j = 0; j < i; ++j)
        c += fmt::format("compute ti_cc{0}_{1} ti_c{0} group/group ti_c{1}\n", i, j);
    }
    return c + "uncompute ti_id\n";
  }

  /// One sample, converted from the source's LAMMPS units into the case's (LJ).
  Sample sample(const Lammps& lmp) const {
    const auto E = [&](double v) { return slab_.from_lammps(v, K::energy); };
    Sample s;
    s.Ep = E(lmp.compute_scalar("ti_gg"));
    s.Ek = E(lmp.compute_scalar("ti_ker"));
    const double X = lmp.variable("slab_X");
    for (long i = 0; i < n_; ++i) {
      const double Fi = lmp.compute_vector(fmt::format("ti_gg{}", i), 0);
      s.F += slab_.from_lammps(Fi, K::force);
      s.W += E((lmp.variable(fmt::format("ti_x{}", i)) - X) * Fi);
      for (long j = 0; j < i; ++j) s.Ecc += E(lmp.compute_scalar(fmt::format("ti_cc{}_{}", i, j)));
    }
    return s;
  }

  double x_case(double x_lammps) const { return slab_.from_lammps(x_lammps, K::length); }

  /// Linear T(x) over the gradient region minus the margins: T_ref (at x_ref, the mean bin
  /// position), G and a description.
  std::tuple<double, double, double, std::string> fit_profile(const std::string& tfile) const {
    const Table prof = average_blocks(read_ave_chunk(tfile), 0, tfile);
    const auto x = prof.col("Coord1"), Tx = prof.col("temp");
    fit::Data d;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double xi = x_case(x[i]);
      if (xi >= slab_.gradient_lo() + margin_ && xi <= slab_.gradient_hi() - margin_) {
        d.x.push_back(xi);
        d.y.push_back(slab_.from_lammps(Tx[i], K::temperature));
      }
    }
    if (d.size() < 3)
      throw Error(fmt::format("{}: only {} bins inside the T(x) fit range", tfile, d.size()));
    double x_ref = 0;
    for (double v : d.x) x_ref += v;
    x_ref /= static_cast<double>(d.size());
    for (double& v : d.x) v -= x_ref;
    const fit::FitResult r = fit::fit_line(d, "adatom_ti T(x)");
    return {r.p[0], r.p[1], x_ref,
            fmt::format("T(x) = T_ref + gradient (x - x_ref), {} bins in [{:.4g}, {:.4g}]: "
                        "T_ref = {:.6g} +- {:.2g}, gradient = {:.6g} +- {:.2g}, x_ref = {:.6g}",
                        d.size(), slab_.gradient_lo() + margin_, slab_.gradient_hi() - margin_,
                        r.p[0], r.se(0), r.p[1], r.se(1), x_ref)};
  }

  /// Write the integrated phi(x0) and its header to `<path>.partial` (claimed by run(), which
  /// commits it with the profile).
  void write_phi(const std::string& path, const std::vector<PhiPoint>& phi, double T_ref, double G,
                 double x_ref, const std::string& fit_note, double com_dev) const {
    const std::string tmp = path + ".partial";
    {
      std::ofstream out(tmp);
      out << fmt::format(
          "# constrained-{} thermodynamic integration on a slab "
          "(docs/theory.md#adatom), LJ reduced units\n# {} atom(s), largest |X_com - x0| over "
          "the samples: {:.3g}\n# {} windows: {} + {} steps "
          "(equilibration + sampling, {} blocks), timestep {}, T_hot = {}, T_cold = {}, seed {}\n"
          "# {}\n# adatom_phi keys: T_ref = "
          "{:.8g}, gradient = {:.8g}, x_ref = {:.8g}, lattice_spacing = {:.8g}\n# "
          "lattice_spacing: distance of the fcc and hcp sites along x, half the site period "
          "(0: the system source does not know it; give it to the fit)\n",
          constraint_ == Constraint::atom ? "adatom" : "cluster (centre of mass)", n_, com_dev,
          windows_, window_eq_, window_steps_, blocks_, slab_.timestep, slab_.T_hot, slab_.T_cold,
          slab_.seed, fit_note, T_ref, G, x_ref, slab_.spacing() / 2);
      out << units_line(slab_.source->units().case_units().name())
          << "# x0 T dT_dx Fx Ep Ek Ecc W dphi_dx dphi_dx_err phi phi_err\n";
      for (const auto& p : phi)
        out << fmt::format(
            "{:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.6g} {:.8g} "
            "{:.6g}\n",
            p.x0, p.T, p.dT_dx, p.Fx, p.Ep, p.Ek, p.Ecc, p.W, p.dphi, p.dphi_err, p.phi, p.phi_err);
      fault_point("md_result_write", MPI_COMM_SELF);
      if (!out.flush()) throw IoError(fmt::format("{}: write failed", tmp));
    }
  }

  Constraint constraint_;
  LjSlab slab_;
  double length_ = 3.3, x_first_ = 0.0, bin_ = 2.0, margin_ = 2.0;
  long n_ = 1;  ///< atoms of the cluster (read from LAMMPS)
  long windows_ = 31, window_eq_ = 2000, window_steps_ = 10000, every_ = 10, blocks_ = 5;
};

std::vector<const ParamSpec*> scan_keys() {
  return {&kCenter, &kLength, &kWindows,           &kWindowEq, &kWindowSteps,
          &kEvery,  &kBlocks, &LjSlab::bin_spec(), &kMargin};
}

MdSetupFactory::Registrar reg_adatom(
    "adatom_ti",
    "Constrained-adatom thermodynamic integration on the slab of `adatom_slab`: the adatom's x "
    "is held at each x0 of a row of windows in the first gradient region (y and z free), F_x, "
    "E_p and E_k are sampled, and T(x0), dT/dx come from a straight-line fit of the substrate "
    "profile. Writes <prefix>temp.chunk and <prefix>phi.dat (x0, T, forces, energies and "
    "Phi(x0) with errors: the input of the `adatom_phi` fit).",
    [](InputSection& s) -> std::unique_ptr<MdSetup> {
      return std::make_unique<ConstrainedTi>(s, Constraint::atom);
    },
    key_registry::join({LjSlab::keys(), scan_keys()}));
MdSetupFactory::Registrar reg_cluster(
    "cluster_ti",
    "Constrained-cluster thermodynamic integration: as `adatom_ti` for a cluster (the "
    "system's solute group: `cluster_size` of `lj_slab`, or atom types or molecule ids of a "
    "data file) whose centre of mass X is held at each x0 (the holonomic "
    "constraint's force m_i/M sum_j F_j,x taken off each atom; internal motion, y and z free). "
    "The integrand adds the cluster's internal energy E_cc and the virial W = sum_i (x_i - X) "
    "F_i,x of the substrate forces (docs/theory.md#adatom); N = 1 is the adatom. Writes "
    "<prefix>temp.chunk and <prefix>phi.dat (columns as `adatom_ti`, with Ecc and W).",
    [](InputSection& s) -> std::unique_ptr<MdSetup> {
      return std::make_unique<ConstrainedTi>(s, Constraint::com);
    },
    key_registry::join({LjSlab::keys(), scan_keys()}));
}  // namespace

}  // namespace td::md
