// Site capacity per day (slots, supply, power_slots), hand-computed.
#include "poweron/capacity.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "poweron/date.hpp"

namespace poweron {
namespace {

// 2024-01-01 .. 2024-01-10: days 0..9. SKUs of 1.4 and 1.0 kW: power_slots use 1.0 kW.
Scenario capacity_scenario() {
  Scenario s;
  s.name = "cap";
  s.start = *parse_date("2024-01-01");
  s.end = *parse_date("2024-01-10");
  s.skus = {{"big", 1.4, 0, 0}, {"small", 1.0, 0, 0}};
  s.owners = {{"a", 0, {}}};
  Site limited;
  limited.id = "limited";
  limited.owner = "a";
  limited.pue = 1.25;
  limited.initial = {{"big", 4}, {"small", 6}};
  limited.phases = {{"p1", 100, {}}, {"p2", 50, {}}, {"p3", 70, {}}, {"p4", 30, {}}};
  limited.power = std::vector<PowerSource>{{"grid", {}}, {"turbines", {}}};
  Site open;
  open.id = "open";
  open.owner = "a";
  Site dark;
  dark.id = "dark";
  dark.owner = "a";
  dark.power = std::vector<PowerSource>{};
  s.sites = {dark, limited, open};  // id order
  return s;
}

ResolvedInputs capacity_inputs() {
  ResolvedInputs in;
  in.sites.resize(3);
  ResolvedSite& limited = in.sites[1];
  limited.phase_ready_time = {2.5, -3, 10, 4 - 1e-10};  // day 2, day 0, never (E + 1), day 4 (snapped)
  // grid: two steps on day 3 (the later, 5 MW, wins), then a fall to 2.5 MW on day 6.
  // turbines, written out of date order: 0.5 MW from day 1, 1 MW from day 8.
  limited.power = {{{3, 10}, {3, 5}, {6, 2.5}}, {{8, 1}, {1, 0.5}}};
  return in;
}

TEST(Capacity, SlotsGrowWhenPhasesBecomeReady) {
  const SiteCapacity c = compute_capacity(capacity_scenario(), capacity_inputs());
  ASSERT_EQ(c.slots.rows(), 3);
  ASSERT_EQ(c.slots.cols(), 10);
  // initial 10; +50 (ready before start) from day 0; +100 from day 2; +30 from day 4; p3 never.
  const std::int64_t expected[] = {60, 60, 160, 160, 190, 190, 190, 190, 190, 190};
  for (int d = 0; d < 10; ++d) EXPECT_EQ(c.slots(1, d), expected[d]) << "day " << d;
  EXPECT_EQ(c.slots(0, 9), 0);
  EXPECT_EQ(c.slots(2, 0), 0);
}

TEST(Capacity, PowerSlotsFollowTheLatestStepOfEachSource) {
  const SiteCapacity c = compute_capacity(capacity_scenario(), capacity_inputs());
  // Supply: day 0: 0; 1-2: 0.5; 3-5: 5 + 0.5; 6-7: 2.5 + 0.5; 8-9: 2.5 + 1.
  const double supply[] = {0, 0.5, 0.5, 5.5, 5.5, 5.5, 3, 3, 3.5, 3.5};
  // power_slots = floor(MW * 1000 / (1.25 * 1.0 kW)).
  const std::int64_t slots[] = {0, 400, 400, 4400, 4400, 4400, 2400, 2400, 2800, 2800};
  for (int d = 0; d < 10; ++d) {
    EXPECT_DOUBLE_EQ(c.supply_mw(1, d), supply[d]) << "day " << d;
    EXPECT_EQ(c.power_slots(1, d), slots[d]) << "day " << d;
  }
  EXPECT_FALSE(c.unlimited[1]);
}

TEST(Capacity, UnlimitedAndNoSupplySites) {
  const SiteCapacity c = compute_capacity(capacity_scenario(), capacity_inputs());
  EXPECT_FALSE(c.unlimited[0]);  // `power: {}`: no supply at all
  EXPECT_EQ(c.power_slots(0, 9), 0);
  EXPECT_TRUE(c.unlimited[2]);   // no `power` key
  EXPECT_EQ(c.power_slots(2, 0), -1);
  EXPECT_TRUE(std::isinf(c.supply_mw(2, 5)));
}

TEST(Capacity, StepsAtOrAfterTheEndAreIgnoredAndEarlierOnesCountFromDayZero) {
  Scenario s = capacity_scenario();
  ResolvedInputs in = capacity_inputs();
  in.sites[1].power = {{{-5, 2}, {10, 9}}, {}};
  const SiteCapacity c = compute_capacity(s, in);
  EXPECT_EQ(c.power_slots(1, 0), 1600);  // 2 MW / 1.25 kW
  EXPECT_EQ(c.power_slots(1, 9), 1600);  // the 9 MW step is at E + 1
}

TEST(Capacity, SelectedDaysEqualTheDailyColumns) {
  const SiteCapacity all = compute_capacity(capacity_scenario(), capacity_inputs());
  const std::vector<std::int64_t> days = {0, 3, 6, 9};
  const SiteCapacity some = compute_capacity_at(capacity_scenario(), capacity_inputs(), days);
  ASSERT_EQ(some.slots.cols(), 4);
  for (std::size_t j = 0; j < days.size(); ++j) {
    const auto d = static_cast<Eigen::Index>(days[j]);
    const auto col = static_cast<Eigen::Index>(j);
    EXPECT_TRUE((some.slots.col(col) == all.slots.col(d)).all()) << "day " << d;
    EXPECT_TRUE((some.power_slots.col(col) == all.power_slots.col(d)).all()) << "day " << d;
  }
  EXPECT_EQ(some.power_slots(1, 2), 2400);  // day 6, after the fall
}

// Steps of capacity_inputs at days 0..9 (hand-derived from the two tests above): site 0 (`power: {}`) and
// site 2 (unlimited) only at column 0; site 1 where a phase or a power step starts: days 0, 1, 2, 3, 4, 6, 8.
TEST(Capacity, StepsListWhereEachSiteChanges) {
  std::vector<std::int64_t> days(10);
  for (std::size_t d = 0; d < days.size(); ++d) days[d] = static_cast<std::int64_t>(d);
  const CapacitySteps steps = capacity_steps(capacity_scenario(), capacity_inputs(), days);
  ASSERT_EQ(steps.steps.size(), 2u + 7u);
  EXPECT_EQ(steps.unlimited, (std::vector<bool>{false, false, true}));
  // Column 0: the three sites in order.
  EXPECT_EQ(steps.steps[0].site, 0u);
  EXPECT_EQ(steps.steps[0].power_slots, 0);
  EXPECT_EQ(steps.steps[1].site, 1u);
  EXPECT_EQ(steps.steps[1].slots, 60);  // initial 10 + p2 (ready before start)
  EXPECT_EQ(steps.steps[2].site, 2u);
  EXPECT_EQ(steps.steps[2].power_slots, -1);
  EXPECT_TRUE(std::isinf(steps.steps[2].supply_mw));
  const std::size_t columns[] = {1, 2, 3, 4, 6, 8};
  const std::int64_t slots[] = {60, 160, 160, 190, 190, 190};
  const std::int64_t power_slots[] = {400, 400, 4400, 4400, 2400, 2800};
  for (std::size_t k = 0; k < 6; ++k) {
    const CapacityStep& step = steps.steps[3 + k];
    EXPECT_EQ(step.site, 1u);
    EXPECT_EQ(step.column, columns[k]);
    EXPECT_EQ(step.slots, slots[k]) << "column " << columns[k];
    EXPECT_EQ(step.power_slots, power_slots[k]) << "column " << columns[k];
  }
  // At selected days 0, 5 and 9 a step lands on the first selected day at or after it.
  const CapacitySteps some = capacity_steps(capacity_scenario(), capacity_inputs(), {0, 5, 9});
  ASSERT_EQ(some.steps.size(), 3u + 2u);
  EXPECT_EQ(some.steps[3].column, 1u);  // day 5: after p1, p4 and the grid's 5 MW
  EXPECT_EQ(some.steps[3].power_slots, 4400);
  EXPECT_EQ(some.steps[4].column, 2u);  // day 9: 2.5 + 1 MW
  EXPECT_EQ(some.steps[4].power_slots, 2800);
}

TEST(Capacity, ChipsWithinSupplyTolerateRounding) {
  // 0.07 MW / 0.07 kW is 999.9999999999999 in doubles: exactly 1000 chips fit.
  ASSERT_EQ(std::floor(0.07 * 1000.0 / (1.0 * 0.07)), 999);
  EXPECT_EQ(chips_within_supply(0.07, 1.0, 0.07), 1000);
  EXPECT_EQ(chips_within_supply(1.1, 1.1, 1.0), 1000);
  EXPECT_EQ(chips_within_supply(0.0014, 1.0, 1.4), 1);
  EXPECT_EQ(chips_within_supply(0.0013, 1.0, 1.4), 0);
  EXPECT_DOUBLE_EQ(smallest_power_kw(capacity_scenario()), 1.0);
}

}  // namespace
}  // namespace poweron
