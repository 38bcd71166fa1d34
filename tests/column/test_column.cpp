// The column model (models/Column.h, column/ColumnDae.h) integrated with IDA: the stall relation
// as the stall identity, zero net circulation at steady state, "longer is slower" with its scaling
// exponent, the strength cap.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "column/ColumnDae.h"
#include "core/Error.h"
#include "core/Units.h"
#include "models/surface_flux_K.h"

namespace {

using namespace td;

/// A Cu column (preset) with the given extra [column] lines and response table.
ColumnParams column(const std::string& extra, const std::string& response,
                    const std::string& strength = "type = \"none\"") {
  const std::string text = fmt::format(
      "[material]\npreset = \"Cu\"\n[column]\nlength = \"100 nm\"\ndiameter = \"50 nm\"\n"
      "T_hot = \"700 K\"\nT_cold = \"600 K\"\n{}\n[column.response]\n{}\n[column.strength]\n{}\n",
      extra, response, strength);
  auto doc = InputSection::parse_string(text, "column.toml");
  return read_column(doc);
}

ColumnNumerics numerics(int cells = 40) {
  ColumnNumerics n;
  n.cells = cells;
  n.rtol = 1e-10;
  n.atol = 1e-14;
  return n;
}

TEST(Column, StallStressIsTheStallRelationWhenTheCoreBarelyMoves) {
  // Very high drag: the flux nearly stops, and sigma_c -> Q ln(T_h / T_c) / Omega.
  const auto p = column("", "type = \"linear_drag\"\nfriction = \"1e22 Pa s/m\"");
  const auto r = run_column(p, numerics());
  const double stall = kernels::stall_stress(p.material.heat_of_transport, p.material.atomic_volume,
                                             p.T_hot, p.T_cold);
  EXPECT_DOUBLE_EQ(r.sigma_stall, stall);
  const double slow = r.speed / r.free_speed;  // how far from a true stall
  ASSERT_LT(slow, 1e-5);
  EXPECT_NEAR(r.sigma_c / stall, 1.0, 5.0 * slow + 1e-7)
      << "sigma_c = " << r.sigma_c << " stall = " << stall;
}

TEST(Column, StallWithDiluteLayerGainsTheEntropicEndTerm) {
  // With C_s Omega = theta < 1 at both ends, integrating the surface flux at zero flux gives
  // Omega sigma_c = Q ln(T_h/T_c) + kB (T_h - T_c) ln(theta).
  const double theta = 0.3;
  const auto p = column(fmt::format("equilibrium_fraction = {}", theta),
                        "type = \"linear_drag\"\nfriction = \"1e22 Pa s/m\"");
  const auto r = run_column(p, numerics());
  const double expect = (p.material.heat_of_transport * std::log(p.T_hot / p.T_cold) +
                         units::kBoltzmann * (p.T_hot - p.T_cold) * std::log(theta)) /
                        p.material.atomic_volume;
  const double slow = r.speed / r.free_speed;
  ASSERT_LT(slow, 1e-5);
  EXPECT_NEAR(r.sigma_c / expect, 1.0, 5.0 * slow + 1e-7);
}

TEST(Column, ZeroNetCirculationAtSteadyState) {
  // What leaves the hot end arrives at the cold interface and returns with the core, for a
  // drag that leaves the column between free running and stall (sigma_c ~ stall / 2).
  for (const char* resp : {"type = \"linear_drag\"\nfriction = \"2e14 Pa s/m\"",
                           "type = \"power_law\"\nreference_speed = \"30 nm/s\"\n"
                           "reference_stress = \"100 MPa\"\nexponent = 3"}) {
    const auto p =
        column("contact_layer_thickness = \"2 nm\"\ncontact_layer_conductivity = 5", resp);
    const auto r = run_column(p, numerics());
    EXPECT_GT(r.sigma_c, 0.05 * r.sigma_stall) << resp;
    EXPECT_LT(r.sigma_c, 0.95 * r.sigma_stall) << resp;
    EXPECT_NEAR(r.rate_in / r.rate_out, 1.0, 1e-8) << resp;
    EXPECT_NEAR(r.rate_core / r.rate_in, 1.0, 1e-8) << resp;
    // the flux is uniform along the surface at steady state
    for (double j : r.j_total) EXPECT_NEAR(j / r.j_total.front(), 1.0, 1e-6) << resp;
  }
}

/// Least-squares slope of log v against log L.
double fitted_exponent(const std::vector<double>& L, const std::vector<double>& v) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(L.size());
  for (std::size_t i = 0; i < L.size(); ++i) {
    const double x = std::log(L[i]), y = std::log(v[i]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

TEST(Column, LongerIsSlowerWithExponentMinusOne) {
  // Linear regime (linear drag, fixed T_h, T_c at the column's ends): transport resistance and
  // drag both grow like L, so v ~ L^-1 exactly.
  const auto base = column("", "type = \"linear_drag\"\nfriction = \"2e14 Pa s/m\"");
  std::vector<double> L{50e-9, 70e-9, 100e-9, 140e-9, 200e-9}, v;
  for (double l : L) v.push_back(run_column(with_sweep_value(base, "length", l), numerics()).speed);
  for (std::size_t i = 0; i + 1 < v.size(); ++i) EXPECT_LT(v[i + 1], v[i]);
  EXPECT_NEAR(fitted_exponent(L, v), -1.0, 1e-5);
  // With a resistive contact layer a longer column takes a larger share of Delta T: still
  // slower, but less than 1/L.
  const auto layered =
      column("contact_layer_thickness = \"5 nm\"\ncontact_layer_conductivity = 1.63",
             "type = \"linear_drag\"\nfriction = \"2e14 Pa s/m\"");
  std::vector<double> w;
  for (double l : L)
    w.push_back(run_column(with_sweep_value(layered, "length", l), numerics()).speed);
  for (std::size_t i = 0; i + 1 < w.size(); ++i) EXPECT_LT(w[i + 1], w[i]);
  const double k = fitted_exponent(L, w);
  EXPECT_GT(k, -1.0);
  EXPECT_LT(k, -0.05);
}

TEST(Column, SpeedConvergesWithTheGrid) {
  // second-order face fluxes: halving h reduces the change in v by about 4
  const auto p = column("", "type = \"linear_drag\"\nfriction = \"2e14 Pa s/m\"");
  const double v10 = run_column(p, numerics(10)).speed, v20 = run_column(p, numerics(20)).speed,
               v40 = run_column(p, numerics(40)).speed;
  const double ratio = std::fabs(v10 - v20) / std::fabs(v20 - v40);
  EXPECT_GT(ratio, 3.5);
  EXPECT_LT(ratio, 4.5);
}

TEST(Column, FreeRunningSpeedMatchesLinearTheory) {
  // Constant D_s, tiny Delta T, negligible drag: the layer stays uniform (C Omega = 1) and
  // j = D_s C Q Delta ln T / (kB T L); the core returns it: v = 2 delta_s Omega j / R.
  const auto p = column("", "type = \"linear_drag\"\nfriction = \"1e9 Pa s/m\"");
  auto q = p;
  q.T_cold = 699.9;
  q.material.Ds_activation = 0.0;
  q.material.Ds_prefactor = 5e-12;
  const auto r = run_column(q, numerics());
  const double Tm = 0.5 * (q.T_hot + q.T_cold), C = 1.0 / q.material.atomic_volume;
  const double j = q.material.Ds_prefactor * C * q.material.heat_of_transport *
                   std::log(q.T_hot / q.T_cold) / (units::kBoltzmann * Tm * q.length);
  const double v = 2.0 * q.material.layer_thickness * q.material.atomic_volume * j / q.radius;
  // corrections are O(Delta T / T) = 1.4e-4
  EXPECT_NEAR(r.speed / v, 1.0, 1e-3);
  EXPECT_NEAR(r.j_total[r.j_total.size() / 2] / j, 1.0, 1e-3);
}

TEST(Column, StrengthCapLimitsTheBackStress) {
  // The stall stress (~356 MPa) exceeds a 150 MPa yield cap: the column flows at the cap.
  const auto p = column("", "type = \"linear_drag\"\nfriction = \"1e22 Pa s/m\"",
                        "type = \"yield\"\nstrength = \"150 MPa\"\nreference_diameter = "
                        "\"50 nm\"\nsize_exponent = 0.6");
  const auto r = run_column(p, numerics());
  EXPECT_DOUBLE_EQ(r.sigma_max, 150e6);
  EXPECT_GT(r.sigma_stall, 2 * 150e6);
  EXPECT_LT(r.sigma_c, 150e6 * 1.05);
  EXPECT_GT(r.sigma_c, 150e6 * 0.9);
  EXPECT_NEAR(r.rate_in / r.rate_out, 1.0, 1e-6);
}

// [column.strength] keys were renamed after the material keys they default to; result files
// and inputs with the old names (reference_diameter, size_exponent) stay valid inputs, and the
// resolved configuration writes the new names.
TEST(Column, OldStrengthKeyNamesAreStillRead) {
  auto read = [](const std::string& strength, std::string* config = nullptr) {
    const std::string text = fmt::format(
        "[material]\npreset = \"Cu\"\n[column]\nlength = \"100 nm\"\ndiameter = \"50 nm\"\n"
        "T_hot = \"700 K\"\nT_cold = \"600 K\"\n[column.response]\nfriction = \"1e22 Pa s/m\"\n"
        "[column.strength]\ntype = \"yield\"\n"
        "strength = \"150 MPa\"\n{}\n",
        strength);
    auto doc = InputSection::parse_string(text, "column.toml");
    const ColumnParams p = read_column(doc);
    doc.finish();
    if (config) *config = doc.resolved().to_toml();
    return p.cap->strength(p.geometry());
  };
  std::string config;
  const double old_names = read("reference_diameter = \"100 nm\"\nsize_exponent = 0.5", &config);
  const double new_names = read("strength_diameter = \"100 nm\"\nstrength_size_exponent = 0.5");
  EXPECT_NEAR(old_names, 150e6 * std::sqrt(2.0), 1e-6);
  EXPECT_EQ(old_names, new_names);
  EXPECT_NE(config.find("strength_diameter = "), std::string::npos) << config;
  EXPECT_NE(config.find("strength_size_exponent = 0.5"), std::string::npos) << config;
  EXPECT_EQ(config.find("reference_diameter ="), std::string::npos) << config;
  // one key under both names is an error at the old name's line
  try {
    read("strength_diameter = \"100 nm\"\nreference_diameter = \"100 nm\"");
    ADD_FAILURE() << "no error for a key given under both names";
  } catch (const InputError& e) {
    EXPECT_NE(
        std::string(e.what()).find("column.toml:14: key 'column.strength.reference_diameter'"),
        std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("old name of 'strength_diameter'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
