/// @file DataFileSource.cpp  `[md.system] type = "data_file"`: a user's system, a LAMMPS data
/// file (read_data) plus a force-field settings file included verbatim (pair, bond, angle
/// styles and coefficients, kspace, constraints), in LAMMPS `lj`, `real` or `metal` units;
/// solute and solvent groups by atom types or molecule ids.
///
/// LAMMPS ends the process on a bad command (md/Lammps.h), so what can be checked before it
/// starts is: both files exist and are readable, the data file's header gives atoms, atom
/// types and the box, the groups name types that exist, and the settings file holds no
/// command that must come before read_data or that would run MD (units, atom_style, ...).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/Paths.h"
#include "md/System.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kDataFile{"data_file",
                          T::String,
                          "",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "LAMMPS data file (read_data), relative to the input file"};
const ParamSpec kSettings{"settings_file",
                          T::String,
                          "",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "force-field commands included after read_data (pair/bond/angle "
                          "styles and coefficients, kspace, fix shake, neighbor), relative to "
                          "the input file"};
const ParamSpec kUnits{"units",
                       T::String,
                       "",
                       K::dimensionless,
                       Range::any(),
                       {"lj", "real", "metal"},
                       "LAMMPS unit style of both files (lj needs [units] system = \"LJ\")"};
const ParamSpec kAtomStyle{"atom_style",
                           T::String,
                           "\"full\"",
                           K::dimensionless,
                           Range::any(),
                           {},
                           "LAMMPS atom_style of the data file"};
const ParamSpec kSolute{"solute",
                        T::String,
                        "",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "solute atoms: \"type I J ...\" or \"molecule I J ...\" (LAMMPS group "
                        "syntax; ids or ranges A:B)"};
const ParamSpec kSolvent{"solvent",
                         T::String,
                         "\"\"",
                         K::dimensionless,
                         Range::any(),
                         {},
                         "solvent atoms, as `solute`; empty: every atom not in the solute"};
const ParamSpec kFrozen{"frozen",
                        T::String,
                        "\"\"",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "slab protocols only: substrate atoms held fixed, as `solute` (the "
                        "adatom or cluster is `solute`, the substrate `solvent`); empty: none"};
const ParamSpec kDof{"dof_per_atom",
                     T::Real,
                     "3.0",
                     K::dimensionless,
                     Range::closed(0.5, 3.0),
                     {},
                     "mean kinetic degrees of freedom per atom after constraints (rigid "
                     "three-site water: 2), for the per-bin temperatures of the profiles"};
const ParamSpec kMinimise{"minimize",
                          T::Bool,
                          "false",
                          K::dimensionless,
                          Range::any(),
                          {},
                          "minimise the energy before the dynamics"};

/// Commands a settings file must not hold: they must precede read_data, replace the system,
/// or run MD outside the protocol.
const char* const kRefused[] = {"units",     "atom_style",   "dimension",  "boundary",
                                "read_data", "read_restart", "create_box", "clear",
                                "run",       "minimize",     "rerun"};

/// A constraint fix: `fix ID GROUP shake|rattle ...`.
const std::regex kConstraintFix(R"(^\s*fix\s+\S+\s+\S+\s+(shake|rattle)\b)");

/// A group definition: "type ..." or "molecule ..." followed by ids or ranges A:B.
const std::regex kGroupSyntax(R"(^(type|molecule)(\s+[0-9]+(:[0-9]+)?)+$)");

/// Data-file section headers: the header ends at the first of these.
const std::regex kSection(
    R"(^(Atoms|Velocities|Masses|Bonds|Angles|Dihedrals|Impropers|Ellipsoids|Lines|Triangles|Bodies|[A-Za-z]+ Coeffs)\b)");

/// The atom types of a group key's value "type I J A:B ..." (ranges expanded); empty for
/// "molecule ...".
std::vector<int> group_types(const std::string& g) {
  std::vector<int> out;
  if (g.rfind("type", 0) != 0) return out;
  std::istringstream w(g.substr(4));
  std::string id;
  while (w >> id) {
    const auto colon = id.find(':');
    const int lo = std::stoi(id.substr(0, colon));
    const int hi = colon == std::string::npos ? lo : std::stoi(id.substr(colon + 1));
    for (int t = lo; t <= hi; ++t) out.push_back(t);
  }
  return out;
}

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

