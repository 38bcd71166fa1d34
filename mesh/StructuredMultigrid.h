#pragma once
/// @file StructuredMultigrid.h  A preconditioner for one field per cell on a Mesh that runs
/// hypre's structured multigrid (PFMG, or SMG) through hypre's Struct interface, as a PETSc
/// shell preconditioner (PCSHELL).
///
/// PFMG (S. F. Ashby and R. D. Falgout, "A parallel multigrid preconditioned conjugate gradient
/// algorithm for groundwater flow simulations", Nucl. Sci. Eng. 124 (1996) 145-159,
/// doi:10.13182/NSE96-A24230) semicoarsens one axis at a time, the axis of strongest coupling,
/// with operator-dependent interpolation, point smoothers and Galerkin coarse operators; it
/// works on the logically rectangular grid, so it needs neither the algebraic set-up of
/// BoomerAMG (strength graph, coarsening, interpolation by matrix products) nor PETSc's
/// general sparse matrix products of PCMG's Galerkin operators. SMG (S. Schaffer, "A
/// semicoarsening multigrid method for elliptic partial differential equations with highly
/// discontinuous and anisotropic coefficients", SIAM J. Sci. Comput. 20 (1998) 228-242,
/// doi:10.1137/S1064827595281587) smooths with line/plane solves: more robust, several times
/// dearer per cycle.
///
/// The hypre grid is the mesh's: one box per rank, the rank's DMDA ownership, periodic where
/// the mesh is. The stencil is 5-point (2D) or 7-point (3D); 1D is refused. The matrix values
/// are a struct operator's own (create_struct_operator, below), or are copied at every set-up
/// from the rows of an assembled PETSc preconditioning matrix
/// (AIJ, DMDA ordering of Mesh::solver_dm(1)); a non-zero entry outside the stencil is refused
/// with an Error. Each application is one V-cycle from a zero initial guess.
///
/// Options (with the KSP's options prefix, e.g. -heat_td_pc pfmg):
///  - -td_pc pfmg|smg          use it (one field per cell; several fields are refused);
///  - -td_pfmg_relax_type jacobi|weighted_jacobi|rb_gauss_seidel|rb_gauss_seidel_nonsymmetric
///  - -td_pfmg_rap_type galerkin|non_galerkin
///  - -td_pfmg_num_pre_relax N, -td_pfmg_num_post_relax N, -td_pfmg_skip_relax 0|1
///  - -td_smg_num_pre_relax N, -td_smg_num_post_relax N
/// Defaults are in docs/solvers.md (chosen by measurement with bench/bench_steady).
///
/// Where this preconditioner is the one a solver gets (struct_operator_chosen), the
/// solver's operator can be a struct operator (create_struct_operator) instead of an AIJ
/// matrix: the stencil values are written once, into hypre's Struct matrix, which both the
/// Krylov products and the multigrid set-up use. That saves the AIJ matrix (its creation, 60
/// bytes per cell, and the copy into hypre at every set-up).
#include <petscksp.h>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "core/Petsc.h"
#include "mesh/Mesh.h"
#include "mesh/StencilMultigrid.h"

