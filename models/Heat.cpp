#include "models/Heat.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/KeyRegistry.h"
#include "mesh/Mesh.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const char* const kFaces[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};

const ParamSpec kType{"type",
                      T::String,
                      "\"insulated\"",
                      K::dimensionless,
                      Range::any(),
                      {"insulated", "temperature", "flux", "robin"},
                      "heat boundary condition"};
const ParamSpec kFixedT{"value",
                        T::Real,
                        "",
                        K::temperature,
                        Range::positive(),
                        {},
                        "fixed temperature (type temperature) or exterior temperature T_ext "
                        "(type robin)"};
const ParamSpec kFlux{
    "value", T::Real, "", K::heat_flux, Range::any(), {}, "inward heat flux density (type flux)"};
const ParamSpec kCoef{"coefficient",
                      T::Real,
                      "",
                      K::heat_transfer_coefficient,
                      Range::positive(),
                      {},
                      "heat transfer coefficient h: outward flux h (T - T_ext) (type robin)"};

const KeyDeclaration kHeatKeys(
    {"heat",
     "",
     "run",
     "Temperature solved with the species: rho c_p dT/dt = div(kappa(T) grad T) + q, "
     "`[heat.conductivity]` a temperature law for kappa and `[heat.boundary.<face>]` the "
     "faces; `[temperature]` then gives the initial temperature. Diffusivities, Soret "
     "coefficients, boundary splits and reaction rates follow the current temperature; T is "
     "written as the field `T` and checkpointed with the species. Steady runs need a "
     "temperature or Robin face and use Newton-Krylov with finite-difference Jacobian products "
     "(the assembled preconditioner leaves out d(species)/dT); transient runs use CVODE's "
     "Newton-Krylov likewise. The species do not act back on T.",
     {&heat_keys::heat_capacity, &heat_keys::source}});
const KeyDeclaration kHeatFaceKeys(
    {"heat.boundary.<face>",
     "",
     "run kmc bd",
     "Heat boundary condition on one face (`xlo` ... `zhi`; none on periodic axes), also "
     "`[temperature.boundary.<face>]` of the conduction field: `type = \"insulated\"` "
     "(default), `\"temperature\"` (`value`), `\"flux\"` (`value`: inward heat flux density) "
     "or `\"robin\"` (`coefficient` h, `value` T_ext). A steady problem needs at least one "
     "temperature or Robin face.",
     {&kType, &kFixedT, &kFlux, &kCoef}});
}  // namespace

namespace heat_keys {
const ParamSpec heat_capacity{"heat_capacity",
                              T::Real,
                              "",
                              K::volumetric_heat_capacity,
                              Range::positive(),
                              {},
                              "volumetric heat capacity rho c_p"};
const ParamSpec source{"source",
                       T::Real,
                       "0.0",
                       K::power_density,
                       Range::any(),
                       {},
                       "uniform heat source q (power per volume)"};
}  // namespace heat_keys

double HeatModel::face_temperature(const HeatBoundary& b, double TP, double d) const {
  switch (b.type) {
    case HeatBoundary::Type::temperature:
      return b.value;
    case HeatBoundary::Type::robin: {
      const double a = kappa->value(TP) / d;
      return (a * TP + b.h * b.value) / (a + b.h);
    }
    case HeatBoundary::Type::flux: {
      double Tb = TP + b.value * d / kappa->value(TP);
      for (int it = 0; it < 50; ++it) {
        const double step = (kappa->integral(TP, Tb) - b.value * d) / kappa->value(Tb);
        Tb -= step;
        if (std::abs(step) < 1e-14 * std::abs(Tb)) break;
      }
      return Tb;
    }
    default:
      return TP;
  }
}

HeatModel read_heat(InputSection& s, const Mesh& mesh, bool with_capacity) {
  HeatModel hm;
  {
    InputSection k = s.section("conductivity");
    hm.kappa = make_temperature_law(k, K::thermal_conductivity);
  }
  if (with_capacity) {
    hm.rho_cp = s.real(heat_keys::heat_capacity);
    hm.rho_cp_origin = s.location(heat_keys::heat_capacity.key);
  }
  hm.q = s.real(heat_keys::source);
  InputSection b = s.section("boundary", true);
  double sum = 0.0;
  double fixed_lo = std::numeric_limits<double>::infinity(), fixed_hi = -fixed_lo;
  for (int f = 0; f < 6; ++f) {
    const int a = f / 2;
    HeatBoundary& hb = hm.bc[f];
    if (a >= mesh.dim() || mesh.axis(a).periodic) {
      if (b.has(kFaces[f]))
        b.fail(kFaces[f], fmt::format("face {} takes no heat boundary condition ({})", kFaces[f],
                                      a >= mesh.dim() ? "not in this mesh" : "periodic axis"));
      hb.type = a < mesh.dim() ? HeatBoundary::Type::periodic : HeatBoundary::Type::insulated;
      continue;
    }
    InputSection fs = b.section(kFaces[f], true);
    const std::string type = fs.string(kType);
    if (type == "temperature") {
      hb.type = HeatBoundary::Type::temperature;
      hb.value = fs.real(kFixedT);
      sum += hb.value;
      fixed_lo = std::min(fixed_lo, hb.value);
      fixed_hi = std::max(fixed_hi, hb.value);
      ++hm.fixed_faces;
    } else if (type == "flux") {
      hb.type = HeatBoundary::Type::flux;
      hb.value = fs.real(kFlux);
    } else if (type == "robin") {
      hb.type = HeatBoundary::Type::robin;
      hb.h = fs.real(kCoef);
      hb.value = fs.real(kFixedT);
      sum += hb.value;
      fixed_lo = std::min(fixed_lo, hb.value);
      fixed_hi = std::max(fixed_hi, hb.value);
      ++hm.fixed_faces;
    }
    fs.finish();
  }
  b.finish();
  hm.fixed_mean = hm.fixed_faces ? sum / hm.fixed_faces : 0.0;
  // Without sources the temperature stays between the fixed face temperatures (maximum
  // principle), so a conductivity that fails there fails the solve: say so before it starts.
  // The solved range is checked again by the caller.
  if (hm.fixed_faces > 0) check_heat_laws(hm, fixed_lo, fixed_hi);
  return hm;
}

void check_heat_laws(const HeatModel& hm, double Tlo, double Thi) {
  check_temperature_law(*hm.kappa, Tlo, Thi, true, "thermal conductivity");
}

void check_heat_time_scale(const HeatModel& hm, const Mesh& mesh, double Tlo, double Thi) {
  double h_min = std::numeric_limits<double>::infinity();
  for (int a = 0; a < mesh.dim(); ++a)
    for (int i = 0; i < mesh.axis(a).cells(); ++i) h_min = std::min(h_min, mesh.axis(a).width(i));
  double kappa_max = 0.0;
  for (int i = 0; i < kLawCheckPoints; ++i)
    kappa_max = std::max(kappa_max, hm.kappa->value(Tlo + (Thi - Tlo) * i / (kLawCheckPoints - 1)));
  const double rate = kappa_max / (hm.rho_cp * h_min * h_min);
  if (!std::isfinite(rate))
    throw InputError(hm.rho_cp_origin,
                     fmt::format("heat capacity {:g} makes the heat equation's fastest rate "
                                 "kappa / (rho c_p h^2) = {:g} / ({:g} x {:g}^2) overflow; give "
                                 "the volumetric heat capacity in the case's units",
                                 hm.rho_cp, kappa_max, hm.rho_cp, h_min));
}

}  // namespace td
