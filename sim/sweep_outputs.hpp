// The CSV files of `poweron sweep` (SPEC 5), built from a SweepResult. Each function returns the file's
// text; write_sweep_outputs writes them all atomically into a folder. Pure; thread-safe.
//
// Conventions where SPEC 5 is silent (also in the README):
// - Target-date metrics hold Dates; in summary.csv their mean, CI and percentiles are ISO dates rounded to
//   the nearest day, their sd is in days, and n counts the replications that reached the target.
// - targets.csv: a target is met when its shortfall is 0; date percentiles are over all replications with
//   "never reached" ranked last, so a percentile that falls among those is empty.
// - bands.csv has a row for `all` (the sum over owners) after the owners, for every day 0..E.
// - sensitivity.csv ranks a never-reached date last; a metric or input that never varies gives an empty
//   correlation.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "poweron/csv_writer.hpp"
#include "poweron/metrics.hpp"
#include "poweron/scenario.hpp"
#include "poweron/sweep.hpp"

namespace poweron {

std::string replications_csv(const Scenario& scenario, const SweepResult& result);
std::string summary_csv(const SweepResult& result);
std::string bands_csv(const Scenario& scenario, const SweepResult& result);
std::string targets_csv(const Scenario& scenario, const SweepResult& result);
std::string sensitivity_csv(const SweepResult& result);
std::string criticality_csv(const Scenario& scenario, const SweepResult& result);

/// One metric's values over the replications, NaN (never-reached dates) left out.
std::vector<double> metric_values(const SweepResult& result, std::size_t row, std::size_t metric);

/// Appends a statistic to a CsvBuilder or CsvFileWriter: an ISO date (format_date_value) when `as_date`,
/// else the number (empty for NaN).
template <typename Writer>
void append_statistic(Writer& csv, double value, bool as_date) {
  if (as_date) {
    csv.field(format_date_value(value));
  } else {
    csv.number(value);
  }
}

/// Writes every sweep CSV that `result` has data for into `folder`; returns the file names written.
std::vector<std::string> write_sweep_outputs(const std::filesystem::path& folder, const Scenario& scenario,
                                             const SweepResult& result);

}  // namespace poweron
