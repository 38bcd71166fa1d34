#include "mesh/StencilMultigrid.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "core/Error.h"
#include "core/ErrorExit.h"
#include "core/OwnComm.h"
#include "core/Petsc.h"
#include "core/UninitializedVector.h"
#include "mesh/Multigrid.h"
#include "mesh/StructuredMultigrid.h"

// The cycle's loops are compiled twice, for x86-64-v3 (AVX2, FMA: 8 floats per
// instruction) and for the baseline the build targets (SSE2: 4), and the dynamic loader picks
// the one the machine runs (GCC's function multiversioning). The AVX2 build of the study's
// cycle took 5.6-6.5 ms at 1024^2 against 7.5 ms (bench/bench_stencil_mg, docs/solvers.md).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define TD_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TD_SIMD_CLONES
#endif

namespace td {

namespace {

/// Stencil entries of a cell (StructRowWriter's numbering): itself, then the lower and upper
/// neighbour along x, then along y, then along z.
constexpr int kCentre = 0, kWest = 1, kEast = 2, kSouth = 3, kNorth = 4, kBelow = 5, kAbove = 6;

/// Krylov types a single-precision cycle may precondition: flexible ones, which take each
/// application as it comes, and Richardson, whose residual is recomputed in double at every
/// step (iterative refinement). BiCGStab's recursive residual drifts from the true one
/// under a rounded cycle: in bench/bench_stencil_mg it reported convergence 1e-4 off.
constexpr const char* kFlexibleKrylov[] = {"fbcgs", "fgmres", "gcr", "richardson"};

/// The advice of an operator the cycle cannot take, whether -td_pc gmg chose it or it is the
/// default.
constexpr const char* kOtherPreconditioner =
    "the single-precision multigrid (-td_pc gmg, given or the default here) cannot "
    "precondition this operator: give -td_pc pfmg (or smg)";

/// The PCSHELL name that marks the stencil multigrid (stencil_multigrid()).
constexpr const char* kShellName = "single-precision geometric multigrid";
/// Red-black sweeps before and after the coarse correction. Why three after: on the steady
/// benchmark (bench_steady, 2D 1024^2 and 3D 128^3) V(1,3) took 5 flexible BiCGStab
/// iterations where V(1,2) took 6 (its fifth stopped at 3.3e-12 relative, 1e-12 asked):
/// 1024^2 0.48 s against 0.52 s, 128^3 1.14-1.17 s against 1.22-1.24 s. V(2,2) took 5 as
/// well, but 6 on the stretched test mesh where V(1,3) took 5; V(1,1) took 7. Every sweep relaxes
/// the first colour (cells with i + j + k even) first. Why: a post-sweep that began with the
/// other colour ended on the first, and under Richardson the next cycle's pre-sweep then
/// relaxed it again for nothing, since a colour's update depends only on the other colour.
/// A Krylov method sees the same loss: the preconditioned operator's error propagator
/// (post-sweeps, coarse correction, pre-sweep) has the eigenvalues of that repetition. Two
/// grids, 16^2, no drift: spectral radius 0.155, 0.065 with the order kept; Richardson under
/// V(1,2): 0.19 per cycle, 0.095.
constexpr int kPreSweeps = 1, kPostSweeps = 3;
// the pre-sweeps start from x = 0 without zeroing it (smooth(), from_zero)
static_assert(kPreSweeps >= 1);

using CoarsestLU = Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>>;

/// The solves of a CoarsestLU in the form Eigen's condition estimate
/// (internal::rcond_estimate_helper, Hager and Higham's 1-norm estimate) takes: a const
/// decomposition with dense vector types. Why: SparseLU's own adjoint() is not const.
struct CoarsestSolves {
  using MatrixType = Eigen::MatrixXd;
  using Scalar = double;
  using RealScalar = double;
  CoarsestLU* lu;
  Eigen::Index rows() const { return lu->rows(); }
  Eigen::Index cols() const { return lu->cols(); }
  Eigen::VectorXd solve(const Eigen::VectorXd& b) const { return lu->solve(b); }
  struct Adjoint {
    CoarsestLU* lu;
    Eigen::VectorXd solve(const Eigen::VectorXd& b) const { return lu->adjoint().solve(b); }
  };
  Adjoint adjoint() const { return Adjoint{lu}; }
};

/// Linear interpolation along one axis from coarse centres to a fine cell: coarse cells
/// @c parent and @c other with weights @c w and @c wo (wo = 0 at a wall).
struct AxisWeight {
  int parent = 0, other = 0;
  float w = 1.0F, wo = 0.0F;
};

/// Centres of the cells between @p nodes.
std::vector<double> centres(const std::vector<double>& nodes) {
  std::vector<double> c(nodes.size() - 1);
  for (std::size_t i = 0; i + 1 < nodes.size(); ++i) c[i] = 0.5 * (nodes[i] + nodes[i + 1]);
  return c;
}

/// Nodes of the coarsening of an axis by pairs of cells (an odd count keeps a single last
/// cell), as mesh/Multigrid.h's hierarchy.
std::vector<double> coarse_nodes(const std::vector<double>& fine) {
  std::vector<double> c;
  for (std::size_t i = 0; i < fine.size(); i += 2) c.push_back(fine[i]);
  if ((fine.size() - 1) % 2 != 0) c.push_back(fine.back());
  return c;
}

}  // namespace

namespace {

/// Units (rows in 2D, planes in 3D) stored beyond each end of a level's own along its last
/// axis: the neighbour rank's values there (exchange), zeros beyond a wall. Why this many:
/// the sweeps of a pass relax the nearest ghost units too, as their owners do, so that the
/// own units see updated neighbours without an exchange between sweeps; s sweeps reach 2s - 1
/// units and read one more (smooth()); the pre-sweeps one more still, for the residual.
constexpr int kGhostUnits = std::max(2 * kPreSweeps + 1, 2 * kPostSweeps);

/// Fewest cells of a level split among the ranks; a coarser one is held whole by every rank,
/// which relaxes it redundantly. Measured, not derived: on 2 ranks (bench_steady, 2D 1024^2
/// and 3D 128^3) limits of 1024, 16384 and 262144 cells gave the same solve times within the
/// noise (0.30-0.32 s and 0.73-0.77 s); the whole levels at this one are 0.5 % of the cells
/// at 1024^2, and a level of fewer cells takes its six exchanges per cycle for little work.
constexpr std::size_t kMinSplitCells = 16384;

/// One level: the stencil of each cell (rows along x, then y, then z), scaled by the level's
/// largest diagonal entry, its inverse diagonal, and the cycle's vectors, in single precision.
/// Within a row the cells of even x index come first, then those of odd x index (pos()).
/// Why: a Gauss-Seidel colour is every other cell of a row, so that each colour's cells of a
/// row, and their neighbours along it, are then contiguous: the colour updates load whole
/// vectors instead of picking every other entry out of two (which cost more than the
/// arithmetic). Rows, and with them the exchanges of whole units, are as in natural order.
/// In 2D nz = 1 and the z entries B, T are empty. On several ranks a level is split along its
/// last axis (y in 2D, z in 3D) into slabs, one per rank in rank order, while it has at least
/// kMinSplitCells cells and its slabs coarsen into slabs; the coarser levels are held whole by
/// every rank. Extents and indices along the last axis are then the rank's own.
struct Level {
  int dim = 2;
  int nx = 0, ny = 0, nz = 1;
  int first = 0;       ///< global index of the first own unit along the last axis
  int total = 0;       ///< units along the last axis on all ranks
  bool split = false;  ///< split among the ranks (else held whole)
  std::array<std::vector<double>, 3> nodes;  ///< of the whole level
  /// The scaled stencil and the inverse of its centre: own cells unset until read_level
  /// writes them, ghost units zero until an exchange fills them
  UninitializedVector<float> C, Ci, W, E, S, N, B, T;
  std::vector<float> x, b;
  double scale = 1.0;  ///< the operator's values were divided by it
  /// Prolongation from the next coarser level, per fine index along each axis.
  std::array<std::vector<AxisWeight>, 3> p;
  /// The coefficient arrays in use: B and T in 3D only.
  std::vector<UninitializedVector<float>*> coefficients() {
    std::vector<UninitializedVector<float>*> all = {&C, &Ci, &W, &E, &S, &N};
    if (dim == 3) all.insert(all.end(), {&B, &T});
    return all;
  }
  /// Own cells.
  std::size_t cells() const {
    return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny) *
           static_cast<std::size_t>(nz);
  }
  /// Own units along the last axis.
  int units() const { return dim == 2 ? ny : nz; }
  /// Cells of a unit.
  std::size_t unit() const {
    return static_cast<std::size_t>(nx) * (dim == 2 ? 1 : static_cast<std::size_t>(ny));
  }
  /// Offset of the first own cell (the ghost units come before).
  std::size_t ghost() const { return kGhostUnits * unit(); }
  /// Cells stored: own and ghost units.
  std::size_t stored() const { return cells() + 2 * ghost(); }
  /// Offset of the first cell of own unit @p u (-kGhostUnits <= u < units() + kGhostUnits).
  std::size_t at(int u) const {
    return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ghost()) +
                                    static_cast<std::ptrdiff_t>(u) *
                                        static_cast<std::ptrdiff_t>(unit()));
  }
  /// Offset of the first cell of row (j, k), own indices (in 2D j may be a ghost row, in 3D
  /// k a ghost plane).
  std::size_t row(int j, int k) const {
    return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ghost()) +
                                    static_cast<std::ptrdiff_t>(nx) *
                                        (j + static_cast<std::ptrdiff_t>(ny) * k));
  }
  /// Cells of even x index in a row (stored first).
  int even() const { return (nx + 1) / 2; }
  /// Position within its row of the cell of x index @p i.
  int pos(int i) const { return (i & 1) != 0 ? even() + i / 2 : i / 2; }
  /// Calls f(k, s) for each own cell: k its index in natural order (x fastest), s its index
  /// in the stored arrays.
  template <class F>
  void each_cell(F&& f) const {
    const std::size_t rows = cells() / static_cast<std::size_t>(nx);
    const int ne = even();
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t k = r * static_cast<std::size_t>(nx), s = ghost() + k;
      for (int m = 0; m < ne; ++m)
        f(k + 2 * static_cast<std::size_t>(m), s + static_cast<std::size_t>(m));
      for (int m = 0; m < nx / 2; ++m)
        f(k + 2 * static_cast<std::size_t>(m) + 1, s + static_cast<std::size_t>(ne + m));
    }
  }
  /// Whether a neighbour rank holds units below (above) the own ones.
  bool below() const { return split && first > 0; }
  bool above() const { return split && first + units() < total; }
};

