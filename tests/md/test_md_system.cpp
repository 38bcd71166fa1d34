// System sources of the MD protocols (md/System.h): LAMMPS unit styles on the unit
// module; a user's data file + settings file in `real` units gives the same energy and
// pressure at step 0 as the built-in LJ mixture in `lj` units (the same atoms, argon LJ
// parameters), and runs the eHEX and MSD protocols end to end; input that LAMMPS would reject
// is refused before it starts; NPT equilibration changes the box to what LAMMPS reports. The
// same for the slab protocols: the built-in slab as a real-units data file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "io/Readers.h"
#include "md/Lammps.h"
#include "md/LammpsUnits.h"
#include "md/Setup.h"
#include "md/System.h"

namespace td::md {
namespace {

namespace fs = std::filesystem;
using units::Kind;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

units::UnitSystem argon() { return units::UnitSystem::lj(*units::lj_preset("argon")); }

fs::path tmp_dir(const char* name) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto d = fs::temp_directory_path() / fmt::format("td_mdsys_{}_{}", name, size);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) fs::create_directories(d);
  MPI_Barrier(MPI_COMM_WORLD);
  return d;
}

TEST(LammpsUnits, RealAndMetalStylesAreLammpsUnitsInSi) {
  const LammpsUnits real("real", units::UnitSystem::si());
  const LammpsUnits metal("metal", units::UnitSystem::si());
  // LAMMPS manual, `units`: kcal/mol, g/mol, Angstrom, fs, atm; eV, ps, bar
  EXPECT_NEAR(real.si_scale(Kind::energy), 4184.0 / units::kAvogadro, 1e-30);
  EXPECT_NEAR(real.si_scale(Kind::mass), 1e-3 / units::kAvogadro, 1e-40);
  EXPECT_DOUBLE_EQ(real.si_scale(Kind::length), 1e-10);
  EXPECT_DOUBLE_EQ(real.si_scale(Kind::time), 1e-15);
  EXPECT_DOUBLE_EQ(real.si_scale(Kind::pressure), 101325.0);
  EXPECT_DOUBLE_EQ(real.si_scale(Kind::temperature), 1.0);
  EXPECT_DOUBLE_EQ(metal.si_scale(Kind::energy), units::kElementaryCharge);
  EXPECT_DOUBLE_EQ(metal.si_scale(Kind::time), 1e-12);
  EXPECT_DOUBLE_EQ(metal.si_scale(Kind::pressure), 1e5);
  // composed units: force kcal/mol/Angstrom, velocity Angstrom/fs, power kcal/mol/fs
  EXPECT_NEAR(real.si_scale(Kind::force), 4184.0 / units::kAvogadro / 1e-10, 1e-20);
  EXPECT_NEAR(real.si_scale(Kind::velocity), 1e5, 1e-9);
  EXPECT_NEAR(real.si_scale(Kind::power), 4184.0 / units::kAvogadro / 1e-15, 1e-15);
  EXPECT_NEAR(metal.si_scale(Kind::diffusivity), 1e-20 / 1e-12, 1e-20);
  // case in SI -> LAMMPS real and back
  EXPECT_NEAR(real.to_lammps(2e-15, Kind::time), 2.0, 1e-12);
  EXPECT_NEAR(real.from_lammps(real.to_lammps(300.0, Kind::temperature), Kind::temperature), 300.0,
              1e-12);
}

TEST(LammpsUnits, LjStyleIsTheCaseLjSystemAndNeedsIt) {
  const LammpsUnits lj("lj", argon());
  EXPECT_EQ(lj.to_lammps(0.8, Kind::pressure), 0.8);
  // a case in LJ units can drive a real-units system: 1 epsilon = 0.2381 kcal/mol for argon
  const LammpsUnits real("real", argon());
  EXPECT_NEAR(real.to_lammps(1.0, Kind::energy), 0.2381, 1e-12);
  EXPECT_NEAR(real.to_lammps(1.0, Kind::length), 3.405, 1e-12);
  EXPECT_THROW(LammpsUnits("lj", units::UnitSystem::si()), Error);
  EXPECT_THROW(LammpsUnits("cgs", units::UnitSystem::si()), Error);
}

