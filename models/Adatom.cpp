#include "models/Adatom.h"

#include <fmt/format.h>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "models/adatom_K.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;
const ParamSpec kQ{"heat_of_transport",
                   T::Real,
                   "",
                   K::energy,
                   Range::any(),
                   {},
                   "Q: depth of Phi minima is -Q/(kB T)"};
const ParamSpec kEm{"migration_barrier",
                    T::Real,
                    "",
                    K::energy,
                    Range::non_negative(),
                    {},
                    "E_m: saddle lies E_m above the minima"};

const ParamSpec kSpacing{"lattice_spacing",
                         T::Real,
                         "",
                         K::length,
                         Range::positive(),
                         {},
                         "a: distance between neighbouring minima"};
const ParamSpec kNu{"attempt_frequency",
                    T::Real,
                    "1.0",
                    K::frequency,
                    Range::positive(),
                    {},
                    "nu: prefactor of every hop rate"};
const ParamSpec kType{"type",           T::String,    "\"analytic\"",
                      K::dimensionless, Range::any(), {},
                      "hop-rate model", {},           &AdatomRatesFactory::names};
const AdatomRatesFactory::Family kAdatomKeys(
    "adatom", kType, "kmc",
    "Hop rates of an adatom on a lattice of minima a apart: transition-state rates "
    "Gamma = nu exp(-[Phi(saddle) - Phi(start)]) in a dimensionless potential Phi(x) = "
    "A(x)/(kB T(x)); `type` selects how Phi is obtained.",
    {&kSpacing, &kNu});

/// Phi = -Q/(kB T) at a minimum, (E_m - Q)/(kB T) at a saddle.
class Analytic : public AdatomRates {
 public:
  explicit Analytic(const AdatomParams& p) : p_(p) {}
  double hop_rate(const Point& from, const Point& saddle,
                  const TemperatureField* T) const override {
    return kernels::adatom_hop_rate(p_.nu, p_.Q, p_.Em, p_.kB, T->T(from), T->T(saddle));
  }
  double site_hop_rate(const Point& from, const Point& saddle, const TemperatureField* T,
                       double E_site) const override {
    return kernels::adatom_site_hop_rate(p_.nu, p_.Q, p_.Em, E_site, p_.kB, T->T(from),
                                         T->T(saddle));
  }
  double lattice_spacing() const override { return p_.a; }
  const AdatomParams* analytic() const override { return &p_; }

  static std::unique_ptr<AdatomRates> create(InputSection& s, double kB) {
    AdatomParams p;
    p.Q = s.real(kQ);
    p.Em = s.real(kEm);
    p.a = s.real(lattice_spacing_param());
    p.nu = s.real(attempt_frequency_param());
    p.kB = kB;
    s.finish();
    return std::make_unique<Analytic>(p);
  }

 private:
  AdatomParams p_;
};

AdatomRatesFactory::Registrar reg("analytic",
                                  "Phi = -Q/(kB T) at a minimum and (E_m - Q)/(kB T) at a saddle, "
                                  "with the heat of transport Q, the migration barrier E_m and "
                                  "the case's `[temperature]` field T(x).",
                                  &Analytic::create, {&kQ, &kEm});

}  // namespace

double AdatomRates::site_hop_rate(const Point& from, const Point& saddle, const TemperatureField* T,
                                  double E_site) const {
  if (E_site != 0.0)
    throw InternalError(
        fmt::format("this adatom rate model has no site energies (got {})", E_site));
  return hop_rate(from, saddle, T);
}

const ParamSpec& lattice_spacing_param() { return kSpacing; }
const ParamSpec& attempt_frequency_param() { return kNu; }

std::unique_ptr<AdatomRates> make_adatom_rates(InputSection& s, double kB) {
  return AdatomRatesFactory::find(s.string(kType))->create(s, kB);
}

std::unique_ptr<AdatomRates> analytic_adatom_rates(const AdatomParams& p) {
  return std::make_unique<Analytic>(p);
}

namespace {

/// D(T) from the adatom kernel, so that the finite-volume and KMC engines share one formula.
class AdatomDiffusivity : public TemperatureLaw {
 public:
  explicit AdatomDiffusivity(const AdatomParams& p) : p_(p) {}
  double value(double T) const override {
    return kernels::adatom_diffusivity(p_.nu, p_.a, p_.Em, p_.kB, T);
  }
  double derivative(double T) const override {
    return kernels::adatom_diffusivity_dT(p_.nu, p_.a, p_.Em, p_.kB, T);
  }
  std::string type() const override { return "adatom_diffusivity"; }

 private:
  AdatomParams p_;
};

/// S_T(T) = Q/(kB T^2) from the adatom kernel; its integral Q/kB (1/T1 - 1/T2) is exact.
class AdatomSoret : public TemperatureLaw {
 public:
  explicit AdatomSoret(const AdatomParams& p) : p_(p) {}
  double value(double T) const override { return kernels::adatom_soret(p_.Q, p_.kB, T); }
  double derivative(double T) const override {
    return -2.0 * kernels::adatom_soret(p_.Q, p_.kB, T) / T;
  }
  double integral(double T1, double T2) const override {
    return p_.Q / p_.kB * (1.0 / T1 - 1.0 / T2);
  }
  std::string type() const override { return "adatom_soret"; }

 private:
  AdatomParams p_;
};

}  // namespace

std::unique_ptr<TemperatureLaw> adatom_diffusivity_law(const AdatomParams& p) {
  return std::make_unique<AdatomDiffusivity>(p);
}

std::unique_ptr<TemperatureLaw> adatom_soret_law(const AdatomParams& p) {
  return std::make_unique<AdatomSoret>(p);
}

}  // namespace td
