/// @file AdatomFits.cpp  Heat of transport Q and migration barrier E_m of an adatom
/// (the transition-state landscape of the adatom rate model "analytic"):
///  - `type = "adatom_phi"`: from the thermodynamic potential Phi(x0) of constrained-adatom
///    integration along a linear T(x) (model fit::AdatomPhiLinear), with the slope of the
///    Phi minima against 1/T beside it;
///  - `type = "adatom_drift"`: from drift velocities against the gradient with the law of the
///    data (model fit::AdatomDriftLaw), writing only what the data identify.
/// Energies in the input's units; Q and E_m pairs with their covariance.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "fit/FitTask.h"
#include "fit/Models.h"

namespace td::fit {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kA{"lattice_spacing",
                   T::Real,
                   "",
                   K::length,
                   Range::positive(),
                   {},
                   "distance a between neighbouring adsorption minima along x"};
const ParamSpec kTref{
    "T_ref", T::Real, "", K::temperature, Range::positive(), {}, "temperature at x_ref"};
const ParamSpec kGradient{"gradient",
                          T::Real,
                          "",
                          K::temperature_gradient,
                          Range::any(),
                          {},
                          "dT/dx of the substrate (linear profile)"};
const ParamSpec kXref{"x_ref", T::Real, "0.0", K::length, Range::any(), {}, "position of T_ref"};
const ParamSpec kPhiName = name_spec("adatom");
const ParamSpec kDriftName = name_spec("drift");
const XyKeys kPhiData =
    xy_keys(K::length, K::dimensionless, "constraint positions x0", "Phi(x0) (dimensionless)");
const XyKeys kDriftData =
    xy_keys(K::temperature_gradient, K::velocity, "temperature gradients", "mean drift velocities");

/// Store Q and E_m (parameters iq, iq+1 of @p r) and their covariance.
void store_q_em(FitContext& ctx, const FitResult& r, std::size_t iq, const TaskCommon& c,
                const std::string& method, const std::string& src,
                const std::vector<double>& boot) {
  const std::string nq = "Q_" + c.name, ne = "E_m_" + c.name;
  ctx.params.add(to_parameter(r, iq, nq, K::energy, method, src, boot));
  ctx.params.add(to_parameter(r, iq + 1, ne, K::energy, method, src, boot));
  ctx.params.covariances.push_back(
      {c.name,
       {nq, ne},
       {{r.cov(iq, iq), r.cov(iq, iq + 1)}, {r.cov(iq + 1, iq), r.cov(iq + 1, iq + 1)}}});
}

const ParamSpec kHarmonic{"harmonic_log_term",
                          T::Bool,
                          "false",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "add the -2 ln T(x) of the harmonic estimate Phi_min = -V0/(2 kB T) - "
                          "2 ln T to the model (and to the minima line)"};

/// Distinct phases x/a mod 1 below which the windows cannot separate the oscillation from the
/// slope: with one or two phases cos(2 pi x/a) and sin(2 pi x/a) take at most two values
/// (+-c, +-s), which are a multiple of the 1/T term and of each other.
constexpr std::size_t kMinPhases = 3;
/// Two phases (fractions of a period) closer than this count as one.
constexpr double kPhaseTolerance = 1e-6;

/// Number of distinct phases x/a mod 1 of @p x.
std::size_t distinct_phases(const std::vector<double>& x, double a) {
  std::vector<double> f;
  for (double v : x) {
    const double r = v / a - std::floor(v / a);
    f.push_back(r > 1.0 - kPhaseTolerance ? 0.0 : r);
  }
  std::sort(f.begin(), f.end());
  return static_cast<std::size_t>(
      std::unique(f.begin(), f.end(),
                  [](double u, double w) { return std::abs(u - w) <= kPhaseTolerance; }) -
      f.begin());
}

/// `adatom_phi`: the joint fit of Phi(x0) (AdatomPhiLinear, reported as C, Q, E_m >= 0 and
/// x_m in [0, a)) and, beside it, the slope of the Phi minima against 1/T.
class AdatomPhiFit : public FitTask {
 public:
  explicit AdatomPhiFit(InputSection& s) {
    common_.read(s, kPhiName);
    m_.kB = s.units().kB();
    m_.a = s.real(kA);
    m_.T0 = s.real(kTref);
    m_.G = s.real(kGradient);
    m_.x_ref = s.real(kXref);
    m_.harmonic_log_term = s.boolean(kHarmonic);
    std::tie(data_, src_) = read_xy(s, kPhiData);
    const std::string data_key = s.has(kPhiData.file) ? kPhiData.file.key : kPhiData.x.key;
    for (double x : data_.x)
      if (!(m_.temperature(x) > 0))
        s.fail("gradient", fmt::format("T(x) <= 0 at x = {} inside the data", x));
    const std::size_t phases = distinct_phases(data_.x, m_.a);
    if (phases < kMinPhases)
      s.fail(data_key,
             fmt::format("the {} positions x0 sample only {} phase(s) of the lattice period "
                         "a = {:g} (their spacings are multiples of a/{}): cos(2 pi x0/a) then "
                         "takes the same value(s) at every window, so the oscillation (E_m) "
                         "cannot be told from the slope in 1/T (Q) and the fit would alias. "
                         "Space the windows incommensurately with a (e.g. 0.2 a apart)",
                         data_.size(), phases, m_.a, phases));
  }

