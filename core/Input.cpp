#include "core/Input.h"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "core/KeyRegistry.h"
#include "core/Limits.h"
#include "core/Paths.h"

namespace td {

bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string Range::str() const {
  auto num = [](double x) {
    if (std::isinf(x)) return std::string(x > 0 ? "inf" : "-inf");
    return fmt::format("{:g}", x);
  };
  return fmt::format("{}{}, {}{}", lo_open || std::isinf(lo) ? '(' : '[', num(lo), num(hi),
                     hi_open || std::isinf(hi) ? ')' : ']');
}

// ---------------------------------------------------------------------------------------
void ConfigTree::set(const std::string& key, const std::string& literal,
                     const std::string& comment) {
  for (auto& e : entries_)
    if (e->key == key && !e->table && !e->is_array) {
      e->literal = literal;
      e->comment = comment;
      return;
    }
  auto e = std::make_shared<Entry>();
  e->key = key;
  e->literal = literal;
  e->comment = comment;
  entries_.push_back(std::move(e));
}

ConfigTree& ConfigTree::child(const std::string& key) {
  for (auto& e : entries_)
    if (e->key == key && e->table) return *e->table;
  auto e = std::make_shared<Entry>();
  e->key = key;
  e->table = std::make_unique<ConfigTree>();
  entries_.push_back(e);
  return *e->table;
}

ConfigTree& ConfigTree::append(const std::string& key) {
  for (auto& e : entries_)
    if (e->key == key && e->is_array) {
      e->array.push_back(std::make_unique<ConfigTree>());
      return *e->array.back();
    }
  auto e = std::make_shared<Entry>();
  e->key = key;
  e->is_array = true;
  e->array.push_back(std::make_unique<ConfigTree>());
  entries_.push_back(e);
  return *e->array.back();
}

void ConfigTree::emit(std::string& out, const std::string& prefix) const {
  for (const auto& e : entries_) {
    if (e->table || e->is_array) continue;
    out += fmt::format("{} = {}", e->key, e->literal);
    if (!e->comment.empty()) out += "  # " + e->comment;
    out += "\n";
  }
  for (const auto& e : entries_) {
    const std::string full = prefix.empty() ? e->key : prefix + "." + e->key;
    if (e->table) {
      out += fmt::format("\n[{}]\n", full);
      e->table->emit(out, full);
    } else if (e->is_array) {
      for (const auto& t : e->array) {
        out += fmt::format("\n[[{}]]\n", full);
        t->emit(out, full);
      }
    }
  }
}

std::string ConfigTree::to_toml() const {
  std::string out;
  emit(out, "");
  return out;
}

// ---------------------------------------------------------------------------------------
namespace {

/// Line of @p v as toml11 finds it (0 for a value built in code), by counting newlines.
int line_of(const toml::value& v) {
  const auto loc = v.location();
  return loc.file_name() == "unknown file" ? 0 : static_cast<int>(loc.line());
}

/// toml11 (3.x) reads numbers with a stream and keeps what the stream gives on overflow: the
/// largest value of the type. A number at those limits is taken as one that did not fit
/// (9223372036854775808 became the same seed as 9223372036854775807, 1e999 the largest
/// double), and refused with its key and line: throws InputError.
void refuse_overflowed_numbers(const toml::value& v, const std::string& file,
                               const std::string& key) {
  if (v.is_table()) {
    for (const auto& [k, e] : v.as_table())
      refuse_overflowed_numbers(e, file, key.empty() ? k : key + "." + k);
  } else if (v.is_array()) {
    for (const auto& e : v.as_array()) refuse_overflowed_numbers(e, file, key);
  } else if (v.is_integer()) {
    const auto x = v.as_integer();
    if (x == std::numeric_limits<toml::integer>::max() ||
        x == std::numeric_limits<toml::integer>::min())
      throw InputError({file, line_of(v), key},
                       fmt::format("integer outside the range of a 64-bit integer (magnitudes "
                                   "below {})",
                                   std::numeric_limits<toml::integer>::max()));
  } else if (v.is_floating()) {
    if (std::fabs(v.as_floating()) == std::numeric_limits<double>::max())
      throw InputError({file, line_of(v), key},
                       fmt::format("real number outside the range of a double (magnitudes up to "
                                   "about {:g})",
                                   std::numeric_limits<double>::max()));
  }
}

}  // namespace

struct InputDocument {
  std::string file;
  toml::value root;
  std::optional<units::UnitSystem> units;
  ConfigTree resolved;
  std::map<std::string, std::set<std::string>> used;  // path -> keys read
  std::map<std::string, std::set<std::string>> old;   // path -> aliases of the keys read
  std::map<std::string, ConfigTree*> nodes;           // path -> resolved node
  std::vector<std::string> data_files;                // files the input names (input_path)

