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

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "poweron/construction_graph.hpp"
#include "poweron/random.hpp"
#include "poweron/result.hpp"
#include "id_index.hpp"

namespace poweron {

std::int64_t InputSampler::binomial_by_hash(std::int64_t /*n*/, double /*p*/, std::uint64_t /*address_hash*/) {
  throw std::logic_error("InputSampler::binomial_by_hash called on a sampler not keyed by address hash");
}

std::int64_t InputSampler::binomial_sum_by_hash(std::int64_t n, double p, std::span<const std::uint64_t> address_hashes) {
  std::int64_t sum = 0;
  for (const std::uint64_t hash : address_hashes) sum += binomial_by_hash(n, p, hash);
  return sum;
}

double PointSampler::draw(const Distribution& distribution, std::string_view /*address*/) {
  return point_value(distribution);
}

bool PointSampler::occurs(double probability, std::string_view /*address*/) { return probability >= 0.5; }

std::int64_t PointSampler::binomial(std::int64_t /*n*/, double /*p*/, std::string_view address) {
  throw InternalError("PointSampler::binomial called in a point run (" + std::string(address) + ")");
}

namespace {

// Point values, recording the hash of every draw's address (InputPlan's address_hashes).
class HashRecorder final : public InputSampler {
 public:
  explicit HashRecorder(std::vector<std::uint64_t>& hashes) : hashes_(hashes) {}
  double draw(const Distribution& distribution, std::string_view address) override {
    hashes_.push_back(fnv1a64(address));
    return point_value(distribution);
  }
  bool occurs(double probability, std::string_view /*address*/) override { return probability >= 0.5; }
  bool sampled() const override { return false; }
  std::int64_t binomial(std::int64_t /*n*/, double /*p*/, std::string_view address) override {
    throw InternalError("InputPlan: binomial called while resolving inputs (" + std::string(address) + ")");
  }

 private:
  std::vector<std::uint64_t>& hashes_;
};

// What a walk records of its draws: (address, value) pairs in the result's `draws`, and/or the values only.
struct DrawRecord {
  bool pairs = false;
  std::vector<double>* values = nullptr;
};

// Asks the sampler for each value and records the draws of non-constant distributions. With `hashes`,
// the i-th draw passes hashes[i] (the plan's precomputed fnv1a64 of its address).
class Drawer {
 public:
  Drawer(InputSampler& sampler, std::vector<std::pair<std::string, double>>* draws, std::vector<double>* values,
         const std::vector<std::uint64_t>* hashes)
      : sampler_(sampler), draws_(draws), values_(values), hashes_(hashes) {}

  double value(const Distribution& distribution) { return value(distribution, distribution.address); }

  double value(const Distribution& distribution, std::string_view address) {
    double v = 0;
    if (hashes_ != nullptr) {
      if (next_ >= hashes_->size()) throw InternalError("resolve_inputs: more draws than the plan holds");
      v = sampler_.draw_by_hash(distribution, (*hashes_)[next_++], address);
    } else {
      v = sampler_.draw(distribution, address);
    }
    if (!distribution.is_constant()) record(address, v);
    return v;
  }

  /// A date-valued input as simulation days.
  double time(const Distribution& distribution, Date start) { return value(distribution) - start; }

  bool occurs(double probability, std::string_view address) {
    const bool happens = sampler_.occurs(probability, address);
    if (probability > 0 && probability < 1) record(address, happens ? 1.0 : 0.0);
    return happens;
  }

  /// Number of draws made so far.
  std::size_t count() const { return next_; }

 private:
  void record(std::string_view address, double value) {
    if (draws_ != nullptr) draws_->emplace_back(std::string(address), value);
    if (values_ != nullptr) values_->push_back(value);
  }

