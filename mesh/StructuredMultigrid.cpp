#include "mesh/StructuredMultigrid.h"

#include <HYPRE_struct_ls.h>
#include <HYPRE_utilities.h>
#include <fmt/format.h>
#include <petscdmda.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "core/Error.h"
#include "core/ErrorExit.h"
#include "core/OwnComm.h"
#include "core/Petsc.h"
#include "core/UninitializedVector.h"
#include "mesh/Multigrid.h"
#include "mesh/StencilMultigrid.h"

namespace td {
namespace {

/// Whether some axis of @p mesh is periodic.
bool any_periodic_axis(const Mesh& mesh) {
  for (int a = 0; a < mesh.dim(); ++a)
    if (mesh.axis(a).periodic) return true;
  return false;
}

/// Throw Error naming @p call if a hypre call failed (hypre's error flag, cleared first so that
/// the next call starts clean).
void hypre_check(HYPRE_Int ierr, const char* call) {
  if (ierr == 0) return;
  // HYPRE_DescribeError writes at most a few short phrases
  constexpr std::size_t kDescriptionLength = 256;
  char text[kDescriptionLength] = {};
  HYPRE_DescribeError(ierr, text);
  HYPRE_ClearAllErrors();
  throw Error(fmt::format("hypre call {} failed: {}(error flag {})", call, text, ierr));
}

#define TD_HYPRE(call) hypre_check((call), #call)

/// Sole owner of a hypre object (grid, stencil, matrix, vector, solver): calls its destroy
/// function when it goes. Move-only; converts to the raw handle for hypre calls.
template <class H>
class HypreOwned {
 public:
  using Destroy = HYPRE_Int (*)(H);
  HypreOwned() = default;
  ~HypreOwned() { reset(); }
  HypreOwned(const HypreOwned&) = delete;
  HypreOwned& operator=(const HypreOwned&) = delete;
  HypreOwned(HypreOwned&& o) noexcept : h_(std::exchange(o.h_, nullptr)), destroy_(o.destroy_) {}
  HypreOwned& operator=(HypreOwned&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
      destroy_ = o.destroy_;
    }
    return *this;
  }
  operator H() const noexcept { return h_; }  // NOLINT: borrowing into hypre calls
  explicit operator bool() const noexcept { return h_ != nullptr; }
  /// Destroy the current object and return the address a Create function fills; @p destroy
  /// will destroy the new one.
  H* out(Destroy destroy) noexcept {
    reset();
    destroy_ = destroy;
    return &h_;
  }
  /// Destroy the object now (errors ignored: this runs in destructors and unwinding).
  void reset() noexcept {
    if (h_ && destroy_) destroy_(h_);
    h_ = nullptr;
  }

 private:
  H h_ = nullptr;
  Destroy destroy_ = nullptr;
};

/// The hypre structured solvers offered, with their common entry points (PFMG and SMG share
/// the signatures).
struct SolverKind {
  const char* name;
  HYPRE_Int (*create)(MPI_Comm, HYPRE_StructSolver*);
  HYPRE_Int (*destroy)(HYPRE_StructSolver);
  HYPRE_Int (*setup)(HYPRE_StructSolver, HYPRE_StructMatrix, HYPRE_StructVector,
                     HYPRE_StructVector);
  HYPRE_Int (*solve)(HYPRE_StructSolver, HYPRE_StructMatrix, HYPRE_StructVector,
                     HYPRE_StructVector);
  HYPRE_Int (*set_tol)(HYPRE_StructSolver, HYPRE_Real);
  HYPRE_Int (*set_max_iter)(HYPRE_StructSolver, HYPRE_Int);
  HYPRE_Int (*set_zero_guess)(HYPRE_StructSolver);
  HYPRE_Int (*set_num_pre_relax)(HYPRE_StructSolver, HYPRE_Int);
  HYPRE_Int (*set_num_post_relax)(HYPRE_StructSolver, HYPRE_Int);
};

const SolverKind kPfmg{"pfmg",
                       HYPRE_StructPFMGCreate,
                       HYPRE_StructPFMGDestroy,
                       HYPRE_StructPFMGSetup,
                       HYPRE_StructPFMGSolve,
                       HYPRE_StructPFMGSetTol,
                       HYPRE_StructPFMGSetMaxIter,
                       HYPRE_StructPFMGSetZeroGuess,
                       HYPRE_StructPFMGSetNumPreRelax,
                       HYPRE_StructPFMGSetNumPostRelax};
const SolverKind kSmg{"smg",
                      HYPRE_StructSMGCreate,
                      HYPRE_StructSMGDestroy,
                      HYPRE_StructSMGSetup,
                      HYPRE_StructSMGSolve,
                      HYPRE_StructSMGSetTol,
                      HYPRE_StructSMGSetMaxIter,
                      HYPRE_StructSMGSetZeroGuess,
                      HYPRE_StructSMGSetNumPreRelax,
                      HYPRE_StructSMGSetNumPostRelax};

/// Option values of -td_pc, -td_pfmg_relax_type and -td_pfmg_rap_type; the position in each
/// list is hypre's code.
constexpr const char* kSolverNames[] = {"pfmg", "smg", "gmg"};
constexpr PetscInt kPfmgIndex = 0;
constexpr PetscInt kSmgIndex = 1;
/// Not hypre's: the single-precision geometric multigrid of mesh/StencilMultigrid.h.
constexpr PetscInt kGmgIndex = 2;
/// Cell widths along an axis that differ by less than this fraction of the largest count as
/// uniform (node coordinates from uniform_nodes differ from it by round-off only).
constexpr double kUniformWidthTolerance = 1e-6;
/// A periodic axis of 1 or 2 cells makes a cell its own neighbour, or both neighbours the same
/// cell: one matrix entry for two stencil entries, which the copy cannot split.
constexpr int kMinPeriodicCells = 3;
/// Cells per chunk of the rows written into hypre's struct matrix, by the copy of an AIJ
/// matrix or by StructRowWriter (the buffer holds 2 dim + 1 values per cell: 64 Ki cells,
/// 2.5 MB in 2D).
constexpr PetscInt kChunkCells = 65536;
/// Entries of the largest stencil, the 3D one (the cell and its six face neighbours).
constexpr std::size_t kMaxStencilEntries = 7;
constexpr const char* kRelaxNames[] = {"jacobi", "weighted_jacobi", "rb_gauss_seidel",
                                       "rb_gauss_seidel_nonsymmetric"};
constexpr const char* kRapNames[] = {"galerkin", "non_galerkin"};
constexpr PetscInt kRelaxWeightedJacobi = 1;
constexpr PetscInt kRelaxRedBlack = 2;
constexpr PetscInt kRelaxRedBlackNonsymmetric = 3;

/// Settings of the hypre solver, read from the options database.
struct Settings {
  const SolverKind* kind = &kPfmg;
  // Defaults chosen by measurement on bench/bench_steady (docs/solvers.md, "Structured
  // multigrid"): red/black Gauss-Seidel, 1 sweep before and after the coarse correction
  // (with it PFMG forms non-Galerkin coarse operators whatever the RAP type); weighted
  // Jacobi on meshes with a periodic axis (see read_settings).
  PetscInt relax_type = kRelaxRedBlack;
  PetscInt rap_type = 0;  // Galerkin
  PetscInt num_pre = 1;
  PetscInt num_post = 1;
  PetscBool skip_relax = PETSC_FALSE;
  PetscInt smg_num_pre = 1;
  PetscInt smg_num_post = 1;
};

/// The Settings of -{prefix}td_pfmg_* and -{prefix}td_smg_* for @p mesh; @p kind the solver
/// chosen.
Settings read_settings(const Mesh& mesh, const char* prefix, const SolverKind& kind) {
  Settings s;
  s.kind = &kind;
  const bool periodic = any_periodic_axis(mesh);
  // hypre 2.26's red/black Gauss-Seidel is not a fixed linear operator on a periodic grid:
  // GMRES's residual estimate and the true residual part (measured on the periodic cases of
  // tests/fv/test_structured_multigrid.cpp, even cell counts too) and Newton stalls
  if (periodic) s.relax_type = kRelaxWeightedJacobi;
  PetscBool set = PETSC_FALSE;
  TD_PETSC(PetscOptionsGetEList(nullptr, prefix, "-td_pfmg_relax_type", kRelaxNames,
                                std::size(kRelaxNames), &s.relax_type, &set));
  if (periodic && (s.relax_type == kRelaxRedBlack || s.relax_type == kRelaxRedBlackNonsymmetric))
    throw Error(fmt::format(
        "-{}td_pfmg_relax_type {}: red/black Gauss-Seidel is not a fixed preconditioner on "
        "a periodic mesh in hypre's PFMG; use jacobi or weighted_jacobi",
        prefix ? prefix : "", kRelaxNames[s.relax_type]));
  TD_PETSC(PetscOptionsGetEList(nullptr, prefix, "-td_pfmg_rap_type", kRapNames,
                                std::size(kRapNames), &s.rap_type, &set));
  const std::pair<const char*, PetscInt*> counts[] = {{"-td_pfmg_num_pre_relax", &s.num_pre},
                                                      {"-td_pfmg_num_post_relax", &s.num_post},
                                                      {"-td_smg_num_pre_relax", &s.smg_num_pre},
                                                      {"-td_smg_num_post_relax", &s.smg_num_post}};
  for (const auto& [name, value] : counts) {
    TD_PETSC(PetscOptionsGetInt(nullptr, prefix, name, value, &set));
    if (set && *value < 0)
      throw Error(fmt::format("-{}{} {}: the number of relaxation sweeps must be >= 0",
                              prefix ? prefix : "", name + 1, *value));
  }
  TD_PETSC(PetscOptionsGetBool(nullptr, prefix, "-td_pfmg_skip_relax", &s.skip_relax, &set));
  return s;
}

/// The global PETSc row index (DMDA ordering: ranks in order, each rank's box i fastest) of
/// every cell of the mesh, computed from the DMDA's ownership ranges.
class DmdaNumbering {
 public:
  explicit DmdaNumbering(DM dm) {
    PetscInt M[3], p[3];
    TD_PETSC(DMDAGetInfo(dm, nullptr, &M[0], &M[1], &M[2], &p[0], &p[1], &p[2], nullptr, nullptr,
                         nullptr, nullptr, nullptr, nullptr));
    const PetscInt* l[3] = {nullptr, nullptr, nullptr};
    TD_PETSC(DMDAGetOwnershipRanges(dm, &l[0], &l[1], &l[2]));
    for (int a = 0; a < 3; ++a) {
      cells_[a] = M[a];
      ranks_[a] = p[a];
      starts_[a].assign(1, 0);
      for (PetscInt r = 0; r < p[a]; ++r)
        starts_[a].push_back(starts_[a].back() + (l[a] ? l[a][r] : M[a]));
      // owner rank coordinate of every index along the axis
      owner_[a].resize(static_cast<std::size_t>(M[a]));
      for (PetscInt r = 0; r < p[a]; ++r)
        for (PetscInt i = starts_[a][r]; i < starts_[a][r + 1]; ++i) owner_[a][i] = r;
    }
    // first global index of each rank (x fastest in the rank order)
    offsets_.assign(1, 0);
    for (PetscInt rk = 0; rk < p[2]; ++rk)
      for (PetscInt rj = 0; rj < p[1]; ++rj)
        for (PetscInt ri = 0; ri < p[0]; ++ri)
          offsets_.push_back(offsets_.back() + width(0, ri) * width(1, rj) * width(2, rk));
  }

