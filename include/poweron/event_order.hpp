// What the two pending-event sets share (event_queue.hpp: any events, cancellable; lane_queue.hpp:
// events that are never cancelled, most of them in lanes): the order of events, their ids, their errors.
//
// Events run by (time, priority, id): equal times in ascending priority, then in the order they were
// scheduled. The id is that insertion sequence number: 1, 2, 3, ... for the life of a queue.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace poweron {

using EventId = std::uint64_t;

/// An event as a queue hands it out: when, its tie-break priority (lower runs first), its id, its payload.
template <typename Payload>
struct QueuedEvent {
  double time;
  int priority;
  EventId id;
  Payload payload;
};

class EventQueueError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

// Out-of-line throwers (sim/event_queue.cpp) keep message formatting off the hot paths.
[[noreturn]] void throw_schedule_error(double time, double now);
[[noreturn]] void throw_start_time_error(double start_time);
[[noreturn]] void throw_empty_error(const char* operation);
[[noreturn]] void throw_run_until_nan();
[[noreturn]] void throw_too_many_events();
[[noreturn]] void throw_no_lane(std::uint64_t lane, std::size_t lanes);
[[noreturn]] void throw_lane_order_error(std::uint64_t lane, double time, int priority, double last_time,
                                         int last_priority);

inline constexpr std::uint64_t kTimeSignBit = 0x8000000000000000ULL;

/// Finite doubles to unsigned integers of the same order: negative values have all bits flipped, others
/// only the sign bit. -0.0 becomes +0.0 first (adding +0.0), so equal times give equal keys.
inline std::uint64_t time_key(double time) {
  const auto bits = std::bit_cast<std::uint64_t>(time + 0.0);
  return (bits & kTimeSignBit) != 0 ? ~bits : bits | kTimeSignBit;
}
/// The time a key was made from.
inline double key_time(std::uint64_t order) {
  return std::bit_cast<double>((order & kTimeSignBit) != 0 ? order & ~kTimeSignBit : ~order);
}

/// Places `key` at `hole` of a heap rooted at `root`, or above it: while the key is before the parent
/// (parent(hole)), the parent moves down into the hole. The heaps of both queues rise this way.
template <typename Heap, typename Key, typename Parent, typename Before>
[[gnu::always_inline]] inline void rise(Heap& heap, std::size_t hole, std::size_t root, const Key& key, Parent parent,
                                        Before before) {
  while (hole > root) {
    const std::size_t up = parent(hole);
    if (!before(key, heap[up])) break;
    heap[hole] = heap[up];
    hole = up;
  }
  heap[hole] = key;
}

/// Places `key` at `hole` of a heap, or below it: while the earliest child of the hole
/// (earliest_child(hole), or no_child when it has none) is before the key, that child moves up into the
/// hole. The heaps of both queues sink this way.
template <typename Heap, typename Key, typename EarliestChild, typename Before>
[[gnu::always_inline]] inline void sink(Heap& heap, std::size_t hole, const Key& key, EarliestChild earliest_child,
                                        std::size_t no_child, Before before) {
  for (;;) {
    const std::size_t child = earliest_child(hole);
    if (child == no_child || !before(heap[child], key)) break;
    heap[hole] = heap[child];
    hole = child;
  }
  heap[hole] = key;
}

}  // namespace detail
}  // namespace poweron