  void run(FitContext& ctx) override {
    auto fit = [this](const Data& d, FitPass pass) {
      return physical(fit_curve(m_, d, {0.0, 0.0, 0.0, 0.0}, {"C", "P", "A", "B"},
                                "adatom_phi " + common_.name, pass));
    };
    const FitResult r = fit(data_, FitPass::main);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(data_, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    const std::string form =
        std::string("Phi(x0) = C - Q/(kB T) + E_m/(kB T) (1 - cos(2 pi (x0 - x_m)/a))/2") +
        (m_.harmonic_log_term ? " - 2 ln T" : "");
    store_q_em(ctx, r, 1, common_,
               "joint fit of " + form +
                   ", E_m >= 0 (modulus of the oscillation), Ceres, "
                   "covariance",
               src_, boot);
    report_fit(ctx.json, data_, r, [&](double x) {
      const double th = 6.283185307179586 * (x - r.p[3]) / m_.a;
      const double Tx = m_.temperature(x);
      return r.p[0] - r.p[1] / (m_.kB * Tx) + r.p[2] / (m_.kB * Tx) * (1.0 - std::cos(th)) / 2 -
             (m_.harmonic_log_term ? 2.0 * std::log(Tx) : 0.0);
    });
    ctx.json["x_m"] = {r.p[3], r.se(3)};
    ctx.json["xlabel"] = "x0";
    ctx.json["ylabel"] = "Phi";
    minima_estimate(ctx, r.p[3]);
  }

 private:
  /// (C, P, A, B) to (C, Q, E_m, x_m) with the covariance by first-order propagation;
  /// x_m is normalised into [0, a).
  FitResult physical(const FitResult& lin) const {
    const double A = lin.p[2], B = lin.p[3], E = std::hypot(A, B);
    if (!(E > 0))
      throw SolverError(
          fmt::format("adatom_phi {}: Phi does not oscillate with the lattice "
                      "period (fitted amplitude 0): E_m cannot be fitted",
                      common_.name));
    const double k = m_.a / 6.283185307179586;
    double xm = k * std::atan2(B, A);
    xm -= m_.a * std::floor(xm / m_.a);
    FitResult r = lin;
    r.names = {"C", "Q", "E_m", "x_m"};
    r.p = {lin.p[0], lin.p[1] + E / 2, E, xm};
    Eigen::Matrix4d J = Eigen::Matrix4d::Zero();
    J(0, 0) = 1;
    J(1, 1) = 1;
    J(1, 2) = A / (2 * E);
    J(1, 3) = B / (2 * E);
    J(2, 2) = A / E;
    J(2, 3) = B / E;
    J(3, 2) = -k * B / (E * E);
    J(3, 3) = k * A / (E * E);
    r.cov = J * lin.cov * J.transpose();
    return r;
  }

  /// The simple estimate beside the joint fit: in each lattice period whose lowest sampled
  /// point lies within a/4 of the fitted minimum x_m + k a, that point's Phi (+ 2 ln T with
  /// the harmonic term) against 1/(kB T) is a line of slope -Q. Written as Q_minima_<name>
  /// when three or more minima are sampled.
  void minima_estimate(FitContext& ctx, double xm) const {
    std::map<long, std::size_t> lowest;
    for (std::size_t i = 0; i < data_.size(); ++i) {
      const long k = std::lround((data_.x[i] - xm) / m_.a);
      const auto it = lowest.find(k);
      if (it == lowest.end() || data_.y[i] < data_.y[it->second]) lowest[k] = i;
    }
    Data line;
    for (const auto& [k, i] : lowest) {
      if (std::abs(data_.x[i] - xm - static_cast<double>(k) * m_.a) > m_.a / 4) continue;
      const double Tx = m_.temperature(data_.x[i]);
      line.x.push_back(1.0 / (m_.kB * Tx));
      line.y.push_back(data_.y[i] + (m_.harmonic_log_term ? 2.0 * std::log(Tx) : 0.0));
      if (!data_.sigma.empty()) line.sigma.push_back(data_.sigma[i]);
    }
    ctx.json["minima_inverse_kT"] = line.x;
    ctx.json["minima_phi"] = line.y;
    if (line.size() < 3) {
      ctx.json["Q_minima"] =
          fmt::format("not available: {} sampled minima (3 needed)", line.size());
      return;
    }
    FitResult l = fit_line(line, "adatom_phi minima " + common_.name);
    l.p[1] = -l.p[1];
    ctx.params.add(to_parameter(
        l, 1, "Q_minima_" + common_.name, K::energy,
        fmt::format("slope of the Phi minima{} against 1/(kB T) ({} minima, the lowest sampled "
                    "point of each period; beside the joint fit Q_{})",
                    m_.harmonic_log_term ? " + 2 ln T" : "", line.size(), common_.name),
        src_, {}));
    ctx.json["Q_minima"] = {l.p[1], l.se(1)};
  }

  AdatomPhiLinear m_;
  Data data_;
  std::string src_;
};

const ParamSpec kLaw{"law",
                     T::String,
                     "\"particle_velocity\"",
                     K::dimensionless,
                     Range::any(),
                     {"particle_velocity", "net_exchange"},
                     "which velocity the data are: the mean velocity of one particle, or the "
                     "flux law V (net exchange over one saddle)"};
const ParamSpec kOrder{"order",
                       T::String,
                       "\"exact\"",
                       K::dimensionless,
                       Range::any(),
                       {"exact", "first"},
                       "particle_velocity: the exact lattice rate difference a (Gamma+ - "
                       "Gamma-) or its first order V + dD/dx"};
const ParamSpec kTemperatureColumn{
    "temperature_column",
    T::String,
    "\"\"",
    K::dimensionless,
    Range::any(),
    {},
    "column of the temperature of each point (file data; instead of temperature)"};
const ParamSpec kNu{"attempt_frequency",
                    T::Real,
                    "",
                    K::frequency,
                    Range::positive(),
                    {},
                    "nu, known: D(T) = a^2 nu exp(-E_m/(kB T)) (instead of diffusivity; "
                    "data at two or more temperatures)"};
const ParamSpec kFitParameters{
    "fit_parameters",
    T::String,
    "\"identified\"",
    K::dimensionless,
    Range::any(),
    {"identified", "Q_minus_E_m", "Q_and_E_m"},
    "what to fit: what the data identify, Q - E_m, or Q and E_m each (an error where the data "
    "cannot fix them)"};
const ParamSpec kMigrationBarrier{
    "migration_barrier",
    T::String,
    "\"\"",
    K::dimensionless,
    Range::any(),
    {},
    "name of an E_m fitted by an earlier [[fit]] (adatom_phi, arrhenius E_a): with one "
    "temperature and a particle law, Q = (Q - E_m) + E_m is written too"};
const ParamSpec kDriftTemperature{"temperature",
                                  T::RealArray,
                                  "",
                                  K::temperature,
                                  Range::positive(),
                                  {},
                                  "temperature of the points: one value for all, or one per "
                                  "point (inline data)"};
const ParamSpec kDiffusivityAtT{"diffusivity",
                                T::Real,
                                "",
                                K::diffusivity,
                                Range::positive(),
                                {},
                                "adatom diffusion coefficient D at the one temperature of the "
                                "data (instead of attempt_frequency)"};

/// Number of distinct values of @p v (relative tolerance 1e-12).
std::size_t distinct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return static_cast<std::size_t>(
      std::unique(v.begin(), v.end(),
                  [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); }) -
      v.begin());
}

