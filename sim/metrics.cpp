#include "poweron/metrics.hpp"

#include <cmath>

#include "poweron/date.hpp"
#include "poweron/result.hpp"
#include "poweron/run_accumulator.hpp"

namespace poweron {
namespace {

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
  throw InternalError("state change with an invalid index (or a site of another owner): owner " +
                      std::to_string(c.owner) + ", site " + std::to_string(c.site) + ", sku " +
                      std::to_string(c.sku) + ", state " + std::string(to_string(c.state)));
}

void check_indices(const IndexLimits& limits, const StateChange& c) {
  const bool owner_ok = c.owner >= 0 && c.owner < limits.owners;
  const bool sku_ok = c.sku >= 0 && c.sku < limits.skus;
  const bool site_ok = is_site_state(c.state) ? c.site >= 0 && c.site < limits.sites : c.site == -1;
  if (!owner_ok || !sku_ok || !site_ok) [[unlikely]] throw_bad_indices(c);
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

RunMetrics compute_metrics(const Scenario& scenario, const std::vector<StateChange>& changes) {
  RunAccumulator accumulator(scenario);
  const IndexLimits limits(scenario);
  const std::vector<std::int32_t>& site_owner = accumulator.site_owners();
  for (const StateChange& c : changes) {
    check_indices(limits, c);
    if (c.site >= 0 && site_owner[static_cast<std::size_t>(c.site)] != c.owner) [[unlikely]] throw_bad_indices(c);
    accumulator.add(snap_time(c.time), c.owner, c.site, c.sku, c.state, c.delta);
  }
  return accumulator.metrics();
}

std::string format_date_value(double date) {
  if (!std::isfinite(date)) return "";
  return format_date(static_cast<Date>(std::floor(date + 0.5)));
}

}  // namespace poweron
