#include "poweron/untouched_zero_allocator.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

#include "huge_pages.hpp"

namespace poweron::detail {
namespace {

constexpr std::size_t kHugePage = kHugePageBytes;

std::size_t huge_rounded(std::size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }

}  // namespace

void* allocate_untouched_zero(std::size_t bytes) {
  if (bytes < kHugeAllocationBytes) {
    void* memory = std::calloc(bytes == 0 ? 1 : bytes, 1);
    if (memory == nullptr) throw std::bad_alloc();
    return memory;
  }
  if (bytes > SIZE_MAX - 2 * kHugePage) throw std::bad_alloc();
  const std::size_t size = huge_rounded(bytes);
  // Map a huge page more than needed and keep the 2 MiB-aligned part: every page of it can be huge.
  void* mapped = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<std::uintptr_t>(mapped);
  const std::uintptr_t aligned = (begin + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
  if (aligned > begin) munmap(mapped, aligned - begin);
  if (const std::uintptr_t tail = begin + kHugePage - aligned; tail > 0) {
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
    munmap(memory, huge_rounded(bytes));
  }
}

}  // namespace poweron::detail