/// `adatom_drift`: drift velocities v(G, T) fitted with the law of their kind; the parameters
/// are those the data identify (see the registration's description).
class AdatomDriftFit : public FitTask {
 public:
  explicit AdatomDriftFit(InputSection& s) {
    common_.read(s, kDriftName);
    m_.kB = s.units().kB();
    m_.a = s.real(kA);
    const bool particle = s.string(kLaw) == "particle_velocity";
    const std::string order = s.string(kOrder);
    if (!particle && s.has(kOrder))
      s.fail(kOrder.key,
             "net_exchange is the first-order flux law V of Roux and Combe (2023); "
             "order applies to law = \"particle_velocity\"");
    m_.law = !particle          ? DriftLaw::net_exchange
             : order == "exact" ? DriftLaw::particle_exact
                                : DriftLaw::particle_first_order;
    std::tie(data_, src_) = read_xy(s, kDriftData);
    read_temperatures(s);
    if (s.has(kDiffusivityAtT) == s.has(kNu))
      s.fail(kDiffusivityAtT.key,
             "give exactly one of diffusivity (D at the one temperature of the data) and "
             "attempt_frequency (D(T) = a^2 nu exp(-E_m/(kB T)), data at several temperatures)");
    const std::size_t nT = distinct(data_.x2);
    if (s.has(kDiffusivityAtT)) {
      m_.D = s.real(kDiffusivityAtT);
      if (nT > 1)
        s.fail(kDiffusivityAtT.key,
               fmt::format("one D for data at {} temperatures: give attempt_frequency instead "
                           "(D(T) = a^2 nu exp(-E_m/(kB T)))",
                           nT));
    } else {
      m_.nu = s.real(kNu);
      if (nT < 2)
        s.fail(kNu.key,
               "with attempt_frequency the data must span two or more temperatures: at one "
               "temperature the drift fixes only D(T) times (Q - E_m) (first order), not E_m; "
               "give diffusivity to fit Q - E_m there");
    }
    const std::string want = s.string(kFitParameters);
    if (want == "Q_and_E_m" && !m_.fits_q_and_em())
      s.fail(kFitParameters.key,
             "at one temperature with D given, the mean velocity of a particle depends on Q and "
             "E_m only through Q - E_m (D fixes E_m's Arrhenius factor): the data cannot fix Q "
             "and E_m each. Fit Q - E_m (fit_parameters = \"identified\"), name an E_m fitted "
             "elsewhere (migration_barrier), or give velocities at several temperatures with "
             "attempt_frequency");
    only_difference_ = want == "Q_minus_E_m";
    barrier_ = s.string(kMigrationBarrier);
    barrier_at_ = s.location(kMigrationBarrier.key);
    if (!barrier_.empty() && m_.fits_q_and_em())
      s.fail(kMigrationBarrier.key,
             "these data fix E_m themselves: migration_barrier is for a particle law at one "
             "temperature with D given");
    for (std::size_t i = 0; i < data_.size(); ++i)
      if (!(std::abs(data_.x[i]) * m_.a / 2 < data_.x2[i]))
        s.fail(s.has(kDriftData.file) ? kDriftData.file.key : kDriftData.x.key,
               fmt::format("point {}: |G| a/2 = {:g} reaches T = {:g} (a saddle at T <= 0)", i,
                           std::abs(data_.x[i]) * m_.a / 2, data_.x2[i]));
  }

