/// @file LjMixtureSource.cpp  `[md.system] type = "lj_mixture"`: the built-in LJ binary
/// mixture (solvent type 1, solute type 2) of Araujo-Rocha et al. (2023), inserted at random in
/// a periodic box, LAMMPS `lj` units (the case's LJ units).
#include <fmt/format.h>

#include "md/System.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

// These keys were read from [md] before sources existed: "md.<key>" keeps old inputs working.
const ParamSpec kBox{"box",
                     T::RealArray,
                     "[7.65, 7.65, 50.0]",
                     K::length,
                     Range::positive(),
                     {},
                     "box edges (periodic)",
                     {"md.box"}};
const ParamSpec kNSolvent{"n_solvent",
                          T::Integer,
                          "2048",
                          K::dimensionless,
                          Range::closed(1, 1e8),
                          {},
                          "solvent atoms (type 1)",
                          {"md.n_solvent"}};
const ParamSpec kNSolute{"n_solute",
                         T::Integer,
                         "80",
                         K::dimensionless,
                         Range::closed(1, 1e8),
                         {},
                         "solute atoms (type 2)",
                         {"md.n_solute"}};
const ParamSpec kSoluteEps{"solute_epsilon",
                           T::Real,
                           "1.0",
                           K::energy,
                           Range::positive(),
                           {},
                           "LJ epsilon of solute-solvent and solute-solute pairs",
                           {"md.solute_epsilon"}};
const ParamSpec kSoluteMass{"solute_mass",
                            T::Real,
                            "1.0",
                            K::mass,
                            Range::positive(),
                            {},
                            "solute mass (solvent mass 1)",
                            {"md.solute_mass"}};
const ParamSpec kCutoff{"cutoff",
                        T::Real,
                        "2.5",
                        K::length,
                        Range::closed(1.2, 5.0),
                        {},
                        "LJ cut-off (potential shifted)",
                        {"md.cutoff"}};

/// Number density (sigma^-3) above a dense LJ liquid: random insertion would not relax.
constexpr double kMaxDensity = 1.2;

class LjMixtureSource : public SystemSource {
 public:
  explicit LjMixtureSource(InputSection& s) : SystemSource(lj_source_units(s, "lj_mixture")) {
    const auto b = s.reals(kBox);
    if (b.size() != 3) s.fail("box", fmt::format("expected 3 edges, got {}", b.size()));
    for (int d = 0; d < 3; ++d) box_[d] = b[d];
    n_solvent_ = s.integer(kNSolvent);
    n_solute_ = s.integer(kNSolute);
    solute_epsilon_ = s.real(kSoluteEps);
    solute_mass_ = s.real(kSoluteMass);
    cutoff_ = s.real(kCutoff);
    n_solute_key_ = s.location(kNSolute.key);
    type_key_ = s.location("type");
    const double rho = (n_solvent_ + n_solute_) / (box_[0] * box_[1] * box_[2]);
    if (rho > kMaxDensity)
      s.fail("n_solvent", fmt::format("number density {:.3g} sigma^-3 is above a dense LJ liquid "
                                      "({}): enlarge the box",
                                      rho, kMaxDensity));
  }

  std::string commands(long seed) const override {
    return fmt::format(R"(units lj
atom_style atomic
region box block 0 {0} 0 {1} 0 {2}
create_box 2 box
create_atoms 1 random {3} {5} box
create_atoms 2 random {4} {6} box
mass 1 1.0
mass 2 {7}
group solute type 2
group solvent type 1
pair_style lj/cut {8}
pair_coeff 1 1 1.0 1.0
pair_coeff 1 2 {9} 1.0
pair_coeff 2 2 {9} 1.0
pair_modify shift yes
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
)",
                       box_[0], box_[1], box_[2], n_solvent_, n_solute_, seed, seed + 1,
                       solute_mass_, cutoff_, solute_epsilon_);
  }

  std::array<std::array<double, 2>, 3> box() const override {
    return {{{0, box_[0]}, {0, box_[1]}, {0, box_[2]}}};
  }
  bool minimise() const override { return true; }
  bool serves(Use u) const override { return u == Use::liquid; }
  SoluteCoupling solute_coupling() const override {
    return {"lj/cut", 2, {1}, n_solute_, n_solute_key_, type_key_, "the lj_mixture source"};
  }

 private:
  double box_[3] = {7.65, 7.65, 50.0};
  long n_solvent_ = 2048, n_solute_ = 80;
  double solute_epsilon_ = 1.0, solute_mass_ = 1.0, cutoff_ = 2.5;
  SourceLocation n_solute_key_, type_key_;
};

std::unique_ptr<SystemSource> create(InputSection& s) {
  return std::make_unique<LjMixtureSource>(s);
}
SystemSourceFactory::Registrar reg(
    "lj_mixture",
    "LJ binary mixture of Araujo-Rocha et al. (2023): solvent type 1 (epsilon, sigma, mass 1) "
    "and solute type 2 (`solute_epsilon` with every atom, sigma 1, `solute_mass`), inserted "
    "at random in a periodic box (streams seed, seed + 1) and minimised; LAMMPS `lj` units, so "
    "the case must be in LJ units. Groups: solute = type 2, solvent = type 1.",
    &create, {&kBox, &kNSolvent, &kNSolute, &kSoluteEps, &kSoluteMass, &kCutoff});
}  // namespace

}  // namespace td::md
