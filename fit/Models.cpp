#include "fit/Models.h"

namespace td::fit {

Estimate eastman(Estimate dG_dT, double T, double kB) {
  return {dG_dT.value / (kB * T), dG_dT.sd / (kB * T)};
}

Estimate prigogine(Estimate Ea_solute, Estimate Ea_solvent, double T, double kB) {
  const double s = 1.0 / (kB * T * T);
  return {(Ea_solute.value - Ea_solvent.value) * s, std::hypot(Ea_solute.sd, Ea_solvent.sd) * s};
}

Estimate mass_corrected(Estimate Ea_solute, Estimate Ea_solvent, double M_solute, double M_solvent,
                        double T, double kB) {
  const double s = 1.0 / (kB * T * T);
  const double m = (M_solute - M_solvent) / (M_solute + M_solvent);
  // S = s [(1 + m) E2 - (1 - m) E1]
  return {s * ((1.0 + m) * Ea_solute.value - (1.0 - m) * Ea_solvent.value),
          s * std::hypot((1.0 + m) * Ea_solute.sd, (1.0 - m) * Ea_solvent.sd)};
}

}  // namespace td::fit
