// Metrics (SPEC 4) from hand-made change logs; expectations computed by hand in the comments.
#include "poweron/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <cmath>

#include "poweron/date.hpp"
#include "poweron/result.hpp"
#include "poweron/run_accumulator.hpp"
#include "poweron/timeline.hpp"

namespace poweron {
namespace {

constexpr double kStart = kBeforeStart;

Date day(const char* text) { return *parse_date(text); }

// 2024-01-01 .. 2024-01-10: E = 9, the integrals run over [0, 10).
Scenario base_scenario() {
  Scenario s;
  s.name = "t";
  s.start = day("2024-01-01");
  s.end = day("2024-01-10");
  s.skus = {{"A", 1.0, 36500, 1000}, {"B", 2.0, 3650, 500}};
  s.owners = {{"a", 0.1, {}}, {"b", 0.2, {}}};
  Site s0;
  s0.id = "s0";
  s0.owner = "a";
  s0.pue = 1.5;
  Site s1;
  s1.id = "s1";
  s1.owner = "a";
  s1.pue = 1.25;
  Site s2;
  s2.id = "s2";
  s2.owner = "b";
  s.sites = {s0, s1, s2};
  return s;
}

StateChange change(double time, int owner, int site, int sku, ChipState state, std::int64_t delta) {
  return {time, owner, site, sku, state, delta};
}

TEST(Metrics, IntegratesOneLotThroughEveryState) {
  const Scenario s = base_scenario();
  using S = ChipState;
  const std::vector<StateChange> log = {
      change(kStart, 0, -1, 0, S::kOrdered, 100),
      change(2, 0, -1, 0, S::kOrdered, -100), change(2, 0, -1, 0, S::kWarehouse, 100),
      change(4, 0, -1, 0, S::kWarehouse, -100), change(4, 0, 0, 0, S::kQueued, 100),
      change(5, 0, 0, 0, S::kQueued, -100), change(5, 0, 0, 0, S::kInstalled, 100),
      change(6.5, 0, 0, 0, S::kInstalled, -100), change(6.5, 0, 0, 0, S::kPowered, 100),
      change(12, 0, 0, 0, S::kPowered, -100),  // after E + 1 = 10: ignored
  };
  const RunMetrics m = compute_metrics(s, log);
  ASSERT_EQ(m.values.size(), 3u);
  const auto& a = m.values[0];
  ASSERT_EQ(a.size(), kBaseMetricCount);
  EXPECT_DOUBLE_EQ(a[kWarehouseGpuDays], 200);   // 100 chips over [2, 4)
  EXPECT_DOUBLE_EQ(a[kQueuedGpuDays], 100);      // [4, 5)
  EXPECT_DOUBLE_EQ(a[kUnpoweredGpuDays], 150);   // [5, 6.5)
  EXPECT_DOUBLE_EQ(a[kPoweredGpuDays], 350);     // [6.5, 10)
  EXPECT_DOUBLE_EQ(a[kIdleGpuDays], 450);
  EXPECT_DOUBLE_EQ(a[kIdleCapitalCost], 4500);   // 450 * 36500 * 0.1 / 365
  EXPECT_DOUBLE_EQ(a[kComputeEflopDays], 0.35);  // 350 * 1000 / 1e6
  EXPECT_DOUBLE_EQ(a[kEnergyMwh], 12.6);         // 350 * 1 kW * pue 1.5 * 24 / 1000
  EXPECT_DOUBLE_EQ(a[kFinalPowered], 100);       // the removal at t = 12 is after the end
  for (std::size_t k = 0; k < kBaseMetricCount; ++k) {
    EXPECT_DOUBLE_EQ(m.values[1][k], 0) << kBaseMetricNames[k];
    EXPECT_DOUBLE_EQ(m.values[2][k], a[k]) << kBaseMetricNames[k];  // all = a + b
  }
}

TEST(Metrics, IdleCapitalUsesTheCurrentOwnersRateAfterAnOwnerChange) {
  const Scenario s = base_scenario();
  using S = ChipState;
  // 10 chips of B (price 3650) wait in a's warehouse from 0, move to b at 4 (a redirection).
  const std::vector<StateChange> log = {
      change(0, 0, -1, 1, S::kWarehouse, 10),
      change(4, 0, -1, 1, S::kWarehouse, -10), change(4, 1, -1, 1, S::kWarehouse, 10),
  };
  const RunMetrics m = compute_metrics(s, log);
  EXPECT_DOUBLE_EQ(m.values[0][kIdleGpuDays], 40);      // 10 * [0, 4)
  EXPECT_DOUBLE_EQ(m.values[0][kIdleCapitalCost], 40);  // 40 * 3650 * 0.1 / 365
  EXPECT_DOUBLE_EQ(m.values[1][kIdleGpuDays], 60);      // 10 * [4, 10)
  EXPECT_DOUBLE_EQ(m.values[1][kIdleCapitalCost], 120);  // 60 * 3650 * 0.2 / 365
  EXPECT_DOUBLE_EQ(m.values[2][kIdleCapitalCost], 160);
  EXPECT_DOUBLE_EQ(m.values[2][kWarehouseGpuDays], 100);
}

TEST(Metrics, EnergyUsesEachSitesPueAndChangesBeforeStartCountFromZero) {
  const Scenario s = base_scenario();
  using S = ChipState;
  const std::vector<StateChange> log = {
      change(-3, 0, 0, 1, S::kPowered, 10),  // before start: powered over all of [0, 10)
      change(5, 0, 1, 1, S::kPowered, 8),
  };
  const RunMetrics m = compute_metrics(s, log);
  // 10 * 10 days * 2 kW * 1.5 * 24 / 1000 = 7.2; 8 * 5 * 2 * 1.25 * 24 / 1000 = 2.4.
  EXPECT_NEAR(m.values[0][kEnergyMwh], 9.6, 1e-12);
  EXPECT_DOUBLE_EQ(m.values[0][kPoweredGpuDays], 140);
  EXPECT_DOUBLE_EQ(m.values[0][kComputeEflopDays], 0.07);  // 140 * 500 / 1e6
  EXPECT_DOUBLE_EQ(m.values[0][kFinalPowered], 18);
}

Scenario scenario_with_targets() {
  Scenario s = base_scenario();
  s.owners[0].targets = {
      {"early", day("2023-06-01"), 120, std::nullopt},  // judged before start: clamped to day 0
      {"late", day("2030-01-01"), 500, std::nullopt},   // judged after end: clamped to day 9
      {"mid", day("2024-01-08"), 150, std::nullopt},
      {"only-b", day("2024-01-10"), 50, std::string("B")},
      {"zero", day("2024-01-05"), 0, std::nullopt},
  };
  return s;
}

TEST(Metrics, TargetDatesAndShortfalls) {
  const Scenario s = scenario_with_targets();
  using S = ChipState;
  const std::vector<StateChange> log = {
      change(0, 0, 0, 0, S::kPowered, 100),            // day 0: 100
      change(5 - 1e-10, 0, 0, 0, S::kPowered, 60),     // snapped to 5: counts from the end of day 5
      change(7, 0, 1, 1, S::kPowered, 50),             // B chips from day 7
      change(8, 1, 2, 0, S::kPowered, 1000),           // another owner never counts
  };
  const RunMetrics m = compute_metrics(s, log);
  const auto names = metric_names(s, 0);
  ASSERT_EQ(names.size(), kBaseMetricCount + 10);
  ASSERT_EQ(m.values[0].size(), names.size());
  auto value = [&](const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return m.values[0][static_cast<std::size_t>(it - names.begin())];
  };
  // early: 120 first reached at the end of day 5 (160); judged at day 0 (100): shortfall 20.
  EXPECT_EQ(value("target.early.date"), day("2024-01-06"));
  EXPECT_EQ(value("target.early.shortfall"), 20);
  // late: 500 never reached; judged at the end (210 powered): shortfall 290.
  EXPECT_TRUE(std::isnan(value("target.late.date")));
  EXPECT_EQ(value("target.late.shortfall"), 290);
  // mid: reached on day 5 (2024-01-06), before its date: no shortfall.
  EXPECT_EQ(value("target.mid.date"), day("2024-01-06"));
  EXPECT_EQ(value("target.mid.shortfall"), 0);
  // only-b: 50 B chips from day 7.
  EXPECT_EQ(value("target.only-b.date"), day("2024-01-08"));
  EXPECT_EQ(value("target.only-b.shortfall"), 0);
  // zero: met at the end of the first day.
  EXPECT_EQ(value("target.zero.date"), day("2024-01-01"));
  EXPECT_EQ(m.values[0][kFinalPowered], 210);
  EXPECT_EQ(m.values[2].size(), kBaseMetricCount);  // `all` has no targets
  EXPECT_EQ(m.values[2][kFinalPowered], 1210);
}

TEST(Metrics, NamesListBaseMetricsThenTargetsInIdOrder) {
  const Scenario s = scenario_with_targets();
  const auto names = metric_names(s, 0);
  EXPECT_EQ(names[0], "powered_gpu_days");
  EXPECT_EQ(names[8], "final_powered");
  EXPECT_EQ(names[9], "target.early.date");
  EXPECT_EQ(names[10], "target.early.shortfall");
  EXPECT_EQ(names[17], "target.zero.date");
  EXPECT_EQ(metric_names(s, 1).size(), kBaseMetricCount);
  EXPECT_EQ(metric_names(s, 2).size(), kBaseMetricCount);  // all
  EXPECT_TRUE(is_date_metric("target.x.date"));
  EXPECT_FALSE(is_date_metric("target.x.shortfall"));
  EXPECT_FALSE(is_date_metric("final_powered"));
}

TEST(Metrics, RejectsAChangeWithAnInvalidIndex) {
  const Scenario s = base_scenario();
  EXPECT_THROW(compute_metrics(s, {change(0, 2, -1, 0, ChipState::kWarehouse, 1)}), InternalError);
  EXPECT_THROW(compute_metrics(s, {change(0, 0, 3, 0, ChipState::kPowered, 1)}), InternalError);
  EXPECT_THROW(compute_metrics(s, {change(0, 0, -1, 2, ChipState::kWarehouse, 1)}), InternalError);
  EXPECT_THROW(compute_metrics(s, {change(0, 0, 0, 0, ChipState::kWarehouse, 1)}), InternalError);
  EXPECT_THROW(compute_metrics(s, {change(0, 1, 0, 0, ChipState::kPowered, 1)}), InternalError);  // s0 is a's
}

// Chips that enter and leave a state within one instant add nothing: with many fractional times and
// other chips in the same states in between, the integrals are exact (sums of whole ticks), so the
// pass-through leaves no rounding residue (summing delta * (E + 1 - t) in doubles, in this order, left
// 2.3e-13 unpowered GPU-days here), and any order of the same changes gives the same bits.
TEST(Metrics, ChipsPassingThroughAStateInOneInstantAddExactlyZeroInAnyOrder) {
  const Scenario s = base_scenario();
  using S = ChipState;
  std::vector<StateChange> log;
  std::uint64_t state = 12345;
  auto next_time = [&] {  // a fraction with many binary digits in [0, 9)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53 * 9.0;
  };
  for (int i = 0; i < 500; ++i) {
    const double t = next_time();
    const std::int64_t n = 1 + i % 97;
    const std::int64_t k = 1 + i % 13;
    // n chips at site 0 and k at site 1 pass through `installed` at t (installed, then powered at once) ...
    log.push_back(change(t, 0, 0, 0, S::kInstalled, n));
    log.push_back(change(t, 0, 1, 0, S::kInstalled, k));
    log.push_back(change(t, 0, 0, 0, S::kInstalled, -n));
    log.push_back(change(t, 0, 1, 0, S::kInstalled, -k));
    log.push_back(change(t, 0, 0, 0, S::kPowered, n));
    log.push_back(change(t, 0, 1, 0, S::kPowered, k));
    // ... while other chips wait in `queued` of the same site from t on.
    log.push_back(change(t, 0, 0, 0, S::kQueued, 3));
  }
  std::stable_sort(log.begin(), log.end(),
                   [](const StateChange& a, const StateChange& b) { return a.time < b.time; });
  const RunMetrics m = compute_metrics(s, log);
  EXPECT_EQ(m.values[0][kUnpoweredGpuDays], 0.0);
  EXPECT_EQ(m.values[2][kUnpoweredGpuDays], 0.0);
  EXPECT_GT(m.values[0][kQueuedGpuDays], 0.0);
  EXPECT_EQ(m.values[0][kFinalPowered], static_cast<double>(std::accumulate(
      log.begin(), log.end(), std::int64_t{0},
      [](std::int64_t sum, const StateChange& c) { return c.state == S::kPowered ? sum + c.delta : sum; })));
  EXPECT_EQ(m.values[0][kIdleGpuDays], m.values[0][kQueuedGpuDays]);

  std::vector<StateChange> reversed(log.rbegin(), log.rend());
  const RunMetrics r = compute_metrics(s, reversed);
  for (std::size_t k = 0; k < kBaseMetricCount; ++k) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(r.values[0][k]), std::bit_cast<std::uint64_t>(m.values[0][k]))
        << kBaseMetricNames[k];
  }
}

