#include "fv/CoarseOperators.h"

#include "core/Error.h"
#include "mesh/Multigrid.h"
#include "mesh/StencilMultigrid.h"
#include "mesh/StructuredMultigrid.h"

namespace td {

CoarseOperators::~CoarseOperators() = default;

std::unique_ptr<CoarseOperators> CoarseOperators::attach(KSP ksp, const FVSystem& sys,
                                                         bool caller_gives) {
  if (!caller_gives) return nullptr;
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  PetscInt nlev = 0;
  TD_PETSC(PCMGGetLevels(pc, &nlev));
  std::unique_ptr<CoarseOperators> out(new CoarseOperators());
  out->fine_ = &sys;
  auto meshes = coarse_meshes(sys.mesh(), sys.nfields(), static_cast<int>(nlev));
  for (PetscInt l = 0; l + 1 < nlev; ++l) {
    Level lv;
    lv.mesh = std::move(meshes[static_cast<std::size_t>(l)]);
    lv.sys = sys.rediscretised(*lv.mesh);
    lv.A = Owned<Mat>(lv.sys->create_matrix());
    TD_PETSC(PCMGSetOperators(pc, l, lv.A, lv.A));
    TD_PETSC(PCMGGetInterpolation(pc, l + 1, &lv.P));
    Owned<Vec> ones;
    TD_PETSC(MatCreateVecs(lv.P, lv.weight.out(), ones.out()));
    TD_PETSC(VecSet(ones, 1.0));
    TD_PETSC(MatMultTranspose(lv.P, ones, lv.weight));
    lv.state = duplicate(lv.weight);
    out->levels_.push_back(std::move(lv));
  }
  return out;
}

std::unique_ptr<CoarseOperators> CoarseOperators::attach_stencil(KSP ksp, const FVSystem& sys) {
  StencilMultigrid* mg = stencil_multigrid(ksp);
  if (mg == nullptr) return nullptr;
  std::unique_ptr<CoarseOperators> out(new CoarseOperators());
  out->fine_ = &sys;
  std::vector<Mat> mats;
  for (auto& mesh : coarse_meshes(sys.mesh(), 1, mg->levels())) {
    Level lv;
    lv.mesh = std::move(mesh);
    lv.sys = sys.rediscretised(*lv.mesh);
    lv.A = create_struct_operator(*lv.mesh, struct_storage_on(*lv.mesh));
    mats.push_back(lv.A);
    out->levels_.push_back(std::move(lv));
  }
  // the correction vanishes where every species' value is fixed (one field here)
  std::array<bool, 6> zero_walls{};
  for (std::size_t w = 0; w < 2 * static_cast<std::size_t>(sys.mesh().dim()); ++w)
    zero_walls[w] = sys.species().at(0).bc[w].type == Boundary::Type::dirichlet;
  mg->set_coarse_operators(std::move(mats), zero_walls);
  return out;
}

void CoarseOperators::assemble(double a, double b, bool with_pins, Vec c) {
  // Only reactions make dR/dc depend on the state (the systems here have no heat): without
  // them the restriction is skipped and the state not passed.
  const bool with_state = c != nullptr && fine_->reactions() != nullptr;
  Vec finer = c;
  // finest coarse level first: each level's state is restricted from the next finer one
  for (auto lv = levels_.rbegin(); lv != levels_.rend(); ++lv) {
    if (with_state) {
      if (lv->P == nullptr)
        throw InternalError("CoarseOperators: a state to restrict without a prolongation");
      TD_PETSC(MatMultTranspose(lv->P, finer, lv->state));
      TD_PETSC(VecPointwiseDivide(lv->state, lv->state, lv->weight));
      finer = lv->state;
    }
    lv->sys->set_pins(fine_->pins());
    lv->sys->assemble(lv->A, a, b, with_pins, with_state ? lv->state.get() : nullptr);
  }
}

}  // namespace td