/// The stencil of row (j, k) of a level: pointers to its first cell's entries (B, T null in
/// 2D).
struct RowView {
  RowView(const Level& L, int j, int k)
      : offset(L.row(j, k)),
        C(&L.C[offset]),
        Ci(&L.Ci[offset]),
        W(&L.W[offset]),
        E(&L.E[offset]),
        S(&L.S[offset]),
        N(&L.N[offset]),
        B(L.B.empty() ? nullptr : &L.B[offset]),
        T(L.T.empty() ? nullptr : &L.T[offset]) {}
  std::size_t offset;
  const float *C, *Ci, *W, *E, *S, *N, *B, *T;
};

/// The values of row (j, k)'s neighbour rows in @p x: south, north, below, above; a row of
/// zeros beyond a wall (where the coefficient is zero too), instead of a branch per cell.
struct NeighbourRows {
  const float *s, *n, *b, *t;
};

}  // namespace

struct StencilMultigrid::Impl {
  explicit Impl(MPI_Comm c) : comm(c) {}
  OwnComm comm;
  int ranks = 1;
  /// The ranks of the slabs below and above this one's (MPI_PROC_NULL at a wall).
  int lower = MPI_PROC_NULL, upper = MPI_PROC_NULL;
  std::vector<Level> levels;  ///< finest first
  std::vector<Mat> coarse;    ///< borrowed, coarsest first
  std::array<bool, 6> zero_walls{};
  bool have_coarse = false;
  std::vector<float> zeros, tmp;  ///< a row of zeros (beyond walls), a row buffer
  std::vector<float> residual_row;  ///< the residual of one row, summed into the coarse level
  std::vector<double> values;     ///< read buffer of one stencil entry
  std::vector<double> whole;      ///< a whole level's stencil entry, gathered from the ranks
  /// The coarsest level's LU. Why sparse: with a dense LU of 512 cells (8^3, where the
  /// drift stops the coarsening of 128^3 or 32^3) the set-up of a 32^3 solve took 17 ms,
  /// more than the rest of the solve; 4 ms with the sparse one.
  CoarsestLU coarsest;
  Eigen::VectorXd coarsest_rhs;
  /// StencilMultigrid::richardson_norm(): set by richardson(), cleared by a single cycle
  std::optional<double> richardson_norm;
  /// @p local summed over the ranks (collective).
  double sum_over_ranks(double local) const;
  /// The coarsest level's scaled stencil in double, entry by entry (StructRowWriter's
  /// numbering): its LU must not see float's rounding, which can erase a weak exchange term
  /// and make a regular operator singular, or a singular one look regular.
  std::array<std::vector<double>, 7> coarsest_stencil;

  void weights(Level& fine, const Level& coarse_level);
  void exchange(const Level& L, float* v, int depth) const;
  void stop_everywhere(const std::string& problem) const;
  void read_level(Level& L, Mat A);
  void factor_coarsest();
  NeighbourRows neighbours(const Level& L, const float* x, int j, int k) const;
  TD_SIMD_CLONES void other_rows(const Level& L, const float* b, const float* x, int j, int k,
                                 float* out) const;
  TD_SIMD_CLONES void row(Level& L, const float* b, float* x, int j, int k, int colour,
                          bool zero_neighbours) const;
  template <class AfterStep>
  void smooth(Level& L, const float* b, float* x, int sweeps, int exact, bool from_zero,
              AfterStep&& after_step) const;
  TD_SIMD_CLONES void residual(const Level& L, const float* b, const float* x, int j, int k,
                               float* r) const;
  TD_SIMD_CLONES void restrict_unit(const Level& f, const float* b, const float* x, int u,
                                    Level& c);
  void presmooth_and_restrict(Level& f, const float* b, float* x, Level& c);
  TD_SIMD_CLONES void prolong(const Level& f, const Level& c, float* fine,
                              const float* coarse_x) const;
  void solve_coarsest(const float* b, float* x);
  void vcycle(std::size_t l, float* b, float* x);
};

namespace {

/// Cells of level @p level of @p mesh's hierarchy (0: the mesh).
std::size_t level_cells(const Mesh& mesh, int level) {
  std::size_t cells = 1;
  for (int a = 0; a < mesh.dim(); ++a) {
    auto n = static_cast<std::size_t>(mesh.cells(a));
    for (int l = 0; l < level; ++l) n = (n + 1) / 2;
    cells *= n;
  }
  return cells;
}

}  // namespace

std::size_t stencil_coarsest_cells(const Mesh& mesh) {
  return level_cells(mesh, mesh.max_mg_levels() - 1);
}

int stencil_levels(const Mesh& mesh, double peclet) {
  const int deepest = mesh.max_mg_levels() - 1;
  // the coarsest level whose cell Peclet number stays within kMaxCoarsestPeclet, then deeper
  // while it has too many cells for the coarsest level's LU
  int coarsest = drift_mg_levels(mesh, peclet, kMaxCoarsestPeclet) - 1;
  while (coarsest < deepest && level_cells(mesh, coarsest) > kMaxStencilCoarsestCells) ++coarsest;
  return coarsest + 1;
}

std::string stencil_partition_problem(const Mesh& mesh) {
  int ranks = 1;
  MPI_Comm_size(mesh.comm(), &ranks);
  if (ranks == 1) return {};
  const int last = mesh.dim() - 1;
  int whole = 1;
  for (int a = 0; a < last; ++a) whole = whole && mesh.count()[a] == mesh.cells(a) ? 1 : 0;
  int thinnest = mesh.count()[last];
  MPI_Allreduce(MPI_IN_PLACE, &whole, 1, MPI_INT, MPI_MIN, mesh.comm());
  MPI_Allreduce(MPI_IN_PLACE, &thinnest, 1, MPI_INT, MPI_MIN, mesh.comm());
  if (whole == 0 || thinnest < kGhostUnits)
    return fmt::format(
        "a partition of the mesh into slabs along its last axis ({}), each at least {} cells "
        "thick (PETSc's partition of a square or cubic mesh on 2 ranks; this one {})",
        "xyz"[last], kGhostUnits,
        whole == 0 ? "splits another axis too" : fmt::format("has a slab {} thick", thinnest));
  return {};
}

