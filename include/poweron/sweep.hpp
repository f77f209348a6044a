// Monte Carlo sweeps (SPEC 6, 7): R replications of one scenario, each with its own keyed seed, run on
// several threads, with results that do not depend on the thread count.
//
// Replication r runs with seed replication_seed(base_seed, r): inputs drawn by a KeyedSampler, the model
// run, metrics computed. What grows with R is one row of metrics per replication (and, for the first
// `sensitivity_limit` replications, the sampled inputs); the daily bands live in fixed-size histograms
// (count_histogram.hpp) and the criticality in counters, so memory is flat in R otherwise.
//
//   SweepOptions options{.runs = 10000, .base_seed = scenario.seed};
//   SweepResult result = run_sweep(scenario, options);
//
// Thread-safety: run_sweep starts and joins its own threads; the scenario is only read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "poweron/count_histogram.hpp"
#include "poweron/run_accumulator.hpp"
#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron {

struct SweepOptions {
  std::int64_t runs = 0;        ///< replications, >= 1
  std::uint64_t base_seed = 0;  ///< seed_r = replication_seed(base_seed, r)
  /// The replications this call runs: [first_run, end_run) of the `runs` (end_run -1: up to runs), so
  /// that processes can each run a part (replication_range). The result keeps the layout of all `runs`:
  /// rows of other replications stay NaN and their kept inputs 0, and the bands and criticality count
  /// these replications only. Parts merged (rows and inputs copied, bands and counts summed) equal the
  /// whole sweep exactly.
  std::int64_t first_run = 0;
  std::int64_t end_run = -1;
  int threads = 0;              ///< worker threads; 0 = all cores
  bool bands = true;            ///< collect daily percentile bands
  bool sensitivity = true;      ///< record sampled inputs for rank correlations
  bool criticality = true;      ///< count critical construction tasks per phase
  /// Replications whose inputs are kept for sensitivity: the first min(runs, limit), further capped so
  /// the kept inputs fit `sensitivity_budget_bytes`, and at RankTable::kMaxValues (statistics.hpp).
  std::int64_t sensitivity_limit = 100'000;
  std::size_t sensitivity_budget_bytes = std::size_t{256} << 20;
  /// The most memory one set of band histograms may take; decides their precision (see HistogramSet)
  /// independently of the thread count, so bands are identical for any --threads. Each worker thread
  /// counts into a sparse set of its own, which uses only the blocks its values fall in.
  std::size_t band_budget_bytes = std::size_t{128} << 20;
  /// Called now and then with (replications done, runs), from worker threads (serialised).
  std::function<void(std::int64_t, std::int64_t)> progress;
};

/// The states whose daily percentiles are kept (bands.csv), in output order: the states a RunAccumulator
/// follows, whose day increments the bands are counted from.
inline constexpr std::size_t kBandStateCount = kTrackedStateCount;
inline constexpr std::array<ChipState, kBandStateCount> kBandStates = kTrackedStates;

/// A table of doubles that the worker threads fill: its memory is untouched until they write it, so
/// that the page faults of a large table fall on the workers (in parallel) and not on the setup.
using SweepTable = std::vector<double, UntouchedZeroAllocator<double>>;

struct SweepResult {
  std::int64_t runs = 0;
  int threads = 1;  ///< threads the sweep ran on; its output stages use as many
  /// Replications each worker thread ran (the calling thread first). They take work as they finish it,
  /// so a split far from even means unequal CPUs; it depends on the machine and is written nowhere.
  std::vector<std::int64_t> worker_replications;
  std::vector<std::uint64_t> seeds;  ///< per replication
  /// Metric rows: owners (scenario order) then `all`; names per row as metric_names(scenario, row).
  std::vector<std::string> row_names;
  std::vector<std::vector<std::string>> metric_names;
  /// Flattened column index of (row, metric) = column_offset[row] + metric.
  std::vector<std::size_t> column_offset;
  std::size_t column_count = 0;
  /// values[r * column_count + column]; target dates as Dates (NaN = never reached).
  SweepTable values;

  /// Bands: group row * kBandStateCount + k (state k of kBandStates), one series per day, rows as above
  /// (owners then `all`). Null when not collected.
  std::shared_ptr<HistogramSet> bands;
  std::int64_t days = 0;  ///< E + 1

  /// Sensitivity: sampled input addresses (draw order) and their values for replications 0..kept-1.
  std::vector<std::string> input_addresses;
  std::int64_t inputs_kept = 0;
  SweepTable input_values;  ///< input_values[i * inputs_kept + r]

  /// Criticality: phases tied to a construction task (`site/phase`, task index), and per phase and task
  /// the number of replications in which the task was on the critical path to that phase's task.
  std::vector<std::string> phase_labels;
  std::vector<std::size_t> phase_task;
  std::vector<std::int64_t> critical_counts;  ///< [phase * tasks + task]

  double value(std::int64_t replication, std::size_t row, std::size_t metric) const {
    return values[static_cast<std::size_t>(replication) * column_count + column_offset[row] + metric];
  }
};

/// Runs the sweep. Throws std::invalid_argument for runs < 1.
/// REQUIRES: a scenario that passed validation.
SweepResult run_sweep(const Scenario& scenario, const SweepOptions& options);

/// Number of worker threads `threads` means (0 = std::thread::hardware_concurrency(), at least 1).
int resolve_thread_count(int threads);

/// Part `part` of `parts` (0-based) of replications 0..runs-1: [runs * part / parts, runs * (part + 1) /
/// parts), contiguous and as equal as can be. REQUIRES: 0 <= part < parts, runs >= 0.
struct ReplicationRange {
  std::int64_t first = 0;
  std::int64_t end = 0;
};
ReplicationRange replication_range(std::int64_t runs, int parts, int part);

}  // namespace poweron
