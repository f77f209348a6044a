#include "poweron/timeline.hpp"

#include <algorithm>

#include "poweron/date.hpp"
#include "poweron/result.hpp"

namespace poweron {
namespace {

/// Turns per-day increments into end-of-day counts (column d += column d - 1), whole columns at a time.
void accumulate_days(DayCounts& counts) {
  for (Eigen::Index d = 1; d < counts.cols(); ++d) counts.col(d) += counts.col(d - 1);
}

}  // namespace

std::int64_t day_column(double time, std::int64_t last_day) {
  if (time < 0) return 0;  // also kBeforeStart (-inf), which day_of cannot convert
  return std::min(day_of(time), last_day);
}

namespace {

/// Scatters every change before E + 1 into the column `column_of(day)` gives (or skips it when that is
/// negative), then accumulates along the columns.
template <typename ColumnOf>
DailyCounts scatter_and_accumulate(const Scenario& scenario, const std::vector<StateChange>& changes,
                                   Eigen::Index columns, ColumnOf column_of) {
  const std::int64_t last_day = scenario.last_day();
  const auto owners = static_cast<Eigen::Index>(scenario.owners.size());
  const auto sites = static_cast<Eigen::Index>(scenario.sites.size());
  const double horizon = static_cast<double>(last_day + 1);

  DailyCounts out;
  out.owner_states = DayCounts::Zero(owners * kOwnerStateCount, columns);
  out.site_states = DayCounts::Zero(sites * kSiteStateCount, columns);
  for (const StateChange& c : changes) {
    const double t = snap_time(c.time);
    if (t >= horizon) continue;
    const int state = static_cast<int>(c.state);
    const bool at_site = is_site_state(c.state);
    if (at_site && (c.site < 0 || c.site >= sites)) {
      throw InternalError("state change at an invalid site index " + std::to_string(c.site));
    }
    if (!at_site && (c.owner < 0 || c.owner >= owners)) {
      throw InternalError("state change of an invalid owner index " + std::to_string(c.owner));
    }
    const Eigen::Index column = column_of(day_column(t, last_day));
    if (column < 0) continue;
    if (at_site) {
      out.site_states(c.site * kSiteStateCount + (state - kOwnerStateCount), column) += c.delta;
    } else {
      out.owner_states(c.owner * kOwnerStateCount + state, column) += c.delta;
    }
  }
  accumulate_days(out.owner_states);
  accumulate_days(out.site_states);
  return out;
}

}  // namespace

DailyCounts daily_counts(const Scenario& scenario, const std::vector<StateChange>& changes) {
  return scatter_and_accumulate(scenario, changes, static_cast<Eigen::Index>(scenario.last_day() + 1),
                                [](std::int64_t day) { return static_cast<Eigen::Index>(day); });
}

DailyCounts daily_counts_at(const Scenario& scenario, const std::vector<StateChange>& changes,
                            const std::vector<std::int64_t>& days) {
  return scatter_and_accumulate(scenario, changes, static_cast<Eigen::Index>(days.size()),
                                [&](std::int64_t day) -> Eigen::Index {
                                  const auto it = std::lower_bound(days.begin(), days.end(), day);
                                  return it == days.end() ? -1 : static_cast<Eigen::Index>(it - days.begin());
                                });
}

DaySeries owner_state_series(const Scenario& scenario, const DailyCounts& counts, std::size_t owner,
                             ChipState state) {
  const int s = static_cast<int>(state);
  if (!is_site_state(state)) {
    return counts.owner_states.row(static_cast<Eigen::Index>(owner) * kOwnerStateCount + s);
  }
  DaySeries series = DaySeries::Zero(counts.site_states.cols());
  for (std::size_t site = 0; site < scenario.sites.size(); ++site) {
    if (scenario.sites[site].owner != scenario.owners[owner].id) continue;
    series += counts.site_states.row(static_cast<Eigen::Index>(site) * kSiteStateCount + (s - kOwnerStateCount));
  }
  return series;
}

std::vector<std::int64_t> timeline_days(std::int64_t last_day, std::int64_t step_days) {
  std::vector<std::int64_t> days;
  for (std::int64_t d = 0;; d += step_days) {
    days.push_back(d);
    if (last_day - d < step_days) break;  // written so that a huge step cannot overflow
  }
  if (days.back() != last_day) days.push_back(last_day);
  return days;
}

}  // namespace poweron