std::string stencil_levels_problem(const Mesh& mesh, double peclet) {
  int ranks = 1;
  MPI_Comm_size(mesh.comm(), &ranks);
  if (ranks == 1 || stencil_levels(mesh, peclet) >= 2) return {};
  return "at least two levels on several ranks, the mesh split and the coarsest level whole "
         "(this mesh's drift or partition leaves one: a coarser mesh or one rank)";
}

StencilMultigrid::StencilMultigrid(const Mesh& mesh, double peclet)
    : impl_(std::make_unique<Impl>(mesh.comm())) {
  Impl& m = *impl_;
  MPI_Comm_size(mesh.comm(), &m.ranks);
  int rank = 0;
  MPI_Comm_rank(mesh.comm(), &rank);
  const int dim = mesh.dim();
  bool periodic = false;
  for (int a = 0; a < dim; ++a) periodic = periodic || mesh.axis(a).periodic;
  if (dim < 2 || periodic)
    throw Error(
        "the single-precision geometric multigrid (-td_pc gmg) takes a 2D or 3D mesh without "
        "periodic axes");
  if (const std::string why = stencil_partition_problem(mesh); !why.empty())
    throw Error("the single-precision geometric multigrid (-td_pc gmg) needs " + why);
  if (stencil_coarsest_cells(mesh) > kMaxStencilCoarsestCells)
    throw Error(fmt::format(
        "the single-precision geometric multigrid (-td_pc gmg): the coarsest level of this mesh "
        "has {} cells, more than the {} it solves by LU",
        stencil_coarsest_cells(mesh), kMaxStencilCoarsestCells));
  const int nlev = stencil_levels(mesh, peclet);
  // the fine level is split on several ranks, and the coarsest must be whole
  if (m.ranks > 1 && nlev < 2)
    throw Error("the single-precision geometric multigrid (-td_pc gmg) needs " +
                stencil_levels_problem(mesh, peclet));
  const int last = dim - 1;
  // the slabs of the ranks along the last axis (the starts of each, then the end), in rank
  // order: the mesh's partition splits no other axis (stencil_partition_problem)
  std::vector<int> starts(static_cast<std::size_t>(m.ranks) + 1, mesh.cells(last));
  const int own_start = mesh.start()[last];
  MPI_Allgather(&own_start, 1, MPI_INT, starts.data(), 1, MPI_INT, mesh.comm());
  if (m.ranks > 1) {
    m.lower = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    m.upper = rank + 1 < m.ranks ? rank + 1 : MPI_PROC_NULL;
  }
  bool split = m.ranks > 1;
  for (int l = 0; l < nlev; ++l) {
    Level L;
    L.dim = dim;
    for (int a = 0; a < 3; ++a)
      L.nodes[a] = a >= dim ? std::vector{0.0, 1.0}
                   : l == 0 ? mesh.axis(a).nodes
                            : coarse_nodes(m.levels.back().nodes[a]);
    const int total = static_cast<int>(L.nodes[last].size()) - 1;
    if (l > 0 && split) {
      // split while every slab coarsens into a slab of its own (an even start) at least
      // kGhostUnits thick, the level is large enough, and it is not the coarsest (solved whole)
      bool even = true;
      for (std::size_t r = 0; r + 1 < starts.size(); ++r) even = even && starts[r] % 2 == 0;
      std::vector<int> coarse(starts.size());
      for (std::size_t r = 0; r < starts.size(); ++r) coarse[r] = (starts[r] + 1) / 2;
      bool thick = true;
      for (std::size_t r = 0; r + 1 < coarse.size(); ++r)
        thick = thick && coarse[r + 1] - coarse[r] >= kGhostUnits;
      split = even && thick && l + 1 < nlev && level_cells(mesh, l) >= kMinSplitCells;
      if (split) starts = std::move(coarse);
    }
    L.split = split;
    L.total = total;
    L.first = split ? starts[static_cast<std::size_t>(rank)] : 0;
    const int own = split ? starts[static_cast<std::size_t>(rank) + 1] - L.first : total;
    L.nx = static_cast<int>(L.nodes[0].size()) - 1;
    L.ny = dim == 2 ? own : static_cast<int>(L.nodes[1].size()) - 1;
    L.nz = dim == 2 ? 1 : own;
    const std::size_t n = L.stored();
    for (auto* v : {&L.x, &L.b}) v->assign(n, 0.0F);
    for (auto* v : L.coefficients()) {
      v->resize(n);
      std::fill_n(v->begin(), L.ghost(), 0.0F);
      std::fill_n(v->end() - static_cast<std::ptrdiff_t>(L.ghost()), L.ghost(), 0.0F);
    }
    m.levels.push_back(std::move(L));
  }
  const auto widest = static_cast<std::size_t>(m.levels.front().nx);
  m.zeros.assign(widest, 0.0F);
  m.tmp.assign(widest, 0.0F);
  m.residual_row.assign(widest, 0.0F);
}

StencilMultigrid::~StencilMultigrid() = default;

int StencilMultigrid::levels() const { return static_cast<int>(impl_->levels.size()); }

int StencilMultigrid::split_levels() const {
  return static_cast<int>(std::count_if(impl_->levels.begin(), impl_->levels.end(),
                                        [](const Level& L) { return L.split; }));
}

void StencilMultigrid::set_coarse_operators(std::vector<Mat> coarse,
                                            std::array<bool, 6> zero_walls) {
  if (coarse.size() + 1 != impl_->levels.size())
    throw InternalError(fmt::format("StencilMultigrid: {} coarse operators for {} levels",
                                    coarse.size(), impl_->levels.size()));
  impl_->coarse = std::move(coarse);
  impl_->zero_walls = zero_walls;
  impl_->have_coarse = true;
  for (std::size_t l = 0; l + 1 < impl_->levels.size(); ++l)
    impl_->weights(impl_->levels[l], impl_->levels[l + 1]);
}

bool StencilMultigrid::has_coarse_operators() const { return impl_->have_coarse; }

void StencilMultigrid::Impl::weights(Level& fine, const Level& c) {
  // along each axis: linear between the parent's centre and the coarse neighbour's on the
  // fine cell's side; at a wall the parent's value, or linear to zero on a zero wall
  auto axis = [&](const std::vector<double>& fnodes, const std::vector<double>& cnodes,
                  bool zero_lo, bool zero_hi) {
    const std::vector<double> xf = centres(fnodes), xc = centres(cnodes);
    const int nc = static_cast<int>(xc.size());
    std::vector<AxisWeight> out(xf.size());
    for (std::size_t i = 0; i < xf.size(); ++i) {
      AxisWeight& w = out[i];
      w.parent = static_cast<int>(i / 2);
      const double xp = xc[static_cast<std::size_t>(w.parent)], x = xf[i];
      const int side = x < xp ? -1 : 1;
      const int other = w.parent + side;
      w.other = w.parent;
      if (x == xp) continue;  // the single last cell of an odd count: its parent's value
      if (other < 0 || other >= nc) {
        const bool zero = side < 0 ? zero_lo : zero_hi;
        const double wall = side < 0 ? cnodes.front() : cnodes.back();
        w.w = zero ? static_cast<float>((x - wall) / (xp - wall)) : 1.0F;
        continue;
      }
      const double xo = xc[static_cast<std::size_t>(other)];
      w.other = other;
      w.w = static_cast<float>((xo - x) / (xo - xp));
      w.wo = 1.0F - w.w;
    }
    return out;
  };
  for (int a = 0; a < 3; ++a)
    fine.p[static_cast<std::size_t>(a)] =
        axis(fine.nodes[static_cast<std::size_t>(a)], c.nodes[static_cast<std::size_t>(a)],
             zero_walls[static_cast<std::size_t>(2 * a)],
             zero_walls[static_cast<std::size_t>(2 * a + 1)]);
  // along x: in the order of the fine row's cells, to the positions of the coarse ones
  // (Level's order along a row)
  auto& along_x = fine.p[0];
  std::vector<AxisWeight> stored(along_x.size());
  for (int i = 0; i < fine.nx; ++i) {
    AxisWeight w = along_x[static_cast<std::size_t>(i)];
    w.parent = c.pos(w.parent);
    w.other = c.pos(w.other);
    stored[static_cast<std::size_t>(fine.pos(i))] = w;
  }
  along_x = std::move(stored);
  // along the last axis: the fine level's own units, and the coarse one's own indices (a
  // ghost unit of a split coarse level where the other parent is a neighbour rank's)
  auto& last = fine.p[static_cast<std::size_t>(fine.dim - 1)];
  last =
      std::vector<AxisWeight>(last.begin() + fine.first, last.begin() + fine.first + fine.units());
  for (AxisWeight& w : last) {
    w.parent -= c.first;
    w.other -= c.first;
  }
}

