#include "mesh/Multigrid.h"

#include <fmt/format.h>
#include <petscdmda.h>

#include <Eigen/LU>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "core/Error.h"
#include "mesh/StructuredMultigrid.h"

namespace td {

namespace {

/// One axis of a multigrid level: node coordinates and the cells each rank owns.
struct LevelAxis {
  std::vector<double> nodes;  // length unit of the case
  bool periodic = false;
  /// First cell of each rank coordinate along the axis, then the cell count.
  std::vector<PetscInt> starts;

  int cells() const { return static_cast<int>(nodes.size()) - 1; }
  double center(int i) const { return 0.5 * (nodes[i] + nodes[i + 1]); }
  double length() const { return nodes.back() - nodes.front(); }
  int procs() const { return static_cast<int>(starts.size()) - 1; }
  /// Rank coordinate owning cell @p i.
  int owner(int i) const {
    return static_cast<int>(std::upper_bound(starts.begin(), starts.end(), i) - starts.begin()) - 1;
  }
  /// The axis with cells paired: coarse cell I covers fine cells 2I and 2I+1 (the last one
  /// alone when the count is odd) and belongs to the rank owning fine cell 2I.
  LevelAxis coarsened() const {
    LevelAxis c;
    c.periodic = periodic;
    const int n = cells();
    for (int i = 0; i <= n; i += 2) c.nodes.push_back(nodes[i]);
    if (n % 2 != 0) c.nodes.push_back(nodes[n]);
    for (PetscInt s : starts) c.starts.push_back((s + 1) / 2);
    return c;
  }
};

/// A level's cells and their numbering in PETSc's DMDA order: each rank's cells form one
/// contiguous block, ranks in the order of their coordinates (x fastest), cells within a
/// block in natural order (x fastest).
struct Level {
  int dim = 1;
  std::array<LevelAxis, 3> axes;
  std::vector<PetscInt> offsets;   // first cell of each rank's block, then the total
  std::array<int, 3> me{0, 0, 0};  // this rank's coordinates

  PetscInt first(int a) const { return axes[a].starts[me[a]]; }
  PetscInt count(int a) const { return axes[a].starts[me[a] + 1] - first(a); }
  PetscInt local_cells() const { return count(0) * count(1) * count(2); }

  void number(int rank) {
    const int px = axes[0].procs(), py = axes[1].procs(), pz = axes[2].procs();
    me = {rank % px, (rank / px) % py, rank / (px * py)};
    offsets.assign(1, 0);
    for (int k = 0; k < pz; ++k)
      for (int j = 0; j < py; ++j)
        for (int i = 0; i < px; ++i) {
          PetscInt n = 1;
          for (int a = 0; a < 3; ++a) {
            const int p = a == 0 ? i : (a == 1 ? j : k);
            n *= axes[a].starts[p + 1] - axes[a].starts[p];
          }
          offsets.push_back(offsets.back() + n);
        }
  }

  Level coarsened(int rank) const {
    Level c;
    c.dim = dim;
    for (int a = 0; a < 3; ++a) c.axes[a] = a < dim ? axes[a].coarsened() : axes[a];
    c.number(rank);
    return c;
  }
};

/// The mesh level: the mesh's axes and its DMDA's partition.
Level mesh_level(const Mesh& mesh) {
  Level l;
  l.dim = mesh.dim();
  PetscInt p[3];
  TD_PETSC(DMDAGetInfo(mesh.dm(), nullptr, nullptr, nullptr, nullptr, &p[0], &p[1], &p[2], nullptr,
                       nullptr, nullptr, nullptr, nullptr, nullptr));
  const PetscInt* ranges[3] = {nullptr, nullptr, nullptr};
  TD_PETSC(DMDAGetOwnershipRanges(mesh.dm(), &ranges[0], &ranges[1], &ranges[2]));
  for (int a = 0; a < 3; ++a) {
    LevelAxis& ax = l.axes[a];
    ax.starts.assign(1, 0);
    if (a >= l.dim) {
      ax.nodes = {0.0, 1.0};
      ax.starts.push_back(1);
      continue;
    }
    ax.nodes = mesh.axis(a).nodes;
    ax.periodic = mesh.axis(a).periodic;
    for (PetscInt r = 0; r < p[a]; ++r) ax.starts.push_back(ax.starts.back() + ranges[a][r]);
  }
  int rank = 0;
  MPI_Comm_rank(mesh.comm(), &rank);
  l.number(rank);
  return l;
}

/// Coarse cells and weights of fine cell @p i along one axis: the linear interpolant between
/// the centre of the parent and that of the coarse neighbour on the fine cell's side.
struct AxisWeights {
  int n = 0;
  std::array<int, 2> cell{};
  std::array<double, 2> w{};
};

AxisWeights axis_weights(const LevelAxis& fine, const LevelAxis& coarse, bool coarsened, int i) {
  if (!coarsened) return {1, {i, 0}, {1.0, 0.0}};
  const int I = i / 2, nc = coarse.cells();
  const double xf = fine.center(i), xI = coarse.center(I);
  if (xf == xI || nc == 1) return {1, {I, 0}, {1.0, 0.0}};
  int nb = xf < xI ? I - 1 : I + 1;
  double shift = 0.0;  // periodic image of the neighbour's centre
  if (nb < 0 || nb >= nc) {
    if (!coarse.periodic) return {1, {I, 0}, {1.0, 0.0}};
    shift = nb < 0 ? -coarse.length() : coarse.length();
    nb = (nb + nc) % nc;
  }
  const double w = (xf - xI) / (coarse.center(nb) + shift - xI);
  return {2, {I, nb}, {1.0 - w, w}};
}

/// Where each cell of one axis of a level sits in the level's numbering: the rank coordinate
/// owning it and its position within that rank's block.
struct AxisPlace {
  std::vector<int> owner;
  std::vector<PetscInt> local;
};

AxisPlace axis_places(const LevelAxis& ax) {
  AxisPlace out;
  out.owner.resize(static_cast<std::size_t>(ax.cells()));
  out.local.resize(out.owner.size());
  for (int p = 0; p < ax.procs(); ++p)
    for (PetscInt i = ax.starts[p]; i < ax.starts[p + 1]; ++i) {
      out.owner[static_cast<std::size_t>(i)] = p;
      out.local[static_cast<std::size_t>(i)] = i - ax.starts[p];
    }
  return out;
}

/// Prolongation from @p coarse to @p fine for @p dof fields per cell.
///
/// Built row by row in compressed sparse row form and handed to PETSc whole (the
/// preallocation from CSR inserts the values): at most 2 coarse cells per axis contribute to
/// a fine cell, and the per-axis weights and coarse positions are computed once per axis
/// rather than once per cell (at 1024^2 cell-by-cell insertion took longer than the
/// V-cycles of the solve).
Owned<Mat> prolongation(MPI_Comm comm, const Level& fine, const Level& coarse, int dof) {
  constexpr int kMaxEntries = 8;  // 2 per axis in 3D
  std::array<std::vector<AxisWeights>, 3> aw;
  std::array<AxisPlace, 3> place;
  for (int a = 0; a < 3; ++a) {
    for (PetscInt i = fine.first(a); i < fine.first(a) + fine.count(a); ++i)
      aw[a].push_back(
          axis_weights(fine.axes[a], coarse.axes[a], a < fine.dim, static_cast<int>(i)));
    place[a] = axis_places(coarse.axes[a]);
  }
  const int px = coarse.axes[0].procs(), py = coarse.axes[1].procs();
  const PetscInt rows = fine.local_cells() * dof;
  std::vector<PetscInt> row_start{0}, cols;
  std::vector<PetscScalar> vals;
  row_start.reserve(static_cast<std::size_t>(rows) + 1);
  cols.reserve(static_cast<std::size_t>(rows) * kMaxEntries);
  vals.reserve(cols.capacity());
  for (const AxisWeights& wz : aw[2])
    for (const AxisWeights& wy : aw[1])
      for (const AxisWeights& wx : aw[0]) {
        std::array<std::pair<PetscInt, PetscScalar>, kMaxEntries> entry{};
        int n = 0;
        for (int r = 0; r < wz.n; ++r)
          for (int q = 0; q < wy.n; ++q)
            for (int p = 0; p < wx.n; ++p) {
              const std::array<int, 3> c{wx.cell[p], wy.cell[q], wz.cell[r]};
              std::array<int, 3> o{};
              std::array<PetscInt, 3> nloc{};
              for (int a = 0; a < 3; ++a) {
                o[a] = place[a].owner[static_cast<std::size_t>(c[a])];
                nloc[a] = coarse.axes[a].starts[o[a] + 1] - coarse.axes[a].starts[o[a]];
              }
              const PetscInt cell =
                  coarse.offsets[static_cast<std::size_t>(o[0] + px * (o[1] + py * o[2]))] +
                  (place[2].local[static_cast<std::size_t>(c[2])] * nloc[1] +
                   place[1].local[static_cast<std::size_t>(c[1])]) *
                      nloc[0] +
                  place[0].local[static_cast<std::size_t>(c[0])];
              // each row's columns in increasing order, as PETSc's CSR preallocation wants
              int e = n++;
              for (; e > 0 && entry[e - 1].first > cell * dof; --e) entry[e] = entry[e - 1];
              entry[e] = {cell * dof, wx.w[p] * wy.w[q] * wz.w[r]};
            }
        for (int f = 0; f < dof; ++f) {
          for (int e = 0; e < n; ++e) {
            cols.push_back(entry[e].first + f);
            vals.push_back(entry[e].second);
          }
          row_start.push_back(static_cast<PetscInt>(cols.size()));
        }
      }
  Owned<Mat> P;
  TD_PETSC(MatCreate(comm, P.out()));
  TD_PETSC(MatSetSizes(P, rows, coarse.local_cells() * dof, PETSC_DETERMINE, PETSC_DETERMINE));
  TD_PETSC(MatSetBlockSizes(P, dof, dof));
  TD_PETSC(MatSetType(P, MATAIJ));
  // only the call matching the matrix's type (sequential on one rank) acts
  TD_PETSC(MatSeqAIJSetPreallocationCSR(P, row_start.data(), cols.data(), vals.data()));
  TD_PETSC(MatMPIAIJSetPreallocationCSR(P, row_start.data(), cols.data(), vals.data()));
  return P;
}

/// LU factors without pivoting of small blocks that share one sparsity pattern (the diagonal
/// blocks of the cells: the reactions between a cell's fields), stored on the pattern of the
/// factors only. Why: the inverse of a chain's tridiagonal block is dense, and at 8 fields the
/// dense inverses (64 values per cell) were more memory than the level's matrix; the factors
/// of a tridiagonal block hold 3 d - 2 values. Without pivoting LU is stable for diagonally
/// dominant blocks (by rows or by columns: transport adds to the diagonal, and the reactions'
/// columns sum to zero); other blocks are refused (factor() false) and left to the caller.
struct SparseBlockLu {
  std::size_t d = 0, per_cell = 0;
  std::vector<std::size_t> lstart, lcol;  // strictly lower entries of L, by row
  std::vector<std::size_t> ustart, ucol;  // strictly upper entries of U, by row
  std::vector<PetscScalar> values;        // per cell: L, U, then 1 / diagonal of U
  bool tridiagonal = false;  // the factors of a chain: L below, U above the diagonal only

