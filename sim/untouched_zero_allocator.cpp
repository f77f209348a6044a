#include "poweron/untouched_zero_allocator.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

#include "huge_pages.hpp"

namespace poweron::detail {

void* allocate_untouched_zero(std::size_t bytes) {
  if (bytes < kHugeAllocationBytes) {
    void* memory = std::calloc(bytes == 0 ? 1 : bytes, 1);
    if (memory == nullptr) throw std::bad_alloc();
    return memory;
  }
  if (bytes > SIZE_MAX - 2 * kHugePageBytes) throw std::bad_alloc();
  const std::size_t size = rounded_to_huge_pages(bytes);
  // Map a huge page more than needed and keep the 2 MiB-aligned part: every page of it can be huge.
  void* mapped = mmap(nullptr, size + kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<std::uintptr_t>(mapped);
  const std::uintptr_t aligned = rounded_to_huge_pages(begin);
  if (aligned > begin) munmap(mapped, aligned - begin);
  if (const std::uintptr_t tail = begin + kHugePageBytes - aligned; tail > 0) {
    munmap(reinterpret_cast<void*>(aligned + size), tail);
  }
  advise_huge_pages(reinterpret_cast<void*>(aligned), size);  // aligned at both ends: all of it
  return reinterpret_cast<void*>(aligned);
}

void free_untouched_zero(void* memory, std::size_t bytes) noexcept {
  if (memory == nullptr) return;
  if (bytes < kHugeAllocationBytes) {
    std::free(memory);
  } else {
    munmap(memory, rounded_to_huge_pages(bytes));
  }
}

}  // namespace poweron::detail
