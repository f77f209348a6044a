// Monte Carlo sweeps: determinism across thread counts, reproducibility of single replications, common
// random numbers, and the sweep output tables.
#include "poweron/sweep.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "poweron/compare.hpp"
#include "poweron/csv_writer.hpp"
#include "poweron/inputs.hpp"
#include "poweron/metrics.hpp"
#include "poweron/model.hpp"
#include "poweron/random.hpp"
#include "poweron/sampling.hpp"
#include "poweron/statistics.hpp"
#include "poweron/timeline.hpp"
#include "poweron/scenario_loader.hpp"
#include "sweep_outputs.hpp"

namespace poweron {
namespace {

const std::string kSmall = std::string(POWERON_SOURCE_DIR) + "/tests/data/sweep/small.yaml";

Scenario load(const std::string& path, const std::vector<std::string>& overrides = {}) {
  auto loaded = load_scenario(path, overrides);
  if (!loaded) {
    std::string all;
    for (const auto& d : loaded.diagnostics()) all += format(d) + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return std::move(loaded).value();
}

SweepResult sweep(const Scenario& scenario, std::int64_t runs, int threads) {
  SweepOptions options;
  options.runs = runs;
  options.base_seed = scenario.seed;
  options.threads = threads;
  return run_sweep(scenario, options);
}

std::vector<std::string> all_tables(const Scenario& scenario, const SweepResult& result) {
  return {replications_csv(scenario, result), summary_csv(result),       bands_csv(scenario, result),
          targets_csv(scenario, result),      sensitivity_csv(result), criticality_csv(scenario, result)};
}

// The replications a sweep's workers ran, all together.
std::int64_t replications_run(const SweepResult& result) {
  return std::accumulate(result.worker_replications.begin(), result.worker_replications.end(), std::int64_t{0});
}

TEST(Sweep, OutputsAreByteIdenticalOnOneTwoAndSevenThreads) {
  const Scenario scenario = load(kSmall);
  const SweepResult one_result = sweep(scenario, 200, 1);
  const SweepResult two_result = sweep(scenario, 200, 2);
  const SweepResult seven_result = sweep(scenario, 200, 7);
  const auto one = all_tables(scenario, one_result);
  const auto two = all_tables(scenario, two_result);
  const auto seven = all_tables(scenario, seven_result);
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i], two[i]) << "table " << i;
    EXPECT_EQ(one[i], seven[i]) << "table " << i;
  }
  // The workers' counts cover the replications exactly once (200 runs are 7 work items: 7 workers).
  EXPECT_EQ(one_result.worker_replications, std::vector<std::int64_t>{200});
  EXPECT_EQ(two_result.worker_replications.size(), 2u);
  EXPECT_EQ(replications_run(two_result), 200);
  EXPECT_EQ(seven_result.worker_replications.size(), 7u);
  EXPECT_EQ(replications_run(seven_result), 200);
}

TEST(SweepParts, ReplicationRangesTileTheRunsInOrder) {
  for (const std::int64_t runs : {1, 7, 10, 1000}) {
    for (const int parts : {1, 2, 3, 16}) {
      std::int64_t next = 0;
      for (int part = 0; part < parts; ++part) {
        const ReplicationRange range = replication_range(runs, parts, part);
        ASSERT_EQ(range.first, next) << runs << ' ' << parts << ' ' << part;
        ASSERT_LE(range.end - range.first, runs / parts + 1);
        ASSERT_GE(range.end - range.first, runs / parts);
        next = range.end;
      }
      ASSERT_EQ(next, runs);
    }
  }
}

