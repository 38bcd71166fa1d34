// The unit module reproduces the conversion tables of docs/theory.md#units by computing them
// from (sigma, epsilon, m); the figures below are the values reported by Roux and Combe
// (2023) and Araujo-Rocha et al. (2023), compared to the number of digits the papers print.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/Units.h"
#include "tests/support/run_cli.h"

namespace {

using namespace td::units;

/// |a - b| within half a unit in the last printed digit of @p reported.
void expect_digits(double computed, double reported, double last_digit) {
  EXPECT_NEAR(computed, reported, 0.5 * last_digit) << "computed " << computed;
}

TEST(Units, CopperTableOfRouxCombe2023) {
  const auto cu = UnitSystem::lj(*lj_preset("copper"));
  const Dim T = dim_of(Kind::temperature), G = dim_of(Kind::temperature_gradient),
            E = dim_of(Kind::energy), t = dim_of(Kind::time), L = dim_of(Kind::length);
  expect_digits(cu.to_si(0.3, T), 1412.4, 0.1);
  expect_digits(cu.to_si(0.05, T), 235.4, 0.1);
  expect_digits(cu.to_si(0.0038, G) * 1e-9, 76.5, 0.1);     // K/nm
  expect_digits(cu.to_si(0.0027, G) * 1e-9, 54.37, 0.01);
  expect_digits(cu.to_si(1.9, E) / kElementaryCharge, 0.77, 0.01);
  expect_digits(cu.to_si(0.23, E) / kElementaryCharge, 0.09, 0.01);
  expect_digits(cu.to_si(25000, t) * 1e9, 7.45, 0.01);     // ns
  expect_digits(cu.to_si(44.9, L) * 1e9, 10.5, 0.1);       // nm
}

TEST(Units, ArgonTableOfAraujoRocha2023) {
  const auto ar = UnitSystem::lj(*lj_preset("argon"));
  const Dim T = dim_of(Kind::temperature), P = dim_of(Kind::pressure),
            t = dim_of(Kind::time), L = dim_of(Kind::length);
  expect_digits(ar.to_si(1.0, T), 119.8, 0.1);
  // The paper's 107.82..131.78 K are 0.9 and 1.1 times its rounded 119.8 K, so they carry
  // that rounding (+-0.05 K) scaled by 0.9 and 1.1, not the last printed digit.
  expect_digits(ar.to_si(0.9, T), 107.82, 0.9 * 0.1);
  expect_digits(ar.to_si(1.1, T), 131.78, 1.1 * 0.1);
  EXPECT_NEAR(0.9 * 119.8, 107.82, 1e-9);
  expect_digits(ar.to_si(0.8, P) * 1e-6, 33.52, 0.01);
  expect_digits(ar.to_si(0.2, T), 23.96, 0.01);
  // The paper's 2.180 ns and 9.534 Angstrom do not follow from its parameters.
  expect_digits(ar.to_si(1000, t) * 1e9, 2.156, 0.001);
  expect_digits(ar.to_si(2.5, L) * 1e10, 8.51, 0.01);
  EXPECT_GT(std::abs(ar.to_si(1000, t) * 1e9 - 2.180), 0.02);
}

TEST(Units, RoundTripAndConsistency) {
  const auto ar = UnitSystem::lj(*lj_preset("argon"));
  for (Kind k : all_kinds()) {
    const Dim d = dim_of(k);
    EXPECT_NEAR(ar.from_si(ar.to_si(0.731, d), d), 0.731, 1e-14) << name_of(k);
  }
  // derived units follow from the base ones: D* = sigma^2/tau, P* = epsilon/sigma^3
  const auto& p = ar.lj_parameters();
  EXPECT_NEAR(ar.scale(dim_of(Kind::diffusivity)), p.sigma * p.sigma / p.tau(), 1e-25);
  EXPECT_NEAR(ar.scale(dim_of(Kind::pressure)) / (p.epsilon / std::pow(p.sigma, 3)), 1.0, 1e-14);
  // k_B T* = epsilon at T* = 1
  EXPECT_NEAR(ar.to_si(1.0, dim_of(Kind::temperature)) * kBoltzmann / p.epsilon, 1.0, 1e-14);
}

TEST(Units, ParsingAndDimensionErrors) {
  const auto si = UnitSystem::si();
  EXPECT_NEAR(parse_in("76.5 K/nm", dim_of(Kind::temperature_gradient), si), 76.5e9, 1e-3);
  EXPECT_NEAR(parse_in("0.2381 kcal/mol", dim_of(Kind::energy), si), 0.2381 * 4184 / kAvogadro,
              1e-30);
  EXPECT_NEAR(parse_in("25 degC", dim_of(Kind::temperature), si), 298.15, 1e-12);
  EXPECT_NEAR(parse_in("1e-9 m^2/s", dim_of(Kind::diffusivity), si), 1e-9, 1e-24);
  EXPECT_THROW(parse_in("1 eV", dim_of(Kind::length), si), td::Error);
  EXPECT_THROW(parse_in("1 furlong", dim_of(Kind::length), si), td::Error);
  EXPECT_THROW(parse_in("abc", dim_of(Kind::length), si), td::Error);
}

TEST(UnitsCli, JsonConversionBothWays) {
  auto r = td::test::run_cli(
      "units --lj copper --kind temperature_gradient --value 0.0038 --unit K/nm --json");
  ASSERT_EQ(r.status, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_NEAR(j["to"]["value"].get<double>(), 76.5, 0.05);
  EXPECT_EQ(j["to"]["unit"], "K/nm");

  r = td::test::run_cli("units --lj copper --kind energy --from si --value '0.77 eV' --json");
  ASSERT_EQ(r.status, 0) << r.output;
  j = nlohmann::json::parse(r.output);
  EXPECT_NEAR(j["to"]["value"].get<double>(), 1.9, 0.005);

  // a custom set equal to the argon preset gives the same figures
  r = td::test::run_cli("units --sigma '3.405 Angstrom' --epsilon '0.2381 kcal/mol' "
                        "--mass '39.94 u' --kind pressure --value 0.8 --unit MPa --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NEAR(nlohmann::json::parse(r.output)["to"]["value"].get<double>(), 33.52, 0.005);
}

TEST(UnitsCli, BadArgumentsFailClearly) {
  auto r = td::test::run_cli("units --lj copper --kind length --value 1 --unit eV");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--unit 'eV' is not a unit of length"), std::string::npos) << r.output;
  r = td::test::run_cli("units --lj neon --kind length --value 1");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("unknown preset 'neon'"), std::string::npos) << r.output;
  r = td::test::run_cli("units --sigma '-1 nm' --epsilon '1 eV' --mass '1 u' --kind length --value 1");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("must be positive"), std::string::npos) << r.output;
}

}  // namespace

