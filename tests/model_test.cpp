// The model's lots (SPEC 3.1), placement (3.2), instants, conservation and input errors. Each
// expectation is worked out by hand in the comment above it. Install, power and redirection rules have
// their own files (model_install_test, model_power_test, model_redirection_test).
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "model_layout.hpp"
#include "model_test_support.hpp"

namespace poweron {
namespace {

using namespace test_support;
using Strings = std::vector<std::string>;

TEST(ModelLots, FirstLotsTakeTheRemainder) {
  // q mod L lots hold ceil(q/L), the rest floor(q/L).
  EXPECT_EQ(lot_sizes(10, 3), (std::vector<std::int64_t>{4, 3, 3}));
  EXPECT_EQ(lot_sizes(11, 4), (std::vector<std::int64_t>{3, 3, 3, 2}));
  EXPECT_EQ(lot_sizes(12, 12), std::vector<std::int64_t>(12, 1));
  EXPECT_EQ(lot_sizes(7, 1), (std::vector<std::int64_t>{7}));
  EXPECT_THROW(lot_sizes(3, 4), InternalError);
}

TEST(ModelLots, ShipAndArriveTimesPerLot) {
  // 10 chips in 3 lots (4, 3, 3); lot k ships at ship 5 + slip 1 + 2k = 6, 8, 10 and arrives 3 days
  // later: 9, 11, 13. The owner has no site, so chips stay in the warehouse.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.order("o", "a", "H100", 10, /*ship_day=*/5, /*lots=*/3, /*interval=*/2, /*transit=*/3, /*slip=*/1);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kShip, EventKind::kArrive}),
            (Strings{"6 ship a - o 0 4", "8 ship a - o 1 3", "9 arrive a - o 0 4", "10 ship a - o 2 3",
                     "11 arrive a - o 1 3", "13 arrive a - o 2 3"}));
  // Seed: all 10 ordered before anything happens.
  ASSERT_FALSE(t.changes.empty());
  EXPECT_EQ(t.changes[0].time, kBeforeStart);
  EXPECT_EQ(t.changes[0].state, ChipState::kOrdered);
  EXPECT_EQ(t.changes[0].delta, 10);
  // Just before 8: lot 0 in transit (4), lots 1 and 2 ordered (6). At 9: lot 0 in the warehouse.
  EXPECT_EQ(count_at(t, 7.9, ChipState::kOrdered), 6);
  EXPECT_EQ(count_at(t, 7.9, ChipState::kInTransit), 4);
  EXPECT_EQ(count_at(t, 9, ChipState::kWarehouse), 4);
  EXPECT_EQ(count_at(t, 9, ChipState::kInTransit), 3);
  EXPECT_EQ(count_at(t, 99, ChipState::kWarehouse), 10);
}

TEST(ModelLots, EventsBeforeStartRunAtNegativeTimes) {
  // Ship 10 days before start, transit 4: shipped at -10, arrives at -6; the phase was ready at -20,
  // install is instant and power unlimited, so all 5 chips are powered from -6.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 10, -20);
  b.order("o", "a", "H100", 5, -10, 1, 0, 4);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kShip, EventKind::kArrive, EventKind::kPowerOn}),
            (Strings{"-10 ship a - o 0 5", "-6 arrive a - o 0 5", "-6 power_on a s o 0 5"}));
  EXPECT_EQ(count_at(t, -6.5, ChipState::kInTransit), 5);
  EXPECT_EQ(count_at(t, -6, ChipState::kPowered), 5);
}

TEST(ModelLots, NothingAtOrAfterTheEndIsSimulated) {
  // last_day 9: the run covers [0, 10). A lot shipped at 8 with transit 2 would arrive at 10: it stays
  // in transit; an order shipping at 10 never ships.
  ScenarioBuilder b(/*last_day=*/9);
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 100);
  b.order("late", "a", "H100", 3, 10);
  b.order("o", "a", "H100", 4, 8, 1, 0, 2);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  for (const StateChange& c : t.changes) EXPECT_LT(c.time, 10.0);
  EXPECT_EQ(describe_events(s, t, {EventKind::kShip, EventKind::kArrive}), (Strings{"8 ship a - o 0 4"}));
  EXPECT_EQ(count_at(t, 100, ChipState::kInTransit), 4);
  EXPECT_EQ(count_at(t, 100, ChipState::kOrdered), 3);
}

TEST(ModelPlacement, FillsSitesByPriorityThenIdTakingAllFreeSlotsOfOne) {
  // Sites by (priority, id): s2 (1), s3 (1), s1 (2). 14 chips: 5 to s2, 5 to s3, 4 to s1.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s1", "a", 2);
  b.site("s2", "a", 1);
  b.site("s3", "a", 1);
  b.phase("s1", "p", 10);
  b.phase("s2", "p", 5);
  b.phase("s3", "p", 5);
  b.order("o", "a", "H100", 14, 1);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPlace}),
            (Strings{"1 place a s2 o 0 5", "1 place a s3 o 0 5", "1 place a s1 o 0 4"}));
}

