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
#include "core/Petsc.h"

namespace td {
namespace {

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
constexpr const char* kSolverNames[] = {"pfmg", "smg"};
constexpr PetscInt kPfmgIndex = 0;
constexpr PetscInt kSmgIndex = 1;
/// Cell widths along an axis that differ by less than this fraction of the largest count as
/// uniform (node coordinates from uniform_nodes differ from it by round-off only).
constexpr double kUniformWidthTolerance = 1e-6;
/// A periodic axis of 1 or 2 cells makes a cell its own neighbour, or both neighbours the same
/// cell: one matrix entry for two stencil entries, which the copy cannot split.
constexpr int kMinPeriodicCells = 3;
/// Cells per chunk of the copy of the matrix into hypre (the buffer holds 2 dim + 1 values
/// per cell: 64 Ki cells, 2.5 MB in 2D).
constexpr PetscInt kChunkCells = 65536;
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
  bool periodic = false;
  for (int a = 0; a < mesh.dim(); ++a) periodic = periodic || mesh.axis(a).periodic;
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

/// The shell preconditioner's state: hypre grid, stencil, matrix and vectors built once for
/// the mesh, the solver rebuilt at every set-up (new matrix values).
class StructuredPC {
 public:
  StructuredPC(const Mesh& mesh, Settings settings);
  /// Copy the preconditioning matrix @p P into the hypre matrix and set the solver up.
  void set_up(Mat P);
  /// y = one V-cycle applied to x.
  void apply(Vec x, Vec y);
  void view(PetscViewer viewer) const;

