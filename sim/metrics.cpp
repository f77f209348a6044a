#include "poweron/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "poweron/date.hpp"
#include "poweron/result.hpp"
#include "poweron/timeline.hpp"

namespace poweron {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The index ranges a change may use, counted once per pass rather than per change.
struct IndexLimits {
  std::int64_t owners;
  std::int64_t skus;
  std::int64_t sites;
  explicit IndexLimits(const Scenario& scenario)
      : owners(static_cast<std::int64_t>(scenario.owners.size())),
        skus(static_cast<std::int64_t>(scenario.skus.size())),
        sites(static_cast<std::int64_t>(scenario.sites.size())) {}
};

[[gnu::noinline, gnu::cold]] void throw_bad_indices(const StateChange& c) {
  throw InternalError("state change with an invalid index: owner " + std::to_string(c.owner) + ", site " +
                      std::to_string(c.site) + ", sku " + std::to_string(c.sku) + ", state " +
                      std::string(to_string(c.state)));
}

void check_indices(const IndexLimits& limits, const StateChange& c) {
  const bool owner_ok = c.owner >= 0 && c.owner < limits.owners;
  const bool sku_ok = c.sku >= 0 && c.sku < limits.skus;
  const bool site_ok = is_site_state(c.state) ? c.site >= 0 && c.site < limits.sites : c.site == -1;
  if (!owner_ok || !sku_ok || !site_ok) [[unlikely]] throw_bad_indices(c);
}

std::int32_t sku_index(const Scenario& scenario, const std::string& id) {
  for (std::size_t i = 0; i < scenario.skus.size(); ++i) {
    if (scenario.skus[i].id == id) return static_cast<std::int32_t>(i);
  }
  throw InternalError("target names an unknown sku: " + id);
}

}  // namespace

std::vector<std::string> metric_names(const Scenario& scenario, std::size_t owner) {
  std::vector<std::string> names(kBaseMetricNames.begin(), kBaseMetricNames.end());
  if (owner < scenario.owners.size()) {
    for (const Target& target : scenario.owners[owner].targets) {
      names.push_back("target." + target.id + ".date");
      names.push_back("target." + target.id + ".shortfall");
    }
  }
  return names;
}

bool is_date_metric(std::string_view name) {
  constexpr std::string_view kPrefix = "target.";
  constexpr std::string_view kSuffix = ".date";
  return name.size() > kPrefix.size() + kSuffix.size() && name.substr(0, kPrefix.size()) == kPrefix &&
         name.substr(name.size() - kSuffix.size()) == kSuffix;
}

std::vector<std::int64_t> daily_powered(const Scenario& scenario, const std::vector<StateChange>& changes,
                                        std::int32_t owner, std::int32_t sku) {
  const std::int64_t last_day = scenario.last_day();
  const double horizon = static_cast<double>(last_day + 1);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(last_day + 1), 0);
  for (const StateChange& c : changes) {
    if (c.state != ChipState::kPowered || c.owner != owner || (sku >= 0 && c.sku != sku)) continue;
    const double t = snap_time(c.time);
    if (t >= horizon) continue;
    counts[static_cast<std::size_t>(day_column(t, last_day))] += c.delta;
  }
  std::partial_sum(counts.begin(), counts.end(), counts.begin());
  return counts;
}

