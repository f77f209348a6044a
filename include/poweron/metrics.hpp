// Run metrics (SPEC 4), integrated exactly from a run's StateChange log.
//
// Every metric is an exact integral over [0, E + 1) of the piecewise-constant counts, E = last_day():
// a change of `delta` at time t < E + 1 contributes delta * (E + 1 - max(t, 0)) GPU-days (changes before
// start, including the kBeforeStart seed entries, count from 0; changes at or after E + 1 are ignored).
// Times are snapped to whole days first (snap_time). The sums are RunAccumulator's (run_accumulator.hpp):
// integers, in ticks of 2^-32 day, so any order of the same changes gives the same metrics. Values per owner, in scenario (id) order, then `all`
// (the sum over owners, without targets). Thread-safe: pure functions.
//
//   RunMetrics m = compute_metrics(scenario, trace.changes);
//   double powered = m.values[owner][kPoweredGpuDays];
//   std::vector<std::string> names = metric_names(scenario, owner);  // same length as m.values[owner]
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron {

/// Indices of the base metrics, in SPEC 4 table order (the first columns of every owner and of `all`).
inline constexpr std::size_t kPoweredGpuDays = 0;
inline constexpr std::size_t kWarehouseGpuDays = 1;
inline constexpr std::size_t kQueuedGpuDays = 2;
inline constexpr std::size_t kUnpoweredGpuDays = 3;
inline constexpr std::size_t kIdleGpuDays = 4;
inline constexpr std::size_t kIdleCapitalCost = 5;
inline constexpr std::size_t kComputeEflopDays = 6;
inline constexpr std::size_t kEnergyMwh = 7;
inline constexpr std::size_t kFinalPowered = 8;
inline constexpr std::size_t kBaseMetricCount = 9;
inline constexpr std::array<std::string_view, kBaseMetricCount> kBaseMetricNames = {
    "powered_gpu_days", "warehouse_gpu_days", "queued_gpu_days",    "unpowered_gpu_days", "idle_gpu_days",
    "idle_capital_cost", "compute_eflop_days", "energy_mwh", "final_powered",
};

/// The name used for the `all` row of metrics.csv and sweep outputs.
inline constexpr std::string_view kAllOwners = "all";

struct RunMetrics {
  /// values[o] for owner o (scenario order), values[owners.size()] for `all`; each in metric_names order.
  /// A target date is a Date (days since 1970-01-01) as a double, NaN when never reached; a shortfall is
  /// in chips.
  std::vector<std::vector<double>> values;
};

/// Metric names for owner index `owner` (owners.size() for `all`): the 9 base metrics, then per target
/// (scenario order = id order) `target.<id>.date` and `target.<id>.shortfall`. `all` has no targets.
std::vector<std::string> metric_names(const Scenario& scenario, std::size_t owner);

/// True for `target.<id>.date` metrics (values are Dates; print with format_date; NaN = never).
bool is_date_metric(std::string_view name);

/// A Date-valued metric or statistic (days since 1970-01-01, possibly fractional, e.g. a mean) as an ISO
/// date rounded to the nearest day; empty for NaN (never reached) or infinity.
std::string format_date_value(double date);

/// Metrics of one run from its change log (any order is accepted; the integrals do not depend on it).
/// Throws InternalError for a change whose owner, site or sku index is out of range, or whose site
/// belongs to another owner.
RunMetrics compute_metrics(const Scenario& scenario, const std::vector<StateChange>& changes);

}  // namespace poweron
