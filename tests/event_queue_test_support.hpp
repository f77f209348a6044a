// Helpers shared by the event kernel's test files.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "poweron/event_queue.hpp"

namespace poweron::queue_testing {

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

}  // namespace poweron::queue_testing
