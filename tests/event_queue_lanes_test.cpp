// Tests for the event kernel's lanes (include/poweron/event_queue.hpp): events scheduled in lanes run in
// exactly the order and with exactly the ids they would have without lanes; a lane rejects an event
// before its last one; cancellation, clear() and restart() reach events waiting in lanes.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "event_queue_test_support.hpp"
#include "poweron/event_queue.hpp"

namespace poweron {
namespace {

using namespace queue_testing;  // IntQueue, drain, error_of, Lcg, ReferenceQueue

TEST(EventQueueLanes, LanesAreNumberedFromZero) {
  IntQueue queue;
  EXPECT_EQ(queue.lanes(), 0u);
  EXPECT_EQ(queue.add_lane(), 0u);
  EXPECT_EQ(queue.add_lane(), 1u);
  EXPECT_EQ(queue.lanes(), 2u);
}

TEST(EventQueueLanes, LaneEventsInterleaveWithOthersByTimePriorityAndId) {
  IntQueue queue;
  const auto a = queue.add_lane();
  const auto b = queue.add_lane();
  EXPECT_EQ(queue.schedule_in_lane(a, 1.0, 0, 10), 1u);
  EXPECT_EQ(queue.schedule_in_lane(a, 3.0, 0, 30), 2u);
  EXPECT_EQ(queue.schedule(2.0, 0, 20), 3u);
  EXPECT_EQ(queue.schedule_in_lane(b, 3.0, -1, 29), 4u);  // same time as 30, lower priority: first
  EXPECT_EQ(queue.schedule_in_lane(a, 3.0, 0, 31), 5u);   // ties with 30: scheduled later, runs later
  EXPECT_EQ(queue.schedule(3.0, 0, 32), 6u);
  EXPECT_EQ(queue.schedule_in_lane(b, 3.0, 0, 33), 7u);
  EXPECT_EQ(queue.size(), 7u);
  EXPECT_EQ(drain(queue), (std::vector<int>{10, 20, 29, 30, 31, 32, 33}));
}

TEST(EventQueueLanes, AnEventBeforeTheLanesLastIsRejectedAndChangesNothing) {
  IntQueue queue;
  const auto lane = queue.add_lane();
  queue.schedule_in_lane(lane, 2.0, 1, 1);
  queue.schedule_in_lane(lane, 5.0, 1, 2);
  EXPECT_EQ(error_of([&] { queue.schedule_in_lane(lane, 4.5, 1, 3); }),
            "lane 0: cannot schedule an event at (4.5, 1) before the lane's last event at (5, 1)");
  EXPECT_EQ(error_of([&] { queue.schedule_in_lane(lane, 5.0, 0, 3); }),
            "lane 0: cannot schedule an event at (5, 0) before the lane's last event at (5, 1)");
  EXPECT_EQ(error_of([&] { queue.schedule_in_lane(7, 5.0, 0, 3); }), "no lane 7 (1 lanes)");
  EXPECT_EQ(error_of([&] { queue.schedule_in_lane(lane, -1.0, 0, 3); }),
            "cannot schedule an event at time -1, before now 0");
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.schedule_in_lane(lane, 5.0, 2, 4), 3u);  // not before (5, 1): accepted, ids unchanged
  EXPECT_EQ(drain(queue), (std::vector<int>{1, 2, 4}));
}

TEST(EventQueueLanes, AnEmptiedLaneTakesAnyTimeFromNowOn) {
  IntQueue queue;
  const auto lane = queue.add_lane();
  queue.schedule_in_lane(lane, 9.0, 0, 1);
  queue.schedule(1.0, 0, 2);
  EXPECT_EQ(queue.step().payload, 2);
  EXPECT_EQ(queue.step().payload, 1);  // the lane is empty now
  queue.schedule_in_lane(lane, 9.0, 0, 3);
  EXPECT_EQ(queue.step().payload, 3);
  queue.schedule_in_lane(lane, 9.0, -5, 4);  // before (9, 0), but that event has run
  EXPECT_EQ(drain(queue), (std::vector<int>{4}));
}

TEST(EventQueueLanes, CancellingTheHeadOrAWaitingEvent) {
  IntQueue queue;
  const auto lane = queue.add_lane();
  const EventId head = queue.schedule_in_lane(lane, 1.0, 0, 1);
  const EventId second = queue.schedule_in_lane(lane, 2.0, 0, 2);
  queue.schedule_in_lane(lane, 3.0, 0, 3);
  const EventId fourth = queue.schedule_in_lane(lane, 4.0, 0, 4);
  queue.schedule(2.5, 0, 25);
  EXPECT_TRUE(queue.cancel(second));  // waiting behind the head
  EXPECT_FALSE(queue.cancel(second));
  EXPECT_TRUE(queue.cancel(head));    // the head: the lane moves on past the cancelled second event
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.next_time(), 2.5);
  EXPECT_TRUE(queue.cancel(fourth));
  // The lane's last event still in the queue is the cancelled fourth, at 4: a time before it is rejected.
  EXPECT_FALSE(error_of([&] { queue.schedule_in_lane(lane, 3.5, 0, 35); }).empty());
  EXPECT_EQ(drain(queue), (std::vector<int>{25, 3}));
  EXPECT_FALSE(queue.cancel(fourth));
}