  /// The pattern of the factors of blocks with pattern @p pattern (d x d, row-major, 1 =
  /// entry): elimination without pivoting fills (i, j) when (i, k) and (k, j) are entries.
  void symbolic(std::vector<char> pattern, std::size_t n) {
    d = n;
    for (std::size_t k = 0; k < d; ++k)
      for (std::size_t i = k + 1; i < d; ++i)
        if (pattern[i * d + k])
          for (std::size_t j = k + 1; j < d; ++j)
            if (pattern[k * d + j]) pattern[i * d + j] = 1;
    lstart.assign(1, 0);
    ustart.assign(1, 0);
    lcol.clear();
    ucol.clear();
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = 0; j < d; ++j) {
        if (!pattern[i * d + j] || i == j) continue;
        (j < i ? lcol : ucol).push_back(j);
      }
      lstart.push_back(lcol.size());
      ustart.push_back(ucol.size());
    }
    per_cell = lcol.size() + ucol.size() + d;
    tridiagonal = true;
    for (std::size_t i = 0; i < d; ++i) {
      const std::size_t nl = lstart[i + 1] - lstart[i], nu = ustart[i + 1] - ustart[i];
      tridiagonal = tridiagonal && nl == (i > 0 ? 1 : 0) && nu == (i + 1 < d ? 1 : 0) &&
                    (nl == 0 || lcol[lstart[i]] == i - 1) && (nu == 0 || ucol[ustart[i]] == i + 1);
    }
  }

  /// Factor @p block (d x d row-major, overwritten) into @p out; false when it is not
  /// diagonally dominant by rows or by columns, or a pivot is zero or not finite.
  bool factor(PetscScalar* block, PetscScalar* out) const {
    bool rows = true, cols = true;
    for (std::size_t i = 0; i < d; ++i) {
      PetscScalar row_off = 0.0, col_off = 0.0;
      for (std::size_t j = 0; j < d; ++j)
        if (j != i) {
          row_off += std::abs(block[i * d + j]);
          col_off += std::abs(block[j * d + i]);
        }
      rows = rows && std::abs(block[i * d + i]) >= row_off;
      cols = cols && std::abs(block[i * d + i]) >= col_off;
    }
    if (!rows && !cols) return false;
    for (std::size_t k = 0; k < d; ++k) {
      const PetscScalar pivot = block[k * d + k];
      if (pivot == 0.0 || !std::isfinite(pivot)) return false;
      for (std::size_t i = k + 1; i < d; ++i) {
        if (block[i * d + k] == 0.0) continue;
        const PetscScalar l = block[i * d + k] / pivot;
        block[i * d + k] = l;
        for (std::size_t j = k + 1; j < d; ++j) block[i * d + j] -= l * block[k * d + j];
      }
    }
    PetscScalar* o = out;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t q = lstart[i]; q < lstart[i + 1]; ++q) *o++ = block[i * d + lcol[q]];
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t q = ustart[i]; q < ustart[i + 1]; ++q) *o++ = block[i * d + ucol[q]];
    for (std::size_t i = 0; i < d; ++i) *o++ = 1.0 / block[i * d + i];
    return true;
  }

  /// out = (L U)^-1 t with the factors @p f of one cell (@p t is overwritten).
  void solve(const PetscScalar* f, PetscScalar* t, PetscScalar* out) const {
    const PetscScalar* L = f;
    const PetscScalar* U = L + lcol.size();
    const PetscScalar* inv_diag = U + ucol.size();
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t q = lstart[i]; q < lstart[i + 1]; ++q) t[i] -= L[q] * t[lcol[q]];
    for (std::size_t i = d; i-- > 0;) {
      PetscScalar s = t[i];
      for (std::size_t q = ustart[i]; q < ustart[i + 1]; ++q) s -= U[q] * out[ucol[q]];
      out[i] = s * inv_diag[i];
    }
  }

  /// solve() for tridiagonal factors (a chain of fields), @p D fields at compile time or 0.
  /// Why: the general solve walks the pattern's index lists; here the substitutions are two
  /// recurrences the compiler unrolls, which matters as they are the sweeps' critical path.
  template <std::size_t D>
  void solve_tridiagonal(const PetscScalar* f, PetscScalar* t, PetscScalar* out) const {
    const std::size_t n = D ? D : d;
    const PetscScalar* L = f;            // L[i - 1]: row i's entry at column i - 1
    const PetscScalar* U = f + (n - 1);  // U[i]: row i's entry at column i + 1
    const PetscScalar* inv_diag = U + (n - 1);
    for (std::size_t i = 1; i < n; ++i) t[i] -= L[i - 1] * t[i - 1];
    out[n - 1] = t[n - 1] * inv_diag[n - 1];
    for (std::size_t i = n - 1; i-- > 0;) out[i] = (t[i] - U[i] * out[i + 1]) * inv_diag[i];
  }

  /// The dense inverse (d x d, row-major) from the factors @p f of one cell; @p work holds
  /// 2 d values (called once per cell at every set-up: no allocation here).
  void inverse(const PetscScalar* f, PetscScalar* inv, PetscScalar* work) const {
    PetscScalar* e = work;
    PetscScalar* col = work + d;
    for (std::size_t j = 0; j < d; ++j) {
      std::fill(e, e + d, 0.0);
      e[j] = 1.0;
      solve(f, e, col);
      for (std::size_t i = 0; i < d; ++i) inv[i * d + j] = col[i];
    }
  }
};