// What poweron-mpi's gather does (sim/mpi_gather.cpp), in one process: rows and kept inputs copied by
// replication, bands and criticality counts summed.
void merge_part(SweepResult& whole, SweepResult& part, ReplicationRange range) {
  const std::size_t columns = whole.column_count;
  std::copy(part.values.begin() + range.first * static_cast<std::ptrdiff_t>(columns),
            part.values.begin() + range.end * static_cast<std::ptrdiff_t>(columns),
            whole.values.begin() + range.first * static_cast<std::ptrdiff_t>(columns));
  const std::int64_t kept = whole.inputs_kept;
  for (std::size_t i = 0; i < whole.input_addresses.size(); ++i) {
    for (std::int64_t r = range.first; r < std::min(range.end, kept); ++r) {
      whole.input_values[i * static_cast<std::size_t>(kept) + static_cast<std::size_t>(r)] =
          part.input_values[i * static_cast<std::size_t>(kept) + static_cast<std::size_t>(r)];
    }
  }
  for (std::size_t group = 0; group < whole.bands->groups(); ++group) {
    std::vector<std::int64_t> into = whole.bands->group_integers(group);
    const std::vector<std::int64_t> from = part.bands->group_integers(group);
    for (std::size_t k = 0; k < into.size(); ++k) into[k] += from[k];
    whole.bands->assign_group_integers(group, into);
  }
  for (std::size_t k = 0; k < whole.critical_counts.size(); ++k) whole.critical_counts[k] += part.critical_counts[k];
}

TEST(SweepParts, PartsRunAloneAndMergedEqualTheWholeSweep) {
  const Scenario scenario = load(kSmall);
  const auto whole = all_tables(scenario, sweep(scenario, 150, 2));
  constexpr int kParts = 3;
  SweepResult merged;
  for (int part = 0; part < kParts; ++part) {
    SweepOptions options;
    options.runs = 150;
    options.base_seed = scenario.seed;
    options.threads = 1 + part % 2;
    options.sensitivity_limit = 100;  // kept inputs end inside the second part
    const ReplicationRange range = replication_range(options.runs, kParts, part);
    options.first_run = range.first;
    options.end_run = range.end;
    SweepResult result = run_sweep(scenario, options);
    EXPECT_EQ(replications_run(result), range.end - range.first) << "part " << part;
    // Outside its range, a part's rows are NaN and its kept inputs 0.
    for (std::int64_t r = 0; r < options.runs; ++r) {
      const bool own = r >= range.first && r < range.end;
      ASSERT_EQ(std::isnan(result.value(r, 0, 0)), !own) << "part " << part << " replication " << r;
    }
    if (part == 0) {
      merged = std::move(result);
    } else {
      merge_part(merged, result, range);
    }
  }
  SweepOptions limited;
  limited.runs = 150;
  limited.base_seed = scenario.seed;
  limited.sensitivity_limit = 100;
  const auto expected = all_tables(scenario, run_sweep(scenario, limited));
  const auto parts = all_tables(scenario, merged);
  for (std::size_t i = 0; i < parts.size(); ++i) EXPECT_EQ(parts[i], expected[i]) << "table " << i;
  EXPECT_EQ(parts[0], whole[0]);  // replications.csv does not depend on the kept inputs
}

TEST(SweepParts, ARangeOutsideTheRunsIsRejected) {
  const Scenario scenario = load(kSmall);
  SweepOptions options;
  options.runs = 10;
  options.first_run = 4;
  options.end_run = 11;
  EXPECT_THROW(run_sweep(scenario, options), std::invalid_argument);
  options.end_run = 3;
  EXPECT_THROW(run_sweep(scenario, options), std::invalid_argument);
}

TEST(Sweep, ReplicationsVaryAndEachReplicationReproducesAlone) {
  const Scenario scenario = load(kSmall);
  const SweepResult result = sweep(scenario, 64, 2);
  const Simulator simulator(scenario);
  bool varied = false;
  for (const std::int64_t r : {0, 17, 63}) {
    EXPECT_EQ(result.seeds[static_cast<std::size_t>(r)], replication_seed(scenario.seed, static_cast<std::uint64_t>(r)));
    KeyedSampler sampler(scenario, result.seeds[static_cast<std::size_t>(r)]);
    const SimulationTrace trace = simulator.run(resolve_inputs(scenario, sampler), sampler);
    const RunMetrics metrics = compute_metrics(scenario, trace.changes);
    for (std::size_t row = 0; row < result.row_names.size(); ++row) {
      for (std::size_t m = 0; m < result.metric_names[row].size(); ++m) {
        const double expected = metrics.values[row][m];
        const double got = result.value(r, row, m);
        if (std::isnan(expected)) {
          EXPECT_TRUE(std::isnan(got));
        } else {
          EXPECT_EQ(got, expected) << result.row_names[row] << "." << result.metric_names[row][m] << " r=" << r;
        }
      }
    }
    varied = varied || result.value(r, 0, kPoweredGpuDays) != result.value(0, 0, kPoweredGpuDays);
  }
  EXPECT_TRUE(varied) << "sampled replications should differ";
}