  void run(FitContext& ctx) override {
    const bool both = m_.fits_q_and_em();
    const std::vector<double> p0 = start();
    const std::vector<std::string> names =
        both ? std::vector<std::string>{"Q", "E_m"} : std::vector<std::string>{"Q_minus_E_m"};
    auto fit = [this, &p0, &names](const Data& d, FitPass pass) {
      return fit_curve(m_, d, p0, names, "adatom_drift " + common_.name, pass);
    };
    const FitResult r = fit(data_, FitPass::main);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(data_, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    const std::string method = describe();
    // Q and E_m where fitted (unless only their difference was asked for); the difference
    // for a particle law (the combination its drift fixes best) or when asked for
    if (both && !only_difference_) store_q_em(ctx, r, 0, common_, method, src_, boot);
    if (m_.law != DriftLaw::net_exchange || only_difference_)
      store_difference(ctx, r, method, boot);
    report_fit(ctx.json, data_, r,
               distinct(data_.x2) == 1 ? std::function<double(double)>([&](double g) {
                 return m_(g, data_.x2.front(), r.p.data());
               })
                                       : std::function<double(double)>());
    ctx.json["temperature"] = data_.x2;
    ctx.json["law"] = method;
    ctx.json["xlabel"] = "dT/dx";
    ctx.json["ylabel"] = "v";
  }

 private:
  /// Temperatures of the points into data_.x2: one value or one per point (inline), or a
  /// column of the data file.
  void read_temperatures(InputSection& s) {
    const std::string col = s.string(kTemperatureColumn);
    if (!col.empty()) {
      if (!s.has(kDriftData.file))
        s.fail(kTemperatureColumn.key, "temperature_column needs file data (key file)");
      if (s.has(kDriftTemperature))
        s.fail(kDriftTemperature.key, "give temperature or temperature_column, not both");
      data_.x2 = read_column(s, kDriftData.file, kTemperatureColumn);
      for (double t : data_.x2)
        if (!(t > 0)) s.fail(kTemperatureColumn.key, fmt::format("temperature {} <= 0", t));
      return;
    }
    const std::vector<double> t = s.reals(kDriftTemperature);
    if (t.size() == 1)
      data_.x2.assign(data_.size(), t.front());
    else if (t.size() == data_.size())
      data_.x2 = t;
    else
      s.fail(kDriftTemperature.key,
             fmt::format("{} temperatures for {} points: give one, or one per point", t.size(),
                         data_.size()));
  }

  /// Start from the first-order law: -v kB T^2/(G D) = (Q - E_m) (particle) or Q (net
  /// exchange); with nu known, ln of it against 1/(kB T) is a line of slope -E_m.
  std::vector<double> start() const {
    Data lin;
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < data_.size(); ++i) {
      const double T = data_.x2[i], G = data_.x[i];
      if (G == 0.0) continue;  // no drift to learn from
      const double D = m_.nu > 0 ? m_.a * m_.a * m_.nu : m_.D;
      const double c = -data_.y[i] * m_.kB * T * T / (G * D);
      sum += c;
      ++n;
      if (m_.nu > 0 && c > 0) {
        lin.x.push_back(1.0 / (m_.kB * T));
        lin.y.push_back(std::log(c));
      }
    }
    if (n == 0)
      throw SolverError(
          fmt::format("adatom_drift {}: every gradient is 0: no drift to fit", common_.name));
    const double mean = sum / static_cast<double>(n);
    if (m_.nu <= 0) return m_.fits_q_and_em() ? std::vector<double>{mean, 0.0} : std::vector{mean};
    if (distinct(lin.x) < 2)
      throw SolverError(
          fmt::format("adatom_drift {}: fewer than two temperatures with a drift "
                      "towards the cold side to start the fit from",
                      common_.name));
    // closed-form least-squares line (a start value only; two points suffice)
    double mx = 0, my = 0, sxy = 0, sxx = 0;
    const double m = static_cast<double>(lin.size());
    for (std::size_t i = 0; i < lin.size(); ++i) mx += lin.x[i] / m, my += lin.y[i] / m;
    for (std::size_t i = 0; i < lin.size(); ++i) {
      sxy += (lin.x[i] - mx) * (lin.y[i] - my);
      sxx += (lin.x[i] - mx) * (lin.x[i] - mx);
    }
    const double em = -sxy / sxx, lead = std::exp(my + em * mx);
    // lead is Q - E_m for a particle, Q for the net exchange
    return {m_.law == DriftLaw::net_exchange ? lead : lead + em, em};
  }