/// The LJ mixture of the tests: atoms inserted, minimised.
const char* kMixture = R"(n_solvent = 400
n_solute = 30
solute_epsilon = 1.5
box = [6.0, 6.0, 20.0]
)";

/// The argon LJ parameters in LAMMPS real units.
constexpr double kSigmaA = 3.405, kEpsKcal = 0.2381, kMassGmol = 39.94;

/// The LJ data file @p lj_data (LAMMPS write_data, atom_style atomic, lj units) rewritten in
/// real units with the argon parameters: positions and box times sigma in Angstrom, masses in
/// g/mol, velocities dropped. Returns {atom_style atomic, atom_style bond with molecule id =
/// atom id}.
std::pair<std::string, std::string> lj_data_in_real_units(const fs::path& lj_data) {
  std::ifstream inlj(lj_data);
  std::string out, outb;
  const auto both = [&](const std::string& a, const std::string& b) {
    out += a;
    outb += b;
  };
  std::string line, section;
  std::getline(inlj, line);
  both("LJ system in real units (argon)\n", "LJ system in real units (argon)\n");
  const std::regex bounds(R"(^\s*(\S+)\s+(\S+)\s+([xyz]lo [xyz]hi)\s*$)");
  while (std::getline(inlj, line)) {
    std::smatch m;
    std::istringstream w(line);
    std::string first;
    w >> first;
    if (std::regex_match(line, m, bounds)) {
      const std::string b = fmt::format("{:.17g} {:.17g} {}\n", std::stod(m[1]) * kSigmaA,
                                        std::stod(m[2]) * kSigmaA, m[3].str());
      both(b, b);
    } else if (first == "Atoms" || first == "Masses" || first == "Velocities") {
      section = first;
      both(line + "\n", first == "Atoms" ? "Atoms # bond\n" : line + "\n");
    } else if (section == "Masses" && !first.empty()) {
      double mass = 0;
      w >> mass;
      const std::string b = first + " " + fmt::format("{:.17g}", mass * kMassGmol) + "\n";
      both(b, b);
    } else if (section == "Atoms" && !first.empty()) {
      long type = 0, ix = 0, iy = 0, iz = 0;
      double x = 0, y = 0, z = 0;
      w >> type >> x >> y >> z >> ix >> iy >> iz;
      const std::string xyz = fmt::format("{} {:.17g} {:.17g} {:.17g} {} {} {}\n", type,
                                          x * kSigmaA, y * kSigmaA, z * kSigmaA, ix, iy, iz);
      both(first + " " + xyz, first + " " + first + " " + xyz);
    } else if (section == "Velocities") {
      continue;  // dropped: the protocols create velocities
    } else {
      both(line + "\n", line + "\n");
    }
  }
  return {out, outb};
}

/// Argon LJ in real units (sigma 3.405 Angstrom, epsilon 0.2381 kcal/mol), cut at 2.5 sigma and
/// shifted; @p pairs: "I J" type pairs with their epsilon in units of argon's.
std::string argon_settings(const std::vector<std::pair<std::string, double>>& pairs) {
  std::string s = fmt::format("# argon LJ (sigma 3.405 Angstrom, epsilon 0.2381 kcal/mol)\n"
                              "pair_style lj/cut {:.17g}\npair_modify shift yes\n",
                              2.5 * kSigmaA);
  for (const auto& [ij, eps] : pairs)
    s += fmt::format("pair_coeff {} {:.17g} {}\n", ij, eps * kEpsKcal, kSigmaA);
  return s;
}

/// Write @p text to @p path on rank 0 (then a barrier).
void write_rank0(const fs::path& path, const std::string& text) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::ofstream out(path);
    out << text;
    ASSERT_TRUE(out.flush()) << path;
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

