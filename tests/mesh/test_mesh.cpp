// Mesh axes and their decomposition: each grading law places its nodes as documented (ends
// exact, geometric widths in constant ratio, tanh symmetric and clustered at the walls),
// explicit nodes are checked, and the DMDA partition covers every cell once on any number of
// ranks with cell volumes summing to the domain's.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "core/Error.h"
#include "core/Input.h"
#include "mesh/DmdaViews.h"
#include "mesh/Grading.h"
#include "mesh/Mesh.h"
#include "tests/core/petsc_events.h"

using namespace td;

namespace {

Axis axis_from(const std::string& text) {
  auto root = InputSection::parse_string(text, "mesh.toml");
  root.set_units(units::UnitSystem::si());
  auto s = root.section("x");
  return make_axis(s);
}

}  // namespace

TEST(Grading, GeometricWidthsGrowByTheRatioAndEndsAreExact) {
  const Axis a = axis_from("[x]\ngrading = \"geometric\"\ncells = 12\nlength = 3.0\n"
                           "origin = -1.0\nratio = 1.3\n");
  ASSERT_EQ(a.cells(), 12);
  EXPECT_EQ(a.nodes.front(), -1.0);
  EXPECT_EQ(a.nodes.back(), 2.0);
  for (int i = 0; i + 1 < a.cells(); ++i)
    EXPECT_NEAR(a.width(i + 1) / a.width(i), 1.3, 1e-12) << "cell " << i;
}

TEST(Grading, TanhIsSymmetricAndClusteredAtBothEnds) {
  const Axis a = axis_from("[x]\ngrading = \"tanh\"\ncells = 16\nlength = 2.0\nbeta = 2.0\n");
  const int n = a.cells();
  EXPECT_EQ(a.nodes.back(), 2.0);
  for (int i = 0; i <= n; ++i) EXPECT_NEAR(a.nodes[i], 2.0 - a.nodes[n - i], 1e-14) << i;
  EXPECT_LT(a.width(0), 0.5 * a.width(n / 2));
  for (int i = 0; i < n / 2; ++i) EXPECT_LT(a.width(i), a.width(i + 1)) << i;
}

TEST(Grading, ExplicitNodesAreKeptAndMustIncrease) {
  const Axis a = axis_from("[x]\ngrading = \"nodes\"\nnodes = [0.0, 0.1, 0.5, 2.0]\n");
  ASSERT_EQ(a.cells(), 3);
  EXPECT_EQ(a.nodes[2], 0.5);
  try {
    axis_from("[x]\ngrading = \"nodes\"\nnodes = [0.0, 0.5, 0.5, 2.0]\n");
    FAIL() << "repeated node accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("mesh.toml:3"), std::string::npos) << m;
    EXPECT_NE(m.find("nodes"), std::string::npos) << m;
  }
}