  /// Global index of cell @p idx (each index within [0, cells)).
  PetscInt global(const std::array<PetscInt, 3>& idx) const {
    std::array<PetscInt, 3> r{};
    for (int a = 0; a < 3; ++a) r[a] = owner_[a][idx[a]];
    const PetscInt rank = r[0] + ranks_[0] * (r[1] + ranks_[1] * r[2]);
    const PetscInt li = idx[0] - starts_[0][r[0]], lj = idx[1] - starts_[1][r[1]],
                   lk = idx[2] - starts_[2][r[2]];
    return offsets_[rank] + li + width(0, r[0]) * (lj + width(1, r[1]) * lk);
  }
  PetscInt cells(int a) const { return cells_[a]; }

 private:
  PetscInt width(int a, PetscInt r) const { return starts_[a][r + 1] - starts_[a][r]; }
  PetscInt cells_[3] = {1, 1, 1};
  PetscInt ranks_[3] = {1, 1, 1};
  std::vector<PetscInt> starts_[3];
  std::vector<PetscInt> owner_[3];
  std::vector<PetscInt> offsets_;
};

/// The hypre grid and stencil of a mesh, one field per cell: one box per rank (the rank's
/// DMDA ownership), periodic where the mesh is; the stencil is the cell, then per axis its
/// lower and its upper neighbour.
struct StructLayout {
  explicit StructLayout(const Mesh& mesh);
  /// A new matrix on the grid with the stencil, its values allocated (zero).
  HypreOwned<HYPRE_StructMatrix> new_matrix() const;
  /// A new vector on the grid, allocated and assembled.
  HypreOwned<HYPRE_StructVector> new_vector() const;
  /// Write @p values (stencil entry e of the c-th cell at values[e * cells + c]) into the
  /// rows of @p A of the owned x-lines j0 <= j < j1 of plane k.
  void set_lines(HYPRE_StructMatrix A, int j0, int j1, int k, double* values) const;
  /// Whether @p o covers the same boxes with the same stencil.
  bool same_as(const StructLayout& o) const {
    return dim == o.dim && lower == o.lower && upper == o.upper && periodic == o.periodic;
  }

  int dim;
  int stencil_size;
  MPI_Comm comm;
  std::array<HYPRE_Int, 3> lower{}, upper{};
  std::array<int, 3> start{}, count{};
  std::array<PetscInt, 3> periodic{0, 0, 0};      ///< period of each axis, 0 if not periodic
  std::vector<std::array<HYPRE_Int, 3>> offsets;  ///< stencil: centre, then -/+ per axis
  PetscInt local_cells = 0;
  HypreOwned<HYPRE_StructGrid> grid;
  HypreOwned<HYPRE_StructStencil> stencil;
};

StructLayout::StructLayout(const Mesh& mesh)
    : dim(mesh.dim()),
      stencil_size(2 * mesh.dim() + 1),
      comm(mesh.comm()),
      start(mesh.start()),
      count(mesh.count()) {
  std::array<HYPRE_Int, 3> hypre_periodic{0, 0, 0};
  for (int a = 0; a < dim; ++a) {
    lower[a] = start[a];
    upper[a] = start[a] + count[a] - 1;
    if (mesh.axis(a).periodic) {
      if (mesh.cells(a) < kMinPeriodicCells)
        throw Error(fmt::format(
            "structured multigrid (-td_pc): periodic axis {} has {} cells; at least {} needed", a,
            mesh.cells(a), kMinPeriodicCells));
      hypre_periodic[a] = mesh.cells(a);
      periodic[a] = mesh.cells(a);
    }
  }
  local_cells = static_cast<PetscInt>(count[0]) * count[1] * count[2];
  offsets.push_back({0, 0, 0});
  for (int a = 0; a < dim; ++a)
    for (int side : {-1, 1}) {
      std::array<HYPRE_Int, 3> o{0, 0, 0};
      o[a] = side;
      offsets.push_back(o);
    }
  TD_HYPRE(HYPRE_StructGridCreate(comm, dim, grid.out(HYPRE_StructGridDestroy)));
  TD_HYPRE(HYPRE_StructGridSetExtents(grid, lower.data(), upper.data()));
  TD_HYPRE(HYPRE_StructGridSetPeriodic(grid, hypre_periodic.data()));
  TD_HYPRE(HYPRE_StructGridAssemble(grid));
  TD_HYPRE(HYPRE_StructStencilCreate(dim, stencil_size, stencil.out(HYPRE_StructStencilDestroy)));
  for (int e = 0; e < stencil_size; ++e)
    TD_HYPRE(HYPRE_StructStencilSetElement(stencil, e, offsets[e].data()));
}

HypreOwned<HYPRE_StructMatrix> StructLayout::new_matrix() const {
  HypreOwned<HYPRE_StructMatrix> A;
  TD_HYPRE(HYPRE_StructMatrixCreate(comm, grid, stencil, A.out(HYPRE_StructMatrixDestroy)));
  TD_HYPRE(HYPRE_StructMatrixInitialize(A));
  return A;
}

HypreOwned<HYPRE_StructVector> StructLayout::new_vector() const {
  HypreOwned<HYPRE_StructVector> v;
  TD_HYPRE(HYPRE_StructVectorCreate(comm, grid, v.out(HYPRE_StructVectorDestroy)));
  TD_HYPRE(HYPRE_StructVectorInitialize(v));
  TD_HYPRE(HYPRE_StructVectorAssemble(v));
  return v;
}

void StructLayout::set_lines(HYPRE_StructMatrix A, int j0, int j1, int k, double* values) const {
  std::array<HYPRE_Int, 3> box_lo = lower, box_hi = upper;
  box_lo[1] = j0;
  box_hi[1] = j1 - 1;
  box_lo[2] = box_hi[2] = k;
  if (dim < 3) box_lo[2] = box_hi[2] = lower[2];
  if (dim < 2) box_lo[1] = box_hi[1] = lower[1];
  const std::size_t cells = static_cast<std::size_t>(j1 - j0) * count[0];
  // one stencil entry at a time, from contiguous values (all entries at once, stencil
  // index fastest, measured 30% slower at 1024^2)
  for (HYPRE_Int e = 0; e < stencil_size; ++e)
    TD_HYPRE(HYPRE_StructMatrixSetBoxValues(A, box_lo.data(), box_hi.data(), 1, &e,
                                            &values[static_cast<std::size_t>(e) * cells]));
}

/// Owned x-lines per chunk of rows written to hypre (at least one).
PetscInt chunk_lines(const StructLayout& l) {
  return std::max<PetscInt>(1, kChunkCells / l.count[0]);
}

}  // namespace