void StencilMultigrid::Impl::exchange(const Level& L, float* v, int depth) const {
  if (!L.split) return;
  constexpr int kTag = 0;
  const int n = depth * static_cast<int>(L.unit());
  const int own = L.units();
  // upwards: the own last units to the rank above, the ghost units below from the one below;
  // then downwards
  int rc = MPI_Sendrecv(v + L.at(own - depth), n, MPI_FLOAT, upper, kTag, v + L.at(-depth), n,
                        MPI_FLOAT, lower, kTag, comm.get(), MPI_STATUS_IGNORE);
  if (rc == MPI_SUCCESS)
    rc = MPI_Sendrecv(v + L.at(0), n, MPI_FLOAT, lower, kTag, v + L.at(own), n, MPI_FLOAT, upper,
                      kTag, comm.get(), MPI_STATUS_IGNORE);
  if (rc != MPI_SUCCESS)
    throw Error(
        fmt::format("-td_pc gmg: the exchange of a level's boundary values failed (MPI "
                    "error {})",
                    rc));
}

void StencilMultigrid::Impl::stop_everywhere(const std::string& problem) const {
  stop_on_every_rank(comm.get(), problem,
                     "-td_pc gmg: another rank refused its part of an operator (its message "
                     "says why)");
}

namespace {

/// A double's bits read as an integer; may_alias: the array holds doubles.
using AliasedBits = std::int64_t __attribute__((may_alias));

/// The largest |b| of n entries as the bits of a double, those of infinity or NaN where an
/// entry is. Why the bits: the magnitude of a double read as an integer orders as the value
/// does, with infinity and NaN above every finite one, so that an integer maximum (which
/// vectorises, and which MPI_MAX over the ranks keeps exact) finds a NaN where a
/// floating-point one (NaN's rules) may drop it; the loop that found it and converted ran
/// scalar.
TD_SIMD_CLONES std::int64_t largest_magnitude(const double* b, std::size_t n) {
  const auto* bits = reinterpret_cast<const AliasedBits*>(b);
  constexpr std::int64_t kMagnitude = std::numeric_limits<std::int64_t>::max();
  std::int64_t top = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t m = bits[k] & kMagnitude;
    top = m > top ? m : top;
  }
  return top;
}

/// out = b * factor in single precision, n entries in rows of nx, every |b * factor| within
/// float's range; @p b in natural order, @p out in a level's (the even x indices of a row
/// first, then the odd ones).
TD_SIMD_CLONES void scaled_to_float(const double* __restrict b, std::size_t n, int nx,
                                    double factor, float* __restrict out) {
  const auto w = static_cast<std::size_t>(nx), ne = (w + 1) / 2;
  for (std::size_t r = 0; r < n; r += w) {
    const double* __restrict br = b + r;
    float* __restrict oe = out + r;
    float* __restrict oo = out + r + ne;
    for (std::size_t m = 0; m < ne; ++m) oe[m] = static_cast<float>(br[2 * m] * factor);
    for (std::size_t m = 0; m < w / 2; ++m) oo[m] = static_cast<float>(br[2 * m + 1] * factor);
  }
}

/// A float's bits read as an integer; may_alias: the array holds floats.
using AliasedFloatBits = std::int32_t __attribute__((may_alias));

/// Whether any of n floats is infinite or NaN, from their bits as largest_magnitude reads
/// a double's: a maximum that vectorises, unlike a loop of std::isfinite tests.
TD_SIMD_CLONES bool any_not_finite(const float* v, std::size_t n) {
  const auto* bits = reinterpret_cast<const AliasedFloatBits*>(v);
  constexpr std::int32_t kMagnitude = std::numeric_limits<std::int32_t>::max();
  constexpr std::int32_t kInfinity = 0x7f800000;
  std::int32_t top = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::int32_t m = bits[k] & kMagnitude;
    top = m > top ? m : top;
  }
  return top >= kInfinity;
}

}  // namespace

void StencilMultigrid::Impl::read_level(Level& L, Mat A) {
  const bool coarsest_level = &L == &levels.back();
  // a split level reads the rank's own rows; a whole one on several ranks gathers them
  const bool gather = !L.split && ranks > 1;
  PetscInt rows = 0;
  if (gather)
    TD_PETSC(MatGetSize(A, &rows, nullptr));
  else
    TD_PETSC(MatGetLocalSize(A, &rows, nullptr));
  // a split level's rows may differ on one rank only: every rank stops
  stop_everywhere(static_cast<std::size_t>(rows) == L.cells()
                      ? std::string()
                      : fmt::format("internal error: StencilMultigrid: an operator of {} rows "
                                    "for a level of {}",
                                    rows, L.cells()));
  std::vector<int> counts, displs;
  if (gather) {
    const PetscInt* ranges = nullptr;
    TD_PETSC(MatGetOwnershipRanges(A, &ranges));
    for (int r = 0; r < ranks; ++r) {
      counts.push_back(static_cast<int>(ranges[r + 1] - ranges[r]));
      displs.push_back(static_cast<int>(ranges[r]));
    }
  }
  // the operator's own arrays where it keeps its values in them, a copy otherwise
  auto entry = [&](int e) {
    const double* own = struct_entry_data(A, e);
    PetscInt local = 0;
    TD_PETSC(MatGetLocalSize(A, &local, nullptr));
    if (own == nullptr) {
      read_struct_entry(A, e, values);
      own = values.data();
    }
    if (!gather) return std::span<const double>(own, L.cells());
    // the ranks' slabs in rank order are the level's cells in order
    whole.resize(L.cells());
    if (MPI_Allgatherv(own, static_cast<int>(local), MPI_DOUBLE, whole.data(), counts.data(),
                       displs.data(), MPI_DOUBLE, comm.get()) != MPI_SUCCESS)
      throw Error("-td_pc gmg: gathering a coarse level's operator failed");
    return std::span<const double>(whole);
  };
  std::span<const double> v = entry(kCentre);
  double largest = 0.0;
  // the coarsest level's entries in double too, scaled as the float ones
  auto keep = [&](int e, double inv) {
    if (!coarsest_level) return;
    auto& out = coarsest_stencil[static_cast<std::size_t>(e)];
    out.resize(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) out[k] = v[k] * inv;
  };
  const std::string level = fmt::format("{} x {} x {}", L.nx, L.ny, L.nz);
  std::string problem;
  // Why the checks look for a bad entry only once one is known to exist: the loops of
  // conversion and check vectorise, where a test per entry kept them scalar (the set-up
  // of a 128^3 cycle took 40 ms, mostly here).
  const std::int64_t largest_bits = largest_magnitude(v.data(), v.size());
  if (largest_bits >= std::bit_cast<std::int64_t>(std::numeric_limits<double>::infinity())) {
    const auto bad = std::find_if(v.begin(), v.end(), [](double d) { return !std::isfinite(d); });
    problem =
        fmt::format("-td_pc gmg: the operator on a {} level has a diagonal entry {}", level, *bad);
  } else {
    largest = std::bit_cast<double>(largest_bits);
  }
  stop_everywhere(problem);
  if (L.split) MPI_Allreduce(MPI_IN_PLACE, &largest, 1, MPI_DOUBLE, MPI_MAX, comm.get());
  if (!(largest > 0.0))
    throw Error(fmt::format("-td_pc gmg: the operator on a {} level has a zero diagonal", level));
  L.scale = largest;
  const double inv = 1.0 / largest;
  float* const C = L.C.data() + L.ghost();
  float* const Ci = L.Ci.data() + L.ghost();
  scaled_to_float(v.data(), L.cells(), L.nx, inv, C);
  for (std::size_t q = 0; q < L.cells(); ++q) Ci[q] = 1.0F / C[q];
  // a diagonal entry rounded to zero, or whose inverse leaves float's range, cannot be
  // relaxed in single precision (both give a non-finite inverse: |C| <= 1)
  if (any_not_finite(Ci, L.cells()))
    L.each_cell([&](std::size_t k, std::size_t s) {
      if (!std::isfinite(L.Ci[s]) && problem.empty())
        problem = fmt::format(
            "-td_pc gmg: cell {} of a {} level has a diagonal entry {:.3g} times the level's "
            "largest, which single precision cannot relax; {}",
            k, level, v[k] * inv, kOtherPreconditioner);
    });
  keep(kCentre, inv);
  std::vector<std::pair<int, UninitializedVector<float>*>> off = {
      {kWest, &L.W}, {kEast, &L.E}, {kSouth, &L.S}, {kNorth, &L.N}};
  if (!L.B.empty()) {
    off.emplace_back(kBelow, &L.B);
    off.emplace_back(kAbove, &L.T);
  }
  for (const auto& [e, dst] : off) {
    v = entry(e);
    keep(e, inv);
    scaled_to_float(v.data(), L.cells(), L.nx, inv, dst->data() + L.ghost());
    if (any_not_finite(dst->data() + L.ghost(), L.cells()))
      L.each_cell([&](std::size_t k, std::size_t s) {
        if (!std::isfinite((*dst)[s]) && problem.empty())
          problem =
              fmt::format("-td_pc gmg: cell {} of a {} level has a coupling {}", k, level, v[k]);
      });
  }
  stop_everywhere(problem);
  // the neighbour ranks' nearest unit of a split level, which a sweep relaxes too
  for (auto* a : L.coefficients()) exchange(L, a->data(), kGhostUnits);
}

