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

}  // namespace detail
}  // namespace poweron
