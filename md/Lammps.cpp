#include "md/Lammps.h"

#define LAMMPS_LIB_MPI
#include <fmt/format.h>
#include <lammps/library.h>

#include <sstream>

#include "core/Error.h"

namespace td::md {

const StyleList& required_styles() {
  static const StyleList kStyles{{"fix", "ehex"},
                                 {"fix", "nvt"},
                                 {"fix", "langevin"},
                                 {"fix", "nve"},
                                 {"fix", "ave/chunk"},
                                 {"fix", "setforce"},
                                 {"fix", "momentum"},
                                 {"compute", "msd"},
                                 {"compute", "chunk/atom"},
                                 {"compute", "temp/region"},
                                 {"compute", "group/group"},
                                 {"pair", "lj/cut"},
                                 {"pair", "eam"}};
  return kStyles;
}

Lammps::Lammps(MPI_Comm comm, const std::string& log_file) : comm_(comm) {
  std::vector<std::string> args{"thermodrift", "-screen", "none",
                                "-nocite",     "-log",    log_file.empty() ? "none" : log_file};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  h_ = lammps_open(static_cast<int>(argv.size()), argv.data(), comm, nullptr);
  if (!h_) throw Error("LAMMPS could not be opened (lammps_open returned null)");
}

Lammps::~Lammps() {
  if (h_) lammps_close(h_);
}

bool Lammps::has_style(const std::string& category, const std::string& name) const {
  return lammps_has_style(h_, category.c_str(), name.c_str()) != 0;
}

void Lammps::require_styles(const StyleList& styles) const {
  std::string missing;
  for (const auto& [cat, name] : styles)
    if (!has_style(cat, name))
      missing += fmt::format("{}{} {}", missing.empty() ? "" : ", ", cat, name);
  if (!missing.empty())
    throw Error(
        fmt::format("the linked LAMMPS (version {}) lacks required style(s): {}. "
                    "Install a LAMMPS library built with the RIGID (fix ehex), MANYBODY "
                    "(pair eam) and MOLECULE packages.",
                    version(), missing));
}

void Lammps::command(const std::string& cmd) { lammps_command(h_, cmd.c_str()); }

void Lammps::commands(const std::string& text) { lammps_commands_string(h_, text.c_str()); }

double Lammps::thermo(const std::string& keyword) const {
  return lammps_get_thermo(h_, keyword.c_str());
}

double Lammps::compute_scalar(const std::string& id) const {
  const auto* p = static_cast<double*>(
      lammps_extract_compute(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR));
  if (!p) throw Error(fmt::format("LAMMPS compute '{}' has no global scalar", id));
  return *p;
}

double Lammps::compute_vector(const std::string& id, int i) const {
  const auto* p = static_cast<double*>(
      lammps_extract_compute(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR));
  if (!p) throw Error(fmt::format("LAMMPS compute '{}' has no global vector", id));
  return p[i];
}

double Lammps::fix_scalar(const std::string& id) const {
  // lammps_extract_fix returns a copy that we release
  auto* p = static_cast<double*>(
      lammps_extract_fix(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR, 0, 0));
  if (!p) throw Error(fmt::format("LAMMPS fix '{}' has no global scalar", id));
  const double v = *p;
  lammps_free(p);
  return v;
}

double Lammps::fix_vector(const std::string& id, int i) const {
  auto* p = static_cast<double*>(
      lammps_extract_fix(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR, i, 0));
  if (!p) throw Error(fmt::format("LAMMPS fix '{}' has no global vector", id));
  const double v = *p;
  lammps_free(p);
  return v;
}

double Lammps::variable(const std::string& name) const {
  auto* p = static_cast<double*>(lammps_extract_variable(h_, name.c_str(), nullptr));
  if (!p) throw Error(fmt::format("LAMMPS variable '{}' is not an equal-style variable", name));
  const double v = *p;
  lammps_free(p);
  return v;
}

long Lammps::natoms() const { return static_cast<long>(lammps_get_natoms(h_)); }

std::vector<double> Lammps::gather(const std::string& name, int count) const {
  std::vector<double> out(static_cast<std::size_t>(natoms()) * count);
  std::string n = name;
  lammps_gather_atoms(h_, n.data(), 1, count, out.data());
  return out;
}

void Lammps::box(double lo[3], double hi[3]) const {
  double xy, yz, xz;
  int pflags[3], boxflag;
  lammps_extract_box(h_, lo, hi, &xy, &yz, &xz, pflags, &boxflag);
}

int Lammps::version() const { return lammps_version(h_); }

}  // namespace td::md