/// Calls @p f with the number of fields @p dof as a compile-time constant where it is small
/// and common (2, 3, 4, 8), else with 0 (the callee reads the number at run time).
template <class F>
void with_fields(int dof, F&& f) {
  switch (dof) {
    case 2:
      f(std::integral_constant<std::size_t, 2>{});
      break;
    case 3:
      f(std::integral_constant<std::size_t, 3>{});
      break;
    case 4:
      f(std::integral_constant<std::size_t, 4>{});
      break;
    case 8:
      f(std::integral_constant<std::size_t, 8>{});
      break;
    default:
      f(std::integral_constant<std::size_t, 0>{});
      break;
  }
}

/// The couplings of each cell's fields to the same fields of other cells of the rank, stored
/// without column indices: per cell, a pattern (the other cells' offsets, shared by the cells
/// of one kind: inner, at a face, an edge, a corner) and its coefficients, field by field.
/// Why: at 8 fields the smoother is bound by memory (a level's matrix does not fit in the
/// cache); from the matrix its sweeps read 12 bytes a coupling plus the row's start and block
/// bounds, from here 8 bytes. The values are those of the matrix (double precision): the
/// sweeps in update form converge to the solution of the matrix they read, and a rounded
/// copy would leave a multigrid iteration (Richardson with PCMG) short of the solution.
/// Applies where every coupling between cells joins a field to the same field (transport of
/// states and species); otherwise (heat, whose rows couple the neighbours' temperature, or
/// the 9- and 27-point coarse stencils of Galerkin products) the sweeps read the matrix.
struct FieldCouplings {
  // per pattern: the other cells' offsets (ascending) in entries, i.e. cells times d
  std::vector<std::vector<std::ptrdiff_t>> strides;
  std::vector<std::size_t> lower_count;              // per pattern: how many offsets are negative
  std::vector<std::uint16_t> pattern;                // per cell: its pattern
  std::vector<std::size_t> start;                    // per cell: its first coefficient
  std::vector<PetscScalar> coef;                     // per cell and field: a value per coupled cell

  /// From the CSR rows @p ia, @p ja, @p a of @p cells cells of @p d fields, the block of cell
  /// c's row r spanning [lo[r], hi[r]); false (and empty) when a coupling joins different
  /// fields, the fields of a cell couple to different cells, or the patterns are too many.
  template <std::size_t D>
  bool build(std::size_t cells, std::size_t d_runtime, const PetscInt* ia, const PetscInt* ja,
             const PetscScalar* a, const PetscInt* lo, const PetscInt* hi) {
    const std::size_t d = D ? D : d_runtime;
    clear();
    std::size_t total = 0;
    for (std::size_t row = 0; row < cells * d; ++row)
      total += static_cast<std::size_t>((lo[row] - ia[row]) + (ia[row + 1] - hi[row]));
    coef.resize(total);
    pattern.resize(cells);
    start.resize(cells);
    std::array<std::ptrdiff_t, kMaxCouplings> cell_strides;
    std::size_t next = 0;
    const PetscInt nd = static_cast<PetscInt>(d);
    for (std::size_t c = 0; c < cells; ++c) {
      const std::ptrdiff_t first = static_cast<std::ptrdiff_t>(c * d);
      const std::size_t row0 = c * d;
      // the offsets from field 0's row
      const std::size_t n =
          static_cast<std::size_t>((lo[row0] - ia[row0]) + (ia[row0 + 1] - hi[row0]));
      if (n > kMaxCouplings) return fail();
      std::size_t q = 0;
      for (PetscInt k = ia[row0]; k < ia[row0 + 1]; ++k) {
        if (k == lo[row0]) k = hi[row0];
        if (k == ia[row0 + 1]) break;
        if (ja[k] % nd != 0) return fail();
        cell_strides[q++] = ja[k] - first;
      }
      start[c] = next;
      PetscScalar* w = coef.data() + next;
      next += n * d;
      // every field's row couples to the same field of the same cells
      for (std::size_t f = 0; f < d; ++f) {
        const std::size_t row = row0 + f;
        if (static_cast<std::size_t>((lo[row] - ia[row]) + (ia[row + 1] - hi[row])) != n)
          return fail();
        q = 0;
        for (PetscInt k = ia[row]; k < ia[row + 1]; ++k) {
          if (k == lo[row]) k = hi[row];
          if (k == ia[row + 1]) break;
          if (ja[k] != first + cell_strides[q] + static_cast<std::ptrdiff_t>(f)) return fail();
          w[f * n + q++] = a[k];
        }
      }
      // consecutive cells mostly share a pattern: the previous cell's first
      const std::ptrdiff_t* begin = cell_strides.data();
      const std::ptrdiff_t* end = begin + n;
      auto same = [&](std::size_t p) {
        return strides[p].size() == n && std::equal(begin, end, strides[p].begin());
      };
      std::size_t p = c > 0 ? pattern[c - 1] : 0;
      if (p >= strides.size() || !same(p)) {
        p = 0;
        while (p < strides.size() && !same(p)) ++p;
        if (p == strides.size()) {
          if (p == kMaxPatterns) return fail();
          strides.emplace_back(begin, end);
          lower_count.push_back(
              static_cast<std::size_t>(std::lower_bound(begin, end, std::ptrdiff_t{0}) - begin));
        }
      }
      pattern[c] = static_cast<std::uint16_t>(p);
    }
    return true;
  }

  void clear() {
    strides.clear();
    lower_count.clear();
    pattern.clear();
    start.clear();
    coef.clear();
  }