TEST(ModelPlacement, WarehouseServedByArrivalThenOrderIdThenLot) {
  // One site: 5 slots at 0, +1 at day 10, +10 at day 20.
  // day 1: z (1 chip) placed. day 2: a and b arrive together; a (lower id) takes 3, b gets the last 1 of
  // its 3 (split). day 3: c's two lots (2 + 2) arrive; no slot. day 10: the 1 new slot goes to b
  // (arrived day 2, before c). day 20: b's last chip, then c lot 0, then c lot 1.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p0", 5, 0);
  b.phase("s", "p1", 1, 10);
  b.phase("s", "p2", 10, 20);
  b.order("z", "a", "H100", 1, 1);
  b.order("b", "a", "H100", 3, 2);
  b.order("a", "a", "H100", 3, 2);
  b.order("c", "a", "H100", 4, 3, 2);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPlace}),
            (Strings{"1 place a s z 0 1", "2 place a s a 0 3", "2 place a s b 0 1", "10 place a s b 0 1",
                     "20 place a s b 0 1", "20 place a s c 0 2", "20 place a s c 1 2"}));
}

TEST(ModelPlacement, FixedSiteIsNeverLeftAndDoesNotBlockOthers) {
  // F (priority 1) has 2 slots, +3 at day 5; G (priority 2) has 10. "early" (5 chips, fixed to F)
  // arrives day 1: 2 go to F, 3 wait although G is free. "late" (4, no fixed site) arrives day 2: F is
  // full, so all 4 go to G, past the waiting "early". Day 5: early's 3 go to F.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("F", "a", 1);
  b.site("G", "a", 2);
  b.phase("F", "f1", 2, 0);
  b.phase("F", "f2", 3, 5);
  b.phase("G", "g", 10, 0);
  b.order("early", "a", "H100", 5, 1).site = "F";
  b.order("late", "a", "H100", 4, 2);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPlace}),
            (Strings{"1 place a F early 0 2", "2 place a G late 0 4", "5 place a F early 0 3"}));
  EXPECT_EQ(count_at(t, 3, ChipState::kWarehouse), 3);
}

TEST(ModelPlacement, FreeSlotsCountInitialChips) {
  // 10 initial chips bring 10 slots and fill them; the phase adds 5. Free = 5 + 10 - 10 = 5: of 8
  // arriving chips 5 are placed, 3 wait. Initial chips enter installed at 0 and are powered at 0.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 5);
  b.initial("s", "H100", 10);
  b.order("o", "a", "H100", 8, 1);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kInitial, EventKind::kPlace}),
            (Strings{"0 initial a s - - 10", "1 place a s o 0 5"}));
  EXPECT_EQ(count_at(t, -1, ChipState::kInstalled) + count_at(t, -1, ChipState::kPowered), 0);
  EXPECT_EQ(count_at(t, 0, ChipState::kPowered), 10);
  EXPECT_EQ(count_at(t, 1, ChipState::kWarehouse), 3);
  EXPECT_EQ(count_at(t, 1, ChipState::kPowered), 15);
}

TEST(ModelInstants, EventsOfOneInstantApplyInKindOrderThenSiteProcesses) {
  // Everything at day 5: phase, power and the order (transit 0, instant install). Scheduled kinds apply
  // in EventKind order; then placement, crews (install start, done at once) and power.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 10, 5);
  b.power("s", "grid", {{5, 1.0}});
  b.order("o", "a", "H100", 3, 5);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  Strings all;
  for (const EventRecord& e : t.events) all.push_back(describe(s, e));
  EXPECT_EQ(all, (Strings{"5 phase_ready a s - - 10", "5 power_change a s - - 1000", "5 ship a - o 0 3",
                          "5 arrive a - o 0 3", "5 place a s o 0 3", "5 install_start a s o 0 3",
                          "5 install_done a s o 0 3", "5 burn_in_pass a s o 0 3", "5 power_on a s o 0 3"}));
}

TEST(ModelInstants, PlacementWaitsForEveryEventOfTheInstant) {
  // One slot. Order a's chip fails burn-in at 2 (scripted) and returns at 5; order b's chip arrives at
  // 5. The arrive event runs before the RMA return, but placement only runs after both: they tie on
  // arrival time 5 and a (lower order id) takes the slot.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 1);
  b.install("s", std::nullopt, std::nullopt, /*burn_in=*/2, /*failure_rate=*/0.5, /*rma=*/3);
  b.order("a", "a", "H100", 1, 0);
  b.order("b", "a", "H100", 1, 5);
  const Scenario s = b.build();
  TestSampler sampler([](std::int64_t n, double, const std::string& address) {
    return address == "orders.a.lots.0.chunks.0.failures" ? n : 0;
  });
  RunOptions options;
  options.record_events = true;
  const SimulationTrace t = Simulator(s).run(constant_inputs(s), sampler, options);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPlace, EventKind::kBurnInFail, EventKind::kRmaReturn,
                                   EventKind::kArrive}),
            (Strings{"0 arrive a - a 0 1", "0 place a s a 0 1", "2 burn_in_fail a s a 0 1", "5 arrive a - b 0 1",
                     "5 rma_return a - a 0 1", "5 place a s a 0 1"}));
  EXPECT_EQ(count_at(t, 99, ChipState::kWarehouse), 1);
}

