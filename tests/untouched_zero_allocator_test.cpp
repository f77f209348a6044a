// UntouchedZeroAllocator: zeroed memory below and above the huge-page size, the large mappings aligned to
// 2 MiB, contents kept by a vector that grows, and sizes that cannot be allocated rejected.
#include "poweron/untouched_zero_allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <new>
#include <vector>

namespace poweron {
namespace {

bool all_zero(const unsigned char* bytes, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

TEST(UntouchedZeroAllocator, SmallAndLargeAllocationsAreZeroedAndWritable) {
  for (const std::size_t bytes : {std::size_t{1}, std::size_t{4096}, detail::kHugeAllocationBytes - 1,
                                  detail::kHugeAllocationBytes, (std::size_t{3} << 20) + 5}) {
    auto* memory = static_cast<unsigned char*>(detail::allocate_untouched_zero(bytes));
    ASSERT_NE(memory, nullptr);
    EXPECT_TRUE(all_zero(memory, bytes)) << bytes << " bytes";
    for (std::size_t i = 0; i < bytes; ++i) memory[i] = static_cast<unsigned char>(i * 7 + 1);
    for (std::size_t i = 0; i < bytes; i += 997) ASSERT_EQ(memory[i], static_cast<unsigned char>(i * 7 + 1));
    if (bytes >= detail::kHugeAllocationBytes) {
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(memory) % (std::uintptr_t{2} << 20), 0u) << bytes << " bytes";
    }
    detail::free_untouched_zero(memory, bytes);
  }
  detail::free_untouched_zero(nullptr, 1 << 20);  // like free(nullptr)
}

TEST(UntouchedZeroAllocator, VectorsStartZeroAndKeepTheirContentsWhenTheyGrow) {
  std::vector<double, UntouchedZeroAllocator<double>> table(1000);
  for (const double v : table) ASSERT_EQ(v, 0.0);
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = static_cast<double>(i) + 0.5;
  table.resize(1 << 20);  // from calloc's memory into a mapping of its own
  for (std::size_t i = 0; i < 1000; ++i) ASSERT_EQ(table[i], static_cast<double>(i) + 0.5);
  for (std::size_t i = 1000; i < table.size(); i += 4099) ASSERT_EQ(table[i], 0.0);
  EXPECT_EQ(table.back(), 0.0);
}

TEST(UntouchedZeroAllocator, SizesBeyondTheAddressSpaceThrowBadAlloc) {
  UntouchedZeroAllocator<double> allocator;
  EXPECT_THROW((void)allocator.allocate(std::numeric_limits<std::size_t>::max() / sizeof(double) + 1), std::bad_alloc);
  EXPECT_THROW((void)detail::allocate_untouched_zero(std::numeric_limits<std::size_t>::max() - 100), std::bad_alloc);
  EXPECT_THROW((void)detail::allocate_untouched_zero(std::size_t{1} << 62), std::bad_alloc);
}

}  // namespace
}  // namespace poweron