  /// t -= the couplings of cell @p c to the earlier (@p lower) and later (@p upper) cells
  /// times @p z (d fields a cell).
  template <std::size_t D>
  void subtract(std::size_t c, std::size_t d_runtime, bool lower, bool upper, const PetscScalar* z,
                PetscScalar* t) const {
    const std::size_t d = D ? D : d_runtime;
    const std::size_t p = pattern[c];
    const std::ptrdiff_t* stride = strides[p].data();
    const std::size_t n = strides[p].size();
    const std::size_t first = lower ? 0 : lower_count[p];
    const std::size_t end = upper ? n : lower_count[p];
    const PetscScalar* w = coef.data() + start[c];
    // field by field, each sum in a register (as the rows of a matrix)
    for (std::size_t f = 0; f < d; ++f) {
      const PetscScalar* zf = z + c * d + f;
      const PetscScalar* wf = w + f * n;
      PetscScalar s = t[f];
      for (std::size_t k = first; k < end; ++k) s -= wf[k] * zf[stride[k]];
      t[f] = s;
    }
  }

 private:
  // at most 3^3 kinds of cells in 3D, and more with periodic wrap-arounds on one rank
  static constexpr std::size_t kMaxPatterns = 1024;
  // couplings of a row to other cells: 2 per axis on the solvers' levels (a 27-point coarse
  // stencil has 26, and fails the same-field test anyway)
  static constexpr std::size_t kMaxCouplings = 32;

  bool fail() {
    clear();
    return false;
  }
};

/// Block symmetric Gauss-Seidel smoother for several fields per cell (PCSHELL): one forward
/// and one backward sweep over the cells of the rank, each solving for all the fields of a
/// cell at once with the inverse of the cell's diagonal block (the reactions between its
/// states), so that fast reactions are relaxed exactly as under point-block Jacobi; couplings
/// to other ranks enter through the residual of the Krylov method around it (block Jacobi
/// between ranks, as PETSc's SOR). As a preconditioner it applies M^-1 with
/// M = (D + L) D^-1 (D + U), D the cells' diagonal blocks and L, U the couplings to earlier
/// and later cells of the rank: under Richardson with one iteration it is one symmetric block
/// Gauss-Seidel sweep from the current iterate. Needs an AIJ matrix (sequential or MPI) whose
/// rows number the fields of a cell consecutively (the solvers' DMDA order and the levels of
/// cell_prolongations).
class BlockSgs {
  /// The compressed rows of a sequential AIJ matrix, borrowed between open and close.
  struct Csr {
    Mat mat = nullptr;
    PetscInt n = 0;
    const PetscInt* ia = nullptr;
    const PetscInt* ja = nullptr;
    const PetscScalar* a = nullptr;

