// Tiny real LAMMPS runs of the md set-ups (seconds): plumbing, output shape and sign. On 1
// and 2 ranks (names contain Mpi); rank 0 writes, every rank reads after a barrier.
#include <gtest/gtest.h>
#include <mpi.h>

#include <filesystem>

#include "core/Error.h"
#include "io/Readers.h"
#include "md/Setup.h"

namespace td::md {
namespace {

std::string tmp_prefix(const char* name) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto d = std::filesystem::temp_directory_path() / ("td_md_" + std::to_string(size));
  std::filesystem::create_directories(d);
  return (d / name).string();
}

const char* kMixture = R"(equilibration_steps = 1000
seed = 4711
)";
// the system source: last in each case (a TOML table ends the [md] keys)
const char* kSystem = R"([system]
box = [6.0, 6.0, 24.0]
n_solvent = 500
n_solute = 40
solute_epsilon = 1.5
)";

TEST(MdSetupMpi, EhexMixtureProfilesHaveShapeAndSign) {
  auto in = InputSection::parse_string(std::string("type = \"ehex_mixture\"\n") + kMixture +
                                           "cold_slab = [4.0, 8.0]\nhot_slab = [16.0, 20.0]\n"
                                           "heat_rate = 10.0\ngradient_steps = 2000\n"
                                           "production_steps = 2000\nblocks = 2\nbin_width = 2.0\n" +
                                           kSystem,
                                       "ehex.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  auto setup = make_md_setup(in);
  const auto files = setup->run(MPI_COMM_WORLD, tmp_prefix("ehex_"));
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(files.size(), 2u);
  const auto tb = read_ave_chunk(files[0]);
  const auto cb = read_ave_chunk(files[1]);
  ASSERT_EQ(tb.size(), 2u);
  ASSERT_EQ(tb[0].table.rows.size(), 12u);  // 24 / 2
  EXPECT_EQ(cb[0].total_count, 40);
  EXPECT_EQ(tb[0].total_count, 540);
  // hot slab bins (z = 17, 19) hotter than cold slab bins (z = 5, 7), averaged over blocks
  const auto T = average_blocks(tb, 0).col("temp");
  EXPECT_GT(T[8] + T[9], T[2] + T[3]);
}

// The profile blocks are those the input asks for also when the steps before production
// (equilibration 1000 + gradient 300) are not a multiple of a block (200 steps): fix
// ave/chunk writes at multiples of its Nfreq, and counting on from the equilibration it
// dropped the first block.
TEST(MdSetupMpi, EhexMixtureWritesEveryBlockWhateverStepsPrecede) {
  auto in = InputSection::parse_string(std::string("type = \"ehex_mixture\"\n") + kMixture +
                                           "cold_slab = [4.0, 8.0]\nhot_slab = [16.0, 20.0]\n"
                                           "gradient_steps = 300\nproduction_steps = 400\n"
                                           "blocks = 2\nbin_width = 2.0\n" +
                                           kSystem,
                                       "ehex.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  auto setup = make_md_setup(in);
  const auto files = setup->run(MPI_COMM_WORLD, tmp_prefix("ehex_blocks_"));
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    const auto blocks = read_ave_chunk(f);
    ASSERT_EQ(blocks.size(), 2u) << f;
    EXPECT_EQ(blocks[0].timestep, 200) << f;
    EXPECT_EQ(blocks[1].timestep, 400) << f;
  }
}

// A box height that is not a whole number of profile bins is an input error at bin_width:
// LAMMPS's last bin, cut by the box, held half the atoms and showed half the concentration.
TEST(MdSetup, EhexMixtureBinsMustTileTheBox) {
  auto in = InputSection::parse_string(std::string("type = \"ehex_mixture\"\n") + kMixture +
                                           "cold_slab = [4.0, 8.0]\nhot_slab = [16.0, 20.0]\n"
                                           "bin_width = 5.0\n" +
                                           kSystem,
                                       "ehex.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  try {
    make_md_setup(in);
    ADD_FAILURE() << "a cut last bin was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("key 'bin_width': the box height 24"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("is not a whole number of bins (4.8)"), std::string::npos)
        << e.what();
  }
}

TEST(MdSetupMpi, EhexMixtureReplicasUseTheirOwnSeedsAndFiles) {
  auto in = InputSection::parse_string(std::string("type = \"ehex_mixture\"\n") + kMixture +
                                           "cold_slab = [4.0, 8.0]\nhot_slab = [16.0, 20.0]\n"
                                           "gradient_steps = 200\nproduction_steps = 400\n"
                                           "blocks = 2\nbin_width = 2.0\nreplicas = 2\n" + kSystem,
                                       "ehex.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  auto setup = make_md_setup(in);
  const std::string prefix = tmp_prefix("rep_");
  const auto files = setup->run(MPI_COMM_WORLD, prefix);
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(files,
            (std::vector<std::string>{prefix + "r0_temp.chunk", prefix + "r0_solute.chunk",
                                      prefix + "r1_temp.chunk", prefix + "r1_solute.chunk"}));
  const auto c0 = average_blocks(read_ave_chunk(files[1]), 0).col("density/number");
  const auto c1 = average_blocks(read_ave_chunk(files[3]), 0).col("density/number");
  ASSERT_EQ(c0.size(), 12u);
  EXPECT_NE(c0, c1);  // different seeds, different solute configurations
}

TEST(MdSetupMpi, MsdDiffusionPositiveAndIncreasingWithT) {
  auto in = InputSection::parse_string(std::string("type = \"msd_diffusion\"\n") + kMixture +
                                           "temperatures = [0.7, 1.4]\nblocks = 2\n"
                                           "block_steps = 300\n" + kSystem,
                                       "msd.toml");
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  auto setup = make_md_setup(in);
  const auto files = setup->run(MPI_COMM_WORLD, tmp_prefix("msd_"));
  MPI_Barrier(MPI_COMM_WORLD);
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    const auto t = read_columns(f);
    ASSERT_EQ(t.rows.size(), 2u);
    const auto D = t.col("D");
    EXPECT_GT(D[0], 0.0);
    EXPECT_GT(D[1], D[0]) << f;
  }
}

}  // namespace
}  // namespace td::md
