#pragma once
/// @file FVSystem.h  Finite-volume discretisation of any number of species on a Mesh with
/// exponentially fitted (Scharfetter-Gummel) face fluxes and a prescribed temperature.
///
/// Unknowns: cell-average concentrations c (DMDA dof = species). The residual is the net
/// outflow of each cell, R_i = sum_faces F . n (amount/time), so dc_i/dt = -R_i / V_i.
/// Interior faces are evaluated identically from both sides, hence the total amount changes
/// only through boundary fluxes, to round-off.
#include <petscdmda.h>
#include <petscmat.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/Petsc.h"
#include "mesh/DmdaViews.h"
#include "mesh/Mesh.h"
#include "mesh/StructuredMultigrid.h"
#include "models/Heat.h"
#include "models/Reactions.h"
#include "models/Species.h"
#include "models/TemperatureField.h"
#include "models/flux_K.h"

namespace td {

class FVSystem {
 public:
  /// With @p heat the temperature is solved with the species: it is the last field of every
  /// cell (index nspecies()), its initial value is @p T, and the species' transport
  /// coefficients and reaction rates follow the current temperature.
  FVSystem(const Mesh& mesh, std::shared_ptr<const TemperatureField> T,
           std::vector<Species> species, std::shared_ptr<const HeatModel> heat = nullptr);
  ~FVSystem() = default;
  FVSystem(const FVSystem&) = delete;
  FVSystem& operator=(const FVSystem&) = delete;

  const Mesh& mesh() const { return mesh_; }
  /// The same species, reactions, temperature field and pins discretised on @p mesh (another
  /// mesh of the same domain, e.g. a coarse multigrid level, which must outlive the result;
  /// nfields() fields per cell), for the coarse operators of a multigrid. Sources are not
  /// carried over: they do not enter dR/dc. Not with heat (the temperature is then a field of
  /// the state).
  std::unique_ptr<FVSystem> rediscretised(const Mesh& mesh) const;
  const std::vector<Species>& species() const { return species_; }
  int nspecies() const { return static_cast<int>(species_.size()); }
  /// Fields per cell: the species, plus the temperature when heat is solved.
  int nfields() const { return nf_; }
  bool has_heat() const { return heat_ != nullptr; }
  const HeatModel* heat() const { return heat_.get(); }
  /// With heat: take the temperature of state @p c (updates temperature(), the face
  /// coefficients and the reaction constants). Called by every method that receives a state.
  void sync(Vec c) const;

  /// New global vector of the unknowns (caller destroys).
  Vec create_state() const;
  /// Fill @p c with the species' initial conditions.
  void initial_state(Vec c) const;
  /// Net outflow minus production, R(c) = sum_faces F.n - V w(c) per cell (amount/time).
  /// Pinned rows (see set_pins) give d (c - value), d the transport part of the row's
  /// diagonal (pin_scale).
  void residual(Vec c, Vec R) const;
  /// Assemble M = a V + b dR/dc (V the diagonal of cell volumes); with pins, pinned rows are
  /// the identity. Transport is affine in c for a prescribed temperature; reactions make
  /// dR/dc depend on the state @p c (required when there are reactions).
  /// @p with_reactions false assembles the transport part alone (scales, diagnostics).
  /// @p M is a matrix of create_matrix (or of DMCreateMatrix on a DM with set_block_fills),
  /// or, for one field per cell without heat or reactions, a struct operator
  /// (create_struct_operator in mesh/StructuredMultigrid.h), whose rows are written into
  /// hypre's struct matrix directly.
  void assemble(Mat M, double a, double b, bool with_pins, Vec c = nullptr,
                bool with_reactions = true) const;

  /// The diagonal of dR/dc without pins (amount/(time concentration)), into @p d, without
  /// assembling the matrix (the diagonal of assemble(M, 0, 1, false, c, with_reactions)).
  void diagonal(Vec c, Vec d, bool with_reactions = true) const;

