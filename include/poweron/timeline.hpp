// The daily timeline (SPEC 5 timeline.csv): chip counts at the end of each day, from a run's change log.
//
// Counts are kept per series: owner-level states of each owner, site states of each site. Column j of a
// timeline is the end of day days[j]: the count after every change with snapped time < days[j] + 1. A
// change goes into the first selected column whose day is at or after clamp(day_of(t), 0, E) (E =
// last_day(); kBeforeStart entries into column 0); changes at or after E + 1 are ignored. ChangesByColumn
// indexes the log by column once, so that counts can be produced column by column (timeline.csv streams
// them without a series x days array); daily_counts and daily_counts_at are built on it.
// Thread-safe: pure functions; a ChangesByColumn is immutable after construction.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "poweron/date.hpp"
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

/// The change log indexed by timeline column. Counts are one flat vector of series_count() values: owner
/// states first (owner * kOwnerStateCount + state), then site states (owner_count * kOwnerStateCount +
/// site * kSiteStateCount + state - kQueued). Starting from zeros and calling apply(j, counts) for j = 0,
/// 1, ... leaves in `counts` the counts at the end of column j (column j of daily_counts_at).
/// A log in time order (as the model writes it) is used in place; any other order is sorted into an index
/// by column first. Keeps references to the change log, which must outlive this object.
class ChangesByColumn {
 public:
  /// Indexes `changes` by the columns of `days`. REQUIRES: `days` ascending, each in [0, E]. Throws
  /// InternalError for a change before E + 1 whose owner or site index is out of range.
  ChangesByColumn(const Scenario& scenario, const std::vector<StateChange>& changes,
                  const std::vector<std::int64_t>& days);

  /// Length of a count vector: owners * kOwnerStateCount + sites * kSiteStateCount.
  std::size_t series_count() const { return series_count_; }
  /// Number of columns (days.size()).
  std::size_t column_count() const { return column_start_.size() - 1; }
  /// Index of an owner-level state's series (state kOrdered .. kRma).
  static std::size_t owner_series(std::size_t owner, ChipState state) {
    return owner * kOwnerStateCount + static_cast<std::size_t>(state);
  }
  /// Index of a site state's series (state kQueued .. kPowered).
  std::size_t site_series(std::size_t site, ChipState state) const {
    return site_base_ + site * kSiteStateCount + (static_cast<std::size_t>(state) - kOwnerStateCount);
  }
  /// Adds the deltas of the changes that fall in `column` to `counts`.
  /// REQUIRES: column < column_count(), counts.size() >= series_count().
  void apply(std::size_t column, std::span<std::int64_t> counts) const;

 private:
  std::size_t series_of(const StateChange& change) const {
    return is_site_state(change.state) ? site_series(static_cast<std::size_t>(change.site), change.state)
                                       : owner_series(static_cast<std::size_t>(change.owner), change.state);
  }

  const std::vector<StateChange>* changes_;
  std::size_t series_count_ = 0;
  std::size_t site_base_ = 0;
  /// Changes of column j: positions column_start_[j] .. column_start_[j + 1] of the log (in_place_) or of
  /// order_ (otherwise).
  std::vector<std::size_t> column_start_;
  /// Whether the log itself is in column order (then order_ is empty).
  bool in_place_ = true;
  /// Log positions in column order (stable), when the log is not.
  std::vector<std::size_t> order_;
};


}  // namespace poweron
