#include "mesh/StencilMatrix.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "core/Error.h"
#include "mesh/DmdaViews.h"

namespace td {

namespace {

/// Name under which create_star_matrix marks a matrix whose rows are stored in stencil order.
constexpr const char* kStencilOrderKey = "td_rows_in_stencil_order";

/// The generic path, for matrix types other than AIJ.
Owned<Mat> dmda_matrix(DM dm, PetscInt nf, std::span<const PetscInt> dfill,
                       std::span<const PetscInt> ofill) {
  if (nf > 1 && !dfill.empty()) TD_PETSC(DMDASetBlockFills(dm, dfill.data(), ofill.data()));
  Owned<Mat> A;
  TD_PETSC(DMCreateMatrix(dm, A.out()));
  TD_PETSC(MatSetOption(A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return A;
}

}  // namespace

Owned<Mat> create_star_matrix(DM dm, std::span<const PetscInt> dfill,
                              std::span<const PetscInt> ofill) {
  PetscInt dim = 0, M = 1, N = 1, P = 1, nf = 1, width = 0;
  DMDAStencilType type;
  TD_PETSC(DMDAGetInfo(dm, &dim, &M, &N, &P, nullptr, nullptr, nullptr, &nf, &width, nullptr,
                       nullptr, nullptr, &type));
  const std::size_t nfill = static_cast<std::size_t>(nf) * static_cast<std::size_t>(nf);
  if (width < 1 || (!dfill.empty() && dfill.size() != nfill) ||
      (!ofill.empty() && ofill.size() != nfill) || dfill.empty() != ofill.empty())
    throw Error(
        fmt::format("create_star_matrix: needs a DMDA of stencil width >= 1 (has {}) "
                    "and {}x{} block fills",
                    width, nf, nf));
  auto coupled = [&](std::span<const PetscInt> fill, PetscInt r, PetscInt c) {
    return fill.empty() || fill[static_cast<std::size_t>(r * nf + c)] != 0;
  };

  const dmda::Box own = dmda::owned_box(dm), ghost = dmda::ghost_box(dm);
  const PetscInt nrows = own.n[0] * own.n[1] * own.n[2] * nf;
  Owned<Mat> A;
  TD_PETSC(MatCreate(PetscObjectComm(reinterpret_cast<PetscObject>(dm)), A.out()));
  TD_PETSC(MatSetSizes(A, nrows, nrows, M * N * P * nf, M * N * P * nf));
  TD_PETSC(MatSetBlockSize(A, nf));
  MatType mtype;
  TD_PETSC(DMGetMatType(dm, &mtype));
  TD_PETSC(MatSetType(A, mtype));
  TD_PETSC(MatSetFromOptions(A));
  PetscBool aij = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompareAny(reinterpret_cast<PetscObject>(A.get()), &aij, MATSEQAIJ,
                                     MATMPIAIJ, ""));
  if (!aij) return dmda_matrix(dm, nf, dfill, ofill);

  // Rows in the DMDA's order (owned cells x fastest, fields innermost), columns first as
  // ghosted local indices, then mapped to global ones in one call. A neighbour is a fixed
  // offset in the ghosted array (stride of its axis times nf); the ghost box ends at a wall
  // and wraps across a periodic boundary, so a neighbour exists iff it lies inside it.
  const std::array<PetscInt, 3> stride{nf, nf * ghost.n[0], nf * ghost.n[0] * ghost.n[1]};
  // the fields each field r couples to, in its own cell and in a neighbour
  std::vector<std::vector<PetscInt>> dcols(static_cast<std::size_t>(nf)), ocols(dcols);
  for (PetscInt r = 0; r < nf; ++r)
    for (PetscInt c = 0; c < nf; ++c) {
      if (coupled(dfill, r, c)) dcols[static_cast<std::size_t>(r)].push_back(c);
      if (coupled(ofill, r, c)) ocols[static_cast<std::size_t>(r)].push_back(c);
    }
  std::vector<PetscInt> rowptr(static_cast<std::size_t>(nrows) + 1, 0);
  // at most the cell and 2 dim neighbours, nf fields each
  std::vector<PetscInt> cols(static_cast<std::size_t>(nrows) *
                             static_cast<std::size_t>(nf * (1 + 2 * dim)));
  PetscInt* out = cols.data();
  std::size_t row = 0;
  for (PetscInt k = own.s[2]; k < own.s[2] + own.n[2]; ++k)
    for (PetscInt j = own.s[1]; j < own.s[1] + own.n[1]; ++j)
      for (PetscInt i = own.s[0]; i < own.s[0] + own.n[0]; ++i) {
        const std::array<PetscInt, 3> idx{i, j, k};
        const PetscInt base =
            ghost.at({static_cast<int>(i), static_cast<int>(j), static_cast<int>(k)},
                     static_cast<int>(nf), 0);
        std::array<bool, 3> has_lo{}, has_up{};
        for (int a = 0; a < dim; ++a) {
          has_lo[a] = idx[a] - 1 >= ghost.s[a];
          has_up[a] = idx[a] + 1 < ghost.s[a] + ghost.n[a];
        }
        for (std::size_t r = 0; r < static_cast<std::size_t>(nf); ++r) {
          auto put = [&](PetscInt first, const std::vector<PetscInt>& fields) {
            for (PetscInt c : fields) *out++ = first + c;
          };
          // ascending local indices: lower neighbours from the outermost axis in, the cell,
          // upper neighbours from the innermost axis out
          for (int a = dim - 1; a >= 0; --a)
            if (has_lo[a]) put(base - stride[a], ocols[r]);
          put(base, dcols[r]);
          for (int a = 0; a < dim; ++a)
            if (has_up[a]) put(base + stride[a], ocols[r]);
          rowptr[++row] = static_cast<PetscInt>(out - cols.data());
        }
      }
  cols.resize(static_cast<std::size_t>(rowptr[row]));
  ISLocalToGlobalMapping ltog;
  TD_PETSC(DMGetLocalToGlobalMapping(dm, &ltog));
  TD_PETSC(ISLocalToGlobalMappingApply(ltog, static_cast<PetscInt>(cols.size()), cols.data(),
                                       cols.data()));
  // Sorted, distinct columns per row: ghost cells of other ranks and periodic wraps map
  // out of order, and a periodic axis of one or two cells meets the same neighbour on both
  // sides. Rows are compacted only once a duplicate has been dropped.
  PetscInt kept = 0;
  bool reordered = false;  // some row's stored order differs from the order written above
  for (std::size_t r = 0; r < row; ++r) {
    const auto first = cols.begin() + rowptr[r], last = cols.begin() + rowptr[r + 1];
    if (!std::is_sorted(first, last)) {
      std::sort(first, last);
      reordered = true;
    }
    const auto end = std::unique(first, last);
    reordered = reordered || end != last;
    const auto dest = cols.begin() + kept;
    rowptr[r] = kept;
    kept += static_cast<PetscInt>(end - first);
    if (dest != first) std::copy(first, end, dest);
  }
  rowptr[row] = kept;
  cols.resize(static_cast<std::size_t>(kept));
  // The column indices go in as whole arrays (MatSeqAIJSetColumnIndices: on one rank the
  // matrix, on several its diagonal block in local columns and its off-diagonal block in
  // global ones, which the first assembly compresses), instead of the CSR preallocation's
  // insertion of zeros row by row (MatSetValues), which costs more than an assembly.
  std::vector<PetscInt> nnz(static_cast<std::size_t>(nrows));
  PetscBool seq = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(A.get()), MATSEQAIJ, &seq));
  if (seq) {
    for (std::size_t r = 0; r < row; ++r) nnz[r] = rowptr[r + 1] - rowptr[r];
    TD_PETSC(MatSeqAIJSetPreallocation(A, 0, nnz.data()));
    TD_PETSC(MatSeqAIJSetColumnIndices(A, cols.data()));
  } else {
    // the DMDA numbers each rank's cells in one block, ranks in order
    PetscInt first = 0;
    MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(dm));
    MPI_Exscan(&nrows, &first, 1, MPIU_INT, MPI_SUM, comm);
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) first = 0;
    const PetscInt last = first + nrows;
    std::vector<PetscInt> onnz(nnz.size()), dcol, ocol;
    dcol.reserve(cols.size());
    for (std::size_t r = 0; r < row; ++r)
      for (PetscInt p = rowptr[r]; p < rowptr[r + 1]; ++p) {
        const PetscInt c = cols[static_cast<std::size_t>(p)];
        if (c >= first && c < last) {
          ++nnz[r];
          dcol.push_back(c - first);
        } else {
          ++onnz[r];
          ocol.push_back(c);
        }
      }
    TD_PETSC(MatMPIAIJSetPreallocation(A, 0, nnz.data(), 0, onnz.data()));
    Mat Ad, Ao;
    TD_PETSC(MatMPIAIJGetSeqAIJ(A, &Ad, &Ao, nullptr));
    TD_PETSC(MatSeqAIJSetColumnIndices(Ad, dcol.data()));
    if (!ocol.empty()) TD_PETSC(MatSeqAIJSetColumnIndices(Ao, ocol.data()));
  }
  TD_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  TD_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  TD_PETSC(MatZeroEntries(A));
  // every rank's rows in stencil order, or none marked: the rows are then written by one
  // insertion mode on every rank (PETSc's assembly refuses a mix)
  int any_reordered = reordered ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &any_reordered, 1, MPI_INT, MPI_MAX,
                PetscObjectComm(reinterpret_cast<PetscObject>(dm)));
  if (any_reordered == 0) {
    PetscContainer mark;
    TD_PETSC(PetscContainerCreate(PETSC_COMM_SELF, &mark));
    TD_PETSC(PetscObjectCompose(reinterpret_cast<PetscObject>(A.get()), kStencilOrderKey,
                                reinterpret_cast<PetscObject>(mark)));
    TD_PETSC(PetscContainerDestroy(&mark));
  }

  TD_PETSC(MatSetLocalToGlobalMapping(A, ltog, ltog));
  PetscInt gs[3], gn[3];
  TD_PETSC(DMDAGetGhostCorners(dm, &gs[0], &gs[1], &gs[2], &gn[0], &gn[1], &gn[2]));
  TD_PETSC(MatSetStencil(A, dim, gn, gs, nf));
  TD_PETSC(MatSetDM(A, dm));
  TD_PETSC(MatSetOption(A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  TD_PETSC(MatSetOption(A, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE));
  return A;
}

bool rows_in_stencil_order(Mat A) {
  PetscObject mark = nullptr;
  TD_PETSC(PetscObjectQuery(reinterpret_cast<PetscObject>(A), kStencilOrderKey, &mark));
  return mark != nullptr;
}

}  // namespace td
