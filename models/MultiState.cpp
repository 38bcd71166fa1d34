#include "models/MultiState.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "core/KeyRegistry.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kStateName{"name", T::String, "", K::dimensionless, Range::any(), {},
                           "state name (unique among all species and states)"};
const ParamSpec kEnergy{"energy", T::Real, "0.0", K::energy, Range::any(), {},
                        "state energy H_i; free energy G_i = H_i - T S_i"};
const ParamSpec kEntropy{"entropy", T::Real, "0.0", K::entropy, Range::any(), {},
                         "state entropy S_i"};
const ParamSpec kFrom{"from", T::String, "", K::dimensionless, Range::any(), {},
                      "state a of the transition a <-> b"};
const ParamSpec kTo{"to", T::String, "", K::dimensionless, Range::any(), {},
                    "state b of the transition a <-> b"};
const ParamSpec kBarrier{"barrier", T::Real, "", K::energy, Range::any(), {},
                         "symmetric barrier B: k_{a->b} = prefactor exp(-(B - G_a)/(kB T))"};
const ParamSpec kPrefactor{"prefactor", T::Real, "", K::frequency, Range::positive(), {},
                           "attempt frequency nu of a barrier transition"};

const KeyDeclaration kStatesKeys(
    {"species.states",
     "",
     "run bd soret",
     "Internal states of a species (`[[species.states]]`; `[[particle.states]]` in "
     "`thermodrift bd`, `[[states]]` in `thermodrift soret`), each with a "
     "`[species.states.diffusivity]` law and an optional `[species.states.soret]` law (default "
     "0). Populations at equilibrium follow the free energies G_i = H_i - T S_i.",
     {&kStateName, &kEnergy, &kEntropy}});
const KeyDeclaration kTransitionKeys(
    {"species.transitions",
     "",
     "run bd",
     "A transition a <-> b between two states (`[[species.transitions]]`, "
     "`[[particle.transitions]]` in `thermodrift bd`): a symmetric `barrier` B with "
     "`prefactor` nu, k_{a->b} = nu exp(-(B - G_a)/(kB T)), or a `[species.transitions.rate]` "
     "law for k_{a->b}. The reverse rate follows from detailed balance with the state free "
     "energies, so no input can break it; a barrier below either state's energy is an error.",
     {&kFrom, &kTo, &kBarrier, &kPrefactor}});

/// ln of sum_i w_i exp(x_i) without overflow.
double log_weights(const std::vector<double>& x, std::vector<double>& p) {
  const double m = *std::max_element(x.begin(), x.end());
  double z = 0.0;
  p.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) z += (p[i] = std::exp(x[i] - m));
  for (auto& v : p) v /= z;
  return m + std::log(z);
}

double mean_D(const StateSet& st, double T) {
  const auto pi = st.populations(T);
  double d = 0.0;
  for (int i = 0; i < st.size(); ++i) d += pi[i] * st.D[i]->value(T);
  return d;
}

}  // namespace

std::vector<double> StateSet::populations(double T) const {
  std::vector<double> x(names.size()), p;
  for (std::size_t i = 0; i < names.size(); ++i) x[i] = -(H[i] - T * S[i]) / (kB * T);
  log_weights(x, p);
  return p;
}

SoretAnalysis analyse_soret(const StateSet& st, double T) {
  SoretAnalysis a;
  a.T = T;
  const auto pi = st.populations(T);
  double dD = 0.0, EH = 0.0, EHD = 0.0;
  for (int i = 0; i < st.size(); ++i) {
    const double D = st.D[i]->value(T);
    a.mean_D += pi[i] * D;
    dD += pi[i] * st.D[i]->derivative(T);
    EH += pi[i] * st.H[i];
    EHD += pi[i] * st.H[i] * D;
  }
  a.mean_E = EH;
  a.S_T_0 = dD / a.mean_D;
  a.S_T_ch = (EHD - EH * a.mean_D) / (a.mean_D * st.kB * T * T);
  a.S_T_cov = a.S_T_0 + a.S_T_ch;
  // Richardson extrapolation of central differences of ln <D>: O(h^4).
  auto central = [&](double h) {
    return (std::log(mean_D(st, T + h)) - std::log(mean_D(st, T - h))) / (2.0 * h);
  };
  const double h = 1e-3 * T;
  a.S_T = (4.0 * central(0.5 * h) - central(h)) / 3.0;
  return a;
}

