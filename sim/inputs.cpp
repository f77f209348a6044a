// Resolving a scenario's uncertain inputs into one concrete set of numbers (inputs.hpp).
//
// Draw order (fixed; sensitivity output and tests rely on it):
//   1. sites, in scenario order; per site: each phase (its `ready.lag_days` when tied to a task, else its
//      `ready` date), each power source and step (date, then mw), then install rate (if set), burn_in_days,
//      rma_days;
//   2. construction tasks: start (if set), then days;
//   3. orders: ship, slip_days, then transit_days per lot (address `orders.O.lots.K.transit_days`);
//   4. redirections: date;
//   5. risks: occurrence (`risks.R.occurs`), then every delay's days, drawn whether or not the risk
//      occurs, so that no draw depends on another's outcome (common random numbers, SPEC 7).
// Every distribution field is asked of the sampler, constants included (the sampler returns them as is).
// With record_draws, the values of non-constant distributions are recorded as drawn (dates as days since
// 1970, not simulation days), and so is the occurrence (1 or 0) of each risk with 0 < probability < 1.
#include "poweron/inputs.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "poweron/construction_graph.hpp"
#include "poweron/result.hpp"

namespace poweron {

std::int64_t InputSampler::binomial_by_hash(std::int64_t /*n*/, double /*p*/, std::uint64_t /*address_hash*/) {
  throw std::logic_error("InputSampler::binomial_by_hash called on a sampler not keyed by address hash");
}

double PointSampler::draw(const Distribution& distribution, std::string_view /*address*/) {
  return point_value(distribution);
}

bool PointSampler::occurs(double probability, std::string_view /*address*/) { return probability >= 0.5; }

std::int64_t PointSampler::binomial(std::int64_t /*n*/, double /*p*/, std::string_view address) {
  throw InternalError("PointSampler::binomial called in a point run (" + std::string(address) + ")");
}

namespace {

// Index of each id in a collection, for resolving references once.
template <typename T>
std::map<std::string_view, std::size_t> index_by_id(const std::vector<T>& items) {
  std::map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < items.size(); ++i) index.emplace(items[i].id, i);
  return index;
}

std::size_t lookup(const std::map<std::string_view, std::size_t>& index, const std::string& id,
                   std::string_view what) {
  const auto found = index.find(id);
  if (found == index.end()) throw InternalError("resolve_inputs: unknown " + std::string(what) + " '" + id + "'");
  return found->second;
}

// Asks the sampler for each value and records the draws of non-constant distributions.
class Drawer {
 public:
  Drawer(InputSampler& sampler, bool record, std::vector<std::pair<std::string, double>>& draws)
      : sampler_(sampler), record_(record), draws_(draws) {}

  double value(const Distribution& distribution) { return value(distribution, distribution.address); }

  double value(const Distribution& distribution, std::string_view address) {
    const double v = sampler_.draw(distribution, address);
    if (record_ && !distribution.is_constant()) draws_.emplace_back(std::string(address), v);
    return v;
  }

  /// A date-valued input as simulation days.
  double time(const Distribution& distribution, Date start) { return value(distribution) - start; }

  bool occurs(double probability, std::string_view address) {
    const bool happens = sampler_.occurs(probability, address);
    if (record_ && probability > 0 && probability < 1) draws_.emplace_back(std::string(address), happens ? 1.0 : 0.0);
    return happens;
  }

 private:
  InputSampler& sampler_;
  bool record_;
  std::vector<std::pair<std::string, double>>& draws_;
};

}  // namespace

