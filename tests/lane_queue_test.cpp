// Tests for the model's pending-event set (include/poweron/lane_queue.hpp): events run in EventQueue's
// order (time, priority, id) with its ids and errors, lanes change nothing in that order, a lane rejects
// an event before its last one, restart() empties the lanes but keeps them and the ids.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "event_queue_test_support.hpp"
#include "poweron/lane_queue.hpp"

namespace poweron {
namespace {

using namespace queue_testing;  // drain, error_of, Lcg, ReferenceQueue
using IntLaneQueue = LaneQueue<int>;

TEST(LaneQueue, LanesAreNumberedFromZero) {
  IntLaneQueue queue;
  EXPECT_EQ(queue.lanes(), 0u);
  EXPECT_EQ(queue.add_lane(), 0u);
  EXPECT_EQ(queue.add_lane(), 1u);
  EXPECT_EQ(queue.lanes(), 2u);
}

TEST(LaneQueue, LaneEventsInterleaveWithOthersByTimePriorityAndId) {
  IntLaneQueue queue;
  const auto a = queue.add_lane();
  const auto b = queue.add_lane();
  EXPECT_EQ(queue.schedule_in_lane(a, 1.0, 0, 10), 1u);
  EXPECT_EQ(queue.schedule_in_lane(a, 3.0, 0, 30), 2u);
  EXPECT_EQ(queue.schedule(2.0, 0, 20), 3u);
  EXPECT_EQ(queue.schedule_in_lane(b, 3.0, -1, 29), 4u);  // same time as 30, lower priority: first
  EXPECT_EQ(queue.schedule_in_lane(a, 3.0, 0, 31), 5u);   // ties with 30: scheduled later, runs later
  EXPECT_EQ(queue.schedule(3.0, 0, 32), 6u);
  EXPECT_EQ(queue.schedule_in_lane(b, 3.0, 0, 33), 7u);
  EXPECT_EQ(queue.schedule(3.0, -1, 28), 8u);  // outside lanes, before every lane event at 3
  EXPECT_EQ(queue.size(), 8u);
  EXPECT_EQ(drain(queue), (std::vector<int>{10, 20, 29, 28, 30, 31, 32, 33}));
  EXPECT_EQ(queue.now(), 3.0);
}

TEST(LaneQueue, StepReturnsTimePriorityIdAndPayload) {
  IntLaneQueue queue(-2.0);
  const auto lane = queue.add_lane();
  queue.schedule_in_lane(lane, -0.0, 4, 7);
  const auto event = queue.step();
  EXPECT_EQ(event.time, 0.0);
  EXPECT_FALSE(std::signbit(event.time));  // -0.0 is treated as +0.0, as in EventQueue
  EXPECT_EQ(event.priority, 4);
  EXPECT_EQ(event.id, 1u);
  EXPECT_EQ(event.payload, 7);
  EXPECT_EQ(queue.now(), 0.0);
}

TEST(LaneQueue, AnEventBeforeTheLanesLastIsRejectedAndChangesNothing) {
  IntLaneQueue queue;
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

TEST(LaneQueue, ErrorsOfTheClockAndOfAnEmptyQueue) {
  EXPECT_EQ(error_of([] { IntLaneQueue queue(std::numeric_limits<double>::infinity()); }),
            "event queue start time must be finite, got inf");
  IntLaneQueue queue(1.0);
  EXPECT_EQ(error_of([&] { queue.step(); }), "step on an empty event queue");
  EXPECT_EQ(error_of([&] { queue.next_time(); }), "next_time on an empty event queue");
  EXPECT_EQ(error_of([&] { queue.schedule(0.5, 0, 1); }), "cannot schedule an event at time 0.5, before now 1");
  EXPECT_EQ(error_of([&] { queue.schedule(std::nan(""), 0, 1); }),
            "cannot schedule an event at non-finite time nan (now 1)");
  EXPECT_EQ(error_of([&] { queue.restart(-std::numeric_limits<double>::infinity()); }),
            "event queue start time must be finite, got -inf");
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.schedule(1.0, 0, 1), 1u);  // the rejected calls took no id
}

TEST(LaneQueue, AnEmptiedLaneTakesAnyTimeFromNowOn) {
  IntLaneQueue queue;
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

TEST(LaneQueue, NextAtTellsWhetherTheEarliestEventIsAtATime) {
  IntLaneQueue queue;
  EXPECT_FALSE(queue.next_at(0.0));
  const auto lane = queue.add_lane();
  queue.schedule_in_lane(lane, 2.0, 0, 1);
  queue.schedule(2.0, 1, 2);
  EXPECT_FALSE(queue.next_at(1.0));
  EXPECT_TRUE(queue.next_at(2.0));
  EXPECT_FALSE(queue.next_at_now());  // now() is still 0
  queue.step();
  EXPECT_TRUE(queue.next_at(2.0));
  EXPECT_TRUE(queue.next_at_now());
  queue.step();
  EXPECT_FALSE(queue.next_at(2.0));
  EXPECT_FALSE(queue.next_at_now());
  queue.schedule(2.0, 0, 3);  // at now(): next_at_now again
  EXPECT_TRUE(queue.next_at_now());
}

TEST(LaneQueue, RestartEmptiesTheLanesButKeepsThemAndTheIds) {
  IntLaneQueue queue;
  const auto lane = queue.add_lane();
  queue.schedule_in_lane(lane, 1.0, 0, 1);
  queue.schedule_in_lane(lane, 2.0, 0, 2);
  queue.schedule(3.0, 0, 3);
  queue.restart(-1.0);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.now(), -1.0);
  EXPECT_EQ(queue.lanes(), 1u);
  EXPECT_EQ(queue.schedule_in_lane(lane, -1.0, 0, 4), 4u);  // the lane forgot its last event; ids go on
  queue.schedule_in_lane(lane, 0.0, 0, 5);
  EXPECT_EQ(drain(queue), (std::vector<int>{4, 5}));
}

TEST(LaneQueue, HandlersSchedulingIntoLanes) {
  // A hold model in lanes: each event schedules its successor in its own lane at a fixed delay.
  IntLaneQueue queue;
  const std::vector<double> delays = {0.5, 0.75, 1.0};
  for (std::size_t k = 0; k < delays.size(); ++k) {
    queue.add_lane();
    queue.schedule_in_lane(static_cast<IntLaneQueue::LaneId>(k), 0.0, 0, static_cast<int>(k));
  }
  std::vector<std::tuple<double, int>> seen;
  while (queue.next_time() < 3.0) {
    const auto event = queue.step();
    seen.emplace_back(event.time, event.payload);
    const auto k = static_cast<std::size_t>(event.payload);
    queue.schedule_in_lane(static_cast<IntLaneQueue::LaneId>(k), event.time + delays[k], 0, event.payload);
  }
  // Lane k fires at multiples of its delay below 3; equal times run in id order, the event scheduled
  // first first: at 1.0, lane 2's (scheduled at 0) before lane 0's (scheduled at 0.5).
  const std::vector<std::tuple<double, int>> expected = {
      {0.0, 0}, {0.0, 1}, {0.0, 2}, {0.5, 0}, {0.75, 1}, {1.0, 2}, {1.0, 0}, {1.5, 1}, {1.5, 0},
      {2.0, 2}, {2.0, 0}, {2.25, 1}, {2.5, 0}};
  EXPECT_EQ(seen, expected);
}

// Random operations, checked step by step against a std::multimap model of the pending events (the order
// lanes must not change): many ties of (time, priority), one lane that stays long while its front is
// consumed (the storage reuse), events outside lanes far ahead (a large heap), and restarts.
TEST(LaneQueue, MatchRandomOperationsAgainstAMultimapReference) {
  ReferenceQueue reference;
  IntLaneQueue queue;
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
  int steps = 0;
  std::size_t peak = 0;
  for (int op = 0; op < 200000; ++op) {
    const std::uint32_t choice = op % 50000 == 49999 ? 999 : rng.below(999);
    // Per mille: schedule 520 or 470 (two thirds of them in lanes), step the rest: the queue grows
    // during the first 60,000 operations, then shrinks; every 50,000 operations, restart().
    const std::uint32_t schedule_share = op < 60000 ? 520 : 470;
    if (choice < schedule_share) {
      const int value = static_cast<int>(rng.next() & 0xffff);
      const bool in_lane = rng.below(3) != 0;
      EventId id = 0;
      double time = now + (!in_lane && rng.below(4) == 0 ? 32.0 + rng.below(64) : rng.below(17) / 8.0);
      int priority = static_cast<int>(rng.below(3)) - 1;
      if (in_lane) {
        // Half of them in lane 0, which grows long; the others spread over all lanes.
        const int k = rng.below(2) == 0 ? 0 : static_cast<int>(rng.below(kLanes));
        // Never before the lane's last scheduled event (valid whatever has run since).
        if (time < tails[k].time) time = tails[k].time + rng.below(3) / 8.0;
        if (time == tails[k].time && priority < tails[k].priority) priority = tails[k].priority;
        tails[k] = {time, priority};
        id = queue.schedule_in_lane(static_cast<IntLaneQueue::LaneId>(k), time, priority, value);
        ++lane_events;
      } else {
        id = queue.schedule(time, priority, value);
      }
      ASSERT_EQ(id, last_id + 1);
      last_id = id;
      reference.add(time, priority, id, value);
    } else if (choice < 999) {
      if (reference.empty()) {
        ASSERT_TRUE(queue.empty());
        continue;
      }
      const auto event = queue.step();
      ++steps;
      ASSERT_TRUE(reference.pop(event.time, event.priority, event.id, event.payload)) << "op " << op;
      now = event.time;
    } else {
      queue.restart(now);
      reference.clear();
      tails.assign(kLanes, LaneTail{now, -10});
    }
    ASSERT_EQ(queue.size(), reference.size()) << "op " << op;
    ASSERT_EQ(queue.now(), now);
    ASSERT_EQ(queue.next_at_now(), !reference.empty() && reference.next_time() == now) << "op " << op;
    peak = std::max(peak, queue.size());
    if (!reference.empty()) {
      ASSERT_EQ(queue.next_time(), reference.next_time()) << "op " << op;
      ASSERT_TRUE(queue.next_at(reference.next_time()));
    }
  }
  // Loose bounds that show the run is substantial.
  EXPECT_GT(lane_events, 50000);
  EXPECT_GT(steps, 60000);
  EXPECT_GT(peak, 2000u);
  while (!reference.empty()) {
    const auto event = queue.step();
    ASSERT_TRUE(reference.pop(event.time, event.priority, event.id, event.payload));
  }
  EXPECT_TRUE(queue.empty());
}

}  // namespace
}  // namespace poweron