  InputSampler& sampler_;
  std::vector<std::pair<std::string, double>>* draws_;  ///< null: not recorded
  std::vector<double>* values_;                         ///< null: not recorded
  const std::vector<std::uint64_t>* hashes_;
  std::size_t next_ = 0;
};

// The walk of resolve_inputs (file comment) into `resolved`, every field of which it sets, reusing the
// storage of its vectors; `hashes` as for Drawer.
void resolve_planned(const InputPlan& plan, InputSampler& sampler, DrawRecord record,
                     const std::vector<std::uint64_t>* hashes, ResolvedInputs& resolved) {
  const Scenario& scenario = plan.scenario();
  resolved.draws.clear();
  Drawer drawer(sampler, record.pairs ? &resolved.draws : nullptr, record.values, hashes);
  const Date start = scenario.start;

  // 1. Sites. Phases tied to a task get their lag now and their ready time once the DAG is scheduled.
  std::vector<std::vector<double>> phase_lag(scenario.sites.size());
  resolved.sites.resize(scenario.sites.size());
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    const Site& site = scenario.sites[s];
    ResolvedSite& out = resolved.sites[s];
    out.phase_ready_time.assign(site.phases.size(), 0.0);
    phase_lag[s].resize(site.phases.size());
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      const PhaseReady& ready = site.phases[p].ready;
      if (ready.after) {
        phase_lag[s][p] = drawer.value(ready.lag_days);
      } else {
        out.phase_ready_time[p] = drawer.time(ready.date, start);
      }
    }
    out.power.resize(site.power ? site.power->size() : 0);
    if (site.power) {
      for (std::size_t k = 0; k < site.power->size(); ++k) {
        const PowerSource& source = (*site.power)[k];
        std::vector<ResolvedPowerStep>& steps = out.power[k];
        steps.clear();
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

  // 3. Orders, each lot under its own address (precomputed in the plan).
  resolved.orders.resize(scenario.orders.size());
  for (std::size_t o = 0; o < scenario.orders.size(); ++o) {
    const Order& order = scenario.orders[o];
    ResolvedOrder& out = resolved.orders[o];
    out.ship_time = drawer.time(order.ship, start);
    out.slip_days = drawer.value(order.slip_days);
    const std::vector<std::string>& lots = plan.lot_addresses()[o];
    out.transit_days.resize(lots.size());
    for (std::size_t k = 0; k < lots.size(); ++k) out.transit_days[k] = drawer.value(order.transit_days, lots[k]);
  }

  // 4. Redirections.
  resolved.redirection_time.clear();
  for (const Redirection& redirection : scenario.redirections) {
    resolved.redirection_time.push_back(drawer.time(redirection.date, start));
  }

  // 5. Risks: every delay is drawn; only those of risks that occur are applied.
  resolved.risk_occurs.clear();
  for (std::size_t r = 0; r < scenario.risks.size(); ++r) {
    const Risk& risk = scenario.risks[r];
    const bool happens = drawer.occurs(risk.probability, plan.occurs_addresses()[r]);
    resolved.risk_occurs.push_back(happens);
    for (std::size_t d = 0; d < risk.delays.size(); ++d) {
      const RiskDelay& delay = risk.delays[d];
      const double days = drawer.value(delay.days);
      if (!happens) continue;
      const std::size_t target = plan.delay_target()[r][d];
      if (delay.kind == RiskDelay::Kind::kTask) {
        duration[target] += days;
      } else {
        resolved.orders[target].slip_days += days;
      }
    }
  }
  if (hashes != nullptr && drawer.count() != hashes->size()) {
    throw InternalError("resolve_inputs: fewer draws than the plan holds");
  }

  // Construction schedule, then the phases that wait on tasks.
  const ConstructionGraph::Schedule schedule = plan.graph().schedule(earliest_start, duration);
  resolved.tasks.resize(task_count);
  for (std::size_t t = 0; t < task_count; ++t) {
    resolved.tasks[t] = {schedule.start[t], schedule.finish[t], duration[t]};
  }
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    const std::vector<std::size_t>& tasks = plan.phase_task()[s];
    for (std::size_t p = 0; p < tasks.size(); ++p) {
      if (tasks[p] != InputPlan::kNoTask) {
        resolved.sites[s].phase_ready_time[p] = schedule.finish[tasks[p]] + phase_lag[s][p];
      }
    }
  }
}

ResolvedInputs resolve_planned(const InputPlan& plan, InputSampler& sampler, DrawRecord record,
                               const std::vector<std::uint64_t>* hashes) {
  ResolvedInputs resolved;
  resolve_planned(plan, sampler, record, hashes, resolved);
  return resolved;
}

}  // namespace

InputPlan::InputPlan(const Scenario& scenario) : scenario_(&scenario), graph_(scenario.construction) {
  const IdIndex task_index(scenario.construction);
  const IdIndex order_index(scenario.orders);
  phase_task_.resize(scenario.sites.size());
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    for (const Phase& phase : scenario.sites[s].phases) {
      phase_task_[s].push_back(phase.ready.after ? task_index.at(*phase.ready.after, "task", "resolve_inputs") : kNoTask);
    }
  }
  lot_addresses_.resize(scenario.orders.size());
  for (std::size_t o = 0; o < scenario.orders.size(); ++o) {
    const Order& order = scenario.orders[o];
    if (order.lots < 1) throw InternalError("resolve_inputs: order '" + order.id + "' has no lots");
    for (std::int64_t k = 0; k < order.lots; ++k) {
      lot_addresses_[o].push_back("orders." + order.id + ".lots." + std::to_string(k) + ".transit_days");
    }
  }
  delay_target_.resize(scenario.risks.size());
  for (std::size_t r = 0; r < scenario.risks.size(); ++r) {
    const Risk& risk = scenario.risks[r];
    occurs_addresses_.push_back("risks." + risk.id + ".occurs");
    for (const RiskDelay& delay : risk.delays) {
      delay_target_[r].push_back(delay.kind == RiskDelay::Kind::kTask ? task_index.at(delay.target, "task", "resolve_inputs")
                                                                      : order_index.at(delay.target, "order", "resolve_inputs"));
    }
  }
  // The draw addresses in call order: one walk with point values (every draw is made whatever the values).
  HashRecorder recorder(address_hashes_);
  resolve_planned(*this, recorder, {}, nullptr);
}

ResolvedInputs resolve_inputs(const Scenario& scenario, InputSampler& sampler, bool record_draws) {
  const InputPlan plan(scenario);
  return resolve_planned(plan, sampler, DrawRecord{record_draws, nullptr}, &plan.address_hashes());
}

ResolvedInputs resolve_inputs(const InputPlan& plan, InputSampler& sampler, bool record_draws) {
  return resolve_planned(plan, sampler, DrawRecord{record_draws, nullptr}, &plan.address_hashes());
}

ResolvedInputs resolve_inputs(const InputPlan& plan, InputSampler& sampler, std::vector<double>& drawn_values) {
  drawn_values.clear();
  return resolve_planned(plan, sampler, DrawRecord{false, &drawn_values}, &plan.address_hashes());
}

void resolve_inputs_into(const InputPlan& plan, InputSampler& sampler, ResolvedInputs& out,
                         std::vector<double>* drawn_values) {
  if (drawn_values != nullptr) drawn_values->clear();
  resolve_planned(plan, sampler, DrawRecord{false, drawn_values}, &plan.address_hashes(), out);
}

}  // namespace poweron
