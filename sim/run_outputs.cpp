#include "run_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <system_error>

#include "poweron/csv_writer.hpp"
#include "poweron/date.hpp"
#include "poweron/result.hpp"

namespace poweron {
namespace {

constexpr ChipState kOwnerStates[] = {ChipState::kOrdered, ChipState::kInTransit, ChipState::kWarehouse,
                                      ChipState::kRma};
constexpr ChipState kSiteStates[] = {ChipState::kQueued, ChipState::kInstalling, ChipState::kBurnIn,
                                     ChipState::kInstalled, ChipState::kPowered};

/// Escaped CSV text of every item's id, by index.
template <typename Items>
std::vector<std::string> escaped_ids(const Items& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(csv_field(item.id));
  return ids;
}

/// The escaped id at `index`, empty for an index out of range (-1: not applicable).
std::string_view id_at(const std::vector<std::string>& ids, std::int32_t index) {
  if (index < 0 || static_cast<std::size_t>(index) >= ids.size()) return {};
  return ids[static_cast<std::size_t>(index)];
}

/// One timeline row apart from its date: the escaped `owner,site,state` text and where its count is.
struct TimelineRow {
  std::string label;
  const DayCounts* values = nullptr;
  Eigen::Index series = 0;
};

/// The rows of one day, in file order (the same every day).
std::vector<TimelineRow> timeline_rows(const Scenario& scenario, const DailyCounts& counts,
                                       const SiteCapacity& capacity) {
  std::vector<TimelineRow> rows;
  const auto label = [](const std::string& owner, const std::string& site, ChipState state) {
    return owner + ',' + site + ',' + csv_field(to_string(state));
  };
  for (std::size_t o = 0; o < scenario.owners.size(); ++o) {
    const std::string& owner_id = scenario.owners[o].id;
    const std::string owner = csv_field(owner_id);
    for (int s = 0; s < kOwnerStateCount; ++s) {
      rows.push_back({label(owner, "", kOwnerStates[s]), &counts.owner_states,
                      static_cast<Eigen::Index>(o) * kOwnerStateCount + s});
    }
    for (std::size_t site_index = 0; site_index < scenario.sites.size(); ++site_index) {
      const Site& site = scenario.sites[site_index];
      if (site.owner != owner_id) continue;
      const std::string site_id = csv_field(site.id);
      const auto site_row = static_cast<Eigen::Index>(site_index);
      for (int s = 0; s < kSiteStateCount; ++s) {
        rows.push_back({label(owner, site_id, kSiteStates[s]), &counts.site_states,
                        site_row * kSiteStateCount + s});
      }
      rows.push_back({owner + ',' + site_id + ",slots", &capacity.slots, site_row});
      if (!capacity.unlimited[site_index]) {
        rows.push_back({owner + ',' + site_id + ",power_slots", &capacity.power_slots, site_row});
      }
    }
  }
  return rows;
}

template <typename Csv>
void write_timeline(Csv& csv, const Scenario& scenario, const std::vector<std::int64_t>& days,
                    const DailyCounts& counts, const SiteCapacity& capacity) {
  csv.field("date").field("owner").field("site").field("state").field("gpus").end_row();
  const std::vector<TimelineRow> rows = timeline_rows(scenario, counts, capacity);
  for (std::size_t j = 0; j < days.size(); ++j) {
    const std::string date = csv_field(format_date(static_cast<Date>(scenario.start + days[j])));
    const auto col = static_cast<Eigen::Index>(j);
    for (const TimelineRow& row : rows) {
      csv.escaped_fields(date).escaped_fields(row.label).integer((*row.values)(row.series, col)).end_row();
    }
  }
}

template <typename Csv>
void write_events(Csv& csv, const Scenario& scenario, const std::vector<EventRecord>& events) {
  for (const char* name : {"time", "date", "event", "owner", "site", "order", "lot", "gpus"}) csv.field(name);
  csv.end_row();
  const std::vector<std::string> owners = escaped_ids(scenario.owners);
  const std::vector<std::string> sites = escaped_ids(scenario.sites);
  const std::vector<std::string> orders = escaped_ids(scenario.orders);
  // Dates of days 0..E + 1 once (events fall in the span or just after); others are formatted per row.
  std::vector<std::string> dates;
  const std::int64_t cached_days = std::max<std::int64_t>(scenario.last_day() + 2, 0);
  dates.reserve(static_cast<std::size_t>(cached_days));
  for (std::int64_t d = 0; d < cached_days; ++d) {
    dates.push_back(csv_field(format_date(static_cast<Date>(scenario.start + d))));
  }
  for (const EventRecord& e : events) {
    csv.number(e.time);
    if (std::isfinite(e.time)) {
      const std::int64_t day = day_of(e.time);
      if (day >= 0 && day < cached_days) {
        csv.escaped_fields(dates[static_cast<std::size_t>(day)]);
      } else {
        csv.field(format_date(static_cast<Date>(scenario.start + day)));
      }
    } else {
      csv.field("");
    }
    csv.field(to_string(e.kind));
    csv.escaped_fields(id_at(owners, e.owner)).escaped_fields(id_at(sites, e.site));
    csv.escaped_fields(id_at(orders, e.order));
    if (e.lot >= 0) {
      csv.integer(e.lot);
    } else {
      csv.field("");
    }
    csv.integer(e.gpus).end_row();
  }
}

}  // namespace

std::string timeline_csv(const Scenario& scenario, const std::vector<std::int64_t>& days,
                         const DailyCounts& counts, const SiteCapacity& capacity) {
  CsvBuilder csv;
  write_timeline(csv, scenario, days, counts, capacity);
  return csv.text();
}

std::string events_csv(const Scenario& scenario, const std::vector<EventRecord>& events) {
  CsvBuilder csv;
  write_events(csv, scenario, events);
  return csv.text();
}

std::string format_metric(std::string_view name, double value) {
  if (is_date_metric(name)) {
    return format_date_value(value);
  }
  return format_number(value);
}

std::string metrics_csv(const Scenario& scenario, const RunMetrics& metrics) {
  CsvBuilder csv;
  csv.field("owner").field("metric").field("value").end_row();
  for (std::size_t o = 0; o <= scenario.owners.size(); ++o) {
    const std::string owner = o < scenario.owners.size() ? scenario.owners[o].id : std::string(kAllOwners);
    const std::vector<std::string> names = metric_names(scenario, o);
    for (std::size_t k = 0; k < names.size(); ++k) {
      csv.field(owner).field(names[k]).field(format_metric(names[k], metrics.values[o][k])).end_row();
    }
  }
  return csv.text();
}

void write_run_outputs(const std::filesystem::path& folder, const Scenario& scenario,
                       const ResolvedInputs& inputs, const SimulationTrace& trace, const RunMetrics& metrics,
                       Manifest manifest, std::int64_t step_days) {
  // The two large files are independent: events.csv is written on a second thread while this one writes
  // timeline.csv (most of the time of both is the kernel copying into the page cache). The folder is
  // created first so that the two writers do not race to create it.
  const std::filesystem::path timeline_path = folder / "timeline.csv";
  std::error_code ec;
  if (!timeline_path.parent_path().empty()) std::filesystem::create_directories(timeline_path.parent_path(), ec);
  if (ec) {  // the message CsvFileWriter gives
    throw UserError("cannot write " + timeline_path.string() + ": cannot create folder " +
                        timeline_path.parent_path().string() + ": " + ec.message(),
                    ExitCode::kRuntime);
  }
  std::future<void> events_written = std::async(std::launch::async, [&] {
    CsvFileWriter events(folder / "events.csv");
    write_events(events, scenario, trace.events);
    events.commit();
  });
  {
    const std::vector<std::int64_t> days = timeline_days(scenario.last_day(), step_days);
    const DailyCounts counts = daily_counts_at(scenario, trace.changes, days);
    const SiteCapacity capacity = compute_capacity_at(scenario, inputs, days);
    CsvFileWriter timeline(timeline_path);
    write_timeline(timeline, scenario, days, counts, capacity);
    timeline.commit();
  }  // on an exception, the future's destructor waits for the events thread before it propagates
  events_written.get();  // rethrows a failure of the events file
  write_file_atomic(folder / "metrics.csv", metrics_csv(scenario, metrics));
  manifest.files.assign(std::begin(kRunOutputFiles), std::end(kRunOutputFiles));
  write_file_atomic(folder / "manifest.json", to_json(manifest));
}

}  // namespace poweron
