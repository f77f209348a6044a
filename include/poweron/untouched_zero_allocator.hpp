// An allocator for large tables written once, in parts, by several threads: calloc's memory, left
// untouched until written.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

namespace poweron {

/// Allocates zeroed memory that stays untouched until used (calloc: fresh pages from the kernel, already
/// zero), and leaves value-initialized elements to that zero: a large vector of it costs no page until
/// an element is written. For trivially copyable types whose all-zero bytes are their zero value.
template <typename T>
struct UntouchedZeroAllocator {
  static_assert(std::is_trivially_copyable_v<T>);
  using value_type = T;
  UntouchedZeroAllocator() = default;
  template <typename U>
  UntouchedZeroAllocator(const UntouchedZeroAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    void* memory = std::calloc(n, sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T*>(memory);
  }
  void deallocate(T* memory, std::size_t) noexcept { std::free(memory); }
  template <typename U>
  void construct(U*) noexcept {}  // value-initialization: the memory is zero already
  template <typename U, typename... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(static_cast<Args&&>(args)...);
  }
  template <typename U>
  bool operator==(const UntouchedZeroAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace poweron