TEST(Sweep, AddingAnUnrelatedOrderLeavesEveryOtherDrawUnchanged) {
  const Scenario base = load(kSmall);
  const Scenario extended =
      load(kSmall, {"orders.extra={owner: b, sku: H100, quantity: 500, ship: {uniform: [2024-02-01, 2024-03-01]}, "
                    "lots: 2, transit_days: {uniform: [1, 9]}}"});
  const std::uint64_t seed = replication_seed(base.seed, 5);
  KeyedSampler sampler_a(base, seed);
  KeyedSampler sampler_b(extended, seed);
  const auto draws_a = resolve_inputs(base, sampler_a, true).draws;
  const auto draws_b = resolve_inputs(extended, sampler_b, true).draws;
  std::size_t shared = 0;
  for (const auto& [address, value] : draws_a) {
    for (const auto& [other_address, other_value] : draws_b) {
      if (address != other_address) continue;
      EXPECT_EQ(value, other_value) << address;
      ++shared;
    }
  }
  EXPECT_EQ(shared, draws_a.size());
  EXPECT_GT(draws_b.size(), draws_a.size());
}

TEST(Sweep, TablesHaveSpecHeadersAndOneRowPerItem) {
  const Scenario scenario = load(kSmall);
  const SweepResult result = sweep(scenario, 50, 2);
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  auto lines = [](const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); };
  EXPECT_EQ(first_line(summary_csv(result)), "owner,metric,n,mean,sd,ci95_low,ci95_high,p5,p10,p50,p90,p95");
  EXPECT_EQ(first_line(bands_csv(scenario, result)), "date,owner,state,p10,p50,p90,mean");
  EXPECT_EQ(first_line(targets_csv(scenario, result)), "owner,target,probability_met,p10_date,p50_date,p90_date");
  EXPECT_EQ(first_line(sensitivity_csv(result)), "input,owner,metric,spearman");
  EXPECT_EQ(first_line(criticality_csv(scenario, result)), "task,phase,criticality");
  const std::string replications = replications_csv(scenario, result);
  EXPECT_EQ(replications.rfind("replication,seed,a.powered_gpu_days,", 0), 0u);
  EXPECT_EQ(lines(replications), 51u);
  // 182 days x 3 rows (a, b, all) x 4 states, plus the header.
  EXPECT_EQ(lines(bands_csv(scenario, result)), 182u * 3 * 4 + 1);
  EXPECT_EQ(lines(targets_csv(scenario, result)), 3u);
  // Two tasks x one phase tied to a task.
  EXPECT_EQ(lines(criticality_csv(scenario, result)), 3u);
  // The shell always precedes the fitout, so it is on the critical path to hall/p2 in every replication.
  EXPECT_NE(criticality_csv(scenario, result).find("shell,hall/p2,1\n"), std::string::npos);
  EXPECT_NE(criticality_csv(scenario, result).find("fitout,hall/p2,1\n"), std::string::npos);
  // The shell's duration must correlate positively with the first full-target date.
  EXPECT_GT(result.inputs_kept, 0);
}