namespace td {

/// Whether every axis of @p mesh has cells of one width (to a relative 1e-6).
bool uniform_axes(const Mesh& mesh);

/// Whether the structured multigrid is the default for a one-field solver on @p mesh whose
/// options carry @p prefix: no periodic axis (hypre's coarsening of a periodic axis needs
/// power-of-two sizes: PFMG stops coarsening at an odd period, SMG rounds it), and none of
/// -snes_mf, -mat_type, -dm_mat_type given (no assembled AIJ matrix to copy).
bool default_applies(const Mesh& mesh, const char* prefix);

/// Install the structured multigrid preconditioner on @p ksp (a solver for @p dof fields per
/// cell of @p mesh): the one -{prefix}td_pc pfmg|smg names, or by default, where neither
/// -td_pc nor -pc_type is given, for one field per cell in 2D and 3D where default_applies:
/// PFMG on a mesh with uniform_axes, SMG on a stretched one (PFMG's
/// point smoothers lose their efficiency on stretched cells: 131 GMRES iterations on a
/// geometrically graded 256^2 mesh where SMG takes 9; measured in docs/solvers.md) and for
/// a @p closed cell's operator (pinned rows, no fixed face; or strong drift across walls
/// that close an axis at both ends), where PFMG's V-cycle stops being a preconditioner once
/// the drift is strong. By default the caller's GMRES becomes
/// BiCGStab (unless -ksp_type is given), under the default BoomerAMG for one field on a
/// periodic 2D or 3D mesh too. Otherwise
/// the preconditioner is left alone (1D: LU; several fields: the mesh multigrid or
/// BoomerAMG; BoomerAMG for one field where the default does not apply, or with
/// -pc_type hypre). The preconditioning matrix must be a struct operator or an
/// assembled AIJ matrix when the KSP sets up. Call after KSPSetFromOptions (SNESSetFromOptions).
/// Throws Error for -td_pc with more than one field per cell or on a 1D mesh, with -pc_type given
/// too, or with an unknown value; and, where it would install the structured multigrid, for a
/// -ksp_type that applies the preconditioner's transpose (bicg, ibcgs), which it lacks.
/// @p offer: what the solver offers the single-precision geometric multigrid
/// (mesh/StencilMultigrid.h, -td_pc gmg): without its coarse operators -td_pc gmg is an
/// Error; with them it is the default for one field on a 2D mesh on one rank whose cells'
/// aspect ratio is at most kMaxStencilAspect, for a drift of cell Peclet number at most
/// kMaxStencilPeclet and span at most kMaxStencilSpan, an open cell (not @p closed), and no
/// -ksp_type or a flexible one.
void setup_structured_multigrid(KSP ksp, const Mesh& mesh, int dof, bool closed = false,
                                StencilOffer offer = {});

/// Whether a solver for @p dof fields per cell of @p mesh, whose KSP has the options prefix
/// @p prefix (nullptr for none), should store its matrix as a struct operator
/// (create_struct_operator): setup_structured_multigrid will install the structured
/// multigrid (read from the options database alone, so that the solver can choose its
/// matrix before its KSP is set up), and no option asks for a PETSc matrix: -snes_mf,
/// -snes_fd, -snes_fd_color (PETSc's own Jacobian), -mat_type, -dm_mat_type, a Krylov type with
/// transposed products (lsqr, cgne, bicg, cgls), -ksp_diagonal_scale, -ksp_view_mat,
/// -ksp_view_pmat, -mat_view. Throws the Errors of setup_structured_multigrid.
bool struct_operator_chosen(const Mesh& mesh, const char* prefix, int dof);

/// A new operator of one field per cell of @p mesh in the mesh's DMDA ordering (global and
/// local sizes those of a one-field vector of the mesh, whatever the mesh's fields per cell): a
/// PETSc shell matrix (MATSHELL) whose values, a (2 dim + 1)-point stencil per cell, live in
/// hypre's Struct matrix on the mesh's grid (one box per rank, periodic where the mesh is). MatMult
/// is hypre's struct matrix-vector product, MatGetDiagonal reads the centre entries; the values are
/// zero until a StructRowWriter writes them. The structured multigrid preconditioner sets up from
/// these values directly (no copy); no other preconditioner can use it.
Owned<Mat> create_struct_operator(const Mesh& mesh);

/// Where a struct operator keeps its values.
enum class StructStorage {
  /// hypre's struct matrix: PFMG and SMG set up from it without a copy.
  hypre,
  /// One array of doubles per stencil entry, for a mesh without periodic axes whose ranks'
  /// parts are slabs along its last axis (one rank: one slab); a product exchanges the
  /// slabs' nearest units (rows in 2D, planes in 3D) of its argument with the neighbour
  /// ranks. The single-precision multigrid (mesh/StencilMultigrid.h) reads the arrays without a
  /// copy, and the product is a loop over them. Why: hypre's product copies its argument in
  /// and its result out (two extra vectors, written and read at every product) and its
  /// matrix carries ghost layers; PFMG or SMG, given such an operator, copy it into hypre's
  /// matrix at their set-up.
  arrays,
};

/// create_struct_operator with its values in @p storage. Throws InternalError for array
/// storage on a mesh with a periodic axis or ranks' parts that are not slabs along the last
/// axis. Array storage is not zero-filled: until a StructRowWriter has written every owned
/// cell, a product, its diagonal or a read of its entries is an InternalError.
Owned<Mat> create_struct_operator(const Mesh& mesh, StructStorage storage);

/// The storage the single-precision multigrid reads fastest on @p mesh: arrays where the
/// ranks' parts are slabs along the last axis (one rank included) and no axis is periodic,
/// hypre's matrix elsewhere.
StructStorage struct_storage_on(const Mesh& mesh);

/// The storage of the struct operator of the one-field solver of @p mesh under @p prefix:
/// arrays where setup_structured_multigrid will install the single-precision multigrid
/// (with @p closed and @p offer, as it will be called), hypre's matrix elsewhere.
StructStorage struct_storage_for(const Mesh& mesh, const char* prefix, bool closed,
                                 const StencilOffer& offer);

/// The values of stencil entry @p e (numbered as in read_struct_entry) of every owned cell
/// of a struct operator with array storage, without a copy; null for hypre storage.
/// InternalError for array storage that no assembly has written in full yet.
const double* struct_entry_data(Mat A, int e);

/// Whether @p A is a matrix of create_struct_operator.
bool is_struct_operator(Mat A);

/// The values of stencil entry @p e (StructRowWriter's numbering: 0 the cell itself, 1 + 2a
/// and 2 + 2a its lower and upper neighbour along axis a) of every owned cell of the struct
/// operator @p A, in the mesh's DMDA order (x fastest), into @p out (resized). Throws
/// InternalError if @p A is not a struct operator, or has array storage that no assembly
/// has written in full yet.
void read_struct_entry(Mat A, int e, std::vector<double>& out);

struct StructOperatorState;

/// Writes all rows of a struct operator, one owned cell after the other in the mesh's DMDA
/// order (x fastest, then y, then z), and assembles it. Values go to hypre in boxes of whole
/// x-lines through a buffer of a few hundred kB.
class StructRowWriter {
 public:
  /// Throws InternalError if @p A is not a matrix of create_struct_operator.
  explicit StructRowWriter(Mat A);
  ~StructRowWriter();
  StructRowWriter(const StructRowWriter&) = delete;
  StructRowWriter& operator=(const StructRowWriter&) = delete;
  /// Values per row, 2 dim + 1: entry 0 couples the cell to itself, entries 1 + 2a and 2 + 2a
  /// to its lower and upper neighbour along axis a (zero across a wall; across a periodic
  /// wrap, the cell on the other side).
  int entries() const;
  /// The row of the next owned cell: entries() values (the matrix's units).
  void push(const double* values);
  /// The rows of the next @p n owned cells (along x, within one x-line): @p entries holds
  /// entries() pointers, entry e of those rows at entries[e][0 .. n).
  void push_line(int n, const double* const* entries);
  /// Write out the last rows and assemble (collective). @p problem is this rank's reason to
  /// stop (for instance the message of an exception while it computed its rows; a count of
  /// rows other than the owned cells is one too): if any rank has one, every rank throws
  /// Error, the rank that had it with its message, before hypre's collective assembly. The
  /// matrix's state increases, so that a preconditioner built on it sets up again.
  void finish(const std::string& problem = {});
  /// Run @p fill, which pushes every owned row, then finish with the message of any
  /// exception @p fill threw.
  template <class Fill>
  void write(Fill&& fill) {
    std::string problem;
    try {
      fill();
    } catch (const std::exception& e) {
      problem = e.what();
    }
    finish(problem);
  }

 private:
  Mat A_;                       ///< borrowed: the caller's matrix
  StructOperatorState* state_;  ///< borrowed: A_'s context
  /// Set the next chunk's extent from the rows written so far.
  void start_chunk();
  std::vector<double> buffer_;  ///< one chunk of rows, stencil entry by entry
  PetscInt pushed_ = 0;         ///< rows pushed so far on this rank
  PetscInt flushed_ = 0;        ///< rows written to hypre so far
  PetscInt chunk_cells_ = 0;    ///< rows of the chunk being filled
  int chunk_j0_ = 0, chunk_j1_ = 0, chunk_k_ = 0;  ///< its x-lines j0 <= j < j1 of plane k
};

}  // namespace td
