#pragma once
/// @file Factory.h  Registration of models by name (Cantera's Factory, LAMMPS's styles).
///
/// A model file registers itself with a static `Factory<Base, Args...>::Registrar`, which also
/// declares the model's input keys (core/KeyRegistry.h); the input's `type = "..."` selects
/// it; no central switch lists the models. The table and selector key of a factory's models
/// are declared once with a static `Factory<...>::Family`.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/KeyRegistry.h"

namespace td {

template <class Base, class... Args>
class Factory {
 public:
  using Creator = std::unique_ptr<Base> (*)(Args...);

  /// One registered model; entries form an intrusive list so that registration needs no
  /// dynamically initialised container (no static-initialisation-order problem).
  struct Entry {
    const char* name;
    const char* doc;
    Creator create;
    const Entry* next;
  };

  /// Construct one at namespace scope in the model's .cpp file to register it with the keys
  /// it reads (namespace-scope or static-member ParamSpec objects) and a doc paragraph.
  class Registrar {
   public:
    Registrar(const char* name, const char* doc, Creator create,
              std::vector<const ParamSpec*> keys = {})
        : entry_{name, doc, create, head_}, keys_({"", name, "", doc, std::move(keys), id()}) {
      head_ = &entry_;
    }
    Registrar(const Registrar&) = delete;
    Registrar& operator=(const Registrar&) = delete;

   private:
    Entry entry_;
    KeyDeclaration keys_;
  };

  /// The table that selects this factory's models: construct one at namespace scope where
  /// the selector is read. @p selector is the selector key (its choices are usually
  /// `&Factory::names`), @p shared further keys of the table read for every model.
  class Family {
   public:
    Family(std::string table, const ParamSpec& selector, std::string commands, std::string doc,
           std::vector<const ParamSpec*> shared = {})
        : decl_({std::move(table), "", std::move(commands), std::move(doc), with(selector, shared),
                 id()}) {}

   private:
    static std::vector<const ParamSpec*> with(const ParamSpec& first,
                                              std::vector<const ParamSpec*> rest) {
      rest.insert(rest.begin(), &first);
      return rest;
    }
    KeyDeclaration decl_;
  };

  /// Identity of this factory in the key registry.
  static const void* id() { return &head_; }

  /// The registered entry called @p name, or nullptr.
  static const Entry* find(std::string_view name) {
    for (const Entry* e = head_; e != nullptr; e = e->next)
      if (name == e->name) return e;
    return nullptr;
  }

  /// All registered names, sorted.
  static std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const Entry* e = head_; e != nullptr; e = e->next) out.emplace_back(e->name);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  // Constant-initialised (nullptr), hence set before any Registrar runs.
  static inline const Entry* head_ = nullptr;
};

}  // namespace td
