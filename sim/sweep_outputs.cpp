#include "sweep_outputs.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <iterator>
#include <limits>
#include <span>
#include <utility>

#include "parallel_work.hpp"
#include "poweron/csv_writer.hpp"
#include "poweron/metrics.hpp"
#include "poweron/statistics.hpp"
#include "poweron/untouched_zero_allocator.hpp"

namespace poweron {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPercentiles[] = {5, 10, 50, 90, 95};

bool is_target_date(const SweepResult& result, std::size_t row, std::size_t metric) {
  return is_date_metric(result.metric_names[row][metric]);
}

/// Every metric column as (row, metric), rows in order.
std::vector<std::pair<std::size_t, std::size_t>> metric_columns(const SweepResult& result) {
  std::vector<std::pair<std::size_t, std::size_t>> columns;
  for (std::size_t row = 0; row < result.row_names.size(); ++row) {
    for (std::size_t m = 0; m < result.metric_names[row].size(); ++m) columns.emplace_back(row, m);
  }
  return columns;
}

/// A column with never-reached dates (NaN) as +inf, so they rank last.
std::vector<double> ranked_column(const SweepResult& result, std::size_t row, std::size_t metric,
                                  std::int64_t replications) {
  std::vector<double> column(static_cast<std::size_t>(replications));
  for (std::int64_t r = 0; r < replications; ++r) {
    const double v = result.value(r, row, metric);
    column[static_cast<std::size_t>(r)] = std::isnan(v) ? kInf : v;
  }
  return column;
}

}  // namespace



std::vector<double> metric_values(const SweepResult& result, std::size_t row, std::size_t metric) {
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(result.runs));
  for (std::int64_t r = 0; r < result.runs; ++r) {
    const double v = result.value(r, row, metric);
    if (!std::isnan(v)) values.push_back(v);
  }
  return values;
}

namespace {

/// replications.csv, row by row into any CSV writer: R rows can be streamed to disk (a million
/// replications make half a gigabyte of text).
template <typename Writer>
void emit_replications(Writer& csv, const SweepResult& result) {
  csv.field("replication").field("seed");
  for (std::size_t row = 0; row < result.row_names.size(); ++row) {
    for (const std::string& name : result.metric_names[row]) csv.field(result.row_names[row] + "." + name);
  }
  csv.end_row();
  for (std::int64_t r = 0; r < result.runs; ++r) {
    csv.integer(r).field(std::to_string(result.seeds[static_cast<std::size_t>(r)]));
    for (std::size_t row = 0; row < result.row_names.size(); ++row) {
      for (std::size_t m = 0; m < result.metric_names[row].size(); ++m) {
        append_statistic(csv, result.value(r, row, m), is_target_date(result, row, m));
      }
    }
    csv.end_row();
  }
}

}  // namespace

std::string replications_csv(const Scenario& /*scenario*/, const SweepResult& result) {
  CsvBuilder csv;
  emit_replications(csv, result);
  return csv.text();
}