void StencilMultigrid::Impl::factor_coarsest() {
  const Level& L = levels.back();
  const auto n = static_cast<Eigen::Index>(L.cells());
  const auto plane = static_cast<Eigen::Index>(L.nx) * L.ny;
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(static_cast<std::size_t>(n) * (L.nz > 1 ? 7 : 5));
  for (int k = 0; k < L.nz; ++k)
    for (int j = 0; j < L.ny; ++j)
      for (int i = 0; i < L.nx; ++i) {
        const auto q = L.row(j, k) - L.ghost() + static_cast<std::size_t>(i);
        const auto m = static_cast<Eigen::Index>(q);
        const auto& d = coarsest_stencil;
        entries.emplace_back(m, m, d[kCentre][q]);
        if (i > 0) entries.emplace_back(m, m - 1, d[kWest][q]);
        if (i + 1 < L.nx) entries.emplace_back(m, m + 1, d[kEast][q]);
        if (j > 0) entries.emplace_back(m, m - L.nx, d[kSouth][q]);
        if (j + 1 < L.ny) entries.emplace_back(m, m + L.nx, d[kNorth][q]);
        if (k > 0) entries.emplace_back(m, m - plane, d[kBelow][q]);
        if (k + 1 < L.nz) entries.emplace_back(m, m + plane, d[kAbove][q]);
      }
  Eigen::SparseMatrix<double> A(n, n);
  A.setFromTriplets(entries.begin(), entries.end());
  A.makeCompressed();
  coarsest.compute(A);
  // An LU may factor a singular matrix without complaint: the condition estimate tells
  // (Hager and Higham's 1-norm estimate of the inverse, Eigen's, from a few solves)
  const double norm1 = (Eigen::RowVectorXd::Ones(n) * A.cwiseAbs()).maxCoeff();
  const double rcond = coarsest.info() == Eigen::Success ? Eigen::internal::rcond_estimate_helper(
                                                               norm1, CoarsestSolves{&coarsest})
                                                         : 0.0;
  constexpr double kSingularRcond = 1e-14;
  if (!(rcond > kSingularRcond))
    throw Error(fmt::format(
        "-td_pc gmg: the operator on the coarsest level ({} cells) is singular (reciprocal "
        "condition estimate {:.3g}); {}",
        n, rcond, kOtherPreconditioner));
  coarsest_rhs.resize(n);
}

void StencilMultigrid::set_up(Mat fine) {
  if (!impl_->have_coarse)
    throw Error(
        "-td_pc gmg: this solver does not provide the coarse levels' operators (the steady "
        "solver does); drop -td_pc gmg");
  impl_->read_level(impl_->levels.front(), fine);
  for (std::size_t l = 1; l < impl_->levels.size(); ++l)
    impl_->read_level(impl_->levels[l], impl_->coarse[impl_->levels.size() - 1 - l]);
  impl_->factor_coarsest();
}

NeighbourRows StencilMultigrid::Impl::neighbours(const Level& L, const float* x, int j,
                                                 int k) const {
  // along the last axis the unit beyond the own ones is stored: a neighbour rank's values, or
  // zeros beyond a wall
  const float* xr = x + L.row(j, k);
  const std::size_t plane = static_cast<std::size_t>(L.nx) * static_cast<std::size_t>(L.ny);
  if (L.dim == 2) return {xr - L.nx, xr + L.nx, zeros.data(), zeros.data()};
  return {j > 0 ? xr - L.nx : zeros.data(), j + 1 < L.ny ? xr + L.nx : zeros.data(), xr - plane,
          xr + plane};
}

// out = b - (the row's couplings to the rows around it) x: the part of a row's update and of
// its residual that does not involve the row itself.
void StencilMultigrid::Impl::other_rows(const Level& L, const float* b, const float* x, int j,
                                        int k, float* out) const {
  const int nx = L.nx;
  const RowView v(L, j, k);
  const NeighbourRows nb = neighbours(L, x, j, k);
  const float* __restrict S = v.S;
  const float* __restrict N = v.N;
  const float* __restrict br = b + v.offset;
  const float* __restrict xs = nb.s;
  const float* __restrict xn = nb.n;
  float* __restrict o = out;
  for (int i = 0; i < nx; ++i) o[i] = br[i] - S[i] * xs[i] - N[i] * xn[i];
  if (v.B) {
    const float* __restrict B = v.B;
    const float* __restrict T = v.T;
    const float* __restrict xb = nb.b;
    const float* __restrict xt = nb.t;
    for (int i = 0; i < nx; ++i) o[i] -= B[i] * xb[i] + T[i] * xt[i];
  }
}

// The smoother of one row: the Gauss-Seidel update of the cells of one colour, every other
// cell of the row, stored contiguously (Level). Their neighbours along the row are of the
// other colour, which this update does not change: the loop carries no dependence, and the
// compiler vectorises it. The cells with a neighbour missing along the row are done apart.
void StencilMultigrid::Impl::row(Level& L, const float* b, float* x, int j, int k, int colour,
                                 bool zero_neighbours) const {
  const int nx = L.nx, ne = L.even();
  // the colour's cells: those of even x index (h = 0, stored first) or of odd x index (h = 1);
  // cell m of the half has x index 2 m + h, its west neighbour is cell m - 1 + h of the other
  // half and its east one cell m + h
  const int h = (j + k + L.first + colour) & 1;
  const int n = h == 0 ? ne : nx - ne;
  const std::size_t own = h == 0 ? 0 : static_cast<std::size_t>(ne);
  const std::size_t other = h == 0 ? static_cast<std::size_t>(ne) : 0;
  const RowView v(L, j, k);
  const NeighbourRows nb = neighbours(L, x, j, k);
  const float* __restrict S = v.S + own;
  const float* __restrict N = v.N + own;
  const float* __restrict Ci = v.Ci + own;
  const float* __restrict W = v.W + own;
  const float* __restrict E = v.E + own;
  const float* __restrict br = b + v.offset + own;
  const float* __restrict xs = nb.s + own;
  const float* __restrict xn = nb.n + own;
  float* __restrict xh = x + v.offset + own;
  const float* __restrict xo = x + v.offset + other;
  const float* __restrict B = v.B == nullptr ? nullptr : v.B + own;
  const float* __restrict T = v.T == nullptr ? nullptr : v.T + own;
  const float* __restrict xb = nb.b + own;
  const float* __restrict xt = nb.t + own;
  auto update = [&](int m, float west, float east) {
    float r = br[m] - S[m] * xs[m] - N[m] * xn[m] - W[m] * west - E[m] * east;
    if (B != nullptr) r -= B[m] * xb[m] + T[m] * xt[m];
    xh[m] = r * Ci[m];
  };
  if (zero_neighbours) {
    // the first colour of the first sweep from x = 0: b / C exactly as the update with zero
    // neighbours gives it (b - 0 S - ... = b), without reading x, which holds the previous
    // cycle's values there
    for (int m = 0; m < n; ++m) xh[m] = br[m] * Ci[m];
    return;
  }
  if (n == 0) return;
  // cells [lo, hi) have both neighbours along the row: all but the first even one and the
  // last cell of the row
  const int lo = h == 0 ? 1 : 0;
  const int hi = 2 * (n - 1) + h == nx - 1 ? n - 1 : n;
  if (h == 0) update(0, 0.0F, nx > 1 ? xo[0] : 0.0F);
  if (B != nullptr) {
    // Why ivdep: the 3D update reads twelve arrays, more than GCC checks for overlap at run
    // time (vect-max-version-for-alias-checks), so it stayed scalar: 71 ms a cycle at 128^3
    // against 55-62 ms vectorised (bench_steady -log_view). The colour's cells, the other
    // colour's and the neighbour rows never overlap (Level).
#pragma GCC ivdep
    for (int m = lo; m < hi; ++m)
      xh[m] = (br[m] - S[m] * xs[m] - N[m] * xn[m] - B[m] * xb[m] - T[m] * xt[m] -
               W[m] * xo[m - 1 + h] - E[m] * xo[m + h]) *
              Ci[m];
  } else {
    for (int m = lo; m < hi; ++m)
      xh[m] =
          (br[m] - S[m] * xs[m] - N[m] * xn[m] - W[m] * xo[m - 1 + h] - E[m] * xo[m + h]) * Ci[m];
  }
  if (hi < n && hi >= lo) update(hi, xo[hi - 1 + h], 0.0F);
}

