/// @file cmd_keys.cpp  `thermodrift keys [TABLE]`: every declared input key of every table and
/// model (core/KeyRegistry.h) with type, default, unit kind, range or choices and doc, filtered
/// by a table prefix; `--markdown` prints docs/input.md (scripts/gen-input-doc.sh).
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "drivers/Command.h"

namespace td {

namespace {

/// One row of a listing: a key, merged over its declarations with different unit kinds.
struct Row {
  std::string key, type, default_value, unit, range, doc;
};

/// Append @p v to the " | "-separated list @p to unless it is there already.
void add_distinct(std::string& to, const std::string& v, const char* sep) {
  if (v.empty()) return;
  std::string padded = std::string(sep) + to + sep;
  if (padded.find(std::string(sep) + v + sep) != std::string::npos) return;
  to += (to.empty() ? "" : sep) + v;
}

std::vector<Row> rows_of(const KeyTable& t) {
  std::vector<Row> rows;
  std::map<std::string, std::size_t> index;
  for (const ParamSpec* p : t.keys) {
    std::string range;
    if (p->type == ParamSpec::Type::String || p->type == ParamSpec::Type::StringArray) {
      for (const auto& c : p->accepted()) range += (range.empty() ? "" : ", ") + ("\"" + c + "\"");
    } else if (p->type != ParamSpec::Type::Bool) {
      const bool bounded = std::isfinite(p->range.lo) || std::isfinite(p->range.hi);
      range = bounded ? p->range.str() : "any";
    }
    std::string unit(units::name_of(p->kind));
    if (p->kind == units::Kind::dimensionless) unit = "-";
    std::string doc = p->doc;
    for (const auto& a : p->aliases) {
      // a dotted alias is the key's old place in another table (core/Input.h)
      const auto dot = a.rfind('.');
      doc += dot == std::string::npos
                 ? fmt::format(" (old name: `{}`)", a)
                 : fmt::format(" (old place: `[{}] {}`)", a.substr(0, dot), a.substr(dot + 1));
    }
    const std::string dflt = p->default_value.empty() ? "(required)" : p->default_value;
    auto it = index.find(p->key);
    if (it == index.end()) {
      index[p->key] = rows.size();
      rows.push_back({p->key, key_registry::type_name(p->type), dflt, unit, range, doc});
      continue;
    }
    Row& r = rows[it->second];
    add_distinct(r.default_value, dflt, " | ");
    add_distinct(r.unit, unit, " | ");
    add_distinct(r.range, range, " | ");
    add_distinct(r.doc, doc, "; ");
  }
  return rows;
}

std::string heading(const KeyTable& t) {
  std::string h = "[" + t.table + "]";
  if (!t.type.empty()) h += fmt::format(" {} = \"{}\"", t.selector, t.type);
  return h;
}

/// @p text wrapped at @p width columns, each line starting with @p indent; paragraphs
/// (separated by a blank line) stay apart.
std::string wrap(const std::string& text, std::size_t width, const std::string& indent) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    std::istringstream in(text.substr(start, end - start));
    std::string word, line;
    if (start > 0) out += "\n";
    while (in >> word) {
      if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
        out += indent + line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) out += indent + line + "\n";
    start = end + 2;
  }
  return out;
}

std::string plain_text(const std::vector<KeyTable>& tables) {
  std::string out;
  for (const auto& t : tables) {
    out += fmt::format("{}  ({})\n", heading(t), t.commands);
    out += wrap(t.doc, 96, "    ");
    const auto rows = rows_of(t);
    if (rows.empty()) {
      out += "  (no keys)\n\n";
      continue;
    }
    std::size_t w[5] = {3, 4, 7, 4, 5};
    for (const auto& r : rows) {
      w[0] = std::max(w[0], r.key.size());
      w[1] = std::max(w[1], r.type.size());
      w[2] = std::max(w[2], r.default_value.size());
      w[3] = std::max(w[3], r.unit.size());
      w[4] = std::max(w[4], r.range.size());
    }
    out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", "key", w[0], "type", w[1],
                       "default", w[2], "unit", w[3], "range", w[4], "description");
    for (const auto& r : rows)
      out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r.key, w[0], r.type,
                         w[1], r.default_value, w[2], r.unit, w[3], r.range, w[4], r.doc);
    out += "\n";
  }
  return out;
}

/// @p s for Markdown: '<' escaped outside code spans (no HTML tags), and in table cells
/// (@p in_cell) '|' escaped everywhere.
std::string md(const std::string& s, bool in_cell) {
  std::string out;
  bool code = false;
  for (char c : s) {
    if (c == '`') code = !code;
    if (c == '|' && in_cell)
      out += "\\|";
    else if (c == '<' && !code)
      out += "\\<";
    else
      out += c;
  }
  return out;
}

std::string cell(const std::string& s) { return md(s, true); }