/// The built-in mixture after minimisation, written by LAMMPS (lj units) and rewritten in
/// real units as data.real and data.bond (lj_data_in_real_units) with the matching force field
/// in settings.real (in @p dir). Returns {pe per atom, press} at step 0 in LJ units.
std::pair<double, double> write_real_mixture(const fs::path& dir) {
  auto in = InputSection::parse_string(std::string("[system]\n") + kMixture, "lj.toml");
  in.set_units(argon());
  auto src = make_system_source(in);
  const std::string lj_data = (dir / "data.lj").string();
  double pe = 0, press = 0;
  {
    Lammps lmp(MPI_COMM_WORLD, (dir / "lj_").string());
    lmp.commands(src->commands(4711) + "minimize 1e-4 1e-6 500 5000\nreset_timestep 0\n");
    lmp.commands("write_data " + lj_data + " nocoeff\nrun 0\n");
    pe = lmp.thermo("pe");  // lj units: normalised per atom
    press = lmp.thermo("press");
  }
  const auto [atomic, bond] = lj_data_in_real_units(lj_data);
  write_rank0(dir / "data.real", atomic);
  write_rank0(dir / "data.bond", bond);
  write_rank0(dir / "settings.real", argon_settings({{"1 1", 1.0}, {"1 2", 1.5}, {"2 2", 1.5}}));
  return {pe, press};
}

/// A [system] table of the real-units data file in @p dir.
std::string real_system(const fs::path& dir, const std::string& extra = "") {
  return fmt::format(
      "[system]\ntype = \"data_file\"\nunits = \"real\"\natom_style = \"atomic\"\ndata_file "
      "= \"{}\"\nsettings_file = \"{}\"\nsolute = \"type 2\"\n{}",
      (dir / "data.real").string(), (dir / "settings.real").string(), extra);
}

TEST(MdSystemMpi, DataFileInRealUnitsMatchesTheLjMixtureAtStepZero) {
  const fs::path dir = tmp_dir("step0");
  const auto [pe_lj, press_lj] = write_real_mixture(dir);
  auto in = InputSection::parse_string(real_system(dir), "real.toml");
  in.set_units(units::UnitSystem::si());
  auto src = make_system_source(in);
  Lammps lmp(MPI_COMM_WORLD, (dir / "real_").string());
  lmp.commands(src->commands(1) + "run 0\n");
  ASSERT_EQ(lmp.natoms(), 430);
  // real units: pe is the total (thermo_modify norm no), in kcal/mol; press in atm
  const auto& u = src->units();
  const auto ar = *units::lj_preset("argon");
  const double pe_J = lmp.thermo("pe") / 430.0 * u.si_scale(Kind::energy);
  const double press_Pa = lmp.thermo("press") * u.si_scale(Kind::pressure);
  EXPECT_NEAR(pe_J / (pe_lj * ar.epsilon), 1.0, 1e-9) << pe_J << " " << pe_lj;
  const double press_lj_Pa = press_lj * argon().scale(units::dim_of(Kind::pressure));
  // LAMMPS converts kcal/mol/Angstrom^3 to atm with its constant nktv2p = 68568.415 (update.cpp,
  // 8 digits); the exact factor is 4184/N_A/1e-30/101325 = 68568.42297: the ratio is theirs
  const double exact =
      u.si_scale(Kind::energy) / std::pow(u.si_scale(Kind::length), 3) / u.si_scale(Kind::pressure);
  constexpr double kLammpsNktv2pReal = 68568.415;
  EXPECT_NEAR(press_Pa / press_lj_Pa, kLammpsNktv2pReal / exact, 1e-9)
      << press_Pa << " " << press_lj_Pa;
  // the groups of the protocols
  lmp.command("variable nsol equal count(solute)");
  lmp.command("variable nsolv equal count(solvent)");
  EXPECT_EQ(lmp.variable("nsol"), 30.0);
  EXPECT_EQ(lmp.variable("nsolv"), 400.0);
}

