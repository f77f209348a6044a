// An allocator for large tables written once, in parts, by several threads: zeroed memory, left
// untouched until written, and for large tables backed by huge pages.
#pragma once

#include <cstddef>
#include <limits>
#include <new>
#include <type_traits>

namespace poweron {
namespace detail {

/// `bytes` of zeroed memory, no page of it touched. At kHugeAllocationBytes and above: its own mapping,
/// aligned to and rounded up to 2 MiB and advised into transparent huge pages, so that its first touches
/// fault a 2 MiB page each where the kernel offers them (a 4 KiB fault costs about as much as zeroing a
/// 2 MiB page on a virtual machine); below, calloc's. Throws std::bad_alloc.
void* allocate_untouched_zero(std::size_t bytes);
/// Frees what allocate_untouched_zero(bytes) returned (the same `bytes`).
void free_untouched_zero(void* memory, std::size_t bytes) noexcept;
/// The size from which allocate_untouched_zero maps huge pages.
inline constexpr std::size_t kHugeAllocationBytes = std::size_t{256} << 10;

}  // namespace detail

/// Allocates zeroed memory that stays untouched until used (detail::allocate_untouched_zero), and leaves
/// value-initialized elements to that zero: a large vector of it costs no page until an element is
/// written. For trivially copyable types whose all-zero bytes are their zero value.
template <typename T>
struct UntouchedZeroAllocator {
  static_assert(std::is_trivially_copyable_v<T>);
  using value_type = T;
  UntouchedZeroAllocator() = default;
  template <typename U>
  UntouchedZeroAllocator(const UntouchedZeroAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(detail::allocate_untouched_zero(n * sizeof(T)));
  }
  void deallocate(T* memory, std::size_t n) noexcept { detail::free_untouched_zero(memory, n * sizeof(T)); }
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