  std::string describe() const {
    const std::string d = m_.nu > 0 ? "D(T) = a^2 nu exp(-E_m/(kB T)), nu given"
                                    : "D given at the one temperature of the data";
    switch (m_.law) {
      case DriftLaw::particle_exact:
        return "mean velocity of one particle, exact lattice rate difference a (Gamma+ - "
               "Gamma-), " +
               d + (m_.nu > 0 ? "" : ": fixes Q - E_m only");
      case DriftLaw::particle_first_order:
        return "mean velocity of one particle, first order V + dD/dx = -D (Q - E_m) G/(kB T^2), " +
               d + (m_.nu > 0 ? "" : ": fixes Q - E_m only");
      case DriftLaw::net_exchange:
        break;
    }
    return "net exchange over one saddle, V = -D exp(-a (Q - E_m) G/(2 kB T^2)) Q G/(kB T^2), " + d;
  }

  /// Write Q_minus_E_m_<name> (and, with migration_barrier, Q_<name>).
  void store_difference(FitContext& ctx, const FitResult& r, const std::string& method,
                        const std::vector<double>& boot) const {
    FitResult d = r;
    std::vector<double> bd = boot;
    if (m_.fits_q_and_em()) {
      // Q - E_m from (Q, E_m): value and variance of the difference
      d.p = {r.p[0] - r.p[1]};
      d.cov = Eigen::MatrixXd::Constant(1, 1, r.cov(0, 0) + r.cov(1, 1) - 2.0 * r.cov(0, 1));
      bd.clear();
    }
    const std::string nd = "Q_minus_E_m_" + common_.name;
    ctx.params.add(to_parameter(d, 0, nd, K::energy, method, src_, bd));
    ctx.json["Q_minus_E_m"] = {d.p[0], d.se(0)};
    if (barrier_.empty()) return;
    const FittedParameter& em =
        earlier_parameter(ctx.params, barrier_, K::energy, barrier_at_,
                          "fit E_m in an earlier [[fit]], e.g. adatom_phi or arrhenius");
    FittedParameter q;
    q.name = "Q_" + common_.name;
    q.kind = K::energy;
    q.value = d.p[0] + em.value;
    q.uncertainty = std::hypot(d.se(0), em.uncertainty);
    q.method = fmt::format("(Q - E_m) from this fit + E_m = {} from '{}' (independent errors)",
                           em.value, barrier_);
    q.source = src_;
    ctx.params.add(q);
  }