TEST(ModelConservation, EveryInstantConservesChipsPerSku) {
  // Two SKUs, an initial fleet, crews, failures with returns, limited falling power, a redirection of
  // part of an order: conservation after every instant, from the log alone.
  ScenarioBuilder b;
  b.sku("H100", 1.0);
  b.sku("B200", 1.5);
  b.owner("a");
  b.owner("b");
  b.site("sa", "a");
  b.site("sb", "b");
  b.phase("sa", "p", 20, 3);
  b.phase("sb", "p", 15, 0);
  b.initial("sa", "B200", 4);
  b.power("sa", "grid", {{0, 0.01}, {30, 0.004}});
  b.install("sa", 2, 3.0, 2, 0.2, 4);
  b.install("sb", 1, 5.0, 1, 0.1, 2);
  b.order("o1", "a", "H100", 17, 1, 3, 2, 1);
  b.order("o2", "a", "B200", 9, 2, 2, 5, 0);
  b.redirection("r", "o2", "b", 3, 6);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(conservation_error(s, t), "");
  EXPECT_EQ(count_at(t, 1000, ChipState::kRma), 0);
}

TEST(ModelErrors, InputsOfTheWrongShapeAreRejected) {
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 5);
  b.order("o", "a", "H100", 8, 1, 2);
  const Scenario s = b.build();
  const Simulator sim(s);
  TestSampler sampler;
  ResolvedInputs in = constant_inputs(s);
  in.orders[0].transit_days.pop_back();
  try {
    (void)sim.run(in, sampler);
    FAIL() << "expected InternalError";
  } catch (const InternalError& e) {
    EXPECT_STREQ(e.what(),
                 "model: resolved inputs do not match the scenario: order 0 transit_days has 1 entries, expected 2");
  }
  in = constant_inputs(s);
  in.sites.clear();
  try {
    (void)sim.run(in, sampler);
    FAIL() << "expected InternalError";
  } catch (const InternalError& e) {
    EXPECT_STREQ(e.what(), "model: resolved inputs do not match the scenario: sites has 0 entries, expected 1");
  }
  in = constant_inputs(s);
  in.orders[0].ship_time = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW((void)sim.run(in, sampler), InternalError);
  in = constant_inputs(s);
  in.sites[0].burn_in_days = -1;
  try {
    (void)sim.run(in, sampler);
    FAIL() << "expected InternalError";
  } catch (const InternalError& e) {
    EXPECT_STREQ(e.what(), "model: resolved input site 0 burn_in_days is out of range: -1.000000");
  }
  in = constant_inputs(s);
  in.sites[0].install_rate = 0;
  EXPECT_THROW((void)sim.run(in, sampler), InternalError);
}

TEST(ModelInputs, ConstantInputsHelperAgreesWithResolveInputs) {
  // The hand resolver of the test helpers must give what resolve_inputs gives under point values, so
  // that model tests built on it test what `run` runs.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.site("s", "a");
  b.phase("s", "p", 5, 3);
  b.power("s", "grid", {{-2, 0.002}, {4, 0.003}});
  b.install("s", 2, 3.5, 2, 0.1, 4);
  b.order("o", "a", "H100", 8, 1, 3, 1.5, 2, -1);
  b.redirection("r", "o", "a", 2);
  const Scenario s = b.build();
  PointSampler point;
  const ResolvedInputs real = resolve_inputs(s, point);
  const ResolvedInputs mine = constant_inputs(s);
  ASSERT_EQ(real.sites.size(), 1u);
  EXPECT_EQ(real.sites[0].phase_ready_time, mine.sites[0].phase_ready_time);
  ASSERT_EQ(real.sites[0].power.size(), 1u);
  ASSERT_EQ(real.sites[0].power[0].size(), 2u);
  EXPECT_EQ(real.sites[0].power[0][1].time, mine.sites[0].power[0][1].time);
  EXPECT_EQ(real.sites[0].power[0][1].mw, mine.sites[0].power[0][1].mw);
  EXPECT_EQ(real.sites[0].install_rate, mine.sites[0].install_rate);
  EXPECT_EQ(real.sites[0].burn_in_days, mine.sites[0].burn_in_days);
  EXPECT_EQ(real.sites[0].rma_days, mine.sites[0].rma_days);
  EXPECT_EQ(real.orders[0].ship_time, mine.orders[0].ship_time);
  EXPECT_EQ(real.orders[0].slip_days, mine.orders[0].slip_days);
  EXPECT_EQ(real.orders[0].transit_days, mine.orders[0].transit_days);
  EXPECT_EQ(real.redirection_time, mine.redirection_time);
}

TEST(ModelErrors, UnresolvedReferencesAreRejected) {
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.order("o", "a", "H200", 8, 1);
  try {
    const Simulator sim(b.build());
    FAIL() << "expected InternalError";
  } catch (const InternalError& e) {
    EXPECT_STREQ(e.what(), "model: orders.o: unknown sku 'H200'");
  }
}

}  // namespace
}  // namespace poweron
