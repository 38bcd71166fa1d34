#pragma once
/// @file FVSystem.h  Finite-volume discretisation of any number of species on a Mesh with
/// exponentially fitted (Scharfetter-Gummel) face fluxes and a prescribed temperature.
///
/// Unknowns: cell-average concentrations c (DMDA dof = species). The residual is the net
/// outflow of each cell, R_i = sum_faces F . n (amount/time), so dc_i/dt = -R_i / V_i.
/// Interior faces are evaluated identically from both sides, hence the total amount changes
/// only through boundary fluxes, to round-off.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <petscdmda.h>
#include <petscmat.h>

#include "mesh/Mesh.h"
#include "models/Species.h"
#include "models/TemperatureField.h"
#include "models/flux_K.h"

namespace td {

class FVSystem {
 public:
  FVSystem(const Mesh& mesh, std::shared_ptr<const TemperatureField> T,
           std::vector<Species> species);
  ~FVSystem();
  FVSystem(const FVSystem&) = delete;
  FVSystem& operator=(const FVSystem&) = delete;

  const Mesh& mesh() const { return mesh_; }
  const std::vector<Species>& species() const { return species_; }
  int nspecies() const { return static_cast<int>(species_.size()); }

  /// New global vector of the unknowns (caller destroys).
  Vec create_state() const;
  /// Fill @p c with the species' initial conditions.
  void initial_state(Vec c) const;
  /// Net outflow R(c) per cell (amount/time). Pinned rows (see set_pins) give c - value.
  void residual(Vec c, Vec R) const;
  /// Assemble M = a V + b dR/dc (V the diagonal of cell volumes); with pins, pinned rows are
  /// the identity. R is affine in c for a prescribed temperature, so dR/dc is exact.
  void assemble(Mat M, double a, double b, bool with_pins) const;
  /// New matrix with the DMDA sparsity (caller destroys).
  Mat create_matrix() const;
  /// Vector of cell volumes with one entry per unknown.
  Vec volumes() const { return vol_; }

  /// Total amount sum_i V_i c_i of each species.
  std::vector<double> totals(Vec c) const;
  /// Net amount per time leaving through the boundary, per species.
  std::vector<double> boundary_outflow(Vec c) const;
  /// Cell temperature vector (dof 1, DM compatible with the mesh).
  Vec temperature() const { return Tcell_; }
  /// Cell-centred flux density, dof = nspecies * dim, component s*dim + a (amount/(area time)).
  Vec fluxes(Vec c) const;

  /// Prescribed volumetric production q(x) of each species (concentration/time), added as
  /// -V q(x_centre) to the residual (midpoint rule). Used by manufactured-solution tests
  /// and fixed sources.
  void set_source(const std::function<double(const Point&, int species)>& q);

  /// Species that need a total-amount constraint in a steady solve (closed cells).
  std::vector<int> closed_species() const;
  /// Replace the row of cell (0,0,0) of species @p s by c = value (steady solves of closed
  /// cells: the operator is singular; the total is restored afterwards by scaling).
  void set_pins(std::vector<std::pair<int, double>> pins) { pins_ = std::move(pins); }
  const std::vector<std::pair<int, double>>& pins() const { return pins_; }

 private:
  struct FaceBox {
    std::array<int, 3> lo{0, 0, 0}, n{1, 1, 1};  // first face index and count per axis
    std::vector<kernels::FaceCoef> coef;          // [face][species]
  };
  /// Coefficients of the face normal to @p axis with index idx[axis] (between cells
  /// idx[axis]-1 and idx[axis]); transverse indices idx[other].
  kernels::FaceCoef face_coef(int axis, const std::array<int, 3>& idx, int s) const;
  const kernels::FaceCoef& face(int axis, const std::array<int, 3>& idx, int s) const;
  bool is_boundary_face(int axis, int m) const;

  const Mesh& mesh_;
  std::shared_ptr<const TemperatureField> T_;
  std::vector<Species> species_;
  std::array<FaceBox, 3> faces_;
  DM dm1_ = nullptr;  // dof-1 DM for cell scalars
  DM dmflux_ = nullptr;
  Vec vol_ = nullptr;
  Vec Tcell_ = nullptr;
  Vec source_ = nullptr;  // V q per unknown, or null
  std::vector<std::pair<int, double>> pins_;
};

}  // namespace td