  AdatomDriftLaw m_;
  Data data_;
  std::string src_, barrier_;
  SourceLocation barrier_at_;
  bool only_difference_ = false;
};

std::unique_ptr<FitTask> create_phi(InputSection& s) { return std::make_unique<AdatomPhiFit>(s); }
std::unique_ptr<FitTask> create_drift(InputSection& s) {
  return std::make_unique<AdatomDriftFit>(s);
}
FitTaskFactory::Registrar reg1(
    "adatom_phi",
    "Q and E_m of an adatom from the potential Phi(x0) of constrained-adatom thermodynamic "
    "integration along a linear T(x): Phi(x0) = C - Q/(kB T) + E_m/(kB T) (1 - cos(2 pi "
    "(x0 - x_m)/a))/2 (optionally - 2 ln T, `harmonic_log_term`), fitted with E_m >= 0 by "
    "construction and x_m in [0, a); positions that sample fewer than three phases of the "
    "period a are refused (they alias). Writes Q_<name> and E_m_<name> with their covariance "
    "and, beside them, Q_minima_<name>: the slope of the sampled Phi minima against 1/(kB T).",
    &create_phi,
    key_registry::join({{&kPhiName, &kA, &kTref, &kGradient, &kXref, &kHarmonic}, kPhiData.all()}));
FitTaskFactory::Registrar reg2(
    "adatom_drift",
    "Heat of transport from adatom drift velocities v against the temperature gradient G, with "
    "the law of the data (`law`): the mean velocity of one particle (default; exact lattice "
    "rate difference, or its first order V + dD/dx = -D (Q - E_m) G/(kB T^2)) or the flux law "
    "V = -D exp(-a (Q - E_m) G/(2 kB T^2)) Q G/(kB T^2) (net exchange over one saddle). Only "
    "what the data identify is written: a particle's drift at one temperature with D given "
    "fixes Q - E_m (Q_minus_E_m_<name>; Q_<name> too with an E_m fitted elsewhere, "
    "`migration_barrier`); over several temperatures with `attempt_frequency` it fixes Q_<name> "
    "and E_m_<name> (with their covariance) each.",
    &create_drift,
    key_registry::join({{&kDriftName, &kA, &kLaw, &kOrder, &kDriftTemperature, &kTemperatureColumn,
                         &kDiffusivityAtT, &kNu, &kFitParameters, &kMigrationBarrier},
                        kDriftData.all()}));
}  // namespace

}  // namespace td::fit
