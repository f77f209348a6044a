// Property test of the model: random small scenarios from a fixed seed (owners, sites, phases, power
// steps, initial fleets, install crews/rates/burn-in/failures, orders, lots, redirections; point and
// sampled runs) run with the model's own invariant checks on; then, independently of the model, the
// log is replayed against the inputs: per-SKU conservation after every instant, no negative count,
// chips at a site <= its ready slots, powered <= slots, and powered draw <= supply where limited.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "model_test_support.hpp"
#include "poweron/random.hpp"

namespace poweron {
namespace {

using namespace test_support;

// SplitMix64: a tiny deterministic generator (no std:: distributions).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return mix64(state_ += kGoldenGamma); }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

 private:
  std::uint64_t state_;
};

Scenario random_scenario(Rng& rng) {
  const std::int64_t last_day = rng.between(10, 80);
  ScenarioBuilder b(last_day);
  const std::int64_t skus = rng.between(1, 3);
  for (std::int64_t k = 0; k < skus; ++k) b.sku("k" + std::to_string(k), 0.1 * static_cast<double>(rng.between(5, 20)));
  const std::int64_t owners = rng.between(1, 3);
  for (std::int64_t w = 0; w < owners; ++w) b.owner("w" + std::to_string(w));
  auto some_sku = [&] { return "k" + std::to_string(rng.between(0, skus - 1)); };
  auto some_owner = [&] { return "w" + std::to_string(rng.between(0, owners - 1)); };

  std::map<std::string, std::vector<std::string>> sites_of;
  const std::int64_t sites = rng.between(0, 4);
  for (std::int64_t i = 0; i < sites; ++i) {
    const std::string id = "s" + std::to_string(i);
    const std::string owner = some_owner();
    sites_of[owner].push_back(id);
    b.site(id, owner, rng.between(1, 3), 1.0 + 0.1 * static_cast<double>(rng.between(0, 5)));
    if (rng.chance(0.3)) b.initial(id, some_sku(), rng.between(0, 6));
    const std::int64_t phases = rng.between(0, 3);
    for (std::int64_t p = 0; p < phases; ++p) {
      b.phase(id, "p" + std::to_string(p), rng.between(0, 20), rng.between(-10, last_day + 3));
    }
    const std::int64_t power = rng.between(0, 5);
    if (power == 1) {
      b.no_power(id);
    } else if (power >= 2) {
      const std::int64_t sources = rng.between(1, 2);
      for (std::int64_t src = 0; src < sources; ++src) {
        std::vector<std::pair<std::int64_t, double>> steps;
        const std::int64_t n = rng.between(1, 3);
        for (std::int64_t k = 0; k < n; ++k) {
          steps.emplace_back(rng.between(-5, last_day), 0.001 * static_cast<double>(rng.between(0, 30)));
        }
        b.power(id, "g" + std::to_string(src), steps);
      }
    }
    if (rng.chance(0.8)) {
      std::optional<std::int64_t> crews;
      if (rng.chance(0.7)) crews = rng.between(1, 3);
      std::optional<double> rate;
      if (rng.chance(0.7)) rate = static_cast<double>(rng.between(2, 16)) / 2.0;
      b.install(id, crews, rate, static_cast<double>(rng.between(0, 6)) / 2.0,
                rng.chance(0.5) ? 0.05 * static_cast<double>(rng.between(0, 8)) : 0.0,
                static_cast<double>(rng.between(0, 6)));
    }
  }

  const std::int64_t orders = rng.between(1, 6);
  for (std::int64_t i = 0; i < orders; ++i) {
    const std::string owner = some_owner();
    const std::int64_t quantity = rng.between(1, 30);
    Order& order = b.order("o" + std::to_string(i), owner, some_sku(), quantity, rng.between(-10, last_day),
                           rng.between(1, std::min<std::int64_t>(quantity, 4)),
                           static_cast<double>(rng.between(0, 6)) / 2.0, static_cast<double>(rng.between(0, 8)) / 2.0,
                           static_cast<double>(rng.between(-4, 4)));
    const auto& own_sites = sites_of[owner];
    if (!own_sites.empty() && rng.chance(0.3)) {
      order.site = own_sites[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(own_sites.size()) - 1))];
    }
  }
  const std::int64_t redirections = rng.between(0, 3);
  for (std::int64_t i = 0; i < redirections; ++i) {
    const std::string to = some_owner();
    std::optional<std::int64_t> quantity;
    if (rng.chance(0.5)) quantity = rng.between(0, 20);
    std::optional<std::string> site;
    const auto& to_sites = sites_of[to];
    if (!to_sites.empty() && rng.chance(0.4)) {
      site = to_sites[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(to_sites.size()) - 1))];
    }
    b.redirection("r" + std::to_string(i), "o" + std::to_string(rng.between(0, orders - 1)), to,
                  rng.between(-5, last_day), quantity, site);
  }
  return b.build();
}