  /// Add mass-action reactions among the components (state transitions, dimerization, ...).
  /// Rate constants are evaluated once per cell at the prescribed temperature.
  void set_reactions(std::shared_ptr<const ReactionNetwork> rx);
  /// The reaction network, or null.
  const ReactionNetwork* reactions() const { return rx_.get(); }
  /// Whether every reaction is of order at most one with at most one product molecule
  /// (first-order kinetics: the production is linear in c).
  bool linear_kinetics() const;
  /// Whether R(c) is affine in c, so that dR/dc does not depend on the state: a prescribed
  /// temperature (no heat) and linear_kinetics().
  bool affine() const { return !has_heat() && linear_kinetics(); }
  /// New matrix with the DMDA ordering and the exact sparsity of assemble(): each field
  /// couples to itself in the face neighbours, reactions couple the fields of a cell
  /// (mesh/StencilMatrix.h; caller destroys).
  Mat create_matrix() const;
  /// The matrix for assemble() of a solver whose KSP has the options prefix @p prefix
  /// (nullptr for none): with one field per cell, no heat and no reactions, where that solver
  /// gets hypre's structured multigrid and no option asks for a PETSc matrix, a struct operator
  /// (create_struct_operator, mesh/StructuredMultigrid.h: the values in @p storage alone,
  /// hypre's struct matrix or stencil arrays, no copy at the preconditioner's set-up);
  /// otherwise create_matrix().
  Owned<Mat> create_jacobian(const char* prefix,
                             StructStorage storage = StructStorage::hypre) const;
  /// Declare the coupling of the fields to @p dm (a DMDA with the mesh layout and nfields()
  /// fields): transport couples a field to itself in the neighbouring cells, reactions the
  /// fields of one cell. DMCreateMatrix and DMCreateColoring on @p dm then follow it.
  void set_block_fills(DM dm) const;
  /// Vector of cell volumes with one entry per unknown (the heat field's: rho c_p V), made
  /// at the first call (collective): a steady open system never needs it.
  Vec volumes() const;

  /// Total amount sum_i V_i c_i of each species.
  std::vector<double> totals(Vec c) const;
  /// Net amount per time leaving through the boundary, per species.
  std::vector<double> boundary_outflow(Vec c) const;
  /// Cell temperature vector (dof 1, DM compatible with the mesh): the prescribed field, or
  /// with heat the temperature of the last state passed to sync().
  Vec temperature() const { return Tcell_; }
  /// Cell-centred flux density, dof = nspecies * dim, component s*dim + a (amount/(area time)).
  Vec fluxes(Vec c) const;

  /// Fraction of a group's largest total concentration below which the total is not resolved:
  /// a transient run leaves absolute errors of about CVODE's absolute tolerance, and the
  /// steady solver did of about 1e-13 of the largest value before its cell-wise test (a
  /// steady 1D profile spanning e^40 was 1 % off at 1e-11 of its maximum and negative further
  /// on), so that ln P, and the effective Soret coefficient, are noise there; above it that
  /// coefficient is within about 1 % (0.2 % at 1e-10 of the maximum in that profile). Kept
  /// for both modes: the steady answer is now exact further down (docs/solvers.md).
  static constexpr double kResolvedTotal = 1e-10;
  /// A species as the user named it: a plain species or all states of a multi-state one.
  struct Group {
    std::string name;
    std::vector<int> components;
  };
  /// The species groups, in input order.
  std::vector<Group> groups() const;
  /// Per cell and group g: component 3g the group total P = sum of its components
  /// (concentration); 3g+1 the local effective Soret coefficient -grad ln P . grad T /
  /// |grad T|^2 (central differences; 0 where it is undefined: grad T = 0, or P in a
  /// neighbour at most kResolvedTotal of the group's largest P, where ln P is round-off or
  /// undefined); 3g+2 the local-equilibrium
  /// prediction (S_T + alpha d ln D/dT for a plain species, d ln <D>_eq/dT for states with
  /// the Liang flux). Caller destroys.
  Vec group_observables(Vec c) const;
  /// Sets up the ghost exchanges a residual reads (dmda::set_up_ghost_exchange): of the
  /// mesh's DMDA and of the one of the cell temperatures, which a solved temperature's
  /// faces read at every residual. Called for the case's system before its solve; the coarse
  /// levels' systems, which exchange ghost cells only where their operators follow the state
  /// (a solved temperature), keep PETSc's set-up at the first use. Collective.
  void set_up_ghost_exchanges() const;

  /// How well the mesh resolves the drift of the fitted flux, at the current cell
  /// temperatures (collective).
  struct DriftResolution {
    /// Per axis: largest |psi(T_Q) - psi(T_P)| between neighbouring cells, the cell Peclet
    /// number of the drift (the profile c ~ exp(-psi) changes by e^|dpsi| per cell).
    std::array<double, 3> cell_peclet{0.0, 0.0, 0.0};
    /// Largest span max psi - min psi over the cells of one species (dimensionless): the
    /// zero-flux profile spans a factor e^span.
    double psi_span = 0.0;
    std::string species;  ///< the species of psi_span
  };
  /// Computed once per temperature field (it is asked for at set-up and by the solvers).
  DriftResolution drift_resolution() const;
  /// Largest cell Peclet number of the drift along any axis (drift_resolution; collective).
  double max_cell_peclet() const {
    const auto r = drift_resolution();
    return std::max({r.cell_peclet[0], r.cell_peclet[1], r.cell_peclet[2]});
  }