TEST(MeshMpi, PartitionCoversEveryCellOnceAndVolumesSumToTheDomain) {
  std::array<Axis, 3> axes;
  axes[0] = axis_from("[x]\ngrading = \"geometric\"\ncells = 10\nlength = 2.0\nratio = 1.1\n");
  axes[1] = axis_from("[x]\ngrading = \"tanh\"\ncells = 6\nlength = 0.5\nbeta = 1.5\n");
  axes[2].nodes = {0.0, 1.0};
  const Mesh mesh(MPI_COMM_WORLD, 2, axes, 3);
  const auto st = mesh.start(), ct = mesh.count();
  double cells = static_cast<double>(ct[0]) * ct[1] * ct[2], vol = 0.0;
  for (int j = st[1]; j < st[1] + ct[1]; ++j)
    for (int i = st[0]; i < st[0] + ct[0]; ++i) vol += mesh.volume(i, j, 0);
  MPI_Allreduce(MPI_IN_PLACE, &cells, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &vol, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(cells, 60.0);
  EXPECT_EQ(mesh.total_cells(), 60);
  EXPECT_NEAR(vol, 1.0, 1e-14);
}

// A mesh's ghost exchange is set up by dmda::set_up_ghost_exchange (FVSystem::
// set_up_ghost_exchanges calls it for a case before its solve: tests/fv/test_steady.cpp), once,
// so that PETSc does not set it up at its first use; the exchange then fills the ghost cells
// without another set-up. A mesh without ghost cells (one rank, no periodic axis), whose
// views read the global vector itself, sets nothing up. A periodic x axis gives every rank
// ghost cells (the wrap's).
TEST(MeshMpi, TheGhostExchangeIsSetUpBeforeItsFirstUse) {
  const td::testing::PetscEventLogging logging;
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  constexpr int kNx = 5;
  for (const bool periodic : {false, true}) {
    SCOPED_TRACE(periodic ? "periodic x" : "walls");
    std::array<Axis, 3> axes;
    axes[0].nodes = uniform_nodes(0.0, 1.0, kNx);
    axes[0].periodic = periodic;
    axes[1].nodes = uniform_nodes(0.0, 1.0, 4);
    axes[2].nodes = {0.0, 1.0};
    const Mesh mesh(MPI_COMM_WORLD, 2, axes, 1);
    const int before = logging.count("SFSetUp");
    dmda::set_up_ghost_exchange(mesh.dm());
    const int set_up = logging.count("SFSetUp") - before;
    EXPECT_EQ(set_up, periodic || size > 1 ? 1 : 0);
    // each cell holds its global index; the exchange fills the ghost cells with their owners'
    Owned<Vec> v;
    TD_PETSC(DMCreateGlobalVector(mesh.dm(), v.out()));
    {
      dmda::OwnedView out(mesh.dm(), v);
      dmda::for_owned(
          mesh, [&](const std::array<int, 3>& idx) { out(idx, 1, 0) = idx[0] + kNx * idx[1]; });
    }
    const dmda::LocalView in(mesh.dm(), v);
    EXPECT_EQ(logging.count("SFSetUp") - before, set_up);
    // every ghost cell but the corners, which the mesh's star stencil leaves out
    const dmda::Box g = in.box();
    const auto st = mesh.start(), ct = mesh.count();
    auto own = [&](int a, PetscInt i) { return i >= st[a] && i < st[a] + ct[a]; };
    for (PetscInt j = g.s[1]; j < g.s[1] + g.n[1]; ++j)
      for (PetscInt i = g.s[0]; i < g.s[0] + g.n[0]; ++i)
        if (own(0, i) || own(1, j))
          EXPECT_EQ(in({static_cast<int>(i), static_cast<int>(j), 0}, 1, 0),
                    static_cast<double>((i + kNx) % kNx + kNx * j))
              << "cell " << i << ", " << j;
  }
}

// A 2 x 3 x 1 mesh is shared by any number of ranks up to 6, each owning a block of it (run
// on 3 ranks by ctest `mesh_three_ranks`, where PETSc's own choice refused it).
TEST(MeshMpi, ASmallMeshIsSharedByAsManyRanksAsFit) {
  std::array<Axis, 3> axes;
  axes[0].nodes = {0.0, 1.0, 2.0};
  axes[1].nodes = {0.0, 1.0, 2.0, 3.0};
  axes[2].nodes = {0.0, 1.0};
  const Mesh mesh(MPI_COMM_WORLD, 3, axes, 1);
  const auto ct = mesh.count();
  double cells = static_cast<double>(ct[0]) * ct[1] * ct[2];
  EXPECT_GE(cells, 1.0);
  MPI_Allreduce(MPI_IN_PLACE, &cells, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(cells, 6.0);
}

// The ranks' grid fits the mesh where PETSc's square-block heuristic does not (3 ranks on a
// 2 x 3 x 1 mesh: PETSc chose 3 x 1 x 1 and refused it), takes slabs along the last axis
// where their faces are at most twice the fewest, cuts the fewest faces otherwise, and splits
// the outer axis on a tie (2 ranks on a square: y, as PETSc).
TEST(Mesh, TheRanksGridFitsTheMeshAndCutsTheFewestFaces) {
  using G = std::array<PetscInt, 3>;
  EXPECT_EQ(rank_grid(3, {2, 3, 1}, 3), (G{1, 3, 1}));
  EXPECT_EQ(rank_grid(2, {1024, 1024, 1}, 2), (G{1, 2, 1}));
  // slabs: faces of 64 cells against 32 (twice), of 192 against 128 (2 x 2 blocks)
  EXPECT_EQ(rank_grid(2, {64, 32, 1}, 2), (G{1, 2, 1}));
  EXPECT_EQ(rank_grid(2, {64, 64, 1}, 4), (G{1, 4, 1}));
  // blocks: slabs of 65 cells against 31 faces, of 960 against 384 (4 x 4 blocks), slabs
  // thinner than 2 cells
  EXPECT_EQ(rank_grid(2, {65, 31, 1}, 2), (G{2, 1, 1}));
  EXPECT_EQ(rank_grid(2, {64, 64, 1}, 16), (G{4, 4, 1}));
  EXPECT_EQ(rank_grid(2, {64, 7, 1}, 4), (G{4, 1, 1}));
  EXPECT_EQ(rank_grid(2, {8, 64, 1}, 4), (G{1, 4, 1}));
  EXPECT_EQ(rank_grid(3, {16, 16, 16}, 8), (G{2, 2, 2}));
  EXPECT_EQ(rank_grid(3, {8, 8, 8}, 2), (G{1, 1, 2}));
  EXPECT_EQ(rank_grid(3, {2, 2, 3}, 6), (G{1, 2, 3}));
  EXPECT_EQ(rank_grid(1, {10, 7, 5}, 3), (G{3, 1, 1}));
  EXPECT_EQ(rank_grid(2, {2, 2, 1}, 5), (G{0, 0, 0}));
  EXPECT_EQ(rank_grid(2, {3, 1, 1}, 4), (G{0, 0, 0}));
}

TEST(MeshMpi, AMeshTooSmallForTheRanksIsAnInputErrorThatNamesTheMostRanks) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  auto mesh_section = [&](int nx, int ny) {
    auto root = InputSection::parse_string(
        fmt::format("[mesh]\ndim = 2\n[mesh.x]\ncells = {}\nlength = 1.0\n[mesh.y]\ncells = {}\n"
                    "length = 1.0\n",
                    nx, ny),
        "case.toml");
    root.set_units(units::UnitSystem::si());
    return root.section("mesh");
  };
  // a mesh one cell wide along x and `size` cells along y is shared, whatever the ranks
  auto fits = mesh_section(1, size);
  EXPECT_EQ(Mesh::from_input(MPI_COMM_WORLD, fits, 1)->total_cells(), size);
  if (size == 1) return;  // one rank shares any mesh
  auto one = mesh_section(1, 1);
  try {
    Mesh::from_input(MPI_COMM_WORLD, one, 1);
    ADD_FAILURE() << "a 1 x 1 mesh was shared by " << size << " ranks";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("case.toml:1: key 'mesh'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(fmt::format("1 x 1 cells cannot be shared by {} ranks", size)),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("at most 1 rank,"), std::string::npos) << msg;
  }
  // a program's own mesh (no input) gets the same message as an Error
  std::array<Axis, 3> axes;
  for (auto& a : axes) a.nodes = {0.0, 1.0};
  try {
    const Mesh mesh(MPI_COMM_WORLD, 2, axes, 1);
    ADD_FAILURE() << "a 1 x 1 mesh was shared by " << size << " ranks";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at most 1 rank,"), std::string::npos) << e.what();
  }
}