  /// Line of @p v in its source. toml11 counts the newlines before a value on every query
  /// (linear in the file), which made listing the keys of a table quadratic in the input's
  /// size; this counts them once per source and answers by binary search.
  int line(const toml::value& v) const {
    const auto* r = dynamic_cast<const toml::detail::region*>(toml::detail::get_region(v));
    if (r == nullptr || !r->is_ok() || r->begin() == r->end()) return line_of(v);
    const char* text = &*r->begin();
    if (text != indexed_) {
      indexed_ = text;
      newlines_.clear();
      for (auto it = r->begin(); it != r->end(); ++it)
        if (*it == '\n') newlines_.push_back(static_cast<std::size_t>(it - r->begin()));
    }
    const auto offset = static_cast<std::size_t>(r->first() - r->begin());
    // newlines before the value, as toml11 counts them
    return 1 + static_cast<int>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                                newlines_.begin());
  }

 private:
  mutable const char* indexed_ = nullptr;        // first byte of the indexed source
  mutable std::vector<std::size_t> newlines_;    // offsets of its newlines
};

struct InputSection::Impl {
  const toml::value* table = nullptr;  // nullptr: an absent optional table
};

namespace {

std::string join_path(const std::string& a, const std::string& b) {
  return a.empty() ? b : a + "." + b;
}


std::string type_name(const toml::value& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return "a boolean";
    case toml::value_t::integer: return "an integer";
    case toml::value_t::floating: return "a real number";
    case toml::value_t::string: return "a string";
    case toml::value_t::array: return "an array";
    case toml::value_t::table: return "a table";
    default: return "a date/time";
  }
}

std::string show(const toml::value& v) {
  std::ostringstream os;
  os << v;
  std::string s = os.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

/// show(v) on one line, for a value quoted inside a message (toml11 prints arrays over lines).
std::string show_inline(const toml::value& v) {
  std::string s;
  for (const char ch : show(v)) {
    const char c = ch == '\n' ? ' ' : ch;
    if (c == ' ' && (s.empty() || s.back() == ' ' || s.back() == '[')) continue;
    if (c == ']' && s.size() >= 2 && s.compare(s.size() - 2, 2, ", ") == 0) s.resize(s.size() - 2);
    if (c == ']' && !s.empty() && s.back() == ' ') s.pop_back();
    s += c;
  }
  return s;
}

toml::value parse_literal(const std::string& literal) {
  std::istringstream is("v = " + literal);
  return toml::find(toml::parse(is, "<default>"), "v");
}

}  // namespace

InputSection::InputSection(std::shared_ptr<InputDocument> doc, std::unique_ptr<Impl> impl,
                           std::string path, ConfigTree* node)
    : doc_(std::move(doc)), impl_(std::move(impl)), path_(std::move(path)), node_(node) {}
InputSection::~InputSection() = default;
InputSection::InputSection(InputSection&&) noexcept = default;
InputSection& InputSection::operator=(InputSection&&) noexcept = default;