// summary.csv and sensitivity.csv against the statistics computed column by column, straight from the
// result table: the plain sort, NaN (a never-reached date) left out of the summary and ranked last in the
// Spearman correlations, over every replication and over a kept prefix of them.
TEST(Sweep, SummaryAndSensitivityAgreeWithTheirColumnsComputedDirectly) {
  // A full target reached in most replications but not all: a date column partly NaN.
  const Scenario scenario = load(kSmall, {"owners.a.targets.full.powered=4000"});
  for (const std::int64_t limit : {std::int64_t{1000}, std::int64_t{37}}) {
    SweepOptions options;
    options.runs = 120;
    options.base_seed = scenario.seed;
    options.threads = 2;
    options.sensitivity_limit = limit;
    const SweepResult result = run_sweep(scenario, options);
    ASSERT_EQ(result.inputs_kept, std::min<std::int64_t>(limit, 120));
    const std::int64_t kept = result.inputs_kept;

    CsvBuilder summary;
    for (const char* h : {"owner", "metric", "n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p10", "p50", "p90", "p95"}) {
      summary.field(h);
    }
    summary.end_row();
    std::vector<std::vector<double>> ranked_columns;  // the first `kept` replications, NaN as +inf
    std::int64_t partly_missing = 0;  // columns with some values missing, not all
    for (std::size_t row = 0; row < result.row_names.size(); ++row) {
      for (std::size_t m = 0; m < result.metric_names[row].size(); ++m) {
        std::vector<double> present;
        std::vector<double> ranked;
        for (std::int64_t r = 0; r < result.runs; ++r) {
          const double v = result.value(r, row, m);
          if (!std::isnan(v)) present.push_back(v);
          if (r < kept) ranked.push_back(std::isnan(v) ? std::numeric_limits<double>::infinity() : v);
        }
        partly_missing += !present.empty() && static_cast<std::int64_t>(present.size()) < result.runs;
        ranked_columns.push_back(ranked);
        const bool as_date = is_date_metric(result.metric_names[row][m]);
        const MeanSpread spread = mean_spread(present);
        std::sort(present.begin(), present.end());
        summary.field(result.row_names[row]).field(result.metric_names[row][m]).integer(static_cast<std::int64_t>(spread.n));
        append_statistic(summary, spread.mean, as_date);
        append_statistic(summary, spread.sd, false);  // in days for a date
        append_statistic(summary, spread.ci95_low, as_date);
        append_statistic(summary, spread.ci95_high, as_date);
        for (const double p : {5.0, 10.0, 50.0, 90.0, 95.0}) append_statistic(summary, percentile_sorted(present, p), as_date);
        summary.end_row();
      }
    }
    EXPECT_GT(partly_missing, 0);
    EXPECT_EQ(summary_csv(result), summary.text()) << "limit " << limit;

    CsvBuilder sensitivity;
    for (const char* h : {"input", "owner", "metric", "spearman"}) sensitivity.field(h);
    sensitivity.end_row();
    for (std::size_t i = 0; i < result.input_addresses.size(); ++i) {
      const auto first = result.input_values.begin() + static_cast<std::ptrdiff_t>(i * static_cast<std::size_t>(kept));
      const std::vector<double> input(first, first + kept);
      std::size_t column = 0;
      for (std::size_t row = 0; row < result.row_names.size(); ++row) {
        for (std::size_t m = 0; m < result.metric_names[row].size(); ++m, ++column) {
          sensitivity.field(result.input_addresses[i]).field(result.row_names[row]).field(result.metric_names[row][m]);
          sensitivity.number(spearman(input, ranked_columns[column]));
          sensitivity.end_row();
        }
      }
    }
    EXPECT_EQ(sensitivity_csv(result), sensitivity.text()) << "limit " << limit;
  }
}

TEST(Sweep, BandsBracketTheMedianAndMatchExactPercentilesForSmallCounts) {
  const Scenario scenario = load(kSmall);
  const SweepResult result = sweep(scenario, 100, 2);
  ASSERT_TRUE(result.bands);
  const std::size_t powered = 0 * kBandStateCount + 0;  // owner a, kBandStates[0] = powered
  const auto last_day = static_cast<std::size_t>(result.days - 1);
  const double p10 = result.bands->percentile(powered, last_day, 10);
  const double p50 = result.bands->percentile(powered, last_day, 50);
  const double p90 = result.bands->percentile(powered, last_day, 90);
  EXPECT_LE(p10, p50);
  EXPECT_LE(p50, p90);
  // Owner a's powered count on the last day is final_powered: the band agrees within its accuracy.
  std::vector<double> finals = metric_values(result, 0, kFinalPowered);
  std::sort(finals.begin(), finals.end());
  const double exact = percentile_sorted(finals, 50);
  EXPECT_NEAR(p50, exact, exact * result.bands->relative_accuracy() + 1);
}

