// The daily timeline: end-of-day counts from a change log, row days, and timeline.csv layout.
#include "poweron/timeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "poweron/capacity.hpp"
#include "poweron/date.hpp"
#include "poweron/result.hpp"
#include "run_outputs.hpp"

namespace poweron {
namespace {

using S = ChipState;

// Owners a, b; sites: a1 (a), b1 (b, unlimited power), a2 (a); id order a1, a2, b1. Days 0..4.
Scenario timeline_scenario() {
  Scenario s;
  s.name = "tl";
  s.start = *parse_date("2024-02-27");
  s.end = *parse_date("2024-03-02");  // leap year: 02-27, 02-28, 02-29, 03-01, 03-02 (E = 4)
  s.skus = {{"H", 1.0, 0, 0}};
  s.owners = {{"a", 0, {}}, {"b", 0, {}}};
  Site a1;
  a1.id = "a1";
  a1.owner = "a";
  a1.phases = {{"hall", 20, {}}};
  a1.power = std::vector<PowerSource>{{"grid", {}}};
  Site a2;
  a2.id = "a2";
  a2.owner = "a";
  a2.power = std::vector<PowerSource>{};
  Site b1;
  b1.id = "b1";
  b1.owner = "b";
  s.sites = {a1, a2, b1};
  return s;
}

ResolvedInputs timeline_inputs() {
  ResolvedInputs in;
  in.sites.resize(3);
  in.sites[0].phase_ready_time = {1};
  in.sites[0].power = {{{2, 0.01}}};  // 10 chips of 1 kW from day 2
  return in;
}

std::vector<StateChange> timeline_log() {
  return {
      {kBeforeStart, 0, -1, 0, S::kOrdered, 30},
      {-2, 1, -1, 0, S::kInTransit, 5},           // before start: in column 0
      {1.5, 0, -1, 0, S::kOrdered, -30}, {1.5, 0, -1, 0, S::kWarehouse, 30},
      {3, 0, -1, 0, S::kWarehouse, -20}, {3, 0, 0, 0, S::kQueued, 20},
      {4.999999999999, 0, 0, 0, S::kQueued, -20}, {4.999999999999, 0, 0, 0, S::kPowered, 20},  // snaps to 5
      {5, 1, -1, 0, S::kInTransit, -5},           // at E + 1: not in the timeline
  };
}

TEST(Timeline, ScattersChangesIntoDaysAndAccumulates) {
  const Scenario s = timeline_scenario();
  const DailyCounts c = daily_counts(s, timeline_log());
  ASSERT_EQ(c.owner_states.rows(), 8);
  ASSERT_EQ(c.owner_states.cols(), 5);
  ASSERT_EQ(c.site_states.rows(), 15);
  const auto ordered = c.owner_states.row(0);
  const auto warehouse = c.owner_states.row(2);
  const auto b_transit = c.owner_states.row(4 + 1);
  const auto a1_queued = c.site_states.row(0);
  const auto a1_powered = c.site_states.row(4);
  for (int d = 0; d < 5; ++d) {
    EXPECT_EQ(ordered(d), d < 1 ? 30 : 0) << d;                      // left at 1.5: gone by the end of day 1
    EXPECT_EQ(warehouse(d), d < 1 ? 0 : (d < 3 ? 30 : 10)) << d;
    EXPECT_EQ(b_transit(d), 5) << d;                                 // the removal at E + 1 is ignored
    EXPECT_EQ(a1_queued(d), d < 3 ? 0 : 20) << d;
    EXPECT_EQ(a1_powered(d), 0) << d;                                // the power-on snaps to 5 = E + 1
  }
}

TEST(Timeline, CountsAtSelectedDaysEqualTheDailyColumns) {
  const Scenario s = timeline_scenario();
  const DailyCounts all = daily_counts(s, timeline_log());
  const std::vector<std::int64_t> days = {0, 2, 4};
  const DailyCounts some = daily_counts_at(s, timeline_log(), days);
  ASSERT_EQ(some.owner_states.cols(), 3);
  for (std::size_t j = 0; j < days.size(); ++j) {
    const auto d = static_cast<Eigen::Index>(days[j]);
    const auto col = static_cast<Eigen::Index>(j);
    EXPECT_TRUE((some.owner_states.col(col) == all.owner_states.col(d)).all()) << "day " << d;
    EXPECT_TRUE((some.site_states.col(col) == all.site_states.col(d)).all()) << "day " << d;
  }
  // The warehouse filled at 1.5 shows on day 2 (the first selected day after it): 30, then 10 on day 4.
  EXPECT_EQ(some.owner_states(2, 1), 30);
  EXPECT_EQ(some.owner_states(2, 2), 10);
}

// The index walks a log in time order in place; any other order must give the same counts (sorted into an
// index first). Expected values: the hand-checked daily_counts of timeline_log (test above).
TEST(Timeline, ChangesByColumnGivesTheSameCountsInAnyLogOrder) {
  const Scenario s = timeline_scenario();
  const DailyCounts ordered = daily_counts(s, timeline_log());
  std::vector<StateChange> reversed = timeline_log();
  std::reverse(reversed.begin(), reversed.end());
  const DailyCounts from_reversed = daily_counts(s, reversed);
  EXPECT_TRUE((from_reversed.owner_states == ordered.owner_states).all());
  EXPECT_TRUE((from_reversed.site_states == ordered.site_states).all());
  // Column by column through apply: owners a, b (8 owner series), then sites a1, a2, b1 (15 site series).
  const std::vector<std::int64_t> days = {0, 2, 4};
  const ChangesByColumn index(s, reversed, days);
  ASSERT_EQ(index.series_count(), 8u + 15u);
  ASSERT_EQ(index.column_count(), 3u);
  EXPECT_EQ(index.site_series(1, S::kQueued), 8u + 5u);
  std::vector<std::int64_t> counts(index.series_count(), 0);
  const std::size_t warehouse_a = ChangesByColumn::owner_series(0, S::kWarehouse);
  const std::size_t queued_a1 = index.site_series(0, S::kQueued);
  const std::int64_t expected_warehouse[] = {0, 30, 10};  // filled at 1.5 (day 1 -> column of day 2), 20 out at 3
  const std::int64_t expected_queued[] = {0, 0, 20};
  for (std::size_t j = 0; j < days.size(); ++j) {
    index.apply(j, counts);
    EXPECT_EQ(counts[warehouse_a], expected_warehouse[j]) << "column " << j;
    EXPECT_EQ(counts[queued_a1], expected_queued[j]) << "column " << j;
  }
  // The change at E + 1 (b's in_transit -5) is never applied: 5 stay.
  EXPECT_EQ(counts[ChangesByColumn::owner_series(1, S::kInTransit)], 5);
}

TEST(Timeline, OutOfOrderLogsStillRejectInvalidIndices) {
  const Scenario s = timeline_scenario();
  EXPECT_THROW(daily_counts(s, {{3, 0, 0, 0, S::kPowered, 1}, {1, 0, 7, 0, S::kPowered, 1}}), InternalError);
  // An invalid index at or after E + 1 is not part of the timeline and is not checked (as before).
  EXPECT_NO_THROW(daily_counts(s, {{3, 0, 0, 0, S::kPowered, 1}, {6, 0, 7, 0, S::kPowered, 1}}));
}

TEST(Timeline, OwnerSeriesSumTheOwnersSites) {
  const Scenario s = timeline_scenario();
  std::vector<StateChange> log = {{0, 0, 0, 0, S::kPowered, 3}, {2, 0, 1, 0, S::kPowered, 4},
                                  {1, 1, 2, 0, S::kPowered, 100}};
  const DailyCounts c = daily_counts(s, log);
  const DaySeries a = owner_state_series(s, c, 0, S::kPowered);
  const DaySeries b = owner_state_series(s, c, 1, S::kPowered);
  EXPECT_EQ(a(0), 3);
  EXPECT_EQ(a(2), 7);
  EXPECT_EQ(b(0), 0);
  EXPECT_EQ(b(4), 100);
  EXPECT_EQ(owner_state_series(s, c, 1, S::kOrdered).sum(), 0);
}

TEST(Timeline, RejectsInvalidIndices) {
  const Scenario s = timeline_scenario();
  EXPECT_THROW(daily_counts(s, {{0, 0, 3, 0, S::kPowered, 1}}), InternalError);
  EXPECT_THROW(daily_counts(s, {{0, 2, -1, 0, S::kWarehouse, 1}}), InternalError);
}

TEST(Timeline, RowDaysFollowTheStepAndAlwaysIncludeTheEnd) {
  EXPECT_EQ(timeline_days(9, 1).size(), 10u);
  EXPECT_EQ(timeline_days(9, 4), (std::vector<std::int64_t>{0, 4, 8, 9}));
  EXPECT_EQ(timeline_days(9, 3), (std::vector<std::int64_t>{0, 3, 6, 9}));
  EXPECT_EQ(timeline_days(9, 100), (std::vector<std::int64_t>{0, 9}));
  EXPECT_EQ(timeline_days(0, 7), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(timeline_days(9, std::numeric_limits<std::int64_t>::max()), (std::vector<std::int64_t>{0, 9}));
}

TEST(Timeline, CsvRowsAreOrderedAndCompleteWithZeros) {
  const Scenario s = timeline_scenario();
  const std::vector<std::int64_t> days = timeline_days(s.last_day(), 3);
  const std::string csv = timeline_csv(s, days, daily_counts_at(s, timeline_log(), days),
                                       compute_capacity_at(s, timeline_inputs(), days));
  // Days 0 and 3 (step 3) and the end, day 4. Per day: a: 4 owner rows + a1 (5 + slots + power_slots)
  // + a2 (5 + slots + power_slots); b: 4 + b1 (5 + slots; unlimited supply: no power_slots) = 28 rows.
  std::istringstream lines(csv);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 1u + 3 * 28);
  EXPECT_EQ(rows[0], "date,owner,site,state,gpus");
  const std::vector<std::string> first_day = {
      "2024-02-27,a,,ordered,30",        "2024-02-27,a,,in_transit,0",   "2024-02-27,a,,warehouse,0",
      "2024-02-27,a,,rma,0",             "2024-02-27,a,a1,queued,0",     "2024-02-27,a,a1,installing,0",
      "2024-02-27,a,a1,burn_in,0",       "2024-02-27,a,a1,installed,0",  "2024-02-27,a,a1,powered,0",
      "2024-02-27,a,a1,slots,0",         "2024-02-27,a,a1,power_slots,0", "2024-02-27,a,a2,queued,0",
      "2024-02-27,a,a2,installing,0",    "2024-02-27,a,a2,burn_in,0",    "2024-02-27,a,a2,installed,0",
      "2024-02-27,a,a2,powered,0",       "2024-02-27,a,a2,slots,0",      "2024-02-27,a,a2,power_slots,0",
      "2024-02-27,b,,ordered,0",         "2024-02-27,b,,in_transit,5",   "2024-02-27,b,,warehouse,0",
      "2024-02-27,b,,rma,0",             "2024-02-27,b,b1,queued,0",     "2024-02-27,b,b1,installing,0",
      "2024-02-27,b,b1,burn_in,0",       "2024-02-27,b,b1,installed,0",  "2024-02-27,b,b1,powered,0",
      "2024-02-27,b,b1,slots,0",
  };
  for (std::size_t i = 0; i < first_day.size(); ++i) EXPECT_EQ(rows[1 + i], first_day[i]) << i;
  // Day 3 (2024-03-01): 10 in the warehouse, 20 queued at a1, hall ready (20 slots), 10 power slots.
  EXPECT_EQ(rows[1 + 28 + 2], "2024-03-01,a,,warehouse,10");
  EXPECT_EQ(rows[1 + 28 + 4], "2024-03-01,a,a1,queued,20");
  EXPECT_EQ(rows[1 + 28 + 9], "2024-03-01,a,a1,slots,20");
  EXPECT_EQ(rows[1 + 28 + 10], "2024-03-01,a,a1,power_slots,10");
  // The end row (day 4) is present although 4 is not a multiple of the step.
  EXPECT_EQ(rows[1 + 56], "2024-03-02,a,,ordered,0");
  EXPECT_EQ(rows.back(), "2024-03-02,b,b1,slots,0");
}

}  // namespace
}  // namespace poweron
