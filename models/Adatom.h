#pragma once
/// @file Adatom.h  Hop rates of an adatom: a rate model chosen by
/// `[adatom] type = "..."` and registered by name (one file per model). "analytic" builds the
/// landscape from the heat of transport Q, migration barrier E_m and T(x)
/// (models/adatom_K.h); "phi_table" reads a tabulated Phi(x) (models/AdatomPhiTable.cpp).
#include <memory>

#include "core/Factory.h"
#include "core/Input.h"
#include "models/TemperatureField.h"
#include "models/TemperatureLaw.h"

namespace td {

struct AdatomParams {
  double Q = 0.0;   ///< heat of transport (energy)
  double Em = 0.0;  ///< migration barrier (energy)
  double a = 1.0;   ///< lattice spacing (length)
  double nu = 1.0;  ///< attempt frequency (1/time)
  double kB = 1.0;  ///< Boltzmann constant in the case's units (energy/temperature)
};

/// Transition-state hop rates Gamma = nu exp(-[Phi(saddle) - Phi(start)]) of one landscape.
class AdatomRates {
 public:
  virtual ~AdatomRates() = default;
  /// Rate (1/time) of the hop from the minimum at @p from over the saddle at @p saddle
  /// (length coordinates). @p T is the case's temperature field, null for models that do not
  /// need one.
  virtual double hop_rate(const Point& from, const Point& saddle,
                          const TemperatureField* T) const = 0;
  /// As hop_rate, from a minimum lying @p E_site above the landscape's minima (energy; the hcp
  /// hollows of an FCC(111) surface) over the same saddle. Models without site energies
  /// accept only E_site = 0 (they describe 1D chains, max_dim() == 1).
  virtual double site_hop_rate(const Point& from, const Point& saddle, const TemperatureField* T,
                               double E_site) const;
  /// Distance a between neighbouring minima (length).
  virtual double lattice_spacing() const = 0;
  /// Whether the case must give a [temperature] table (else it must not).
  virtual bool needs_temperature() const { return true; }
  /// Largest lattice dimension the landscape describes.
  virtual int max_dim() const { return 2; }
  /// Q, E_m, nu of an analytic landscape (drift laws, Fokker-Planck equation), or null.
  virtual const AdatomParams* analytic() const { return nullptr; }
  /// Check that the landscape covers x in [@p lo, @p hi] (length); fail on @p s otherwise.
  virtual void check_extent(double lo, double hi, const InputSection& s) const {
    (void)lo;
    (void)hi;
    (void)s;
  }
};

/// Keys every rate model has: `lattice_spacing` a (length) and `attempt_frequency` nu
/// (1/time, default 1).
const ParamSpec& lattice_spacing_param();
const ParamSpec& attempt_frequency_param();

/// Creators receive the [adatom] table and kB (energy/temperature); they call finish().
using AdatomRatesFactory = Factory<AdatomRates, InputSection&, double>;

/// Read the rate model of an [adatom] table (key `type`, default "analytic").
std::unique_ptr<AdatomRates> make_adatom_rates(InputSection& s, double kB);

/// The analytic model for given parameters (programmatic use: benchmarks, tests).
std::unique_ptr<AdatomRates> analytic_adatom_rates(const AdatomParams& p);

/// D(T) of the hopping adatom along one lattice axis, kernels::adatom_diffusivity
/// (length^2/time): the law the Fokker-Planck set-up gives the finite-volume solver.
std::unique_ptr<TemperatureLaw> adatom_diffusivity_law(const AdatomParams& p);
/// S_T(T) = Q/(kB T^2), kernels::adatom_soret (1/temperature).
std::unique_ptr<TemperatureLaw> adatom_soret_law(const AdatomParams& p);

}  // namespace td
