#include "fv/FVSystem.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/Petsc.h"
#include "fv/HeatCell.h"
#include "mesh/DmdaViews.h"
#include "mesh/StencilMatrix.h"
#include "mesh/StructuredMultigrid.h"

namespace td {

using dmda::for_owned;
using dmda::LocalView;
using dmda::OwnedReadView;
using dmda::OwnedView;
using dmda::shifted;

namespace {

// Components per cell handled by the stack buffers of the residual's reaction term.
constexpr int kMaxReacting = 64;

/// Linear index of an owned cell (reaction constants are stored per owned cell).
std::size_t owned_index(const Mesh& mesh, const std::array<int, 3>& idx) {
  const auto st = mesh.start(), ct = mesh.count();
  return (static_cast<std::size_t>(idx[2] - st[2]) * ct[1] + (idx[1] - st[1])) * ct[0] +
         (idx[0] - st[0]);
}

}  // namespace

template <class F>
void FVSystem::for_cells(const dmda::Box& ghost, F&& f) const {
  const auto st = mesh_.start(), ct = mesh_.count();
  const int dim = mesh_.dim(), ns = nspecies();
  CellAt x;
  for (int a = 0; a < dim; ++a) {
    const auto& n = faces_[a].n;
    x.cell_step[a] = nf_ * (a == 0 ? 1 : a == 1 ? ghost.n[0] : ghost.n[0] * ghost.n[1]);
    x.face_step[a] = ns * (a == 0 ? 1 : a == 1 ? n[0] : static_cast<std::ptrdiff_t>(n[0]) * n[1]);
  }
  std::array<bool, 3> walled{};
  std::array<int, 3> last{};
  for (int a = 0; a < dim; ++a) {
    walled[a] = !mesh_.axis(a).periodic;
    last[a] = mesh_.cells(a) - 1;
  }
  for (int k = st[2]; k < st[2] + ct[2]; ++k)
    for (int j = st[1]; j < st[1] + ct[1]; ++j) {
      x.idx = {st[0], j, k};
      bool across_walls = false;  // the line lies on a wall of y or z
      for (int a = 1; a < dim; ++a) {
        x.lower_wall[a] = walled[a] && x.idx[a] == 0;
        x.upper_wall[a] = walled[a] && x.idx[a] == last[a];
        across_walls = across_walls || x.lower_wall[a] || x.upper_wall[a];
      }
      x.ghosted = ghost.at(x.idx, nf_, 0);
      for (int a = 0; a < dim; ++a) x.face[a] = &face(a, x.idx, 0);
      for (int i = st[0]; i < st[0] + ct[0]; ++i) {
        x.idx[0] = i;
        x.lower_wall[0] = walled[0] && i == 0;
        x.upper_wall[0] = walled[0] && i == last[0];
        if (across_walls || x.lower_wall[0] || x.upper_wall[0])
          for (int a = 0; a < dim; ++a) {
            if (x.lower_wall[a]) x.wall_lo[a] = wall_r(a, 0, x.idx);
            if (x.upper_wall[a]) x.wall_hi[a] = wall_r(a, 1, x.idx);
          }
        f(static_cast<const CellAt&>(x));
        x.ghosted += nf_;
        x.owned += nf_;
        for (int a = 0; a < dim; ++a) x.face[a] += ns;
      }
    }
}

FVSystem::FVSystem(const Mesh& mesh, std::shared_ptr<const TemperatureField> T,
                   std::vector<Species> species, std::shared_ptr<const HeatModel> heat)
    : mesh_(mesh), T_(std::move(T)), species_(std::move(species)), heat_(std::move(heat)) {
  nf_ = nspecies() + (heat_ ? 1 : 0);
  if (nf_ != mesh_.dof())
    throw Error(fmt::format("mesh has {} fields per cell but {} species{} were given", mesh_.dof(),
                            species_.size(), heat_ ? " and the temperature" : ""));
  const int ns = nspecies();
  const auto st = mesh_.start(), ct = mesh_.count();
  for (int a = 0; a < mesh_.dim(); ++a) {
    FaceBox& fb = faces_[a];
    fb.lo = st;
    fb.n = ct;
    fb.n[a] += 1;
    fb.coef.resize(static_cast<std::size_t>(fb.n[0]) * fb.n[1] * fb.n[2] * ns);
    for (int b = 0; b < 3; ++b)
      if (b != a) fb.transverse *= static_cast<std::size_t>(fb.n[b]);
    fb.wall_r.assign(2 * fb.transverse * static_cast<std::size_t>(ns), 0.0);
  }
  compute_faces(false);
  DM dm = mesh_.dm();
  // a DMDA's set-up (its ghost scatter) costs about a residual evaluation: one field per cell
  // uses the mesh's own
  if (nf_ > 1) TD_PETSC(DMDACreateCompatibleDMDA(dm, 1, dm1_.out()));
  TD_PETSC(DMCreateGlobalVector(scalar_dm(), Tcell_.out()));
  {
    // T at the cell centres, a line along x at a time (TemperatureField::T_along: the values of
    // T at each centre, without a virtual call per cell)
    OwnedView Tc(scalar_dm(), Tcell_);
    std::vector<double> xc;
    for (int i = 0; i < ct[0]; ++i) xc.push_back(mesh_.center(0, st[0] + i));
    double* out = Tc.data();
    for (int k = 0; k < ct[2]; ++k)
      for (int j = 0; j < ct[1]; ++j, out += xc.size())
        T_->T_along(mesh_.center(st[0], st[1] + j, st[2] + k), 0, xc.data(), xc.size(), out);
  }
}

Vec FVSystem::volumes() const {
  if (vol_) return vol_;
  const int nf = nf_, ns = nspecies();
  TD_PETSC(DMCreateGlobalVector(mesh_.dm(), vol_.out()));
  OwnedView V(mesh_.dm(), vol_);
  for_owned(mesh_, [&](const std::array<int, 3>& c) {
    const double v = mesh_.volume(c[0], c[1], c[2]);
    for (int s = 0; s < ns; ++s) V(c, nf, s) = v;
    // the heat equation's "amount" is rho c_p V T
    if (heat_) V(c, nf, ns) = heat_->rho_cp * v;
  });
  return vol_;
}

bool FVSystem::linear_kinetics() const {
  bool out = true;
  if (rx_)
    for (const auto& rx : rx_->reactions()) {
      int back = 0;
      for (const auto& t : rx.products) back += t.nu;
      out = out && rx.order() <= 1 && back <= 1;
    }
  return out;
}

void FVSystem::compute_faces(bool from_state) const {
  const int ns = nspecies();
  drift_.reset();
  face_peclet_ = {0.0, 0.0, 0.0};
  std::optional<LocalView> Tl;
  if (from_state) Tl.emplace(scalar_dm(), Tcell_);
  // Why the geometry is tabulated first: it depends on one index per axis, and per face it
  // cost more than the physics (face centre, area and the P/Q points recomputed each time)
  std::array<std::vector<double>, 3> centre, width;
  for (int b = 0; b < 3; ++b)
    for (int ib = 0; ib < mesh_.count()[b]; ++ib) {
      const int m = mesh_.start()[b] + ib;
      centre[b].push_back(b < mesh_.dim() ? mesh_.axis(b).center(m) : 0.0);
      width[b].push_back(b < mesh_.dim() ? mesh_.axis(b).width(m) : 1.0);
    }
  for (int a = 0; a < mesh_.dim(); ++a) {
    FaceBox& fb = faces_[a];
    const Axis& ax = mesh_.axis(a);
    const int n = ax.cells();
    std::vector<FaceRow> rows;
    for (int ia = 0; ia < fb.n[a]; ++ia) rows.push_back(face_row(a, fb.lo[a] + ia));
    // Why a line back: where the temperature varies along one axis only (a linear field,
    // the usual cell), most faces repeat the inputs of the face one line back (same i, the
    // previous j or k) bit for bit, and take its coefficients instead of recomputing the
    // laws and an exponential. Boundary faces are always computed.
    const auto line = static_cast<std::size_t>(fb.n[0]);
    const std::size_t line_stride = line * static_cast<std::size_t>(ns);
    std::vector<FaceInputs> line_inputs(line);
    std::vector<FaceTerms> line_terms(line_stride);  // of the faces in line_inputs
    // From the field: T at P (across a periodic wrap the unshifted cell: T is periodic), at Q
    // and at the face centre, for a whole line of faces (along x) by one call each. Along
    // x-faces the line runs through the rows' points; across them, through the cell centres.
    std::array<std::vector<double>, 3> along_rows, line_T;
    for (const FaceRow& r : rows) {
      along_rows[0].push_back(r.xTP);
      along_rows[1].push_back(r.xQ);
      along_rows[2].push_back(0.5 * (r.xP + r.xQ));
    }
    for (auto& t : line_T) t.resize(line);
    auto field_on_line = [&](int j, int k) {
      Point base{};
      const std::array<int, 3> box{0, j, k};
      for (int b = 1; b < 3; ++b)
        if (b != a) base[static_cast<std::size_t>(b)] = centre[b][static_cast<std::size_t>(box[b])];
      for (std::size_t t = 0; t < 3; ++t) {
        if (a == 0) {
          T_->T_along(base, 0, along_rows[t].data(), line, line_T[t].data());
        } else {
          base[static_cast<std::size_t>(a)] = along_rows[t][static_cast<std::size_t>(box[a])];
          T_->T_along(base, 0, centre[0].data(), line, line_T[t].data());
        }
      }
    };
    // The product of the widths of the cells at box index @p box along the axes from @p first
    // on, the face's own axis left out: from 0 the face's area, from 1 what it shares with
    // every face of its line (x faces: the area; faces across: the factor beside x's width).
    // The same products in the same order, so that equal ones are equal bit for bit.
    auto widths_across = [&](const std::array<int, 3>& box, int first) {
      double w = 1.0;
      for (int b = first; b < mesh_.dim(); ++b)
        if (b != a) w *= width[b][static_cast<std::size_t>(box[b])];
      return w;
    };
    // One face at box index (i, j, k) of the line whose coefficients start at @p line_q:
    // computed, or taken from the face one line back where that one had the same inputs.
    auto face = [&](int i, int j, int k, std::size_t line_q) {
      const auto ii = static_cast<std::size_t>(i);
      const std::size_t q = line_q + ii * static_cast<std::size_t>(ns);
      const std::array<int, 3> box{i, j, k};
      const std::array<int, 3> idx{fb.lo[0] + i, fb.lo[1] + j, fb.lo[2] + k};
      const double area = widths_across(box, 0);
      const FaceRow& row = rows[static_cast<std::size_t>(box[a])];
      std::array<double, 3> tpqm{};
      if (from_state) {
        // P below the face, Q above it; a boundary point takes the heat model's face value
        const int m = idx[a];
        const bool lower_wall = !ax.periodic && m == 0, upper_wall = !ax.periodic && m == n;
        const auto below = shifted(idx, a, -1);
        if (lower_wall) {
          const double TQ = (*Tl)(idx, 1, 0);
          tpqm = {heat_->face_temperature(heat_->bc[2 * a], TQ, 0.5 * ax.width(0)), TQ, 0.0};
        } else if (upper_wall) {
          const double TP = (*Tl)(below, 1, 0);
          tpqm = {TP, heat_->face_temperature(heat_->bc[2 * a + 1], TP, 0.5 * ax.width(n - 1)),
                  0.0};
        } else {
          tpqm = {(*Tl)(below, 1, 0), (*Tl)(idx, 1, 0), 0.0};
        }
        tpqm[2] = 0.5 * (tpqm[0] + tpqm[1]);
      } else {
        tpqm = {line_T[0][ii], line_T[1][ii], line_T[2][ii]};
      }
      FaceInputs& before = line_inputs[ii];
      const FaceInputs here{tpqm, area, row.h, !row.boundary};
      if (here.repeats(before)) {
        // the face one line back had these inputs: its dpsi is in face_peclet_ already
        std::copy_n(fb.coef.begin() + static_cast<std::ptrdiff_t>(q - line_stride), ns,
                    fb.coef.begin() + static_cast<std::ptrdiff_t>(q));
        return;
      }
      // Why: across an axis the rows of faces differ in their centre distances h (on a uniform
      // axis too, in the last bits), and with the temperature along x only each face of such a
      // row has the temperatures and area of the face one line back: its terms (the laws and
      // an exponential) are that face's, and only the division by h is new.
      const bool same_terms =
          here.interior && before.interior && here.tpqm == before.tpqm && here.area == before.area;
      before = here;
      double* r = row.boundary ? wall_r(a, row.m == 0 ? 0 : 1, idx) : nullptr;
      for (int sp = 0; sp < ns; ++sp) {
        FaceTerms& t = line_terms[ii * static_cast<std::size_t>(ns) + static_cast<std::size_t>(sp)];
        if (!same_terms) t = face_terms(area, sp, tpqm);
        const kernels::FaceCoef f = face_coef(a, row, area, sp, tpqm, t);
        fb.coef[q + static_cast<std::size_t>(sp)] = {f.p, f.q};
        if (r) r[sp] = f.r;
        if (!row.boundary) face_peclet_[a] = std::max(face_peclet_[a], std::fabs(t.dpsi));
      }
    };
    // Why whole lines: where the field does not change across the lines (a temperature that
    // varies along x only, the usual cell), every line has the first one's temperatures, and a
    // line whose geometry repeats the line before it (the same widths across x; across the
    // axis, the same interior face row) repeats each of its faces. Such a line takes its
    // coefficients in one copy and computes its boundary faces alone; a row across the axis
    // at another distance h divides the terms of the row before by its own h. Face by face
    // (the test, the copy, the terms) this took 56-83 ms at 1024^2, by lines 14-19 ms. The values
    // are the same bit for bit: each face is copied or computed as face() would.
    bool same_field = !from_state;
    for (int b = 1; b < mesh_.dim(); ++b) same_field = same_field && !T_->varies_along(b);
    // a line's widths across x other than the axis's own: with the interior face row across
    // the axis, what its faces' areas and distances depend on besides the position along x
    struct LineGeometry {
      double widths = 1.0, h = 0.0;
      bool interior = true;
    };
    auto geometry = [&](int j, int k) {
      const std::array<int, 3> box{0, j, k};
      LineGeometry g;
      g.widths = widths_across(box, 1);
      if (a > 0) {
        const FaceRow& row = rows[static_cast<std::size_t>(box[a])];
        g.h = row.h;
        g.interior = !row.boundary;
      }
      return g;
    };
    std::vector<int> boundary_along_x;  // x faces on a wall, in every line
    if (a == 0)
      for (int i = 0; i < fb.n[0]; ++i)
        if (rows[static_cast<std::size_t>(i)].boundary) boundary_along_x.push_back(i);
    std::optional<LineGeometry> last;
    std::size_t q = 0;
    for (int k = 0; k < fb.n[2]; ++k)
      for (int j = 0; j < fb.n[1]; ++j, q += line_stride) {
        const LineGeometry g = geometry(j, k);
        if (same_field && last && g.interior && last->interior && g.widths == last->widths) {
          if (g.h == last->h) {
            std::copy_n(fb.coef.begin() + static_cast<std::ptrdiff_t>(q - line_stride), line_stride,
                        fb.coef.begin() + static_cast<std::ptrdiff_t>(q));
            for (const int i : boundary_along_x) face(i, j, k, q);
          } else {
            // a row across the axis at another distance h (a > 0: x faces have none per line):
            // each face has the terms of the face one line back (same_terms in face())
            for (std::size_t i = 0; i < line; ++i) line_inputs[i].h = g.h;
            for (std::size_t f = 0; f < line_stride; ++f) {
              const kernels::FaceCoef c = interior_coef(g.h, line_terms[f]);
              fb.coef[q + f] = {c.p, c.q};
            }
            last = g;
          }
          continue;
        }
        if (!from_state && (!same_field || !last)) field_on_line(j, k);
        last = g;
        for (int i = 0; i < fb.n[0]; ++i) face(i, j, k, q);
      }
  }
}

FVSystem::FaceRow FVSystem::face_row(int a, int m_in) const {
  const Axis& ax = mesh_.axis(a);
  const int n = ax.cells();
  FaceRow r;
  r.m = m_in;
  if (ax.periodic && r.m == n) r.m = 0;  // the wrap face, seen from either side, is one face
  const int m = r.m;
  if (m > 0 && m < n) {
    r.xP = ax.center(m - 1);
    r.xQ = ax.center(m);
    r.h = r.xQ - r.xP;
  } else if (ax.periodic) {  // m == 0: between cell n-1 (shifted by -L) and cell 0
    r.xP = ax.center(n - 1) - ax.length();
    r.xQ = ax.center(0);
    r.h = ax.center_distance(n - 1);
  } else if (m == 0) {
    r.xP = ax.nodes[0];
    r.xQ = ax.center(0);
    r.h = r.xQ - r.xP;
  } else {
    r.xP = ax.center(n - 1);
    r.xQ = ax.nodes[n];
    r.h = r.xQ - r.xP;
  }
  r.xTP = ax.periodic && m == 0 ? ax.center(n - 1) : r.xP;
  r.boundary = is_boundary_face(a, m);
  return r;
}

void FVSystem::compute_rates() const {
  if (!rx_) return;
  const int nr = rx_->nreactions();
  const PetscScalar* Tc;
  TD_PETSC(VecGetArrayRead(Tcell_, &Tc));
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    const std::size_t i = owned_index(mesh_, idx);
    rx_->constants(Tc[i], &kfkr_[i * 2 * nr]);
  });
  TD_PETSC(VecRestoreArrayRead(Tcell_, &Tc));
}