  /// The case's fastest diffusion time (time): the narrowest cell width squared over the
  /// largest diffusivity of any species at the case's lowest and highest temperatures;
  /// infinity where no species diffuses (collective).
  double diffusion_time() const;

  /// Whether the drift of a species spans more than @p span (psi, dimensionless) along an
  /// axis that closes it at both ends (no-flux faces at both, not periodic): its profile
  /// across that axis is then a closed cell's, set by the balance of drift and diffusion
  /// against the walls. The span along axis a is bounded by the smaller of the drift's whole
  /// span and its largest cell Peclet number along a times the faces between its cells (the
  /// cells less one). Also true for an axis with a fixed face (Dirichlet or Robin) at one end
  /// and a wall at the other where psi falls by more than @p span from the fixed face to the
  /// wall (means over the two end layers of cells): the profile grows by e^span away from the
  /// fixed face (collective).
  bool drift_along_closed_axis(double span) const;

  /// Prescribed volumetric production q(x) of each species (concentration/time), added as
  /// -V q(x_centre) to the residual (midpoint rule). Used by manufactured-solution tests
  /// and fixed sources.
  void set_source(const std::function<double(const Point&, int species)>& q);

  /// A conserved amount sum_s weights[s] * total_s of a closed cell, and the component whose
  /// equation in cell (0,0,0) is replaced by a pin in steady solves.
  struct Conserved {
    std::vector<double> weights;
    int pinned = 0;
  };
  /// The conserved amounts of closed components: combinations no reaction changes and no
  /// open boundary exchanges. The steady operator is singular along each of them.
  std::vector<Conserved> conserved() const;
  /// Replace the row of cell (0,0,0) of component @p s by c = value (steady solves of closed
  /// cells: the operator is singular; the solver adjusts the values to the conserved totals).
  void set_pins(std::vector<std::pair<int, double>> pins) { pins_ = std::move(pins); }
  const std::vector<std::pair<int, double>>& pins() const { return pins_; }