template <class AfterStep>
void StencilMultigrid::Impl::smooth(Level& L, const float* b, float* x, int sweeps, int exact,
                                    bool from_zero, AfterStep&& after_step) const {
  // One pass over the level for all the sweeps: a wavefront along the last axis. At step u
  // sweep t relaxes the first colour of unit u - 2t, then the other colour of unit u - 2t - 1,
  // sweep by sweep: the other colour of a unit right behind the first colour of the next
  // (its neighbours are then updated), and each sweep two units behind the one before (the
  // units it reads hold the previous sweep's values, not yet overwritten). Why: the units a
  // step touches (a few rows in 2D) stay in cache, so that the level's arrays are read once
  // per pass rather than once per sweep; after_step(u) then finds unit u - 2 sweeps relaxed
  // by every sweep, its neighbours too. The unit is a row in 2D, a plane in 3D. On a split
  // level the neighbour ranks' nearest units are relaxed here too, as their owners relax
  // them: sweep t reaches 2 (sweeps - t) - 1 + exact units beyond the own ones for its first
  // colour and one fewer for the other, so that the own units and the @p exact nearest ghost
  // units end as the sweeps leave them on one rank (their values must be those of the
  // neighbour ranks, 2 sweeps + exact units deep).
  // With @p from_zero the sweeps start from x = 0 without x being zeroed: the first colour
  // of the first sweep reads no neighbour, and every later update reads only cells some
  // update of this pass has written (the other colour of unit u - 1 reads the first colour
  // of units u - 2 to u, written at the steps before and at this one). Why: zeroing every
  // level's x each cycle wrote a fifth as much memory as the sweeps read.
  const int own = L.units();
  const int below = L.below() ? 1 : 0, above = L.above() ? 1 : 0;
  auto unit = [&](int u, int colour, bool zero_neighbours) {
    if (L.dim == 2) {
      row(L, b, x, u, 0, colour, zero_neighbours);
      return;
    }
    for (int j = 0; j < L.ny; ++j) row(L, b, x, j, u, colour, zero_neighbours);
  };
  const int reach0 = 2 * sweeps - 1 + exact;
  for (int u = -below * reach0; u < own + 2 * sweeps + exact; ++u) {
    for (int t = 0; t < sweeps; ++t) {
      const int reach = 2 * (sweeps - t) - 1 + exact;
      const int f = u - 2 * t;
      if (f >= -below * reach && f < own + above * reach) unit(f, 0, from_zero && t == 0);
      if (f - 1 >= -below * (reach - 1) && f - 1 < own + above * (reach - 1)) unit(f - 1, 1, false);
    }
    after_step(u);
  }
}

void StencilMultigrid::Impl::residual(const Level& L, const float* b, const float* x, int j, int k,
                                      float* r) const {
  const int nx = L.nx;
  const RowView v(L, j, k);
  float* __restrict rr = r;
  other_rows(L, b, x, j, k, rr);
  const float* __restrict C = v.C;
  const float* __restrict W = v.W;
  const float* __restrict E = v.E;
  const float* __restrict xc = x + v.offset;
  for (int i = 0; i < nx; ++i) rr[i] -= C[i] * xc[i];
  // the couplings along the row (Level: even x indices first): cell m of the even half has
  // its west neighbour at m - 1 of the odd half and its east one at m; cell m of the odd
  // half has them at m and m + 1 of the even half
  const int ne = L.even(), no = nx - ne;
  const float* __restrict xe = xc;
  const float* __restrict xo = xc + ne;
  float* __restrict re = rr;
  float* __restrict ro = rr + ne;
  const float* __restrict We = W;
  const float* __restrict Ee = E;
  const float* __restrict Wo = W + ne;
  const float* __restrict Eo = E + ne;
  for (int m = 1; m < ne; ++m) re[m] -= We[m] * xo[m - 1];
  for (int m = 0; m < no; ++m) re[m] -= Ee[m] * xo[m];
  for (int m = 0; m < no; ++m) ro[m] -= Wo[m] * xe[m];
  for (int m = 0; m + 1 < ne && m < no; ++m) ro[m] -= Eo[m] * xe[m + 1];
}

void StencilMultigrid::Impl::restrict_unit(const Level& f, const float* b, const float* x, int u,
                                           Level& c) {
  // Each coarse cell's right-hand side: the sum of its children's residuals (amounts per
  // cell). Why row by row: the fine residual is never stored, which saves writing and reading
  // it back (a tenth of a cycle's memory traffic).
  const int pairs = f.nx / 2;
  float* __restrict fr = residual_row.data();
  const int j0 = f.dim == 2 ? u : 0, j1 = f.dim == 2 ? u + 1 : f.ny;
  const int k = f.dim == 2 ? 0 : u;
  for (int j = j0; j < j1; ++j) {
    residual(f, b, x, j, k, fr);
    const int J = f.dim == 2 ? (f.first + j) / 2 - c.first : j / 2;
    const int K = f.dim == 2 ? 0 : (f.first + k) / 2 - c.first;
    // coarse cell I: the fine cells 2 I and 2 I + 1, at I in the fine row's halves (and at
    // c.pos(I) in the coarse row)
    float* __restrict cb = c.b.data() + c.row(J, K);
    const float* __restrict fe = fr;
    const float* __restrict fo = fr + f.even();
    float* __restrict ce = cb;
    float* __restrict co = cb + c.even();
    for (int M = 0; 2 * M < pairs; ++M) ce[M] += fe[2 * M] + fo[2 * M];
    for (int M = 0; 2 * M + 1 < pairs; ++M) co[M] += fe[2 * M + 1] + fo[2 * M + 1];
    if (pairs < c.nx) cb[c.pos(pairs)] += fe[pairs];
  }
}

void StencilMultigrid::Impl::presmooth_and_restrict(Level& f, const float* b, float* x, Level& c) {
  // The pre-sweeps from x = 0 and the residual's restriction in one pass: the residual of a
  // unit is summed into the coarse level once the sweeps have left it and its neighbours.
  // A split level relaxes one ghost unit more, so that the residual of its own last units
  // needs no exchange of x in between.
  float* own = c.b.data() + c.ghost();
  std::fill(own, own + c.cells(), 0.0F);
  smooth(f, b, x, kPreSweeps, 1, true, [&](int u) {
    const int w = u - 2 * kPreSweeps;
    if (w >= 0 && w < f.units()) restrict_unit(f, b, x, w, c);
  });
  // A whole coarse level under a split fine one sums the ranks' parts; then divided by the
  // coarse operator's scale over the fine one's.
  if (f.split && !c.split &&
      MPI_Allreduce(MPI_IN_PLACE, own, static_cast<int>(c.cells()), MPI_FLOAT, MPI_SUM,
                    comm.get()) != MPI_SUCCESS)
    throw Error("-td_pc gmg: summing a coarse level's right-hand side over the ranks failed");
  const auto ratio = static_cast<float>(f.scale / c.scale);
  for (std::size_t q = 0; q < c.cells(); ++q) own[q] *= ratio;
}