void FVSystem::sync(Vec c) const {
  if (!heat_ || !c) return;
  TD_PETSC(VecStrideGather(c, nspecies(), Tcell_, INSERT_VALUES));
  PetscReal tmin;
  TD_PETSC(VecMin(Tcell_, nullptr, &tmin));
  if (!(tmin > 0))
    throw SolverError(fmt::format("the solved temperature is not positive (minimum {:g})",
                                  static_cast<double>(tmin)));
  compute_faces(true);
  compute_rates();
}

void FVSystem::set_source(const std::function<double(const Point&, int)>& q) {
  const int nf = nf_;
  const int ns = nspecies();
  if (!source_) TD_PETSC(DMCreateGlobalVector(mesh_.dm(), source_.out()));
  OwnedView S(mesh_.dm(), source_);
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    const Point x = mesh_.center(idx[0], idx[1], idx[2]);
    for (int s = 0; s < ns; ++s) S(idx, nf, s) = mesh_.volume(idx[0], idx[1], idx[2]) * q(x, s);
  });
}

FVSystem::FaceTerms FVSystem::face_terms(double area, int s,
                                         const std::array<double, 3>& Tpqm) const {
  const Species& sp = species_[s];
  const auto [TP, TQ, Tm] = Tpqm;
  FaceTerms t;
  t.area_D = area * sp.D->value(Tm);
  t.dpsi = sp.dpsi(TP, TQ);
  t.sg = kernels::sg_terms(t.dpsi);
  return t;
}

