#pragma once
/// @file Factory.h  Registration of models by name (Cantera's Factory, LAMMPS's styles).
///
/// A model file registers itself with a static `Factory<Base, Args...>::Registrar`; the input's
/// `type = "..."` selects it; no central switch lists the models.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

  /// Construct one at namespace scope in the model's .cpp file to register it.
  class Registrar {
   public:
    Registrar(const char* name, const char* doc, Creator create)
        : entry_{name, doc, create, head_} {
      head_ = &entry_;
    }
    Registrar(const Registrar&) = delete;
    Registrar& operator=(const Registrar&) = delete;

   private:
    Entry entry_;
  };

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