TEST(MdSystemMpi, DataFileGroupsByMoleculeId) {
  const fs::path dir = tmp_dir("mol");
  const double pe_lj = write_real_mixture(dir).first;
  // every atom its own molecule; LAMMPS created the 400 solvent atoms first (ids 1-400)
  std::string toml = real_system(dir, "solvent = \"molecule 1:400\"\n");
  toml = replace_all(replace_all(toml, "data.real", "data.bond"), "\"atomic\"", "\"bond\"");
  auto in = InputSection::parse_string(replace_all(toml, "type 2", "molecule 401:430"), "mol.toml");
  in.set_units(units::UnitSystem::si());
  auto src = make_system_source(in);
  Lammps lmp(MPI_COMM_WORLD, (dir / "mol_").string());
  ASSERT_TRUE(lmp.has_style("atom", "bond"));
  lmp.commands(src->commands(1) + "run 0\n");
  lmp.command("variable nsol equal count(solute)");
  lmp.command("variable nsolv equal count(solvent)");
  // the molecules chosen are the type-2 atoms
  lmp.commands(
      "group t2 type 2\ngroup sol_t2 intersect solute t2\n"
      "variable nsol_t2 equal count(sol_t2)\n");
  EXPECT_EQ(lmp.variable("nsol"), 30.0);
  EXPECT_EQ(lmp.variable("nsol_t2"), 30.0);
  EXPECT_EQ(lmp.variable("nsolv"), 400.0);
  const auto ar = *units::lj_preset("argon");
  EXPECT_NEAR(lmp.thermo("pe") / 430.0 * src->units().si_scale(Kind::energy) / (pe_lj * ar.epsilon),
              1.0, 1e-9);
}

TEST(MdSystemMpi, DataFileInRealUnitsRunsEhexAndMsd) {
  const fs::path dir = tmp_dir("e2e");
  write_real_mixture(dir);
  const std::string run_keys =
      "temperature = \"120 K\"\ntimestep = \"4 fs\"\nequilibration_steps = 200\nseed = 99\n";
  // eHEX: slabs in Angstrom (4-8 and 12-16 sigma), heat rate 10 epsilon/tau in kcal/mol/fs
  auto e = InputSection::parse_string(
      "type = \"ehex_mixture\"\n" + run_keys +
          "cold_slab = [\"13.62 Angstrom\", \"27.24 Angstrom\"]\n"
          "hot_slab = [\"40.86 Angstrom\", \"54.48 Angstrom\"]\n"
          "heat_rate = \"1.1e-3 kcal/mol/fs\"\nbin_width = \"6.81 Angstrom\"\n"
          "gradient_steps = 200\nproduction_steps = 200\nblocks = 2\n" +
          real_system(dir),
      "ehex.toml");
  e.set_units(units::UnitSystem::si());
  auto ehex = make_md_setup(e);
  const auto files = ehex->run(MPI_COMM_WORLD, (dir / "ehex_").string());
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(files.size(), 2u);
  const auto tb = read_ave_chunk(files[0]);
  ASSERT_EQ(tb.size(), 2u);
  EXPECT_EQ(tb[0].table.rows.size(), 10u);  // 68.1 / 6.81
  EXPECT_EQ(tb[0].total_count, 430);
  EXPECT_EQ(read_ave_chunk(files[1])[0].total_count, 30);
  // the temperature reached LAMMPS in kelvin: the profile's mean is near 120 K, not 120 T*
  const auto T = average_blocks(tb, 0).col("temp");
  double mean = 0;
  for (double t : T) mean += t / static_cast<double>(T.size());
  EXPECT_GT(mean, 60.0);
  EXPECT_LT(mean, 240.0);

  // MSD: D in m^2/s (the case is SI)
  auto m = InputSection::parse_string("type = \"msd_diffusion\"\n" + run_keys +
                                          "temperatures = [\"100 K\", \"140 K\"]\nblocks = 2\n"
                                          "block_steps = 100\n" +
                                          real_system(dir),
                                      "msd.toml");
  m.set_units(units::UnitSystem::si());
  auto msd = make_md_setup(m);
  const auto dfiles = msd->run(MPI_COMM_WORLD, (dir / "msd_").string());
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(dfiles.size(), 2u);
  for (const auto& f : dfiles) {
    const auto t = read_columns(f);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.col("T")[0], 100.0);
    // dilute argon-like liquid: D* ~ 0.1-1, sigma^2/tau = 5.4e-8 m^2/s
    for (double D : t.col("D")) {
      EXPECT_GT(D, 1e-10) << f;
      EXPECT_LT(D, 1e-6) << f;
    }
  }
}

