// The output folder of `poweron run` (SPEC 5): timeline.csv, events.csv, metrics.csv, manifest.json.
// The *_csv functions build the file contents in memory, simply (the reference the files are tested
// against); write_summary_files writes metrics.csv and manifest.json atomically, after write_trace_files
// (trace_files.hpp) wrote the two large ones with the same bytes by a faster path. Thread-safe: pure functions (apart
// from the files written).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "poweron/capacity.hpp"
#include "poweron/manifest.hpp"
#include "poweron/metrics.hpp"
#include "poweron/scenario.hpp"
#include "poweron/timeline.hpp"
#include "poweron/trace.hpp"

namespace poweron {

/// timeline.csv: `date,owner,site,state,gpus`, one block per day of `days` (column j of `counts` and
/// `capacity` is day days[j]; see daily_counts_at, compute_capacity_at, timeline_days); per day, owners by
/// id, each with its rows ordered, in_transit, warehouse, rma (empty site), then its sites by id, each with
/// queued, installing, burn_in, installed, powered, slots and (unless unlimited) power_slots.
std::string timeline_csv(const Scenario& scenario, const std::vector<std::int64_t>& days,
                         const DailyCounts& counts, const SiteCapacity& capacity);

/// events.csv: `time,date,event,owner,site,order,lot,gpus`, one row per record in the given order; ids
/// for indices, empty for -1; date = start + floor(time) (empty for a non-finite time).
std::string events_csv(const Scenario& scenario, const std::vector<EventRecord>& events);

/// metrics.csv: `owner,metric,value`, owners by id then `all`, metrics in metric_names order; dates ISO,
/// an unreached date empty.
std::string metrics_csv(const Scenario& scenario, const RunMetrics& metrics);

/// The value of metric `name` as written in CSV files (a date for target dates, else format_number).
std::string format_metric(std::string_view name, double value);

/// The files of one run, in the order written (manifest.json last).
inline constexpr const char* kRunOutputFiles[] = {"timeline.csv", "events.csv", "metrics.csv", "manifest.json"};

/// Writes metrics.csv, then manifest.json with `manifest.files` filled in, each atomically; called after
/// write_trace_files (trace_files.hpp), so manifest.json is written only when all others were. Throws as
/// write_trace_files.
void write_summary_files(const std::filesystem::path& folder, const Scenario& scenario, const RunMetrics& metrics,
                         Manifest manifest);

}  // namespace poweron