    PetscErrorCode open(Mat m) {
      mat = m;
      PetscBool done = PETSC_FALSE;
      PetscCall(MatGetRowIJ(mat, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
      PetscCheck(done, PETSC_COMM_SELF, PETSC_ERR_SUP, "block Gauss-Seidel: no CSR access");
      return MatSeqAIJGetArrayRead(mat, &a);
    }
    PetscErrorCode close() {
      PetscBool done = PETSC_FALSE;
      PetscCall(MatSeqAIJRestoreArrayRead(mat, &a));
      return MatRestoreRowIJ(mat, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done);
    }
  };

 public:
  explicit BlockSgs(int dof)
      : dof_(dof), t_(static_cast<std::size_t>(dof)), u_(static_cast<std::size_t>(dof)) {}

  PetscErrorCode set_up(PC pc) {
    Mat A, P;
    PetscCall(PCGetOperators(pc, &A, &P));
    PetscCall(local_part(P, &local_));
    PetscCall(set_up_other_ranks(P));
    Csr m;
    PetscCall(m.open(local_));
    const PetscInt n = m.n;
    const PetscInt* ia = m.ia;
    const PetscInt* ja = m.ja;
    const PetscScalar* a = m.a;
    PetscCheck(n % dof_ == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
               "block Gauss-Seidel: %" PetscInt_FMT " local rows, not a multiple of %d fields",
               n, dof_);
    const std::size_t d = static_cast<std::size_t>(dof_), cells = static_cast<std::size_t>(n) / d;
    lo_.resize(static_cast<std::size_t>(n));
    hi_.resize(static_cast<std::size_t>(n));
    // the pattern of the cells' diagonal blocks (their union over the rank's cells)
    std::vector<char> pattern(d * d, 0);
    for (std::size_t c = 0; c < cells; ++c) {
      const PetscInt first = static_cast<PetscInt>(c * d), end = first + dof_;
      for (std::size_t f = 0; f < d; ++f) {
        const PetscInt r = first + static_cast<PetscInt>(f);
        PetscInt k = ia[r];
        while (k < ia[r + 1] && ja[k] < first) ++k;  // columns of a row are sorted
        lo_[static_cast<std::size_t>(r)] = k;
        for (; k < ia[r + 1] && ja[k] < end; ++k)
          pattern[f * d + static_cast<std::size_t>(ja[k] - first)] = 1;
        hi_[static_cast<std::size_t>(r)] = k;
      }
    }
    // the couplings between cells from their own copy from 5 fields a cell: bench_multistate
    // steady 256, time in the preconditioner (-log_view PCApply, 3 runs each): 8 states
    // 0.41 s against 0.53 s from the matrix, 4 states 0.20 s both, 2 states 0.076 s against
    // 0.069 s (a cell's own overhead is spread over fewer fields, and the level matrices of
    // 2 fields stay in the cache)
    structured_ = false;
    if (dof_ >= kMinStructuredFields)
      with_fields(dof_, [&](auto fields) {
        structured_ = couplings_.build<fields()>(cells, d, ia, ja, a, lo_.data(), hi_.data());
      });
    if (!structured_) couplings_.clear();
    factors_.symbolic(pattern, d);
    // the factors on their pattern where that is smaller than a dense inverse (a chain of 8
    // states: 22 values against 64); else every block's dense inverse (2 states: 4 both)
    dense_all_ = factors_.per_cell >= d * d;
    factors_.values.assign(dense_all_ ? 0 : cells * factors_.per_cell, 0.0);
    dense_of_.assign(cells, -1);
    dense_inv_.clear();
    if (dense_all_) dense_inv_.resize(cells * d * d);
    std::vector<PetscScalar> block(d * d), lu(d * d), work(factors_.per_cell), scratch(2 * d);
    bool singular = false;
    for (std::size_t c = 0; c < cells; ++c) {
      const PetscInt first = static_cast<PetscInt>(c * d);
      std::fill(block.begin(), block.end(), 0.0);
      for (std::size_t f = 0; f < d; ++f) {
        const PetscInt r = first + static_cast<PetscInt>(f);
        for (PetscInt k = lo_[static_cast<std::size_t>(r)]; k < hi_[static_cast<std::size_t>(r)];
             ++k)
          block[f * d + static_cast<std::size_t>(ja[k] - first)] = a[k];
      }
      lu = block;
      PetscScalar* f = dense_all_ ? work.data() : factors_.values.data() + c * factors_.per_cell;
      const bool factored = factors_.factor(lu.data(), f);
      if (factored && !dense_all_) continue;
      if (!dense_all_) {
        dense_of_[c] = static_cast<PetscInt>(dense_inv_.size() / (d * d));
        dense_inv_.resize(dense_inv_.size() + d * d);
      }
      PetscScalar* inv = dense_all_ ? dense_inv_.data() + c * d * d
                                    : dense_inv_.data() + dense_inv_.size() - d * d;
      if (factored) {
        factors_.inverse(f, inv, scratch.data());
      } else {
        // LU without pivoting is not safe for this block: fully pivoted
        singular |= !invert(block.data(), inv);
      }
    }
    PetscCall(m.close());
    // as point-block Jacobi: a singular cell block fails the preconditioner, and the Krylov
    // method around it reports DIVERGED_PC_FAILED
    if (singular) PetscCall(PCSetFailedReason(pc, PC_FACTOR_NUMERIC_ZEROPIVOT));
    return 0;
  }

  /// y = M^-1 x; with @p Update, one symmetric sweep on A y = x from the current y (sweep).
  template <bool Update = false>
  PetscErrorCode apply(Vec x, Vec y) {
    const PetscScalar* r;
    PetscScalar* z;
    PetscCall(VecGetArrayRead(x, &r));
    PetscCall(VecGetArray(y, &z));
    PetscCall(sweep<Update>(r, z));
    PetscCall(VecRestoreArray(y, &z));
    PetscCall(VecRestoreArrayRead(x, &r));
    return 0;
  }

  /// @p its symmetric sweeps on A x = b from x (PCApplyRichardson): x += M^-1 (b - A x),
  /// from zero without a residual (PCMG's pre-smoothing starts from zero). From a
  /// nonzero x the sweeps update x in place (on several ranks with the couplings to the
  /// other ranks' cells moved to the right-hand side), where the operator is the matrix the
  /// smoother was set up with; otherwise they act on the correction after a residual.
  PetscErrorCode richardson(PC pc, Vec b, Vec x, Vec w, PetscInt its, PetscBool guess_zero) {
    Mat A, P;
    PetscCall(PCGetOperators(pc, &A, &P));
    for (PetscInt it = 0; it < its; ++it) {
      if (it == 0 && guess_zero) {
        PetscCall(apply(b, x));
        continue;
      }
      if (local_ == P && A == P) {
        // one rank: the rows hold every coupling, and the sweep updates x in place from b
        // (Gauss-Seidel's own form), which reads the matrix once per direction instead of a
        // residual pass before the sweeps on the correction
        PetscCall(apply<true>(b, x));
        continue;
      }
      if (to_ghosts_ && A == P) {
        // several ranks: the right-hand side less the couplings to the other ranks' cells
        // (their current values gathered), then the update form on the rank's rows, as
        // PETSc's parallel SOR; instead of a residual pass before sweeps on the correction
        PetscCall(VecScatterBegin(to_ghosts_, x, ghosts_, INSERT_VALUES, SCATTER_FORWARD));
        PetscCall(VecScatterEnd(to_ghosts_, x, ghosts_, INSERT_VALUES, SCATTER_FORWARD));
        // the block is fetched again: PETSc may have replaced it since the set-up
        Mat diagonal_part, other_ranks;
        PetscCall(MatMPIAIJGetSeqAIJ(P, &diagonal_part, &other_ranks, nullptr));
        PetscCall(MatMult(other_ranks, ghosts_, from_ghosts_));
        const PetscScalar* bb;
        const PetscScalar* o;
        PetscScalar* rhs;
        PetscInt n;
        PetscCall(VecGetLocalSize(w, &n));
        PetscCall(VecGetArrayRead(b, &bb));
        PetscCall(VecGetArrayRead(from_ghosts_, &o));
        PetscCall(VecGetArray(w, &rhs));
        for (PetscInt i = 0; i < n; ++i) rhs[i] = bb[i] - o[i];
        PetscCall(VecRestoreArray(w, &rhs));
        PetscCall(VecRestoreArrayRead(from_ghosts_, &o));
        PetscCall(VecRestoreArrayRead(b, &bb));
        PetscCall(apply<true>(w, x));
        continue;
      }
      // the residual form; from a zero iterate (a caller that does not say so) the residual
      // is b, and the pass is skipped (the update forms above need no such check: from zero
      // they give the same step)
      bool zero = false;
      if (it == 0) PetscCall(is_zero(x, &zero));
      if (zero) {
        PetscCall(apply(b, x));
        continue;
      }
      PetscCall(MatResidual(A, b, x, w));
      PetscScalar* z;
      PetscCall(VecGetArray(w, &z));
      // in place: each cell's residual is read before its update
      PetscCall(sweep<false>(z, z));
      PetscCall(VecRestoreArray(w, &z));
      PetscCall(VecAXPY(x, 1.0, w));
    }
    return 0;
  }

 private:
  /// On several ranks: the couplings of the rank's rows to other ranks' cells (the
  /// off-diagonal part of the MPI AIJ matrix @p P) and the scatter of those cells' values,
  /// rebuilt when P or its nonzero pattern changes; on one rank none.
  PetscErrorCode set_up_other_ranks(Mat P) {
    if (local_ == P) {
      to_ghosts_.reset();
      return 0;
    }
    Mat diagonal_part, other_ranks;
    const PetscInt* columns;
    PetscCall(MatMPIAIJGetSeqAIJ(P, &diagonal_part, &other_ranks, &columns));
    // by object id, not address: a new matrix may take a destroyed one's address
    PetscObjectId id;
    PetscObjectState state;
    PetscCall(PetscObjectGetId(reinterpret_cast<PetscObject>(P), &id));
    PetscCall(MatGetNonzeroState(P, &state));
    if (to_ghosts_ && id == ghosts_of_ && state == ghosts_state_) return 0;
    PetscInt rows, nghost, local_columns, global_columns;
    PetscCall(MatGetSize(other_ranks, &rows, &nghost));
    PetscCall(MatGetLocalSize(P, nullptr, &local_columns));
    PetscCall(MatGetSize(P, nullptr, &global_columns));
    Owned<IS> from;
    PetscCall(ISCreateGeneral(PETSC_COMM_SELF, nghost, columns, PETSC_COPY_VALUES, from.out()));
    // the column layout of P, without storage
    Owned<Vec> layout;
    PetscCall(VecCreateMPIWithArray(PetscObjectComm(reinterpret_cast<PetscObject>(P)), 1,
                                    local_columns, global_columns, nullptr, layout.out()));
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, nghost, ghosts_.out()));
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, rows, from_ghosts_.out()));
    PetscCall(VecScatterCreate(layout, from, ghosts_, nullptr, to_ghosts_.out()));
    ghosts_of_ = id;
    ghosts_state_ = state;
    return 0;
  }

  /// Whether every entry of @p x is zero, on every rank.
  static PetscErrorCode is_zero(Vec x, bool* zero) {
    const PetscScalar* v;
    PetscInt n;
    PetscCall(VecGetLocalSize(x, &n));
    PetscCall(VecGetArrayRead(x, &v));
    int local = 1;
    for (PetscInt i = 0; i < n && local; ++i) local = v[i] == 0.0;
    PetscCall(VecRestoreArrayRead(x, &v));
    int all = local;
    PetscCallMPI(MPI_Allreduce(&local, &all, 1, MPI_INT, MPI_LAND, PetscObjectComm(reinterpret_cast<PetscObject>(x))));
    *zero = all != 0;
    return 0;
  }

  /// z = M^-1 r over the rank's cells (@p z may be @p r); with @p Update, one symmetric sweep
  /// on A z = r from the current z, in place (the rank's rows must hold every coupling).
  template <bool Update>
  PetscErrorCode sweep(const PetscScalar* r, PetscScalar* z) {
    Csr m;
    PetscCall(m.open(local_));
    const std::size_t cells = static_cast<std::size_t>(m.n) / static_cast<std::size_t>(dof_);
    with_fields(dof_, [&](auto fields) { sweeps_with<fields(), Update>(cells, m, r, z); });
    return m.close();
  }

  /// The sweeps for @p D fields a cell (0: dof_), with the couplings between cells from
  /// couplings_ or the matrix, the cells' blocks from their dense inverses or LU factors.
  template <std::size_t D, bool Update>
  void sweeps_with(std::size_t cells, const Csr& m, const PetscScalar* r, PetscScalar* z) {
    const std::size_t d = D ? D : static_cast<std::size_t>(dof_);
    auto with_solve = [&](auto&& couple) {
      if (dense_all_) {
        const PetscScalar* inv = dense_inv_.data();
        sweeps<Update>(cells, d, r, z, couple,
                       [&](std::size_t c, const PetscScalar* t, PetscScalar* out) {
                         dense_apply<D>(inv + c * d * d, d, t, out);
                       });
      } else {
        sweeps<Update>(
            cells, d, r, z, couple,
            [&](std::size_t c, PetscScalar* t, PetscScalar* out) { solve_block<D>(c, d, t, out); });
      }
    };
    if (structured_) {
      with_solve([&](std::size_t c, bool lower, bool upper, const PetscScalar* zz, PetscScalar* t) {
        couplings_.subtract<D>(c, d, lower, upper, zz, t);
      });
      return;
    }
    const PetscInt* ia = m.ia;
    const PetscInt* ja = m.ja;
    const PetscScalar* a = m.a;
    const PetscInt* lo = lo_.data();
    const PetscInt* hi = hi_.data();
    with_solve([&](std::size_t c, bool lower, bool upper, const PetscScalar* zz, PetscScalar* t) {
      for (std::size_t f = 0; f < d; ++f) {
        const std::size_t row = c * d + f;
        PetscScalar s = t[f];
        if (lower)
          for (PetscInt k = ia[row]; k < lo[row]; ++k) s -= a[k] * zz[ja[k]];
        if (upper)
          for (PetscInt k = hi[row]; k < ia[row + 1]; ++k) s -= a[k] * zz[ja[k]];
        t[f] = s;
      }
    });
  }

  /// out = b t for a dense d x d block @p b (row-major); @p D: d at compile time, or 0.
  template <std::size_t D>
  static void dense_apply(const PetscScalar* b, std::size_t d, const PetscScalar* t,
                          PetscScalar* out) {
    const std::size_t n = D ? D : d;
    for (std::size_t i = 0; i < n; ++i) {
      PetscScalar s = 0.0;
      for (std::size_t j = 0; j < n; ++j) s += b[i * n + j] * t[j];
      out[i] = s;
    }
  }

  /// The forward and backward sweeps over the cells: @p couple(c, lower, upper, z, t)
  /// subtracts from t cell c's couplings to earlier (lower) and later (upper) cells times z,
  /// @p solve(c, t, out) applies the inverse of cell c's diagonal block (out = D_c^-1 t; t
  /// may be overwritten). Correction form (@p Update false): z = M^-1 r. Update form:
  /// z_c = D_c^-1 (r_c - sum of the off-block couplings times the current z), forward then
  /// backward.
  template <bool Update, class Couple, class Solve>
  void sweeps(std::size_t cells, std::size_t d, const PetscScalar* r, PetscScalar* z,
              Couple&& couple, Solve&& solve) {
    PetscScalar* t = t_.data();
    PetscScalar* u = u_.data();
    // the right-hand side of cell c's block: r_c minus the lower couplings (and in update
    // form the upper ones too) times z
    auto gather = [&](std::size_t c, bool upper_too) {
      std::copy(r + c * d, r + (c + 1) * d, t);
      couple(c, true, upper_too, z, t);
    };
    // forward: z_c = D_c^-1 (r_c - L z [- U z]), cells in increasing order
    for (std::size_t c = 0; c < cells; ++c) {
      gather(c, Update);
      solve(c, t, z + c * d);
    }
    if constexpr (Update) {
      for (std::size_t c = cells; c-- > 0;) {
        gather(c, true);
        solve(c, t, z + c * d);
      }
      return;
    }
    // backward: z_c -= D_c^-1 U z, cells in decreasing order (t = -U z)
    for (std::size_t c = cells; c-- > 0;) {
      std::fill(t, t + d, 0.0);
      couple(c, false, true, z, t);
      solve(c, t, u);
      for (std::size_t i = 0; i < d; ++i) z[c * d + i] += u[i];
    }
  }

  /// out = D_c^-1 t for cell @p c without dense_all_ (@p t is overwritten), @p D fields at
  /// compile time or 0.
  template <std::size_t D>
  void solve_block(std::size_t c, std::size_t d, PetscScalar* t, PetscScalar* out) const {
    const PetscInt dense = dense_of_[c];
    if (dense >= 0) {
      dense_apply<D>(dense_inv_.data() + static_cast<std::size_t>(dense) * d * d, d, t, out);
      return;
    }
    const PetscScalar* f = factors_.values.data() + c * factors_.per_cell;
    if (factors_.tridiagonal) {
      factors_.solve_tridiagonal<D>(f, t, out);
      return;
    }
    factors_.solve(f, t, out);
  }

  /// The rank's diagonal part of an AIJ matrix, as a sequential AIJ matrix (borrowed).
  static PetscErrorCode local_part(Mat P, Mat* local) {
    PetscBool mpi = PETSC_FALSE, seq = PETSC_FALSE;
    PetscCall(PetscObjectBaseTypeCompare(reinterpret_cast<PetscObject>(P), MATMPIAIJ, &mpi));
    PetscCall(PetscObjectBaseTypeCompare(reinterpret_cast<PetscObject>(P), MATSEQAIJ, &seq));
    if (mpi) {
      PetscCall(MatMPIAIJGetSeqAIJ(P, local, nullptr, nullptr));
    } else {
      MatType type;
      PetscCall(MatGetType(P, &type));
      PetscCheck(seq, PETSC_COMM_SELF, PETSC_ERR_SUP,
                 "the multigrid levels' block Gauss-Seidel smoother needs an AIJ matrix, not %s "
                 "(choose another one with -mg_levels_pc_type, e.g. pbjacobi)",
                 type);
      *local = P;
    }
    return 0;
  }

  /// inv = block^-1 (row-major, dof x dof), by Eigen's fully pivoted LU; false (and the
  /// identity) when the block is singular (an exactly zero pivot) or not finite.
  bool invert(const PetscScalar* block, PetscScalar* inv) const {
    using Block = Eigen::Matrix<PetscScalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const Block> b(block, dof_, dof_);
    Eigen::Map<Block> out(inv, dof_, dof_);
    Eigen::FullPivLU<Block> lu(b);
    // only an exact zero pivot is singular, as in LU factorisations (stiff reactions give
    // blocks of large condition numbers that invert fine)
    lu.setThreshold(0.0);
    if (!b.allFinite() || !lu.isInvertible()) {
      out.setIdentity();
      return false;
    }
    out = lu.inverse();
    return true;
  }

  static constexpr int kMinStructuredFields = 5;

  int dof_;
  Mat local_ = nullptr;
  Owned<VecScatter> to_ghosts_;      // x -> the values of other ranks' cells the rows couple to
  Owned<Vec> ghosts_, from_ghosts_;  // those values; the couplings times them
  PetscObjectId ghosts_of_ = 0;      // the matrix (id) and nonzero state they were set up for
  PetscObjectState ghosts_state_ = 0;
  std::vector<PetscInt> lo_, hi_;  // per row: the CSR range of its cell's block columns
  FieldCouplings couplings_;       // the couplings between cells without column indices
  bool structured_ = false;        // couplings_ holds them (else the sweeps read the matrix)
  SparseBlockLu factors_;          // per cell: the LU factors of its diagonal block
  bool dense_all_ = false;         // every cell's dense inverse in dense_inv_ instead
  std::vector<PetscInt> dense_of_;      // per cell: -1, or its index in dense_inv_
  std::vector<PetscScalar> dense_inv_;  // dense inverses of the blocks LU cannot take unpivoted
  std::vector<PetscScalar> t_, u_;
};