void StencilMultigrid::Impl::prolong(const Level& f, const Level& c, float* fine,
                                     const float* coarse_x) const {
  float* __restrict t = const_cast<float*>(tmp.data());
  for (int k = 0; k < f.nz; ++k)
    for (int j = 0; j < f.ny; ++j) {
      const AxisWeight& wy = f.p[1][static_cast<std::size_t>(j)];
      const AxisWeight& wz = f.p[2][static_cast<std::size_t>(k)];
      // the coarse rows around the fine row, interpolated along y and z
      const float* __restrict c00 = coarse_x + c.row(wy.parent, wz.parent);
      const float* __restrict c10 = coarse_x + c.row(wy.other, wz.parent);
      const float* __restrict c01 = coarse_x + c.row(wy.parent, wz.other);
      const float* __restrict c11 = coarse_x + c.row(wy.other, wz.other);
      const float w00 = wy.w * wz.w, w10 = wy.wo * wz.w, w01 = wy.w * wz.wo, w11 = wy.wo * wz.wo;
      for (int I = 0; I < c.nx; ++I)
        t[I] = w00 * c00[I] + w10 * c10[I] + w01 * c01[I] + w11 * c11[I];
      float* __restrict fr = fine + f.row(j, k);
      for (int i = 0; i < f.nx; ++i) {
        const AxisWeight& wx = f.p[0][static_cast<std::size_t>(i)];
        fr[i] += wx.w * t[wx.parent] + wx.wo * t[wx.other];
      }
    }
}

void StencilMultigrid::Impl::solve_coarsest(const float* b, float* x) {
  const Level& L = levels.back();
  L.each_cell(
      [&](std::size_t k, std::size_t s) { coarsest_rhs[static_cast<Eigen::Index>(k)] = b[s]; });
  const Eigen::VectorXd y = coarsest.solve(coarsest_rhs);
  L.each_cell([&](std::size_t k, std::size_t s) {
    x[s] = static_cast<float>(y[static_cast<Eigen::Index>(k)]);
  });
}

void StencilMultigrid::Impl::vcycle(std::size_t l, float* b, float* x) {
  Level& L = levels[l];
  if (l + 1 == levels.size()) {
    solve_coarsest(b, x);
    return;
  }
  // on a split level the neighbour ranks' nearest units: of b once, of x before the
  // post-sweeps (the pre-sweeps start from zero everywhere)
  exchange(L, b, kGhostUnits);
  Level& C = levels[l + 1];
  presmooth_and_restrict(L, b, x, C);
  vcycle(l + 1, C.b.data(), C.x.data());
  exchange(C, C.x.data(), 1);
  prolong(L, C, x, C.x.data());
  exchange(L, x, 2 * kPostSweeps);
  smooth(L, b, x, kPostSweeps, 0, false, [](int) {});
}

namespace {

/// Partial sums of a sum of squares. Why several: one sum is a chain of dependent
/// additions, which neither vectorises (without reassociation, which -O3 does not allow)
/// nor overlaps; kLanes independent ones do both.
constexpr std::size_t kLanes = 8;

/// x = back * y, or x += back * y with @p add, n entries in rows of nx: @p y in a level's
/// order, @p x in natural order. Returns the sum of (back * y)^2.
TD_SIMD_CLONES double scaled_to_double(const float* __restrict y, std::size_t n, int nx,
                                       double back, bool add, double* __restrict x) {
  const auto w = static_cast<std::size_t>(nx), ne = (w + 1) / 2;
  std::array<double, kLanes> lanes{};
  // the row's correction in natural order, then added (or stored) and squared in blocks
  std::vector<double> z(w);
  for (std::size_t r = 0; r < n; r += w) {
    const float* __restrict ye = y + r;
    const float* __restrict yo = y + r + ne;
    double* __restrict zr = z.data();
    for (std::size_t m = 0; m < ne; ++m) zr[2 * m] = back * static_cast<double>(ye[m]);
    for (std::size_t m = 0; m < w / 2; ++m) zr[2 * m + 1] = back * static_cast<double>(yo[m]);
    double* __restrict xr = x + r;
    if (add)
      for (std::size_t i = 0; i < w; ++i) xr[i] += zr[i];
    else
      for (std::size_t i = 0; i < w; ++i) xr[i] = zr[i];
    std::size_t i = 0;
    for (; i + kLanes <= w; i += kLanes)
      for (std::size_t l = 0; l < kLanes; ++l) lanes[l] += zr[i + l] * zr[i + l];
    for (; i < w; ++i) lanes[0] += zr[i] * zr[i];
  }
  double sum = 0.0;
  for (const double v : lanes) sum += v;
  return sum;
}

}  // namespace

void StencilMultigrid::apply_one(const double* b, double* x) {
  impl_->richardson_norm.reset();
  apply(b, x);
}

double StencilMultigrid::apply(const double* b, double* x, bool add) {
  Level& L = impl_->levels.front();
  const std::size_t n = L.cells();
  float* const own_b = L.b.data() + L.ghost();
  const float* const own_x = L.x.data() + L.ghost();
  // The right-hand side is rounded to float times a power of two that takes its largest entry
  // into [1/2, 1) (the operator is scaled by L.scale): the scaling itself is exact, and no
  // entry leaves float's range. The same factor on every rank: the cycle mixes their values.
  std::int64_t bits = largest_magnitude(b, n);
  if (L.split &&
      MPI_Allreduce(MPI_IN_PLACE, &bits, 1, MPI_INT64_T, MPI_MAX, impl_->comm.get()) != MPI_SUCCESS)
    throw Error("-td_pc gmg: the largest right-hand side entry over the ranks failed");
  const double largest = std::bit_cast<double>(bits);
  if (largest == 0.0 || !std::isfinite(largest)) {
    // a zero right-hand side has the zero answer; a non-finite one gives a non-finite
    // answer, which the Krylov solver reports
    const double z = largest == 0.0 ? 0.0 : std::numeric_limits<double>::quiet_NaN();
    if (add)
      std::for_each(x, x + n, [z](double& v) { v += z; });
    else
      std::fill(x, x + n, z);
    return z * z * static_cast<double>(n);
  }
  // a subnormal largest entry would ask for a factor beyond double's range: 2^1020 at most
  constexpr int kLeastExponent = std::numeric_limits<double>::min_exponent + 1;
  int exponent = 0;
  std::frexp(largest, &exponent);
  const double to_float = std::ldexp(1.0, -std::max(exponent, kLeastExponent));
  scaled_to_float(b, n, L.nx, to_float, own_b);
  impl_->vcycle(0, L.b.data(), L.x.data());
  return scaled_to_double(own_x, n, L.nx, 1.0 / (to_float * L.scale), add, x);
}

std::optional<double> StencilMultigrid::richardson_norm() const { return impl_->richardson_norm; }

double StencilMultigrid::Impl::sum_over_ranks(double local) const {
  if (ranks > 1 &&
      MPI_Allreduce(MPI_IN_PLACE, &local, 1, MPI_DOUBLE, MPI_SUM, comm.get()) != MPI_SUCCESS)
    throw Error("-td_pc gmg: summing the correction's squares over the ranks failed");
  return local;
}

KSPConvergedReason StencilMultigrid::richardson(Mat A, Vec b, Vec x, Vec r,
                                                const RichardsonTolerances& tol, bool guess_zero,
                                                PetscInt& its) {
  its = 0;
  impl_->richardson_norm.reset();
  // KSPConvergedDefault's reference: the first norm from a zero guess; from another guess
  // that of B b, the zero guess's first correction (r is free until the first residual)
  double first = 0.0;
  if (!guess_zero) {
    const ReadArray in(b);
    const WriteArray out(r);
    first = std::sqrt(impl_->sum_over_ranks(apply(in.get(), out.get())));
  }
  // at most max_its corrections and the test of one more, as KSPRICHARDSON computes them;
  // the last is applied too
  for (PetscInt i = 0; i <= tol.max_its; ++i) {
    // from a zero guess the first residual is b itself
    const bool from_zero = i == 0 && guess_zero;
    if (!from_zero) TD_PETSC(MatResidual(A, b, x, r));
    double squares = 0.0;
    {
      const ReadArray in(from_zero ? b : r);
      const ModifyArray out(x);
      squares = apply(in.get(), out.get(), !from_zero);
    }
    its = i + 1;
    const double norm = std::sqrt(impl_->sum_over_ranks(squares));
    impl_->richardson_norm = norm;
    // a zero right-hand side with a non-zero guess: the first norm is the reference
    if (i == 0 && first == 0.0) first = norm;
    // KSPConvergedDefault's tests, in its order
    if (!std::isfinite(norm)) return KSP_DIVERGED_NANORINF;
    if (norm <= std::max(tol.rtol * first, tol.atol))
      return norm < tol.atol ? KSP_CONVERGED_ATOL : KSP_CONVERGED_RTOL;
    if (norm >= tol.dtol * first) return KSP_DIVERGED_DTOL;
  }
  return KSP_DIVERGED_ITS;
}

