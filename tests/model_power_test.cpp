// SPEC 3.4: supply from power steps, the powered prefix in install-completion order, falling and
// rising supply, mixed SKUs, initial chips first. Expectations worked out by hand (1 kW chips, pue 1
// unless said otherwise: N kW of supply powers N chips).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model_test_support.hpp"
#include "power_allocation.hpp"

namespace poweron {
namespace {

using namespace test_support;
using Strings = std::vector<std::string>;

TEST(ModelPower, PrefixFollowsFallingAndRisingSupply) {
  // Supply 3.5 kW from 0 (3 chips), 1.5 kW from 10 (1 chip), 5 kW from 20. Order a (2 chips) is
  // installed at 1, b (2 chips) at 2. 1: a's 2 on. 2: b's first on, its second waits (3 fit).
  // 10: down to 1: the most recently powered go off first: b's 1, then one of a's.
  // 20: up to 5: back on in order: a's 1, then b's 2.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("o");
  b.site("s", "o");
  b.phase("s", "p", 10);
  b.power("s", "grid", {{0, 0.0035}, {10, 0.0015}, {20, 0.005}});
  b.order("a", "o", "H100", 2, 1);
  b.order("b", "o", "H100", 2, 2);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPowerChange, EventKind::kPowerOn, EventKind::kPowerOff}),
            (Strings{"0 power_change o s - - 3", "1 power_on o s a 0 2", "2 power_on o s b 0 1",
                     "10 power_change o s - - 1", "10 power_off o s b 0 1", "10 power_off o s a 0 1",
                     "20 power_change o s - - 5", "20 power_on o s a 0 1", "20 power_on o s b 0 2"}));
  EXPECT_EQ(count_at(t, 2, ChipState::kInstalled), 1);
  EXPECT_EQ(count_at(t, 10, ChipState::kPowered), 1);
  EXPECT_EQ(count_at(t, 10, ChipState::kInstalled), 3);
  EXPECT_EQ(count_at(t, 20, ChipState::kPowered), 4);
}

TEST(ModelPower, CountThatFitsIsFloorWithTolerance) {
  // 1.4 kW chips on 0.0042 MW: 4.2 / 1.4 is 3 in decimal but not exactly in binary; 3 chips are
  // powered (and the power_change record reports 3 power slots).
  ScenarioBuilder b;
  b.sku("H100", 1.4);
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 10);
  b.power("s", "grid", {{0, 0.0042}});
  b.order("o", "a", "H100", 5, 1);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(count_at(t, 1, ChipState::kPowered), 3);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPowerChange}), (Strings{"0 power_change a s - - 3"}));
}

TEST(ModelPower, SourcesAddUpAndTheLaterStepOfOneDateWins) {
  // grid: two steps on day 0, 2 kW then 1 kW: the later in the list (1 kW) holds. solar: 2 kW from 5.
  // 5 chips installed at 1: 1 powered; from 5 the supply is 3 kW: 3 powered.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 10);
  b.power("s", "grid", {{0, 0.002}, {0, 0.001}});
  b.power("s", "solar", {{5, 0.002}});
  b.order("o", "a", "H100", 5, 1);
  const SimulationTrace t = run_point(b.build());
  EXPECT_EQ(count_at(t, 1, ChipState::kPowered), 1);
  EXPECT_EQ(count_at(t, 5, ChipState::kPowered), 3);
}

TEST(ModelPower, StepsApplyByDateNotListPosition) {
  // Steps written out of date order: 4 kW from 10, 0 kW from 8. From 8 the latest step dated <= t is
  // the 0 kW one; from 10 the 4 kW one. 6 chips installed at 1 (before any step: no supply).
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 10);
  b.power("s", "grid", {{10, 0.004}, {8, 0.0}});
  b.power("s", "early", {{2, 0.002}});
  b.order("o", "a", "H100", 6, 1);
  const SimulationTrace t = run_point(b.build());
  EXPECT_EQ(count_at(t, 1, ChipState::kPowered), 0);
  EXPECT_EQ(count_at(t, 2, ChipState::kPowered), 2);
  EXPECT_EQ(count_at(t, 8, ChipState::kPowered), 2);
  EXPECT_EQ(count_at(t, 10, ChipState::kPowered), 6);
}

TEST(ModelPower, MixedSkusDrawTheirOwnPower) {
  // pue 1.5: big draws 3 kW, small 1.5 kW; supply 6 kW. big (1) at 1: 3 kW; small (3) at 2: 3 kW left
  // powers 2 of them. Power slots = floor(6 / (1.5 x 1)) = 4.
  ScenarioBuilder b;
  b.sku("big", 2.0);
  b.sku("small", 1.0);
  b.owner("a");
  b.site("s", "a", 100, 1.5);
  b.phase("s", "p", 10);
  b.power("s", "grid", {{0, 0.006}});
  b.order("o1", "a", "big", 1, 1);
  b.order("o2", "a", "small", 3, 2);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(count_at(t, 2, ChipState::kPowered, -1, -1, index_of(s.skus, "big")), 1);
  EXPECT_EQ(count_at(t, 2, ChipState::kPowered, -1, -1, index_of(s.skus, "small")), 2);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPowerChange}), (Strings{"0 power_change a s - - 4"}));
}