namespace {

/// What summary.csv and sensitivity.csv need of the metric columns, in metric_columns order.
struct ColumnAnalyses {
  struct Summary {
    MeanSpread spread;  ///< of the replications that have a value (NaN, a never-reached date, left out)
    std::array<double, std::size(kPercentiles)> percentiles{};  ///< likewise
  };
  std::vector<Summary> summaries;
  /// Ranks of the first inputs_kept replications, NaN ranked last, a row per column; no rows when not
  /// asked for or fewer than two replications are kept.
  RankTable ranks{0, 0};
};

/// Columns read together, row by row: a column alone is one double per row of the table, a cache line
/// read for 8 bytes; up to eight adjacent columns share their lines. Fewer for many replications, so that
/// a pass's copies stay within kPassBytes (a million replications: two columns, 16 MB, per thread).
constexpr std::size_t kColumnsPerPass = 8;
constexpr std::size_t kPassBytes = std::size_t{16} << 20;

/// Every metric column's analysis, in metric_columns order, the columns split over result.threads. Each
/// column is sorted once: with NaN ranked last as +inf, the same order gives the percentiles of the
/// values present (the +inf placeholders dropped) and, when the ranks cover every replication, the ranks.
ColumnAnalyses analyse_columns(const SweepResult& result, bool with_ranks) {
  const std::vector<std::pair<std::size_t, std::size_t>> columns = metric_columns(result);
  const auto runs = static_cast<std::size_t>(result.runs);
  const auto kept = static_cast<std::size_t>(result.inputs_kept);
  with_ranks = with_ranks && kept >= 2;
  ColumnAnalyses analyses;
  analyses.summaries.resize(columns.size());
  if (with_ranks) analyses.ranks = RankTable(columns.size(), kept);
  const std::size_t per_pass = std::clamp<std::size_t>(kPassBytes / (std::max<std::size_t>(runs, 1) * sizeof(double)),
                                                        1, kColumnsPerPass);
  parallel_chunks(columns.size(), result.threads, [&](std::size_t begin, std::size_t end) {
    // The columns of a pass, one after another: one buffer (a few huge pages when large, see
    // UntouchedZeroAllocator), not fresh vectors faulted in 4 KiB at a time.
    std::vector<double, UntouchedZeroAllocator<double>> block(per_pass * runs);
    std::vector<double> present;
    std::vector<char> missing;  // per replication of the column: NaN, now a +inf placeholder
    std::vector<double> sorted;
    for (std::size_t first = begin; first < end; first += per_pass) {
      const std::size_t count = std::min(per_pass, end - first);
      std::size_t offsets[kColumnsPerPass];
      for (std::size_t j = 0; j < count; ++j) {
        offsets[j] = result.column_offset[columns[first + j].first] + columns[first + j].second;
      }
      for (std::size_t r = 0; r < runs; ++r) {
        const double* row = result.values.data() + r * result.column_count;
        for (std::size_t j = 0; j < count; ++j) block[j * runs + r] = row[offsets[j]];
      }
      for (std::size_t j = 0; j < count; ++j) {
        ColumnAnalyses::Summary& summary = analyses.summaries[first + j];
        const std::span<double> column(block.data() + j * runs, runs);  // replication order; then NaN as +inf
        present.clear();
        missing.assign(runs, 0);
        for (std::size_t r = 0; r < runs; ++r) {
          if (std::isnan(column[r])) {
            missing[r] = 1;
            column[r] = kInf;
          } else {
            present.push_back(column[r]);
          }
        }
        summary.spread = mean_spread(present);
        const std::vector<std::size_t> order = ascending_order(column);
        sorted.clear();
        for (const std::size_t r : order) {
          if (!missing[r]) sorted.push_back(column[r]);
        }
        for (std::size_t i = 0; i < std::size(kPercentiles); ++i) {
          summary.percentiles[i] = percentile_sorted(sorted, kPercentiles[i]);
        }
        if (!with_ranks) continue;
        if (kept == runs) {
          analyses.ranks.set(first + j, column, order);
        } else {
          analyses.ranks.set(first + j, column.first(kept));
        }
      }
    }
  });
  return analyses;
}

std::string summary_text(const SweepResult& result, const ColumnAnalyses& analyses) {
  CsvBuilder csv;
  for (const char* h : {"owner", "metric", "n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p10", "p50", "p90", "p95"}) {
    csv.field(h);
  }
  csv.end_row();
  const std::vector<std::pair<std::size_t, std::size_t>> columns = metric_columns(result);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto [row, m] = columns[c];
    const bool as_date = is_target_date(result, row, m);
    const MeanSpread& spread = analyses.summaries[c].spread;
    csv.field(result.row_names[row]).field(result.metric_names[row][m]).integer(static_cast<std::int64_t>(spread.n));
    append_statistic(csv, spread.mean, as_date);
    append_statistic(csv, spread.sd, false);
    append_statistic(csv, spread.ci95_low, as_date);
    append_statistic(csv, spread.ci95_high, as_date);
    for (const double value : analyses.summaries[c].percentiles) append_statistic(csv, value, as_date);
    csv.end_row();
  }
  return csv.text();
}

/// sensitivity.csv into any CSV writer: the Spearman correlations of every kept input with every metric
/// column (the columns' ranks from analyse_columns with ranks).
template <typename Writer>
void emit_sensitivity(Writer& csv, const SweepResult& result, const ColumnAnalyses& analyses) {
  for (const char* h : {"input", "owner", "metric", "spearman"}) csv.field(h);
  csv.end_row();
  const std::int64_t kept = result.inputs_kept;
  if (kept < 2) return;
  // Each input is ranked once, into its thread's one-row table, and correlated with every column's ranks.
  // Inputs are independent: they are split over the threads.
  const RankTable& metric_ranks = analyses.ranks;
  const std::size_t columns = metric_ranks.rows();
  const std::size_t inputs = result.input_addresses.size();
  std::vector<double> correlation(inputs * columns);  // [input][column]
  parallel_chunks(inputs, result.threads, [&](std::size_t begin, std::size_t end) {
    RankTable input_ranks(1, static_cast<std::size_t>(kept));
    for (std::size_t i = begin; i < end; ++i) {
      input_ranks.set(0, std::span<const double>(result.input_values.data() + i * static_cast<std::size_t>(kept),
                                                 static_cast<std::size_t>(kept)));
      input_ranks.spearman_each(0, metric_ranks, std::span<double>(correlation.data() + i * columns, columns));
    }
  });
  for (std::size_t i = 0; i < inputs; ++i) {
    std::size_t column = 0;
    for (std::size_t row = 0; row < result.row_names.size(); ++row) {
      for (std::size_t m = 0; m < result.metric_names[row].size(); ++m, ++column) {
        csv.field(result.input_addresses[i]).field(result.row_names[row]).field(result.metric_names[row][m]);
        append_statistic(csv, correlation[i * columns + column], false);
        csv.end_row();
      }
    }
  }
}