InputSection InputSection::parse_file(const std::string& path) {
  note_input_file(path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError({path, 0, ""}, "input file does not exist");
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError({path, 0, ""}, "input is not a regular file");
  // Refuse an oversized file before reading it into memory.
  const auto bytes = std::filesystem::file_size(path, ec);
  if (!ec) limits::check_input_size(bytes, path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, ""}, "cannot open input file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_string(ss.str(), path);
}

InputSection InputSection::parse_string(const std::string& text, const std::string& name) {
  auto doc = std::make_shared<InputDocument>();
  doc->file = name;
  limits::check_input_text(text, name);
  try {
    std::istringstream is(text);
    doc->root = toml::parse(is, name);
    refuse_overflowed_numbers(doc->root, name, "");
  } catch (const toml::syntax_error& e) {
    const auto& loc = e.location();
    throw InputError({name, static_cast<int>(loc.line()), ""},
                     fmt::format("TOML syntax error:\n{}", e.what()));
  }
  auto impl = std::make_unique<Impl>();
  impl->table = &doc->root;
  ConfigTree* node = &doc->resolved;
  doc->nodes[""] = node;
  return InputSection(doc, std::move(impl), "", node);
}

const units::UnitSystem& InputSection::units() const {
  if (!doc_->units) fail("", "internal: unit system not set before reading quantities");
  return *doc_->units;
}
void InputSection::set_units(const units::UnitSystem& u) { doc_->units = u; }

bool InputSection::has(const std::string& key) const {
  return impl_->table != nullptr && impl_->table->contains(key);
}

bool InputSection::has(const ParamSpec& p) const {
  if (has(p.key)) return true;
  return std::any_of(p.aliases.begin(), p.aliases.end(),
                     [&](const std::string& a) { return has(a); });
}

SourceLocation InputSection::location(const std::string& key) const {
  SourceLocation loc{doc_->file, 0, key.empty() ? path_ : join_path(path_, key)};
  if (impl_->table) {
    if (!key.empty() && impl_->table->contains(key))
      loc.line = doc_->line(impl_->table->at(key));
    else
      loc.line = doc_->line(*impl_->table);
  }
  return loc;
}

void InputSection::fail(const std::string& key, const std::string& msg) const {
  throw InputError(location(key), msg);
}

namespace {
struct Resolved {
  const toml::value* value;  // the input's value, or the parsed default
  toml::value storage;
  bool from_default;
  std::string name;  // the name the input gave the key under (the key or an alias)
};
}  // namespace

/// Where an alias written as a dotted path ("kmc.output": the key's old place in another
/// table) is found: the table @p path of the document's @p root, or nullptr.
static const toml::value* table_at(const toml::value& root, const std::string& path) {
  const toml::value* t = &root;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string part = path.substr(start, dot - start);
    if (!t->is_table() || !t->contains(part)) return nullptr;
    t = &t->at(part);
    start = dot + 1;
  }
  return t->is_table() ? t : nullptr;
}

/// "[table] key" for a dotted path "table.key" ("key" at the top level).
static std::string table_and_key(const std::string& path) {
  const std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : "[" + path.substr(0, dot) + "] " + path.substr(dot + 1);
}

/// A deprecation warning on stderr, once per process group (rank 0 of MPI_COMM_WORLD when MPI
/// runs): inputs are parsed on every rank.
static void warn_old_name(const SourceLocation& at, const std::string& now) {
  int init = 0, rank = 0;
  MPI_Initialized(&init);
  if (init) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) return;
  std::fprintf(stderr, "thermodrift: warning: %s:%d: %s is deprecated; write %s instead\n",
               at.file.c_str(), at.line, table_and_key(at.key).c_str(), table_and_key(now).c_str());
}

// Look up a registered key under its name or an alias: the input's value or the default;
// marks it used. An alias with a dot is the key's old place in another table, relative to
// the document root ("kmc.output" for [output] file); an input that uses an alias gets a
// deprecation warning.
static Resolved lookup(const InputSection& s, InputDocument& doc, const toml::value* table,
                       const ParamSpec& p, const std::string& default_value) {
  if (!key_registry::declared(p))
    throw InternalError(
        fmt::format("key '{}' of [{}] is read through a ParamSpec that is not "
                    "registered (declare it with a KeyDeclaration or a factory "
                    "Registrar, core/KeyRegistry.h)",
                    p.key, s.path()));
  doc.used[s.path()].insert(p.key);
  std::string name;
  const toml::value* holder = table;
  if (table && table->contains(p.key)) name = p.key;
  const std::string now = s.path().empty() ? p.key : s.path() + "." + p.key;
  for (const auto& a : p.aliases) {
    const std::size_t dot = a.rfind('.');
    const std::string where = dot == std::string::npos ? s.path() : a.substr(0, dot);
    const std::string key = dot == std::string::npos ? a : a.substr(dot + 1);
    doc.old[where].insert(key);
    const toml::value* t = dot == std::string::npos ? table : table_at(doc.root, where);
    if (!t || !t->contains(key)) continue;
    if (!name.empty())
      s.fail(a, fmt::format("'{}' is an old name of '{}'; give only one of them", a,
                            dot == std::string::npos ? p.key : table_and_key(now)));
    name = a;
    holder = t;
    const std::string old_path =
        dot == std::string::npos && !s.path().empty() ? s.path() + "." + a : a;
    warn_old_name({doc.file, doc.line(t->at(key)), old_path}, now);
  }
  if (!name.empty()) {
    const std::size_t dot = name.rfind('.');
    return {&holder->at(dot == std::string::npos ? name : name.substr(dot + 1)), {}, false, name};
  }
  if (default_value.empty()) s.fail(p.key, fmt::format("required key is missing ({})", p.doc));
  Resolved r{nullptr, parse_literal(default_value), true, p.key};
  r.value = &r.storage;
  return r;
}

