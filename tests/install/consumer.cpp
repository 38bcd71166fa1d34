// Uses the installed library as another program would: units, a material preset from the
// installed data, and a steady finite-volume solve of a 1D Soret cell whose exact solution
// is c ~ exp(-S_T (T - T0)), and the installed version header (thermodrift/Version.h, whose
// git state is a function of the core library). Prints "consumer ok" and exits 0 when all
// agree.
#include <petscsys.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/Units.h"
#include "fv/Case.h"
#include "mesh/DmdaViews.h"
#include "models/Material.h"
#include "thermodrift/Version.h"

int main(int argc, char** argv) {
  if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 2;
  int status = 0;
  {
    const auto lj = td::units::UnitSystem::lj(*td::units::lj_preset("argon"));
    const double kelvin = lj.to_si(1.0, td::units::dim_of(td::units::Kind::temperature));
    const td::Material cu = td::material_preset("Cu");
    auto cs = td::Case::from_string(PETSC_COMM_WORLD, R"(
[mesh]
dim = 1
[mesh.x]
cells = 64
length = 1.0
[temperature]
type = "linear"
T_ref = 1.0
gradient = [1.0]
[[species]]
name = "a"
[species.diffusivity]
value = 1.0
[species.soret]
value = 0.5
[species.initial]
value = 1.0
)");
    Vec c = cs->system().create_state();
    cs->system().initial_state(c);
    td::solve_steady(cs->system(), c, cs->run().steady);
    double worst = 0.0, first = 0.0;
    {
      td::dmda::LocalView v(cs->mesh().dm(), c);
      first = v({0, 0, 0}, 1, 0);
      for (int i = 0; i < 64; ++i) {
        const double dT = cs->mesh().center(0, i) - cs->mesh().center(0, 0);
        worst = std::max(worst, std::fabs(v({i, 0, 0}, 1, 0) / first - std::exp(-0.5 * dT)));
      }
    }
    VecDestroy(&c);
    const std::string git = td::git_describe();
    std::printf(
        "thermodrift %s (git %s), argon temperature unit %.4g K, Cu thermal "
        "conductivity %.4g W/(m K), largest deviation from exp(-S_T dT) %.2e\n",
        td::kVersion, git.c_str(), kelvin, cu.thermal_conductivity, worst);
    status = std::fabs(kelvin - 119.8) < 0.1 && cu.thermal_conductivity > 100 && worst < 1e-3 &&
                     !git.empty()
                 ? 0
                 : 1;
    if (status == 0) std::printf("consumer ok\n");
  }
  PetscFinalize();
  return status;
}