/// A struct operator's storage (the context of its shell matrix): the hypre matrix, and two
/// vectors for its products; or stencil arrays, with the neighbour ranks' nearest unit of
/// the argument of a product (mesh split into slabs along its last axis).
struct StructOperatorState {
  StructOperatorState(const Mesh& mesh, StructStorage storage) : layout(mesh) {
    if (storage == StructStorage::hypre) {
      A = layout.new_matrix();
      x = layout.new_vector();
      y = layout.new_vector();
      return;
    }
    if (struct_storage_on(mesh) != StructStorage::arrays)
      throw InternalError(
          "struct operator: array storage takes a mesh without periodic axes whose ranks' parts "
          "are slabs along its last axis");
    // unset until the first assembly writes every entry (StructRowWriter::finish)
    values.resize(static_cast<std::size_t>(layout.stencil_size) *
                  static_cast<std::size_t>(layout.local_cells));
    const int last = layout.dim - 1;
    int ranks = 1, rank = 0;
    MPI_Comm_size(mesh.comm(), &ranks);
    MPI_Comm_rank(mesh.comm(), &rank);
    if (ranks > 1) {
      // the slabs are in rank order along the last axis (a DMDA's ranks along the one axis
      // it splits)
      lower = layout.start[last] > 0 ? rank - 1 : MPI_PROC_NULL;
      upper = layout.start[last] + layout.count[last] < mesh.cells(last) ? rank + 1 : MPI_PROC_NULL;
      comm = std::make_unique<OwnComm>(mesh.comm());
    }
    std::size_t unit = 1;
    for (int a = 0; a < last; ++a) unit *= static_cast<std::size_t>(layout.count[a]);
    below.assign(unit, 0.0);
    above.assign(unit, 0.0);
  }

  bool arrays() const { return !values.empty(); }
  /// Entry @p e of every owned cell (array storage), to be read: InternalError before the
  /// first assembly has written them.
  const double* entry(int e) const {
    if (!written)
      throw InternalError("struct operator: its values are read before an assembly wrote them");
    return values.data() + offset(e);
  }
  /// Entry @p e of every owned cell (array storage), to be written (StructRowWriter).
  double* entry_to_write(int e) { return values.data() + offset(e); }
  std::size_t offset(int e) const {
    return static_cast<std::size_t>(e) * static_cast<std::size_t>(layout.local_cells);
  }
  StructLayout layout;
  /// hypre storage: the matrix, and two vectors for its products
  HypreOwned<HYPRE_StructMatrix> A;
  HypreOwned<HYPRE_StructVector> x, y;
  /// array storage: stencil entry e of owned cell c (DMDA order) at values[e * cells + c]
  UninitializedVector<double> values;
  /// array storage: an assembly has written every entry (StructRowWriter::finish)
  bool written = false;
  /// array storage on slabs: the ranks of the slabs below and above (MPI_PROC_NULL at a
  /// wall), a duplicate of the mesh's communicator for the exchanges (none on one rank), and
  /// their units (rows in 2D, planes in 3D) nearest this slab, of a product's argument: zeros
  /// where there is no such rank
  int lower = MPI_PROC_NULL, upper = MPI_PROC_NULL;
  std::unique_ptr<OwnComm> comm;
  std::vector<double> below, above;
};

namespace {

StructOperatorState* operator_state(Mat A) {
  void* ctx = nullptr;
  TD_PETSC(MatShellGetContext(A, &ctx));
  return static_cast<StructOperatorState*>(ctx);
}

/// Copy the owned values of @p v into @p h.
void to_hypre(const StructLayout& l, Vec v, HYPRE_StructVector h) {
  const PetscScalar* in = nullptr;
  TD_PETSC(VecGetArrayRead(v, &in));
  // hypre takes the values through a non-const pointer and only reads them
  const HYPRE_Int ierr = HYPRE_StructVectorSetBoxValues(h, const_cast<HYPRE_Int*>(l.lower.data()),
                                                        const_cast<HYPRE_Int*>(l.upper.data()),
                                                        const_cast<PetscScalar*>(in));
  TD_PETSC(VecRestoreArrayRead(v, &in));
  hypre_check(ierr, "HYPRE_StructVectorSetBoxValues");
  TD_HYPRE(HYPRE_StructVectorAssemble(h));
}

/// Copy the owned values of @p h into @p v.
void from_hypre(const StructLayout& l, HYPRE_StructVector h, Vec v) {
  PetscScalar* out = nullptr;
  TD_PETSC(VecGetArrayWrite(v, &out));
  const HYPRE_Int got = HYPRE_StructVectorGetBoxValues(h, const_cast<HYPRE_Int*>(l.lower.data()),
                                                       const_cast<HYPRE_Int*>(l.upper.data()), out);
  TD_PETSC(VecRestoreArrayWrite(v, &out));
  hypre_check(got, "HYPRE_StructVectorGetBoxValues");
}

/// y = A x for array storage: row by row (x fastest), all of a cell's couplings in one loop
/// over the row without branches (a coupling's terms in a loop each cost a third more: the
/// row of y was loaded and stored once per coupling). A neighbour row that does not exist (a
/// wall) is read as a row of zeros, and the first and last cell of a row, which lack their
/// west and east neighbours, are done apart. With @p b, y = b - A x instead (the residual),
/// each row of y turned into the residual's while it is in cache: a product followed by
/// VecAYPX wrote y, then read it and b back and wrote it again, half as much memory traffic
/// again as the product of a 5-point stencil. The values are the same to the bit.
void array_product(StructOperatorState& s, const double* x, double* y, const double* b = nullptr) {
  const StructLayout& l = s.layout;
  const int nx = l.count[0], ny = l.count[1], nz = l.count[2];
  const std::size_t plane = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  const bool three = l.dim > 2;
  const std::vector<double> zeros(static_cast<std::size_t>(nx), 0.0);
  // on slabs: the neighbour ranks' nearest units of x (each rank sends its first unit down
  // and its last one up); zeros stay where there is no neighbour
  if (s.comm) {
    const auto unit = static_cast<int>(s.below.size());
    const std::size_t last = l.dim == 2 ? plane - static_cast<std::size_t>(nx) : (nz - 1) * plane;
    if (MPI_Sendrecv(x, unit, MPI_DOUBLE, s.lower, 0, s.above.data(), unit, MPI_DOUBLE, s.upper, 0,
                     s.comm->get(), MPI_STATUS_IGNORE) != MPI_SUCCESS ||
        MPI_Sendrecv(x + last, unit, MPI_DOUBLE, s.upper, 1, s.below.data(), unit, MPI_DOUBLE,
                     s.lower, 1, s.comm->get(), MPI_STATUS_IGNORE) != MPI_SUCCESS)
      throw Error("struct operator: exchanging the slabs' nearest units failed");
  }
  // the entries' arrays, looked up (and checked as written) once
  std::array<const double*, kMaxStencilEntries> entry{};
  for (int e = 0; e < l.stencil_size; ++e) entry[static_cast<std::size_t>(e)] = s.entry(e);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j) {
      const std::size_t o = static_cast<std::size_t>(k) * plane + static_cast<std::size_t>(j) * nx;
      const double* __restrict C = entry[0] + o;
      const double* __restrict W = entry[1] + o;
      const double* __restrict E = entry[2] + o;
      const double* __restrict S = l.dim > 1 ? entry[3] + o : zeros.data();
      const double* __restrict N = l.dim > 1 ? entry[4] + o : zeros.data();
      const double* __restrict xr = x + o;
      // in 2D the slab's first and last rows take their neighbours from the exchange
      const bool two = l.dim == 2;
      const double* __restrict xs = j > 0 ? xr - nx : two ? s.below.data() : zeros.data();
      const double* __restrict xn = j + 1 < ny ? xr + nx : two ? s.above.data() : zeros.data();
      double* __restrict yr = y + o;
      auto ends = [&](int i) {
        double v = C[i] * xr[i] + S[i] * xs[i] + N[i] * xn[i];
        if (i > 0) v += W[i] * xr[i - 1];
        if (i + 1 < nx) v += E[i] * xr[i + 1];
        yr[i] = v;
      };
      ends(0);
      for (int i = 1; i < nx - 1; ++i)
        yr[i] = C[i] * xr[i] + W[i] * xr[i - 1] + E[i] * xr[i + 1] + S[i] * xs[i] + N[i] * xn[i];
      if (nx > 1) ends(nx - 1);
      if (three) {
        const double* __restrict B = entry[5] + o;
        const double* __restrict T = entry[6] + o;
        const std::size_t row = static_cast<std::size_t>(j) * static_cast<std::size_t>(nx);
        const double* __restrict xb = k > 0 ? xr - plane : s.below.data() + row;
        const double* __restrict xt = k + 1 < nz ? xr + plane : s.above.data() + row;
        for (int i = 0; i < nx; ++i) yr[i] += B[i] * xb[i] + T[i] * xt[i];
      }
      if (b != nullptr) {
        const double* __restrict br = b + o;
        for (int i = 0; i < nx; ++i) yr[i] = br[i] - yr[i];
      }
    }
}