 private:
  /// What an interior face's coefficients depend on besides its species' laws: the
  /// temperatures at P, Q and the face, the area and the distance P-Q.
  struct FaceInputs {
    std::array<double, 3> tpqm{};
    double area = 0.0, h = 0.0;
    bool interior = false;  ///< false for boundary faces and for no face yet
    /// True when both are interior faces with the same inputs, bit for bit.
    [[nodiscard]] bool repeats(const FaceInputs& o) const {
      return interior && o.interior && tpqm == o.tpqm && area == o.area && h == o.h;
    }
  };
  /// The faces normal to one axis that this rank computes. Why r apart: it is non-zero on
  /// boundary faces only, and a third of every face's storage (21 MB at 1024^2) streamed by
  /// every residual and Jacobian evaluation.
  struct FaceBox {
    std::array<int, 3> lo{0, 0, 0}, n{1, 1, 1};  // first face index and count per axis
    std::vector<kernels::FaceRates> coef;        // [face][species]
    /// The constant parts r of the faces on the walls: [side][transverse face][species],
    /// side 0 the lower wall (m = 0), 1 the upper (m = n); 0 where the rank has no such face.
    std::vector<double> wall_r;
    std::size_t transverse = 1;  // faces per side: the box's count across the axis
  };
  /// Coupling of the fields within a cell and to the face neighbours (nf x nf, row-major,
  /// 1 = coupled; the DMDASetBlockFills layout).
  struct BlockFills {
    std::vector<PetscInt> diagonal, neighbour;
  };
  BlockFills block_fills() const;
  /// One owned cell of the flux loops, with the offsets those loops need precomputed.
  struct CellAt {
    std::array<int, 3> idx{0, 0, 0};
    std::ptrdiff_t ghosted = 0;  ///< first field of the cell in a ghosted array of the mesh DM
    std::ptrdiff_t owned = 0;    ///< first field of the cell in an owned (global) array
    /// Lower face of the cell along each axis, species 0 (the upper face: + face_step).
    std::array<const kernels::FaceRates*, 3> face{};
    /// Where lower_wall (upper_wall) is set: the constant part of that wall face, species 0.
    std::array<const double*, 3> wall_lo{}, wall_hi{};
    std::array<std::ptrdiff_t, 3> cell_step{}, face_step{};  ///< one cell up along an axis
    std::array<bool, 3> lower_wall{}, upper_wall{};          ///< the faces are walls
  };
  /// Visit the owned cells in the DMDA's order; @p ghost is the ghost box of the arrays the
  /// caller reads. The offsets are updated per cell instead of recomputed per access: the
  /// residual, Jacobian and flux loops run once per cell and evaluation.
  template <class F>
  void for_cells(const dmda::Box& ghost, F&& f) const;
  /// The residual of one species without heat, reactions or pins (the transport terms)
  /// into the owned array @p r, line by line along x: each x face's flux once, the faces
  /// across the line as whole rows, a wall's neighbour row read as zeros and its constant
  /// parts as a row. The same face_flux terms summed in the same order as the per-cell loop
  /// of residual(), hence the same values to the bit, at a fraction of the cost of
  /// for_cells' per-cell bookkeeping (which the other cases need).
  void transport_residual_lines(const dmda::Box& ghost, const double* c, double* r) const;
  /// The fluxes of the n + 1 x faces of the line of owned cells from @p first (face i below
  /// cell i, a wall's with its constant part) into @p flux, from @p cr, the line's first
  /// cell in a ghosted array of one field.
  void x_face_fluxes(const std::array<int, 3>& first, const double* cr,
                     std::vector<double>& flux) const;
  /// Across a line of owned cells along x from @p first, the faces normal to axis @p a below
  /// and above each cell (species 0 of one field), the neighbours' values there (@p zeros
  /// across a wall) and the faces' constant parts (@p zeros off a wall); @p cr as above.
  struct LineAcross {
    const kernels::FaceRates* fl = nullptr;
    const kernels::FaceRates* fu = nullptr;
    const double* cl = nullptr;
    const double* cu = nullptr;
    const double* rl = nullptr;
    const double* ru = nullptr;
  };
  LineAcross line_across(int a, const std::array<int, 3>& first, const dmda::Box& ghost,
                         const double* cr, const double* zeros) const;
  /// The cell flux vectors of one field (fluxes(): the mean of each cell's two face fluxes
  /// per axis over the face's area) into the owned array @p J (dim values per cell), line by
  /// line along x as transport_residual_lines: the per-cell loop's values to the bit.
  void fluxes_by_lines(const dmda::Box& ghost, const double* c, double* J) const;
  /// group_observables of one field (one group of one component) into the owned array @p o
  /// (3 values per cell), line by line along x: the per-cell loop's values to the bit.
  /// @p inv_span2 and @p floor as there.
  void observables_by_lines(const dmda::Box& ghost, const double* c, const double* T,
                            const std::array<std::vector<double>, 3>& inv_span2, double floor,
                            double* o) const;
  /// The local-equilibrium Soret coefficient (1/K) of the group whose first component is
  /// @p first at temperature @p T (K): that of its states, or S_T + alpha d ln D/dT.
  double equilibrium_soret(const Species& first, double T) const;
  /// The rows of a struct operator (assemble(): a_vol V + b dR/dc of one species without
  /// heat or reactions, the origin's row pinned with @p pinned_origin) line by line along x,
  /// as transport_residual_lines: the values of the per-cell loop to the bit.
  void struct_rows_by_lines(StructRowWriter& rows, double a_vol, double b,
                            bool pinned_origin) const;
  /// Where the faces normal to an axis with index m (between cells m-1 and m) join: the
  /// points P below and Q above (cell centres, or the wall's node; across a periodic wrap P
  /// is cell n-1 shifted by the axis length) and their distance h (length), the coordinate
  /// at which T_P is evaluated (the unshifted cell across a wrap), and whether the face is
  /// a wall. m is that of the face seen from the lower side (the wrap face n is face 0).
  struct FaceRow {
    double xP = 0.0, xQ = 0.0, h = 0.0, xTP = 0.0;
    int m = 0;
    bool boundary = false;
  };
  FaceRow face_row(int axis, int m) const;
  /// What the coefficients of species s at a face take from its area and temperatures,
  /// apart from its centre distance h.
  struct FaceTerms {
    double area_D = 0.0;  ///< area times D at the face temperature (length^(dim+1) / time)
    double dpsi = 0.0;    ///< psi(T_Q) - psi(T_P) (dimensionless)
    kernels::SgTerms sg;  ///< the Bernoulli factors of dpsi
  };
  /// The terms of species @p s at a face of area @p area (length^(dim-1)) with the
  /// temperatures @p Tpqm at P, Q and the face.
  FaceTerms face_terms(double area, int s, const std::array<double, 3>& Tpqm) const;
  /// Coefficients of an interior face at centre distance @p h (length) with terms @p t.
  static kernels::FaceCoef interior_coef(double h, const FaceTerms& t) {
    return kernels::sg_face(t.area_D / h, t.sg);
  }
  /// Coefficients of species @p s at the face @p row normal to @p axis of area @p area, with
  /// the temperatures @p Tpqm and the terms @p t (face_terms) of those.
  kernels::FaceCoef face_coef(int axis, const FaceRow& row, double area, int s,
                              const std::array<double, 3>& Tpqm, const FaceTerms& t) const;
  /// (Re)compute every face coefficient; @p from_state: temperatures from Tcell_.
  void compute_faces(bool from_state) const;
  /// Reaction constants of every owned cell at Tcell_.
  void compute_rates() const;
  // The accessors below are inline: the residual, Jacobian and output loops call them several
  // times per cell.
  const kernels::FaceRates& face(int axis, const std::array<int, 3>& idx, int s) const {
    const FaceBox& fb = faces_[axis];
    const std::size_t q =
        ((static_cast<std::size_t>(idx[2] - fb.lo[2]) * fb.n[1] + (idx[1] - fb.lo[1])) * fb.n[0] +
         (idx[0] - fb.lo[0])) *
            nspecies() +
        s;
    return fb.coef[q];
  }
  /// Transport part of the diagonal of dR/dc in the row of component @p s of cell @p x
  /// (amount/time per concentration): the outflow coefficients of its faces.
  double transport_diagonal(const CellAt& x, int s) const {
    double d = 0.0;
    for (int a = 0; a < mesh_.dim(); ++a) d += x.face[a][x.face_step[a] + s].p + x.face[a][s].q;
    return d;
  }
  /// Diagonal of the pinned row of component @p s of cell @p x (the origin): R = d (c - value)
  /// with d = transport_diagonal (1 where the cell has no transport), so that the pinned row
  /// weighs as much as its neighbours' rows. An identity row among rows of D/h^2 scale made
  /// the Galerkin coarse operators of PFMG all but singular once D was large (a closed LJ cell
  /// with D = 10 did not converge in 2000 iterations), and the row is a scaling: c = value
  /// solves it whatever d is.
  double pin_scale(const CellAt& x, int s) const {
    const double d = transport_diagonal(x, s);
    return d > 0.0 ? d : 1.0;
  }
  /// The constant part of the wall face normal to @p axis on @p side (0 lower, 1 upper) of
  /// the cell @p idx, species 0 (the species follow).
  double* wall_r(int axis, int side, const std::array<int, 3>& idx) const {
    FaceBox& fb = faces_[axis];
    std::size_t t = 0;
    for (int b = 2; b >= 0; --b)
      if (b != axis) t = t * static_cast<std::size_t>(fb.n[b]) + (idx[b] - fb.lo[b]);
    return fb.wall_r.data() + (static_cast<std::size_t>(side) * fb.transverse + t) * nspecies();
  }
  bool is_boundary_face(int axis, int m) const {
    return !mesh_.axis(axis).periodic && (m == 0 || m == mesh_.cells(axis));
  }

  const Mesh& mesh_;
  std::shared_ptr<const TemperatureField> T_;
  std::vector<Species> species_;
  mutable std::array<FaceBox, 3> faces_;
  std::shared_ptr<const HeatModel> heat_;
  int nf_ = 0;
  Owned<DM> dm1_;  // dof-1 DM for cell scalars where the mesh has several fields per cell
  DM scalar_dm() const { return dm1_ ? dm1_.get() : mesh_.dm(); }
  mutable Owned<Vec> vol_;  // volumes(), once asked for
  Owned<Vec> Tcell_;
  Owned<Vec> source_;  // V q per unknown, or null
  std::vector<std::pair<int, double>> pins_;
  std::shared_ptr<const ReactionNetwork> rx_;
  mutable std::vector<double> kfkr_;              // (k_f, k_r) per owned cell and reaction
  mutable std::optional<DriftResolution> drift_;  // of the current temperatures
  /// Per axis, largest |dpsi| over this rank's interior faces (compute_faces).
  mutable std::array<double, 3> face_peclet_{0.0, 0.0, 0.0};
};

}  // namespace td
