#include "core/KeyRegistry.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/Error.h"

namespace td {

namespace {
// Constant-initialised (nullptr), hence set before any KeyDeclaration runs.
const KeyDeclaration* g_head = nullptr;

std::string strip_brackets(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '<' && c != '>') out += c;
  return out;
}

/// The dot-separated names of a table path ("mesh.x" -> "mesh", "x").
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    parts.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(path.substr(start));
  return parts;
}

/// Whether @p segment of a declared table path is a name the input chooses ("<face>").
bool placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '<' && segment.back() == '>';
}

/// Whether the declared table path @p declared ("species.boundary.<face>") names the input
/// table at @p path ("species.boundary.xlo"): segment by segment, "<...>" matching any.
bool names_table(const std::string& declared, const std::string& path) {
  const std::vector<std::string> d = split_path(declared), p = split_path(path);
  if (d.size() != p.size()) return false;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] != p[i] && !placeholder(d[i])) return false;
  return true;
}

/// Whether declaration @p t (of key_registry::tables()) gives keys of the input table at
/// @p path; @p known: whether a declaration names @p path exactly, without placeholders.
/// A known table takes only the declarations that name it: [fit] type = "arrhenius" is a fit,
/// not the arrhenius law of `<temperature_law>`. Elsewhere a family of models used in several
/// tables, declared as one placeholder ("<temperature_law>": the family's own declaration and
/// its models'), stands for any table at any depth ([species.diffusivity]), and other
/// declarations match segment by segment (names_table).
bool gives_keys_of(const KeyTable& t, const std::string& path, bool known) {
  if (known) return t.table == path;
  const std::vector<std::string> d = split_path(t.table);
  if (t.family && d.size() == 1 && placeholder(d.front())) return !path.empty();
  return names_table(t.table, path);
}
}  // namespace

KeyDeclaration::KeyDeclaration(KeyTable t) : t_(std::move(t)), next_(g_head) { g_head = this; }

namespace key_registry {

bool declared(const ParamSpec& p) {
  // A linear scan (a few hundred addresses) per key read: inputs have few keys.
  for (const KeyDeclaration* d = g_head; d != nullptr; d = d->next())
    for (const ParamSpec* k : d->table().keys)
      if (k == &p) return true;
  return false;
}

std::vector<KeyTable> tables() {
  std::map<const void*, const KeyTable*> families;
  for (const KeyDeclaration* d = g_head; d != nullptr; d = d->next()) {
    const KeyTable& t = d->table();
    if (t.family && t.type.empty()) {
      if (t.keys.empty())
        throw InternalError(fmt::format("the family of [{}] declares no selector key", t.table));
      families[t.family] = &t;
    }
  }
  std::vector<KeyTable> out;
  for (const KeyDeclaration* d = g_head; d != nullptr; d = d->next()) {
    KeyTable t = d->table();
    if (t.family && !t.type.empty()) {
      const auto it = families.find(t.family);
      if (it == families.end()) {
        if (t.keys.empty()) continue;  // e.g. subcommands: a factory without input keys
        throw InternalError(
            fmt::format("model '{}' declares keys but its factory has no "
                        "family declaration (Factory::Family)",
                        t.type));
      }
      t.table = it->second->table;
      t.commands = it->second->commands;
      t.selector = it->second->keys.front()->key;
    }
    out.push_back(std::move(t));
  }
  std::stable_sort(out.begin(), out.end(), [](const KeyTable& a, const KeyTable& b) {
    const std::string pa = strip_brackets(a.table), pb = strip_brackets(b.table);
    if (pa != pb) return pa < pb;
    if (a.table != b.table) return a.table < b.table;
    if (a.type.empty() != b.type.empty()) return a.type.empty();
    if (a.type != b.type) return a.type < b.type;
    return a.commands < b.commands;
  });
  return out;
}

std::string type_name(ParamSpec::Type t) {
  switch (t) {
    case ParamSpec::Type::Real:
      return "real";
    case ParamSpec::Type::Integer:
      return "integer";
    case ParamSpec::Type::Bool:
      return "bool";
    case ParamSpec::Type::String:
      return "string";
    case ParamSpec::Type::RealArray:
      return "real array";
    case ParamSpec::Type::StringArray:
      return "string array";
  }
  return "?";
}

std::vector<const ParamSpec*> join(std::initializer_list<std::vector<const ParamSpec*>> lists) {
  std::vector<const ParamSpec*> out;
  for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
  return out;
}

const ParamSpec* declared_key(const std::string& table,
                              const std::function<std::string(const std::string&)>& value_of,
                              const std::string& key) {
  const std::vector<KeyTable> all = tables();
  // the model a table selects: its selector's value, else the selector's default
  const auto selected = [&](const KeyTable& model) {
    std::string v = value_of(model.selector);
    for (const KeyTable& f : all)
      if (v.empty() && f.family == model.family && f.type.empty()) {
        v = f.keys.front()->default_value;
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      }
    return v;
  };
  const bool known =
      std::any_of(all.begin(), all.end(), [&](const KeyTable& t) { return t.table == table; });
  const ParamSpec* found = nullptr;
  for (const KeyTable& t : all) {
    if (!gives_keys_of(t, table, known) || (!t.type.empty() && selected(t) != t.type)) continue;
    for (const ParamSpec* p : t.keys) {
      if (p->key != key) continue;
      const Range& r = p->range;
      const bool same = found && found->type == p->type && found->range.lo == r.lo &&
                        found->range.hi == r.hi && found->range.lo_open == r.lo_open &&
                        found->range.hi_open == r.hi_open;
      if (found && !same) return nullptr;
      found = p;
    }
  }
  return found;
}

bool matches(const std::string& table, const std::string& prefix) {
  const std::string want = strip_brackets(prefix), path = strip_brackets(table);
  return path.compare(0, want.size(), want) == 0 &&
         (want.empty() || path.size() == want.size() || path[want.size()] == '.');
}

}  // namespace key_registry

}  // namespace td