RunMetrics compute_metrics(const Scenario& scenario, const std::vector<StateChange>& changes) {
  const std::size_t owners = scenario.owners.size();
  const std::size_t skus = scenario.skus.size();
  const std::int64_t last_day = scenario.last_day();
  const double horizon = static_cast<double>(last_day + 1);

  // GPU-day integrals first (exact when changes fall on whole days), priced and summed only at the end,
  // so that e.g. 1370 GPU-days x 1000 TFLOPS / 1e6 gives 1.37 and not 1.3699999999999999.
  std::vector<std::array<double, kBaseMetricCount>> base(owners + 1);
  for (auto& row : base) row.fill(0.0);
  std::vector<double> powered_days(owners * skus, 0.0);      // [owner][sku]
  std::vector<double> powered_pue_days(owners * skus, 0.0);  // [owner][sku], weighted by the site's pue
  std::vector<double> idle_days(owners * skus, 0.0);         // [owner][sku]
  std::vector<std::int64_t> final_powered(owners, 0);

  // Targets: every target's daily powered increments (as daily_powered), gathered in the pass below into
  // one buffer of day columns, target after target; then one running sum per target.
  std::size_t target_count = 0;
  std::vector<std::size_t> first_target(owners + 1, 0);  // targets of owner o: [first_target[o], [o + 1])
  for (std::size_t o = 0; o < owners; ++o) {
    first_target[o] = target_count;
    target_count += scenario.owners[o].targets.size();
  }
  first_target[owners] = target_count;
  const auto columns = static_cast<std::size_t>(last_day + 1);
  std::vector<std::int32_t> target_sku(target_count);
  for (std::size_t o = 0; o < owners; ++o) {
    const std::vector<Target>& targets = scenario.owners[o].targets;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      target_sku[first_target[o] + i] = targets[i].sku ? sku_index(scenario, *targets[i].sku) : -1;
    }
  }
  std::vector<std::int64_t> increments(target_count * columns, 0);

  // Consecutive changes mostly share their time: snap it (and find its day column) once per time.
  double last_time = std::numeric_limits<double>::quiet_NaN();  // equal to no time
  double t = 0;
  double days_left = 0;
  std::size_t column = 0;
  const IndexLimits limits(scenario);
  for (const StateChange& c : changes) {
    check_indices(limits, c);
    if (!(c.time == last_time)) {
      last_time = c.time;
      t = snap_time(c.time);
      days_left = horizon - std::max(t, 0.0);
      column = t >= horizon ? 0 : static_cast<std::size_t>(day_column(t, last_day));
    }
    if (t >= horizon) continue;
    const double gpu_days = static_cast<double>(c.delta) * days_left;
    const auto owner = static_cast<std::size_t>(c.owner);
    const auto sku = static_cast<std::size_t>(c.sku);
    auto& m = base[owner];
    switch (c.state) {
      case ChipState::kPowered:
        m[kPoweredGpuDays] += gpu_days;
        powered_days[owner * skus + sku] += gpu_days;
        powered_pue_days[owner * skus + sku] += gpu_days * scenario.sites[static_cast<std::size_t>(c.site)].pue;
        final_powered[owner] += c.delta;
        if (first_target[owner] != first_target[owner + 1]) {
          for (std::size_t i = first_target[owner]; i < first_target[owner + 1]; ++i) {
            if (target_sku[i] < 0 || target_sku[i] == c.sku) increments[i * columns + column] += c.delta;
          }
        }
        break;
      case ChipState::kWarehouse:
        m[kWarehouseGpuDays] += gpu_days;
        idle_days[owner * skus + sku] += gpu_days;
        break;
      case ChipState::kQueued:
        m[kQueuedGpuDays] += gpu_days;
        idle_days[owner * skus + sku] += gpu_days;
        break;
      case ChipState::kInstalled:
        m[kUnpoweredGpuDays] += gpu_days;
        idle_days[owner * skus + sku] += gpu_days;
        break;
      default: break;
    }
  }

  // Numerators of the priced metrics (before / 365, / 1e6, / 1000), per owner and for all.
  std::vector<double> capital(owners + 1, 0.0), compute(owners + 1, 0.0), energy(owners + 1, 0.0);
  for (std::size_t o = 0; o < owners; ++o) {
    for (std::size_t k = 0; k < skus; ++k) {
      const Sku& sku = scenario.skus[k];
      capital[o] += idle_days[o * skus + k] * sku.price * scenario.owners[o].cost_of_capital;
      compute[o] += powered_days[o * skus + k] * sku.tflops;
      energy[o] += powered_pue_days[o * skus + k] * sku.power_kw * 24.0;
    }
    capital[owners] += capital[o];
    compute[owners] += compute[o];
    energy[owners] += energy[o];
  }

  RunMetrics result;
  result.values.resize(owners + 1);
  for (std::size_t o = 0; o <= owners; ++o) {
    auto& m = base[o];
    if (o < owners) {
      m[kFinalPowered] = static_cast<double>(final_powered[o]);
      for (const std::size_t k : {kPoweredGpuDays, kWarehouseGpuDays, kQueuedGpuDays, kUnpoweredGpuDays,
                                  kFinalPowered}) {
        base[owners][k] += m[k];
      }
    }
    m[kIdleGpuDays] = m[kWarehouseGpuDays] + m[kQueuedGpuDays] + m[kUnpoweredGpuDays];
    m[kIdleCapitalCost] = capital[o] / 365.0;
    m[kComputeEflopDays] = compute[o] / 1e6;
    m[kEnergyMwh] = energy[o] / 1000.0;
    result.values[o].assign(m.begin(), m.end());
  }

  for (std::size_t o = 0; o < owners; ++o) {
    std::vector<double>& values = result.values[o];
    const std::vector<Target>& targets = scenario.owners[o].targets;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const Target& target = targets[i];
      const std::int64_t* day = increments.data() + (first_target[o] + i) * columns;
      const auto judged_day = static_cast<std::size_t>(
          std::clamp(static_cast<std::int64_t>(target.date) - scenario.start, std::int64_t{0}, last_day));
      // First day whose powered count reaches target.powered, and the count on judged_day.
      std::int64_t running = 0;
      std::int64_t judged = 0;
      std::size_t reached = columns;
      for (std::size_t d = 0; d < columns; ++d) {
        running += day[d];
        if (d == judged_day) judged = running;
        if (reached == columns && running >= target.powered) reached = d;
        if (reached != columns && d >= judged_day) break;
      }
      values.push_back(reached == columns ? kNaN
                                          : static_cast<double>(scenario.start) + static_cast<double>(reached));
      values.push_back(static_cast<double>(std::max<std::int64_t>(target.powered - judged, 0)));
    }
  }
  return result;
}

std::string format_date_value(double date) {
  if (!std::isfinite(date)) return "";
  return format_date(static_cast<Date>(std::floor(date + 0.5)));
}

}  // namespace poweron
