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

/// Something that starts counting for a site from a column on: a phase's gpus, or a power source's mw.
struct SiteStep {
  std::size_t column = 0;
  std::size_t source = 0;  ///< power steps: index of the source
  double mw = 0;
  std::int64_t gpus = 0;
};

/// The first selected column at or after the day of `time` (snapped, before E + 1); `days.size()` when
/// it falls after the last selected day.
std::size_t first_column(double time, std::int64_t last_day, const std::vector<std::int64_t>& days) {
  const std::int64_t from = day_column(time, last_day);
  return static_cast<std::size_t>(std::lower_bound(days.begin(), days.end(), from) - days.begin());
}

/// Appends the steps of site `s` (see capacity_steps) to `out`.
void append_site_steps(const Scenario& scenario, const ResolvedInputs& inputs, std::size_t s,
                       const std::vector<std::int64_t>& days, double per_chip_kw, CapacitySteps& out) {
  const Site& site = scenario.sites[s];
  const ResolvedSite& resolved = inputs.sites[s];
  const std::int64_t last_day = scenario.last_day();
  const double horizon = static_cast<double>(last_day + 1);
  const std::size_t columns = days.size();
  if (resolved.phase_ready_time.size() != site.phases.size()) {
    throw InternalError("resolved inputs do not match the phases of site " + site.id);
  }

  std::int64_t initial = 0;
  for (const InitialChips& chips : site.initial) initial += chips.count;
  std::vector<SiteStep> phases;
  for (std::size_t p = 0; p < site.phases.size(); ++p) {
    const double ready = snap_time(resolved.phase_ready_time[p]);
    if (ready >= horizon) continue;
    phases.push_back({first_column(ready, last_day, days), 0, 0, site.phases[p].gpus});
  }

  const bool unlimited = !site.power;
  out.unlimited[s] = unlimited;
  // Power steps of each source in time order; a stable sort keeps the list order for steps at one time
  // (the later wins).
  std::vector<SiteStep> power;
  std::size_t source_count = 0;
  if (!unlimited) {
    if (resolved.power.size() != site.power->size()) {
      throw InternalError("resolved inputs do not match the power sources of site " + site.id);
    }
    source_count = resolved.power.size();
    for (std::size_t k = 0; k < source_count; ++k) {
      const std::vector<ResolvedPowerStep>& steps = resolved.power[k];
      std::vector<std::size_t> order(steps.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return snap_time(steps[a].time) < snap_time(steps[b].time);
      });
      for (const std::size_t i : order) {
        const double time = snap_time(steps[i].time);
        if (time >= horizon) break;
        power.push_back({first_column(time, last_day, days), k, steps[i].mw, 0});
      }
    }
  }

  // The columns where something starts, and column 0.
  std::vector<std::size_t> starts = {0};
  for (const SiteStep& p : phases) starts.push_back(p.column);
  for (const SiteStep& p : power) starts.push_back(p.column);
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

  const double per_chip_facility_kw = site.pue * per_chip_kw;
  std::vector<double> source_mw(source_count);
  for (const std::size_t column : starts) {
    if (column >= columns) break;
    CapacityStep step;
    step.column = column;
    step.site = s;
    step.slots = initial;
    for (const SiteStep& p : phases) {
      if (p.column <= column) step.slots += p.gpus;
    }
    if (unlimited) {
      step.supply_mw = std::numeric_limits<double>::infinity();
      step.power_slots = -1;
    } else {
      // Each source at its latest step started by this column (0 before its first), summed in source order.
      std::fill(source_mw.begin(), source_mw.end(), 0.0);
      for (const SiteStep& p : power) {
        if (p.column <= column) source_mw[p.source] = p.mw;
      }
      double supply_mw = 0;
      for (const double mw : source_mw) supply_mw += mw;
      step.supply_mw = supply_mw;
      step.power_slots =
          static_cast<std::int64_t>(std::floor(supply_mw * 1000.0 / per_chip_facility_kw + kCountTolerance));
    }
    out.steps.push_back(step);
  }
}

}  // namespace

double smallest_power_kw(const Scenario& scenario) {
  double smallest = std::numeric_limits<double>::infinity();
  for (const Sku& sku : scenario.skus) smallest = std::min(smallest, sku.power_kw);
  return smallest;
}

std::int64_t chips_within_supply(double supply_mw, double pue, double power_kw) {
  return static_cast<std::int64_t>(std::floor(supply_mw * 1000.0 / (pue * power_kw) + kCountTolerance));
}

CapacitySteps capacity_steps(const Scenario& scenario, const ResolvedInputs& inputs,
                             const std::vector<std::int64_t>& days) {
  if (inputs.sites.size() != scenario.sites.size()) {
    throw InternalError("resolved inputs do not match the scenario's sites");
  }
  CapacitySteps out;
  out.unlimited.assign(scenario.sites.size(), false);
  const double per_chip_kw = smallest_power_kw(scenario);
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    append_site_steps(scenario, inputs, s, days, per_chip_kw, out);
  }
  // Each site's steps are in column order already: a stable sort by column keeps sites in order.
  std::stable_sort(out.steps.begin(), out.steps.end(),
                   [](const CapacityStep& a, const CapacityStep& b) { return a.column < b.column; });
  return out;
}

SiteCapacity compute_capacity(const Scenario& scenario, const ResolvedInputs& inputs) {
  std::vector<std::int64_t> all_days(static_cast<std::size_t>(std::max<std::int64_t>(scenario.last_day() + 1, 0)));
  std::iota(all_days.begin(), all_days.end(), std::int64_t{0});
  return compute_capacity_at(scenario, inputs, all_days);
}

SiteCapacity compute_capacity_at(const Scenario& scenario, const ResolvedInputs& inputs,
                                 const std::vector<std::int64_t>& selected_days) {
  const CapacitySteps steps = capacity_steps(scenario, inputs, selected_days);
  const auto days = static_cast<Eigen::Index>(selected_days.size());
  const auto sites = static_cast<Eigen::Index>(scenario.sites.size());
  SiteCapacity out;
  out.slots.resize(sites, days);
  out.power_slots.resize(sites, days);
  out.supply_mw.resize(sites, days);
  out.unlimited = steps.unlimited;
  // Column by column: the previous column, then the steps that start here.
  std::size_t next = 0;
  for (Eigen::Index j = 0; j < days; ++j) {
    if (j > 0) {
      out.slots.col(j) = out.slots.col(j - 1);
      out.power_slots.col(j) = out.power_slots.col(j - 1);
      out.supply_mw.col(j) = out.supply_mw.col(j - 1);
    }
    for (; next < steps.steps.size() && steps.steps[next].column == static_cast<std::size_t>(j); ++next) {
      const CapacityStep& step = steps.steps[next];
      const auto s = static_cast<Eigen::Index>(step.site);
      out.slots(s, j) = step.slots;
      out.power_slots(s, j) = step.power_slots;
      out.supply_mw(s, j) = step.supply_mw;
    }
  }
  return out;
}

}  // namespace poweron
