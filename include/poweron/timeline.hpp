// The daily timeline (SPEC 5 timeline.csv): chip counts at the end of each day, from a run's change log.
//
// Counts are Eigen arrays, one row per series and one column per day 0..E (E = last_day()); column d
// holds the count after every change with snapped time < d + 1. They are computed without a per-day
// pass over the events: each change's delta is scattered into column clamp(day_of(t), 0, E) (changes
// at or after E + 1 ignored, kBeforeStart entries into column 0), then summed cumulatively along days.
// Thread-safe: pure functions.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron {

/// Rows = series, columns = days 0..E.
using DayCounts = Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;
/// One series over days 0..E.
using DaySeries = Eigen::Array<std::int64_t, 1, Eigen::Dynamic>;

inline constexpr int kOwnerStateCount = 4;  ///< ordered, in_transit, warehouse, rma
inline constexpr int kSiteStateCount = 5;   ///< queued, installing, burn_in, installed, powered

struct DailyCounts {
  /// Row owner * kOwnerStateCount + state (kOrdered .. kRma), owners in scenario order.
  DayCounts owner_states;
  /// Row site * kSiteStateCount + (state - kQueued), sites in scenario order (summed over SKUs).
  DayCounts site_states;
};

/// End-of-day counts of every (owner, owner-level state) and (site, site state), for every day 0..E.
/// Throws InternalError for a change whose owner or site index is out of range.
DailyCounts daily_counts(const Scenario& scenario, const std::vector<StateChange>& changes);

/// The same counts at selected days only (column j = the end of day days[j]), so that memory grows with
/// the rows written, not with the span: a change goes into the first selected day at or after its own.
/// REQUIRES: `days` ascending, each in [0, E] (timeline_days gives such a list).
DailyCounts daily_counts_at(const Scenario& scenario, const std::vector<StateChange>& changes,
                            const std::vector<std::int64_t>& days);

/// The count of `state` for `owner` per day: owner-level states directly; site states summed over the
/// sites whose owner is `owner`.
DaySeries owner_state_series(const Scenario& scenario, const DailyCounts& counts, std::size_t owner,
                             ChipState state);

/// The days that get timeline rows: 0, step, 2 step, ... up to E, and always E.
/// REQUIRES: step_days >= 1 and last_day >= 0.
std::vector<std::int64_t> timeline_days(std::int64_t last_day, std::int64_t step_days);

/// Column index for a change at `time`: clamp(day_of(time), 0, last_day); -inf and negatives give 0.
/// REQUIRES: time < last_day + 1 after snapping (later changes are not part of the timeline).
std::int64_t day_column(double time, std::int64_t last_day);

}  // namespace poweron