BlockSgs* block_sgs(PC pc) {
  void* ctx = nullptr;
  PetscCallAbort(PETSC_COMM_SELF, PCShellGetContext(pc, &ctx));
  return static_cast<BlockSgs*>(ctx);
}

PetscErrorCode block_sgs_set_up(PC pc) { return block_sgs(pc)->set_up(pc); }
PetscErrorCode block_sgs_apply(PC pc, Vec x, Vec y) { return block_sgs(pc)->apply(x, y); }
PetscErrorCode block_sgs_richardson(PC pc, Vec b, Vec x, Vec w, PetscReal, PetscReal, PetscReal,
                                    PetscInt its, PetscBool guess_zero, PetscInt* outits,
                                    PCRichardsonConvergedReason* reason) {
  PetscCall(block_sgs(pc)->richardson(pc, b, x, w, its, guess_zero));
  *outits = its;
  *reason = PCRICHARDSON_CONVERGED_ITS;
  return 0;
}
PetscErrorCode block_sgs_destroy(PC pc) {
  void* ctx = nullptr;
  PetscCall(PCShellGetContext(pc, &ctx));
  delete static_cast<BlockSgs*>(ctx);
  return 0;
}

/// Makes @p pc the block symmetric Gauss-Seidel smoother for @p dof fields per cell.
void set_block_sgs(PC pc, int dof) {
  TD_PETSC(PCSetType(pc, PCSHELL));
  auto state = std::make_unique<BlockSgs>(dof);
  TD_PETSC(PCShellSetContext(pc, state.get()));
  TD_PETSC(PCShellSetDestroy(pc, block_sgs_destroy));
  state.release();  // owned by the PC from here (block_sgs_destroy)
  TD_PETSC(PCShellSetName(pc, "block symmetric Gauss-Seidel (cells' fields together)"));
  TD_PETSC(PCShellSetSetUp(pc, block_sgs_set_up));
  TD_PETSC(PCShellSetApply(pc, block_sgs_apply));
  TD_PETSC(PCShellSetApplyRichardson(pc, block_sgs_richardson));
}

