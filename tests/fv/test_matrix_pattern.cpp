// The exactly preallocated matrix of the FV systems (mesh/StencilMatrix.h): the pattern
// and ordering of PETSc's DMDA matrix, and no entry outside it.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <petscdmda.h>

#include <array>
#include <string>

#include "fv/Case.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

/// A closed cell of the two-state species of two_state_species (a reaction couples the
/// two fields of a cell) and a plain species (a third field), @p dim dimensions, periodic
/// along y and z (three cells each: the wrap couples the first and the last row; PETSc's
/// DMDA matrix needs a multiple of 3 on a periodic axis), where T is uniform.
std::string periodic_multifield_case(int dim) {
  std::string text = fmt::format(
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[mesh]\ndim = {}\n"
      "[mesh.x]\ncells = 4\nlength = 1.0\n",
      dim);
  if (dim > 1) text += "[mesh.y]\ncells = 3\nlength = 1.0\nperiodic = true\n";
  if (dim > 2) text += "[mesh.z]\ncells = 3\nlength = 1.0\nperiodic = true\n";
  text += "[temperature]\ntype = \"linear\"\nT_ref = 1.0\ngradient = [1.0, 0.0, 0.0]\n";
  text += td::testing::two_state_species(3.0);
  text +=
      "[[species]]\nname = \"plain\"\n[species.diffusivity]\nvalue = 0.2\n"
      "[species.soret]\nvalue = 1.5\n[species.initial]\nvalue = 0.5\n";
  return text;
}

}  // namespace

TEST(StencilMatrixMpi, MultiFieldPeriodicPatternIsTheDmdaOneAndAssemblyFitsIt) {
  for (int dim = 1; dim <= 3; ++dim) {
    auto cs = Case::from_string(PETSC_COMM_WORLD, periodic_multifield_case(dim), "pattern.toml");
    FVSystem& sys = cs->system();
    ASSERT_EQ(sys.nfields(), 3);
    ASSERT_NE(sys.reactions(), nullptr);
    Owned<Vec> c = td::testing::random_state(sys);
    Owned<Mat> A(sys.create_matrix());
    // PETSc's own DMDA matrix with the same block fills, on a DM of the mesh's layout
    Owned<DM> dm = sys.mesh().solver_dm(sys.nfields());
    sys.set_block_fills(dm);
    Owned<Mat> B;
    ASSERT_EQ(DMCreateMatrix(dm, B.out()), 0);
    // Same storage: pattern size, block size, row distribution.
    MatInfo ia, ib;
    MatGetInfo(A, MAT_GLOBAL_SUM, &ia);
    MatGetInfo(B, MAT_GLOBAL_SUM, &ib);
    EXPECT_EQ(ia.nz_allocated, ib.nz_used) << "dim " << dim;
    EXPECT_EQ(ia.nz_used, ib.nz_used) << "dim " << dim;
    PetscInt bsa, bsb, ra[2], rb[2];
    MatGetBlockSize(A, &bsa);
    MatGetBlockSize(B, &bsb);
    EXPECT_EQ(bsa, bsb);
    MatGetOwnershipRange(A, &ra[0], &ra[1]);
    MatGetOwnershipRange(B, &rb[0], &rb[1]);
    EXPECT_EQ(ra[0], rb[0]);
    EXPECT_EQ(ra[1], rb[1]);
    // The pinned, reacting Jacobian (every coupling the assembly writes) goes into the
    // preallocated pattern without a new nonzero (assemble throws on one) and equals the
    // assembly into PETSc's matrix: same ordering, same local-to-global mapping.
    sys.set_pins({{0, 1.0}});
    ASSERT_NO_THROW(sys.assemble(A, 0.7, 1.3, true, c)) << "dim " << dim;
    sys.assemble(B, 0.7, 1.3, true, c);
    sys.set_pins({});
    MatInfo after;
    MatGetInfo(A, MAT_GLOBAL_SUM, &after);
    EXPECT_EQ(after.nz_used, ia.nz_used) << "dim " << dim;
    EXPECT_EQ(after.mallocs, 0.0) << "dim " << dim;
    PetscBool equal = PETSC_FALSE;
    MatEqual(A, B, &equal);
    EXPECT_TRUE(equal) << "dim " << dim;
    PetscReal norm = 0;
    MatNorm(A, NORM_FROBENIUS, &norm);
    EXPECT_GT(norm, 0.0);
  }
}

TEST(StencilMatrix, AnEntryOutsideTheStencilIsAnError) {
  auto cs = Case::from_string(PETSC_COMM_SELF, periodic_multifield_case(2), "pattern.toml");
  Owned<Mat> A(cs->system().create_matrix());
  // the plain species (field 2) does not react: it couples to no other field of its cell;
  // cell (2, 0) is no face neighbour of cell (0, 0)
  MatStencil row{}, other_field{}, far_cell{};
  row.c = 2;
  other_field.c = 0;
  far_cell.i = 2;
  far_cell.c = 2;
  const PetscScalar one = 1.0;
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  EXPECT_NE(MatSetValuesStencil(A, 1, &row, 1, &other_field, &one, ADD_VALUES), 0);
  EXPECT_NE(MatSetValuesStencil(A, 1, &row, 1, &far_cell, &one, ADD_VALUES), 0);
  EXPECT_EQ(MatSetValuesStencil(A, 1, &row, 1, &row, &one, ADD_VALUES), 0);
  PetscPopErrorHandler();
}
