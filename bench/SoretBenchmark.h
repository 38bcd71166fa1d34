#pragma once
/// @file SoretBenchmark.h  The steady Soret benchmark of bench_steady and bench_stencil_mg:
/// D = 1, S_T given, T = 1 + x on the unit square (cube), c = 1 on the cold face x = 0, no
/// flux elsewhere, initial c = 1; exact c = exp(-S_T x).
#include <memory>

#include "fv/FVSystem.h"

namespace td::bench {

/// The benchmark's system on @p mesh (one field per cell) with Soret coefficient @p soret
/// (1/temperature, dimensionless units).
inline std::unique_ptr<FVSystem> soret_benchmark(const Mesh& mesh, double soret) {
  Species sp;
  sp.name = "c";
  sp.D = constant_law(1.0);
  sp.S_T = constant_law(soret);
  sp.initial.uniform = 1.0;
  sp.bc[0] = {Boundary::Type::dirichlet, 1.0, 0.0};
  return std::make_unique<FVSystem>(mesh, linear_temperature(1.0, {1.0, 0.0, 0.0}),
                                    std::vector<Species>{sp});
}

}  // namespace td::bench
