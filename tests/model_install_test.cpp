// SPEC 3.3: crews, chunks, install durations, burn-in, failures (cumulative rounding in point runs,
// per-chunk binomial draws when sampled) and RMA returns. Expectations worked out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model_test_support.hpp"

namespace poweron {
namespace {

using namespace test_support;
using Strings = std::vector<std::string>;

// One owner "a", one site "s" with 100 slots; the caller sets install and orders.
ScenarioBuilder one_site() {
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 100);
  return b;
}

TEST(ModelInstall, CrewsTakeChunksOfFloorRateFromTheOldestPlacement) {
  // 2 crews, 10 chips per crew-day, 35 chips placed at 0. At 0 both crews take a chunk of 10 from the
  // one placement (one job of 20), done at 1. At 1: 15 left, one full chunk of 10 (done at 2) and the
  // remainder of 5 on the other crew (5/10 days: done at 1.5).
  ScenarioBuilder b = one_site();
  b.install("s", 2, 10.0);
  b.order("o", "a", "H100", 35, 0);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kInstallStart, EventKind::kInstallDone}),
            (Strings{"0 install_start a s o 0 20", "1 install_done a s o 0 20", "1 install_start a s o 0 10",
                     "1 install_start a s o 0 5", "1.5 install_done a s o 0 5", "2 install_done a s o 0 10"}));
  EXPECT_EQ(count_at(t, 0, ChipState::kQueued), 15);
  EXPECT_EQ(count_at(t, 0, ChipState::kInstalling), 20);
  EXPECT_EQ(count_at(t, 1, ChipState::kPowered), 20);
  EXPECT_EQ(count_at(t, 1.5, ChipState::kPowered), 25);
  EXPECT_EQ(count_at(t, 2, ChipState::kPowered), 35);
}

TEST(ModelInstall, ChunksNeverMixPlacements) {
  // One crew at 10 chips/day; orders a and b place 5 chips each at 0. The crew takes a's 5 alone
  // (0.5 days), then b's 5 (done at 1.0), never one chunk of 10.
  ScenarioBuilder b = one_site();
  b.install("s", 1, 10.0);
  b.order("a", "a", "H100", 5, 0);
  b.order("b", "a", "H100", 5, 0);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kInstallStart, EventKind::kInstallDone}),
            (Strings{"0 install_start a s a 0 5", "0.5 install_done a s a 0 5", "0.5 install_start a s b 0 5",
                     "1 install_done a s b 0 5"}));
}

TEST(ModelInstall, FractionalRateChunkIsFloorAndTakesNOverRateDays) {
  // Rate 2.5: chunks of floor(2.5) = 2 chips taking 2 / 2.5 = 0.8 days; 5 chips on one crew:
  // 2 (0 -> 0.8), 2 (0.8 -> 1.6), 1 (1.6 -> 2.0, 1 / 2.5 = 0.4 days).
  ScenarioBuilder b = one_site();
  b.install("s", 1, 2.5);
  b.order("o", "a", "H100", 5, 0);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  const auto done = events_of(t, EventKind::kInstallDone);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_NEAR(done[0].time, 0.8, 1e-12);
  EXPECT_EQ(done[0].gpus, 2);
  EXPECT_NEAR(done[1].time, 1.6, 1e-12);
  EXPECT_EQ(done[1].gpus, 2);
  EXPECT_EQ(done[2].time, 2.0);  // 1.6 + 0.4 snaps to the whole day
  EXPECT_EQ(done[2].gpus, 1);
}

TEST(ModelInstall, UnlimitedCrewsStartEveryChunkAtOnce) {
  // Unlimited crews at 10 chips/day, 25 chips: two chunks of 10 (one job, done at 1) and one of 5
  // (done at 0.5), all started at 0.
  ScenarioBuilder b = one_site();
  b.install("s", std::nullopt, 10.0);
  b.order("o", "a", "H100", 25, 0);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kInstallStart, EventKind::kInstallDone}),
            (Strings{"0 install_start a s o 0 20", "0 install_start a s o 0 5", "0.5 install_done a s o 0 5",
                     "1 install_done a s o 0 20"}));
}

