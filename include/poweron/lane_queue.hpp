// A pending-event set for events that are never cancelled, most of which come in lanes: the model's.
//
// Order, ids and errors are those of EventQueue (event_order.hpp): (time, priority, id), ids counting
// from 1 for the life of the queue. What it leaves out is cancellation, and with it everything
// EventQueue keeps to find a pending event by id (slots, a free list, an id index): an event is one
// entry holding its key and its payload, copied into the heap and out again.
//
// A lane holds events that come in the order they will run (e.g. "now + a fixed delay" on a clock that
// never goes back): only its earliest event is in the heap; the others wait behind it in a FIFO, and
// the next one takes its place in the same pass down the heap that stepping the head makes. With most
// events in lanes the heap holds about one event per lane, so its operations stay short. Events may
// also be scheduled outside any lane; the heap then holds them all (a binary heap: the right choice
// for a few dozen entries, not for the hundred thousand pending events EventQueue's 4-ary heap is built
// for).
//
//   LaneQueue<int> queue;                           // now() == 0
//   const auto lane = queue.add_lane();
//   queue.schedule_in_lane(lane, 1.0, /*priority=*/0, 7);
//   queue.schedule(0.5, 0, 8);
//   while (!queue.empty()) { const auto event = queue.step(); ... }  // 8 at 0.5, then 7 at 1.0
//
// Errors throw EventQueueError and change nothing: scheduling before now() or at a non-finite time, in a
// lane that does not exist or before the lane's last pending event; next_time() or step() on an empty
// queue. Scheduling and stepping allocate nothing once the lanes and the heap have grown to their peak
// sizes. All state lives in the object: independent queues may run in parallel threads; one queue is
// not thread-safe.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "poweron/event_order.hpp"

namespace poweron {

template <typename Payload>
class LaneQueue {
  static_assert(std::is_trivially_copyable_v<Payload>, "LaneQueue payloads must be trivially copyable");

 public:
  using Event = QueuedEvent<Payload>;
  using LaneId = std::uint32_t;

  /// An empty queue with now() == start_time. Throws EventQueueError if start_time is not finite.
  explicit LaneQueue(double start_time = 0.0) : now_order_(detail::time_key(start_time)) {
    if (!std::isfinite(start_time)) detail::throw_start_time_error(start_time);
  }

  /// Opens a new lane and returns its id: 0, 1, 2, ... Lanes stay for the life of the queue.
  LaneId add_lane() {
    if (lanes_.size() >= kNoLane) detail::throw_no_lane(kNoLane, lanes_.size());
    lanes_.emplace_back();
    return static_cast<LaneId>(lanes_.size() - 1);
  }
  /// The number of lanes opened.
  std::size_t lanes() const { return lanes_.size(); }

  /// Adds an event at `time` (>= now(), finite), outside any lane, and returns its id. Throws
  /// EventQueueError "cannot schedule an event at time T, before now N" or "... at non-finite time T".
  EventId schedule(double time, int priority, const Payload& payload) {
    const Entry entry = make_entry(time, priority, payload, kNoLane);
    if (!std::isfinite(time) || entry.order < now_order_) detail::throw_schedule_error(time, now());
    heap_push(entry);  // may throw bad_alloc before any change
    return accept(entry);
  }

  /// As schedule(), in `lane`: the event runs exactly when schedule() would have run it. REQUIRES that
  /// (time, priority) is not before that of the lane's last pending event; throws EventQueueError
  /// "lane L: cannot schedule an event at (T, P) before the lane's last event at (T0, P0)", "no lane L
  /// (N lanes)", or schedule()'s errors.
  EventId schedule_in_lane(LaneId lane_id, double time, int priority, const Payload& payload) {
    const Entry entry = make_entry(time, priority, payload, lane_id);
    if (!std::isfinite(time) || entry.order < now_order_) detail::throw_schedule_error(time, now());
    if (lane_id >= lanes_.size()) detail::throw_no_lane(lane_id, lanes_.size());
    Lane& lane = lanes_[lane_id];
    if (!lane.in_heap) {
      heap_push(entry);
      lane.in_heap = true;
    } else {
      if (before(entry, lane.tail)) {
        detail::throw_lane_order_error(lane_id, time, priority, lane.tail.time(), lane.tail.priority());
      }
      if (lane.waiting.size() == lane.waiting.capacity() && lane.next != 0 && lane.next * 2 >= lane.waiting.size()) {
        // Reuse the consumed front (amortized O(1) per event) rather than grow.
        lane.waiting.erase(lane.waiting.begin(), lane.waiting.begin() + static_cast<std::ptrdiff_t>(lane.next));
        lane.next = 0;
      }
      lane.waiting.push_back(entry);  // may throw bad_alloc before any change
    }
    lane.tail = entry;
    return accept(entry);
  }