static std::string comment_for(const ParamSpec& p, const units::UnitSystem* u) {
  std::string c;
  if (p.kind != units::Kind::dimensionless && u)
    c = fmt::format("[{}] ", u->label(units::dim_of(p.kind)));
  return c + p.doc;
}

namespace {
/// Above this a plain-number temperature in LJ units (epsilon/kB) is taken for a kelvin value
/// typed by mistake: liquids and solids of LJ models sit at T* of order 0.1 to 2, and T* = 10
/// is far above the LJ critical point (about 1.3).
constexpr double kImplausibleLjTemperature = 10.0;
}  // namespace

/// A bare number given for a temperature in LJ units that is far too large for T* is almost
/// always a kelvin value: refuse it, say what it would be, and how to write kelvin.
static void check_plausible_temperature(const InputSection& s, const std::string& name,
                                        const ParamSpec& p, double x, const toml::value& v) {
  if (p.kind != units::Kind::temperature || v.is_string() || !s.units().is_reduced() ||
      !(std::fabs(x) > kImplausibleLjTemperature))
    return;
  const units::Dim temperature = units::dim_of(units::Kind::temperature);
  s.fail(name, fmt::format("temperature {:g} in LJ units ({}) is {:.4g} K for {}, implausible "
                           "(T* above {:g}); did you mean \"{:g} K\" (= {:.4g} epsilon/kB)?",
                           x, s.units().label(temperature), s.units().to_si(x, temperature),
                           s.units().name(), kImplausibleLjTemperature, x,
                           s.units().from_si(x, temperature)));
}

/// Largest energy per particle (J) a bare SI number may give: every energy of the inputs is
/// one particle's (heats of transport, barriers, well depths: meV to a few eV), and 1e-16 J is
/// over 600 eV. A bare 0.17 meant as eV is 0.17 J, 1e18 eV, and failed far from the input.
constexpr double kImplausibleSiEnergy = 1e-16;

/// A bare number for an energy in SI units beyond kImplausibleSiEnergy is an input error that
/// suggests the unit.
static void check_plausible_energy(const InputSection& s, const std::string& name,
                                   const ParamSpec& p, double x, const toml::value& v) {
  if (p.kind != units::Kind::energy || v.is_string() || s.units().is_reduced() ||
      !(std::fabs(x) > kImplausibleSiEnergy))
    return;
  s.fail(name, fmt::format("energy {:g} J is {:.4g} eV per particle, implausible (above {:g} J); "
                           "did you mean \"{:g} eV\"?",
                           x, x / units::kElementaryCharge, kImplausibleSiEnergy, x));
}

double InputSection::real(const ParamSpec& p) { return real(p, p.default_value); }

double InputSection::real(const ParamSpec& p, const std::string& fallback) {
  auto r = lookup(*this, *doc_, impl_->table, p, fallback);
  const toml::value& v = r.from_default ? r.storage : *r.value;
  double x = 0.0;
  if (v.is_floating())
    x = v.as_floating();
  else if (v.is_integer())
    x = static_cast<double>(v.as_integer());
  else if (v.is_string()) {
    try {
      x = units::parse_in(v.as_string().str, units::dim_of(p.kind), units());
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      fail(r.name, e.what());
    }
  } else {
    fail(r.name, fmt::format("expected a real number (or a \"value unit\" string), got {} {}",
                             type_name(v), show(v)));
  }
  if (!std::isfinite(x) || !p.range.contains(x))
    fail(r.name, fmt::format("value {:g} is out of the accepted range {}{}", x, p.range.str(),
                             p.kind == units::Kind::dimensionless
                                 ? std::string()
                                 : " (in " + units().label(units::dim_of(p.kind)) + ")"));
  check_plausible_temperature(*this, r.name, p, x, v);
  check_plausible_energy(*this, r.name, p, x, v);
  node_->set(p.key, fmt::format("{:.17g}", x), comment_for(p, doc_->units ? &*doc_->units : nullptr));
  return x;
}

