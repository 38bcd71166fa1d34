#pragma once
/// @file UninitializedVector.h  A std::vector whose resize() leaves new elements of a trivial
/// type unset, for large arrays that are written in full before they are read.
///
/// Why: zero-filling an array that assembly overwrites next costs a pass over its memory.
/// At 1024^2 the struct operator's stencil (40 MiB) and the single-precision multigrid's
/// coefficients (about 32 MiB over the levels) were filled with zeros at every steady
/// solve's set-up, then written again entry by entry.
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace td {

/// std::allocator, but value-initialisation (construct(p) without arguments, as resize(n)
/// and vector(n) do) default-initialises instead: trivial types are left unset.
template <class T>
class DefaultInitAllocator : public std::allocator<T> {
  using Base = std::allocator<T>;

 public:
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  // std::allocator's constructors, its converting one included (from the base of any
  // DefaultInitAllocator<U>)
  using Base::Base;

  /// Default-initialise *@p p (no value for a trivial type).
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  /// Construct *@p p from @p args, as std::allocator does.
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::allocator_traits<Base>::construct(static_cast<Base&>(*this), p,
                                           std::forward<Args>(args)...);
  }
};

/// A vector whose resize() leaves new elements of a trivial type unset: the caller writes
/// every element before it reads one.
template <class T>
using UninitializedVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace td
