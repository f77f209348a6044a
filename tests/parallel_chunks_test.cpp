#include "parallel_chunks.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <vector>

namespace poweron {
namespace {

TEST(ParallelChunks, CoversEveryIndexExactlyOnceForAnyThreadCount) {
  for (const std::size_t count : {0u, 1u, 2u, 5u, 17u, 100u}) {
    for (const int threads : {-1, 0, 1, 2, 3, 7, 200}) {
      std::vector<int> hits(count, 0);  // parts are disjoint, so no two threads write one element
      parallel_chunks(count, threads, [&](std::size_t begin, std::size_t end) {
        ASSERT_LE(begin, end);
        ASSERT_LE(end, count);
        for (std::size_t i = begin; i < end; ++i) ++hits[i];
      });
      EXPECT_EQ(hits, std::vector<int>(count, 1)) << count << " items, " << threads << " threads";
    }
  }
}

TEST(ParallelChunks, RethrowsAPartsFailureAfterEveryPartFinished) {
  std::vector<int> done(4, 0);
  EXPECT_THROW(parallel_chunks(4, 4,
                               [&](std::size_t begin, std::size_t) {
                                 done[begin] = 1;
                                 if (begin == 2) throw std::runtime_error("part 2 failed");
                               }),
               std::runtime_error);
  EXPECT_EQ(done, (std::vector<int>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace poweron