long InputSection::integer(const ParamSpec& p) {
  auto r = lookup(*this, *doc_, impl_->table, p, p.default_value);
  const toml::value& v = r.from_default ? r.storage : *r.value;
  if (!v.is_integer())
    fail(r.name, fmt::format("expected an integer, got {} {}", type_name(v), show(v)));
  const long x = static_cast<long>(v.as_integer());
  if (!p.range.contains(static_cast<double>(x)))
    fail(r.name, fmt::format("value {} is out of the accepted range {}", x, p.range.str()));
  node_->set(p.key, std::to_string(x), p.doc);
  return x;
}

bool InputSection::boolean(const ParamSpec& p) {
  auto r = lookup(*this, *doc_, impl_->table, p, p.default_value);
  const toml::value& v = r.from_default ? r.storage : *r.value;
  if (!v.is_boolean())
    fail(r.name, fmt::format("expected true or false, got {} {}", type_name(v), show(v)));
  node_->set(p.key, v.as_boolean() ? "true" : "false", p.doc);
  return v.as_boolean();
}

/// Fail at @p key of @p s unless @p x is one of p's accepted values (if it has any).
static void check_choice(const InputSection& s, const std::string& key, const ParamSpec& p,
                         const std::string& x) {
  const std::vector<std::string> choices = p.accepted();
  if (choices.empty() || std::find(choices.begin(), choices.end(), x) != choices.end()) return;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + ("\"" + c + "\"");
  s.fail(key, fmt::format("unknown value \"{}\"; accepted: {}", x, list));
}

std::string InputSection::string(const ParamSpec& p) {
  auto r = lookup(*this, *doc_, impl_->table, p, p.default_value);
  const toml::value& v = r.from_default ? r.storage : *r.value;
  if (!v.is_string())
    fail(r.name, fmt::format("expected a string, got {} {}", type_name(v), show(v)));
  std::string x = v.as_string().str;
  check_choice(*this, r.name, p, x);
  node_->set(p.key, show(toml::value(x)), p.doc);
  return x;
}

std::vector<std::string> InputSection::strings(const ParamSpec& p) {
  auto r = lookup(*this, *doc_, impl_->table, p, p.default_value);
  const toml::value& v = r.from_default ? r.storage : *r.value;
  if (!v.is_array() && !v.is_string())
    fail(r.name, fmt::format("expected an array of strings, got {} {}", type_name(v), show(v)));
  const std::vector<toml::value> one{v};
  std::vector<std::string> out;
  std::string lit = "[";
  for (const auto& e : v.is_string() ? one : v.as_array()) {
    if (!e.is_string())
      fail(r.name,
           fmt::format("array entry {} is {}, expected a string", show_inline(e), type_name(e)));
    const std::string& x = e.as_string().str;
    check_choice(*this, r.name, p, x);
    if (std::find(out.begin(), out.end(), x) != out.end())
      fail(r.name, fmt::format("\"{}\" is given twice", x));
    lit += (out.empty() ? "" : ", ") + show(e);
    out.push_back(x);
  }
  node_->set(p.key, lit + "]", p.doc);
  return out;
}

