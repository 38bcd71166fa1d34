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

/// Whether the declared table path @p declared ("species.boundary.<face>") names the input
/// table at @p path ("species.boundary.xlo"): segment by segment, "<...>" matching any.
bool names_table(const std::string& declared, const std::string& path) {
  const std::vector<std::string> d = split_path(declared), p = split_path(path);
  if (d.size() != p.size()) return false;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] != p[i] && !(d[i].size() > 2 && d[i].front() == '<' && d[i].back() == '>'))
      return false;
  return true;
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

std::optional<Range> declared_range(const std::string& table,
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
  std::optional<Range> found;
  for (const KeyTable& t : all) {
    if (!names_table(t.table, table) || (!t.type.empty() && selected(t) != t.type)) continue;
    for (const ParamSpec* p : t.keys) {
      if (p->key != key) continue;
      const Range& r = p->range;
      const bool same = found && found->lo == r.lo && found->hi == r.hi &&
                        found->lo_open == r.lo_open && found->hi_open == r.hi_open;
      if (found && !same) return std::nullopt;
      found = r;
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