kernels::FaceCoef FVSystem::face_coef(int a, const FaceRow& row, double area, int s,
                                      const std::array<double, 3>& Tpqm, const FaceTerms& t) const {
  const Species& sp = species_[s];
  const double TP = Tpqm[0], TQ = Tpqm[1];
  const kernels::FaceCoef half = interior_coef(row.h, t);
  if (!row.boundary) return half;
  const int m = row.m;
  const Boundary& bc = sp.bc[2 * a + (m == 0 ? 0 : 1)];
  // a multi-state species' boundary value is its total, split at local equilibrium
  const double cb = bc.value * sp.fraction(m == 0 ? TP : TQ);
  switch (bc.type) {
    case Boundary::Type::dirichlet:
      return m == 0 ? kernels::dirichlet_lower(half, cb) : kernels::dirichlet_upper(half, cb);
    case Boundary::Type::robin:
      return m == 0 ? kernels::robin_lower(half, bc.coefficient * area, cb)
                    : kernels::robin_upper(half, bc.coefficient * area, cb);
    default:
      return {};
  }
}

Vec FVSystem::create_state() const {
  Vec v;
  TD_PETSC(DMCreateGlobalVector(mesh_.dm(), &v));
  return v;
}

FVSystem::BlockFills FVSystem::block_fills() const {
  // Transport couples a field to itself in the neighbouring cells; reactions couple the
  // fields of one cell. This keeps the matrix at ns^2 + 2 dim ns entries per cell instead of
  // (2 dim + 1) ns^2.
  const int nf = nf_;
  BlockFills f;
  f.diagonal.assign(static_cast<std::size_t>(nf) * nf, 0);
  f.neighbour.assign(f.diagonal.size(), 0);
  for (int s = 0; s < nf; ++s) f.diagonal[s * nf + s] = f.neighbour[s * nf + s] = 1;
  if (rx_)
    for (const auto& r : rx_->reactions()) {
      std::vector<int> involved;
      for (const auto& t : r.reactants) involved.push_back(t.species);
      for (const auto& t : r.products) involved.push_back(t.species);
      for (int a : involved)
        for (int b : involved) f.diagonal[a * nf + b] = 1;
    }
  return f;
}

void FVSystem::set_block_fills(DM dm) const {
  if (nf_ == 1) return;
  const BlockFills f = block_fills();
  TD_PETSC(DMDASetBlockFills(dm, f.diagonal.data(), f.neighbour.data()));
}

Mat FVSystem::create_matrix() const {
  const BlockFills f = block_fills();
  return create_star_matrix(mesh_.dm(), f.diagonal, f.neighbour).release();
}

Owned<Mat> FVSystem::create_jacobian(const char* prefix, StructStorage storage) const {
  if (nf_ == 1 && !heat_ && !rx_ && struct_operator_chosen(mesh_, prefix, 1))
    return create_struct_operator(mesh_, storage);
  return Owned<Mat>(create_matrix());
}

void FVSystem::initial_state(Vec c) const {
  const int nf = nf_;
  const int ns = nspecies();
  OwnedView C(mesh_.dm(), c);
  // Without heat the cell temperatures are T at the centres, bit for bit (the constructor's),
  // and read instead of a virtual call per cell; with heat they follow the solved state.
  std::optional<OwnedReadView> cell_T;
  if (!heat_) cell_T.emplace(scalar_dm(), Tcell_);
  for_owned(mesh_, [&](const std::array<int, 3>& idx) {
    const Point x = mesh_.center(idx[0], idx[1], idx[2]);
    const double T = cell_T ? (*cell_T)(idx, 1, 0) : T_->T(x);
    for (int s = 0; s < ns; ++s)
      C(idx, nf, s) = species_[s].initial(x, mesh_.dim()) * species_[s].fraction(T);
    if (heat_) C(idx, nf, ns) = T;
  });
}

void FVSystem::x_face_fluxes(const std::array<int, 3>& first, const double* cr,
                             std::vector<double>& flux) const {
  const int nx = mesh_.count()[0];
  const auto n = static_cast<std::size_t>(nx);
  const bool x_walls = !mesh_.axis(0).periodic;
  const bool lower_x = x_walls && first[0] == 0,
             upper_x = x_walls && first[0] + nx == mesh_.cells(0);
  const kernels::FaceRates* __restrict fx = &face(0, first, 0);
  flux[0] = lower_x ? kernels::face_flux(fx[0], 0.0, cr[0], *wall_r(0, 0, first))
                    : kernels::face_flux(fx[0], cr[-1], cr[0], 0.0);
  for (std::size_t i = 1; i < n; ++i) flux[i] = kernels::face_flux(fx[i], cr[i - 1], cr[i], 0.0);
  const std::array<int, 3> last{first[0] + nx - 1, first[1], first[2]};
  flux[n] = upper_x ? kernels::face_flux(fx[n], cr[n - 1], 0.0, *wall_r(0, 1, last))
                    : kernels::face_flux(fx[n], cr[n - 1], cr[n], 0.0);
}

