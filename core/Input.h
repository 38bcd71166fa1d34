#pragma once
/// @file Input.h  Declared parameters read from TOML input (deal.II's ParameterHandler,
/// Cantera's InputFileError).
///
/// Every parameter is declared once as a ParamSpec (key, type, default, unit kind, range,
/// doc) at namespace scope and registered with the table that holds it (core/KeyRegistry.h).
/// An InputSection reads registered parameters from one TOML table (reading a spec that is
/// not registered is an InternalError), checks type and range, converts "value unit" strings
/// into the case's unit system, records the resolved value (defaults included, always under
/// the key's current name) for the output file, and rejects undeclared keys. Errors name
/// file, line and key.
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/Error.h"
#include "core/Units.h"

namespace td {

/// Accepted interval of a real or integer parameter.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;  ///< true: lo itself is excluded
  bool hi_open = false;

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false, false}; }
  static Range closed(double a, double b) { return {a, b, false, false}; }
  static Range at_least(double a) { return {a, std::numeric_limits<double>::infinity(), false, false}; }
  bool contains(double v) const;
  /// "(0, inf)", "[0, 1]"
  std::string str() const;
};

/// Declaration of one input parameter.
struct ParamSpec {
  enum class Type { Real, Integer, Bool, String, RealArray, StringArray };
  std::string key;
  Type type = Type::Real;
  /// Default as TOML literal text ("1.0", "true", "\"no_flux\"", "[0.0, 1.0]");
  /// empty means the key is required.
  std::string default_value;
  units::Kind kind = units::Kind::dimensionless;  ///< unit kind of Real/RealArray values
  Range range = Range::any();                     ///< for Real, Integer, RealArray entries
  std::vector<std::string> choices;  ///< allowed String (or StringArray entry) values (empty: any)
  std::string doc;                                ///< one line
  /// Old names of the key, still read with a deprecation warning (an input may give the key
  /// under one name only); the resolved configuration writes `key`. A name with a dot is the
  /// key's old place in another table, from the document root ("kmc.output").
  std::vector<std::string> aliases = {};
  /// Allowed String values computed when read or listed (e.g. a factory's names), for
  /// choices that are not known when the spec is constructed; nullptr: use `choices`.
  std::vector<std::string> (*choices_of)() = nullptr;

  /// The allowed String values (empty: any).
  std::vector<std::string> accepted() const { return choices_of ? choices_of() : choices; }
};

/// Resolved configuration, in input order, written into every output file.
class ConfigTree {
 public:
  struct Entry;
  /// Set a leaf value (TOML literal text) with its unit label and doc as a comment.
  void set(const std::string& key, const std::string& literal, const std::string& comment);
  /// Child table (created on first use).
  ConfigTree& child(const std::string& key);
  /// Append a table to an array of tables.
  ConfigTree& append(const std::string& key);
  /// TOML text of the whole tree.
  std::string to_toml() const;

 private:
  void emit(std::string& out, const std::string& prefix) const;
  std::vector<std::shared_ptr<Entry>> entries_;
};

struct ConfigTree::Entry {
  std::string key;
  std::string literal;  // leaf value
  std::string comment;
  std::unique_ptr<ConfigTree> table;                   // sub-table
  std::vector<std::unique_ptr<ConfigTree>> array;      // array of tables
  bool is_array = false;
};

/// The shared state of one parsed input document.
struct InputDocument;

/// One TOML table of an input document, read through declared parameters.
class InputSection {
 public:
  /// Parse a TOML file. Throws InputError (syntax errors name the line).
  static InputSection parse_file(const std::string& path);
  /// Parse TOML text; @p name is used as the file name in messages.
  static InputSection parse_string(const std::string& text, const std::string& name = "<string>");

  /// Dotted path of this table ("species.solute").
  const std::string& path() const { return path_; }
  /// The unit system numbers are interpreted in (set once, by the case).
  const units::UnitSystem& units() const;
  void set_units(const units::UnitSystem& u);

  bool has(const std::string& key) const;
  /// True if the table gives @p p under its name or one of its aliases.
  bool has(const ParamSpec& p) const;
  /// Readers of a declared parameter: the table's value (under the key or an alias) or the
  /// default, checked against type, range and choices. Throw InputError on bad input and
  /// InternalError if @p p is not registered in the key registry.
  double real(const ParamSpec& p);
  /// As real(p), with the TOML literal @p fallback as the default instead of p's (empty:
  /// required): for defaults taken from another value, e.g. a material preset.
  double real(const ParamSpec& p, const std::string& fallback);
  long integer(const ParamSpec& p);
  bool boolean(const ParamSpec& p);
  std::string string(const ParamSpec& p);
  /// An array of numbers; a single number is read as a one-entry array.
  std::vector<double> reals(const ParamSpec& p);
  /// An array of strings, each one of p's accepted values (if it has any) and none twice; a
  /// single string is read as a one-entry array.
  std::vector<std::string> strings(const ParamSpec& p);

  /// Sub-table @p key; it must exist and be a table unless @p optional (then an empty one).
  InputSection section(const std::string& key, bool optional = false);
  /// Elements of an array of tables ([[key]]); empty if absent.
  std::vector<InputSection> sections(const std::string& key);
  /// Names of the sub-tables of this table (for maps such as [species.A], [species.B]).
  std::vector<std::string> table_keys() const;

  /// Error at @p key of this table (or at the table itself if key is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& msg) const;
  /// Location of @p key (line of its value) or of the table.
  SourceLocation location(const std::string& key = "") const;
  /// Reject keys that no one read. Call after all parameters were read.
  void finish() const;

  /// The resolved configuration of the whole document.
  const ConfigTree& resolved() const;
  /// The resolved-config node of this section.
  ConfigTree& resolved_node();

  /// Directory of the input file (relative paths in the input are resolved from it).
  std::string base_dir() const;
  /// Record @p path, a data file the input names (core/Paths.h input_path does), for the
  /// whole document.
  void note_data_file(const std::string& path) const;
  /// The data files recorded for the document, in the order first recorded, each once.
  std::vector<std::string> data_files() const;

  ~InputSection();
  InputSection(InputSection&&) noexcept;
  InputSection& operator=(InputSection&&) noexcept;

 private:
  struct Impl;
  InputSection(std::shared_ptr<InputDocument> doc, std::unique_ptr<Impl> impl, std::string path,
               ConfigTree* node);
  std::shared_ptr<InputDocument> doc_;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  ConfigTree* node_;
};

}  // namespace td
