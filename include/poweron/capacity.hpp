// Site capacity per day (SPEC 5 `slots` and `power_slots` rows), from the resolved inputs.
//
// Column d is the capacity at the end of day d, i.e. after everything with snapped time < d + 1:
// - slots: initial chips + gpus of the phases whose ready time is < d + 1 (ready before start counts from
//   day 0; ready at or after E + 1 never);
// - supply_mw: the sum over the site's power sources of the mw of each source's latest step with time
//   < d + 1 (of two steps at one time, the later in the list; 0 before the first step);
// - power_slots: floor(supply_mw * 1000 / (pue * smallest power_kw of the scenario's SKUs)) with a 1e-9
//   tolerance; -1 for a site with unlimited supply (no `power` key).
// A site's capacity changes only where a phase becomes ready or a power step starts: capacity_steps gives
// those changes (memory grows with phases and steps, not with days); compute_capacity_at expands them
// into site x day arrays. Thread-safe: pure functions.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "poweron/inputs.hpp"
#include "poweron/scenario.hpp"
#include "poweron/timeline.hpp"

namespace poweron {

struct SiteCapacity {
  DayCounts slots;             ///< rows = sites (scenario order), columns = days 0..E
  DayCounts power_slots;       ///< rows = sites; -1 in every column of an unlimited site
  Eigen::ArrayXXd supply_mw;   ///< rows = sites; +inf for an unlimited site
  std::vector<bool> unlimited;  ///< per site: no `power` key
};

/// One site's capacity from column `column` on (the end of day days[column]), until its next step.
struct CapacityStep {
  std::size_t column = 0;
  std::size_t site = 0;         ///< index into Scenario::sites
  std::int64_t slots = 0;
  std::int64_t power_slots = 0;  ///< -1 for an unlimited site
  double supply_mw = 0;          ///< +inf for an unlimited site
};

/// Capacity at selected days as steps.
struct CapacitySteps {
  /// Ordered by column, then site. Every site has a step at column 0; a site's capacity at column j is
  /// that of its last step at or before j.
  std::vector<CapacityStep> steps;
  std::vector<bool> unlimited;  ///< per site: no `power` key
};

/// The capacity of every site at the selected days (column j is the end of day days[j]) as steps; the
/// values equal compute_capacity_at's. REQUIRES: as compute_capacity_at.
CapacitySteps capacity_steps(const Scenario& scenario, const ResolvedInputs& inputs,
                             const std::vector<std::int64_t>& days);

/// Capacity of every site at the end of each day 0..E.
/// REQUIRES: inputs resolved from `scenario` (one ResolvedSite per site, one power list per source).
SiteCapacity compute_capacity(const Scenario& scenario, const ResolvedInputs& inputs);

/// The same at selected days only: column j is the end of day days[j] (memory grows with the rows
/// written, not with the span). REQUIRES: as above, and each day in [0, E].
SiteCapacity compute_capacity_at(const Scenario& scenario, const ResolvedInputs& inputs,
                                 const std::vector<std::int64_t>& days);

/// Smallest power_kw over the scenario's SKUs (+inf when there are none).
double smallest_power_kw(const Scenario& scenario);

/// Chips of `power_kw` IT draw each that `supply_mw` feeds at `pue`: floor(supply_mw * 1000 /
/// (pue * power_kw) + 1e-9).
std::int64_t chips_within_supply(double supply_mw, double pue, double power_kw);

}  // namespace poweron