/// A file an input names: absolute (so that in.lammps replays from anywhere), readable.
std::string input_file(InputSection& s, const ParamSpec& p) {
  const std::string given = s.string(p);
  const std::filesystem::path path = std::filesystem::absolute(input_path(s, given));
  if (!std::ifstream(path)) s.fail(p.key, fmt::format("cannot read {}", path.string()));
  if (path.string().find('"') != std::string::npos)
    s.fail(p.key, "a path with a double quote cannot be passed to LAMMPS");
  return path.lexically_normal().string();
}

class DataFileSource : public SystemSource {
 public:
  explicit DataFileSource(InputSection& s) : SystemSource(style(s)) {
    data_ = input_file(s, kDataFile);
    settings_ = input_file(s, kSettings);
    atom_style_ = s.string(kAtomStyle);
    read_header(s);
    check_settings(s);
    solute_ = group(s, kSolute);
    solvent_ = s.string(kSolvent).empty() ? "" : group(s, kSolvent);
    frozen_ = s.string(kFrozen).empty() ? "" : group(s, kFrozen);
    minimise_ = s.boolean(kMinimise);
    // LAMMPS (29 Sep 2021) ends with "Fix shake cannot be used with minimization"
    if (minimise_ && constraint_line_ > 0)
      s.fail("minimize",
             fmt::format("{}:{}: LAMMPS cannot minimise with fix shake/rattle defined; set "
                         "minimize = false (a strong Langevin damping relaxes the start)",
                         settings_, constraint_line_));
    dof_ = s.real(kDof);
    solute_key_ = s.location(kSolute.key);
    solvent_key_ = s.location(kSolvent.key);
    settings_key_ = s.location(kSettings.key);
  }