/// bands.csv into any CSV writer.
template <typename Writer>
void emit_bands(Writer& csv, const Scenario& scenario, const SweepResult& result) {
  for (const char* h : {"date", "owner", "state", "p10", "p50", "p90", "mean"}) csv.field(h);
  csv.end_row();
  if (!result.bands) return;
  const HistogramSet& bands = *result.bands;
  constexpr double kBandPercentiles[] = {10, 50, 90};
  constexpr std::size_t kWidth = std::size(kBandPercentiles) + 1;  // then the mean
  std::vector<std::vector<double>> statistics(bands.groups());  // per group (row, state k), as day_statistics
  parallel_chunks(bands.groups(), result.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t group = begin; group < end; ++group) statistics[group] = bands.day_statistics(group, kBandPercentiles);
  });
  for (std::int64_t d = 0; d < result.days; ++d) {
    const std::string date = format_date(static_cast<Date>(scenario.start + d));
    for (std::size_t row = 0; row < result.row_names.size(); ++row) {
      for (std::size_t k = 0; k < kBandStateCount; ++k) {
        const double* day = statistics[row * kBandStateCount + k].data() + static_cast<std::size_t>(d) * kWidth;
        csv.field(date).field(result.row_names[row]).field(to_string(kBandStates[k]));
        for (std::size_t i = 0; i < kWidth; ++i) csv.number(day[i]);
        csv.end_row();
      }
    }
  }
}

}  // namespace

std::string summary_csv(const SweepResult& result) { return summary_text(result, analyse_columns(result, false)); }

std::string bands_csv(const Scenario& scenario, const SweepResult& result) {
  CsvBuilder csv;
  emit_bands(csv, scenario, result);
  return csv.text();
}

std::string targets_csv(const Scenario& scenario, const SweepResult& result) {
  CsvBuilder csv;
  for (const char* h : {"owner", "target", "probability_met", "p10_date", "p50_date", "p90_date"}) csv.field(h);
  csv.end_row();
  for (std::size_t owner = 0; owner < scenario.owners.size(); ++owner) {
    const auto& targets = scenario.owners[owner].targets;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const std::size_t date_metric = kBaseMetricCount + 2 * t;
      std::int64_t met = 0;
      for (std::int64_t r = 0; r < result.runs; ++r) met += result.value(r, owner, date_metric + 1) == 0 ? 1 : 0;
      std::vector<double> dates = ranked_column(result, owner, date_metric, result.runs);
      sort_ascending(dates);
      csv.field(scenario.owners[owner].id).field(targets[t].id);
      csv.number(static_cast<double>(met) / static_cast<double>(result.runs));
      for (const double p : {10.0, 50.0, 90.0}) csv.field(format_date_value(percentile_sorted(dates, p)));
      csv.end_row();
    }
  }
  return csv.text();
}

std::string sensitivity_csv(const SweepResult& result) {
  CsvBuilder csv;
  emit_sensitivity(csv, result, analyse_columns(result, true));
  return csv.text();
}

std::string criticality_csv(const Scenario& scenario, const SweepResult& result) {
  CsvBuilder csv;
  csv.field("task").field("phase").field("criticality").end_row();
  const std::size_t tasks = scenario.construction.size();
  for (std::size_t task = 0; task < tasks; ++task) {
    for (std::size_t phase = 0; phase < result.phase_labels.size(); ++phase) {
      csv.field(scenario.construction[task].id).field(result.phase_labels[phase]);
      csv.number(static_cast<double>(result.critical_counts[phase * tasks + task]) / static_cast<double>(result.runs));
      csv.end_row();
    }
  }
  return csv.text();
}

std::vector<std::string> write_sweep_outputs(const std::filesystem::path& folder, const Scenario& scenario,
                                             const SweepResult& result) {
  // replications.csv, the largest, streams to its file on a second thread while this one writes the
  // others (whose builders split their own work over result.threads); a failure of either reaches the
  // caller, and the future's destructor waits for the second thread before this frame unwinds.
  std::future<void> replications_written = start_beside(
      [&] {
        CsvFileWriter replications(folder / "replications.csv");
        emit_replications(replications, result);
        replications.commit();
      },
      result.threads > 1);
  std::vector<std::string> names = {"replications.csv"};
  // The large tables stream to their files like replications.csv; the small ones are built whole.
  auto stream = [&](const char* name, auto emit) {
    CsvFileWriter file(folder / name);
    emit(file);
    file.commit();
    names.emplace_back(name);
  };
  auto write = [&](const char* name, const std::string& text) {
    write_file_atomic(folder / name, text);
    names.emplace_back(name);
  };
  const ColumnAnalyses analyses = analyse_columns(result, true);  // summary and sensitivity
  write("summary.csv", summary_text(result, analyses));
  stream("bands.csv", [&](CsvFileWriter& csv) { emit_bands(csv, scenario, result); });
  write("targets.csv", targets_csv(scenario, result));
  stream("sensitivity.csv", [&](CsvFileWriter& csv) { emit_sensitivity(csv, result, analyses); });
  write("criticality.csv", criticality_csv(scenario, result));
  replications_written.get();
  return names;
}

}  // namespace poweron