/// MATSHELL callbacks of a struct operator: exceptions become PETSc errors with the message.
PetscErrorCode operator_mult(Mat A, Vec x, Vec y) {
  try {
    StructOperatorState& s = *operator_state(A);
    if (s.arrays()) {
      ReadArray in(x);
      WriteArray out(y);
      array_product(s, in.get(), out.get());
      return 0;
    }
    to_hypre(s.layout, x, s.x);
    TD_HYPRE(HYPRE_StructMatrixMatvec(1.0, s.A, s.x, 0.0, s.y));
    from_hypre(s.layout, s.y, y);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

/// r = b - A x (MatResidual: PCMG's and the stencil multigrid's Richardson iteration).
PetscErrorCode operator_residual(Mat A, Vec b, Vec x, Vec r) {
  try {
    StructOperatorState& s = *operator_state(A);
    if (s.arrays()) {
      const ReadArray in(x), rhs(b);
      const WriteArray out(r);
      array_product(s, in.get(), out.get(), rhs.get());
      return 0;
    }
    TD_PETSC(MatMult(A, x, r));
    TD_PETSC(VecAYPX(r, -1.0, b));
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode operator_get_diagonal(Mat A, Vec d) {
  try {
    StructOperatorState& s = *operator_state(A);
    if (s.arrays()) {
      WriteArray out(d);
      std::copy_n(s.entry(0), s.layout.local_cells, out.get());
      return 0;
    }
    PetscScalar* out = nullptr;
    TD_PETSC(VecGetArrayWrite(d, &out));
    HYPRE_Int centre = 0;
    const HYPRE_Int got = HYPRE_StructMatrixGetBoxValues(s.A, s.layout.lower.data(),
                                                         s.layout.upper.data(), 1, &centre, out);
    TD_PETSC(VecRestoreArrayWrite(d, &out));
    hypre_check(got, "HYPRE_StructMatrixGetBoxValues");
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode operator_view(Mat A, PetscViewer viewer) {
  PetscBool ascii = PETSC_FALSE;
  PetscCall(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(viewer), PETSCVIEWERASCII, &ascii));
  if (!ascii)
    SETERRQ(PetscObjectComm(reinterpret_cast<PetscObject>(A)), PETSC_ERR_SUP,
            "the struct operator (hypre's struct matrix) is viewed as text only; -mat_type aij "
            "stores the matrix as AIJ");
  void* ctx = nullptr;
  PetscCall(MatShellGetContext(A, &ctx));
  const auto& s = *static_cast<StructOperatorState*>(ctx);
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s, %d-point stencil\n",
                                   s.arrays() ? "stencil arrays" : "hypre struct matrix",
                                   s.layout.stencil_size));
  return 0;
}

PetscErrorCode operator_destroy(Mat A) {
  void* ctx = nullptr;
  PetscCall(MatShellGetContext(A, &ctx));
  std::unique_ptr<StructOperatorState> owned(static_cast<StructOperatorState*>(ctx));
  return 0;
}

/// The shell preconditioner's state: the hypre grid and stencil of the mesh, and the solver
/// rebuilt at every set-up (new matrix values). The matrix is a struct operator's, or a copy
/// of an AIJ one (made at the first such set-up); the vectors are on the matrix's grid.
class StructuredPC {
 public:
  StructuredPC(const Mesh& mesh, Settings settings);
  /// Set the solver up from the preconditioning matrix @p P (a struct operator, or copied
  /// from an AIJ matrix into hypre's).
  void set_up(Mat P);
  /// y = one V-cycle applied to x.
  void apply(Vec x, Vec y);
  void view(PetscViewer viewer) const;

 private:
  /// Copy the rows of the AIJ matrix @p P into A_.
  void copy(Mat P);
  /// Throw Error on every rank if @p problem (this rank's reason to refuse the matrix, empty
  /// for none) is non-empty on any: the rank that found it gives its reason, the others say
  /// where to look. Collective.
  void refuse_on_all_ranks(const std::string& problem) const;
  /// Global column of stencil entry e of the owned cell @p idx; -1 off the mesh (walls).
  PetscInt stencil_column(const std::array<int, 3>& idx, int e) const;
  Settings settings_;
  StructLayout layout_;
  PetscInt first_row_ = 0;
  DmdaNumbering numbering_;
  /// Row of each stencil neighbour relative to the cell's own, where both are owned.
  std::vector<PetscInt> row_step_;
  HypreOwned<HYPRE_StructMatrix> A_;        ///< the copy of an AIJ matrix
  HYPRE_StructMatrix matrix_ = nullptr;     ///< the matrix of the last set-up (A_ or borrowed)
  HYPRE_StructGrid vector_grid_ = nullptr;  ///< the grid b_ and x_ are on
  HypreOwned<HYPRE_StructVector> b_, x_;
  HypreOwned<HYPRE_StructSolver> solver_;
};

StructuredPC::StructuredPC(const Mesh& mesh, Settings settings)
    : settings_(settings),
      layout_(mesh),
      // the numbering of cells is the mesh DM's whatever its fields per cell
      numbering_(mesh.dm()) {
  const auto& count = layout_.count;
  for (const auto& o : layout_.offsets)
    row_step_.push_back(o[0] + static_cast<PetscInt>(count[0]) * (o[1] + count[1] * o[2]));
  first_row_ = numbering_.global({layout_.start[0], layout_.start[1], layout_.start[2]});
}

void StructuredPC::refuse_on_all_ranks(const std::string& problem) const {
  stop_on_every_rank(layout_.comm, problem,
                     "structured multigrid (-td_pc): another rank refused the preconditioning "
                     "matrix (its message says why)");
}

PetscInt StructuredPC::stencil_column(const std::array<int, 3>& idx, int e) const {
  const auto& start = layout_.start;
  const auto& count = layout_.count;
  const auto& off = layout_.offsets[e];
  std::array<PetscInt, 3> n{idx[0] + off[0], idx[1] + off[1], idx[2] + off[2]};
  // owned neighbours (all but a layer on the rank's faces) in the rank's block order
  bool owned = true;
  for (int a = 0; a < 3; ++a) owned = owned && n[a] >= start[a] && n[a] < start[a] + count[a];
  if (owned)
    return first_row_ + ((n[2] - start[2]) * count[1] + (n[1] - start[1])) * count[0] +
           (n[0] - start[0]);
  for (int a = 0; a < 3; ++a) {
    const PetscInt m = numbering_.cells(a);
    if (layout_.periodic[a] != 0) n[a] = (n[a] + m) % m;
    if (n[a] < 0 || n[a] >= m) return -1;
  }
  return numbering_.global(n);
}

void StructuredPC::set_up(Mat P) {
  const StructLayout* layout = &layout_;
  if (is_struct_operator(P)) {
    const StructOperatorState& op = *operator_state(P);
    refuse_on_all_ranks(op.layout.same_as(layout_)
                            ? std::string()
                            : std::string("structured multigrid (-td_pc): the preconditioning "
                                          "matrix is a struct operator of another mesh"));
    if (op.arrays()) {
      // its values into hypre's matrix, one stencil entry at a time over the whole box (x
      // fastest, as the arrays); hypre takes them through a non-const pointer and only reads them
      if (!A_) A_ = layout_.new_matrix();
      for (HYPRE_Int e = 0; e < layout_.stencil_size; ++e)
        TD_HYPRE(
            HYPRE_StructMatrixSetBoxValues(A_, const_cast<HYPRE_Int*>(layout_.lower.data()),
                                           const_cast<HYPRE_Int*>(layout_.upper.data()), 1, &e,
                                           const_cast<double*>(op.entry(static_cast<int>(e)))));
      TD_HYPRE(HYPRE_StructMatrixAssemble(A_));
      matrix_ = A_;
    } else {
      matrix_ = op.A;
      layout = &op.layout;
    }
  } else {
    if (!A_) A_ = layout_.new_matrix();
    copy(P);
    matrix_ = A_;
  }
  if (vector_grid_ != layout->grid) {
    b_ = layout->new_vector();
    x_ = layout->new_vector();
    vector_grid_ = layout->grid;
  }
  // The solver keeps the coarse operators of the matrix it was set up with: a new one for the
  // new values.
  const SolverKind& k = *settings_.kind;
  solver_.reset();
  TD_HYPRE(k.create(layout_.comm, solver_.out(k.destroy)));
  // one V-cycle from a zero initial guess: a fixed linear preconditioner for GMRES
  TD_HYPRE(k.set_tol(solver_, 0.0));
  TD_HYPRE(k.set_max_iter(solver_, 1));
  TD_HYPRE(k.set_zero_guess(solver_));
  if (&k == &kPfmg) {
    TD_HYPRE(HYPRE_StructPFMGSetRelaxType(solver_, static_cast<HYPRE_Int>(settings_.relax_type)));
    TD_HYPRE(HYPRE_StructPFMGSetRAPType(solver_, static_cast<HYPRE_Int>(settings_.rap_type)));
    TD_HYPRE(HYPRE_StructPFMGSetSkipRelax(solver_, settings_.skip_relax ? 1 : 0));
    TD_HYPRE(k.set_num_pre_relax(solver_, static_cast<HYPRE_Int>(settings_.num_pre)));
    TD_HYPRE(k.set_num_post_relax(solver_, static_cast<HYPRE_Int>(settings_.num_post)));
  } else {
    TD_HYPRE(k.set_num_pre_relax(solver_, static_cast<HYPRE_Int>(settings_.smg_num_pre)));
    TD_HYPRE(k.set_num_post_relax(solver_, static_cast<HYPRE_Int>(settings_.smg_num_post)));
  }
  TD_HYPRE(k.setup(solver_, matrix_, b_, x_));
}

void StructuredPC::copy(Mat P) {
  const auto& start = layout_.start;
  const auto& count = layout_.count;
  const int stencil_size = layout_.stencil_size;
  PetscInt lo = 0, hi = 0;
  TD_PETSC(MatGetOwnershipRange(P, &lo, &hi));
  std::string problem;
  if (lo != first_row_ || hi - lo != layout_.local_cells)
    problem = fmt::format(
        "structured multigrid (-td_pc): the preconditioning matrix owns rows [{}, {}) on this "
        "rank, the mesh's cells are [{}, {}): one field per cell in the mesh's DMDA ordering is "
        "needed",
        lo, hi, first_row_, first_row_ + layout_.local_cells);
  refuse_on_all_ranks(problem);
  // The AIJ storage directly (no MatGetRow call per row): one
  // sequential part, or the diagonal and off-diagonal blocks of a parallel matrix, whose
  // columns are local (offset by the first owned column) and compressed (garray).
  PetscBool seq = PETSC_FALSE, mpi = PETSC_FALSE;
  TD_PETSC(PetscObjectBaseTypeCompare(reinterpret_cast<PetscObject>(P), MATSEQAIJ, &seq));
  TD_PETSC(PetscObjectBaseTypeCompare(reinterpret_cast<PetscObject>(P), MATMPIAIJ, &mpi));
  struct Part {
    Mat m;
    PetscInt column_offset;
    const PetscInt* columns;  // compressed column -> global column, or null
  };
  std::vector<Part> parts;
  if (seq) {
    parts.push_back({P, 0, nullptr});
  } else if (mpi) {
    Mat Ad, Ao;
    const PetscInt* garray = nullptr;
    TD_PETSC(MatMPIAIJGetSeqAIJ(P, &Ad, &Ao, &garray));
    PetscInt clo = 0, chi = 0;
    TD_PETSC(MatGetOwnershipRangeColumn(P, &clo, &chi));
    parts.push_back({Ad, clo, nullptr});
    parts.push_back({Ao, 0, garray});
  } else {
    MatType type;
    TD_PETSC(MatGetType(P, &type));
    throw Error(fmt::format(
        "structured multigrid (-td_pc): the preconditioning matrix is of type {}; AIJ needed",
        type));
  }
  // The owned rows are copied in chunks of whole x-lines of one z-plane (a box of the grid),
  // through one buffer of a few hundred kB instead of a copy of the whole matrix.
  struct RowAccess {
    const PetscInt *ia = nullptr, *ja = nullptr;
    const PetscScalar* a = nullptr;
    const PetscInt* columns = nullptr;
    PetscInt column_offset = 0;
  };
  std::vector<RowAccess> rows(parts.size());
  for (std::size_t m = 0; m < parts.size(); ++m) {
    PetscInt n = 0;
    PetscBool done = PETSC_FALSE;
    TD_PETSC(
        MatGetRowIJ(parts[m].m, 0, PETSC_FALSE, PETSC_FALSE, &n, &rows[m].ia, &rows[m].ja, &done));
    if (!done) throw InternalError("MatGetRowIJ gave no row structure for an AIJ matrix");
    TD_PETSC(MatSeqAIJGetArrayRead(parts[m].m, &rows[m].a));
    rows[m].columns = parts[m].columns;
    rows[m].column_offset = parts[m].column_offset;
  }
  // An inner cell's row as the FV assembly writes it (exactly the stencil's columns,
  // ascending, all in the sequential or diagonal part) is copied without a column search.
  std::vector<int> ascending(static_cast<std::size_t>(stencil_size));
  std::iota(ascending.begin(), ascending.end(), 0);
  std::sort(ascending.begin(), ascending.end(),
            [&](int e, int f) { return row_step_[e] < row_step_[f]; });
  auto copy_inner_row = [&](PetscInt q, PetscInt row, double* v, PetscInt stride) {
    const RowAccess& r = rows.front();
    if (r.ia[q + 1] - r.ia[q] != stencil_size) return false;
    for (std::size_t m = 1; m < rows.size(); ++m)
      if (rows[m].ia[q + 1] != rows[m].ia[q]) return false;
    const PetscInt* col = r.ja + r.ia[q];
    for (int t = 0; t < stencil_size; ++t)
      if (r.column_offset + col[t] != row + row_step_[ascending[t]]) return false;
    for (int t = 0; t < stencil_size; ++t) v[ascending[t] * stride] = r.a[r.ia[q] + t];
    return true;
  };
  const PetscInt line = count[0];
  const PetscInt lines_per_chunk = chunk_lines(layout_);
  std::vector<HYPRE_Real> values(static_cast<std::size_t>(stencil_size) * lines_per_chunk * line);
  std::vector<PetscInt> cols(static_cast<std::size_t>(stencil_size));
  PetscInt outside = -1, outside_row = -1;
  PetscScalar outside_value = 0.0;
  // hypre's calls here are local, its assembly below collective: a failure on one rank
  // becomes this rank's reason to refuse, so that every rank stops at refuse_on_all_ranks
  // instead of the others waiting in the assembly.
  try {
    for (int k = start[2]; k < start[2] + count[2]; ++k)
      for (int j0 = start[1]; j0 < start[1] + count[1]; j0 += static_cast<int>(lines_per_chunk)) {
        const int j1 = std::min<int>(j0 + static_cast<int>(lines_per_chunk), start[1] + count[1]);
        const PetscInt chunk = static_cast<PetscInt>(j1 - j0) * line;
        const PetscInt q0 =
            (static_cast<PetscInt>(k - start[2]) * count[1] + (j0 - start[1])) * line;
        std::fill(values.begin(), values.begin() + stencil_size * chunk, 0.0);
        for (PetscInt c = 0; c < chunk; ++c) {
          const std::array<int, 3> idx{start[0] + static_cast<int>(c % line),
                                       j0 + static_cast<int>(c / line), k};
          const PetscInt q = q0 + c;
          // a cell whose neighbours are all owned finds them at fixed row offsets
          bool inner = true;
          for (int a = 0; a < layout_.dim; ++a)
            inner = inner && idx[a] > start[a] && idx[a] + 1 < start[a] + count[a];
          if (inner && copy_inner_row(q, lo + q, &values[static_cast<std::size_t>(c)], chunk))
            continue;
          for (int e = 0; e < stencil_size; ++e)
            cols[e] = inner ? lo + q + row_step_[e] : stencil_column(idx, e);
          for (const RowAccess& r : rows)
            for (PetscInt p = r.ia[q]; p < r.ia[q + 1]; ++p) {
              const PetscInt col = r.columns ? r.columns[r.ja[p]] : r.column_offset + r.ja[p];
              int e = 0;
              while (e < stencil_size && cols[e] != col) ++e;
              if (e < stencil_size) {
                values[static_cast<std::size_t>(e) * chunk + c] += r.a[p];
              } else if (r.a[p] != 0.0 && outside < 0) {
                outside = col;
                outside_row = lo + q;
                outside_value = r.a[p];
              }
            }
        }
        layout_.set_lines(A_, j0, j1, k, values.data());
      }
  } catch (const std::exception& e) {
    problem = e.what();
  }
  for (std::size_t m = 0; m < parts.size(); ++m) {
    TD_PETSC(MatSeqAIJRestoreArrayRead(parts[m].m, &rows[m].a));
    PetscInt n = 0;
    PetscBool done = PETSC_FALSE;
    TD_PETSC(MatRestoreRowIJ(parts[m].m, 0, PETSC_FALSE, PETSC_FALSE, &n, &rows[m].ia, &rows[m].ja,
                             &done));
  }
  if (outside >= 0 && problem.empty())
    problem = fmt::format(
        "structured multigrid (-td_pc): row {} of the preconditioning matrix has the entry "
        "{:.6g} in column {}, which is not one of its cell's {}-point stencil (the cell and "
        "its face neighbours): use another preconditioner (-pc_type hypre or mg)",
        outside_row, outside_value, outside, stencil_size);
  // hypre's assembly and set-up below are collective: every rank stops here if one refuses
  refuse_on_all_ranks(problem);
  TD_HYPRE(HYPRE_StructMatrixAssemble(A_));
}

void StructuredPC::apply(Vec x, Vec y) {
  if (!solver_) throw InternalError("structured multigrid applied before its set-up");
  to_hypre(layout_, x, b_);
  TD_HYPRE(HYPRE_StructVectorSetConstantValues(x_, 0.0));
  const HYPRE_Int solved = settings_.kind->solve(solver_, matrix_, b_, x_);
  // One cycle with tolerance 0 "does not converge": that flag is expected, other errors not.
  if (solved != 0 && solved != HYPRE_ERROR_CONV) hypre_check(solved, "HYPRE_Struct*Solve");
  HYPRE_ClearAllErrors();
  from_hypre(layout_, x_, y);
}

void StructuredPC::view(PetscViewer viewer) const {
  const std::string text =
      settings_.kind == &kPfmg
          ? fmt::format(
                "hypre struct PFMG, one V-cycle: relaxation {}, {} pre- and {} "
                "post-sweeps, coarse operators {}, skip relaxation {}\n",
                kRelaxNames[settings_.relax_type], settings_.num_pre, settings_.num_post,
                kRapNames[settings_.rap_type], settings_.skip_relax ? "yes" : "no")
          : fmt::format("hypre struct SMG, one V-cycle: {} pre- and {} post-sweeps\n",
                        settings_.smg_num_pre, settings_.smg_num_post);
  TD_PETSC(PetscViewerASCIIPrintf(viewer, "%s", text.c_str()));
}

StructuredPC* context(PC pc) {
  void* ctx = nullptr;
  TD_PETSC(PCShellGetContext(pc, &ctx));
  return static_cast<StructuredPC*>(ctx);
}

/// PCSHELL callbacks: exceptions become PETSc errors carrying the message.
PetscErrorCode pc_setup(PC pc) {
  try {
    Mat A, P;
    TD_PETSC(PCGetOperators(pc, &A, &P));
    context(pc)->set_up(P);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode pc_apply(PC pc, Vec x, Vec y) {
  try {
    context(pc)->apply(x, y);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode pc_view(PC pc, PetscViewer viewer) {
  try {
    context(pc)->view(viewer);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode pc_destroy(PC pc) {
  // the PC owns the context (setup_structured_multigrid released it)
  void* ctx = nullptr;
  PetscCall(PCShellGetContext(pc, &ctx));
  std::unique_ptr<StructuredPC> owned(static_cast<StructuredPC*>(ctx));
  return 0;
}

}  // namespace

bool uniform_axes(const Mesh& mesh) {
  for (int a = 0; a < mesh.dim(); ++a) {
    const Axis& axis = mesh.axis(a);
    double lo = axis.width(0), hi = lo;
    for (int i = 1; i < axis.cells(); ++i) {
      lo = std::min(lo, axis.width(i));
      hi = std::max(hi, axis.width(i));
    }
    if (hi - lo > kUniformWidthTolerance * hi) return false;
  }
  return true;
}

namespace {

/// Whether -snes_mf, -mat_type or -dm_mat_type is given, with @p prefix or without: no
/// assembled AIJ matrix to copy, or another matrix asked for.
bool other_matrix_asked(const char* prefix) {
  for (const char* name : {"-snes_mf", "-mat_type", "-dm_mat_type"}) {
    PetscBool given = PETSC_FALSE;
    TD_PETSC(PetscOptionsHasName(nullptr, prefix, name, &given));
    if (given) return true;
    TD_PETSC(PetscOptionsHasName(nullptr, nullptr, name, &given));
    if (given) return true;
  }
  return false;
}

}  // namespace

bool default_applies(const Mesh& mesh, const char* prefix) {
  if (any_periodic_axis(mesh)) return false;
  // -snes_mf leaves no assembled matrix to copy (PETSc then sets no preconditioner, but
  // leaves a shell in place); another matrix type has other storage
  return !other_matrix_asked(prefix);
}

namespace {

/// Throw Error if -{prefix}ksp_type names a Krylov type that applies the transpose of the
/// preconditioner, which a V-cycle of PFMG or SMG does not provide: without it the solve stops
/// inside PETSc ("No method applytranspose for PC of type shell").
void refuse_transposed_preconditioning(const char* prefix, const char* solver, bool chosen) {
  const std::string type = krylov_type_transposing_preconditioner(prefix);
  const std::string p = prefix ? prefix : "";
  if (!type.empty())
    throw Error(fmt::format(
        "-{0}ksp_type {1} applies the transpose of the preconditioner, which hypre's "
        "structured multigrid ({2}, the preconditioner here) does not provide: choose another "
        "-{0}ksp_type (gmres, bcgs, ...) or {3}a -{0}pc_type with a transpose (jacobi, "
        "bjacobi)",
        p, type, solver, chosen ? fmt::format("drop -{}td_pc and give ", p) : ""));
}

bool assembled_matrix_needed(const char* prefix);

/// Why the single-precision geometric multigrid cannot precondition the one-field solver of
/// @p mesh under @p prefix (a phrase after "needs"), or empty when it can. Collective.
std::string stencil_refusal(const Mesh& mesh, const char* prefix, bool closed,
                            const StencilOffer& offer) {
  if (mesh.dim() < 2) return "a 2D or 3D mesh";
  if (any_periodic_axis(mesh)) return "a mesh without periodic axes";
  if (std::string partition = stencil_partition_problem(mesh); !partition.empty()) return partition;
  if (std::string levels = stencil_levels_problem(mesh, offer.peclet); !levels.empty())
    return levels;
  if (closed)
    return "an open cell without strong drift against a wall that closes an axis (the "
           "operator of a closed cell)";
  if (!offer.coarse_operators)
    return "the coarse operators of the steady solver (one species, prescribed temperature)";
  if (other_matrix_asked(prefix) || assembled_matrix_needed(prefix))
    return "the operator in hypre's struct matrix, which -mat_type, -dm_mat_type, -snes_mf, "
           "-ksp_diagonal_scale, -ksp_view_mat, -ksp_view_pmat, -mat_view and transposed "
           "Krylov types replace by a PETSc matrix";
  if (stencil_coarsest_cells(mesh) > kMaxStencilCoarsestCells)
    return "a mesh whose coarsest level has at most kMaxStencilCoarsestCells (512) cells, "
           "which it solves by LU (a mesh only a few cells across an axis hardly "
           "coarsens)";
  return {};
}

/// Whether the single-precision geometric multigrid is the default for one field per cell
/// of @p mesh (setup_structured_multigrid).
bool stencil_default(const Mesh& mesh, const char* prefix, bool closed, const StencilOffer& offer) {
  return stencil_refusal(mesh, prefix, closed, offer).empty() &&
         offer.peclet <= kMaxStencilPeclet && offer.span <= kMaxStencilSpan &&
         flexible_krylov_or_default(prefix) && max_cell_aspect_ratio(mesh) <= kMaxStencilAspect;
}

/// The structured solver setup_structured_multigrid installs for @p dof fields per cell of
/// @p mesh with the options of @p prefix (kPfmgIndex, kSmgIndex, kGmgIndex), or -1 for none;
/// whether -td_pc chose it in @p chosen. @p closed: a closed cell's operator (SMG by
/// default); @p offer: the solver's offer to the single-precision multigrid.
PetscInt chosen_solver(const Mesh& mesh, const char* prefix, int dof, bool& chosen,
                       bool closed = false, const StencilOffer& offer = {}) {
  const std::string shown = prefix ? prefix : "";
  PetscInt which = 0;
  PetscBool given = PETSC_FALSE, pc_type_given = PETSC_FALSE;
  TD_PETSC(PetscOptionsGetEList(nullptr, prefix, "-td_pc", kSolverNames, std::size(kSolverNames),
                                &which, &given));
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-pc_type", &pc_type_given));
  chosen = given == PETSC_TRUE;
  if (!chosen) {
    // The default where it applies: one field per cell in 2D and 3D (1D solves directly) on a
    // mesh without periodic axes, an assembled AIJ preconditioning matrix; -pc_type chooses
    // any other preconditioner (BoomerAMG with -pc_type hypre).
    if (pc_type_given || dof != 1 || mesh.dim() == 1 || !default_applies(mesh, prefix)) return -1;
    if (stencil_default(mesh, prefix, closed, offer)) return kGmgIndex;
    const PetscInt solver = uniform_axes(mesh) && !closed ? kPfmgIndex : kSmgIndex;
    refuse_transposed_preconditioning(prefix, kSolverNames[solver], false);
    return solver;
  }
  if (pc_type_given)
    throw Error(
        fmt::format("-{0}td_pc and -{0}pc_type both given: choose one preconditioner", shown));
  if (dof != 1)
    throw Error(fmt::format(
        "-{}td_pc {}: hypre's structured multigrid takes one field per cell; this solver has "
        "{} (use the default, or -{}pc_type mg)",
        shown, kSolverNames[which], dof, shown));
  // hypre's PFMG and SMG coarsen 2D and 3D grids only (a 3-point stencil is refused inside
  // hypre, which then aborts the process)
  if (mesh.dim() == 1)
    throw Error(fmt::format(
        "-{}td_pc {}: hypre's structured multigrid needs a 2D or 3D mesh; in 1D the default "
        "solves directly",
        shown, kSolverNames[which]));
  // SMG rounds a periodic axis while coarsening; with a period that is not a power of two its
  // V-cycle is no longer a preconditioner (GMRES broke down at periods 3, 5, 7, 9, 12, and
  // CVODE's steps shrank to t + h = t)
  if (which == kGmgIndex) {
    const std::string why = stencil_refusal(mesh, prefix, closed, offer);
    if (!why.empty())
      throw Error(fmt::format(
          "-{0}td_pc gmg (the single-precision geometric multigrid) needs {1}; drop it for "
          "the default (hypre's PFMG or SMG)",
          shown, why));
  }
  if (which == kSmgIndex)
    for (int a = 0; a < mesh.dim(); ++a) {
      const int n = mesh.cells(a);
      if (mesh.axis(a).periodic && (n & (n - 1)) != 0)
        throw Error(fmt::format(
            "-{}td_pc smg: periodic axis {} has {} cells, not a power of two, which hypre's SMG "
            "does not coarsen correctly; use -{}td_pc pfmg or the default",
            shown, "xyz"[a], n, shown));
    }
  // the single-precision multigrid refuses every Krylov type but its flexible ones itself
  if (which != kGmgIndex) refuse_transposed_preconditioning(prefix, kSolverNames[which], true);
  return which;
}

}  // namespace

namespace {

/// Krylov types of PETSc 3.18 that multiply by the transpose of the operator, which hypre's
/// struct matrix does not offer.
constexpr const char* kTransposeKrylov[] = {"lsqr", "cgne", "bicg", "cgls"};

/// Whether an option of @p prefix needs the operator as a PETSc matrix: a Krylov type with
/// transposed products, diagonal scaling, or a view of the matrix other than as text.
bool assembled_matrix_needed(const char* prefix) {
  char type[64] = "";
  PetscBool given = PETSC_FALSE;
  TD_PETSC(PetscOptionsGetString(nullptr, prefix, "-ksp_type", type, sizeof type, &given));
  if (given)
    for (const char* t : kTransposeKrylov)
      if (std::string(type) == t) return true;
  for (const char* name : {"-ksp_diagonal_scale", "-ksp_view_mat", "-ksp_view_pmat", "-mat_view"}) {
    TD_PETSC(PetscOptionsHasName(nullptr, prefix, name, &given));
    if (given) return true;
  }
  return false;
}

}  // namespace

StructStorage struct_storage_on(const Mesh& mesh) {
  // slabs: every rank holds whole units along every axis but the last (one rank: one slab;
  // a 1D mesh split among ranks is not)
  int ranks = 1;
  MPI_Comm_size(mesh.comm(), &ranks);
  bool slabs = mesh.dim() > 1 || ranks == 1;
  for (int a = 0; a + 1 < mesh.dim(); ++a) slabs = slabs && mesh.count()[a] == mesh.cells(a);
  return slabs && !any_periodic_axis(mesh) ? StructStorage::arrays : StructStorage::hypre;
}

StructStorage struct_storage_for(const Mesh& mesh, const char* prefix, bool closed,
                                 const StencilOffer& offer) {
  bool chosen = false;
  const bool gmg = chosen_solver(mesh, prefix, 1, chosen, closed, offer) == kGmgIndex;
  return gmg ? struct_storage_on(mesh) : StructStorage::hypre;
}

bool struct_operator_chosen(const Mesh& mesh, const char* prefix, int dof) {
  bool chosen = false;
  // whichever structured solver it is, the operator is a struct operator: the solver's offer
  // to the single-precision multigrid is judged when it is installed
  const StencilOffer any{true, 0.0, 0.0};
  return chosen_solver(mesh, prefix, dof, chosen, false, any) >= 0 && !other_matrix_asked(prefix) &&
         !assembled_matrix_needed(prefix) && !petsc_computes_jacobian(prefix);
}

namespace {

/// BiCGStab in place of the caller's GMRES (KSPGMRES only, and only where -ksp_type is not
/// given): with PFMG it takes about half GMRES's iterations at two applications each (8
/// against 14 at 1024^2, 11 against 19 at 64^3), so about the same work, but keeps 8 vectors
/// where GMRES keeps one per iteration (25 at 1024^2, 210 MB); with SMG it costs about as
/// much at small cell Peclet numbers (5 iterations, 10 cycles, against 9 on a graded 512^2
/// mesh) and far less at large ones, where GMRES(30) restarts stall (closed cell,
/// S_T Delta T = 500: 65 iterations against 900 graded, 63 against 2000 and no answer
/// uniform); under BoomerAMG on a periodic closed cell at S_T Delta T = 50, GMRES broke down
/// where BiCGStab converges (docs/solvers.md).
void prefer_bicgstab(KSP ksp) {
  PetscBool gmres = PETSC_FALSE, ksp_type_given = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp), KSPGMRES, &gmres));
  const char* kprefix = nullptr;
  TD_PETSC(KSPGetOptionsPrefix(ksp, &kprefix));
  TD_PETSC(PetscOptionsHasName(nullptr, kprefix, "-ksp_type", &ksp_type_given));
  if (gmres && !ksp_type_given) TD_PETSC(KSPSetType(ksp, KSPBCGS));
}

/// Whether @p pc holds BoomerAMG as the default for one field per cell of a 2D or 3D @p mesh
/// with a periodic axis (where the structured multigrid is not the default): the caller set
/// it, and neither -pc_type nor -td_pc chose it.
bool periodic_boomeramg_default(PC pc, const Mesh& mesh, const char* prefix, int dof) {
  if (dof != 1 || mesh.dim() == 1 || !any_periodic_axis(mesh)) return false;
  PetscBool hypre = PETSC_FALSE, pc_type_given = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCHYPRE, &hypre));
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-pc_type", &pc_type_given));
  return hypre && !pc_type_given;
}

}  // namespace

void setup_structured_multigrid(KSP ksp, const Mesh& mesh, int dof, bool closed,
                                StencilOffer offer) {
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  const char* prefix = nullptr;
  TD_PETSC(PCGetOptionsPrefix(pc, &prefix));
  bool chosen = false;
  const PetscInt which = chosen_solver(mesh, prefix, dof, chosen, closed, offer);
  if (which < 0) {
    if (periodic_boomeramg_default(pc, mesh, prefix, dof)) prefer_bicgstab(ksp);
    return;
  }
  if (which == kGmgIndex) {
    install_stencil_multigrid(ksp, mesh, offer.peclet);
    return;
  }
  auto state = std::make_unique<StructuredPC>(
      mesh, read_settings(mesh, prefix, which == kPfmgIndex ? kPfmg : kSmg));
  TD_PETSC(PCSetType(pc, PCSHELL));
  TD_PETSC(PCShellSetContext(pc, state.get()));
  TD_PETSC(PCShellSetDestroy(pc, pc_destroy));
  // from here the PC owns the state (pc_destroy)
  state.release();
  TD_PETSC(PCShellSetName(pc, which == kPfmgIndex ? "hypre struct PFMG" : "hypre struct SMG"));
  TD_PETSC(PCShellSetSetUp(pc, pc_setup));
  TD_PETSC(PCShellSetApply(pc, pc_apply));
  TD_PETSC(PCShellSetView(pc, pc_view));
  if (!chosen) prefer_bicgstab(ksp);
}

bool is_struct_operator(Mat A) {
  PetscBool shell = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(A), MATSHELL, &shell));
  if (!shell) return false;
  // the product is the mark of a struct operator: other shells have their own
  void (*mult)(void) = nullptr;
  TD_PETSC(MatShellGetOperation(A, MATOP_MULT, &mult));
  return mult == reinterpret_cast<void (*)(void)>(operator_mult);
}

Owned<Mat> create_struct_operator(const Mesh& mesh) {
  return create_struct_operator(mesh, StructStorage::hypre);
}

Owned<Mat> create_struct_operator(const Mesh& mesh, StructStorage storage) {
  auto state = std::make_unique<StructOperatorState>(mesh, storage);
  // one field per cell of the mesh's cells, whatever the mesh's own fields per cell
  const PetscInt local = state->layout.local_cells;
  PetscInt global = 1;
  for (int a = 0; a < mesh.dim(); ++a) global *= mesh.cells(a);
  Owned<Mat> A;
  TD_PETSC(MatCreateShell(mesh.comm(), local, local, global, global, state.get(), A.out()));
  TD_PETSC(MatShellSetManageScalingShifts(A));
  TD_PETSC(
      MatShellSetOperation(A, MATOP_DESTROY, reinterpret_cast<void (*)(void)>(operator_destroy)));
  // from here the matrix owns the state (operator_destroy)
  state.release();
  TD_PETSC(MatShellSetOperation(A, MATOP_MULT, reinterpret_cast<void (*)(void)>(operator_mult)));
  TD_PETSC(
      MatShellSetOperation(A, MATOP_RESIDUAL, reinterpret_cast<void (*)(void)>(operator_residual)));
  TD_PETSC(MatShellSetOperation(A, MATOP_GET_DIAGONAL,
                                reinterpret_cast<void (*)(void)>(operator_get_diagonal)));
  TD_PETSC(MatShellSetOperation(A, MATOP_VIEW, reinterpret_cast<void (*)(void)>(operator_view)));
  TD_PETSC(MatSetUp(A));
  return A;
}

const double* struct_entry_data(Mat A, int e) {
  if (!is_struct_operator(A)) throw InternalError("struct_entry_data: not a struct operator");
  StructOperatorState& s = *operator_state(A);
  if (e < 0 || e >= s.layout.stencil_size)
    throw InternalError(fmt::format("struct_entry_data: no stencil entry {}", e));
  return s.arrays() ? s.entry(e) : nullptr;
}

void read_struct_entry(Mat A, int e, std::vector<double>& out) {
  if (!is_struct_operator(A)) throw InternalError("read_struct_entry: not a struct operator");
  StructOperatorState& s = *operator_state(A);
  if (e < 0 || e >= s.layout.stencil_size)
    throw InternalError(fmt::format("read_struct_entry: no stencil entry {}", e));
  out.resize(static_cast<std::size_t>(s.layout.local_cells));
  if (s.arrays()) {
    std::copy_n(s.entry(e), s.layout.local_cells, out.begin());
    return;
  }
  HYPRE_Int entry = e;
  TD_HYPRE(HYPRE_StructMatrixGetBoxValues(s.A, s.layout.lower.data(), s.layout.upper.data(), 1,
                                          &entry, out.data()));
}

StructRowWriter::StructRowWriter(Mat A) : A_(A), state_(nullptr) {
  if (!is_struct_operator(A)) throw InternalError("StructRowWriter: not a struct operator");
  state_ = operator_state(A);
  const StructLayout& l = state_->layout;
  // array storage takes the rows in place
  if (state_->arrays()) return;
  buffer_.assign(static_cast<std::size_t>(l.stencil_size) *
                     static_cast<std::size_t>(chunk_lines(l)) *
                     static_cast<std::size_t>(l.count[0]),
                 0.0);
  start_chunk();
}

StructRowWriter::~StructRowWriter() = default;

int StructRowWriter::entries() const { return state_->layout.stencil_size; }

void StructRowWriter::start_chunk() {
  // whole x-lines of one plane, from the line of the first row not yet written to the end of
  // its plane or the chunk's size
  const StructLayout& l = state_->layout;
  const PetscInt first_line = flushed_ / l.count[0];
  const PetscInt in_plane = first_line % l.count[1];
  const PetscInt lines = std::min<PetscInt>(chunk_lines(l), l.count[1] - in_plane);
  chunk_j0_ = l.start[1] + static_cast<int>(in_plane);
  chunk_j1_ = chunk_j0_ + static_cast<int>(lines);
  chunk_k_ = l.start[2] + static_cast<int>(first_line / l.count[1]);
  chunk_cells_ = lines * l.count[0];
}

void StructRowWriter::push(const double* values) {
  const StructLayout& l = state_->layout;
  if (pushed_ >= l.local_cells) throw InternalError("StructRowWriter: more rows than owned cells");
  if (state_->arrays()) {
    for (int e = 0; e < l.stencil_size; ++e) state_->entry_to_write(e)[pushed_] = values[e];
    flushed_ = ++pushed_;
    return;
  }
  const PetscInt c = pushed_ - flushed_;
  for (int e = 0; e < l.stencil_size; ++e)
    buffer_[static_cast<std::size_t>(e * chunk_cells_ + c)] = values[e];
  ++pushed_;
  if (c + 1 == chunk_cells_) {
    l.set_lines(state_->A, chunk_j0_, chunk_j1_, chunk_k_, buffer_.data());
    flushed_ = pushed_;
    start_chunk();
  }
}

void StructRowWriter::push_line(int n, const double* const* entries) {
  const StructLayout& l = state_->layout;
  if (pushed_ + n > l.local_cells)
    throw InternalError("StructRowWriter: more rows than owned cells");
  if (state_->arrays()) {
    for (int e = 0; e < l.stencil_size; ++e)
      std::copy_n(entries[e], n, state_->entry_to_write(e) + pushed_);
    pushed_ += n;
    flushed_ = pushed_;
    return;
  }
  std::vector<double> row(static_cast<std::size_t>(l.stencil_size));
  for (int i = 0; i < n; ++i) {
    for (int e = 0; e < l.stencil_size; ++e) row[static_cast<std::size_t>(e)] = entries[e][i];
    push(row.data());
  }
}

void StructRowWriter::finish(const std::string& problem) {
  const StructLayout& l = state_->layout;
  std::string mine = problem;
  if (mine.empty() && (pushed_ != l.local_cells || flushed_ != pushed_))
    mine =
        fmt::format("StructRowWriter: {} rows written of {} owned cells", pushed_, l.local_cells);
  pushed_ = flushed_ = 0;
  if (!state_->arrays()) start_chunk();
  // hypre's assembly below is collective: every rank stops here if one failed
  stop_on_every_rank(
      l.comm, mine,
      "struct operator: another rank failed to write its rows (its message says why)");
  if (!state_->arrays()) TD_HYPRE(HYPRE_StructMatrixAssemble(state_->A));
  state_->written = true;
  // new values: the state of the PETSc matrix increases, so that its preconditioner sets up
  TD_PETSC(MatAssemblyBegin(A_, MAT_FINAL_ASSEMBLY));
  TD_PETSC(MatAssemblyEnd(A_, MAT_FINAL_ASSEMBLY));
}

}  // namespace td
