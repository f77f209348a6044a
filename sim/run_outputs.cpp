#include "run_outputs.hpp"

#include <cmath>

#include "poweron/csv_writer.hpp"
#include "poweron/date.hpp"
#include "timeline_layout.hpp"

namespace poweron {
namespace {

/// The reference layout through CsvBuilder (timeline_csv), reading the full arrays.
void write_timeline(CsvBuilder& csv, const Scenario& scenario, const std::vector<std::int64_t>& days,
                    const DailyCounts& counts, const SiteCapacity& capacity) {
  csv.field("date").field("owner").field("site").field("state").field("gpus").end_row();
  const ValueLayout values = value_layout(scenario);
  const auto owner_rows = static_cast<std::size_t>(counts.owner_states.rows());
  const auto value_at = [&](std::size_t value, Eigen::Index col) -> std::int64_t {
    if (value < owner_rows) return counts.owner_states(static_cast<Eigen::Index>(value), col);
    if (value < values.series) return counts.site_states(static_cast<Eigen::Index>(value - owner_rows), col);
    if (value < values.series + values.sites) {
      return capacity.slots(static_cast<Eigen::Index>(value - values.series), col);
    }
    return capacity.power_slots(static_cast<Eigen::Index>(value - values.series - values.sites), col);
  };
  const std::vector<TimelineRow> rows = timeline_rows(scenario, capacity.unlimited);
  for (std::size_t j = 0; j < days.size(); ++j) {
    const std::string date = csv_field(format_date(static_cast<Date>(scenario.start + days[j])));
    const auto col = static_cast<Eigen::Index>(j);
    for (const TimelineRow& row : rows) {
      csv.escaped_fields(date).escaped_fields(row.label).integer(value_at(row.value, col)).end_row();
    }
  }
}

/// The reference layout of events.csv through CsvBuilder (events_csv).
void write_events(CsvBuilder& csv, const Scenario& scenario, const std::vector<EventRecord>& events) {
  for (const char* name : {"time", "date", "event", "owner", "site", "order", "lot", "gpus"}) csv.field(name);
  csv.end_row();
  const std::vector<std::string> owners = escaped_ids(scenario.owners);
  const std::vector<std::string> sites = escaped_ids(scenario.sites);
  const std::vector<std::string> orders = escaped_ids(scenario.orders);
  for (const EventRecord& e : events) {
    csv.number(e.time);
    if (std::isfinite(e.time)) {
      csv.field(format_date(static_cast<Date>(scenario.start + day_of(e.time))));
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

void write_summary_files(const std::filesystem::path& folder, const Scenario& scenario, const RunMetrics& metrics,
                         Manifest manifest) {
  write_file_atomic(folder / "metrics.csv", metrics_csv(scenario, metrics));
  manifest.files.assign(std::begin(kRunOutputFiles), std::end(kRunOutputFiles));
  write_file_atomic(folder / "manifest.json", to_json(manifest));
}

}  // namespace poweron
