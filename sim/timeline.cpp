#include "poweron/timeline.hpp"

#include <algorithm>

#include "poweron/date.hpp"
#include "poweron/result.hpp"

namespace poweron {

ChangesByColumn::ChangesByColumn(const Scenario& scenario, const std::vector<StateChange>& changes,
                                 const std::vector<std::int64_t>& days)
    : changes_(&changes) {
  const std::int64_t last_day = scenario.last_day();
  const auto owners = static_cast<std::int64_t>(scenario.owners.size());
  const auto sites = static_cast<std::int64_t>(scenario.sites.size());
  site_base_ = scenario.owners.size() * kOwnerStateCount;
  series_count_ = site_base_ + scenario.sites.size() * kSiteStateCount;
  const double horizon = static_cast<double>(last_day + 1);
  const std::size_t columns = days.size();

  // The column of a change; `columns` for one that is not part of the timeline (at or after E + 1, or
  // after the last selected day). `cursor` is the column of the previous change: a log in time order
  // walks forward from it instead of searching.
  std::size_t cursor = 0;
  const auto column_of = [&](const StateChange& c) -> std::size_t {
    const double t = snap_time(c.time);
    if (t >= horizon) return columns;
    if (is_site_state(c.state) ? (c.site < 0 || c.site >= sites) : (c.owner < 0 || c.owner >= owners)) {
      throw InternalError(is_site_state(c.state)
                              ? "state change at an invalid site index " + std::to_string(c.site)
                              : "state change of an invalid owner index " + std::to_string(c.owner));
    }
    // day_column(t, last_day) for a snapped 0 <= t < E + 1: snapping again changes nothing, so day_of(t)
    // is floor(t), i.e. the truncation.
    const std::int64_t day = t < 0 ? 0 : static_cast<std::int64_t>(t);
    if (cursor == 0 || days[cursor - 1] < day) {
      while (cursor < columns && days[cursor] < day) ++cursor;
      return cursor;
    }
    return static_cast<std::size_t>(std::lower_bound(days.begin(), days.end(), day) - days.begin());
  };

  // Counts per column (the last entry: changes left out), checking whether the log is in column order.
  std::vector<std::size_t> per_column(columns + 1, 0);
  std::size_t previous = 0;
  for (const StateChange& c : changes) {
    const std::size_t column = column_of(c);
    ++per_column[column];
    in_place_ = in_place_ && column >= previous;
    previous = column;
  }
  column_start_.assign(columns + 1, 0);
  for (std::size_t j = 0; j < columns; ++j) column_start_[j + 1] = column_start_[j] + per_column[j];
  if (in_place_) return;

  // Out of order: a stable counting sort of the log positions by column.
  order_.resize(column_start_[columns]);
  std::vector<std::size_t> next(column_start_.begin(), column_start_.end() - 1);
  cursor = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const std::size_t column = column_of(changes[i]);
    if (column < columns) order_[next[column]++] = i;
  }
}

void ChangesByColumn::apply(std::size_t column, std::span<std::int64_t> counts) const {
  const std::vector<StateChange>& changes = *changes_;
  const std::size_t begin = column_start_[column];
  const std::size_t end = column_start_[column + 1];
  if (in_place_) {
    for (std::size_t i = begin; i < end; ++i) counts[series_of(changes[i])] += changes[i].delta;
  } else {
    for (std::size_t i = begin; i < end; ++i) {
      const StateChange& c = changes[order_[i]];
      counts[series_of(c)] += c.delta;
    }
  }
}

DailyCounts daily_counts(const Scenario& scenario, const std::vector<StateChange>& changes) {
  std::vector<std::int64_t> all_days(static_cast<std::size_t>(std::max<std::int64_t>(scenario.last_day() + 1, 0)));
  for (std::size_t d = 0; d < all_days.size(); ++d) all_days[d] = static_cast<std::int64_t>(d);
  return daily_counts_at(scenario, changes, all_days);
}

DailyCounts daily_counts_at(const Scenario& scenario, const std::vector<StateChange>& changes,
                            const std::vector<std::int64_t>& days) {
  const ChangesByColumn index(scenario, changes, days);
  const auto columns = static_cast<Eigen::Index>(days.size());
  const auto owner_rows = static_cast<Eigen::Index>(scenario.owners.size() * kOwnerStateCount);
  const auto site_rows = static_cast<Eigen::Index>(scenario.sites.size() * kSiteStateCount);
  DailyCounts out;
  out.owner_states.resize(owner_rows, columns);
  out.site_states.resize(site_rows, columns);
  std::vector<std::int64_t> counts(index.series_count(), 0);
  for (Eigen::Index j = 0; j < columns; ++j) {
    index.apply(static_cast<std::size_t>(j), counts);
    out.owner_states.col(j) = Eigen::Map<const DayCounts>(counts.data(), owner_rows, 1);
    out.site_states.col(j) = Eigen::Map<const DayCounts>(counts.data() + owner_rows, site_rows, 1);
  }
  return out;
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
