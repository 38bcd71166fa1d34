/// @file AdatomTi.cpp  `type = "adatom_ti"` constrained-adatom
/// thermodynamic integration on the LJ FCC(111) slab of md/LjSlab.h. The adatom's x is held
/// at each x0 of a row of windows in the first gradient region by `fix setforce 0.0 NULL
/// NULL` with v_x = 0 (a holonomic constraint: x is exactly x0, y and z move freely), so F_x
/// is the full substrate force at x0 with no spring bias and no spring constant to choose.
/// Per sample: F_x and E_p from `compute group/group adatom substrate`, E_k = (3/2) x the
/// adatom's y-z kinetic energy (equipartition restores the constrained x degree of freedom).
/// T(x0) and dT/dx come from a straight-line fit of the substrate profile recorded during
/// the scan, over the gradient region minus `fit_margin` at each thermostat edge.
///
/// Writes <prefix>temp.chunk (substrate profile, one block per window) and <prefix>phi.dat
/// ("# x0 T dT_dx Fx Ep Ek dphi_dx dphi_dx_err phi phi_err", the `adatom_phi` fit's input;
/// header comments give T_ref, gradient and x_ref of the fitted profile).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <tuple>

#include "core/Error.h"
#include "io/TextFile.h"
#include "md/Lammps.h"
#include "md/LjSlab.h"
#include "io/Readers.h"
#include "md/Setup.h"
#include "md/ThermoIntegration.h"
#include "fit/LeastSquares.h"

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

class AdatomTi : public MdSetup {
 public:
  explicit AdatomTi(InputSection& s) {
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

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const std::string tfile = prefix + "temp.chunk", pfile = prefix + "phi.dat";
    Lammps lmp(comm, prefix, steps());
    lmp.require_styles(required_styles());
    lmp.commands(slab_.commands(x_first_,
                                "velocity adatom set 0.0 NULL NULL\n"
                                "fix ti_con adatom setforce 0.0 NULL NULL\n"));
    lmp.commands(
        fmt::format(R"(set group adatom x {}
compute ti_gg adatom group/group substrate
compute ti_ke adatom ke/atom
compute ti_ker adatom reduce sum c_ti_ke
run {}
reset_timestep 0
{})",
                    x_first_, slab_.equilibration_steps,
                    slab_.profile_commands(bin_, every_, window_eq_ + window_steps_,
                                            tfile + ".partial")));
    const long per_block = window_steps_ / (blocks_ * every_);
    std::vector<TiWindow> windows(static_cast<std::size_t>(windows_));
    for (long i = 0; i < windows_; ++i) {
      TiWindow& w = windows[static_cast<std::size_t>(i)];
      w.x0 = x_first_ + length_ * static_cast<double>(i) / static_cast<double>(windows_ - 1);
      lmp.command(fmt::format("set group adatom x {}", w.x0));
      lmp.command(fmt::format("run {}", window_eq_));
      for (long b = 0; b < blocks_; ++b) {
        double F = 0, Ep = 0, Ek = 0;
        for (long k = 0; k < per_block; ++k) {
          lmp.command(fmt::format("run {} pre no post no", every_));
          F += lmp.compute_vector("ti_gg", 0);
          Ep += lmp.compute_scalar("ti_gg");
          Ek += 1.5 * lmp.compute_scalar("ti_ker");
        }
        const double n = static_cast<double>(per_block);
        w.Fx.push_back(F / n);
        w.Ep.push_back(Ep / n);
        w.Ek.push_back(Ek / n);
      }
    }
    lmp.command("unfix slab_prof");
    MPI_Barrier(comm);
    const auto [T_ref, G, x_ref, fit_note] = fit_profile(tfile + ".partial");
    const auto phi = integrate_phi(windows, T_ref, G, x_ref);
    if (rank == 0) write_phi(pfile, phi, T_ref, G, x_ref, fit_note);
    commit_outputs(comm, {tfile});
    return {tfile, pfile};
  }

 private:
  /// Linear T(x) over the gradient region minus the margins: T_ref (at x_ref, the mean bin
  /// position), G and a description.
  std::tuple<double, double, double, std::string> fit_profile(const std::string& tfile) const {
    const Table prof = average_blocks(read_ave_chunk(tfile), 0, tfile);
    const auto x = prof.col("Coord1"), Tx = prof.col("temp");
    fit::Data d;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] >= slab_.gradient_lo() + margin_ && x[i] <= slab_.gradient_hi() - margin_) {
        d.x.push_back(x[i]);
        d.y.push_back(Tx[i]);
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

  void write_phi(const std::string& path, const std::vector<PhiPoint>& phi, double T_ref, double G,
                 double x_ref, const std::string& fit_note) const {
    const std::string tmp = path + ".partial";
    {
      std::ofstream out(tmp);
      out << fmt::format(
          "# constrained-adatom thermodynamic integration on LJ FCC(111) "
          "(docs/theory.md#adatom), LJ reduced units\n# {} windows: {} + {} steps "
          "(equilibration + sampling, {} blocks), timestep {}, T_hot = {}, T_cold = {}, seed {}\n"
          "# {}\n# adatom_phi keys: T_ref = "
          "{:.8g}, gradient = {:.8g}, x_ref = {:.8g}, lattice_spacing = {:.8g}\n# "
          "lattice_spacing: distance of the fcc and hcp sites along x, a/sqrt(2)/2\n",
          windows_, window_eq_, window_steps_, blocks_, slab_.timestep, slab_.T_hot, slab_.T_cold,
          slab_.seed, fit_note, T_ref, G, x_ref, slab_.spacing() / 2);
      out << "# x0 T dT_dx Fx Ep Ek dphi_dx dphi_dx_err phi phi_err\n";
      for (const auto& p : phi)
        out << fmt::format(
            "{:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.8g} {:.6g} {:.8g} {:.6g}\n", p.x0, p.T,
            p.dT_dx, p.Fx, p.Ep, p.Ek, p.dphi, p.dphi_err, p.phi, p.phi_err);
      if (!out.flush()) throw IoError(fmt::format("{}: write failed", tmp));
    }
    commit_partial(path);
  }

  LjSlab slab_;
  double length_ = 3.3, x_first_ = 0.0, bin_ = 2.0, margin_ = 2.0;
  long windows_ = 31, window_eq_ = 2000, window_steps_ = 10000, every_ = 10, blocks_ = 5;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<AdatomTi>(s); }
MdSetupFactory::Registrar reg(
    "adatom_ti",
    "Constrained-adatom thermodynamic integration on the slab of `adatom_slab`: the adatom's x "
    "is held at each x0 of a row of windows in the first gradient region (y and z free), F_x, "
    "E_p and E_k are sampled, and T(x0), dT/dx come from a straight-line fit of the substrate "
    "profile. Writes <prefix>temp.chunk and <prefix>phi.dat (x0, T, forces, energies and "
    "Phi(x0) with errors: the input of the `adatom_phi` fit).",
    &create,
    key_registry::join({LjSlab::keys(),
                        {&kCenter, &kLength, &kWindows, &kWindowEq, &kWindowSteps, &kEvery,
                         &kBlocks, &LjSlab::bin_spec(), &kMargin}}));
}  // namespace

}  // namespace td::md
