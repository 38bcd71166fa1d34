/// @file CuColumnSetup.cpp  `type = "cu_column"`: the EAM Cu column of md/CuColumn.h between
/// a hot substrate and a cold wall (Yang et al. 2026, docs/theory.md#surface-flux). Runs an
/// anneal at uniform temperature (the wall relaxing onto the column), then the gradient
/// (Langevin at T_hot on the substrate's mobile layers, at T_cold on the wall's), and writes,
/// in the units named in each header:
/// - <prefix>backstress.dat: the back stress, the z force on the wall's fixed layers (fix
///   setforce f_ID[3], the force before it is zeroed) over the column cross-section pi R^2,
///   compressive positive, MPa, against time since the gradient was switched on, ps;
/// - <prefix>temperature.dat: the temperature profile along z of the mobile atoms, K vs nm
///   (averaged over the production blocks of <prefix>temp.chunk, LAMMPS's fix ave/chunk
///   output in Angstrom);
/// - <prefix>interface_density.dat: the areal density of Cu atoms in the interfacial layer
///   under the wall against the distance from the column axis, atoms/nm^2 vs nm (from
///   <prefix>interface.chunk).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/Error.h"
#include "io/Readers.h"
#include "io/TextFile.h"
#include "md/CuColumn.h"
#include "md/Lammps.h"
#include "md/Setup.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kRelax{"relax_wall",
                       T::Bool,
                       "true",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "during the anneal the wall's fixed layers move as one rigid body "
                       "along z until the mean load on them vanishes (removes the thermal "
                       "expansion preload of a column built at the 0 K lattice constant)"};
const ParamSpec kAnnealSteps{"anneal_steps",
                             T::Integer,
                             "1000000",
                             K::dimensionless,
                             Range::closed(0, 1e10),
                             {},
                             "steps of the anneal at anneal_temperature"};
const ParamSpec kGradSteps{"gradient_steps",
                           T::Integer,
                           "1000000",
                           K::dimensionless,
                           Range::closed(0, 1e10),
                           {},
                           "steps with the gradient before the profiles and the back-stress "
                           "statistics are taken (the back-stress series covers them too)"};
const ParamSpec kSteps{"production_steps",      T::Integer, "4000000",           K::dimensionless,
                       Range::closed(10, 1e11), {},         "steps of recording"};
const ParamSpec kEvery{
    "sample_every",         T::Integer, "10", K::dimensionless, Range::closed(1, 1e9), {},
    "steps between samples"};
const ParamSpec kStressEvery{"stress_every",
                             T::Integer,
                             "1000",
                             K::dimensionless,
                             Range::closed(1, 1e9),
                             {},
                             "steps per back-stress row (mean of the samples in them)"};
const ParamSpec kBlocks{"blocks",
                        T::Integer,
                        "10",
                        K::dimensionless,
                        Range::closed(2, 1e6),
                        {},
                        "production blocks: profile blocks written, and the blocks of the "
                        "back-stress error (standard error of the block means)"};
const ParamSpec kBin{"bin_width",
                     T::Real,
                     "\"0.5 nm\"",
                     K::length,
                     Range::positive(),
                     {},
                     "bin width of the temperature profile along z"};
const ParamSpec kRadialBin{"radial_bin",
                           T::Real,
                           "\"0.2 nm\"",
                           K::length,
                           Range::positive(),
                           {},
                           "radial bin width of the interfacial density"};
const ParamSpec kDepth{"interface_depth",
                       T::Real,
                       "\"0.3 nm\"",
                       K::length,
                       Range::positive(),
                       {},
                       "the interfacial layer: Cu atoms at most this far below the wall's "
                       "bottom layer (0.3 nm: the column's top (001) layer, a/2 below it, and "
                       "atoms inserted above it)"};

/// Pa per (eV/Angstrom)/Angstrom^2.
constexpr double kEvPerA3 = units::kElementaryCharge / 1e-30;
constexpr double kMPa = 1e6;
constexpr double kNm = 10.0;  // Angstrom per nm

