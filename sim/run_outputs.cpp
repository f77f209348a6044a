#include "run_outputs.hpp"

#include <cmath>

#include "poweron/csv_writer.hpp"
#include "poweron/date.hpp"

namespace poweron {
namespace {

constexpr ChipState kOwnerStates[] = {ChipState::kOrdered, ChipState::kInTransit, ChipState::kWarehouse,
                                      ChipState::kRma};
constexpr ChipState kSiteStates[] = {ChipState::kQueued, ChipState::kInstalling, ChipState::kBurnIn,
                                     ChipState::kInstalled, ChipState::kPowered};

template <typename Items>
std::string id_at(const Items& items, std::int32_t index) {
  if (index < 0 || static_cast<std::size_t>(index) >= items.size()) return {};
  return items[static_cast<std::size_t>(index)].id;
}

}  // namespace

std::string timeline_csv(const Scenario& scenario, const std::vector<std::int64_t>& days,
                         const DailyCounts& counts, const SiteCapacity& capacity) {
  CsvBuilder csv;
  csv.field("date").field("owner").field("site").field("state").field("gpus").end_row();
  for (std::size_t j = 0; j < days.size(); ++j) {
    const std::string date = format_date(static_cast<Date>(scenario.start + days[j]));
    const auto col = static_cast<Eigen::Index>(j);
    for (std::size_t o = 0; o < scenario.owners.size(); ++o) {
      const std::string& owner = scenario.owners[o].id;
      for (int s = 0; s < kOwnerStateCount; ++s) {
        const auto row = static_cast<Eigen::Index>(o) * kOwnerStateCount + s;
        csv.field(date).field(owner).field("").field(to_string(kOwnerStates[s]));
        csv.integer(counts.owner_states(row, col)).end_row();
      }
      for (std::size_t site_index = 0; site_index < scenario.sites.size(); ++site_index) {
        const Site& site = scenario.sites[site_index];
        if (site.owner != owner) continue;
        const auto site_row = static_cast<Eigen::Index>(site_index);
        for (int s = 0; s < kSiteStateCount; ++s) {
          csv.field(date).field(owner).field(site.id).field(to_string(kSiteStates[s]));
          csv.integer(counts.site_states(site_row * kSiteStateCount + s, col)).end_row();
        }
        csv.field(date).field(owner).field(site.id).field("slots");
        csv.integer(capacity.slots(site_row, col)).end_row();
        if (!capacity.unlimited[site_index]) {
          csv.field(date).field(owner).field(site.id).field("power_slots");
          csv.integer(capacity.power_slots(site_row, col)).end_row();
        }
      }
    }
  }
  return csv.text();
}

std::string events_csv(const Scenario& scenario, const std::vector<EventRecord>& events) {
  CsvBuilder csv;
  for (const char* name : {"time", "date", "event", "owner", "site", "order", "lot", "gpus"}) csv.field(name);
  csv.end_row();
  for (const EventRecord& e : events) {
    csv.number(e.time);
    if (std::isfinite(e.time)) {
      csv.field(format_date(static_cast<Date>(scenario.start + day_of(e.time))));
    } else {
      csv.field("");
    }
    csv.field(to_string(e.kind));
    csv.field(id_at(scenario.owners, e.owner)).field(id_at(scenario.sites, e.site));
    csv.field(id_at(scenario.orders, e.order));
    if (e.lot >= 0) {
      csv.integer(e.lot);
    } else {
      csv.field("");
    }
    csv.integer(e.gpus).end_row();
  }
  return csv.text();
}

std::string format_metric(std::string_view name, double value) {
  if (is_date_metric(name)) {
    return std::isnan(value) ? std::string() : format_date(static_cast<Date>(std::llround(value)));
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
  const std::vector<std::int64_t> days = timeline_days(scenario.last_day(), step_days);
  const DailyCounts counts = daily_counts_at(scenario, trace.changes, days);
  const SiteCapacity capacity = compute_capacity_at(scenario, inputs, days);
  write_file_atomic(folder / "timeline.csv", timeline_csv(scenario, days, counts, capacity));
  write_file_atomic(folder / "events.csv", events_csv(scenario, trace.events));
  write_file_atomic(folder / "metrics.csv", metrics_csv(scenario, metrics));
  manifest.files.assign(std::begin(kRunOutputFiles), std::end(kRunOutputFiles));
  write_file_atomic(folder / "manifest.json", to_json(manifest));
}

}  // namespace poweron