 private:
  /// Throw Error on every rank if @p problem (this rank's reason to refuse the matrix, empty
  /// for none) is non-empty on any: the rank that found it gives its reason, the others say
  /// where to look. Collective.
  void refuse_on_all_ranks(const std::string& problem) const;
  int dim_;
  int stencil_size_;
  MPI_Comm comm_;
  Settings settings_;
  std::array<HYPRE_Int, 3> lower_{}, upper_{};
  PetscInt local_cells_ = 0;
  PetscInt first_row_ = 0;
  /// Global column of stencil entry e of the owned cell @p idx; -1 off the mesh (walls).
  PetscInt stencil_column(const std::array<int, 3>& idx, int e) const;
  DmdaNumbering numbering_;
  std::array<int, 3> start_{}, count_{};
  std::array<PetscInt, 3> periodic_{0, 0, 0};      ///< period of each axis, 0 if not periodic
  std::vector<std::array<HYPRE_Int, 3>> offsets_;  ///< stencil: centre, then -/+ per axis
  /// Row of each stencil neighbour relative to the cell's own, where both are owned.
  std::vector<PetscInt> row_step_;
  HypreOwned<HYPRE_StructGrid> grid_;
  HypreOwned<HYPRE_StructStencil> stencil_;
  HypreOwned<HYPRE_StructMatrix> A_;
  HypreOwned<HYPRE_StructVector> b_, x_;
  HypreOwned<HYPRE_StructSolver> solver_;
};

StructuredPC::StructuredPC(const Mesh& mesh, Settings settings)
    : dim_(mesh.dim()),
      stencil_size_(2 * mesh.dim() + 1),
      comm_(mesh.comm()),
      settings_(settings),
      // the numbering of cells is the mesh DM's whatever its fields per cell
      numbering_(mesh.dm()),
      start_(mesh.start()),
      count_(mesh.count()) {
  const auto start = start_, count = count_;
  std::array<HYPRE_Int, 3> periodic{0, 0, 0};
  for (int a = 0; a < dim_; ++a) {
    lower_[a] = start[a];
    upper_[a] = start[a] + count[a] - 1;
    if (mesh.axis(a).periodic) {
      if (mesh.cells(a) < kMinPeriodicCells)
        throw Error(fmt::format(
            "structured multigrid (-td_pc): periodic axis {} has {} cells; at least {} needed", a,
            mesh.cells(a), kMinPeriodicCells));
      periodic[a] = mesh.cells(a);
    }
  }
  for (int a = 0; a < 3; ++a) periodic_[a] = periodic[a];
  local_cells_ = static_cast<PetscInt>(count[0]) * count[1] * count[2];
  // stencil: centre, then per axis the lower and the upper neighbour
  offsets_.push_back({0, 0, 0});
  for (int a = 0; a < dim_; ++a)
    for (int side : {-1, 1}) {
      std::array<HYPRE_Int, 3> o{0, 0, 0};
      o[a] = side;
      offsets_.push_back(o);
    }
  for (const auto& o : offsets_)
    row_step_.push_back(o[0] + static_cast<PetscInt>(count[0]) * (o[1] + count[1] * o[2]));
  first_row_ = numbering_.global({start[0], start[1], start[2]});

  TD_HYPRE(HYPRE_StructGridCreate(comm_, dim_, grid_.out(HYPRE_StructGridDestroy)));
  TD_HYPRE(HYPRE_StructGridSetExtents(grid_, lower_.data(), upper_.data()));
  TD_HYPRE(HYPRE_StructGridSetPeriodic(grid_, periodic.data()));
  TD_HYPRE(HYPRE_StructGridAssemble(grid_));
  TD_HYPRE(
      HYPRE_StructStencilCreate(dim_, stencil_size_, stencil_.out(HYPRE_StructStencilDestroy)));
  for (int e = 0; e < stencil_size_; ++e)
    TD_HYPRE(HYPRE_StructStencilSetElement(stencil_, e, offsets_[e].data()));
  TD_HYPRE(HYPRE_StructMatrixCreate(comm_, grid_, stencil_, A_.out(HYPRE_StructMatrixDestroy)));
  TD_HYPRE(HYPRE_StructMatrixInitialize(A_));
  for (auto* v : {&b_, &x_}) {
    TD_HYPRE(HYPRE_StructVectorCreate(comm_, grid_, v->out(HYPRE_StructVectorDestroy)));
    TD_HYPRE(HYPRE_StructVectorInitialize(*v));
    TD_HYPRE(HYPRE_StructVectorAssemble(*v));
  }
}

void StructuredPC::refuse_on_all_ranks(const std::string& problem) const {
  int mine = problem.empty() ? 0 : 1, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm_);
  if (any == 0) return;
  throw Error(problem.empty() ? std::string("structured multigrid (-td_pc): another rank refused "
                                            "the preconditioning matrix (its message says why)")
                              : problem);
}

PetscInt StructuredPC::stencil_column(const std::array<int, 3>& idx, int e) const {
  std::array<PetscInt, 3> n{idx[0] + offsets_[e][0], idx[1] + offsets_[e][1],
                            idx[2] + offsets_[e][2]};
  // owned neighbours (all but a layer on the rank's faces) in the rank's block order
  bool owned = true;
  for (int a = 0; a < 3; ++a) owned = owned && n[a] >= start_[a] && n[a] < start_[a] + count_[a];
  if (owned)
    return first_row_ + ((n[2] - start_[2]) * count_[1] + (n[1] - start_[1])) * count_[0] +
           (n[0] - start_[0]);
  for (int a = 0; a < 3; ++a) {
    const PetscInt m = numbering_.cells(a);
    if (periodic_[a] != 0) n[a] = (n[a] + m) % m;
    if (n[a] < 0 || n[a] >= m) return -1;
  }
  return numbering_.global(n);
}

void StructuredPC::set_up(Mat P) {
  PetscInt lo = 0, hi = 0;
  TD_PETSC(MatGetOwnershipRange(P, &lo, &hi));
  std::string problem;
  if (lo != first_row_ || hi - lo != local_cells_)
    problem = fmt::format(
        "structured multigrid (-td_pc): the preconditioning matrix owns rows [{}, {}) on this "
        "rank, the mesh's cells are [{}, {}): one field per cell in the mesh's DMDA ordering is "
        "needed",
        lo, hi, first_row_, first_row_ + local_cells_);
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
  std::vector<int> ascending(static_cast<std::size_t>(stencil_size_));
  std::iota(ascending.begin(), ascending.end(), 0);
  std::sort(ascending.begin(), ascending.end(),
            [&](int e, int f) { return row_step_[e] < row_step_[f]; });
  auto copy_inner_row = [&](PetscInt q, PetscInt row, double* v, PetscInt stride) {
    const RowAccess& r = rows.front();
    if (r.ia[q + 1] - r.ia[q] != stencil_size_) return false;
    for (std::size_t m = 1; m < rows.size(); ++m)
      if (rows[m].ia[q + 1] != rows[m].ia[q]) return false;
    const PetscInt* col = r.ja + r.ia[q];
    for (int t = 0; t < stencil_size_; ++t)
      if (r.column_offset + col[t] != row + row_step_[ascending[t]]) return false;
    for (int t = 0; t < stencil_size_; ++t) v[ascending[t] * stride] = r.a[r.ia[q] + t];
    return true;
  };
  const PetscInt line = count_[0];
  const PetscInt lines_per_chunk = std::max<PetscInt>(1, kChunkCells / line);
  std::vector<HYPRE_Real> values(static_cast<std::size_t>(stencil_size_) * lines_per_chunk * line);
  std::vector<PetscInt> cols(static_cast<std::size_t>(stencil_size_));
  PetscInt outside = -1, outside_row = -1;
  PetscScalar outside_value = 0.0;
  // hypre's calls here are local, its assembly below collective: a failure on one rank
  // becomes this rank's reason to refuse, so that every rank stops at refuse_on_all_ranks
  // instead of the others waiting in the assembly.
  try {
    for (int k = start_[2]; k < start_[2] + count_[2]; ++k)
      for (int j0 = start_[1]; j0 < start_[1] + count_[1];
           j0 += static_cast<int>(lines_per_chunk)) {
        const int j1 = std::min<int>(j0 + static_cast<int>(lines_per_chunk), start_[1] + count_[1]);
        const PetscInt chunk = static_cast<PetscInt>(j1 - j0) * line;
        const PetscInt q0 =
            (static_cast<PetscInt>(k - start_[2]) * count_[1] + (j0 - start_[1])) * line;
        std::fill(values.begin(), values.begin() + stencil_size_ * chunk, 0.0);
        for (PetscInt c = 0; c < chunk; ++c) {
          const std::array<int, 3> idx{start_[0] + static_cast<int>(c % line),
                                       j0 + static_cast<int>(c / line), k};
          const PetscInt q = q0 + c;
          // a cell whose neighbours are all owned finds them at fixed row offsets
          bool inner = true;
          for (int a = 0; a < dim_; ++a)
            inner = inner && idx[a] > start_[a] && idx[a] + 1 < start_[a] + count_[a];
          if (inner && copy_inner_row(q, lo + q, &values[static_cast<std::size_t>(c)], chunk))
            continue;
          for (int e = 0; e < stencil_size_; ++e)
            cols[e] = inner ? lo + q + row_step_[e] : stencil_column(idx, e);
          for (const RowAccess& r : rows)
            for (PetscInt p = r.ia[q]; p < r.ia[q + 1]; ++p) {
              const PetscInt col = r.columns ? r.columns[r.ja[p]] : r.column_offset + r.ja[p];
              int e = 0;
              while (e < stencil_size_ && cols[e] != col) ++e;
              if (e < stencil_size_) {
                values[static_cast<std::size_t>(e) * chunk + c] += r.a[p];
              } else if (r.a[p] != 0.0 && outside < 0) {
                outside = col;
                outside_row = lo + q;
                outside_value = r.a[p];
              }
            }
        }
        std::array<HYPRE_Int, 3> box_lo = lower_, box_hi = upper_;
        box_lo[1] = j0;
        box_hi[1] = j1 - 1;
        box_lo[2] = box_hi[2] = k;
        if (dim_ < 3) box_lo[2] = box_hi[2] = lower_[2];
        if (dim_ < 2) box_lo[1] = box_hi[1] = lower_[1];
        // one stencil entry at a time, from contiguous values (all entries at once, stencil
        // index fastest, measured 30% slower at 1024^2)
        for (HYPRE_Int e = 0; e < stencil_size_; ++e)
          TD_HYPRE(HYPRE_StructMatrixSetBoxValues(A_, box_lo.data(), box_hi.data(), 1, &e,
                                                  &values[static_cast<std::size_t>(e) * chunk]));
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
        outside_row, outside_value, outside, stencil_size_);
  // hypre's assembly and set-up below are collective: every rank stops here if one refuses
  refuse_on_all_ranks(problem);
  TD_HYPRE(HYPRE_StructMatrixAssemble(A_));
  // The solver keeps the coarse operators of the matrix it was set up with: a new one for the
  // new values.
  const SolverKind& k = *settings_.kind;
  solver_.reset();
  TD_HYPRE(k.create(comm_, solver_.out(k.destroy)));
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
  TD_HYPRE(k.setup(solver_, A_, b_, x_));
}

void StructuredPC::apply(Vec x, Vec y) {
  if (!solver_) throw InternalError("structured multigrid applied before its set-up");
  const PetscScalar* in = nullptr;
  TD_PETSC(VecGetArrayRead(x, &in));
  // hypre takes the values through a non-const pointer and only reads them
  const HYPRE_Int ierr = HYPRE_StructVectorSetBoxValues(b_, lower_.data(), upper_.data(),
                                                        const_cast<PetscScalar*>(in));
  TD_PETSC(VecRestoreArrayRead(x, &in));
  hypre_check(ierr, "HYPRE_StructVectorSetBoxValues");
  TD_HYPRE(HYPRE_StructVectorAssemble(b_));
  TD_HYPRE(HYPRE_StructVectorSetConstantValues(x_, 0.0));
  const HYPRE_Int solved = settings_.kind->solve(solver_, A_, b_, x_);
  // One cycle with tolerance 0 "does not converge": that flag is expected, other errors not.
  if (solved != 0 && solved != HYPRE_ERROR_CONV) hypre_check(solved, "HYPRE_Struct*Solve");
  HYPRE_ClearAllErrors();
  PetscScalar* out = nullptr;
  TD_PETSC(VecGetArrayWrite(y, &out));
  const HYPRE_Int got = HYPRE_StructVectorGetBoxValues(x_, lower_.data(), upper_.data(), out);
  TD_PETSC(VecRestoreArrayWrite(y, &out));
  hypre_check(got, "HYPRE_StructVectorGetBoxValues");
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

bool default_applies(const Mesh& mesh, const char* prefix) {
  for (int a = 0; a < mesh.dim(); ++a)
    if (mesh.axis(a).periodic) return false;
  // -snes_mf leaves no assembled matrix to copy (PETSc then sets no preconditioner, but
  // leaves a shell in place); another matrix type has other storage
  for (const char* name : {"-snes_mf", "-mat_type", "-dm_mat_type"}) {
    PetscBool given = PETSC_FALSE;
    TD_PETSC(PetscOptionsHasName(nullptr, prefix, name, &given));
    if (given) return false;
    TD_PETSC(PetscOptionsHasName(nullptr, nullptr, name, &given));
    if (given) return false;
  }
  return true;
}

void setup_structured_multigrid(KSP ksp, const Mesh& mesh, int dof) {
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  const char* prefix = nullptr;
  TD_PETSC(PCGetOptionsPrefix(pc, &prefix));
  const std::string shown = prefix ? prefix : "";
  PetscInt which = 0;
  PetscBool chosen = PETSC_FALSE, pc_type_given = PETSC_FALSE;
  TD_PETSC(PetscOptionsGetEList(nullptr, prefix, "-td_pc", kSolverNames, std::size(kSolverNames),
                                &which, &chosen));
  TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-pc_type", &pc_type_given));
  if (!chosen) {
    // The default where it applies: one field per cell in 2D and 3D (1D solves directly) on a
    // mesh without periodic axes, an assembled AIJ preconditioning matrix; -pc_type chooses
    // any other preconditioner (BoomerAMG with -pc_type hypre).
    if (pc_type_given || dof != 1 || mesh.dim() == 1 || !default_applies(mesh, prefix)) return;
    which = uniform_axes(mesh) ? kPfmgIndex : kSmgIndex;
  }
  if (pc_type_given)
    throw Error(
        fmt::format("-{0}td_pc and -{0}pc_type both given: choose one preconditioner", shown));
  if (dof != 1)
    throw Error(fmt::format(
        "-{}td_pc {}: hypre's structured multigrid takes one field per cell; this solver has "
        "{} (use the default, or -{}pc_type mg)",
        shown, kSolverNames[which], dof, shown));
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
  if (!chosen && which == kPfmgIndex) {
    // With PFMG BiCGStab takes about half GMRES's iterations at two applications each (8
    // against 14 at 1024^2, 11 against 19 at 64^3), so about the same work, but keeps 8
    // vectors where GMRES keeps one per iteration (25 at 1024^2, 210 MB): fresh memory costs
    // more than the iterations on machines that fault pages in slowly (docs/solvers.md).
    // Not with SMG, whose cycles cost more than GMRES's vector work (5 BiCGStab iterations,
    // 10 cycles, against 9 on a graded 512^2 mesh). Only where neither the options nor the
    // caller chose otherwise than GMRES.
    PetscBool gmres = PETSC_FALSE, ksp_type_given = PETSC_FALSE;
    TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp), KSPGMRES, &gmres));
    const char* kprefix = nullptr;
    TD_PETSC(KSPGetOptionsPrefix(ksp, &kprefix));
    TD_PETSC(PetscOptionsHasName(nullptr, kprefix, "-ksp_type", &ksp_type_given));
    if (gmres && !ksp_type_given) TD_PETSC(KSPSetType(ksp, KSPBCGS));
  }
}

}  // namespace td