/// Whether a multigrid level's smoother for several fields per cell takes the default block
/// Gauss-Seidel: neither -mg_levels_ksp_type nor -mg_levels_pc_type given.
bool block_smoother_applies(const char* prefix) {
  PetscBool ksp_given = PETSC_FALSE, pc_given = PETSC_FALSE;
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-ksp_type", &ksp_given));
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-pc_type", &pc_given));
  return !ksp_given && !pc_given;
}

/// The levels of the hierarchy, finest first.
std::vector<Level> hierarchy(const Mesh& mesh, int levels) {
  if (levels < 1 || levels > mesh.max_mg_levels())
    throw Error(fmt::format("{} multigrid levels requested; this mesh allows 1 to {}", levels,
                            mesh.max_mg_levels()));
  int rank = 0;
  MPI_Comm_rank(mesh.comm(), &rank);
  std::vector<Level> out{mesh_level(mesh)};
  for (int l = 1; l < levels; ++l) out.push_back(out.back().coarsened(rank));
  return out;
}

}  // namespace

Owned<Vec> level_centres(const Mesh& mesh, int levels, int level, int axis) {
  const auto h = hierarchy(mesh, levels);
  const Level& l = h.at(static_cast<std::size_t>(levels - 1 - level));
  Owned<Vec> out;
  TD_PETSC(VecCreateMPI(mesh.comm(), l.local_cells(), PETSC_DETERMINE, out.out()));
  PetscScalar* x;
  TD_PETSC(VecGetArray(out, &x));
  PetscInt q = 0;
  for (PetscInt k = l.first(2); k < l.first(2) + l.count(2); ++k)
    for (PetscInt j = l.first(1); j < l.first(1) + l.count(1); ++j)
      for (PetscInt i = l.first(0); i < l.first(0) + l.count(0); ++i) {
        const PetscInt idx[3] = {i, j, k};
        x[q++] = axis < l.dim ? l.axes[axis].center(static_cast<int>(idx[axis])) : 0.0;
      }
  TD_PETSC(VecRestoreArray(out, &x));
  return out;
}

std::vector<std::unique_ptr<Mesh>> coarse_meshes(const Mesh& mesh, int dof, int levels) {
  const auto h = hierarchy(mesh, levels);  // finest first
  std::vector<std::unique_ptr<Mesh>> out;
  for (int l = levels - 1; l > 0; --l) {
    const Level& lv = h[static_cast<std::size_t>(l)];
    std::array<Axis, 3> axes;
    Mesh::Partition owned;
    for (int a = 0; a < 3; ++a) {
      axes[a].nodes = lv.axes[a].nodes;
      axes[a].periodic = lv.axes[a].periodic;
      const auto& st = lv.axes[a].starts;
      for (std::size_t p = 0; p + 1 < st.size(); ++p) owned[a].push_back(st[p + 1] - st[p]);
    }
    out.push_back(std::make_unique<Mesh>(mesh.comm(), mesh.dim(), std::move(axes), dof, owned));
  }
  return out;
}

std::vector<Owned<Mat>> cell_prolongations(const Mesh& mesh, int dof, int levels) {
  const auto h = hierarchy(mesh, levels);  // finest first
  std::vector<Owned<Mat>> out;
  for (int l = levels - 1; l > 0; --l)
    out.push_back(prolongation(mesh.comm(), h[l - 1], h[l], dof));
  return out;
}

int drift_mg_levels(const Mesh& mesh, double peclet, double coarsest_peclet) {
  int levels = 1;
  for (double pe = peclet; levels < mesh.max_mg_levels() && 2.0 * pe <= coarsest_peclet; pe *= 2.0)
    ++levels;
  return levels;
}

int default_mg_levels(const Mesh& mesh, const char* prefix, double peclet, bool rediscretised) {
  if (rediscretised) {
    char value[32] = "";
    PetscBool given = PETSC_FALSE;
    const std::string name = fmt::format("-{}pc_mg_galerkin", prefix ? prefix : "");
    TD_PETSC(PetscOptionsGetString(nullptr, nullptr, name.c_str(), value, sizeof value, &given));
    if (!given || std::string(value) == "none") return mesh.max_mg_levels();
  }
  return drift_mg_levels(mesh, peclet);
}

double max_cell_aspect_ratio(const Mesh& mesh) {
  double ratio = 1.0;
  for (int a = 0; a < mesh.dim(); ++a)
    for (int b = 0; b < mesh.dim(); ++b) {
      if (a == b) continue;
      const auto& wa = mesh.axis(a);
      const auto& wb = mesh.axis(b);
      double widest = 0.0, narrowest = std::numeric_limits<double>::infinity();
      for (int i = 0; i < mesh.cells(a); ++i) widest = std::max(widest, wa.width(i));
      for (int j = 0; j < mesh.cells(b); ++j) narrowest = std::min(narrowest, wb.width(j));
      ratio = std::max(ratio, widest / narrowest);
    }
  return ratio;
}

