#include "models/Reactions.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <sstream>

#include "core/Error.h"
#include "core/KeyRegistry.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kEquation{"equation", T::String, "", K::dimensionless, Range::any(), {},
                          "reaction, e.g. \"2 A <=> A2\" (species or state names)"};
const ParamSpec kK0{"K0", T::Real, "1.0", K::dimensionless, Range::positive(), {},
                    "equilibrium-constant prefactor (concentration^-(Delta n), case units)"};
const ParamSpec kDE{"delta_E", T::Real, "0.0", K::energy, Range::any(), {},
                    "reaction energy: K(T) = K0 exp(-delta_E/(kB T))"};

const KeyDeclaration kReactionKeys(
    {"reactions",
     "",
     "run",
     "A reversible mass-action reaction (`[[reactions]]`), with its forward constant k_f as a "
     "temperature law `[reactions.rate]` (1/time for first order, concentration^(1-order)/time "
     "in case units otherwise). Net rate xi = k_f prod c_r^nu_r - (k_f/K) prod c_p^nu_p; "
     "species s is produced at (nu_s^products - nu_s^reactants) xi. Compositions must balance "
     "(`composition` of a species). Closed cells conserve every amount no reaction changes "
     "(e.g. c_A + 2 c_A2): to round-off in transients, and steady solves keep the amounts of "
     "the initial state.",
     {&kEquation, &kK0, &kDE}});

/// Split "2 A + B" into (coefficient, name) terms.
std::vector<std::pair<int, std::string>> parse_terms(const std::string& side) {
  std::vector<std::pair<int, std::string>> out;
  std::stringstream ss(side);
  std::string term;
  while (std::getline(ss, term, '+')) {
    std::istringstream ts(term);
    std::string a, b, extra;
    ts >> a >> b >> extra;
    if (a.empty()) throw Error(fmt::format("empty term in '{}'", side));
    if (!extra.empty()) throw Error(fmt::format("term '{}' has too many words", term));
    int nu = 1;
    std::string name = a;
    if (!b.empty()) {
      std::size_t used = 0;
      try {
        nu = std::stoi(a, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != a.size() || nu < 1)
        throw Error(fmt::format("coefficient '{}' in '{}' must be a positive integer", a, term));
      name = b;
    } else if (std::isdigit(static_cast<unsigned char>(a[0]))) {
      // "2A": coefficient written without a space
      std::size_t i = 0;
      while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) ++i;
      nu = std::stoi(a.substr(0, i));
      name = a.substr(i);
      if (name.empty() || nu < 1) throw Error(fmt::format("malformed term '{}'", term));
    }
    out.emplace_back(nu, name);
  }
  return out;
}

}  // namespace

int Reaction::order() const {
  int n = 0;
  for (const auto& t : reactants) n += t.nu;
  return n;
}

Composition parse_composition(const std::string& text) {
  Composition c;
  for (const auto& [nu, name] : parse_terms(text)) c[name] += nu;
  return c;
}

void parse_equation(const std::string& eq, const std::vector<std::string>& names, Reaction& r) {
  const auto arrow = eq.find("<=>");
  if (arrow == std::string::npos)
    throw Error(fmt::format("reaction '{}' needs '<=>' (every reaction is reversible; the "
                            "reverse rate follows from K(T))", eq));
  auto side = [&](const std::string& text, std::vector<kernels::StoichTerm>& into) {
    for (const auto& [nu, name] : parse_terms(text)) {
      int idx = -1;
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) idx = static_cast<int>(i);
      if (idx < 0)
        throw Error(fmt::format("unknown species '{}' in reaction '{}' (known: {})", name, eq,
                                fmt::join(names, ", ")));
      bool merged = false;
      for (auto& t : into)
        if (t.species == idx) t.nu += nu, merged = true;
      if (!merged) into.push_back({idx, nu});
    }
  };
  r.text = eq;
  side(eq.substr(0, arrow), r.reactants);
  side(eq.substr(arrow + 3), r.products);
}

Reaction read_reaction(InputSection& s, const std::vector<std::string>& names,
                       const std::vector<Composition>& compositions, double kB, double Tlo,
                       double Thi) {
  Reaction r;
  r.kB = kB;
  const std::string eq = s.string(kEquation);
  try {
    parse_equation(eq, names, r);
  } catch (const Error& e) {
    s.fail("equation", e.what());
  }
  // Mass balance: the elementary content of both sides must agree.
  Composition lhs, rhs;
  for (const auto& t : r.reactants)
    for (const auto& [el, n] : compositions[t.species]) lhs[el] += t.nu * n;
  for (const auto& t : r.products)
    for (const auto& [el, n] : compositions[t.species]) rhs[el] += t.nu * n;
  if (lhs != rhs) {
    auto show = [](const Composition& c) {
      std::string out;
      for (const auto& [el, n] : c) out += fmt::format("{}{} {}", out.empty() ? "" : " + ", n, el);
      return out;
    };
    s.fail("equation", fmt::format("unbalanced stoichiometry in '{}': left side holds {}, right "
                                   "side {} (set a species' composition, e.g. composition = "
                                   "\"2 A\" for a dimer)", eq, show(lhs), show(rhs)));
  }
  r.K0 = s.real(kK0);
  r.dE = s.real(kDE);
  {
    InputSection rate = s.section("rate");
    // First-order constants have a unit (1/time) that converts; higher orders are numbers in
    // the case's units (concentration^(1-order)/time).
    r.kf = make_temperature_law(rate, r.order() == 1 ? K::frequency : K::dimensionless);
  }
  check_temperature_law(*r.kf, Tlo, Thi, false, fmt::format("forward rate constant of '{}'", eq));
  for (double Tt : {Tlo, 0.5 * (Tlo + Thi), Thi}) {
    const double kf = r.kf->value(Tt), Kc = r.K(Tt);
    if (!(kf >= 0.0) || !std::isfinite(kf))
      s.fail("rate", fmt::format("forward rate constant of '{}' is {} at T = {} (must be "
                                 "finite and >= 0 over the case's temperatures [{}, {}])",
                                 eq, kf, Tt, Tlo, Thi));
    if (!(Kc > 0.0) || !std::isfinite(Kc))
      s.fail("K0", fmt::format("equilibrium constant of '{}' is {} at T = {} (must be finite "
                               "and > 0)", eq, Kc, Tt));
  }
  s.finish();
  return r;
}