/// Mean and standard error of @p x split into @p blocks equal blocks (the rest dropped).
std::pair<double, double> block_mean(const std::vector<double>& x, long blocks) {
  const std::size_t n = x.size() / static_cast<std::size_t>(blocks);
  std::vector<double> m(static_cast<std::size_t>(blocks), 0.0);
  for (std::size_t b = 0; b < m.size(); ++b) {
    for (std::size_t i = 0; i < n; ++i) m[b] += x[b * n + i];
    m[b] /= static_cast<double>(n);
  }
  double mean = 0, var = 0;
  for (double v : m) mean += v;
  mean /= static_cast<double>(m.size());
  for (double v : m) var += (v - mean) * (v - mean);
  var /= static_cast<double>(m.size() - 1);
  return {mean, std::sqrt(var / static_cast<double>(m.size()))};
}

class CuColumnSetup : public MdSetup {
 public:
  explicit CuColumnSetup(InputSection& s) : units_("metal", s.units()) {
    col_.read(s, units_);
    relax_ = s.boolean(kRelax);
    anneal_ = s.integer(kAnnealSteps);
    gradient_ = s.integer(kGradSteps);
    steps_ = s.integer(kSteps);
    every_ = s.integer(kEvery);
    stress_every_ = s.integer(kStressEvery);
    blocks_ = s.integer(kBlocks);
    if (stress_every_ % every_ != 0)
      s.fail(kStressEvery.key, fmt::format("must be a multiple of sample_every = {}", every_));
    if (steps_ % (blocks_ * stress_every_) != 0 || gradient_ % stress_every_ != 0)
      s.fail(kSteps.key, fmt::format("must be a multiple of blocks * stress_every = {} (and "
                                     "gradient_steps of stress_every = {})",
                                     blocks_ * stress_every_, stress_every_));
    // fix ave/chunk writes at multiples of its period counted from the gradient's step 0 and
    // skips a block whose samples would start before it was defined: the production must
    // start on a block boundary to be covered by exactly `blocks` blocks
    if (gradient_ % (steps_ / blocks_) != 0)
      s.fail(kGradSteps.key, fmt::format("must be a multiple of production_steps / blocks = {} "
                                         "(the profile blocks start on such a step)",
                                         steps_ / blocks_));
    const auto len = [&](const ParamSpec& p) { return units_.to_lammps(s.real(p), K::length); };
    bin_ = len(kBin);
    radial_bin_ = len(kRadialBin);
    depth_ = len(kDepth);
    if (bin_ < col_.layer() || bin_ > col_.z_layer(col_.column_layers) / 2)
      s.fail(kBin.key, fmt::format("{:g} Angstrom is outside [a/2, height/2] = [{:g}, {:g}] "
                                   "Angstrom",
                                   bin_, col_.layer(), col_.z_layer(col_.column_layers) / 2));
    if (radial_bin_ > col_.radius() / 2)
      s.fail(kRadialBin.key,
             fmt::format("{:g} Angstrom exceeds half the column radius", radial_bin_));
    if (depth_ < col_.layer() / 2 || depth_ > 2 * col_.lattice)
      s.fail(kDepth.key, fmt::format("{:g} Angstrom is outside [a/4, 2 a] = [{:g}, {:g}] Angstrom",
                                     depth_, col_.layer() / 2, 2 * col_.lattice));
  }