TEST(EventQueueLanes, ClearAndRestartEmptyTheLanesButKeepThem) {
  IntQueue queue;
  const auto lane = queue.add_lane();
  queue.schedule_in_lane(lane, 1.0, 0, 1);
  const EventId waiting = queue.schedule_in_lane(lane, 2.0, 0, 2);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.cancel(waiting));
  queue.schedule_in_lane(lane, 0.5, 0, 3);  // the lane forgot its last event
  queue.restart(-1.0);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.lanes(), 1u);
  queue.schedule_in_lane(lane, -1.0, 0, 4);
  queue.schedule_in_lane(lane, 0.0, 0, 5);
  EXPECT_EQ(drain(queue), (std::vector<int>{4, 5}));
}

TEST(EventQueueLanes, HandlersSchedulingIntoLanesDuringRunUntil) {
  // A hold model in lanes: each event schedules its successor in its own lane at a fixed delay.
  IntQueue queue;
  const std::vector<double> delays = {0.5, 0.75, 1.0};
  for (std::size_t k = 0; k < delays.size(); ++k) {
    queue.add_lane();
    queue.schedule_in_lane(static_cast<IntQueue::LaneId>(k), 0.0, 0, static_cast<int>(k));
  }
  std::vector<std::tuple<double, int>> seen;
  queue.run_until(3.0, [&](const IntQueue::Event& event) {
    seen.emplace_back(event.time, event.payload);
    const auto k = static_cast<std::size_t>(event.payload);
    queue.schedule_in_lane(static_cast<IntQueue::LaneId>(k), event.time + delays[k], 0, event.payload);
  });
  // Lane k fires at multiples of its delay below 3; equal times run in id order, the event scheduled
  // first first: at 1.0, lane 2's (scheduled at 0) before lane 0's (scheduled at 0.5).
  const std::vector<std::tuple<double, int>> expected = {
      {0.0, 0}, {0.0, 1}, {0.0, 2}, {0.5, 0}, {0.75, 1}, {1.0, 2}, {1.0, 0}, {1.5, 1}, {1.5, 0},
      {2.0, 2}, {2.0, 0}, {2.25, 1}, {2.5, 0}};
  EXPECT_EQ(seen, expected);
}

