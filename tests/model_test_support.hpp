// Helpers for model tests: build small Scenarios in C++, resolve their (constant) inputs by hand, and
// read chip counts back from a SimulationTrace. Header-only; any test may include it.
//
//   ScenarioBuilder b(/*last_day=*/99);
//   b.sku("H100", 1.0);
//   b.owner("a");
//   b.site("s1", "a");
//   b.phase("s1", "p1", /*gpus=*/10, /*ready_day=*/0);
//   b.order("o1", "a", "H100", /*quantity=*/8, /*ship_day=*/1);
//   Scenario s = b.build();
//   ResolvedInputs in = constant_inputs(s);   // then tweak times by hand if needed
//   SimulationTrace t = Simulator(s).run(in, sampler, {.record_events = true});
#pragma once

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <tuple>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "poweron/date.hpp"
#include "poweron/inputs.hpp"
#include "poweron/model.hpp"
#include "poweron/result.hpp"
#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron::test_support {

/// 2024-01-01: the start of every builder scenario.
inline Date test_start() { return date_from_civil(2024, 1, 1); }

inline Distribution date_at(std::int64_t day) {
  Distribution d = Distribution::constant(static_cast<double>(test_start() + day));
  d.is_date = true;
  return d;
}

/// Builds a Scenario from constant values; days are counted from the start (day 0). Collections are
/// sorted by id in build(), as the loader does. References returned are valid until the next call.
class ScenarioBuilder {
 public:
  explicit ScenarioBuilder(std::int64_t last_day = 99) {
    scenario_.name = "test";
    scenario_.start = test_start();
    scenario_.end = static_cast<Date>(test_start() + last_day);
  }

  Sku& sku(const std::string& id, double power_kw = 1.0) {
    Sku sku;
    sku.id = id;
    sku.power_kw = power_kw;
    scenario_.skus.push_back(sku);
    return scenario_.skus.back();
  }

  Owner& owner(const std::string& id) {
    Owner owner;
    owner.id = id;
    scenario_.owners.push_back(owner);
    return scenario_.owners.back();
  }

  /// A site with unlimited power and instant install until told otherwise.
  Site& site(const std::string& id, const std::string& owner, std::int64_t priority = 100, double pue = 1.0) {
    Site site;
    site.id = id;
    site.owner = owner;
    site.priority = priority;
    site.pue = pue;
    scenario_.sites.push_back(site);
    return scenario_.sites.back();
  }

  Phase& phase(const std::string& site_id, const std::string& id, std::int64_t gpus, std::int64_t ready_day = 0) {
    Phase phase;
    phase.id = id;
    phase.gpus = gpus;
    phase.ready.date = date_at(ready_day);
    Site& s = find_site(site_id);
    s.phases.push_back(phase);
    return s.phases.back();
  }

  void initial(const std::string& site_id, const std::string& sku, std::int64_t count) {
    find_site(site_id).initial.push_back({sku, count});
  }

  /// Adds a power source with steps (day, mw); the site's supply becomes limited.
  PowerSource& power(const std::string& site_id, const std::string& id,
                     const std::vector<std::pair<std::int64_t, double>>& steps) {
    Site& s = find_site(site_id);
    if (!s.power) s.power.emplace();
    PowerSource source;
    source.id = id;
    for (const auto& [day, mw] : steps) source.steps.push_back({date_at(day), Distribution::constant(mw)});
    s.power->push_back(source);
    return s.power->back();
  }

  /// `power: {}`: no supply at all.
  void no_power(const std::string& site_id) { find_site(site_id).power.emplace(); }

  Install& install(const std::string& site_id, std::optional<std::int64_t> crews, std::optional<double> rate,
                   double burn_in_days = 0, double failure_rate = 0, double rma_days = 0) {
    Install& in = find_site(site_id).install;
    in.crews = crews;
    if (rate) in.rate = Distribution::constant(*rate);
    in.burn_in_days = Distribution::constant(burn_in_days);
    in.failure_rate = failure_rate;
    in.rma_days = Distribution::constant(rma_days);
    return in;
  }

  Order& order(const std::string& id, const std::string& owner, const std::string& sku, std::int64_t quantity,
               std::int64_t ship_day, std::int64_t lots = 1, double lot_interval_days = 0,
               double transit_days = 0, double slip_days = 0) {
    Order order;
    order.id = id;
    order.owner = owner;
    order.sku = sku;
    order.quantity = quantity;
    order.ship = date_at(ship_day);
    order.lots = lots;
    order.lot_interval_days = lot_interval_days;
    order.transit_days = Distribution::constant(transit_days);
    order.slip_days = Distribution::constant(slip_days);
    scenario_.orders.push_back(order);
    return scenario_.orders.back();
  }

