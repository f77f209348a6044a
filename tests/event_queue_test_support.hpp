// Helpers shared by the event kernels' test files (EventQueue, LaneQueue).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "poweron/event_queue.hpp"

namespace poweron::queue_testing {

using IntQueue = EventQueue<int>;

// Runs `call` and returns the EventQueueError message, or "" (a failed expectation) if none was thrown.
template <typename Call>
std::string error_of(Call&& call) {
  try {
    call();
  } catch (const EventQueueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected EventQueueError";
  return "";
}

// Steps every pending event (of an EventQueue<int> or a LaneQueue<int>); their payloads in the order they ran.
template <typename Queue>
std::vector<int> drain(Queue& queue) {
  std::vector<int> payloads;
  while (!queue.empty()) payloads.push_back(queue.step().payload);
  return payloads;
}

// Knuth's MMIX LCG; the high 32 bits are used (the low bits of a power-of-two LCG are weak).
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed) {}
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state_ >> 32);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>((std::uint64_t{next()} * n) >> 32); }

 private:
  std::uint64_t state_;
};

// What a correct queue holds: the pending events ordered by (time, priority, id), each with a value, and
// found by id for cancel(). The randomized tests check the kernels against it operation by operation.
class ReferenceQueue {
 public:
  void add(double time, int priority, EventId id, int value) {
    const Key key{time, priority, id};
    events_.emplace(key, value);
    keys_.emplace(id, key);
  }
  /// Removes `id` if it is pending; whether it was.
  bool cancel(EventId id) {
    const auto it = keys_.find(id);
    if (it == keys_.end()) return false;
    events_.erase(it->second);
    keys_.erase(it);
    return true;
  }
  /// The pending ids, ascending.
  std::vector<EventId> ids() const {
    std::vector<EventId> ids;
    for (const auto& entry : keys_) ids.push_back(entry.first);
    return ids;
  }
  void clear() {
    events_.clear();
    keys_.clear();
  }
  bool empty() const { return events_.empty(); }
  std::size_t size() const { return events_.size(); }
  /// REQUIRES: !empty().
  double next_time() const { return std::get<0>(events_.begin()->first); }
  /// Success if (time, priority, id, value) is the earliest pending event, which is then removed.
  ::testing::AssertionResult pop(double time, int priority, EventId id, int value) {
    if (events_.empty()) return ::testing::AssertionFailure() << "the reference holds no event, id " << id << " ran";
    const auto front = events_.begin();
    const auto [ref_time, ref_priority, ref_id] = front->first;
    if (time != ref_time || priority != ref_priority || id != ref_id || value != front->second) {
      return ::testing::AssertionFailure() << "ran (" << time << ", " << priority << ", id " << id << ", " << value
                                           << "), expected (" << ref_time << ", " << ref_priority << ", id "
                                           << ref_id << ", " << front->second << ")";
    }
    keys_.erase(ref_id);
    events_.erase(front);
    return ::testing::AssertionSuccess();
  }

 private:
  using Key = std::tuple<double, int, EventId>;
  std::map<Key, int> events_;  // keys are unique: ids are
  std::map<EventId, Key> keys_;
};

}  // namespace poweron::queue_testing