// Integrals count in ticks of 2^-32 day unless chips x days x 2^32 would not fit in 63 bits.
TEST(Metrics, TicksAreCoarserOnlyForHugeScenarios) {
  Scenario s = base_scenario();
  EXPECT_EQ(RunAccumulator(s).tick_bits(), 32);
  Order order;
  order.id = "huge";
  order.owner = "a";
  order.sku = "A";
  order.quantity = std::int64_t{1} << 40;
  s.orders.push_back(order);
  const int bits = RunAccumulator(s).tick_bits();
  EXPECT_LT(bits, 32);
  EXPECT_GE(bits, 16);
  // 2^40 chips powered over all 10 days: 10 * 2^40 GPU-days, exact at the coarser ticks.
  const RunMetrics m = compute_metrics(s, {change(kStart, 0, 0, 0, ChipState::kPowered, std::int64_t{1} << 40)});
  EXPECT_EQ(m.values[0][kPoweredGpuDays], 10.0 * 0x1.0p40);
}

// With every change on a whole day, the state is constant over each day and equals the end-of-day
// count, so each GPU-day integral equals the sum of the daily timeline.
TEST(Metrics, EqualTheSumOfTheDailyTimelineForWholeDayChanges) {
  const Scenario s = base_scenario();
  using S = ChipState;
  const std::vector<StateChange> log = {
      change(kStart, 0, -1, 0, S::kOrdered, 300),
      change(1, 0, -1, 0, S::kOrdered, -300), change(1, 0, -1, 0, S::kWarehouse, 300),
      change(3, 0, -1, 0, S::kWarehouse, -200), change(3, 0, 0, 0, S::kQueued, 200),
      change(4, 0, 0, 0, S::kQueued, -200), change(4, 0, 0, 0, S::kInstalled, 200),
      change(6, 0, 0, 0, S::kInstalled, -150), change(6, 0, 0, 0, S::kPowered, 150),
      change(8, 0, 0, 0, S::kPowered, -30), change(8, 0, 0, 0, S::kInstalled, 30),  // supply fell
      change(9, 0, -1, 0, S::kWarehouse, -100), change(9, 0, 1, 0, S::kQueued, 100),
  };
  const RunMetrics m = compute_metrics(s, log);
  const DailyCounts daily = daily_counts(s, log);
  auto sum = [&](ChipState state) {
    return static_cast<double>(owner_state_series(s, daily, 0, state).sum());
  };
  EXPECT_DOUBLE_EQ(m.values[0][kPoweredGpuDays], sum(S::kPowered));
  EXPECT_DOUBLE_EQ(m.values[0][kWarehouseGpuDays], sum(S::kWarehouse));
  EXPECT_DOUBLE_EQ(m.values[0][kQueuedGpuDays], sum(S::kQueued));
  EXPECT_DOUBLE_EQ(m.values[0][kUnpoweredGpuDays], sum(S::kInstalled));
  // By hand: powered 150 on days 6, 7 and 120 on 8, 9 = 540.
  EXPECT_DOUBLE_EQ(m.values[0][kPoweredGpuDays], 540);
  EXPECT_DOUBLE_EQ(m.values[0][kFinalPowered],
                   static_cast<double>(owner_state_series(s, daily, 0, S::kPowered)(9)));

  // A change inside a day is integrated exactly, while the timeline shows the end-of-day state for the
  // whole day: powering 150 chips at 6.5 instead of 6 removes 75 GPU-days from the integral only.
  std::vector<StateChange> fractional = log;
  fractional[7].time = 6.5;
  fractional[8].time = 6.5;
  const RunMetrics mf = compute_metrics(s, fractional);
  const DailyCounts daily_f = daily_counts(s, fractional);
  EXPECT_DOUBLE_EQ(mf.values[0][kPoweredGpuDays], 540 - 75);
  EXPECT_EQ(owner_state_series(s, daily_f, 0, S::kPowered).sum(), 540);
}

}  // namespace
}  // namespace poweron