ReactionNetwork::ReactionNetwork(std::vector<std::string> component_names,
                                 std::vector<Reaction> reactions)
    : names_(std::move(component_names)), rx_(std::move(reactions)) {}

void ReactionNetwork::constants(double T, double* kfkr) const {
  for (std::size_t r = 0; r < rx_.size(); ++r) {
    const double kf = rx_[r].kf->value(T), K = rx_[r].K(T);
    if (!(kf >= 0.0) || !std::isfinite(kf) || !(K > 0.0) || !std::isfinite(K))
      throw Error(fmt::format("reaction '{}' at T = {}: k_f = {}, K = {} (need k_f >= 0 and "
                              "K > 0, finite)", rx_[r].text, T, kf, K));
    kfkr[2 * r] = kf;
    kfkr[2 * r + 1] = kf / K;
  }
}

void ReactionNetwork::production(const double* kfkr, const double* c, double* w,
                                 double* jac) const {
  const int n = ncomponents();
  for (int s = 0; s < n; ++s) w[s] = 0.0;
  std::vector<double> dxi(jac ? n : 0);
  for (std::size_t r = 0; r < rx_.size(); ++r) {
    const Reaction& rx = rx_[r];
    if (jac) std::fill(dxi.begin(), dxi.end(), 0.0);
    const double xi = kernels::net_rate(rx.reactants, rx.products, kfkr[2 * r], kfkr[2 * r + 1],
                                        c, jac ? dxi.data() : nullptr);
    auto apply = [&](const kernels::StoichTerm& t, double sign) {
      w[t.species] += sign * t.nu * xi;
      if (jac)
        for (int j = 0; j < n; ++j) jac[t.species * n + j] += sign * t.nu * dxi[j];
    };
    for (const auto& t : rx.reactants) apply(t, -1.0);
    for (const auto& t : rx.products) apply(t, +1.0);
  }
}

Eigen::MatrixXd ReactionNetwork::stoichiometry() const {
  Eigen::MatrixXd N = Eigen::MatrixXd::Zero(ncomponents(), nreactions());
  for (int r = 0; r < nreactions(); ++r) {
    for (const auto& t : rx_[r].reactants) N(t.species, r) -= t.nu;
    for (const auto& t : rx_[r].products) N(t.species, r) += t.nu;
  }
  return N;
}

Eigen::MatrixXd ReactionNetwork::conserved(const std::vector<bool>& open) const {
  const int n = ncomponents();
  int nopen = 0;
  for (bool o : open) nopen += o ? 1 : 0;
  // W solves [N^T; E_open] w = 0: unchanged by every reaction, no weight on open components.
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(nreactions() + nopen, n);
  A.topRows(nreactions()) = stoichiometry().transpose();
  int row = nreactions();
  for (int s = 0; s < n; ++s)
    if (open[s]) A(row++, s) = 1.0;
  if (A.rows() == 0) return Eigen::MatrixXd::Identity(n, n);
  Eigen::FullPivLU<Eigen::MatrixXd> lu(A);
  Eigen::MatrixXd ker = lu.kernel();
  if (lu.rank() == n) return Eigen::MatrixXd(0, n);
  // Rows of a reduced row-echelon form read best (e.g. monomer equivalents c1 + 2 c2).
  Eigen::MatrixXd W = ker.transpose();
  int lead = 0;
  for (int r = 0; r < W.rows() && lead < n; ++r, ++lead) {
    int piv = r;
    while (lead < n) {
      piv = r;
      for (int i = r; i < W.rows(); ++i)
        if (std::abs(W(i, lead)) > std::abs(W(piv, lead))) piv = i;
      if (std::abs(W(piv, lead)) > 1e-12) break;
      ++lead;
    }
    if (lead == n) break;
    W.row(r).swap(W.row(piv));
    W.row(r) /= W(r, lead);
    for (int i = 0; i < W.rows(); ++i)
      if (i != r) W.row(i) -= W(i, lead) * W.row(r);
  }
  W = W.unaryExpr([](double v) { return std::abs(v) < 1e-12 ? 0.0 : v; });
  return W;
}

}  // namespace td