double local_equilibrium_soret(const StateSet& st, double alpha, double T) {
  const auto pi = st.populations(T);
  double EH = 0.0, meanD = 0.0, num = 0.0;
  for (int i = 0; i < st.size(); ++i) EH += pi[i] * st.H[i];
  for (int i = 0; i < st.size(); ++i) {
    const double D = st.D[i]->value(T);
    const double dpi = pi[i] * (st.H[i] - EH) / (st.kB * T * T);
    meanD += pi[i] * D;
    num += D * dpi + pi[i] * (alpha * st.D[i]->derivative(T) + D * st.S_T[i]->value(T));
  }
  return num / meanD;
}

StateSet read_states(InputSection& species, const std::string& species_name, double kB) {
  StateSet st;
  st.species = species_name;
  st.kB = kB;
  for (auto& s : species.sections("states")) {
    const std::string name = s.string(kStateName);
    if (name.empty() || name.find_first_of(" /.[]+<=>") != std::string::npos)
      s.fail("name", fmt::format("state name '{}' must be non-empty without spaces or any of "
                                 "/.[]+<=>", name));
    if (std::find(st.names.begin(), st.names.end(), name) != st.names.end())
      s.fail("name", fmt::format("state '{}' is listed twice", name));
    st.names.push_back(name);
    st.H.push_back(s.real(kEnergy));
    st.S.push_back(s.real(kEntropy));
    {
      InputSection d = s.section("diffusivity");
      st.D.push_back(make_temperature_law(d, K::diffusivity));
    }
    if (s.has("soret")) {
      InputSection so = s.section("soret");
      st.S_T.push_back(make_temperature_law(so, K::inverse_temperature));
    } else {
      st.S_T.push_back(constant_law(0.0));
    }
    s.finish();
  }
  return st;
}

std::vector<Reaction> read_transitions(InputSection& species, const StateSet& st, int first,
                                       double Tlo, double Thi) {
  std::vector<Reaction> out;
  for (auto& s : species.sections("transitions")) {
    auto index = [&](const ParamSpec& p) {
      const std::string n = s.string(p);
      for (int i = 0; i < st.size(); ++i)
        if (st.names[i] == n) return i;
      s.fail(p.key, fmt::format("unknown state '{}' of species '{}' (states: {})", n, st.species,
                                fmt::join(st.names, ", ")));
    };
    const int a = index(kFrom), b = index(kTo);
    if (a == b) s.fail("to", "a transition needs two different states");
    Reaction r;
    r.kB = st.kB;
    r.text = fmt::format("{} <=> {}", st.names[a], st.names[b]);
    r.reactants = {{first + a, 1}};
    r.products = {{first + b, 1}};
    // K = pi_b / pi_a = exp(-(G_b - G_a)/(kB T)) with G = H - T S
    r.K0 = std::exp((st.S[b] - st.S[a]) / st.kB);
    r.dE = st.H[b] - st.H[a];
    if (s.has("barrier")) {
      const double B = s.real(kBarrier);
      const double nu = s.real(kPrefactor);
      if (B < std::max(st.H[a], st.H[b]))
        s.fail("barrier", fmt::format("barrier {} lies below the energy of state '{}' or '{}' "
                                      "({}, {}): a transition state cannot be lower than its "
                                      "ends", B, st.names[a], st.names[b], st.H[a], st.H[b]));
      r.kf = arrhenius_law(nu * std::exp(-st.S[a] / st.kB), B - st.H[a], st.kB);
    } else {
      if (!s.has("rate"))
        s.fail("", fmt::format("transition {} needs either barrier + prefactor or a [rate] law",
                               r.text));
      InputSection rate = s.section("rate");
      r.kf = make_temperature_law(rate, K::frequency);
    }
    check_temperature_law(*r.kf, Tlo, Thi, false, fmt::format("rate of {}", r.text));
    for (double Tt : {Tlo, Thi})
      if (!(r.kf->value(Tt) >= 0.0) || !std::isfinite(r.kf->value(Tt)))
        s.fail(s.has("barrier") ? "barrier" : "rate",
               fmt::format("rate of {} is {} at T = {} (must be finite and >= 0)", r.text,
                           r.kf->value(Tt), Tt));
    s.finish();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace td
