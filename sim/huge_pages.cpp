#include "huge_pages.hpp"

#include <sys/mman.h>

namespace poweron {

void advise_huge_pages(void* data, std::size_t bytes) noexcept {
#ifdef MADV_HUGEPAGE
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = rounded_to_huge_pages(begin);
  const std::uintptr_t last = (begin + bytes) & ~std::uintptr_t{kHugePageBytes - 1};
  if (data == nullptr || last <= first) return;
  // Advice only: a failure (e.g. EINVAL where THP is compiled out) leaves ordinary pages.
  (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace poweron