// Supply of a site at t from the inputs: per source the latest step dated <= t (ties: later in list).
double supply_kw(const ResolvedSite& site, double t) {
  double mw = 0;
  for (const auto& steps : site.power) {
    double best_time = -std::numeric_limits<double>::infinity();
    double value = 0;
    for (const ResolvedPowerStep& step : steps) {
      if (step.time <= t && step.time >= best_time) {
        best_time = step.time;
        value = step.mw;
      }
    }
    mw += value;
  }
  return mw * 1000.0;
}

// "" when the site-level properties hold after every instant of the log, else the first violation.
std::string site_error(const Scenario& s, const ResolvedInputs& in, const SimulationTrace& t) {
  const std::size_t skus = s.skus.size();
  std::vector<std::int64_t> counts(s.sites.size() * skus * kChipStateCount, 0);
  for (std::size_t i = 0; i < t.changes.size(); ++i) {
    const StateChange& c = t.changes[i];
    if (!(c.time < static_cast<double>(s.last_day() + 1))) return "change at or after the end";
    if (c.site >= 0) {
      counts[(static_cast<std::size_t>(c.site) * skus + static_cast<std::size_t>(c.sku)) * kChipStateCount +
             static_cast<std::size_t>(c.state)] += c.delta;
    }
    if (i + 1 < t.changes.size() && t.changes[i + 1].time == c.time) continue;
    for (std::size_t site = 0; site < s.sites.size(); ++site) {
      std::int64_t slots = 0;
      for (std::size_t p = 0; p < s.sites[site].phases.size(); ++p) {
        if (in.sites[site].phase_ready_time[p] <= c.time) slots += s.sites[site].phases[p].gpus;
      }
      if (c.time >= 0) {
        for (const InitialChips& chips : s.sites[site].initial) slots += chips.count;
      }
      std::int64_t at_site = 0;
      std::int64_t powered = 0;
      double draw = 0;
      for (std::size_t k = 0; k < skus; ++k) {
        for (int st = static_cast<int>(ChipState::kQueued); st < kChipStateCount; ++st) {
          at_site += counts[(site * skus + k) * kChipStateCount + static_cast<std::size_t>(st)];
        }
        const std::int64_t on = counts[(site * skus + k) * kChipStateCount + static_cast<std::size_t>(ChipState::kPowered)];
        powered += on;
        draw += static_cast<double>(on) * s.skus[k].power_kw * s.sites[site].pue;
      }
      const std::string where = "site " + s.sites[site].id + " at t=" + std::to_string(c.time) + ": ";
      if (at_site > slots) return where + std::to_string(at_site) + " chips in " + std::to_string(slots) + " slots";
      if (powered > slots) return where + "powered > slots";
      if (s.sites[site].power) {
        const double supply = supply_kw(in.sites[site], c.time);
        if (draw > supply + 1e-6) return where + "draw " + std::to_string(draw) + " > supply " + std::to_string(supply);
      }
    }
  }
  return "";
}