TEST(MdSystemMpi, NptEquilibrationSetsTheBoxLammpsReports) {
  const fs::path dir = tmp_dir("npt");
  // 250 atoms at density 0.49, T* = 1, P* = 0.8: the barostat compresses the box
  auto in = InputSection::parse_string(
      "temperature = 1.0\nequilibration_steps = 100\nseed = 5\npressure = 0.8\n"
      "npt_steps = 600\n[system]\nn_solvent = 240\nn_solute = 10\nbox = [8.0, 8.0, 8.0]\n",
      "npt.toml");
  in.set_units(argon());
  auto src = make_system_source(in);
  MdRun run;
  run.read(in, src->units());
  Lammps lmp(MPI_COMM_WORLD, (dir / "npt_").string());
  const auto e = run.equilibrate(lmp, *src, false);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->natoms, 250);
  lmp.command("run 0");
  // LAMMPS's own volume and (mass 1: number) density of the box it now holds
  EXPECT_NEAR(e->volume(), lmp.thermo("vol"), 1e-9 * e->volume());
  EXPECT_NEAR(e->density(), lmp.thermo("density"), 1e-9 * e->density());
  EXPECT_GT(e->density(), 250.0 / 512.0 * 1.05) << "the box did not shrink";
  // isotropic: a cube stays a cube
  EXPECT_NEAR(e->hi[0] - e->lo[0], e->hi[2] - e->lo[2], 1e-9);
  // the file the protocols write holds the same density
  write_equilibrated(MPI_COMM_WORLD, (dir / "npt.dat").string(), *e, *src, run);
  const auto t = read_columns((dir / "npt.dat").string());
  EXPECT_NEAR(t.col("density")[0], e->density(), 1e-8 * e->density());
}

/// The built-in slab source of the tests: 12 x 2 periods, 4 layers, a trimer.
const char* kSlabSystem =
    "[system]\ntype = \"lj_slab\"\ncells_x = 12\ncells_y = 2\nlayers = 4\nfrozen_layers = 1\n"
    "cluster_size = 3\n";

/// The built-in slab written by LAMMPS (lj units) and rewritten in real units as
/// slab.real with slab.settings (in @p dir). Returns the pe per atom at step 0 (LJ units).
double write_real_slab(const fs::path& dir) {
  auto in = InputSection::parse_string(kSlabSystem, "slab.toml");
  in.set_units(argon());
  auto src = make_system_source(in, SystemSource::Use::slab);
  const std::string lj_data = (dir / "slab.lj").string();
  double pe = 0;
  {
    Lammps lmp(MPI_COMM_WORLD, (dir / "slab_lj_").string());
    lmp.commands(src->commands(1) + "write_data " + lj_data + " nocoeff\nrun 0\n");
    pe = lmp.thermo("pe");
  }
  write_rank0(dir / "slab.real", lj_data_in_real_units(lj_data).first);
  write_rank0(dir / "slab.settings", argon_settings({{"* *", 1.0}}));
  return pe;
}

/// A [system] table of the slab data file in @p dir (real units, cluster = type 2).
std::string real_slab_system(const fs::path& dir) {
  return fmt::format(
      "[system]\ntype = \"data_file\"\nunits = \"real\"\natom_style = \"atomic\"\n"
      "data_file = \"{}\"\nsettings_file = \"{}\"\nsolute = \"type 2\"\n",
      (dir / "slab.real").string(), (dir / "slab.settings").string());
}