// Random operations on a queue with lanes, checked step by step against a std::multimap model of the
// pending events (the order lanes must not change), with many ties of (time, priority), cancellations of
// heads and of waiting events (enough to compact lanes and the heap), run_until and clear().
TEST(EventQueueLanes, MatchRandomOperationsAgainstAMultimapReference) {
  ReferenceQueue reference;
  IntQueue queue;
  Lcg rng(4242);
  constexpr int kLanes = 40;
  struct LaneTail {
    double time = 0;
    int priority = -10;
  };
  std::vector<LaneTail> tails(kLanes);
  for (int k = 0; k < kLanes; ++k) queue.add_lane();
  double now = 0;
  EventId last_id = 0;
  int lane_events = 0;
  int cancels = 0;
  int steps = 0;
  std::size_t peak = 0;
  auto check_front = [&](const IntQueue::Event& event, int op) {
    ASSERT_TRUE(reference.pop(event.time, event.priority, event.id, event.payload)) << "op " << op;
  };
  for (int op = 0; op < 200000; ++op) {
    if (op == 45000 || op == 120000) {
      // Mass cancellation of nine pending events in ten, in random order of ids: compacts the heap and
      // the lanes.
      std::vector<EventId> ids;
      for (const EventId id : reference.ids()) {
        if (rng.below(10) != 0) ids.push_back(id);
      }
      for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(static_cast<std::uint32_t>(i))]);
      for (const EventId id : ids) {
        ASSERT_TRUE(reference.cancel(id));
        ASSERT_TRUE(queue.cancel(id));
        ++cancels;
      }
    }
    const std::uint32_t choice = op % 50000 == 49999 ? 999 : rng.below(999);
    // Per mille: schedule 520 or 470 (two thirds of them in lanes), cancel 180, step the rest but 4,
    // run_until 4: the queue grows during the first 60,000 operations, then shrinks; every 50,000
    // operations, clear().
    const std::uint32_t schedule_share = op < 60000 ? 520 : 470;
    if (choice < schedule_share) {
      const int value = static_cast<int>(rng.next() & 0xffff);
      const bool in_lane = rng.below(3) != 0;
      EventId id = 0;
      // Non-lane events a quarter of the time far ahead, so that the heap also grows large.
      double time = now + (!in_lane && rng.below(4) == 0 ? 32.0 + rng.below(64) : rng.below(17) / 8.0);
      int priority = static_cast<int>(rng.below(3)) - 1;
      if (in_lane) {
        // Half of them in lane 0, which grows long; the others spread over all lanes.
        const int k = rng.below(2) == 0 ? 0 : static_cast<int>(rng.below(kLanes));
        // Never before the lane's last scheduled event (valid whatever has run or been dropped since).
        if (time < tails[k].time) time = tails[k].time + rng.below(3) / 8.0;
        if (time == tails[k].time && priority < tails[k].priority) priority = tails[k].priority;
        tails[k] = {time, priority};
        id = queue.schedule_in_lane(static_cast<IntQueue::LaneId>(k), time, priority, value);
        ++lane_events;
      } else {
        id = queue.schedule(time, priority, value);
      }
      ASSERT_EQ(id, last_id + 1);
      last_id = id;
      reference.add(time, priority, id, value);
    } else if (choice < schedule_share + 180) {
      const EventId id = last_id - std::min<EventId>(last_id, rng.below(64));
      const bool expected = reference.cancel(id);
      if (expected) ++cancels;
      ASSERT_EQ(queue.cancel(id), expected) << "op " << op << " id " << id;
    } else if (choice < 995) {
      if (reference.empty()) {
        ASSERT_TRUE(queue.empty());
        continue;
      }
      const auto event = queue.step();
      ++steps;
      check_front(event, op);
      now = event.time;
    } else if (choice < 999) {
      const double until = now + 3.0 / 16.0;
      queue.run_until(until, [&](const IntQueue::Event& event) { check_front(event, op); });
      ASSERT_TRUE(reference.empty() || reference.next_time() >= until);
      now = until;
    } else {
      queue.clear();
      reference.clear();
      tails.assign(kLanes, LaneTail{now, -10});
    }
    ASSERT_EQ(queue.size(), reference.size()) << "op " << op;
    ASSERT_EQ(queue.now(), now);
    peak = std::max(peak, queue.size());
    if (!reference.empty()) {
      ASSERT_EQ(queue.next_time(), reference.next_time()) << "op " << op;
    }
  }
  // Loose bounds that show the run is substantial (this seed: 64,600 lane events, 24,700 cancels, 66,400
  // steps, a peak of 3,200 pending events). An instrumented build counted, for this seed, 5 lane
  // compactions, 4 heap compactions dropping 21 cancelled lane heads, 4 reuses of a lane's consumed
  // front and 4,100 cancelled lane heads dropped off the top.
  EXPECT_GT(lane_events, 50000);
  EXPECT_GT(cancels, 15000);
  EXPECT_GT(steps, 40000);
  EXPECT_GT(peak, 2000u);
  while (!reference.empty()) check_front(queue.step(), -1);
  EXPECT_TRUE(queue.empty());
}

}  // namespace
}  // namespace poweron