namespace {

StencilMultigrid* context(PC pc) {
  void* ctx = nullptr;
  TD_PETSC(PCShellGetContext(pc, &ctx));
  return static_cast<StencilMultigrid*>(ctx);
}

PetscErrorCode pc_setup(PC pc) {
  try {
    Mat P = nullptr;
    TD_PETSC(PCGetOperators(pc, nullptr, &P));
    if (!is_struct_operator(P))
      throw Error("-td_pc gmg: the preconditioning matrix is not the solver's struct operator");
    context(pc)->set_up(P);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode pc_apply(PC pc, Vec b, Vec x) {
  try {
    const ReadArray in(b);
    const WriteArray out(x);
    context(pc)->apply_one(in.get(), out.get());
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode pc_apply_richardson(PC pc, Vec b, Vec x, Vec r, PetscReal rtol, PetscReal atol,
                                   PetscReal dtol, PetscInt max_its, PetscBool guess_zero,
                                   PetscInt* its, PCRichardsonConvergedReason* reason) {
  try {
    Mat A = nullptr;
    TD_PETSC(PCGetOperators(pc, &A, nullptr));
    const KSPConvergedReason why = context(pc)->richardson(A, b, x, r, {rtol, atol, dtol, max_its},
                                                           guess_zero == PETSC_TRUE, *its);
    // KSPSolve_Richardson takes the reason given here as the KSP's (a cast), so a KSP reason
    // is passed through, including those PCRichardsonConvergedReason does not name: the
    // cycles used up (KSP_DIVERGED_ITS, which the steady solver's fall-back to fbcgs waits
    // for) and a NaN. Copied as bits, since both are int-sized C enums and the value may lie
    // outside the C++ range of the PC's.
    static_assert(sizeof(PCRichardsonConvergedReason) == sizeof(KSPConvergedReason));
    std::memcpy(reason, &why, sizeof why);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  return 0;
}

PetscErrorCode pc_view(PC pc, PetscViewer viewer) {
  PetscBool ascii = PETSC_FALSE;
  PetscCall(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(viewer), PETSCVIEWERASCII, &ascii));
  if (!ascii) return 0;
  void* ctx = nullptr;
  PetscCall(PCShellGetContext(pc, &ctx));
  const auto* mg = static_cast<const StencilMultigrid*>(ctx);
  PetscMPIInt ranks = 1;
  PetscCallMPI(MPI_Comm_size(PetscObjectComm(reinterpret_cast<PetscObject>(pc)), &ranks));
  return PetscViewerASCIIPrintf(viewer,
                                "single-precision geometric multigrid, %d levels (%d split among "
                                "%d ranks), V(%d,%d) with red-black Gauss-Seidel, coarsest "
                                "level by LU\n",
                                mg->levels(), mg->split_levels(), ranks, kPreSweeps, kPostSweeps);
}

PetscErrorCode pc_destroy(PC pc) {
  void* ctx = nullptr;
  PetscCall(PCShellGetContext(pc, &ctx));
  delete static_cast<StencilMultigrid*>(ctx);
  return 0;
}

/// -{prefix}ksp_type, empty when not given.
std::string krylov_type_given(const char* prefix) {
  char type[64] = "";
  PetscBool given = PETSC_FALSE;
  TD_PETSC(PetscOptionsGetString(nullptr, prefix, "-ksp_type", type, sizeof type, &given));
  return given ? std::string(type) : std::string();
}

/// Throw Error unless the Krylov type of @p ksp (given with -{prefix}ksp_type) is one a
/// rounded cycle may precondition (kFlexibleKrylov); make it Richardson when none is given.
///
/// Why Richardson: each step takes one cycle and one product with the operator, and
/// nothing else. With the cycle's residual reduction (about 0.06 per cycle on the benchmark
/// meshes) it needs 10 cycles for 1e-12 where flexible BiCGStab took 5-6 iterations of two
/// cycles, two products and eight vector operations each, over eight work vectors where
/// Richardson keeps two: 2D 2048^2 1.40 s against 1.64 s, 128^3 0.98 s against 1.05 s,
/// 1024^2 the same time with 50 MB less memory (bench_steady). Its norm is the
/// preconditioned residual's, the cycle's estimate of the error: the true residual of the
/// iterate stops falling at the round-off of the product (about 3e-13 of the first one at
/// 1024^2), above a 1e-12 target's reach, where BiCGStab's recursively updated residual
/// passes below it. Where the cycle converges slowly, the steady solver repeats a failed
/// Richardson solve with fbcgs (fv/Steady.cpp, kFallbackKrylov).
void choose_flexible_krylov(KSP ksp, const char* prefix) {
  const std::string type = krylov_type_given(prefix);
  if (type.empty()) {
    TD_PETSC(KSPSetType(ksp, KSPRICHARDSON));
    // a norm the user names is kept (-ksp_norm_type none: a fixed count of cycles)
    PetscBool norm_given = PETSC_FALSE;
    TD_PETSC(PetscOptionsHasName(nullptr, prefix, "-ksp_norm_type", &norm_given));
    if (!norm_given) TD_PETSC(KSPSetNormType(ksp, KSP_NORM_PRECONDITIONED));
    return;
  }
  if (flexible_krylov_or_default(prefix)) return;
  const std::string p = prefix ? prefix : "";
  throw Error(fmt::format(
      "-{0}ksp_type {1} with -{0}td_pc gmg: a single-precision cycle is not exactly linear, "
      "so it needs a flexible Krylov method or Richardson: richardson (the default), fbcgs, fgmres "
      "or gcr",
      p, krylov_type_given(prefix)));
}

/// Whether KSPRICHARDSON under options prefix @p prefix runs the iteration that
/// StencilMultigrid::richardson() runs: undamped, judged by KSPConvergedDefault on the
/// preconditioned norm against its usual reference. Options that change any of it keep
/// KSPRICHARDSON's own loop.
bool own_richardson_applies(const char* prefix) {
  for (const char* name : {"-ksp_norm_type", "-ksp_richardson_scale", "-ksp_richardson_self_scale",
                           "-ksp_converged_use_initial_residual_norm",
                           "-ksp_converged_use_min_initial_residual_norm"}) {
    PetscBool given = PETSC_FALSE;
    TD_PETSC(PetscOptionsHasName(nullptr, prefix, name, &given));
    if (given) return false;
  }
  return true;
}

}  // namespace

bool flexible_krylov_or_default(const char* prefix) {
  const std::string type = krylov_type_given(prefix);
  if (type.empty()) return true;
  for (const char* t : kFlexibleKrylov)
    if (type == t) return true;
  return false;
}

void install_stencil_multigrid(KSP ksp, const Mesh& mesh, double peclet) {
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  const char* prefix = nullptr;
  TD_PETSC(PCGetOptionsPrefix(pc, &prefix));
  choose_flexible_krylov(ksp, prefix);
  auto mg = std::make_unique<StencilMultigrid>(mesh, peclet);
  TD_PETSC(PCSetType(pc, PCSHELL));
  TD_PETSC(PCShellSetContext(pc, mg.get()));
  TD_PETSC(PCShellSetDestroy(pc, pc_destroy));
  // from here the PC owns it (pc_destroy)
  mg.release();
  TD_PETSC(PCShellSetName(pc, kShellName));
  TD_PETSC(PCShellSetSetUp(pc, pc_setup));
  TD_PETSC(PCShellSetApply(pc, pc_apply));
  // KSPRICHARDSON hands the whole iteration to it where no monitor needs each step, if the
  // iteration it would run is this one (richardson())
  if (own_richardson_applies(prefix)) TD_PETSC(PCShellSetApplyRichardson(pc, pc_apply_richardson));
  TD_PETSC(PCShellSetView(pc, pc_view));
}

StencilMultigrid* stencil_multigrid(KSP ksp) {
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  PetscBool shell = PETSC_FALSE;
  TD_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCSHELL, &shell));
  if (!shell) return nullptr;
  // the shell's name marks the stencil multigrid: other shells have their own
  const char* name = nullptr;
  TD_PETSC(PCShellGetName(pc, &name));
  if (name == nullptr || std::string(name) != kShellName) return nullptr;
  return context(pc);
}

}  // namespace td
