// Error reporting for the event kernels (include/poweron/event_queue.hpp, lane_queue.hpp). Kept out of
// line so that the templated hot paths carry no string formatting.
#include "poweron/event_order.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace poweron::detail {
namespace {

// Shortest text that reads back as the same double ("2.5", "1e-09", "inf", "-inf", "nan").
std::string format_time(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

void throw_schedule_error(double time, double now) {
  if (!std::isfinite(time)) {
    throw EventQueueError("cannot schedule an event at non-finite time " + format_time(time) + " (now " +
                          format_time(now) + ")");
  }
  throw EventQueueError("cannot schedule an event at time " + format_time(time) + ", before now " +
                        format_time(now));
}

void throw_start_time_error(double start_time) {
  throw EventQueueError("event queue start time must be finite, got " + format_time(start_time));
}

void throw_empty_error(const char* operation) {
  throw EventQueueError(std::string(operation) + " on an empty event queue");
}

void throw_run_until_nan() { throw EventQueueError("run_until with a NaN time"); }

void throw_too_many_events() { throw EventQueueError("event queue full: 2^32 - 1 pending events"); }

void throw_no_lane(std::uint64_t lane, std::size_t lanes) {
  throw EventQueueError("no lane " + std::to_string(lane) + " (" + std::to_string(lanes) + " lanes)");
}

void throw_lane_order_error(std::uint64_t lane, double time, int priority, double last_time, int last_priority) {
  throw EventQueueError("lane " + std::to_string(lane) + ": cannot schedule an event at (" + format_time(time) +
                        ", " + std::to_string(priority) + ") before the lane's last event at (" +
                        format_time(last_time) + ", " + std::to_string(last_priority) + ")");
}

}  // namespace poweron::detail
