// RunAccumulator fed by the model (the sweeps' path, no change log) against the logged run: the same
// metrics to the bit, and day increments that sum to the timeline's end-of-day counts.
#include "poweron/run_accumulator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "poweron/inputs.hpp"
#include "poweron/metrics.hpp"
#include "poweron/model.hpp"
#include "poweron/result.hpp"
#include "poweron/sampling.hpp"
#include "poweron/scenario_loader.hpp"
#include "poweron/timeline.hpp"

namespace poweron {
namespace {

const std::string kTesla = std::string(POWERON_SOURCE_DIR) + "/scenarios/tesla_x_2024.yaml";
const std::string kSmall = std::string(POWERON_SOURCE_DIR) + "/tests/data/sweep/small.yaml";

Scenario load(const std::string& path) {
  auto loaded = load_scenario(path);
  if (!loaded) {
    ADD_FAILURE() << "cannot load " << path;
    return {};
  }
  return std::move(loaded).value();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every metric of `got` has the bits of `expected`'s; `context` names the case in a failure.
void expect_same_metrics(const RunMetrics& got, const RunMetrics& expected, const std::string& context) {
  ASSERT_EQ(got.values.size(), expected.values.size()) << context;
  for (std::size_t row = 0; row < expected.values.size(); ++row) {
    ASSERT_EQ(got.values[row].size(), expected.values[row].size()) << context;
    for (std::size_t m = 0; m < expected.values[row].size(); ++m) {
      EXPECT_TRUE(same_bits(got.values[row][m], expected.values[row][m]))
          << context << " row " << row << " metric " << m << ": " << got.values[row][m] << " vs "
          << expected.values[row][m];
    }
  }
}

// Each sampled run goes through one accumulator and one RunScratch, reused run after run (with a run of
// another simulator in between), and is compared with a fresh logged run: reuse leaks no state. The
// accumulator's runs record no events and check no counts, as a sweep's, so they also leave out the
// ship events (model_run.cpp) that the logged run has: the two agree only if that is unobservable.
TEST(RunAccumulator, FedByTheModelEqualsTheLoggedRunToTheBit) {
  const Scenario scenario = load(kTesla);
  const Simulator simulator(scenario);
  const Scenario other = load(kSmall);
  const Simulator other_simulator(other);
  RunAccumulator other_accumulator(other);
  RunAccumulator accumulator(scenario);
  RunScratch scratch;
  RunOptions as_a_sweep;
  as_a_sweep.record_events = false;
  as_a_sweep.check_invariants = false;
  for (const std::uint64_t seed : {1ULL, 2024ULL, 2024ULL, 987654321ULL}) {
    KeyedSampler logged_sampler(scenario, seed);
    const SimulationTrace trace = simulator.run(resolve_inputs(scenario, logged_sampler), logged_sampler);
    const RunMetrics expected = compute_metrics(scenario, trace.changes);

    KeyedSampler sampler(scenario, seed);
    simulator.run_into(resolve_inputs(scenario, sampler), sampler, as_a_sweep, accumulator, &scratch);
    KeyedSampler other_sampler(other, seed);
    if (seed == 2024ULL) {
      other_simulator.run_into(resolve_inputs(other, other_sampler), other_sampler, as_a_sweep, other_accumulator,
                                &scratch);
    }
    expect_same_metrics(accumulator.metrics(), expected, "seed " + std::to_string(seed));

    // The day increments (what the bands count) sum to the timeline's end-of-day counts.
    const DailyCounts daily = daily_counts(scenario, trace.changes);
    for (std::size_t owner = 0; owner < scenario.owners.size(); ++owner) {
      for (std::size_t k = 0; k < kTrackedStateCount; ++k) {
        const DaySeries series = owner_state_series(scenario, daily, owner, kTrackedStates[k]);
        std::int64_t running = 0;
        for (std::size_t d = 0; d < accumulator.days(); ++d) {
          running += accumulator.day_deltas(owner, k)[d];
          ASSERT_EQ(running, series(static_cast<Eigen::Index>(d)))
              << "seed " << seed << " owner " << owner << " state " << to_string(kTrackedStates[k])
              << " day " << d;
        }
      }
    }
  }
}

// move() is the two add()s it replaces, to the bit: for every pair of states of one level (tracked or
// not), at times before the start, within the run, on a day boundary and past the horizon, with a
// target of one SKU so that the per-SKU powered counts are kept too.
TEST(RunAccumulator, MoveEqualsItsTwoAdds) {
  Scenario scenario = load(kTesla);
  ASSERT_FALSE(scenario.owners[0].targets.empty());
  scenario.owners[0].targets[0].sku = scenario.skus[0].id;
  RunAccumulator moved(scenario);
  RunAccumulator added(scenario);
  const double horizon = static_cast<double>(scenario.last_day() + 1);
  const std::int32_t site = 2;  // gts, Tesla's (owner 0)
  std::int64_t n = 3;
  for (const double time : {kBeforeStart, 0.0, 17.25, 40.0, 123.5, horizon, horizon + 3}) {
    for (int f = 0; f < kChipStateCount; ++f) {
      for (int t = 0; t < kChipStateCount; ++t) {
        const auto from = static_cast<ChipState>(f);
        const auto to = static_cast<ChipState>(t);
        if (from == to || is_site_state(from) != is_site_state(to)) continue;
        const std::int32_t at = is_site_state(from) ? site : -1;
        n = n * 7 % 101 + 1;
        moved.move(time, 0, at, 0, from, to, n);
        added.add(time, 0, at, 0, from, -n);
        added.add(time, 0, at, 0, to, n);
      }
    }
  }
  expect_same_metrics(moved.metrics(), added.metrics(), "moves");
  bool any_nonzero = false;
  for (std::size_t k = 0; k < kTrackedStateCount; ++k) {
    for (std::size_t d = 0; d < moved.days(); ++d) {
      ASSERT_EQ(moved.day_deltas(0, k)[d], added.day_deltas(0, k)[d]) << "state " << k << " day " << d;
      any_nonzero = any_nonzero || moved.day_deltas(0, k)[d] != 0;
    }
  }
  EXPECT_TRUE(any_nonzero);  // the moves did count
}

TEST(RunAccumulator, OfAnotherScenarioIsRejected) {
  const Scenario tesla = load(kTesla);
  const Scenario small = load(kSmall);
  RunAccumulator wrong(small);
  EXPECT_FALSE(wrong.fits(tesla));
  EXPECT_TRUE(wrong.fits(small));
  const Simulator simulator(tesla);
  PointSampler point;
  EXPECT_THROW(simulator.run_into(resolve_inputs(tesla, point), point, {}, wrong), InternalError);
}

}  // namespace
}  // namespace poweron