TEST(ModelPower, PrefixNeverSkipsAChipThatDoesNotFit) {
  // 4 kW, pue 1.5: small (1.5 kW) at 1, big (3 kW) at 2, small (1.5 kW) at 3. After the first small,
  // 2.5 kW are left: big does not fit, so the prefix stops there; the later small is not powered
  // although 1.5 <= 2.5.
  ScenarioBuilder b;
  b.sku("big", 2.0);
  b.sku("small", 1.0);
  b.owner("a");
  b.site("s", "a", 100, 1.5);
  b.phase("s", "p", 10);
  b.power("s", "grid", {{0, 0.004}});
  b.order("o1", "a", "small", 1, 1);
  b.order("o2", "a", "big", 1, 2);
  b.order("o3", "a", "small", 1, 3);
  const SimulationTrace t = run_point(b.build());
  EXPECT_EQ(count_at(t, 3, ChipState::kPowered), 1);
  EXPECT_EQ(count_at(t, 3, ChipState::kInstalled), 2);
}

TEST(ModelPower, NoSupplyPowersNothing) {
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 10);
  b.no_power("s");
  b.order("o", "a", "H100", 4, 1);
  const SimulationTrace t = run_point(b.build());
  EXPECT_EQ(count_at(t, 99, ChipState::kPowered), 0);
  EXPECT_EQ(count_at(t, 99, ChipState::kInstalled), 4);
}

TEST(ModelPower, InitialChipsComeFirstInPowerOrder) {
  // 3 kW from day -5; 2 slots from -10; order o (2 chips) is installed and powered at -3. At 0 the
  // 2 initial chips enter ahead of them: the prefix is initial 2 + one of o's, so one of o's goes off.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 2, -10);
  b.initial("s", "H100", 2);
  b.power("s", "grid", {{-5, 0.003}});
  b.order("o", "a", "H100", 2, -3);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kInitial, EventKind::kPowerOn, EventKind::kPowerOff}),
            (Strings{"-3 power_on a s o 0 2", "0 initial a s - - 2", "0 power_off a s o 0 1",
                     "0 power_on a s - - 2"}));
  EXPECT_EQ(count_at(t, 0, ChipState::kPowered), 3);
  EXPECT_EQ(count_at(t, 0, ChipState::kInstalled), 1);
}

// The shortcut of chips_that_fit_up_to (no division when the spare clearly holds the limit) must agree
// with the division everywhere, and most of all where the quotient is within rounding of an integer.
TEST(ModelPower, ChipsThatFitUpToAgreesWithTheDivision) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> draw(0.05, 20.0);
  std::uniform_int_distribution<std::int64_t> chips(0, 100000);
  std::int64_t shortcuts = 0;
  for (int i = 0; i < 200000; ++i) {
    const double d = draw(random);
    const std::int64_t limit = chips(random);
    const std::int64_t whole = chips(random);
    // Spares at, just around and between whole multiples of the draw, the limit's own among them.
    const std::int64_t multiples[] = {whole, limit, limit + 1};
    const double base = static_cast<double>(multiples[i % 3]) * d;
    const double nudged[] = {base, std::nextafter(base, 0.0), base * (1 + 1e-12), base * (1 - 1e-6)};
    const double spare = nudged[(i / 3) % 4];
    const std::int64_t expected = std::min(limit, chips_that_fit(spare, d));
    ASSERT_EQ(chips_that_fit_up_to(spare, d, limit), expected) << "spare " << spare << " draw " << d << " limit " << limit;
    shortcuts += spare >= static_cast<double>(limit + 1) * d;
  }
  EXPECT_GT(shortcuts, 1000);  // the shortcut was exercised
  EXPECT_EQ(chips_that_fit_up_to(0.0, 1.4, 5), 0);
  EXPECT_EQ(chips_that_fit_up_to(-3.0, 1.4, 5), 0);
  EXPECT_EQ(chips_that_fit_up_to(7.0, 1.4, 0), 0);
  EXPECT_EQ(chips_that_fit_up_to(14.0, 1.4, 9), 9);
  EXPECT_EQ(chips_that_fit_up_to(14.0, 1.4, 10), 10);
  EXPECT_EQ(chips_that_fit_up_to(14.0, 1.4, 11), 10);
}

}  // namespace
}  // namespace poweron
