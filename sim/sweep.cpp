// The Monte Carlo runner (sweep.hpp). Work is handed out in fixed chunks of replications through an
// atomic counter; every per-replication result is stored at its replication's index and every
// aggregate is an integer sum, so the outcome is the same for any thread count.
#include "poweron/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <thread>

#include "poweron/construction_graph.hpp"
#include "poweron/inputs.hpp"
#include "poweron/metrics.hpp"
#include "poweron/model.hpp"
#include "poweron/random.hpp"
#include "poweron/result.hpp"
#include "poweron/run_accumulator.hpp"
#include "poweron/sampling.hpp"
#include "poweron/statistics.hpp"
#include "id_index.hpp"

namespace poweron {
namespace {

constexpr std::int64_t kChunk = 32;  // replications per work item

/// What every worker shares, built once.
struct SweepPlan {
  const Scenario& scenario;
  const SweepOptions& options;
  Simulator simulator;
  std::shared_ptr<const CopulaPlan> copula;
  InputPlan inputs;  ///< also holds the construction graph
  std::size_t rows = 0;  // owners + all
  std::int64_t days = 0;
  int band_bits = 0;
  std::int64_t band_max = 0;

  SweepPlan(const Scenario& s, const SweepOptions& o)
      : scenario(s), options(o), simulator(s), copula(CopulaPlan::for_scenario(s)), inputs(s) {}
};

/// One worker's private aggregates, merged after the workers finish, and its scratch, reused by every
/// replication it runs so that a replication allocates (almost) nothing in steady state.
struct alignas(128) WorkerState {  // aligned: workers write their own state only, never a shared cache line
  std::vector<std::int64_t> critical_counts;
  /// The worker's band histograms (none without bands). Sparse (HistogramSet), so a set per worker costs
  /// only the blocks it uses, and counting needs no lock and shares no cache line with another worker.
  std::optional<HistogramSet> bands;
  // Scratch.
  std::optional<KeyedSampler> sampler;  ///< reseeded per replication; keeps its seed-free caches
  std::optional<RunAccumulator> accumulator;  ///< the replication's metrics and daily counts
  RunScratch model;  ///< the model's storage
  RunMetrics metrics;
  ResolvedInputs inputs;  ///< the replication's inputs
  std::vector<double> drawn_values;  ///< the replication's sampled inputs (sensitivity)
  std::vector<std::int64_t> all_day_values;  ///< the `all` band series' increments per day
  ConstructionGraph::Schedule schedule;
  std::int64_t replications = 0;  ///< run by this worker
};

/// Counts one replication's daily band series into the worker's histograms, a run of equal days at a
/// time: each series' day-end counts are the running sums of its day increments (all SKUs; site states
/// count for the site's owner, and `all`, the last row, sums the owners).
void count_band_runs(const SweepPlan& plan, WorkerState& state) {
  const std::size_t owners = plan.scenario.owners.size();
  const RunAccumulator& accumulator = *state.accumulator;
  const std::size_t days = accumulator.days();
  std::vector<std::int64_t>& all_values = state.all_day_values;  // the owners' increments, summed
  HistogramSet& bands = *state.bands;
  // A series' count changes exactly on the days of nonzero increments. They are found 64 days at a time
  // as a bit mask, without a branch per day: a run of equal days ends at a data-dependent day, and a
  // branch on it was mispredicted at nearly every change.
  auto count_runs = [&](std::size_t group, std::span<const std::int64_t> increments) {
    std::int64_t run_value = 0;
    std::size_t run_start = 0;
    for (std::size_t word = 0; word < days; word += 64) {
      const std::size_t width = std::min<std::size_t>(64, days - word);
      std::uint64_t changes = 0;
      for (std::size_t j = 0; j < width; ++j) changes |= std::uint64_t{increments[word + j] != 0} << j;
      while (changes != 0) {
        const std::size_t d = word + static_cast<std::size_t>(std::countr_zero(changes));
        changes &= changes - 1;
        if (d > run_start) bands.add_run(group, run_start, d, run_value);
        run_value += increments[d];
        run_start = d;
      }
    }
    bands.add_run(group, run_start, days, run_value);
  };
  for (std::size_t k = 0; k < kBandStateCount; ++k) {
    all_values.assign(days, 0);
    for (std::size_t owner = 0; owner < owners; ++owner) {
      const std::span<const std::int64_t> deltas = accumulator.day_deltas(owner, k);
      for (std::size_t d = 0; d < days; ++d) all_values[d] += deltas[d];
      count_runs(owner * kBandStateCount + k, deltas);
    }
    count_runs(owners * kBandStateCount + k, all_values);
  }
}

void run_replication(const SweepPlan& plan, SweepResult& result, WorkerState& state, std::int64_t r) {
  const Scenario& scenario = plan.scenario;
  const std::uint64_t seed = result.seeds[static_cast<std::size_t>(r)];
  if (state.sampler) {
    state.sampler->reseed(seed);
  } else {
    state.sampler.emplace(plan.copula, seed);
  }
  KeyedSampler& sampler = *state.sampler;
  const bool keep_inputs = r < result.inputs_kept;
  std::vector<double>& drawn = state.drawn_values;
  ResolvedInputs& inputs = state.inputs;
  resolve_inputs_into(plan.inputs, sampler, inputs, keep_inputs ? &drawn : nullptr);
  RunOptions run_options;
  run_options.record_events = false;
  run_options.check_invariants = false;
  if (!state.accumulator) state.accumulator.emplace(scenario);
  plan.simulator.run_into(inputs, sampler, run_options, *state.accumulator, &state.model);

  RunMetrics& metrics = state.metrics;
  state.accumulator->metrics_into(metrics);
  double* row_out = result.values.data() + static_cast<std::size_t>(r) * result.column_count;
  for (std::size_t row = 0; row < plan.rows; ++row) {
    // The whole row: prepare_result leaves the rows of the replications run unwritten.
    if (metrics.values[row].size() != result.metric_names[row].size()) {
      throw InternalError("sweep: replication " + std::to_string(r) + " has " +
                          std::to_string(metrics.values[row].size()) + " metrics in row " + std::to_string(row) +
                          ", expected " + std::to_string(result.metric_names[row].size()));
    }
    std::copy(metrics.values[row].begin(), metrics.values[row].end(), row_out + result.column_offset[row]);
  }

  if (keep_inputs) {
    if (drawn.size() != result.input_addresses.size()) {
      throw InternalError("sweep: replication " + std::to_string(r) + " drew " + std::to_string(drawn.size()) +
                          " inputs, expected " + std::to_string(result.input_addresses.size()));
    }
    for (std::size_t i = 0; i < drawn.size(); ++i) {
      result.input_values[i * static_cast<std::size_t>(result.inputs_kept) + static_cast<std::size_t>(r)] =
          drawn[i];
    }
  }

  if (state.bands) count_band_runs(plan, state);

  if (!state.critical_counts.empty()) {
    ConstructionGraph::Schedule& schedule = state.schedule;
    schedule.start.clear();
    schedule.finish.clear();
    for (const ResolvedTask& task : inputs.tasks) {
      schedule.start.push_back(task.start);
      schedule.finish.push_back(task.finish);
    }
    const std::size_t tasks = scenario.construction.size();
    for (std::size_t phase = 0; phase < result.phase_task.size(); ++phase) {
      for (const std::size_t task : plan.inputs.graph().critical_path_to(result.phase_task[phase], schedule)) {
        ++state.critical_counts[phase * tasks + task];
      }
    }
  }
}

/// Lays out the result's tables before the workers fill rows [first_run, end_run).
void prepare_result(const SweepPlan& plan, SweepResult& result, std::int64_t first_run, std::int64_t end_run) {
  const Scenario& scenario = plan.scenario;
  const SweepOptions& options = plan.options;
  result.runs = options.runs;
  result.days = plan.days;
  result.seeds.resize(static_cast<std::size_t>(options.runs));
  for (std::int64_t r = 0; r < options.runs; ++r) {
    result.seeds[static_cast<std::size_t>(r)] = replication_seed(options.base_seed, static_cast<std::uint64_t>(r));
  }
  for (std::size_t row = 0; row < plan.rows; ++row) {
    result.row_names.push_back(row < scenario.owners.size() ? scenario.owners[row].id : std::string(kAllOwners));
    result.metric_names.push_back(metric_names(scenario, row));
    result.column_offset.push_back(result.column_count);
    result.column_count += result.metric_names.back().size();
  }
  // The per-replication tables are megabytes, left untouched here (SweepTable: in huge pages): the
  // workers fault them in, a few faults instead of one per 4 KiB page. Each replication run writes its
  // whole row; the rows of replications outside [first_run, end_run) are NaN.
  const std::size_t columns = result.column_count;
  result.values.resize(static_cast<std::size_t>(options.runs) * columns);
  const auto first_row = static_cast<std::size_t>(first_run);
  const auto end_row = static_cast<std::size_t>(end_run);
  std::fill(result.values.begin(), result.values.begin() + static_cast<std::ptrdiff_t>(first_row * columns),
            std::numeric_limits<double>::quiet_NaN());
  std::fill(result.values.begin() + static_cast<std::ptrdiff_t>(end_row * columns), result.values.end(),
            std::numeric_limits<double>::quiet_NaN());

  if (options.sensitivity) {
    // The addresses drawn do not depend on the values drawn (inputs.hpp), so a point pass lists them.
    PointSampler point;
    for (auto& draw : resolve_inputs(scenario, point, true).draws) result.input_addresses.push_back(draw.first);
    const std::size_t inputs = std::max<std::size_t>(1, result.input_addresses.size());
    const auto by_budget = static_cast<std::int64_t>(options.sensitivity_budget_bytes / (inputs * sizeof(double)));
    result.inputs_kept = result.input_addresses.empty()
                             ? 0
                             : std::min({options.runs, options.sensitivity_limit, by_budget,
                                         static_cast<std::int64_t>(RankTable::kMaxValues)});
    result.input_values.resize(result.input_addresses.size() * static_cast<std::size_t>(result.inputs_kept));
  }

  if (options.criticality) {
    const IdIndex tasks(scenario.construction);
    for (const Site& site : scenario.sites) {
      for (const Phase& phase : site.phases) {
        if (!phase.ready.after) continue;
        result.phase_labels.push_back(site.id + "/" + phase.id);
        result.phase_task.push_back(tasks.at(*phase.ready.after, "task", "sweep: sites." + site.id));
      }
    }
    result.critical_counts.assign(result.phase_task.size() * scenario.construction.size(), 0);
  }
}

}  // namespace

ReplicationRange replication_range(std::int64_t runs, int parts, int part) {
  // runs * part fits in 64 bits for any realistic run count (< 2^32 parts of < 2^31 runs).
  return {runs * part / parts, runs * (part + 1) / parts};
}

int resolve_thread_count(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

SweepResult run_sweep(const Scenario& scenario, const SweepOptions& options) {
  if (options.runs < 1) throw std::invalid_argument("sweep: --runs must be at least 1, got " + std::to_string(options.runs));
  const std::int64_t first_run = options.first_run;
  const std::int64_t end_run = options.end_run < 0 ? options.runs : options.end_run;
  if (first_run < 0 || first_run > end_run || end_run > options.runs) {
    throw std::invalid_argument("sweep: replications [" + std::to_string(first_run) + ", " + std::to_string(end_run) +
                                ") are not within 0.." + std::to_string(options.runs));
  }
  SweepPlan plan(scenario, options);
  plan.rows = scenario.owners.size() + 1;
  plan.days = scenario.last_day() + 1;

  SweepResult result;
  prepare_result(plan, result, first_run, end_run);

  const int threads = static_cast<int>(std::clamp<std::int64_t>((end_run - first_run + kChunk - 1) / kChunk, 1,
                                                                resolve_thread_count(options.threads)));
  result.threads = resolve_thread_count(options.threads);
  const std::size_t band_series = plan.rows * kBandStateCount * static_cast<std::size_t>(plan.days);
  if (options.bands) {
    plan.band_max = scenario.total_chips();  // the largest count any band series can take
    plan.band_bits = HistogramSet::precision_for_budget(band_series, plan.band_max, options.band_budget_bytes);
  }

  std::vector<WorkerState> states(static_cast<std::size_t>(threads));

  std::atomic<std::int64_t> next{first_run};
  std::atomic<std::int64_t> done{0};
  std::mutex progress_mutex;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&](WorkerState& state) {
    try {
      // The worker's own aggregates, built on its own thread.
      state.critical_counts.assign(result.critical_counts.size(), 0);
      if (options.bands) {
        // Capacity: every replication of the sweep, as the merged set (or poweron-mpi's root) holds them all.
        state.bands.emplace(plan.rows * kBandStateCount, static_cast<std::size_t>(plan.days), plan.band_max,
                            plan.band_bits, options.runs);
      }
      for (;;) {
        const std::int64_t first = next.fetch_add(kChunk);
        if (first >= end_run) break;
        const std::int64_t last = std::min(end_run, first + kChunk);
        for (std::int64_t r = first; r < last; ++r) run_replication(plan, result, state, r);
        state.replications += last - first;
        const std::int64_t finished = done.fetch_add(last - first) + (last - first);
        if (options.progress) {
          std::lock_guard<std::mutex> lock(progress_mutex);
          options.progress(finished, end_run - first_run);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(end_run);  // stop the other workers early
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, std::ref(states[static_cast<std::size_t>(t)]));
  worker(states[0]);
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  for (const WorkerState& state : states) result.worker_replications.push_back(state.replications);

  // Integer sums: the merge order cannot change the result.
  for (std::size_t t = 1; t < states.size(); ++t) {
    for (std::size_t i = 0; i < result.critical_counts.size(); ++i) {
      states[0].critical_counts[i] += states[t].critical_counts[i];
    }
    if (options.bands) states[0].bands->merge(*states[t].bands);
  }
  if (options.bands) result.bands = std::make_shared<HistogramSet>(std::move(*states[0].bands));
  result.critical_counts = std::move(states[0].critical_counts);
  return result;
}

}  // namespace poweron
