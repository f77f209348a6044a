// The discrete-event kernel: a pending-event set ordered by (time, priority, insertion sequence).
//
// Events with equal time run in ascending priority, then in the order they were scheduled, so a run is
// deterministic. All state lives in the object (no globals): independent queues may run in parallel
// threads; one queue is not thread-safe. Scheduling and stepping allocate nothing once the queue's
// storage has grown to its peak size (reserve() to pre-size).
//
//   EventQueue<int> queue;            // now() == 0
//   EventId id = queue.schedule(2.5, /*priority=*/0, 42);
//   queue.cancel(id);
//   while (!queue.empty()) { auto e = queue.step(); ... }
//
// Errors: scheduling at a time before now() or at a non-finite time, and stepping an empty queue, throw
// EventQueueError naming the offending value; they never corrupt the queue.
#pragma once

#include <cstdint>
#include <stdexcept>

namespace poweron {

using EventId = std::uint64_t;

class EventQueueError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// The implementation (a template over the payload type) is filled in by the kernel module.

}  // namespace poweron