// A user's slab: the built-in slab written as a real-units data file gives the generator's
// energy at step 0 (the slab protocols take either source).
TEST(MdSystemMpi, SlabDataFileInRealUnitsMatchesTheLjSlabAtStepZero) {
  const fs::path dir = tmp_dir("slab0");
  const double pe_lj = write_real_slab(dir);
  auto in = InputSection::parse_string(real_slab_system(dir), "real_slab.toml");
  in.set_units(argon());
  auto src = make_system_source(in, SystemSource::Use::slab);
  EXPECT_FALSE(src->has_frozen());
  Lammps lmp(MPI_COMM_WORLD, (dir / "slab_real_").string());
  lmp.commands(src->commands(1) + "run 0\n");
  const double n = static_cast<double>(lmp.natoms());
  ASSERT_EQ(n, 12 * 2 * 2 * 4 + 3);
  // real units: pe is the total in kcal/mol; LJ case: from_lammps gives epsilon
  EXPECT_NEAR(src->units().from_lammps(lmp.thermo("pe"), Kind::energy) / n / pe_lj, 1.0, 1e-9)
      << pe_lj;
  lmp.command("variable nsol equal count(solute)");
  EXPECT_EQ(lmp.variable("nsol"), 3.0);
}

// The cluster integration runs on the user's slab, in the case's LJ units.
TEST(MdSystemMpi, ClusterTiRunsOnARealUnitsSlabDataFile) {
  const fs::path dir = tmp_dir("slabti");
  write_real_slab(dir);
  auto in = InputSection::parse_string(
      "type = \"cluster_ti\"\nT_hot = 0.25\nT_cold = 0.05\nhot_width = 2.5\ncold_width = 2.5\n"
      "equilibration_steps = 500\nscan_length = 0.4\nwindows = 3\n"
      "window_equilibration_steps = 100\nwindow_steps = 200\nsample_every = 10\nblocks = 2\n"
      "bin_width = 1.0\nfit_margin = 0.5\n" +
          real_slab_system(dir),
      "ti.toml");
  in.set_units(argon());
  const auto files = make_md_setup(in)->run(MPI_COMM_WORLD, (dir / "ti_").string());
  MPI_Barrier(MPI_COMM_WORLD);
  const auto t = read_columns(files[1]);
  ASSERT_EQ(t.rows.size(), 3u);
  const double Lx = 12 * std::cbrt(4.0 / 1.07) / std::sqrt(2.0);
  // x0 in sigma (the centre of the first gradient region), energies in epsilon
  EXPECT_NEAR(t.col("x0")[1], 2.5 + 0.5 * (Lx / 2 - 2.5), 1e-6);
  for (double e : t.col("Ecc")) EXPECT_LT(e, -1.5);
  for (double T : t.col("T")) {
    EXPECT_GT(T, 0.04);
    EXPECT_LT(T, 0.3);
  }
}

/// Expect make_md_setup on @p toml (SI case unless @p lj) to throw an InputError whose message
/// holds @p needle.
void expect_refused(const std::string& toml, const std::string& needle, bool lj = false) {
  auto in = InputSection::parse_string(toml, "bad.toml");
  in.set_units(lj ? argon() : units::UnitSystem::si());
  try {
    make_md_setup(in);
    ADD_FAILURE() << "accepted: " << toml;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.toml"), std::string::npos) << e.what();
  }
}

