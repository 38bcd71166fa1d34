// Kernels of the thermo-mechanical surface flux and the stall relation of Yang et al. (2026)
// (docs/theory.md#surface-flux); material presets.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/Units.h"
#include "models/Material.h"
#include "models/surface_flux_K.h"

namespace {

using namespace td;
using namespace td::kernels;

const SurfaceConstants kCu{units::kBoltzmann, 0.17 * units::kElementaryCharge, 1.18e-29};

TEST(SurfaceFlux, PartsMatchTheirDefinitions) {
  // Each part alone: a temperature step, a stress step, a concentration step.
  const double h = 2e-9, C = 1.0 / kCu.Omega;
  const SurfacePoint P{700.0, C, 1e6}, Q{650.0, 0.8 * C, 3e6};
  const auto d = surface_drive(kCu, P, Q, h);
  EXPECT_NEAR(d.thermal, -kCu.Q * std::log(650.0 / 700.0) / h, 1e-12 * std::fabs(d.thermal));
  EXPECT_NEAR(d.stress, -kCu.Omega * 2e6 / h, 1e-12 * std::fabs(d.stress));
  EXPECT_NEAR(d.entropic, -kCu.kB * 650.0 * std::log(0.8) / h, 1e-12 * std::fabs(d.entropic));
  EXPECT_GT(d.thermal, 0.0);   // hot -> cold
  EXPECT_LT(d.stress, 0.0);    // against rising compression
  EXPECT_GT(d.entropic, 0.0);  // down the concentration gradient
  const double mob = surface_mobility(kCu.kB, C, 4.92e-12, 675.0);
  const auto j = surface_flux(mob, d);
  EXPECT_DOUBLE_EQ(j.total(), mob * d.total());
}

TEST(SurfaceFlux, LogMeanMakesEntropicFluxFickian) {
  // At uniform T, C_f kB T (ln C_Q - ln C_P)/h must equal kB T (C_Q - C_P)/h exactly.
  const double T = 600.0, h = 1e-9;
  for (double r : {1.0 + 1e-9, 1.0 + 1e-4, 1.3, 4.0, 0.2}) {
    const double a = 0.7 / kCu.Omega, b = r * a;
    const double Cf = log_mean(a, b);
    const double ent = surface_drive(kCu, {T, a, 0}, {T, b, 0}, h).entropic;
    EXPECT_NEAR(Cf * ent, -kCu.kB * T * (b - a) / h, 1e-9 * kCu.kB * T * a / h) << r;
  }
}

TEST(SurfaceFlux, StallRelationIsTheZeroFluxStateAlongAnyProfile) {
  // sigma(x) = Q ln(T_h / T(x)) / Omega with C Omega = 1 makes every face drive vanish, for
  // any temperature profile: the stall relation is the stall state of the surface flux.
  const double Th = 1300.0;
  std::vector<double> T{1300.0, 1210.0, 1170.0, 1000.0, 930.0, 800.0};
  for (std::size_t i = 0; i + 1 < T.size(); ++i) {
    const SurfacePoint P{T[i], 1.0 / kCu.Omega, stall_stress(kCu.Q, kCu.Omega, Th, T[i])};
    const SurfacePoint Q{T[i + 1], 1.0 / kCu.Omega, stall_stress(kCu.Q, kCu.Omega, Th, T[i + 1])};
    const auto d = surface_drive(kCu, P, Q, 1e-9);
    EXPECT_NEAR(d.total(), 0.0, 1e-12 * std::fabs(d.thermal)) << i;
  }
}

TEST(SurfaceFlux, StallRelationBothDirectionsAreInverse) {
  for (double Th : {400.0, 673.15, 1300.0})
    for (double s : {1e6, 75e6, 1e9}) {
      const double Tc = stall_cold_temperature(kCu.Q, kCu.Omega, Th, s);
      EXPECT_LT(Tc, Th);
      EXPECT_NEAR(stall_stress(kCu.Q, kCu.Omega, Th, Tc), s, 1e-10 * s);
    }
  // Yang et al.'s scaling remark: Q ~ 0.1 eV, Omega ~ 10 A^3, Delta ln T ~ 0.1 -> 10^2 MPa.
  const double s = 0.1 * units::kElementaryCharge * 0.1 / 10e-30;
  EXPECT_GT(s, 1e8);
  EXPECT_LT(s, 1e9);
}

TEST(MaterialPreset, CopperLoadsWithSourcesAndOverrides) {
  const Material cu = material_preset("Cu");
  EXPECT_EQ(cu.name, "Cu");
  EXPECT_DOUBLE_EQ(cu.atomic_volume, 1.18e-29);
  EXPECT_NEAR(cu.heat_of_transport, 0.17 * units::kElementaryCharge, 1e-30);
  // the preset is anchored at Yang et al.'s extrapolated D_s(673 K) = 4.92e-12 m^2/s
  EXPECT_NEAR(cu.surface_diffusivity(673.15), 4.92e-12, 1e-4 * 4.92e-12);
  auto doc = InputSection::parse_string(
      "[material]\npreset = \"Cu\"\nheat_of_transport = \"0.3 eV\"\n", "m.toml");
  doc.set_units(units::UnitSystem::si());
  auto s = doc.section("material");
  const Material m = read_material(s);
  EXPECT_NEAR(m.heat_of_transport, 0.3 * units::kElementaryCharge, 1e-30);
  EXPECT_DOUBLE_EQ(m.atomic_volume, cu.atomic_volume);
  for (const char* name : {"Ag", "Al"}) EXPECT_GT(material_preset(name).atomic_volume, 0.0);
}

TEST(MaterialPreset, BadValueNamesFileLineKey) {
  auto doc = InputSection::parse_string(
      "[material]\npreset = \"Cu\"\natomic_volume = \"-1e-29 m^3\"\n", "m.toml");
  doc.set_units(units::UnitSystem::si());
  auto s = doc.section("material");
  try {
    read_material(s);
    FAIL() << "negative atomic volume accepted";
  } catch (const InputError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("m.toml:3"), std::string::npos) << w;
    EXPECT_NE(w.find("material.atomic_volume"), std::string::npos) << w;
    EXPECT_NE(w.find("(0, inf)"), std::string::npos) << w;
  }
  auto doc2 = InputSection::parse_string("[material]\npreset = \"Unobtainium\"\n", "m.toml");
  doc2.set_units(units::UnitSystem::si());
  auto s2 = doc2.section("material");
  EXPECT_THROW(read_material(s2), InputError);
}

}  // namespace
