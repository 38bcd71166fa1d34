// Core response laws and strength caps of the column model, selected by name.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "models/CoreResponse.h"
#include "models/Material.h"

namespace {

using namespace td;

/// Section @p name of a TOML snippet, read in SI.
struct Doc {
  InputSection root;
  explicit Doc(const std::string& text) : root(InputSection::parse_string(text, "laws.toml")) {
    root.set_units(units::UnitSystem::si());
  }
  InputSection get(const std::string& name) { return root.section(name); }
};

TEST(CoreResponse, LinearDragIsForceBalanceOfDistributedFriction) {
  Doc d("[r]\ntype = \"linear_drag\"\nfriction = \"1e14 Pa s/m\"\n");
  auto s = d.get("r");
  const auto law = make_core_response(s);
  const ColumnGeometry g{100e-9, 25e-9, 1e11};
  const double v = law->speed(50e6, g);
  // sigma pi R^2 = zeta (2 pi R L) v
  EXPECT_NEAR(50e6 * std::numbers::pi * g.radius * g.radius,
              1e14 * 2 * std::numbers::pi * g.radius * g.length * v,
              1e-12 * 50e6 * std::numbers::pi * g.radius * g.radius);
  // twice as long: half the speed at the same stress
  EXPECT_NEAR(law->speed(50e6, {200e-9, 25e-9, 1e11}) / v, 0.5, 1e-14);
  EXPECT_DOUBLE_EQ(law->stress_profile(0.25), 0.25);
}

TEST(CoreResponse, PowerLawExponent) {
  Doc d(
      "[r]\ntype = \"power_law\"\nreference_speed = \"50 nm/s\"\nreference_stress = "
      "\"75 MPa\"\nexponent = 3\n");
  auto s = d.get("r");
  const auto law = make_core_response(s);
  const ColumnGeometry g{100e-9, 25e-9, 1e11};
  EXPECT_NEAR(law->speed(75e6, g), 50e-9, 1e-20);
  EXPECT_NEAR(law->speed(150e6, g) / law->speed(75e6, g), 8.0, 1e-12);
  EXPECT_DOUBLE_EQ(law->stress_profile(0.25), 1.0);
}

TEST(StrengthCap, SmallerIsStrongerAndStubbyColumnsDoNotBuckle) {
  const Material cu = material_preset("Cu");
  Doc d("[y]\ntype = \"yield\"\n[b]\ntype = \"buckling\"\n");
  auto ys = d.get("y");
  auto bs = d.get("b");
  const auto yield = make_strength_cap(ys, cu);
  const auto buckle = make_strength_cap(bs, cu);
  const ColumnGeometry ref{115e-9, 0.5 * cu.strength_diameter, cu.youngs_modulus};
  EXPECT_NEAR(yield->strength(ref), cu.strength, 1e-6 * cu.strength);
  const ColumnGeometry thin{115e-9, 0.25 * cu.strength_diameter, cu.youngs_modulus};
  EXPECT_NEAR(yield->strength(thin) / yield->strength(ref), std::pow(2.0, cu.strength_exponent),
              1e-12);
  // Euler: doubling the length quarters the strength; the 115 x 55 nm column of Yang et al. (2026)
  // is far too stubby to buckle before it yields.
  const ColumnGeometry longer{230e-9, ref.radius, ref.youngs_modulus};
  EXPECT_NEAR(buckle->strength(longer) / buckle->strength(ref), 0.25, 1e-12);
  EXPECT_GT(buckle->strength(ref), 10 * yield->strength(ref));
}

TEST(StrengthCap, UnknownTypeListsTheChoices) {
  const Material cu = material_preset("Cu");
  Doc d("[y]\ntype = \"fracture\"\n");
  auto ys = d.get("y");
  try {
    make_strength_cap(ys, cu);
    FAIL();
  } catch (const InputError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("laws.toml:2"), std::string::npos) << w;
    EXPECT_NE(w.find("\"buckling\", \"none\", \"yield\""), std::string::npos) << w;
  }
}

}  // namespace
