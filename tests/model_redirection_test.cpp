// SPEC 3.6: redirections move never-placed chips of an order (ordered, in transit, in the warehouse;
// not RMA returns, not chips owned by the target) in lot order, splitting lots, up to a quantity.
// Expectations worked out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model_test_support.hpp"

namespace poweron {
namespace {

using namespace test_support;
using Strings = std::vector<std::string>;

TEST(ModelRedirection, PartialQuantityTakesLotsInOrderAndSplitsOne) {
  // 10 chips in 2 lots of 5 shipping at 10 and 15 (transit 2); 7 go to b at day 1: all of lot 0 and
  // 2 of lot 1. Each part keeps its lot's schedule: lot 1 ships at 15 as a's 3 and b's 2.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.order("o", "a", "H100", 10, 10, 2, 5, 2);
  b.redirection("r", "o", "b", 1, 7);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kRedirectOut, EventKind::kRedirectIn, EventKind::kShip}),
            (Strings{"1 redirect_out a - o 0 5", "1 redirect_in b - o 0 5", "1 redirect_out a - o 1 2",
                     "1 redirect_in b - o 1 2", "10 ship b - o 0 5", "15 ship a - o 1 3", "15 ship b - o 1 2"}));
  EXPECT_EQ(count_at(t, 1, ChipState::kOrdered, index_of(s.owners, "a")), 3);
  EXPECT_EQ(count_at(t, 1, ChipState::kOrdered, index_of(s.owners, "b")), 7);
  EXPECT_EQ(count_at(t, 99, ChipState::kWarehouse, index_of(s.owners, "b")), 7);
}

TEST(ModelRedirection, MovesOrderedInTransitAndWarehouseChipsButNotPlacedOnes) {
  // 3 lots of 4 ship at 0, 5, 10 (transit 3). a's site has 2 slots: at 3 lot 0 puts 2 there, 2 wait.
  // At 6 (lot 1 in transit, lot 2 ordered) everything movable goes to b: 2 + 4 + 4 = 10; b places the
  // 2 warehouse chips at once at its site.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.site("sa", "a");
  b.site("sb", "b");
  b.phase("sa", "p", 2);
  b.phase("sb", "p", 100);
  b.order("o", "a", "H100", 12, 0, 3, 5, 3);
  b.redirection("r", "o", "b", 6);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kRedirectOut, EventKind::kPlace}),
            (Strings{"3 place a sa o 0 2", "6 redirect_out a - o 0 2", "6 redirect_out a - o 1 4",
                     "6 redirect_out a - o 2 4", "6 place b sb o 0 2", "8 place b sb o 1 4",
                     "13 place b sb o 2 4"}));
  const auto a = index_of(s.owners, "a");
  const auto bo = index_of(s.owners, "b");
  EXPECT_EQ(count_at(t, 6, ChipState::kInTransit, a), 0);
  EXPECT_EQ(count_at(t, 6, ChipState::kInTransit, bo), 4);
  EXPECT_EQ(count_at(t, 99, ChipState::kPowered, a), 2);
  EXPECT_EQ(count_at(t, 99, ChipState::kPowered, bo), 10);
}

TEST(ModelRedirection, SkipsChipsAlreadyOwnedByTheTarget) {
  // 10 chips, one lot shipping at 50. r1 (day 1) moves 4 to b; r2 (day 2, 10 to b) finds only a's 6;
  // r3 (day 3, 3 back to a) takes 3 of b's.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.order("o", "a", "H100", 10, 50);
  b.redirection("r1", "o", "b", 1, 4);
  b.redirection("r2", "o", "b", 2, 10);
  b.redirection("r3", "o", "a", 3, 3);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kRedirectOut}),
            (Strings{"1 redirect_out a - o 0 4", "2 redirect_out a - o 0 6", "3 redirect_out b - o 0 3"}));
  EXPECT_EQ(count_at(t, 3, ChipState::kOrdered, index_of(s.owners, "a")), 3);
  EXPECT_EQ(count_at(t, 3, ChipState::kOrdered, index_of(s.owners, "b")), 7);
}