// The bands count every day of every replication: each day's band mean is the mean of the replications'
// end-of-day counts, each replication run alone with its seed and its log counted by day (the timeline's
// counting). The scenario's 182 days span three 64-day words of the runs' change masks.
TEST(Sweep, BandMeansAreTheDailyMeansOfTheReplicationsRunAlone) {
  const Scenario scenario = load(kSmall);
  constexpr std::int64_t kRuns = 6;
  const SweepResult result = sweep(scenario, kRuns, 2);
  ASSERT_TRUE(result.bands);
  const std::size_t owners = scenario.owners.size();
  const auto days = static_cast<std::size_t>(result.days);
  std::vector<std::int64_t> sums((owners + 1) * kBandStateCount * days, 0);
  const Simulator simulator(scenario);
  for (std::int64_t r = 0; r < kRuns; ++r) {
    KeyedSampler sampler(scenario, result.seeds[static_cast<std::size_t>(r)]);
    const SimulationTrace trace = simulator.run(resolve_inputs(scenario, sampler), sampler);
    const DailyCounts daily = daily_counts(scenario, trace.changes);
    for (std::size_t owner = 0; owner < owners; ++owner) {
      for (std::size_t k = 0; k < kBandStateCount; ++k) {
        const DaySeries series = owner_state_series(scenario, daily, owner, kBandStates[k]);
        ASSERT_EQ(static_cast<std::size_t>(series.size()), days);
        for (std::size_t d = 0; d < days; ++d) {
          const std::int64_t count = series(static_cast<Eigen::Index>(d));
          sums[(owner * kBandStateCount + k) * days + d] += count;
          sums[(owners * kBandStateCount + k) * days + d] += count;  // `all`
        }
      }
    }
  }
  std::size_t changing_days = 0;
  for (std::size_t group = 0; group < (owners + 1) * kBandStateCount; ++group) {
    for (std::size_t d = 0; d < days; ++d) {
      const std::int64_t sum = sums[group * days + d];
      ASSERT_DOUBLE_EQ(result.bands->mean(group, d), static_cast<double>(sum) / kRuns) << "group " << group << " day " << d;
      if (d > 0 && sum != sums[group * days + d - 1]) ++changing_days;
    }
  }
  EXPECT_GT(changing_days, 100u);  // the counts move: runs of many lengths were counted
}

TEST(Compare, ScenarioAgainstItselfHasZeroDifferences) {
  const Scenario scenario = load(kSmall);
  const SweepResult a = sweep(scenario, 40, 2);
  const std::string csv = compare_csv(a, a);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "owner,metric,mean_a,mean_b,mean_diff,ci95_low,ci95_high,p_b_better");
  EXPECT_NE(csv.find("\na,powered_gpu_days,"), std::string::npos);
  // Every mean_diff is 0 and B is never strictly better; energy has no direction.
  EXPECT_NE(csv.find(",0,0,0,0\n"), std::string::npos);
  EXPECT_NE(csv.find("energy_mwh,"), std::string::npos);
  EXPECT_EQ(csv.find(",0,0,0,1\n"), std::string::npos);
}

TEST(Compare, MoreCrewsIsBetterForPoweredGpuDays) {
  const Scenario base = load(kSmall);
  const Scenario more = load(kSmall, {"sites.hall.install.crews=8"});
  const SweepResult a = sweep(base, 60, 2);
  const SweepResult b = sweep(more, 60, 2);
  double mean_a = 0, mean_b = 0;
  for (std::int64_t r = 0; r < 60; ++r) {
    mean_a += a.value(r, 0, kPoweredGpuDays);
    mean_b += b.value(r, 0, kPoweredGpuDays);
  }
  EXPECT_GT(mean_b, mean_a);
  EXPECT_EQ(better_direction("powered_gpu_days"), 1);
  EXPECT_EQ(better_direction("target.full.date"), -1);
  EXPECT_EQ(better_direction("energy_mwh"), 0);
}

}  // namespace
}  // namespace poweron
