// Large buffers (the run's append-only logs, a sweep's per-replication tables) in transparent huge
// pages where the kernel offers them.
//
// A large run appends hundreds of megabytes to these vectors, and on a virtual machine a first touch of
// each 4 KiB page costs a fault that dominated the run's time; backed by 2 MiB pages the same memory
// faults 512 times less often. glibc serves allocations this large with mmap, so the buffer is private,
// page-aligned anonymous memory; madvise(MADV_HUGEPAGE) on the 2 MiB-aligned part of it is only advice
// (ignored where THP is off), changes no contents and is undone when the buffer is freed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace poweron {

/// The size of a transparent huge page on x86-64 (and the alignment that lets memory use them).
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// `bytes` rounded up to a whole number of huge pages. REQUIRES: bytes <= SIZE_MAX - kHugePageBytes.
inline constexpr std::size_t rounded_to_huge_pages(std::size_t bytes) {
  return (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}

/// Advises the kernel to back [data, data + bytes) with huge pages, rounded inward to 2 MiB boundaries;
/// does nothing for ranges that hold no whole huge page, or where the system does not support it.
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

/// Reserves room for `capacity` elements (if `v` has less): the new buffer is advised before the
/// elements are copied into it, so that the copy itself faults in huge pages.
template <typename T>
void reserve_in_huge_pages(std::vector<T>& v, std::size_t capacity) {
  if (v.capacity() >= capacity) return;
  std::vector<T> bigger;
  bigger.reserve(capacity);
  advise_huge_pages(bigger.data(), bigger.capacity() * sizeof(T));
  bigger.insert(bigger.end(), v.begin(), v.end());
  v.swap(bigger);
}

/// Doubles the buffer of a full `v` in huge pages; out of line, as it runs a few times per run.
template <typename T>
[[gnu::noinline, gnu::cold]] void grow_in_huge_pages(std::vector<T>& v) {
  reserve_in_huge_pages(v, v.capacity() < 64 ? 64 : 2 * v.capacity());
}

/// Appends `value`, doubling the buffer in huge pages when it is full (as push_back would, advised).
template <typename T>
inline void append_in_huge_pages(std::vector<T>& v, const T& value) {
  if (v.size() == v.capacity()) [[unlikely]] grow_in_huge_pages(v);
  v.push_back(value);
}

}  // namespace poweron