  Redirection& redirection(const std::string& id, const std::string& order, const std::string& to,
                           std::int64_t day, std::optional<std::int64_t> quantity = std::nullopt,
                           std::optional<std::string> site = std::nullopt) {
    Redirection r;
    r.id = id;
    r.order = order;
    r.to = to;
    r.date = date_at(day);
    r.quantity = quantity;
    r.site = std::move(site);
    scenario_.redirections.push_back(r);
    return scenario_.redirections.back();
  }

  Scenario build() const {
    Scenario s = scenario_;
    auto by_id = [](auto& items) {
      std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    };
    by_id(s.skus);
    by_id(s.owners);
    by_id(s.sites);
    by_id(s.orders);
    by_id(s.redirections);
    for (Site& site : s.sites) {
      by_id(site.phases);
      std::stable_sort(site.initial.begin(), site.initial.end(),
                       [](const InitialChips& a, const InitialChips& b) { return a.sku < b.sku; });
      if (site.power) by_id(*site.power);
    }
    return s;
  }

 private:
  Site& find_site(const std::string& id) {
    for (Site& s : scenario_.sites) {
      if (s.id == id) return s;
    }
    throw InternalError("ScenarioBuilder: no site " + id);
  }

  Scenario scenario_;
};

/// The inputs of a scenario whose distributions are all constants (phases tied to tasks not
/// supported): what resolve_inputs gives under point values, without risks.
inline ResolvedInputs constant_inputs(const Scenario& s) {
  auto value = [](const Distribution& d) { return d.params.at(0); };
  auto day = [&](const Distribution& d) { return value(d) - static_cast<double>(s.start); };
  ResolvedInputs in;
  for (const Site& site : s.sites) {
    ResolvedSite r;
    for (const Phase& phase : site.phases) r.phase_ready_time.push_back(day(phase.ready.date));
    if (site.power) {
      for (const PowerSource& source : *site.power) {
        std::vector<ResolvedPowerStep> steps;
        for (const PowerStep& step : source.steps) steps.push_back({day(step.date), value(step.mw)});
        r.power.push_back(steps);
      }
    }
    r.install_rate = site.install.rate ? value(*site.install.rate) : kUnlimited;
    r.burn_in_days = value(site.install.burn_in_days);
    r.rma_days = value(site.install.rma_days);
    in.sites.push_back(r);
  }
  for (const Order& order : s.orders) {
    ResolvedOrder r;
    r.ship_time = day(order.ship);
    r.slip_days = value(order.slip_days);
    r.transit_days.assign(static_cast<std::size_t>(order.lots), value(order.transit_days));
    in.orders.push_back(r);
  }
  for (const Redirection& r : s.redirections) in.redirection_time.push_back(day(r.date));
  return in;
}

/// A sampler for model tests: point mode, or sampled with binomial draws from a function of
/// (n, p, address); remembers every binomial address asked.
class TestSampler final : public InputSampler {
 public:
  TestSampler() = default;
  explicit TestSampler(std::function<std::int64_t(std::int64_t, double, const std::string&)> binomial)
      : binomial_(std::move(binomial)) {}
  double draw(const Distribution& distribution, std::string_view) override { return distribution.params.at(0); }
  bool occurs(double probability, std::string_view) override { return probability >= 0.5; }
  bool sampled() const override { return static_cast<bool>(binomial_); }
  std::int64_t binomial(std::int64_t n, double p, std::string_view address) override {
    addresses.emplace_back(address);
    if (!binomial_) throw InternalError("TestSampler: binomial in point mode");
    return binomial_(n, p, addresses.back());
  }
  std::vector<std::string> addresses;

 private:
  std::function<std::int64_t(std::int64_t, double, const std::string&)> binomial_;
};

/// Index of `id` in a sorted collection (sites, owners, orders, skus).
template <typename T>
std::int32_t index_of(const std::vector<T>& items, const std::string& id) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].id == id) return static_cast<std::int32_t>(i);
  }
  throw InternalError("index_of: no " + id);
}