TEST(ModelProperty, RandomScenariosKeepEveryInvariant) {
  Rng rng(20240601);
  int powered_runs = 0;
  for (int i = 0; i < 300; ++i) {
    const Scenario s = random_scenario(rng);
    ResolvedInputs in = constant_inputs(s);
    for (ResolvedOrder& order : in.orders) {  // off-day times too
      if (rng.chance(0.3)) order.ship_time += 0.25 * static_cast<double>(rng.between(1, 3));
    }
    const bool sampled = rng.chance(0.4);
    const std::uint64_t salt = rng.next();
    TestSampler point;
    TestSampler random([salt](std::int64_t n, double p, const std::string& address) {
      // Deterministic pseudo-binomial in [0, n], about n * p on average.
      const std::uint64_t h = mix64(fnv1a64(address) ^ salt);
      const auto expected = static_cast<std::int64_t>(std::floor(static_cast<double>(n) * p));
      return std::min<std::int64_t>(n, expected + static_cast<std::int64_t>(h % 2));
    });
    RunOptions options;
    options.record_events = (i % 2) == 0;
    options.check_invariants = true;
    SimulationTrace t;
    try {
      t = Simulator(s).run(in, sampled ? static_cast<InputSampler&>(random) : point, options);
    } catch (const std::exception& e) {
      FAIL() << "scenario " << i << ": " << e.what();
    }
    ASSERT_EQ(conservation_error(s, t), "") << "scenario " << i;
    ASSERT_EQ(site_error(s, in, t), "") << "scenario " << i;
    if (count_at(t, 1e9, ChipState::kPowered) > 0) ++powered_runs;
  }
  // The generator must exercise the model, not produce empty runs.
  EXPECT_GT(powered_runs, 100);
}

TEST(ModelProperty, RunsAreDeterministicAndIndependentOfEventRecording) {
  Rng rng(7);
  for (int i = 0; i < 50; ++i) {
    const Scenario s = random_scenario(rng);
    const ResolvedInputs in = constant_inputs(s);
    const Simulator sim(s);
    TestSampler sampler;
    RunOptions with;
    with.record_events = true;
    RunOptions without;
    without.check_invariants = false;
    const SimulationTrace a = sim.run(in, sampler, with);
    const SimulationTrace b = sim.run(in, sampler, without);
    ASSERT_EQ(a.changes.size(), b.changes.size()) << "scenario " << i;
    for (std::size_t k = 0; k < a.changes.size(); ++k) {
      ASSERT_EQ(a.changes[k].time, b.changes[k].time);
      ASSERT_EQ(a.changes[k].delta, b.changes[k].delta);
      ASSERT_EQ(a.changes[k].state, b.changes[k].state);
      ASSERT_EQ(a.changes[k].site, b.changes[k].site);
      ASSERT_EQ(a.changes[k].owner, b.changes[k].owner);
    }
    EXPECT_TRUE(b.events.empty());
  }
}

TEST(ModelProperty, ConcurrentRunsOfOneSimulatorAgree) {
  // run() is const and keeps its state local: two threads running one Simulator get the same log as a
  // run alone.
  Rng rng(99);
  const Scenario s = random_scenario(rng);
  const ResolvedInputs in = constant_inputs(s);
  const Simulator sim(s);
  TestSampler alone_sampler;
  const SimulationTrace alone = sim.run(in, alone_sampler);
  std::vector<SimulationTrace> results(2);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < results.size(); ++k) {
    threads.emplace_back([&, k] {
      TestSampler sampler;
      for (int rep = 0; rep < 20; ++rep) results[k] = sim.run(in, sampler);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const SimulationTrace& r : results) {
    ASSERT_EQ(r.changes.size(), alone.changes.size());
    for (std::size_t k = 0; k < r.changes.size(); ++k) {
      EXPECT_EQ(r.changes[k].time, alone.changes[k].time);
      EXPECT_EQ(r.changes[k].delta, alone.changes[k].delta);
    }
  }
}

}  // namespace
}  // namespace poweron