bool mesh_multigrid_default(const Mesh& mesh, const char* prefix, double peclet,
                            bool rediscretised) {
  return default_mg_levels(mesh, prefix, peclet, rediscretised) >= kMinDefaultMgLevels &&
         max_cell_aspect_ratio(mesh) <= kMaxMeshMultigridAspect;
}

DefaultOption mesh_multigrid_levels(const Mesh& mesh, const char* prefix, double peclet,
                                    bool rediscretised) {
  return DefaultOption(fmt::format("-{}pc_mg_levels", prefix ? prefix : ""),
                       std::to_string(default_mg_levels(mesh, prefix, peclet, rediscretised)));
}

bool setup_mesh_multigrid(KSP ksp, const Mesh& mesh, int dof, bool matrix_free_operator,
                          bool rediscretised, bool closed, StencilOffer offer) {
  setup_structured_multigrid(ksp, mesh, dof, closed, offer);
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  PetscBool is_mg = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCMG, &is_mg));
  if (!is_mg) return false;
  const char* prefix = nullptr;
  TD_PETSC(PCGetOptionsPrefix(pc, &prefix));
  PetscBool galerkin_given = PETSC_FALSE;
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-pc_mg_galerkin", &galerkin_given));
  const int max_levels = mesh.max_mg_levels();
  PetscInt levels = 0;
  TD_PETSC(PCMGGetLevels(pc, &levels));
  if (levels > max_levels)
    throw Error(fmt::format(
        "-{}pc_mg_levels {}: this mesh allows at most {} multigrid levels (each level pairs "
        "the cells along every axis, and keeps at least 2 cells per rank along each axis)",
        prefix ? prefix : "", levels, max_levels));
  // PCMG would coarsen the solver's DM itself (DMCoarsen, piecewise-constant interpolation);
  // the hierarchy is the mesh's, given as the prolongations
  TD_PETSC(PCSetDM(pc, nullptr));
  // With several fields per cell the prolongation is the cells' one applied to each field,
  // P_cell (x) I: PETSc's MAIJ form of it keeps one copy of P_cell, and its Galerkin product
  // P^T A P is PETSc's MAIJ-aware one instead of a general sparse triple product.
  auto P = cell_prolongations(mesh, 1, static_cast<int>(levels));
  if (dof > 1)
    for (auto& p : P) {
      Owned<Mat> fields;
      TD_PETSC(MatCreateMAIJ(p, dof, fields.out()));
      p = std::move(fields);
    }
  for (PetscInt l = 1; l < levels; ++l)
    TD_PETSC(PCMGSetInterpolation(pc, l, P[static_cast<std::size_t>(l - 1)]));
  if (!galerkin_given)
    TD_PETSC(PCMGSetGalerkin(pc, rediscretised          ? PC_MG_GALERKIN_NONE
                                 : matrix_free_operator ? PC_MG_GALERKIN_PMAT
                                                        : PC_MG_GALERKIN_BOTH));
  PCMGGalerkinType galerkin;
  TD_PETSC(PCMGGetGalerkin(pc, &galerkin));
  const bool caller_operators = galerkin == PC_MG_GALERKIN_NONE && levels > 1;
  if (caller_operators && !rediscretised)
    throw Error(fmt::format(
        "-{}pc_mg_galerkin none: the solvers evaluate their residual and Jacobian on the mesh, "
        "not on coarse multigrid levels: use Galerkin coarse operators (the default with "
        "-pc_type mg)",
        prefix ? prefix : ""));
  // Smoothers, chosen by measurement on the steady Soret benchmark (bench/bench_steady, 2D
  // 256^2 and 512^2): one symmetric Gauss-Seidel sweep before and after the coarse
  // correction (Richardson with SOR, no eigenvalue estimates to set up) takes 10 GMRES
  // iterations at every size and the least time; Chebyshev/SOR (PETSc's default) the same
  // iterations but eigenvalue estimates on every level; Chebyshev/Jacobi 13 iterations.
  // Several fields per cell: one symmetric block Gauss-Seidel sweep (BlockSgs above: each
  // cell's fields solved together with the inverse of its diagonal block, so reactions of
  // any speed are relaxed exactly, as under point-block Jacobi, and no eigenvalue estimates).
  // On the multi-state cell (bench_multistate steady 256 2 8, interleaved runs, best of 7 on
  // a shared 2-core machine) it takes 9 GMRES iterations instead of 14 and 0.184 s / 1.156 s
  // of CPU for 2 / 8 states against 0.219 s / 1.550 s with Chebyshev/point-block Jacobi (the
  // previous default); instructions of the solve (callgrind) 3.36e9 / 1.63e10 against
  // 4.45e9 / 2.39e10. On stiff kinetics (bench/multistate_stiff.sh) it solves every case:
  // fast8 in 53 iterations (Chebyshev 122), full8, vfast8 and vfast3, on which Chebyshev
  // fails its linear solves and times out or stops. Point SOR relaxes a cell's fields one at a
  // time and breaks down on fast8. -mg_levels_ksp_type chebyshev restores the previous
  // smoother; -mg_levels_* options override these (docs/solvers.md).
  constexpr PetscInt kSorSweeps = 1;
  for (PetscInt l = 1; l < levels; ++l) {
    KSP smoother;
    PC spc;
    TD_PETSC(PCMGGetSmoother(pc, l, &smoother));
    TD_PETSC(KSPGetPC(smoother, &spc));
    if (dof == 1) {
      TD_PETSC(KSPSetType(smoother, KSPRICHARDSON));
      TD_PETSC(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, kSorSweeps));
      TD_PETSC(PCSetType(spc, PCSOR));
    } else {
      TD_PETSC(KSPSetType(smoother, KSPCHEBYSHEV));
      TD_PETSC(PCSetType(spc, PCPBJACOBI));
    }
    TD_PETSC(KSPSetFromOptions(smoother));
    const char* level_prefix = nullptr;
    TD_PETSC(KSPGetOptionsPrefix(smoother, &level_prefix));
    if (dof > 1 && block_smoother_applies(level_prefix)) {
      // the block sweeps have no transpose: a Krylov type that applies it would stop inside
      // PETSc ("No method applytranspose for PC of type shell")
      const std::string transposing = krylov_type_transposing_preconditioner(prefix);
      if (!transposing.empty())
        throw Error(fmt::format(
            "-{0}ksp_type {1} applies the transpose of the preconditioner, which the mesh "
            "multigrid's block Gauss-Seidel smoother (the default with several fields per cell) "
            "does not provide: choose another -{0}ksp_type (gmres, bcgs, ...)",
            prefix ? prefix : "", transposing));
      TD_PETSC(KSPSetType(smoother, KSPRICHARDSON));
      PetscBool max_it_given = PETSC_FALSE;
      TD_PETSC(PetscOptionsHasName(nullptr, level_prefix, "-ksp_max_it", &max_it_given));
      if (!max_it_given)
        TD_PETSC(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, kSorSweeps));
      set_block_sgs(spc, dof);
    }
  }
  if (matrix_free_operator) {
    // PCMG smooths and forms residuals with the operator by default: a matrix-free one has
    // no Galerkin projection, and PCMG would ask the callbacks for coarse operators instead.
    // The preconditioning matrix defines the whole hierarchy.
    PetscBool use_amat_given = PETSC_FALSE;
    TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-pc_use_amat", &use_amat_given));
    if (!use_amat_given) TD_PETSC(PCSetUseAmat(pc, PETSC_FALSE));
  }
  return caller_operators;
}

}  // namespace td