FVSystem::LineAcross FVSystem::line_across(int a, const std::array<int, 3>& first,
                                           const dmda::Box& ghost, const double* cr,
                                           const double* zeros) const {
  const FaceBox& fb = faces_[static_cast<std::size_t>(a)];
  const bool walls = !mesh_.axis(a).periodic;
  const bool lower = walls && first[a] == 0, upper = walls && first[a] == mesh_.cells(a) - 1;
  const std::ptrdiff_t step = a == 1 ? ghost.n[0] : ghost.n[0] * ghost.n[1];
  const auto face_step = static_cast<std::ptrdiff_t>(a == 1 ? fb.n[0] : fb.n[0] * fb.n[1]);
  LineAcross l;
  l.fl = &face(a, first, 0);
  l.fu = l.fl + face_step;
  l.cl = lower ? zeros : cr - step;
  l.cu = upper ? zeros : cr + step;
  l.rl = lower ? wall_r(a, 0, first) : zeros;
  l.ru = upper ? wall_r(a, 1, first) : zeros;
  return l;
}

void FVSystem::transport_residual_lines(const dmda::Box& ghost, const double* c, double* r) const {
  const auto st = mesh_.start(), ct = mesh_.count();
  const int dim = mesh_.dim(), nx = ct[0];
  const auto n = static_cast<std::size_t>(nx);
  const std::vector<double> zeros(n, 0.0);
  std::vector<double> flux(n + 1);
  std::size_t owned = 0;
  for (int k = st[2]; k < st[2] + ct[2]; ++k)
    for (int j = st[1]; j < st[1] + ct[1]; ++j, owned += n) {
      const std::array<int, 3> first{st[0], j, k};
      const double* __restrict cr = c + ghost.at(first, 1, 0);
      double* __restrict out = r + owned;
      // the x faces of the line, P below and Q above each: face i lies below cell i
      x_face_fluxes(first, cr, flux);
      for (std::size_t i = 0; i < n; ++i) out[i] = 0.0 + (flux[i + 1] - flux[i]);
      for (int a = 1; a < dim; ++a) {
        const LineAcross l = line_across(a, first, ghost, cr, zeros.data());
        const kernels::FaceRates* __restrict fl = l.fl;
        const kernels::FaceRates* __restrict fu = l.fu;
        const double* __restrict cl = l.cl;
        const double* __restrict cu = l.cu;
        const double* __restrict rl = l.rl;
        const double* __restrict ru = l.ru;
        for (std::size_t i = 0; i < n; ++i)
          out[i] += kernels::face_flux(fu[i], cr[i], cu[i], ru[i]) -
                    kernels::face_flux(fl[i], cl[i], cr[i], rl[i]);
      }
    }
}

void FVSystem::struct_rows_by_lines(StructRowWriter& rows, double a_vol, double b,
                                    bool pinned_origin) const {
  const auto st = mesh_.start(), ct = mesh_.count();
  const int dim = mesh_.dim(), nx = ct[0];
  const auto n = static_cast<std::size_t>(nx);
  // entry e of the line's rows (StructRowWriter's numbering), and the transport diagonal
  std::vector<std::vector<double>> entry(static_cast<std::size_t>(rows.entries()),
                                         std::vector<double>(n));
  std::vector<const double*> entries;
  for (const auto& e : entry) entries.push_back(e.data());
  std::vector<double> diagonal(n);
  for (int k = st[2]; k < st[2] + ct[2]; ++k)
    for (int j = st[1]; j < st[1] + ct[1]; ++j) {
      const std::array<int, 3> first{st[0], j, k};
      std::fill(diagonal.begin(), diagonal.end(), 0.0);
      for (int a = 0; a < dim; ++a) {
        const FaceBox& fb = faces_[static_cast<std::size_t>(a)];
        const auto face_step =
            static_cast<std::ptrdiff_t>(a == 0   ? 1
                                        : a == 1 ? fb.n[0]
                                                 : static_cast<std::ptrdiff_t>(fb.n[0]) * fb.n[1]);
        const kernels::FaceRates* __restrict fl = &face(a, first, 0);
        const kernels::FaceRates* __restrict fu = fl + face_step;
        double* __restrict d = diagonal.data();
        double* __restrict lower = entry[static_cast<std::size_t>(1 + 2 * a)].data();
        double* __restrict upper = entry[static_cast<std::size_t>(2 + 2 * a)].data();
        for (std::size_t i = 0; i < n; ++i) {
          d[i] += fu[i].p + fl[i].q;
          lower[i] = -b * fl[i].p;
          upper[i] = -b * fu[i].q;
        }
        // no coupling across a wall: along x at the line's ends, across it the whole line
        const bool walls = !mesh_.axis(a).periodic;
        if (a == 0) {
          if (walls && st[0] == 0) lower[0] = 0.0;
          if (walls && st[0] + nx == mesh_.cells(0)) upper[n - 1] = 0.0;
        } else {
          if (walls && first[a] == 0) std::fill(lower, lower + n, 0.0);
          if (walls && first[a] == mesh_.cells(a) - 1) std::fill(upper, upper + n, 0.0);
        }
      }
      double* __restrict centre = entry[0].data();
      for (std::size_t i = 0; i < n; ++i)
        centre[i] = a_vol * mesh_.volume(st[0] + static_cast<int>(i), j, k) + b * diagonal[i];
      if (pinned_origin && first == std::array<int, 3>{0, 0, 0}) {
        // pin_scale's row: the transport diagonal, 1 where the cell has no transport
        for (auto& e : entry) e[0] = 0.0;
        entry[0][0] = diagonal[0] > 0.0 ? diagonal[0] : 1.0;
      }
      rows.push_line(nx, entries.data());
    }
}

void FVSystem::residual(Vec c, Vec R) const {
  const int nf = nf_;
  const int ns = nspecies(), dim = mesh_.dim();
  sync(c);
  LocalView C(mesh_.dm(), c);
  OwnedView out(mesh_.dm(), R);
  const double* cg = C.data();
  double* r = out.data();
  std::vector<double> pin_d(pins_.empty() ? 0 : static_cast<std::size_t>(nf), 1.0);
  if (nf == 1 && !heat_ && !rx_ && pins_.empty())
    transport_residual_lines(C.box(), cg, r);
  else
    for_cells(C.box(), [&](const CellAt& x) {
      const std::array<int, 3>& idx = x.idx;
      if (!pins_.empty() && idx == std::array<int, 3>{0, 0, 0})
        for (const auto& pin : pins_)
          pin_d[static_cast<std::size_t>(pin.first)] = pin_scale(x, pin.first);
      if (heat_) {
        double diag = 0.0;
        r[x.owned + ns] = heat_cell_residual(
            *heat_, mesh_, idx, [&](const std::array<int, 3>& j) { return C(j, nf, ns); }, diag,
            [](const std::array<int, 3>&, double) {});
      }
      for (int s = 0; s < ns; ++s) {
        double sum = 0.0;
        const double ci = cg[x.ghosted + s];
        for (int a = 0; a < dim; ++a) {
          const kernels::FaceRates& fl = x.face[a][s];
          const kernels::FaceRates& fu = x.face[a][x.face_step[a] + s];
          const double cu = x.upper_wall[a] ? 0.0 : cg[x.ghosted + x.cell_step[a] + s];
          const double cl = x.lower_wall[a] ? 0.0 : cg[x.ghosted - x.cell_step[a] + s];
          const double ru = x.upper_wall[a] ? x.wall_hi[a][s] : 0.0;
          const double rl = x.lower_wall[a] ? x.wall_lo[a][s] : 0.0;
          sum += kernels::face_flux(fu, ci, cu, ru) - kernels::face_flux(fl, cl, ci, rl);
        }
        r[x.owned + s] = sum;
      }
      if (rx_) {
        // -V w(c): production counts as negative outflow
        const double V = mesh_.volume(idx[0], idx[1], idx[2]);
        double cc[kMaxReacting], w[kMaxReacting];
        for (int s = 0; s < ns; ++s) cc[s] = cg[x.ghosted + s];
        rx_->production(&kfkr_[owned_index(mesh_, idx) * 2 * rx_->nreactions()], cc, w, nullptr);
        for (int s = 0; s < ns; ++s) r[x.owned + s] -= V * w[s];
      }
    });
  if (source_) {
    const PetscScalar* q;
    PetscInt n;
    TD_PETSC(VecGetLocalSize(source_, &n));
    TD_PETSC(VecGetArrayRead(source_, &q));
    double* r = &out({mesh_.start()[0], mesh_.start()[1], mesh_.start()[2]}, nf, 0);
    for (PetscInt i = 0; i < n; ++i) r[i] -= q[i];
    TD_PETSC(VecRestoreArrayRead(source_, &q));
  }
  if (!pins_.empty() && mesh_.start() == std::array<int, 3>{0, 0, 0}) {
    for (const auto& [s, value] : pins_)
      out({0, 0, 0}, nf, s) = pin_d[static_cast<std::size_t>(s)] * (C({0, 0, 0}, nf, s) - value);
  }
}

