#include "poweron/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "poweron/date.hpp"
#include "poweron/result.hpp"

namespace poweron {
namespace {

constexpr double kCountTolerance = 1e-9;

}  // namespace

double smallest_power_kw(const Scenario& scenario) {
  double smallest = std::numeric_limits<double>::infinity();
  for (const Sku& sku : scenario.skus) smallest = std::min(smallest, sku.power_kw);
  return smallest;
}

std::int64_t chips_within_supply(double supply_mw, double pue, double power_kw) {
  return static_cast<std::int64_t>(std::floor(supply_mw * 1000.0 / (pue * power_kw) + kCountTolerance));
}

SiteCapacity compute_capacity(const Scenario& scenario, const ResolvedInputs& inputs) {
  std::vector<std::int64_t> all_days(static_cast<std::size_t>(scenario.last_day() + 1));
  std::iota(all_days.begin(), all_days.end(), std::int64_t{0});
  return compute_capacity_at(scenario, inputs, all_days);
}

SiteCapacity compute_capacity_at(const Scenario& scenario, const ResolvedInputs& inputs,
                                 const std::vector<std::int64_t>& selected_days) {
  const std::int64_t last_day = scenario.last_day();
  const auto days = static_cast<Eigen::Index>(selected_days.size());
  const auto sites = static_cast<Eigen::Index>(scenario.sites.size());
  const double horizon = static_cast<double>(last_day + 1);
  if (inputs.sites.size() != scenario.sites.size()) {
    throw InternalError("resolved inputs do not match the scenario's sites");
  }

  SiteCapacity out;
  out.slots = DayCounts::Zero(sites, days);
  out.power_slots = DayCounts::Zero(sites, days);
  out.supply_mw = Eigen::ArrayXXd::Zero(sites, days);
  out.unlimited.assign(scenario.sites.size(), false);
  // Day of each column, for "from this day on" masks over the grid.
  const Eigen::Array<std::int64_t, 1, Eigen::Dynamic> day_index =
      Eigen::Map<const Eigen::Array<std::int64_t, 1, Eigen::Dynamic>>(selected_days.data(), days);
  const double per_chip_kw = smallest_power_kw(scenario);

  for (Eigen::Index s = 0; s < sites; ++s) {
    const Site& site = scenario.sites[static_cast<std::size_t>(s)];
    const ResolvedSite& resolved = inputs.sites[static_cast<std::size_t>(s)];
    if (resolved.phase_ready_time.size() != site.phases.size()) {
      throw InternalError("resolved inputs do not match the phases of site " + site.id);
    }

    std::int64_t initial = 0;
    for (const InitialChips& chips : site.initial) initial += chips.count;
    out.slots.row(s).setConstant(initial);
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      const double ready = snap_time(resolved.phase_ready_time[p]);
      if (ready >= horizon) continue;
      const std::int64_t from = day_column(ready, last_day);
      out.slots.row(s) += (day_index >= from).cast<std::int64_t>() * site.phases[p].gpus;
    }

    if (!site.power) {
      out.unlimited[static_cast<std::size_t>(s)] = true;
      out.supply_mw.row(s).setConstant(std::numeric_limits<double>::infinity());
      out.power_slots.row(s).setConstant(-1);
      continue;
    }
    if (resolved.power.size() != site.power->size()) {
      throw InternalError("resolved inputs do not match the power sources of site " + site.id);
    }
    for (const std::vector<ResolvedPowerStep>& steps : resolved.power) {
      // Steps in time order; a stable sort keeps the list order for steps at one time (the later wins).
      std::vector<std::size_t> order(steps.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return snap_time(steps[a].time) < snap_time(steps[b].time);
      });
      Eigen::Array<double, 1, Eigen::Dynamic> source = Eigen::Array<double, 1, Eigen::Dynamic>::Zero(days);
      for (const std::size_t i : order) {
        const double time = snap_time(steps[i].time);
        if (time >= horizon) break;
        const std::int64_t from = day_column(time, last_day);
        source = (day_index >= from).select(steps[i].mw, source);
      }
      out.supply_mw.row(s) += source;
    }
    const double per_chip_facility_kw = site.pue * per_chip_kw;
    out.power_slots.row(s) =
        (out.supply_mw.row(s) * 1000.0 / per_chip_facility_kw + kCountTolerance).floor().cast<std::int64_t>();
  }
  return out;
}

}  // namespace poweron
