#include "parallel_work.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <thread>
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

TEST(StartBeside, DeferredWorkRunsOnTheCallersThreadAtGet) {
  bool ran = false;
  std::future<std::thread::id> deferred = start_beside(
      [&ran] {
        ran = true;
        return std::this_thread::get_id();
      },
      false);
  EXPECT_FALSE(ran);  // nothing happens before get()
  EXPECT_EQ(deferred.get(), std::this_thread::get_id());
  EXPECT_TRUE(ran);
}

TEST(StartBeside, ThreadedWorkGivesItsResultAndItsException) {
  EXPECT_EQ(start_beside([] { return 6 * 7; }).get(), 42);
  std::future<void> failing = start_beside([] { throw std::runtime_error("work failed"); });
  EXPECT_THROW(failing.get(), std::runtime_error);
}

}  // namespace
}  // namespace poweron
