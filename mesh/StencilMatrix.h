#pragma once
/// @file StencilMatrix.h  Matrices of nearest-neighbour (star) operators on a Mesh's DMDA,
/// preallocated exactly from the stencil.
///
/// DMCreateMatrix builds the same structure generically (index sets, preallocation counters,
/// and zeros inserted entry by entry through the local-to-global mapping), which costs more
/// than assembling the operator itself on large meshes. Here the rows are written once as
/// compressed sparse rows and their column indices handed to the AIJ blocks as whole arrays
/// (MatSeqAIJSetColumnIndices).
#include <petscdmda.h>
#include <petscmat.h>

#include <span>

#include "core/Petsc.h"

namespace td {

/// A new matrix on @p dm (a DMDA of stencil width >= 1, nf fields per cell) whose rows
/// couple each cell to itself with the pattern @p dfill and to its face neighbours (along
/// each axis, across periodic wraps, none beyond a non-periodic wall) with @p ofill; both
/// nf x nf row-major, 1 = coupled, as DMDASetBlockFills; empty spans couple every field.
/// The ordering, block size, local-to-global mapping and stencil (MatSetValuesLocal,
/// MatSetValuesStencil) are those of DMCreateMatrix on @p dm; the pattern is fixed
/// (MAT_NEW_NONZERO_ALLOCATION_ERR and MAT_NEW_NONZERO_LOCATION_ERR are on) with zero values.
/// A matrix type other than AIJ chosen in the options (-dm_mat_type, -mat_type) falls back
/// to DMCreateMatrix with the same block fills.
Owned<Mat> create_star_matrix(DM dm, std::span<const PetscInt> dfill = {},
                              std::span<const PetscInt> ofill = {});

/// Whether @p A is a matrix of create_star_matrix whose every row, on every rank, is stored
/// in stencil order: the lower neighbours from the outermost axis in, the cell's own fields,
/// the upper neighbours from the innermost axis out (each with the fields of its fill, in
/// increasing order). Such a row can be written whole, by MatSetValuesRow (global row index),
/// without PETSc's column search. True on one rank without periodic axes, and on several
/// where the ranks split the mesh along its outermost axis only; a periodic wrap, or a
/// neighbour of another rank along an inner axis, is stored out of this order.
bool rows_in_stencil_order(Mat A);

}  // namespace td