ResolvedInputs resolve_inputs(const Scenario& scenario, InputSampler& sampler, bool record_draws) {
  ResolvedInputs resolved;
  Drawer drawer(sampler, record_draws, resolved.draws);
  const Date start = scenario.start;
  const auto task_index = index_by_id(scenario.construction);
  const auto order_index = index_by_id(scenario.orders);

  // 1. Sites. Phases tied to a task get their lag now and their ready time once the DAG is scheduled.
  std::vector<std::vector<double>> phase_lag(scenario.sites.size());
  resolved.sites.resize(scenario.sites.size());
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    const Site& site = scenario.sites[s];
    ResolvedSite& out = resolved.sites[s];
    out.phase_ready_time.resize(site.phases.size());
    phase_lag[s].resize(site.phases.size());
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      const PhaseReady& ready = site.phases[p].ready;
      if (ready.after) {
        phase_lag[s][p] = drawer.value(ready.lag_days);
      } else {
        out.phase_ready_time[p] = drawer.time(ready.date, start);
      }
    }
    if (site.power) {
      for (const PowerSource& source : *site.power) {
        auto& steps = out.power.emplace_back();
        for (const PowerStep& step : source.steps) {
          const double time = drawer.time(step.date, start);
          steps.push_back({time, drawer.value(step.mw)});
        }
      }
    }
    out.install_rate = site.install.rate ? drawer.value(*site.install.rate) : kUnlimited;
    out.burn_in_days = drawer.value(site.install.burn_in_days);
    out.rma_days = drawer.value(site.install.rma_days);
  }

  // 2. Construction tasks.
  const std::size_t task_count = scenario.construction.size();
  std::vector<std::optional<double>> earliest_start(task_count);
  std::vector<double> duration(task_count);
  for (std::size_t t = 0; t < task_count; ++t) {
    const Task& task = scenario.construction[t];
    if (task.start) earliest_start[t] = drawer.time(*task.start, start);
    duration[t] = drawer.value(task.days);
  }

  // 3. Orders. The per-lot address reuses one buffer: a prefix, then the lot index and suffix.
  resolved.orders.resize(scenario.orders.size());
  std::string address;
  for (std::size_t o = 0; o < scenario.orders.size(); ++o) {
    const Order& order = scenario.orders[o];
    ResolvedOrder& out = resolved.orders[o];
    if (order.lots < 1) throw InternalError("resolve_inputs: order '" + order.id + "' has no lots");
    out.ship_time = drawer.time(order.ship, start);
    out.slip_days = drawer.value(order.slip_days);
    out.transit_days.resize(static_cast<std::size_t>(order.lots));
    address = "orders." + order.id + ".lots.";
    const std::size_t prefix = address.size();
    for (std::int64_t k = 0; k < order.lots; ++k) {
      address.resize(prefix);
      address += std::to_string(k);
      address += ".transit_days";
      out.transit_days[static_cast<std::size_t>(k)] = drawer.value(order.transit_days, address);
    }
  }

  // 4. Redirections.
  resolved.redirection_time.reserve(scenario.redirections.size());
  for (const Redirection& redirection : scenario.redirections) {
    resolved.redirection_time.push_back(drawer.time(redirection.date, start));
  }

  // 5. Risks: every delay is drawn; only those of risks that occur are applied.
  resolved.risk_occurs.reserve(scenario.risks.size());
  for (const Risk& risk : scenario.risks) {
    const bool happens = drawer.occurs(risk.probability, "risks." + risk.id + ".occurs");
    resolved.risk_occurs.push_back(happens);
    for (const RiskDelay& delay : risk.delays) {
      const double days = drawer.value(delay.days);
      if (!happens) continue;
      if (delay.kind == RiskDelay::Kind::kTask) {
        duration[lookup(task_index, delay.target, "task")] += days;
      } else {
        resolved.orders[lookup(order_index, delay.target, "order")].slip_days += days;
      }
    }
  }

  // Construction schedule, then the phases that wait on tasks.
  const ConstructionGraph graph(scenario.construction);
  const ConstructionGraph::Schedule schedule = graph.schedule(earliest_start, duration);
  resolved.tasks.resize(task_count);
  for (std::size_t t = 0; t < task_count; ++t) {
    resolved.tasks[t] = {schedule.start[t], schedule.finish[t], duration[t]};
  }
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    const Site& site = scenario.sites[s];
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      const PhaseReady& ready = site.phases[p].ready;
      if (ready.after) {
        resolved.sites[s].phase_ready_time[p] =
            schedule.finish[lookup(task_index, *ready.after, "task")] + phase_lag[s][p];
      }
    }
  }
  return resolved;
}

}  // namespace poweron
