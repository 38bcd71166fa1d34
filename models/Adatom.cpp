#include "models/Adatom.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kQ{"heat_of_transport", T::Real, "", K::energy, Range::any(), {},
                   "Q: depth of Phi minima is -Q/(kB T)"};
const ParamSpec kEm{"migration_barrier", T::Real, "", K::energy, Range::non_negative(), {},
                    "E_m: saddle lies E_m above the minima"};
const ParamSpec kA{"lattice_spacing", T::Real, "", K::length, Range::positive(), {},
                   "a: distance between neighbouring minima"};
const ParamSpec kNu{"attempt_frequency", T::Real, "1.0", K::frequency, Range::positive(), {},
                    "nu: prefactor of every hop rate"};
const std::vector<ParamSpec> kAll{kQ, kEm, kA, kNu};
}  // namespace

const std::vector<ParamSpec>& adatom_parameters() { return kAll; }

AdatomParams read_adatom(InputSection& s, double kB) {
  AdatomParams p;
  p.Q = s.real(kQ);
  p.Em = s.real(kEm);
  p.a = s.real(kA);
  p.nu = s.real(kNu);
  p.kB = kB;
  s.finish();
  return p;
}

}  // namespace td