  /// True when no event is pending.
  bool empty() const { return size_ == 0; }
  /// The number of pending events.
  std::size_t size() const { return size_; }
  /// The simulation clock: the start time, then the time of the last stepped event.
  double now() const { return detail::key_time(now_order_); }

  /// The time of the earliest pending event. Throws EventQueueError "next_time on an empty event queue".
  double next_time() const {
    if (size_ == 0) detail::throw_empty_error("next_time");
    return heap_.front().time();
  }
  /// True if the earliest pending event is at exactly `time`: a run loop's test for more events at now().
  bool next_at(double time) const { return size_ != 0 && heap_.front().order == detail::time_key(time); }
  /// next_at(now()), without converting a time: a run loop's test for more events at the instant it steps.
  bool next_at_now() const { return size_ != 0 && heap_.front().order == now_order_; }

  /// Removes the earliest event by (time, priority, id), sets now() to its time and returns it. Throws
  /// EventQueueError "step on an empty event queue" when empty.
  Event step() {
    if (size_ == 0) detail::throw_empty_error("step");
    const Entry top = heap_.front();
    --size_;
    if (top.lane != kNoLane) {
      Lane& lane = lanes_[top.lane];
      if (lane.next < lane.waiting.size()) {
        const Entry next = lane.waiting[lane.next++];
        if (lane.next == lane.waiting.size()) {
          lane.waiting.clear();
          lane.next = 0;
        }
        fill_root(next);  // the lane's next event takes the root's place in one pass down
        now_order_ = top.order;
        return {top.time(), top.priority(), top.id, top.payload};
      }
      lane.in_heap = false;
    }
    const Entry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) fill_root(last);
    now_order_ = top.order;
    return {top.time(), top.priority(), top.id, top.payload};
  }

  /// Drops every pending event and sets the clock to `start_time`, keeping the storage and the lanes;
  /// ids keep counting. Throws EventQueueError for a non-finite start time.
  void restart(double start_time) {
    if (!std::isfinite(start_time)) detail::throw_start_time_error(start_time);
    heap_.clear();
    for (Lane& lane : lanes_) {
      lane.waiting.clear();
      lane.next = 0;
      lane.in_heap = false;
    }
    size_ = 0;
    now_order_ = detail::time_key(start_time);
  }

 private:
  static constexpr LaneId kNoLane = std::numeric_limits<LaneId>::max();
  static constexpr std::size_t kNoChild = std::numeric_limits<std::size_t>::max();
  static constexpr std::uint32_t kSignBit32 = 0x80000000U;

  // An event: ordered by `order` (its time as an order-preserving integer), then `rank` (its priority
  // offset by 2^31, so unsigned order is signed order), then its id.
  struct Entry {
    std::uint64_t order;
    EventId id;
    std::uint32_t rank;
    LaneId lane;
    Payload payload;
    double time() const { return detail::key_time(order); }
    int priority() const { return static_cast<int>(rank ^ kSignBit32); }
  };
  struct Lane {
    std::vector<Entry> waiting;  // behind its head (in the heap while in_heap), consumed from `next`
    std::size_t next = 0;
    bool in_heap = false;
    Entry tail{};  // its last scheduled event (meaningful while in_heap)
  };

  // The event's entry, with the next id; accept() takes the id once the entry is stored. (An entry
  // compares before the lane's tail exactly when its (time, priority) does: its id is larger.)
  Entry make_entry(double time, int priority, const Payload& payload, LaneId lane) const {
    return Entry{detail::time_key(time), next_id_, static_cast<std::uint32_t>(priority) ^ kSignBit32, lane, payload};
  }
  EventId accept(const Entry& entry) {
    ++next_id_;
    ++size_;
    return entry.id;
  }

  static bool before(const Entry& a, const Entry& b) {
    if (a.order != b.order) [[likely]] return a.order < b.order;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.id < b.id;
  }

  void heap_push(const Entry& entry) {
    heap_.push_back(entry);
    detail::rise(heap_, heap_.size() - 1, 0, entry, [](std::size_t hole) { return (hole - 1) / 2; }, before);
  }

  // Puts `entry` in the vacated root's place, moving earlier children up.
  void fill_root(const Entry& entry) {
    const std::size_t end = heap_.size();
    auto earliest_child = [&](std::size_t hole) {
      const std::size_t child = 2 * hole + 1;
      if (child >= end) return kNoChild;
      return child + 1 < end && before(heap_[child + 1], heap_[child]) ? child + 1 : child;
    };
    detail::sink(heap_, 0, entry, earliest_child, kNoChild, before);
  }

  std::uint64_t now_order_;  ///< now() as its queue key: the clock compares with entries' keys, not times
  EventId next_id_ = 1;
  std::size_t size_ = 0;
  std::vector<Entry> heap_;
  std::vector<Lane> lanes_;
};

}  // namespace poweron