TEST(ModelInstall, UnlimitedRateTakesNoTime) {
  // One crew, unlimited rate: each lot (2 lots of 5 arriving at 3) installs at once; the crew is free
  // again in the same instant and takes the second lot. Everything is powered at 3.
  ScenarioBuilder b = one_site();
  b.install("s", 1, std::nullopt);
  b.order("o", "a", "H100", 10, 3, 2);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kInstallStart, EventKind::kInstallDone}),
            (Strings{"3 install_start a s o 0 5", "3 install_done a s o 0 5", "3 install_start a s o 1 5",
                     "3 install_done a s o 1 5"}));
  EXPECT_EQ(count_at(t, 3, ChipState::kPowered), 10);
}

TEST(ModelBurnIn, CumulativeFailuresRoundHalfUpAndReturnAfterRmaDays) {
  // 15 slots, burn-in 3 days, failure rate 0.1, RMA 5 days; lots of 5 arrive at 0, 10, 20.
  // Burn-in ends and cumulative failures round-half-up(finished x 0.1):
  //   3: lot 0, finished 5 -> round(0.5) = 1: 1 fails (returns at 8, re-placed, burn-in ends 11)
  //   11: the returned chip, finished 6 -> round(0.6) = 1: 0 more
  //   13: lot 1, finished 11 -> 1: 0 more
  //   23: lot 2, finished 16 -> round(1.6) = 2: 1 fails (returns at 28, burn-in ends 31)
  //   31: finished 17 -> round(1.7) = 2: 0 more. All 15 end powered.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 15);
  b.install("s", std::nullopt, std::nullopt, 3, 0.1, 5);
  b.order("o", "a", "H100", 15, 0, 3, 10);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kBurnInPass, EventKind::kBurnInFail, EventKind::kRmaReturn}),
            (Strings{"3 burn_in_pass a s o 0 4", "3 burn_in_fail a s o 0 1", "8 rma_return a - o 0 1",
                     "11 burn_in_pass a s o 0 1", "13 burn_in_pass a s o 1 5", "23 burn_in_pass a s o 2 4",
                     "23 burn_in_fail a s o 2 1", "28 rma_return a - o 2 1", "31 burn_in_pass a s o 2 1"}));
  EXPECT_EQ(count_at(t, 4, ChipState::kRma), 1);
  EXPECT_EQ(count_at(t, 8, ChipState::kRma), 0);
  EXPECT_EQ(count_at(t, 8, ChipState::kBurnIn), 1);  // re-placed and installed at once
  EXPECT_EQ(count_at(t, 99, ChipState::kPowered), 15);
}

TEST(ModelBurnIn, HalfUpRoundingIsRobustToBinaryFractions) {
  // 10 x 0.15 is 1.5 in decimal (not exactly in binary): round half up gives 2. 2 x 0.25 = 0.5 -> 1.
  for (const auto& [quantity, rate, expected] :
       std::vector<std::tuple<std::int64_t, double, std::int64_t>>{{10, 0.15, 2}, {2, 0.25, 1}, {7, 0.35, 2}}) {
    ScenarioBuilder b = one_site();
    b.install("s", std::nullopt, std::nullopt, 1, rate, 1000);
    b.order("o", "a", "H100", quantity, 0);
    const SimulationTrace t = run_point(b.build());
    const auto failed = events_of(t, EventKind::kBurnInFail);
    ASSERT_EQ(failed.size(), 1u) << quantity << " x " << rate;
    EXPECT_EQ(failed[0].gpus, expected) << quantity << " x " << rate;  // 7 x 0.35 = 2.45 -> 2
  }
}

