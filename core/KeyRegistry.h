#pragma once
/// @file KeyRegistry.h  The registry of every input key (deal.II's declare_entry, MOOSE's
/// validParams()).
///
/// Every table of an input, and every model that a selector key (`type = "..."`) picks in a
/// table, declares its keys once, without reading any input: a plain table in the file that
/// reads it, with a KeyDeclaration at namespace scope; a model with its factory Registrar
/// (core/Factory.h), whose family (the table and selector key of the factory) is declared
/// once with a Factory::Family. A declaration lists the addresses of namespace-scope (or
/// static member) ParamSpec objects; InputSection reads only registered specs and throws an
/// InternalError for any other, so a passing test suite shows the registry complete.
/// `thermodrift keys` and docs/input.md are printed from it.
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/Input.h"

namespace td {

/// The keys of one input table, or of one model selected in a table.
struct KeyTable {
  /// Dotted path of the table as written in an input ("mesh", "species.boundary.<face>").
  /// A name in angle brackets stands for names the input chooses; a family of models used in
  /// several tables is written "<family>" (e.g. "<temperature_law>").
  std::string table;
  /// Models of a factory: the model's name (value of the family's selector key); else empty.
  std::string type;
  /// Subcommands that read the table, space separated ("run kmc bd").
  std::string commands;
  /// What the table or model is and does: a short Markdown paragraph.
  std::string doc;
  /// Its keys, in reading order. One key may be listed several times with different unit
  /// kinds when its unit depends on another value (e.g. a law's value); listings merge them.
  std::vector<const ParamSpec*> keys;
  /// Factory declarations: the factory's identity (Factory::id()); nullptr for a plain table.
  const void* family = nullptr;
  /// Models of a factory: the selector key of the family (filled in by key_registry::tables()).
  std::string selector = {};
};

/// One registered declaration; construct it at namespace scope, e.g.
/// `const KeyDeclaration kMeshKeys({"mesh", "", "run bd", "The mesh.", {&kDim}});`.
class KeyDeclaration {
 public:
  explicit KeyDeclaration(KeyTable t);
  KeyDeclaration(const KeyDeclaration&) = delete;
  KeyDeclaration& operator=(const KeyDeclaration&) = delete;
  const KeyTable& table() const { return t_; }
  const KeyDeclaration* next() const { return next_; }

 private:
  KeyTable t_;
  const KeyDeclaration* next_;
};

namespace key_registry {

/// True if @p p is a registered spec (compared by address, not by key).
bool declared(const ParamSpec& p);

/// Every declaration; a factory's models carry the table, commands and selector key of their
/// family (models of a factory without a family and without keys, e.g. subcommands, are
/// left out). Sorted by table path (angle brackets ignored), a family before its models,
/// models by name, then by commands. Throws InternalError for a model with keys but no family
/// declaration.
std::vector<KeyTable> tables();

/// Text of one key's type ("real", "integer", "bool", "string", "real array").
std::string type_name(ParamSpec::Type t);

/// The concatenation of key lists (for a declaration that adds its own keys to shared ones).
std::vector<const ParamSpec*> join(std::initializer_list<std::vector<const ParamSpec*>> lists);

/// The declaration of key @p key of the input table at @p table (its dotted path as written in
/// an input, array indices left out: "fit", "species.boundary.xlo"). A table that some
/// declaration names exactly takes only those; elsewhere a name in angle brackets of a
/// declaration stands for any one name, and a family of models used in several tables
/// ("<temperature_law>") for any table. @p value_of gives the string value of another key of
/// that table, or "" where it has none: the selector key that picks a model (`type = "arrhenius"`,
/// else its default) selects the model's declaration. nullptr if no declaration gives the key, or
/// those that do declare different types or ranges.
const ParamSpec* declared_key(const std::string& table,
                              const std::function<std::string(const std::string&)>& value_of,
                              const std::string& key);

/// True if @p table is listed under the filter @p prefix (a dotted prefix of the table path,
/// angle brackets optional); an empty prefix lists everything.
bool matches(const std::string& table, const std::string& prefix);

}  // namespace key_registry

}  // namespace td
