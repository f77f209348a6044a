#include "timeline_layout.hpp"

#include "poweron/timeline.hpp"
#include "poweron/trace.hpp"

namespace poweron {
namespace {

constexpr ChipState kOwnerStates[] = {ChipState::kOrdered, ChipState::kInTransit, ChipState::kWarehouse,
                                      ChipState::kRma};
constexpr ChipState kSiteStates[] = {ChipState::kQueued, ChipState::kInstalling, ChipState::kBurnIn,
                                     ChipState::kInstalled, ChipState::kPowered};

}  // namespace

std::string_view id_at(const std::vector<std::string>& ids, std::int32_t index) {
  if (index < 0 || static_cast<std::size_t>(index) >= ids.size()) return {};
  return ids[static_cast<std::size_t>(index)];
}

ValueLayout value_layout(const Scenario& scenario) {
  return {scenario.owners.size() * kOwnerStateCount + scenario.sites.size() * kSiteStateCount,
          scenario.sites.size()};
}

std::vector<TimelineRow> timeline_rows(const Scenario& scenario, const std::vector<bool>& unlimited) {
  const ValueLayout values = value_layout(scenario);
  const std::size_t site_base = scenario.owners.size() * kOwnerStateCount;
  std::vector<TimelineRow> rows;
  const auto label = [](const std::string& owner, const std::string& site, ChipState state) {
    return owner + ',' + site + ',' + csv_field(to_string(state));
  };
  for (std::size_t o = 0; o < scenario.owners.size(); ++o) {
    const std::string& owner_id = scenario.owners[o].id;
    const std::string owner = csv_field(owner_id);
    for (int s = 0; s < kOwnerStateCount; ++s) {
      rows.push_back({label(owner, "", kOwnerStates[s]), ChangesByColumn::owner_series(o, kOwnerStates[s])});
    }
    for (std::size_t site_index = 0; site_index < scenario.sites.size(); ++site_index) {
      const Site& site = scenario.sites[site_index];
      if (site.owner != owner_id) continue;
      const std::string site_id = csv_field(site.id);
      for (int s = 0; s < kSiteStateCount; ++s) {
        rows.push_back({label(owner, site_id, kSiteStates[s]), site_base + site_index * kSiteStateCount + s});
      }
      rows.push_back({owner + ',' + site_id + ",slots", values.slots(site_index)});
      if (!unlimited[site_index]) {
        rows.push_back({owner + ',' + site_id + ",power_slots", values.power_slots(site_index)});
      }
    }
  }
  return rows;
}

}  // namespace poweron