void FVSystem::assemble(Mat M, double a_vol, double b, bool with_pins, Vec c,
                        bool with_reactions) const {
  const int nf = nf_;
  const int ns = nspecies(), dim = mesh_.dim();
  const ReactionNetwork* rx = with_reactions ? rx_.get() : nullptr;
  if ((rx || heat_) && !c)
    throw Error("FVSystem::assemble: the state is needed with reactions or heat");
  sync(c);
  std::optional<LocalView> C;
  if (rx) C.emplace(mesh_.dm(), c);
  std::vector<double> jac(static_cast<std::size_t>(ns) * ns), w(ns), cc(ns);
  std::vector<MatStencil> bcol(ns);
  std::vector<PetscScalar> bval(ns);
  const bool own_origin = mesh_.start() == std::array<int, 3>{0, 0, 0};
  if (is_struct_operator(M)) {
    // one field, no heat, no reactions (a reaction needs two species, compositions
    // balance): each row is the cell's stencil, written in the cells' order
    if (nf != 1 || heat_ || rx_)
      throw InternalError(
          "FVSystem::assemble: a struct operator holds one field per cell without reactions");
    bool pinned_origin = false;
    if (with_pins && own_origin)
      for (const auto& p : pins_) pinned_origin = pinned_origin || p.first == 0;
    StructRowWriter rows(M);
    rows.write([&] { struct_rows_by_lines(rows, a_vol, b, pinned_origin); });
    return;
  }
  // Rows written whole (below) overwrite every stored entry, as the count at the end checks;
  // other rows add up their entries. Zeroing a large matrix costs as much as a third of its
  // assembly.
  if (heat_ || !rows_in_stencil_order(M)) TD_PETSC(MatZeroEntries(M));
  auto stencil = [&](const std::array<int, 3>& idx, int s) {
    MatStencil st{};
    st.i = idx[0];
    st.j = idx[1];
    st.k = idx[2];
    st.c = s;
    return st;
  };
  if (heat_) {
    // temperature rows: conduction (the species do not act back on T; the species' dependence
    // on T is left to the Jacobian-free products of the solvers)
    LocalView Tl(mesh_.dm(), c);
    for_owned(mesh_, [&](const std::array<int, 3>& idx) {
      MatStencil row = stencil(idx, ns), cols[7];
      PetscScalar vals[7];
      int nc = 0;
      double diag = 0.0;
      heat_cell_residual(
          *heat_, mesh_, idx, [&](const std::array<int, 3>& j) { return Tl(j, nf, ns); }, diag,
          [&](const std::array<int, 3>& nb, double v) {
            cols[nc] = stencil(nb, ns);
            vals[nc++] = b * v;
          });
      cols[nc] = row;
      vals[nc++] = b * diag + a_vol * heat_->rho_cp * mesh_.volume(idx[0], idx[1], idx[2]);
      TD_PETSC(MatSetValuesStencil(M, 1, &row, nc, cols, vals, ADD_VALUES));
    });
  }
  // Transport rows by local (ghosted) indices: MatSetValuesLocal skips the stencil
  // conversion of MatSetValuesStencil, a large part of the assembly on big meshes. Without
  // heat, in a matrix whose rows are stored in stencil order (mesh/StencilMatrix.h), each row
  // is written whole in that order (MatSetValuesRow), skipping PETSc's column search as well:
  // the lower neighbours (the field itself), the cell's fields that the reactions couple to
  // it (block_fills, ascending), the upper neighbours.
  const bool whole_rows = !heat_ && rows_in_stencil_order(M);
  std::vector<std::vector<int>> in_cell(static_cast<std::size_t>(nf));  // per row field
  {
    const BlockFills fills = block_fills();
    for (int r = 0; r < nf; ++r)
      for (int j = 0; j < nf; ++j)
        if (fills.diagonal[static_cast<std::size_t>(r * nf + j)] != 0)
          in_cell[static_cast<std::size_t>(r)].push_back(j);
  }
  std::vector<PetscScalar> row_values(static_cast<std::size_t>(2 * dim + nf));
  PetscInt first_row = 0;
  TD_PETSC(MatGetOwnershipRange(M, &first_row, nullptr));
  long written = 0;  // entries written whole, checked against the matrix's below
  for_cells(dmda::ghost_box(mesh_.dm()), [&](const CellAt& x) {
    const std::array<int, 3>& idx = x.idx;
    if (rx) {
      std::fill(jac.begin(), jac.end(), 0.0);
      for (int s = 0; s < ns; ++s) cc[s] = (*C)(idx, nf, s);
      rx->production(&kfkr_[owned_index(mesh_, idx) * 2 * rx->nreactions()], cc.data(), w.data(),
                     jac.data());
    }
    for (int s = 0; s < ns; ++s) {
      MatStencil row = stencil(idx, s);
      bool pinned = false;
      if (with_pins && own_origin && idx == std::array<int, 3>{0, 0, 0})
        for (const auto& p : pins_) pinned = pinned || p.first == s;
      const double V = mesh_.volume(idx[0], idx[1], idx[2]);
      if (whole_rows) {
        // (PETSc mixes no whole-row insertion with additions: a pinned row is written whole)
        PetscScalar* v = row_values.data();
        int n = 0;
        for (int a = dim - 1; a >= 0; --a)
          if (!x.lower_wall[a]) v[n++] = pinned ? 0.0 : -b * x.face[a][s].p;
        const double transport = a_vol * V + b * transport_diagonal(x, s);
        for (int j : in_cell[static_cast<std::size_t>(s)]) {
          const double react = rx ? b * V * jac[static_cast<std::size_t>(s * ns + j)] : 0.0;
          v[n++] = pinned ? (j == s ? pin_scale(x, s) : 0.0) : (j == s ? transport : 0.0) - react;
        }
        for (int a = 0; a < dim; ++a)
          if (!x.upper_wall[a]) v[n++] = pinned ? 0.0 : -b * x.face[a][x.face_step[a] + s].q;
        TD_PETSC(MatSetValuesRow(M, first_row + static_cast<PetscInt>(x.owned + s), v));
        written += n;
        continue;
      }
      if (pinned) {
        const PetscScalar d = pin_scale(x, s);
        TD_PETSC(MatSetValuesStencil(M, 1, &row, 1, &row, &d, ADD_VALUES));
        continue;
      }
      const PetscInt lrow = static_cast<PetscInt>(x.ghosted + s);
      PetscInt cols[7];
      PetscScalar vals[7];
      int nc = 0;
      // stencil order (rows_in_stencil_order): lower neighbours from the outermost axis in,
      // the cell, upper neighbours from the innermost axis out
      for (int a = dim - 1; a >= 0; --a)
        if (!x.lower_wall[a]) {
          cols[nc] = lrow - static_cast<PetscInt>(x.cell_step[a]);
          vals[nc++] = -b * x.face[a][s].p;
        }
      cols[nc] = lrow;
      vals[nc++] = a_vol * V + b * transport_diagonal(x, s);
      for (int a = 0; a < dim; ++a)
        if (!x.upper_wall[a]) {
          cols[nc] = lrow + static_cast<PetscInt>(x.cell_step[a]);
          vals[nc++] = -b * x.face[a][x.face_step[a] + s].q;
        }
      TD_PETSC(MatSetValuesLocal(M, 1, &lrow, nc, cols, vals, ADD_VALUES));
      if (rx) {
        // the per-cell block -b V dw/dc couples the components of this cell
        int nb = 0;
        for (int j = 0; j < ns; ++j)
          if (jac[s * ns + j] != 0.0) {
            bcol[nb] = stencil(idx, j);
            bval[nb++] = -b * V * jac[s * ns + j];
          }
        TD_PETSC(MatSetValuesStencil(M, 1, &row, nb, bcol.data(), bval.data(), ADD_VALUES));
      }
    }
  });
  if (whole_rows) {
    // MatSetValuesRow takes as many values as the stored row has: rows of another length
    // than written here would hold wrong entries, so a count that differs is an error, on
    // every rank (before the collective assembly)
    MatInfo info;
    TD_PETSC(MatGetInfo(M, MAT_LOCAL, &info));
    int wrong = static_cast<long>(info.nz_used) != written ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &wrong, 1, MPI_INT, MPI_MAX, mesh_.comm());
    if (wrong != 0)
      throw InternalError(fmt::format(
          "FVSystem::assemble: the Jacobian's rows were written whole ({} entries on this "
          "rank) into a matrix with {} stored entries: its pattern is not the mesh's stencil",
          written, static_cast<long>(info.nz_used)));
  }
  TD_PETSC(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
  TD_PETSC(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
}

void FVSystem::diagonal(Vec c, Vec d, bool with_reactions) const {
  const int nf = nf_;
  const int ns = nspecies();
  const ReactionNetwork* rx = with_reactions ? rx_.get() : nullptr;
  if ((rx || heat_) && !c)
    throw Error("FVSystem::diagonal: the state is needed with reactions or heat");
  sync(c);
  std::optional<LocalView> C;
  if (rx || heat_) C.emplace(mesh_.dm(), c);
  OwnedView out(mesh_.dm(), d);
  std::vector<double> jac(static_cast<std::size_t>(ns) * ns), w(ns), cc(ns);
  for_cells(C ? C->box() : dmda::ghost_box(mesh_.dm()), [&](const CellAt& x) {
    const std::array<int, 3>& idx = x.idx;
    if (heat_) {
      double diag = 0.0;
      heat_cell_residual(
          *heat_, mesh_, idx, [&](const std::array<int, 3>& j) { return (*C)(j, nf, ns); }, diag,
          [](const std::array<int, 3>&, double) {});
      out(idx, nf, ns) = diag;
    }
    if (rx) {
      std::fill(jac.begin(), jac.end(), 0.0);
      for (int s = 0; s < ns; ++s) cc[s] = (*C)(idx, nf, s);
      rx->production(&kfkr_[owned_index(mesh_, idx) * 2 * rx->nreactions()], cc.data(), w.data(),
                     jac.data());
    }
    const double V = mesh_.volume(idx[0], idx[1], idx[2]);
    for (int s = 0; s < ns; ++s)
      out(idx, nf, s) = transport_diagonal(x, s) - (rx ? V * jac[s * ns + s] : 0.0);
  });
}

std::vector<double> FVSystem::totals(Vec c) const {
  const int nf = nf_;
  const int ns = nspecies();
  std::vector<double> t(ns, 0.0);
  {
    OwnedReadView C(mesh_.dm(), c);
    for_owned(mesh_, [&](const std::array<int, 3>& idx) {
      const double v = mesh_.volume(idx[0], idx[1], idx[2]);
      for (int s = 0; s < ns; ++s) t[s] += v * C(idx, nf, s);
    });
  }
  std::vector<double> g(ns);
  MPI_Allreduce(t.data(), g.data(), ns, MPI_DOUBLE, MPI_SUM, mesh_.comm());
  return g;
}

std::vector<double> FVSystem::boundary_outflow(Vec c) const {
  const int ns = nspecies(), dim = mesh_.dim();
  std::vector<double> t(ns, 0.0);
  {
    OwnedReadView C(mesh_.dm(), c);  // boundary faces need only the cell's own value
    const double* co = C.data();
    // the owned array read as a ghosted one whose box is the owned box
    for_cells(dmda::owned_box(mesh_.dm()), [&](const CellAt& x) {
      for (int a = 0; a < dim; ++a) {
        if (!x.upper_wall[a] && !x.lower_wall[a]) continue;
        for (int s = 0; s < ns; ++s) {
          if (x.upper_wall[a])
            t[s] += kernels::face_flux(x.face[a][x.face_step[a] + s], co[x.owned + s], 0.0,
                                       x.wall_hi[a][s]);
          if (x.lower_wall[a])
            t[s] -= kernels::face_flux(x.face[a][s], 0.0, co[x.owned + s], x.wall_lo[a][s]);
        }
      }
    });
  }
  std::vector<double> g(ns);
  MPI_Allreduce(t.data(), g.data(), ns, MPI_DOUBLE, MPI_SUM, mesh_.comm());
  return g;
}

std::vector<FVSystem::Group> FVSystem::groups() const {
  std::vector<Group> out;
  for (int s = 0; s < nspecies(); ++s) {
    if (out.empty() || out.back().name != species_[s].group)
      out.push_back({species_[s].group.empty() ? species_[s].name : species_[s].group, {}});
    out.back().components.push_back(s);
  }
  return out;
}

void FVSystem::set_up_ghost_exchanges() const {
  dmda::set_up_ghost_exchange(mesh_.dm());
  if (dm1_ && heat_) dmda::set_up_ghost_exchange(dm1_);
}

Vec FVSystem::group_observables(Vec c) const {
  sync(c);
  const int nf = nf_;
  const auto gs = groups();
  const int ng = static_cast<int>(gs.size()), dim = mesh_.dim();
  Owned<Vec> out = mesh_.create_cell_vector(3 * ng);
  LocalView C(mesh_.dm(), c);
  LocalView Tc(scalar_dm(), Tcell_);
  OwnedView O(mesh_.dm(), out);
  const double* cg = C.data();
  const double* tg = Tc.data();
  double* o = O.data();
  // Gradients by differences across the neighbours (one-sided at walls): 1 / dx^2, dx the
  // distance between the centres the difference spans, per axis and owned cell index; 0
  // where the axis has a single cell and no periodic wrap (no gradient along it). Why the
  // inverse square: the products below then need no division per cell (two divisions per
  // cell and axis were most of this loop's time).
  const auto st = mesh_.start(), ct = mesh_.count();
  std::array<std::vector<double>, 3> inv_span2;
  for (int a = 0; a < dim; ++a) {
    const Axis& ax = mesh_.axis(a);
    const int n = ax.cells();
    for (int i = st[a]; i < st[a] + ct[a]; ++i) {
      const int up = ax.periodic || i + 1 < n ? i + 1 : i, lo = ax.periodic || i > 0 ? i - 1 : i;
      double dx = 0.0;
      for (int m = lo; m < up; ++m) dx += ax.center_distance(((m % n) + n) % n);
      inv_span2[a].push_back(dx > 0.0 ? 1.0 / (dx * dx) : 0.0);
    }
  }
  auto total = [&](std::ptrdiff_t at, const Group& g) {
    double p = 0.0;
    for (int s : g.components) p += cg[at + s];
    return p;
  };
  // ln P is taken where P is resolved: above kResolvedTotal of the group's largest total
  std::vector<double> floor(static_cast<std::size_t>(ng), 0.0);
  if (nf == 1) {
    // one field: the owned array is the total's
    const ReadArray owned(c);
    double top = 0.0;
    const auto ct = mesh_.count();
    const std::size_t n = static_cast<std::size_t>(ct[0]) * ct[1] * ct[2];
    for (std::size_t i = 0; i < n; ++i) top = std::max(top, 0.0 + owned.get()[i]);
    floor[0] = top;
  } else {
    for (int g = 0; g < ng; ++g) {
      // a local maximum, not the vector's element: a store and reload per cell otherwise
      double top = 0.0;
      for_cells(C.box(), [&](const CellAt& x) { top = std::max(top, total(x.ghosted, gs[g])); });
      floor[static_cast<std::size_t>(g)] = top;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, floor.data(), ng, MPI_DOUBLE, MPI_MAX, mesh_.comm());
  for (double& f : floor) f *= kResolvedTotal;
  if (nf == 1) {
    observables_by_lines(C.box(), cg, tg, inv_span2, floor[0], o);
    return out.release();
  }
  for_cells(C.box(), [&](const CellAt& x) {
    const std::ptrdiff_t t = x.ghosted / nf;  // the cell in the scalar (T) array
    const double T = tg[t];
    double* row = o + x.owned / nf * 3 * ng;
    for (int g = 0; g < ng; ++g) {
      double dlnP_dT_num = 0.0, gT2 = 0.0;
      bool defined = true;  // ln P needs P > 0 at the neighbours along the axis
      for (int a = 0; a < dim; ++a) {
        const double inv2 = inv_span2[a][static_cast<std::size_t>(x.idx[a] - st[a])];
        if (inv2 == 0.0) continue;
        const std::ptrdiff_t up = x.upper_wall[a] ? 0 : x.cell_step[a];
        const std::ptrdiff_t lo = x.lower_wall[a] ? 0 : -x.cell_step[a];
        const double dT = tg[t + up / nf] - tg[t + lo / nf];
        // an axis without temperature difference adds nothing to either sum (and needs no
        // logarithm: in a one-dimensional gradient, every other axis)
        if (dT == 0.0) continue;
        const double Pup = total(x.ghosted + up, gs[g]), Plo = total(x.ghosted + lo, gs[g]);
        const double f = floor[static_cast<std::size_t>(g)];
        if (!(Pup > f && Plo > f && Pup > 0 && Plo > 0)) defined = false;
        const double dlnP = defined ? std::log(Pup / Plo) : 0.0;
        dlnP_dT_num += dlnP * dT * inv2;
        gT2 += dT * dT * inv2;
      }
      const double eq = equilibrium_soret(species_[gs[g].components.front()], T);
      row[3 * g] = total(x.ghosted, gs[g]);
      const double S_eff = -dlnP_dT_num / gT2;
      row[3 * g + 1] = defined && gT2 > 0 && std::isfinite(S_eff) ? S_eff : 0.0;
      row[3 * g + 2] = eq;
    }
  });
  return out.release();
}

double FVSystem::equilibrium_soret(const Species& first, double T) const {
  if (first.states) return local_equilibrium_soret(*first.states, first.alpha, T);
  double eq = first.S_T->value(T);
  if (first.alpha != 0.0) eq += first.alpha * first.D->derivative(T) / first.D->value(T);
  return eq;
}

void FVSystem::observables_by_lines(const dmda::Box& ghost, const double* c, const double* T,
                                    const std::array<std::vector<double>, 3>& inv_span2,
                                    double floor, double* o) const {
  const auto st = mesh_.start(), ct = mesh_.count();
  const int dim = mesh_.dim(), nx = ct[0];
  const auto n = static_cast<std::size_t>(nx);
  // per cell of the line: the sums over the axes and whether ln P is defined at every
  // neighbour so far (the per-cell loop's state, axis by axis)
  std::vector<double> num(n), gT2(n);
  std::vector<unsigned char> defined(n);
  const Species& first = species_.front();
  std::size_t owned = 0;
  for (int k = st[2]; k < st[2] + ct[2]; ++k)
    for (int j = st[1]; j < st[1] + ct[1]; ++j, owned += n) {
      const std::array<int, 3> line{st[0], j, k};
      const std::ptrdiff_t at = ghost.at(line, 1, 0);
      const double* cr = c + at;
      const double* tr = T + at;
      std::fill(num.begin(), num.end(), 0.0);
      std::fill(gT2.begin(), gT2.end(), 0.0);
      std::fill(defined.begin(), defined.end(), 1);
      // one axis's terms for cell i with its neighbours at offsets up and lo (0 at a wall)
      auto add = [&](std::size_t i, double inv2, std::ptrdiff_t up, std::ptrdiff_t lo) {
        const auto p = static_cast<std::ptrdiff_t>(i);
        const double dT = tr[p + up] - tr[p + lo];
        if (dT == 0.0) return;
        const double Pup = 0.0 + cr[p + up], Plo = 0.0 + cr[p + lo];
        if (!(Pup > floor && Plo > floor && Pup > 0 && Plo > 0)) defined[i] = 0;
        const double dlnP = defined[i] != 0 ? std::log(Pup / Plo) : 0.0;
        num[i] += dlnP * dT * inv2;
        gT2[i] += dT * dT * inv2;
      };
      const bool x_walls = !mesh_.axis(0).periodic;
      const bool lower_x = x_walls && st[0] == 0, upper_x = x_walls && st[0] + nx == mesh_.cells(0);
      for (std::size_t i = 0; i < n; ++i) {
        const double inv2 = inv_span2[0][i];
        if (inv2 == 0.0) continue;
        add(i, inv2, upper_x && i + 1 == n ? 0 : 1, lower_x && i == 0 ? 0 : -1);
      }
      for (int a = 1; a < dim; ++a) {
        const double inv2 = inv_span2[static_cast<std::size_t>(a)][static_cast<std::size_t>(
            line[static_cast<std::size_t>(a)] - st[static_cast<std::size_t>(a)])];
        if (inv2 == 0.0) continue;
        const bool walls = !mesh_.axis(a).periodic;
        const std::ptrdiff_t step = a == 1 ? ghost.n[0] : ghost.n[0] * ghost.n[1];
        const std::ptrdiff_t up = walls && line[a] == mesh_.cells(a) - 1 ? 0 : step;
        const std::ptrdiff_t lo = walls && line[a] == 0 ? 0 : -step;
        for (std::size_t i = 0; i < n; ++i) add(i, inv2, up, lo);
      }
      double* row = o + owned * 3;
      for (std::size_t i = 0; i < n; ++i) {
        const double eq = equilibrium_soret(first, tr[i]);
        row[3 * i] = 0.0 + cr[i];
        const double S_eff = -num[i] / gT2[i];
        row[3 * i + 1] = defined[i] != 0 && gT2[i] > 0 && std::isfinite(S_eff) ? S_eff : 0.0;
        row[3 * i + 2] = eq;
      }
    }
}

double FVSystem::diffusion_time() const {
  double hmin = std::numeric_limits<double>::infinity(), dmax = 0.0;
  for (int a = 0; a < mesh_.dim(); ++a)
    for (int i = 0; i < mesh_.cells(a); ++i) hmin = std::min(hmin, mesh_.axis(a).width(i));
  PetscReal tmin, tmax;
  TD_PETSC(VecMin(temperature(), nullptr, &tmin));
  TD_PETSC(VecMax(temperature(), nullptr, &tmax));
  for (const auto& sp : species()) dmax = std::max({dmax, sp.D->value(tmin), sp.D->value(tmax)});
  return dmax > 0.0 ? hmin * hmin / dmax : std::numeric_limits<double>::infinity();
}

bool FVSystem::drift_along_closed_axis(double span) const {
  const DriftResolution r = drift_resolution();
  // mean temperature of the first and the last layer of cells along each axis (end 0: lo)
  std::array<double, 12> sums{};  // [axis][end] sum of T, then [axis][end] count
  {
    // the owned cells of each end layer alone (a pass over every cell cost 2-3 ms at 1024^2
    // in each steady solve's set-up), in the order of a pass over the owned box
    OwnedView Tc(scalar_dm(), Tcell_);
    const auto st = mesh_.start(), ct = mesh_.count();
    for (int a = 0; a < mesh_.dim(); ++a)
      for (int end = 0; end < 2; ++end) {
        const int layer = end == 0 ? 0 : mesh_.cells(a) - 1;
        if (layer < st[a] || layer >= st[a] + ct[a]) continue;
        std::array<int, 3> lo = st, hi{st[0] + ct[0], st[1] + ct[1], st[2] + ct[2]};
        lo[a] = layer;
        hi[a] = layer + 1;
        for (int k = lo[2]; k < hi[2]; ++k)
          for (int j = lo[1]; j < hi[1]; ++j)
            for (int i = lo[0]; i < hi[0]; ++i) {
              sums[2 * a + end] += Tc(std::array<int, 3>{i, j, k}, 1, 0);
              sums[6 + 2 * a + end] += 1.0;
            }
      }
  }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM,
                mesh_.comm());
  const auto fixed = [](const Boundary& b) {
    return b.type == Boundary::Type::dirichlet || b.type == Boundary::Type::robin;
  };
  for (int a = 0; a < mesh_.dim(); ++a) {
    if (mesh_.axis(a).periodic) continue;
    const double along = std::min(r.psi_span, r.cell_peclet[a] * (mesh_.cells(a) - 1));
    const double T_lo = sums[2 * a] / sums[6 + 2 * a], T_hi = sums[2 * a + 1] / sums[6 + 2 * a + 1];
    for (const auto& sp : species_) {
      const Boundary &lo = sp.bc[2 * a], &hi = sp.bc[2 * a + 1];
      if (along > span && lo.type == Boundary::Type::no_flux && hi.type == Boundary::Type::no_flux)
        return true;
      // A face fixed at the end where c ~ exp(-psi) is low, a wall at the other: the profile
      // grows by e^(psi_fixed - psi_wall) away from the fixed face, as in a closed cell (c = 0
      // fixed on the hot face, drift to a cold wall, 64^2, S_T Delta T = 30: PFMG diverged)
      const double rise = sp.dpsi(T_hi, T_lo);  // psi(lo end) - psi(hi end)
      if ((fixed(hi) && lo.type == Boundary::Type::no_flux && -rise > span) ||
          (fixed(lo) && hi.type == Boundary::Type::no_flux && rise > span))
        return true;
    }
  }
  return false;
}

FVSystem::DriftResolution FVSystem::drift_resolution() const {
  if (drift_) return *drift_;
  DriftResolution r;
  const int ns = nspecies();
  // the faces between neighbouring cells have their dpsi from compute_faces (the cell
  // temperatures the drift check has always used)
  r.cell_peclet = face_peclet_;
  // psi of each species relative to one reference temperature, min and max over the cells
  double Tref = 0.0;
  {
    PetscReal mn;
    TD_PETSC(VecMin(Tcell_, nullptr, &mn));
    Tref = mn;
  }
  std::vector<double> lo(ns, std::numeric_limits<double>::infinity()), hi(ns, -lo[0]);
  {
    const PetscScalar* T;
    PetscInt n = 0;
    TD_PETSC(VecGetLocalSize(Tcell_, &n));
    TD_PETSC(VecGetArrayRead(Tcell_, &T));
    for (PetscInt i = 0; i < n; ++i)
      for (int s = 0; s < ns; ++s) {
        const double p = species_[s].dpsi(Tref, T[i]);
        lo[s] = std::min(lo[s], p);
        hi[s] = std::max(hi[s], p);
      }
    TD_PETSC(VecRestoreArrayRead(Tcell_, &T));
  }
  MPI_Comm comm = mesh_.comm();
  MPI_Allreduce(MPI_IN_PLACE, r.cell_peclet.data(), 3, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(MPI_IN_PLACE, lo.data(), ns, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, hi.data(), ns, MPI_DOUBLE, MPI_MAX, comm);
  for (int s = 0; s < ns; ++s)
    if (hi[s] - lo[s] > r.psi_span || r.species.empty()) {
      r.psi_span = hi[s] - lo[s];
      r.species = species_[s].name;
    }
  drift_ = r;
  return r;
}

Vec FVSystem::fluxes(Vec c) const {
  sync(c);
  const int nf = nf_;
  const int ns = nspecies(), dim = mesh_.dim();
  Owned<Vec> J = mesh_.create_cell_vector(ns * dim);
  LocalView C(mesh_.dm(), c);
  OwnedView out(mesh_.dm(), J);
  const double* cg = C.data();
  double* j = out.data();
  if (nf == 1) {
    fluxes_by_lines(C.box(), cg, j);
    return J.release();
  }
  for_cells(C.box(), [&](const CellAt& x) {
    const std::ptrdiff_t row = x.owned / nf * ns * dim;
    for (int a = 0; a < dim; ++a) {
      const double area = mesh_.face_area(a, x.idx[0], x.idx[1], x.idx[2]);
      for (int s = 0; s < ns; ++s) {
        const double ci = cg[x.ghosted + s];
        const double cu = x.upper_wall[a] ? 0.0 : cg[x.ghosted + x.cell_step[a] + s];
        const double cl = x.lower_wall[a] ? 0.0 : cg[x.ghosted - x.cell_step[a] + s];
        const double ru = x.upper_wall[a] ? x.wall_hi[a][s] : 0.0;
        const double rl = x.lower_wall[a] ? x.wall_lo[a][s] : 0.0;
        j[row + s * dim + a] = 0.5 *
                               (kernels::face_flux(x.face[a][x.face_step[a] + s], ci, cu, ru) +
                                kernels::face_flux(x.face[a][s], cl, ci, rl)) /
                               area;
      }
    }
  });
  return J.release();
}

void FVSystem::fluxes_by_lines(const dmda::Box& ghost, const double* c, double* J) const {
  const auto st = mesh_.start(), ct = mesh_.count();
  const int dim = mesh_.dim(), nx = ct[0];
  const auto n = static_cast<std::size_t>(nx);
  const auto d = static_cast<std::size_t>(dim);
  const std::vector<double> zeros(n, 0.0);
  std::vector<double> flux(n + 1), area(n);
  std::size_t owned = 0;
  for (int k = st[2]; k < st[2] + ct[2]; ++k)
    for (int j = st[1]; j < st[1] + ct[1]; ++j, owned += n) {
      const std::array<int, 3> first{st[0], j, k};
      const double* __restrict cr = c + ghost.at(first, 1, 0);
      double* __restrict out = J + owned * d;
      // each x face's flux once; a cell's x component is the mean of its two
      x_face_fluxes(first, cr, flux);
      const double ax = mesh_.face_area(0, st[0], j, k);
      for (std::size_t i = 0; i < n; ++i) out[i * d] = 0.5 * (flux[i + 1] + flux[i]) / ax;
      for (int a = 1; a < dim; ++a) {
        const LineAcross l = line_across(a, first, ghost, cr, zeros.data());
        for (std::size_t i = 0; i < n; ++i)
          area[i] = mesh_.face_area(a, st[0] + static_cast<int>(i), j, k);
        for (std::size_t i = 0; i < n; ++i)
          out[i * d + static_cast<std::size_t>(a)] =
              0.5 *
              (kernels::face_flux(l.fu[i], cr[i], l.cu[i], l.ru[i]) +
               kernels::face_flux(l.fl[i], l.cl[i], cr[i], l.rl[i])) /
              area[i];
      }
    }
}

std::unique_ptr<FVSystem> FVSystem::rediscretised(const Mesh& mesh) const {
  if (heat_) throw Error("a system solving the temperature cannot be rediscretised");
  auto out = std::make_unique<FVSystem>(mesh, T_, species_);
  out->set_reactions(rx_);
  out->set_pins(pins_);
  return out;
}

void FVSystem::set_reactions(std::shared_ptr<const ReactionNetwork> rx) {
  if (rx && rx->empty()) rx.reset();
  rx_ = std::move(rx);
  kfkr_.clear();
  if (!rx_) return;
  if (rx_->ncomponents() != nspecies())
    throw Error(fmt::format("reaction network has {} components, the system {}", rx_->ncomponents(),
                            nspecies()));
  if (nspecies() > kMaxReacting)
    throw Error(fmt::format("at most {} reacting components are supported", kMaxReacting));
  const auto ct = mesh_.count();
  kfkr_.resize(static_cast<std::size_t>(ct[0]) * ct[1] * ct[2] * 2 * rx_->nreactions());
  compute_rates();
}

std::vector<FVSystem::Conserved> FVSystem::conserved() const {
  const int ns = nspecies();
  std::vector<bool> open(ns);
  for (int s = 0; s < ns; ++s) open[s] = !species_[s].closed();
  Eigen::MatrixXd W;
  if (rx_) {
    W = rx_->conserved(open);
  } else {
    int nclosed = 0;
    for (int s = 0; s < ns; ++s) nclosed += open[s] ? 0 : 1;
    W = Eigen::MatrixXd::Zero(nclosed, ns);
    for (int s = 0, k = 0; s < ns; ++s)
      if (!open[s]) W(k++, s) = 1.0;
  }
  // Pin components whose columns of W are independent (full-pivoting LU picks them).
  std::vector<Conserved> out;
  if (W.rows() == 0) return out;
  Eigen::FullPivLU<Eigen::MatrixXd> lu(W);
  for (int k = 0; k < W.rows(); ++k) {
    Conserved q;
    for (int s = 0; s < ns; ++s) q.weights.push_back(W(k, s));
    q.pinned = lu.permutationQ().indices()(k);
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace td
