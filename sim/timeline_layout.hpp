// The row layout of timeline.csv and the escaped ids of events.csv, shared by the simple builders of
// `poweron run`'s files (run_outputs.cpp) and the fast path that writes them (trace_files.cpp), so that
// both produce the same rows in the same order. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "poweron/csv_writer.hpp"
#include "poweron/scenario.hpp"

namespace poweron {

/// Escaped CSV text of every item's id, by index.
template <typename Items>
std::vector<std::string> escaped_ids(const Items& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(csv_field(item.id));
  return ids;
}

/// The escaped id at `index`, empty for an index out of range (-1: not applicable).
std::string_view id_at(const std::vector<std::string>& ids, std::int32_t index);

// ---- timeline.csv layout ----

/// Where a timeline row's value is, in one vector: the counts (ChangesByColumn's series), then the slots
/// of each site, then the power slots of each site.
struct ValueLayout {
  std::size_t series = 0;  ///< ChangesByColumn::series_count()
  std::size_t sites = 0;

  std::size_t slots(std::size_t site) const { return series + site; }
  std::size_t power_slots(std::size_t site) const { return series + sites + site; }
  std::size_t size() const { return series + 2 * sites; }
};

/// The value layout of `scenario`'s timeline.
ValueLayout value_layout(const Scenario& scenario);

/// One timeline row apart from its date: the escaped `owner,site,state` text and its value's index (see
/// ValueLayout).
struct TimelineRow {
  std::string label;
  std::size_t value = 0;
};

/// The rows of one day, in file order (the same every day): per owner by id, its owner-level states,
/// then its sites by id, each with its states, slots and (unless unlimited) power_slots. `unlimited[i]`:
/// site i has no power limit (SiteCapacity::unlimited).
std::vector<TimelineRow> timeline_rows(const Scenario& scenario, const std::vector<bool>& unlimited);

}  // namespace poweron