TEST(ModelBurnIn, RmaReturnsGoBackToTheOrdersFixedSite) {
  // Order fixed to F (2 slots, priority 2, failure rate 0.5, burn-in 1, RMA 2); G (priority 1) is empty.
  // 1: finished 2 -> 1 fails, back at 3, placed at F again; 4: finished 3 -> round(1.5) = 2: 1 more
  // fails, back at 6, placed at F; 7: finished 4 -> 2: none. G never gets a chip.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("F", "a", 2);
  b.site("G", "a", 1);
  b.phase("F", "p", 2);
  b.phase("G", "p", 100);
  b.install("F", std::nullopt, std::nullopt, 1, 0.5, 2);
  b.order("o", "a", "H100", 2, 0).site = "F";
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPlace, EventKind::kBurnInFail}),
            (Strings{"0 place a F o 0 2", "1 burn_in_fail a F o 0 1", "3 place a F o 0 1",
                     "4 burn_in_fail a F o 0 1", "6 place a F o 0 1"}));
  EXPECT_EQ(count_at(t, 7, ChipState::kPowered), 2);
}

TEST(ModelBurnIn, ZeroDurationFailLoopSettlesWithinTheInstant) {
  // Instant install, no burn-in, RMA 0 days, rate 0.5, 2 chips at 1: finished 2 -> 1 fails and is
  // back at once; finished 3 -> round(1.5) = 2: it fails again; finished 4 -> 2: passes. All at t=1.
  ScenarioBuilder b = one_site();
  b.install("s", std::nullopt, std::nullopt, 0, 0.5, 0);
  b.order("o", "a", "H100", 2, 1);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kBurnInPass, EventKind::kBurnInFail}),
            (Strings{"1 burn_in_pass a s o 0 1", "1 burn_in_fail a s o 0 1", "1 burn_in_fail a s o 0 1",
                     "1 burn_in_pass a s o 0 1"}));
  EXPECT_EQ(count_at(t, 1, ChipState::kPowered), 2);
}

TEST(ModelBurnIn, SampledRunsDrawFailuresPerChunkKeyedByLotAndChunk) {
  // One crew at 2 chips/day, failure rate 0.5, no burn-in, RMA 0; the sampler fails floor(n / 2).
  // 0: chunk 0 (2 chips) -> done 1, 1 fails, back at once and placed behind the rest of the lot.
  // 1: chunk 1 (2 chips of the first placement) -> done 2, 1 fails and is placed again.
  // 2: chunk 2 (the last chip of the first placement) -> 2.5, 0 fail. 2.5: chunk 3 (the chip returned
  // at 1) -> 3. 3: chunk 4 (returned at 2) -> 3.5. All 5 powered at 3.5.
  ScenarioBuilder b = one_site();
  b.install("s", 1, 2.0, 0, 0.5, 0);
  b.order("o", "a", "H100", 5, 0);
  const Scenario s = b.build();
  TestSampler sampler([](std::int64_t n, double p, const std::string&) {
    EXPECT_EQ(p, 0.5);
    return n / 2;
  });
  RunOptions options;
  options.record_events = true;
  const SimulationTrace t = Simulator(s).run(constant_inputs(s), sampler, options);
  EXPECT_EQ(sampler.addresses,
            (Strings{"orders.o.lots.0.chunks.0.failures", "orders.o.lots.0.chunks.1.failures",
                     "orders.o.lots.0.chunks.2.failures", "orders.o.lots.0.chunks.3.failures",
                     "orders.o.lots.0.chunks.4.failures"}));
  EXPECT_EQ(describe_events(s, t, {EventKind::kBurnInFail}),
            (Strings{"1 burn_in_fail a s o 0 1", "2 burn_in_fail a s o 0 1"}));
  EXPECT_EQ(count_at(t, 3.4, ChipState::kPowered), 4);
  EXPECT_EQ(count_at(t, 3.5, ChipState::kPowered), 5);
}

}  // namespace
}  // namespace poweron