std::vector<double> InputSection::reals(const ParamSpec& p) {
  auto r = lookup(*this, *doc_, impl_->table, p, p.default_value);
  const toml::value& v = r.from_default ? r.storage : *r.value;
  const bool scalar = v.is_floating() || v.is_integer() || v.is_string();
  if (!v.is_array() && !scalar)
    fail(r.name, fmt::format("expected an array of numbers, got {} {}", type_name(v), show(v)));
  const std::vector<toml::value> one{v};
  std::vector<double> out;
  std::string lit = "[";
  for (const auto& e : scalar ? one : v.as_array()) {
    double x = 0.0;
    if (e.is_floating())
      x = e.as_floating();
    else if (e.is_integer())
      x = static_cast<double>(e.as_integer());
    else if (e.is_string()) {
      try {
        x = units::parse_in(e.as_string().str, units::dim_of(p.kind), units());
      } catch (const Error& err) {
        fail(r.name, err.what());
      }
    } else {
      fail(r.name,
           fmt::format("array entry {} is {}, expected a number", show_inline(e), type_name(e)));
    }
    if (!std::isfinite(x) || !p.range.contains(x))
      fail(r.name, fmt::format("entry {} ({:g}) is out of the accepted range {}", out.size() + 1, x,
                               p.range.str()));
    check_plausible_temperature(*this, r.name, p, x, e);
    check_plausible_energy(*this, r.name, p, x, e);
    lit += fmt::format("{}{:.17g}", out.empty() ? "" : ", ", x);
    out.push_back(x);
  }
  node_->set(p.key, lit + "]", comment_for(p, doc_->units ? &*doc_->units : nullptr));
  return out;
}

InputSection InputSection::section(const std::string& key, bool optional) {
  const std::string path = join_path(path_, key);
  doc_->used[path_].insert(key);
  auto impl = std::make_unique<Impl>();
  if (has(key)) {
    const toml::value& v = impl_->table->at(key);
    if (!v.is_table()) fail(key, fmt::format("expected a table, got {} {}", type_name(v), show(v)));
    impl->table = &v;
  } else if (!optional) {
    fail(key, "required table is missing");
  }
  auto it = doc_->nodes.find(path);
  ConfigTree* node = it != doc_->nodes.end() ? it->second : &node_->child(key);
  doc_->nodes[path] = node;
  return InputSection(doc_, std::move(impl), path, node);
}

std::vector<InputSection> InputSection::sections(const std::string& key) {
  std::vector<InputSection> out;
  doc_->used[path_].insert(key);
  if (!has(key)) return out;
  const toml::value& v = impl_->table->at(key);
  if (!v.is_array()) fail(key, fmt::format("expected an array of tables ([[{}]])", key));
  const auto& arr = v.as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_table()) fail(key, fmt::format("entry {} is not a table", i));
    const std::string path = fmt::format("{}[{}]", join_path(path_, key), i);
    auto it = doc_->nodes.find(path);
    ConfigTree* node = it != doc_->nodes.end() ? it->second : &node_->append(key);
    doc_->nodes[path] = node;
    auto impl = std::make_unique<Impl>();
    impl->table = &arr[i];
    out.push_back(InputSection(doc_, std::move(impl), path, node));
  }
  return out;
}

std::vector<std::string> InputSection::table_keys() const {
  std::vector<std::pair<int, std::string>> keys;
  if (!impl_->table) return {};
  for (const auto& [k, v] : impl_->table->as_table())
    if (v.is_table()) keys.emplace_back(doc_->line(v), k);
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> out;
  for (auto& [l, k] : keys) out.push_back(k);
  return out;
}

void InputSection::finish() const {
  if (!impl_->table) return;
  const auto& used = doc_->used[path_];
  const auto& old = doc_->old[path_];
  std::vector<std::pair<int, std::string>> unknown;
  for (const auto& [k, v] : impl_->table->as_table())
    if (!used.count(k) && !old.count(k)) unknown.emplace_back(doc_->line(v), k);
  if (unknown.empty()) return;
  std::sort(unknown.begin(), unknown.end());
  std::string accepted;
  for (const auto& k : used) accepted += (accepted.empty() ? "" : ", ") + k;
  fail(unknown.front().second,
       fmt::format("unknown key{}; accepted keys here: {}",
                   path_.empty() ? "" : " in [" + path_ + "]", accepted));
}

const ConfigTree& InputSection::resolved() const { return doc_->resolved; }
ConfigTree& InputSection::resolved_node() { return *node_; }

void InputSection::note_data_file(const std::string& path) const {
  auto& files = doc_->data_files;
  if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
}

std::vector<std::string> InputSection::data_files() const { return doc_->data_files; }

std::string InputSection::base_dir() const {
  std::filesystem::path p(doc_->file);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

}  // namespace td
