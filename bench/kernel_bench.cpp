// The classic hold model for the event kernel: N events pending; each iteration steps the earliest and
// schedules one at now + Exp(1), so the queue size stays N. Items/s = events stepped (and scheduled) per
// second. The exponential variates come from a table of 2^16 precomputed outside the timed loop (from an
// own 64-bit LCG, inverse-CDF), read cyclically; the payload is a 12-byte struct like the model's.
// Both benchmarks run 4N untimed hold steps first, so the pending times have spread out.
#include "poweron/event_queue.hpp"
#include "poweron/lane_queue.hpp"

#include <benchmark/benchmark.h>

#include <type_traits>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

namespace {

struct HoldPayload {
  int kind;
  int index;
  int count;
};

constexpr std::size_t kTableSize = std::size_t{1} << 16;

// Exp(1) variates by inverse CDF; u in (0, 1) from the high 53 bits of Knuth's MMIX LCG.
std::vector<double> exponential_table(std::uint64_t seed) {
  std::vector<double> table(kTableSize);
  std::uint64_t state = seed;
  for (double& x : table) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = (static_cast<double>(state >> 11) + 0.5) * 0x1.0p-53;
    x = -std::log(u);
  }
  return table;
}

void BM_Hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> delays = exponential_table(12345);
  poweron::EventQueue<HoldPayload> queue;
  queue.reserve(n);
  std::size_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    queue.schedule(delays[next++ & (kTableSize - 1)], 0, HoldPayload{0, static_cast<int>(i), 0});
  }
  // Warm up past the initial transient (the pending times spread out), untimed.
  for (std::size_t i = 0; i < 4 * n; ++i) {
    const auto event = queue.step();
    queue.schedule(event.time + delays[next++ & (kTableSize - 1)], 0, event.payload);
  }
  for (auto _ : state) {
    const auto event = queue.step();
    HoldPayload payload = event.payload;
    ++payload.count;
    queue.schedule(event.time + delays[next++ & (kTableSize - 1)], event.priority, payload);
  }
  benchmark::DoNotOptimize(queue.now());
  if (queue.size() != n) state.SkipWithError("hold model lost events");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Hold)->Arg(10)->Arg(1000)->Arg(100000);

// The model's pattern: N events over 16 kinds, each kind rescheduled at now + its own fixed delay (burn-in
// or RMA days: 1 + k/8 here), so that each kind's events come in the order they run. EventQueue holds
// all N in its heap; LaneQueue makes each kind a lane and holds 16 in its heap. Same events, same order.
template <typename Queue>
void BM_HoldFixedDelays(benchmark::State& state) {
  constexpr int kKinds = 16;
  constexpr bool kLanes = std::is_same_v<Queue, poweron::LaneQueue<HoldPayload>>;
  const auto n = static_cast<std::size_t>(state.range(0));
  Queue queue;
  if constexpr (kLanes) {
    for (int k = 0; k < kKinds; ++k) queue.add_lane();
  } else {
    queue.reserve(n);
  }
  auto reschedule = [&](double now, HoldPayload payload) {
    const double time = now + 1.0 + payload.kind / 8.0;
    if constexpr (kLanes) {
      queue.schedule_in_lane(static_cast<unsigned>(payload.kind), time, 0, payload);
    } else {
      queue.schedule(time, 0, payload);
    }
  };
  // Kind i % 16, times spread over the first delay: every kind's times increase with i.
  for (std::size_t i = 0; i < n; ++i) {
    reschedule(static_cast<double>(i) / static_cast<double>(n) - 1.0,
               HoldPayload{static_cast<int>(i % kKinds), static_cast<int>(i), 0});
  }
  for (std::size_t i = 0; i < 4 * n; ++i) {
    const auto event = queue.step();
    reschedule(event.time, event.payload);
  }
  for (auto _ : state) {
    const auto event = queue.step();
    HoldPayload payload = event.payload;
    ++payload.count;
    reschedule(event.time, payload);
  }
  benchmark::DoNotOptimize(queue.now());
  if (queue.size() != n) state.SkipWithError("hold model lost events");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HoldFixedDelays<poweron::EventQueue<HoldPayload>>)->Arg(1000)->Arg(100000);
BENCHMARK(BM_HoldFixedDelays<poweron::LaneQueue<HoldPayload>>)->Arg(1000)->Arg(100000);

// Calibration, not a kernel figure: the same hold model on std::priority_queue of bare (time, sequence)
// pairs (binary heap, no payload, no cancellation). On a shared machine its rate shows how much the
// load depresses every figure of the run.
void BM_HoldStdPriorityQueue(benchmark::State& state) {
  struct Entry {
    double time;
    std::uint64_t seq;
    bool operator>(const Entry& other) const {
      return time > other.time || (time == other.time && seq > other.seq);
    }
  };
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> delays = exponential_table(12345);
  std::vector<Entry> storage;
  storage.reserve(n + 1);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue(std::greater<>{}, std::move(storage));
  std::size_t next = 0;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < n; ++i) queue.push(Entry{delays[next++ & (kTableSize - 1)], seq++});
  for (std::size_t i = 0; i < 4 * n; ++i) {
    const Entry top = queue.top();
    queue.pop();
    queue.push(Entry{top.time + delays[next++ & (kTableSize - 1)], seq++});
  }
  for (auto _ : state) {
    const Entry top = queue.top();
    queue.pop();
    queue.push(Entry{top.time + delays[next++ & (kTableSize - 1)], seq++});
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HoldStdPriorityQueue)->Arg(10)->Arg(1000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