TEST(ModelRedirection, SameInstantRedirectionsApplyInIdOrder) {
  // 2 lots of 5; at day 1 r1 moves 3 to b, then r2 moves 3 to c: lot 0's remaining 2 of a, then (still
  // in lot 0) 1 of the part b just got — it is not owned by c. Final: a 5, b 2, c 3.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.owner("c");
  b.order("o", "a", "H100", 10, 50, 2);
  b.redirection("r2", "o", "c", 1, 3);
  b.redirection("r1", "o", "b", 1, 3);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kRedirectIn}),
            (Strings{"1 redirect_in b - o 0 3", "1 redirect_in c - o 0 2", "1 redirect_in c - o 0 1"}));
  EXPECT_EQ(count_at(t, 1, ChipState::kOrdered, index_of(s.owners, "a")), 5);
  EXPECT_EQ(count_at(t, 1, ChipState::kOrdered, index_of(s.owners, "b")), 2);
  EXPECT_EQ(count_at(t, 1, ChipState::kOrdered, index_of(s.owners, "c")), 3);
}

TEST(ModelRedirection, GoesToTheRedirectionsSiteElseByTheNewOwnersPriority) {
  // b's sites: b1 (priority 1) and b2 (priority 2), 10 slots each. o1 is redirected with site b2, o2
  // without a site: at arrival (5) o1's 4 go to b2, o2's 4 to b1. o3 has a's fixed site sa, is
  // redirected to b without a site: the fixed site of a no longer applies, it goes to b1.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.site("sa", "a");
  b.site("b1", "b", 1);
  b.site("b2", "b", 2);
  b.phase("sa", "p", 10);
  b.phase("b1", "p", 10);
  b.phase("b2", "p", 10);
  b.order("o1", "a", "H100", 4, 5);
  b.order("o2", "a", "H100", 4, 5);
  b.order("o3", "a", "H100", 2, 5).site = "sa";
  b.redirection("r1", "o1", "b", 1, std::nullopt, "b2");
  b.redirection("r2", "o2", "b", 1);
  b.redirection("r3", "o3", "b", 1);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kRedirectIn, EventKind::kPlace}),
            (Strings{"1 redirect_in b b2 o1 0 4", "1 redirect_in b - o2 0 4", "1 redirect_in b - o3 0 2",
                     "5 place b b2 o1 0 4", "5 place b b1 o2 0 4", "5 place b b1 o3 0 2"}));
}

TEST(ModelRedirection, RmaReturnsAreNeverMoved) {
  // sa has 2 slots. o's 2 chips are placed at 0 and both fail burn-in at 1 (scripted), back in a's
  // warehouse at 3 — by then o2's 2 chips (arrived 2) hold the slots. r1 at 2 (chips in rma) and r2 at
  // 4 (chips returned, in the warehouse) move nothing: they were placed once.
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.site("sa", "a");
  b.site("sb", "b");
  b.phase("sa", "p", 2);
  b.phase("sb", "p", 100);
  b.install("sa", std::nullopt, std::nullopt, 1, 0.5, 2);
  b.order("o", "a", "H100", 2, 0);
  b.order("o2", "a", "H100", 2, 2);
  b.redirection("r1", "o", "b", 2);
  b.redirection("r2", "o", "b", 4);
  const Scenario s = b.build();
  TestSampler sampler([](std::int64_t n, double, const std::string& address) {
    return address == "orders.o.lots.0.chunks.0.failures" ? n : 0;
  });
  RunOptions options;
  options.record_events = true;
  const SimulationTrace t = Simulator(s).run(constant_inputs(s), sampler, options);
  EXPECT_TRUE(events_of(t, EventKind::kRedirectOut).empty());
  EXPECT_EQ(count_at(t, 2, ChipState::kRma, index_of(s.owners, "a")), 2);
  EXPECT_EQ(count_at(t, 99, ChipState::kWarehouse, index_of(s.owners, "a")), 2);
  EXPECT_EQ(count_at(t, 99, ChipState::kPowered, index_of(s.owners, "b")), 0);
}

TEST(ModelRedirection, KeepsItsPlaceInLine) {
  // a has no site: o's 2 chips wait in a's warehouse from 3. b's own order x (2 chips) waits from 5.
  // o goes to b at 6. b's site gets 3 slots at 8: o's chips (arrived 3) come before x's (arrived 5).
  ScenarioBuilder b;
  b.sku("H100");
  b.owner("a");
  b.owner("b");
  b.site("sb", "b");
  b.phase("sb", "p", 3, 8);
  b.order("o", "a", "H100", 2, 3);
  b.order("x", "b", "H100", 2, 5);
  b.redirection("r", "o", "b", 6);
  const Scenario s = b.build();
  const SimulationTrace t = run_point(s);
  EXPECT_EQ(describe_events(s, t, {EventKind::kPlace}), (Strings{"8 place b sb o 0 2", "8 place b sb x 0 1"}));
}

}  // namespace
}  // namespace poweron