  long planned_steps() const override { return anneal_ + gradient_ + steps_; }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    return with_lammps_records(prefix, {prefix + "backstress.dat", prefix + "temperature.dat",
                                        prefix + "interface_density.dat", prefix + "backstress.raw",
                                        prefix + "temp.chunk", prefix + "interface.chunk"});
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    const std::string raw = prefix + "backstress.raw", tchunk = prefix + "temp.chunk",
                      ichunk = prefix + "interface.chunk";
    ClaimedOutputs claims(comm, {raw, tchunk, ichunk});
    {
      Lammps lmp(comm, prefix, steps());
      StyleList styles = required_styles();
      styles.insert(styles.end(), {{"pair", "hybrid/overlay"},
                                   {"pair", col_.eam_style},
                                   {"pair", "mie/cut"},
                                   {"fix", "aveforce"},
                                   {"fix", "ave/time"},
                                   {"compute", "temp/region"}});
      lmp.require_styles(styles);
      lmp.commands(col_.system_commands(col_.T_anneal));
      if (anneal_ > 0) {
        lmp.commands(col_.anneal_commands(col_.T_anneal, relax_));
        run_in_segments(lmp, anneal_);
        lmp.commands(col_.end_anneal_commands(relax_));
      }
      lmp.commands(recording_commands(raw + ".partial"));
      run_in_segments(lmp, gradient_);
      lmp.commands(profile_commands(tchunk + ".partial", ichunk + ".partial"));
      run_in_segments(lmp, steps_);
      lmp.commands("unfix col_bs\nunfix col_tprof\nunfix col_iprof\n");
    }
    claims.commit();
    const std::vector<std::string> files{prefix + "backstress.dat", prefix + "temperature.dat",
                                         prefix + "interface_density.dat"};
    write_on_rank0(comm, [&] { summarise(raw, tchunk, ichunk, files); });
    return {files[0], files[1], files[2], raw, tchunk, ichunk};
  }

 private:
  /// Run @p n steps in about 20 `run` commands (whole stress_every rows), so that the
  /// progress is reported while a long run goes on.
  void run_in_segments(Lammps& lmp, long n) {
    constexpr long kSegments = 20;
    const long seg = std::max(stress_every_, (n / kSegments) / stress_every_ * stress_every_);
    for (long done = 0; done < n;) {
      const long k = std::min(seg, n - done);
      lmp.command(fmt::format("run {} post no", k));
      done += k;
    }
  }

  /// The gradient thermostats and the back-stress series (from step 0 of the gradient).
  std::string recording_commands(const std::string& raw) const {
    // sigma = F_z / (pi R^2) in MPa; F_z in eV/Angstrom, the area in Angstrom^2
    const double to_mpa = kEvPerA3 / kMPa / col_.area();
    return fmt::format(R"(reset_timestep 0
{thermostats}variable col_sigma equal f_wall_hold[3]*{c}
variable col_fsub equal f_sub_hold[3]
fix col_bs all ave/time {every} {nrep} {nfreq} v_col_sigma f_wall_hold[3] v_col_fsub file {raw} title1 "# back stress: z force on the fixed wall layers over pi R^2 = {area:.6g} Angstrom^2 (compressive positive); mean of each {nfreq}-step row; time step {dt} ps" title2 "# step sigma_MPa Fz_wall_eV_per_Angstrom Fz_substrate_eV_per_Angstrom"
)",
                       fmt::arg("thermostats", col_.gradient_commands()), fmt::arg("c", to_mpa),
                       fmt::arg("every", every_), fmt::arg("nrep", stress_every_ / every_),
                       fmt::arg("nfreq", stress_every_), fmt::arg("raw", raw),
                       fmt::arg("area", col_.area()), fmt::arg("dt", col_.timestep));
  }

  /// The temperature profile along z and the interfacial density (region `col_iface`: Cu
  /// atoms up to interface_depth below the wall's bottom layer, placed from where the wall's
  /// fixed layers are now, as LAMMPS evaluates it when the region is defined).
  std::string profile_commands(const std::string& tchunk, const std::string& ichunk) const {
    const long nrep = steps_ / blocks_ / every_, nfreq = steps_ / blocks_;
    const long top = col_.total_layers() - 1;
    // nominal distance from the centre of the wall's fixed layers to its bottom layer
    const double below = col_.z_layer(top) -
                         col_.layer() * static_cast<double>(col_.fixed_layers - 1) / 2 -
                         col_.z_layer(col_.wall_bottom());
    const double rmax = col_.width() / 2;
    const long nr = static_cast<long>(std::floor(rmax / radial_bin_));
    return fmt::format(
        R"(compute col_tch mobile chunk/atom bin/1d z lower {bin} units box
fix col_tprof mobile ave/chunk {every} {nrep} {nfreq} col_tch temp file {tchunk} {title}
region col_iface block INF INF INF INF $(xcm(wall_fixed,z)-{lo:.6f}) $(xcm(wall_fixed,z)-{hi:.6f}) units box
compute col_ich cu chunk/atom bin/cylinder z lower {lz} {c} {c} 0.0 {rmax} {nr} region col_iface units box discard yes
fix col_iprof cu ave/chunk {every} {nrep} {nfreq} col_ich density/number file {ichunk} {title}
)",
        fmt::arg("bin", bin_), fmt::arg("every", every_), fmt::arg("nrep", nrep),
        fmt::arg("nfreq", nfreq), fmt::arg("tchunk", tchunk), fmt::arg("lo", below + depth_),
        fmt::arg("hi", below), fmt::arg("lz", col_.z_layer(top + 4)),
        fmt::arg("c", col_.width() / 2), fmt::arg("rmax", nr * radial_bin_), fmt::arg("nr", nr),
        fmt::arg("ichunk", ichunk), fmt::arg("title", chunk_units_title(units_)));
  }

  /// Read LAMMPS's outputs and write the three tables (rank 0).
  void summarise(const std::string& raw, const std::string& tchunk, const std::string& ichunk,
                 const std::vector<std::string>& files) const {
    const double dt = col_.timestep;
    // back stress: time since the gradient started, and the production statistics
    const Table bs = read_columns(raw);
    const auto step = bs.col("step"), sigma = bs.col("sigma_MPa"),
               fw = bs.col("Fz_wall_eV_per_Angstrom"), fs = bs.col("Fz_substrate_eV_per_Angstrom");
    std::vector<double> prod;
    for (std::size_t i = 0; i < step.size(); ++i)
      if (step[i] > static_cast<double>(gradient_)) prod.push_back(sigma[i]);
    if (prod.size() < static_cast<std::size_t>(blocks_))
      throw IoError(
          fmt::format("{}: {} production rows, fewer than blocks = {}", raw, prod.size(), blocks_));
    const auto [mean, err] = block_mean(prod, blocks_);
    std::string text = fmt::format(
        "# back stress of the Cu column: z force on the fixed wall layers / (pi R^2), "
        "compressive positive; R = {:.6g} nm, pi R^2 = {:.6g} nm^2\n"
        "# T_hot = {:g} K (substrate), T_cold = {:g} K (wall); gradient on at t = 0; "
        "production t > {:g} ps\n"
        "# production mean: {:.6g} +- {:.3g} MPa (standard error of {} block means)\n"
        "# t_ps sigma_MPa Fz_wall_eV_per_Angstrom Fz_substrate_eV_per_Angstrom\n",
        col_.radius() / kNm, col_.area() / (kNm * kNm), col_.T_hot, col_.T_cold,
        static_cast<double>(gradient_) * dt, mean, err, blocks_);
    for (std::size_t i = 0; i < step.size(); ++i)
      text += fmt::format("{:.6g} {:.8g} {:.8g} {:.8g}\n", step[i] * dt, sigma[i], fw[i], fs[i]);
    write_text_file(files[0], text);

    // temperature profile, with the column's ends
    const auto tb = read_ave_chunk(tchunk);
    const Table tp = average_blocks(tb, 0, tchunk);
    const auto z = tp.col("Coord1"), Tz = tp.col("temp"), nz = tp.col("Ncount");
    const double zc0 = col_.z_layer(col_.column_bottom()),
                 zc1 = col_.z_layer(col_.wall_bottom() - 1);
    double t_hot_end = NAN, t_cold_end = NAN;
    for (std::size_t i = 0; i < z.size(); ++i) {
      if (std::isnan(t_hot_end) && z[i] > zc0 + bin_ / 2 && nz[i] > 0) t_hot_end = Tz[i];
      if (z[i] < zc1 - bin_ / 2 && nz[i] > 0) t_cold_end = Tz[i];
    }
    text = fmt::format(
        "# temperature along z of the mobile atoms (substrate, column, wall), mean of {} "
        "blocks of {} ps\n# column from z = {:.6g} to {:.6g} nm; first/last bin inside it: "
        "{:.6g} K / {:.6g} K\n# z_nm T_K atoms\n",
        tb.size(), static_cast<double>(steps_ / blocks_) * dt, zc0 / kNm, zc1 / kNm, t_hot_end,
        t_cold_end);
    for (std::size_t i = 0; i < z.size(); ++i)
      text += fmt::format("{:.6g} {:.6g} {:.6g}\n", z[i] / kNm, Tz[i], nz[i]);
    write_text_file(files[1], text);

    // interfacial density: atoms per annulus area
    const auto ib = read_ave_chunk(ichunk);
    const Table ip = average_blocks(ib, 0, ichunk);
    const auto n = ip.col("Ncount");
    text = fmt::format(
        "# areal density of Cu atoms within {:.6g} nm below the wall's bottom layer against "
        "the distance r from the column axis (bins of {:.6g} nm), mean of {} blocks\n"
        "# r_nm n_per_nm2 atoms\n",
        depth_ / kNm, radial_bin_ / kNm, ib.size());
    for (std::size_t i = 0; i < n.size(); ++i) {
      const double r0 = static_cast<double>(i) * radial_bin_, r1 = r0 + radial_bin_;
      const double area = std::numbers::pi * (r1 * r1 - r0 * r0) / (kNm * kNm);
      text += fmt::format("{:.6g} {:.6g} {:.6g}\n", (r0 + r1) / 2 / kNm, n[i] / area, n[i]);
    }
    write_text_file(files[2], text);
    fmt::print(
        "cu_column: back stress {:.4g} +- {:.2g} MPa (production, {} blocks); column T "
        "{:.5g} K (hot end) to {:.5g} K (cold end)\n",
        mean, err, blocks_, t_hot_end, t_cold_end);
  }

  LammpsUnits units_;
  CuColumn col_;
  bool relax_ = true;
  long anneal_ = 0, gradient_ = 0, steps_ = 0, every_ = 10, stress_every_ = 1000, blocks_ = 10;
  double bin_ = 5.0, radial_bin_ = 2.0, depth_ = 3.0;  ///< Angstrom
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<CuColumnSetup>(s); }
MdSetupFactory::Registrar reg(
    "cu_column",
    "The EAM copper column of Yang et al. (2026; docs/theory.md#surface-flux): an FCC Cu "
    "column (axis along [001]) on a hot Cu substrate facing a cold wall, LAMMPS metal units; "
    "Cu-Cu by an EAM file, wall-Cu by phi(r) = eps[(r0/r)^p - (r0/r)^q] (pair_style mie/cut); "
    "fixed outer layers; an anneal at uniform temperature, then Langevin at T_hot on the "
    "substrate and T_cold on the wall. Writes the back stress (force on the fixed wall layers "
    "over pi R^2, MPa vs ps: <prefix>backstress.dat), the temperature profile along the column "
    "(K vs nm: <prefix>temperature.dat) and the interfacial Cu density under the wall (atoms/nm^2 "
    "vs r in nm: <prefix>interface_density.dat), plus LAMMPS's raw outputs.",
    &create,
    key_registry::join({CuColumn::keys(),
                        {&kRelax, &kAnnealSteps, &kGradSteps, &kSteps, &kEvery, &kStressEvery,
                         &kBlocks, &kBin, &kRadialBin, &kDepth}}));
}  // namespace

}  // namespace td::md