std::string markdown_table(const KeyTable& t) {
  const auto rows = rows_of(t);
  if (rows.empty()) return "No keys.\n";
  std::string out =
      "| key | type | default | unit | range / choices | description |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    out += fmt::format(
        "| `{}` | {} | {} | {} | {} | {} |\n", r.key, r.type,
        r.default_value == "(required)" ? r.default_value : cell("`" + r.default_value + "`"),
        cell(r.unit), cell(r.range), cell(r.doc));
  return out;
}

constexpr const char* kIntroduction =
    "An input is a TOML file. Every key below is declared once in the code, where its table is "
    "read or its model registered (`ParamSpec`: key, type, default, unit kind, accepted range "
    "or choices, description), and this file is printed from those declarations. A key that "
    "is not declared is an error naming file, line and key; so is a value of the wrong type or "
    "outside its range. The resolved values, defaults included, are written with their units "
    "as comments into `/config` of every result file, so a result file is also a complete "
    "input; keys renamed since are still read under their old names (listed with the key), "
    "and `/config` writes the current name.\n\n"
    "Real values are numbers in the case's unit system (`[units]`), or strings `\"value "
    "unit\"` converted after a dimension check. A table written `[a.<name>]` stands for names "
    "the input chooses: `<axis>` is `x`, `y` or `z`, `<face>` one of `xlo`, `xhi`, `ylo`, "
    "`yhi`, `zlo`, `zhi`. `[<temperature_law>]` is any table holding a temperature law; "
    "`<parameter_file>` and `<lattice_file>` are files named by an input. A table with a "
    "selector key (`type`, or `grading` for mesh axes) lists the keys common to all its "
    "models, then each model's own keys. `thermodrift keys [TABLE]` prints the same as text.";

std::string markdown(const std::vector<KeyTable>& tables) {
  std::string out =
      "<!-- Generated by `thermodrift keys --markdown` from the key declarations in the code; do "
      "not edit.\n     Regenerate with scripts/gen-input-doc.sh; the CTest test "
      "input_doc_up_to_date fails when this\n     file differs from the generated text. -->\n"
      "# Input file reference\n\n";
  out += md(wrap(kIntroduction, 96, ""), false) + "\n";
  // Which tables each subcommand reads.
  std::map<std::string, std::vector<std::string>> by_command;
  for (const auto& t : tables) {
    if (!t.type.empty()) continue;
    std::istringstream in(t.commands);
    std::string c;
    while (in >> c) by_command[c].push_back("[" + t.table + "]");
  }
  out += "## Tables of each command\n| command | tables |\n|---|---|\n";
  for (const auto& [c, list] : by_command) {
    std::string l;
    for (const auto& t : list) l += (l.empty() ? "" : ", ") + ("`" + t + "`");
    out += fmt::format("| `thermodrift {}` | {} |\n", c, l);
  }
  std::map<std::string, int> plain;  // declarations per plain table (e.g. [output] per command)
  for (const auto& t : tables)
    if (t.type.empty()) ++plain[t.table];
  for (const auto& t : tables) {
    if (t.type.empty()) {
      const std::string of = plain[t.table] > 1 ? " of `thermodrift " + t.commands + "`" : "";
      out += fmt::format("\n## `[{}]`{}\nRead by: {}.\n\n", t.table, of, [&] {
        std::istringstream in(t.commands);
        std::string c, l;
        while (in >> c) l += (l.empty() ? "" : ", ") + ("`thermodrift " + c + "`");
        return l;
      }());
    } else {
      out += fmt::format("\n### `[{}]` {} = \"{}\"\n", t.table, t.selector, t.type);
    }
    if (!t.doc.empty()) out += md(wrap(t.doc, 96, ""), false) + "\n";
    out += markdown_table(t);
  }
  return out;
}

class Keys : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("table", table_,
                   "list only tables whose path starts with this (e.g. mesh, species.boundary, "
                   "temperature_law)");
    sub.add_option("-c,--command", command_, "list only the tables this subcommand reads");
    sub.add_flag("--markdown", markdown_, "print the whole of docs/input.md instead");
    set_help(sub, "thermodrift keys mesh\n  thermodrift keys --command kmc", "docs/input.md",
             false);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    std::vector<KeyTable> shown;
    for (auto& t : key_registry::tables())
      if (markdown_ || (key_registry::matches(t.table, table_) && reads(t, command_)))
        shown.push_back(std::move(t));
    if (shown.empty())
      throw Error(fmt::format("no declared table{}{}",
                              table_.empty() ? "" : " starts with '" + table_ + "'",
                              command_.empty() ? "" : " is read by '" + command_ + "'"));
    if (rank == 0) std::cout << (markdown_ ? markdown(shown) : plain_text(shown));
    return 0;
  }

 private:
  /// True if @p t is read by subcommand @p command (or @p command is empty).
  static bool reads(const KeyTable& t, const std::string& command) {
    std::istringstream in(t.commands);
    std::string c;
    while (in >> c)
      if (c == command) return true;
    return command.empty();
  }

  std::string table_, command_;
  bool markdown_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Keys>(); }
CommandFactory::Registrar reg("keys",
                              "list every input key (type, default, unit, range, doc) of every "
                              "table, or print docs/input.md (--markdown)",
                              &create);

}  // namespace

}  // namespace td