TEST(Units, MicroSignsCelsiusDifferencesAndDerivedUnitsParse) {
  using namespace td::units;
  // micro sign, Greek mu and "u" are the same micro
  EXPECT_DOUBLE_EQ(parse_quantity("3 \u00b5m").value, 3e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("3 \u03bcm").value, 3e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("3 um").value, 3e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("2 \u00b5s").value, 2e-6);
  // Celsius: absolute alone, a difference inside a compound unit
  EXPECT_DOUBLE_EQ(parse_quantity("25 degC").value, 298.15);
  EXPECT_DOUBLE_EQ(parse_quantity("25 \u00b0C").value, 298.15);
  const Quantity g = parse_quantity("20 degC/mm");
  EXPECT_DOUBLE_EQ(g.value, 2e4);
  EXPECT_TRUE(g.dim == dim_of(Kind::temperature_gradient));
  EXPECT_DOUBLE_EQ(parse_quantity("1.5 kW").value, 1500.0);
  EXPECT_TRUE(parse_quantity("1 W/m^2").dim == dim_of(Kind::heat_flux));
  EXPECT_TRUE(parse_quantity("400 W/(m K)").dim == dim_of(Kind::thermal_conductivity));
  EXPECT_THROW(parse_quantity("3 \u00b5x"), td::Error);
  // SI labels read as a reader expects
  const UnitSystem si = UnitSystem::si();
  EXPECT_EQ(si.label(dim_of(Kind::heat_flux)), "W/m^2");
  EXPECT_EQ(si.label(dim_of(Kind::thermal_conductivity)), "W/(m K)");
  EXPECT_EQ(si.label(dim_of(Kind::volumetric_heat_capacity)), "J/(m^3 K)");
  EXPECT_EQ(si.label(dim_of(Kind::drag_coefficient)), "Pa s/m");
  // every SI prefix on every prefixable unit; exact symbols first ("u", "min")
  EXPECT_DOUBLE_EQ(parse_quantity("5 pN").value, 5e-12);
  EXPECT_DOUBLE_EQ(parse_quantity("2 kDa").value, 2e3 * kAtomicMassUnit);
  EXPECT_DOUBLE_EQ(parse_quantity("3 GPa").value, 3e9);
  EXPECT_DOUBLE_EQ(parse_quantity("4 mK").value, 4e-3);
  EXPECT_DOUBLE_EQ(parse_quantity("1 u").value, kAtomicMassUnit);
  EXPECT_DOUBLE_EQ(parse_quantity("2 min").value, 120.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1 keV").value, 1e3 * kElementaryCharge);
  EXPECT_DOUBLE_EQ(parse_quantity("7 \u00b5W").value, 7e-6);
  EXPECT_THROW(parse_quantity("1 kAngstrom"), td::Error);  // not prefixable
  // LJ labels in the fewest factors of epsilon, kB, m, sigma, tau
  const UnitSystem lj = UnitSystem::lj(*lj_preset("argon"));
  EXPECT_EQ(lj.label(dim_of(Kind::temperature)), "epsilon/kB");
  EXPECT_EQ(lj.label(dim_of(Kind::energy)), "epsilon");
  EXPECT_EQ(lj.label(dim_of(Kind::heat_flux)), "epsilon/(sigma^2 tau)");
  EXPECT_EQ(lj.label(dim_of(Kind::power)), "epsilon/tau");
  EXPECT_EQ(lj.label(dim_of(Kind::thermal_conductivity)), "kB/(sigma tau)");
  EXPECT_EQ(lj.label(dim_of(Kind::specific_heat)), "kB/m");
  EXPECT_EQ(lj.label(dim_of(Kind::mass_density)), "m/sigma^3");
  EXPECT_EQ(lj.label(dim_of(Kind::diffusivity)), "sigma^2/tau");
  EXPECT_EQ(lj.label(dim_of(Kind::temperature_gradient)), "epsilon/(kB sigma)");
}

TEST(Units, LjResultFilesRecordTheParameterSetInSi) {
  using namespace td::units;
  EXPECT_TRUE(unit_attributes(UnitSystem::si()).empty());
  const LJParameters ar = *lj_preset("argon");
  const auto attrs = unit_attributes(UnitSystem::lj(ar));
  ASSERT_EQ(attrs.size(), 4u);
  EXPECT_EQ(attrs[0].first, "lj_sigma_m");
  EXPECT_DOUBLE_EQ(attrs[0].second, 3.405e-10);
  EXPECT_EQ(attrs[3].first, "lj_tau_s");
  EXPECT_NEAR(attrs[3].second, ar.sigma * std::sqrt(ar.mass / ar.epsilon), 1e-25);
}