/// Chips in `state` right after every change dated <= time, summed over the filters that are set
/// (owner, site, sku: -1 = any).
inline std::int64_t count_at(const SimulationTrace& trace, double time, ChipState state, std::int32_t owner = -1,
                             std::int32_t site = -1, std::int32_t sku = -1) {
  std::int64_t total = 0;
  for (const StateChange& c : trace.changes) {
    if (c.time > time) break;
    if (c.state != state || (owner >= 0 && c.owner != owner) || (site >= 0 && c.site != site) ||
        (sku >= 0 && c.sku != sku)) {
      continue;
    }
    total += c.delta;
  }
  return total;
}

/// The records of one kind, in processing order.
inline std::vector<EventRecord> events_of(const SimulationTrace& trace, EventKind kind) {
  std::vector<EventRecord> out;
  for (const EventRecord& e : trace.events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

/// Runs `scenario` with its constant inputs in point mode, recording events.
inline SimulationTrace run_point(const Scenario& scenario) {
  TestSampler sampler;
  RunOptions options;
  options.record_events = true;
  options.check_invariants = true;
  return Simulator(scenario).run(constant_inputs(scenario), sampler, options);
}

inline SimulationTrace run_inputs(const Scenario& scenario, const ResolvedInputs& inputs) {
  TestSampler sampler;
  RunOptions options;
  options.record_events = true;
  options.check_invariants = true;
  return Simulator(scenario).run(inputs, sampler, options);
}

/// Replays the log: after the changes of each instant, per SKU, the sum over states must equal the chips
/// ordered plus the initial fleet (present from time 0), no count may be negative and times must not
/// decrease. Returns "" when all hold, else the first violation.
inline std::string conservation_error(const Scenario& s, const SimulationTrace& t) {
  std::map<std::int32_t, std::int64_t> ordered;
  for (const Order& o : s.orders) ordered[index_of(s.skus, o.sku)] += o.quantity;
  std::map<std::int32_t, std::int64_t> initial;
  for (const Site& site : s.sites) {
    for (const InitialChips& c : site.initial) initial[index_of(s.skus, c.sku)] += c.count;
  }
  std::map<std::int32_t, std::int64_t> total;
  std::map<std::tuple<std::int32_t, std::int32_t, std::int32_t, ChipState>, std::int64_t> counts;
  for (std::size_t i = 0; i < t.changes.size(); ++i) {
    const StateChange& c = t.changes[i];
    total[c.sku] += c.delta;
    counts[{c.owner, c.site, c.sku, c.state}] += c.delta;
    if (i + 1 < t.changes.size() && t.changes[i + 1].time < c.time) return "times decrease";
    if (i + 1 < t.changes.size() && t.changes[i + 1].time == c.time) continue;
    for (const auto& [sku, n] : total) {
      const std::int64_t expected = ordered[sku] + (c.time >= 0 ? initial[sku] : 0);
      if (n != expected) {
        return "sku " + std::to_string(sku) + " at t=" + std::to_string(c.time) + ": " + std::to_string(n) +
               " chips, expected " + std::to_string(expected);
      }
    }
    for (const auto& [key, n] : counts) {
      if (n < 0) return "negative count at t=" + std::to_string(c.time);
    }
  }
  return "";
}

/// "TIME KIND OWNER SITE ORDER LOT GPUS" with ids ("-" where not applicable), e.g. "1 place a s2 o 0 5":
/// readable expectations and diffs.
inline std::string describe(const Scenario& scenario, const EventRecord& e) {
  char time[32];
  std::snprintf(time, sizeof time, "%.10g", e.time);
  auto id = [](const auto& items, std::int32_t i) {
    return i >= 0 ? items[static_cast<std::size_t>(i)].id : std::string("-");
  };
  return std::string(time) + " " + std::string(to_string(e.kind)) + " " + id(scenario.owners, e.owner) + " " +
         id(scenario.sites, e.site) + " " + id(scenario.orders, e.order) + " " +
         (e.lot >= 0 ? std::to_string(e.lot) : std::string("-")) + " " + std::to_string(e.gpus);
}

/// describe() of every record of the given kinds, in processing order.
inline std::vector<std::string> describe_events(const Scenario& scenario, const SimulationTrace& trace,
                                                std::initializer_list<EventKind> kinds) {
  std::vector<std::string> out;
  for (const EventRecord& e : trace.events) {
    if (std::find(kinds.begin(), kinds.end(), e.kind) != kinds.end()) out.push_back(describe(scenario, e));
  }
  return out;
}

}  // namespace poweron::test_support