TEST(MdSystem, InputLammpsWouldRejectIsRefusedBeforeItStarts) {
  const fs::path dir = fs::temp_directory_path() / "td_mdsys_refuse";
  fs::create_directories(dir);
  std::ofstream(dir / "data.real") << "title\n\n4 atoms\n2 atom types\n0 10 xlo xhi\n0 10 ylo "
                                      "yhi\n0 10 zlo zhi\n\nMasses\n\n1 1\n2 1\n";
  std::ofstream(dir / "settings.real") << "pair_style lj/cut 8.5\n";
  std::ofstream(dir / "bad.settings") << "pair_style lj/cut 8.5\n  units metal # no\n";
  std::ofstream(dir / "shake2.settings")
      << "pair_style lj/cut 8.5\nfix a all shake 1e-4 20 0 t 1\nfix b all rattle 1e-4 20 0 t 2\n";
  std::ofstream(dir / "shake.settings") << "pair_style lj/cut 8.5\nfix a all shake 1e-4 20 0 t 1\n";
  const std::string msd =
      "type = \"msd_diffusion\"\ntemperatures = [\"100 K\"]\n"
      "temperature = \"100 K\"\ntimestep = \"2 fs\"\n";
  // the built-in LJ mixture needs LJ case units
  expect_refused(msd, "LJ");
  // an LJ-units data file needs them too
  expect_refused(msd + replace_all(real_system(dir), "\"real\"", "\"lj\""), "units");
  // a settings file that sets units
  expect_refused(msd + replace_all(real_system(dir), "settings.real", "bad.settings"),
                 "bad.settings:2: `units`");
  // two constraint fixes (LAMMPS fix ehex supports one); minimisation with SHAKE
  expect_refused(msd + replace_all(real_system(dir), "settings.real", "shake2.settings"),
                 "shake2.settings:3: a second fix shake/rattle (the first at line 2)");
  expect_refused(
      msd + replace_all(real_system(dir, "minimize = true\n"), "settings.real", "shake.settings"),
      "cannot minimise with fix shake");
  // a type the data file does not have
  expect_refused(msd + replace_all(real_system(dir), "type 2", "type 3"), "atom type 3");
  expect_refused(msd + replace_all(real_system(dir), "type 2", "types 2"), "is not \"type");
  expect_refused(msd + replace_all(real_system(dir), "data.real", "missing.data"), "cannot read");
  // SI defaults do not exist: temperature and time step must be given
  expect_refused("type = \"msd_diffusion\"\ntemperatures = [\"100 K\"]\n" + real_system(dir),
                 "temperature");
  // a slab outside the data file's box (10 Angstrom)
  expect_refused(
      "type = \"ehex_mixture\"\ntemperature = \"100 K\"\ntimestep = \"2 fs\"\n"
      "cold_slab = [\"1 Angstrom\", \"3 Angstrom\"]\n"
      "hot_slab = [\"5 Angstrom\", \"12 Angstrom\"]\n" +
          real_system(dir),
      "box z");
  // a frozen group in a liquid; a slab source for a liquid and a liquid source for a slab
  expect_refused(msd + real_system(dir, "frozen = \"type 1\"\n"), "only the slab protocols");
  expect_refused("type = \"msd_diffusion\"\ntemperatures = [1.0]\n[system]\ntype = \"lj_slab\"\n",
                 "not a system for a liquid", true);
  expect_refused("type = \"adatom_ti\"\n[system]\ntype = \"lj_mixture\"\n",
                 "not a system for a slab", true);
  // npt_steps without pressure
  expect_refused("type = \"msd_diffusion\"\ntemperatures = [1.0]\nnpt_steps = 100\n",
                 "needs `pressure`", true);
}

// LAMMPS takes seeds up to 9e8 and the set-ups derive seeds up to kMaxSeedOffset above their
// key (streams, replicas, ranks): seed = 899999999 passed the key's range [1, 9e8] and LAMMPS
// ended the run. Each seed key's range ends at kMaxSeed, and says so.
TEST(MdSystem, SeedsWhoseDerivedSeedsLammpsRefusesAreInputErrors) {
  const std::string too_large = "seed = 899999999\n";
  const std::string range = fmt::format("[1, {:g}]", static_cast<double>(kMaxSeed));
  expect_refused("type = \"msd_diffusion\"\ntemperatures = [1.0]\n" + too_large, range, true);
  expect_refused("type = \"adatom_ti\"\n" + too_large + "[system]\ntype = \"lj_slab\"\n", range,
                 true);
  expect_refused("type = \"cu_column\"\n" + too_large, range);
  // the largest accepted seed
  auto in = InputSection::parse_string(
      fmt::format("type = \"msd_diffusion\"\ntemperatures = [1.0]\nseed = {}\n", kMaxSeed),
      "ok.toml");
  in.set_units(argon());
  EXPECT_NO_THROW(make_md_setup(in));
}

}  // namespace
}  // namespace td::md