  std::string commands(long /*seed: the data file holds the configuration*/) const override {
    return fmt::format(
        R"(units {}
atom_style {}
read_data {}
include {}
group solute {}
{}
{})",
        units().style(), atom_style_, quoted(data_), quoted(settings_), solute_,
        solvent_.empty() ? "group solvent subtract all solute" : "group solvent " + solvent_,
        frozen_.empty() ? "" : "group frozen " + frozen_ + "\n");
  }

  std::array<std::array<double, 2>, 3> box() const override { return box_; }
  bool minimise() const override { return minimise_; }
  bool constrained() const override { return constraint_line_ > 0; }
  double dof_per_atom() const override { return dof_; }
  bool has_frozen() const override { return !frozen_.empty(); }

  SoluteCoupling solute_coupling() const override {
    SoluteCoupling c;
    c.solute_key = solute_key_;
    c.pair_key = settings_key_;
    c.pair_origin = pair_line_ > 0 ? fmt::format("{}:{}", settings_, pair_line_) : settings_;
    c.pair_style = pair_style_;
    const auto solute = group_types(solute_);
    if (solute.size() != 1)
      throw InputError(solute_key_, fmt::format("\"{}\": coupling the solute in and out needs "
                                                "it to be atoms of one type (\"type I\")",
                                                solute_));
    c.solute_type = solute[0];
    if (solvent_.empty()) {
      for (int t = 1; t <= ntypes_; ++t)
        if (t != c.solute_type) c.solvent_types.push_back(t);
    } else {
      c.solvent_types = group_types(solvent_);
      if (c.solvent_types.empty())
        throw InputError(solvent_key_, fmt::format("\"{}\": coupling the solute in and out "
                                                   "needs the solvent by atom types",
                                                   solvent_));
    }
    return c;
  }

 private:
  static LammpsUnits style(InputSection& s) {
    const std::string u = s.string(kUnits);
    try {
      return LammpsUnits(u, s.units());
    } catch (const Error& e) {
      s.fail("units", e.what());
    }
  }

  /// Atoms, atom types and box bounds from the data file's header.
  void read_header(InputSection& s) {
    std::ifstream in(data_);
    std::string line;
    bool seen[3] = {false, false, false};
    std::getline(in, line);  // the first line is a title
    while (std::getline(in, line)) {
      const std::string body = line.substr(0, line.find('#'));
      if (std::regex_search(body, kSection)) break;
      std::istringstream w(body);
      double a = 0, b = 0;
      std::string k1, k2;
      if (!(w >> a)) continue;
      if (w >> b >> k1 >> k2) {
        for (int d = 0; d < 3; ++d)
          if (k1 == fmt::format("{}lo", "xyz"[d]) && k2 == fmt::format("{}hi", "xyz"[d])) {
            box_[d] = {a, b};
            seen[d] = true;
          }
        continue;
      }
      std::istringstream w2(body);
      w2 >> a >> k1 >> k2;
      if (k1 == "atoms") natoms_ = static_cast<long>(a);
      if (k1 == "atom" && k2 == "types") ntypes_ = static_cast<long>(a);
    }
    if (natoms_ <= 0 || ntypes_ <= 0 || !(seen[0] && seen[1] && seen[2]))
      s.fail("data_file", fmt::format("{}: the header does not give atoms, atom types and "
                                      "xlo xhi, ylo yhi, zlo zhi (LAMMPS read_data format)",
                                      data_));
  }

  /// Refused commands (named with file:line) and the constraint fix, of which LAMMPS fix ehex
  /// supports one.
  void check_settings(InputSection& s) {
    std::ifstream in(settings_);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      const std::string body = line.substr(0, line.find('#'));
      std::istringstream w(body);
      std::string cmd;
      if (!(w >> cmd)) continue;
      if (std::regex_search(body, kConstraintFix)) {
        if (constraint_line_ > 0)
          s.fail("settings_file",
                 fmt::format("{}:{}: a second fix shake/rattle (the first at line {}); LAMMPS "
                             "fix ehex supports one: put all constraints in one fix",
                             settings_, n, constraint_line_));
        constraint_line_ = n;
      }
      if (cmd == "pair_style") {
        w >> pair_style_;
        pair_line_ = n;
      }
      for (const char* r : kRefused)
        if (cmd == r)
          s.fail("settings_file",
                 fmt::format("{}:{}: `{}` cannot be in the settings file (units and atom_style "
                             "are keys of [md.system]; the protocol creates the system and "
                             "runs the MD)",
                             settings_, n, cmd));
    }
  }

  /// A group key, checked: LAMMPS syntax, type ids within the data file's atom types.
  std::string group(InputSection& s, const ParamSpec& p) const {
    const std::string g = s.string(p);
    if (!std::regex_match(g, kGroupSyntax))
      s.fail(p.key, fmt::format("\"{}\" is not \"type I J ...\" or \"molecule I J ...\" (ids or "
                                "ranges A:B)",
                                g));
    if (g.rfind("type", 0) == 0) {
      std::istringstream w(g.substr(4));
      std::string id;
      while (w >> id) {
        const long hi =
            std::stol(id.substr(id.find(':') == std::string::npos ? 0 : id.find(':') + 1));
        if (hi < 1 || hi > ntypes_)
          s.fail(p.key, fmt::format("atom type {} is not in 1..{} (the data file's atom types)", hi,
                                    ntypes_));
      }
    }
    return g;
  }

  std::string data_, settings_, atom_style_, solute_, solvent_, frozen_;
  long natoms_ = 0, ntypes_ = 0;
  int constraint_line_ = 0;  ///< line of the fix shake/rattle in the settings file, 0: none
  std::string pair_style_;   ///< the settings file's (last) pair_style
  int pair_line_ = 0;        ///< its line, 0: none
  SourceLocation solute_key_, solvent_key_, settings_key_;
  double dof_ = 3.0;
  std::array<std::array<double, 2>, 3> box_{};
  bool minimise_ = false;
};

std::unique_ptr<SystemSource> create(InputSection& s) {
  return std::make_unique<DataFileSource>(s);
}
SystemSourceFactory::Registrar reg(
    "data_file",
    "A user's system: a LAMMPS data file (`read_data`) and a settings file of force-field "
    "commands included verbatim after it (pair/bond/angle styles and coefficients, kspace, "
    "fix shake, neighbor), both relative to the input file, in the LAMMPS unit style `units` "
    "(`lj` needs LJ case units; `real`, `metal` are converted from the case's units through "
    "the unit module). `solute` and `solvent` select atoms by type or molecule id. The "
    "settings file may not hold units, atom_style, dimension, boundary, read_data, "
    "read_restart, create_box, clear, run, minimize or rerun. A `fix shake` or `fix rattle` in "
    "it (at most one) makes eHEX rescale whole constrained clusters (`constrain com`); "
    "`dof_per_atom` gives the per-bin temperatures of constrained molecules. For the slab "
    "protocols `solute` is the adatom or cluster, `solvent` the substrate and `frozen` the "
    "substrate atoms held fixed.",
    &create,
    {&kDataFile, &kSettings, &kUnits, &kAtomStyle, &kSolute, &kSolvent, &kFrozen, &kMinimise,
     &kDof});
}  // namespace

}  // namespace td::md
