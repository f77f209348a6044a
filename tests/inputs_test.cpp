#include "poweron/inputs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "poweron/date.hpp"
#include "poweron/result.hpp"
#include "poweron/sampling.hpp"

namespace poweron {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

Date day(const char* text) { return *parse_date(text); }

Distribution constant(double value, std::string address, bool is_date = false) {
  Distribution d = Distribution::constant(value, std::move(address));
  d.is_date = is_date;
  return d;
}

Distribution dist(DistKind kind, std::vector<double> params, std::string address, bool is_date = false) {
  Distribution d;
  d.kind = kind;
  d.params = std::move(params);
  d.address = std::move(address);
  d.is_date = is_date;
  return d;
}

// Start 2024-01-01 (day 0). Expected values by hand, from the point values of SPEC 2.1:
//   s1/p1 ready uniform[2024-01-11, 2024-01-21] -> midpoint 2024-01-16 = day 15
//   s1 power grid: 2024-02-01 = day 31, mw triangular mode 20; 2024-03-01 = day 60, mw 50
//   s1 install: rate lognormal median 100; burn-in pert mode 7; rma 30. s2: no install -> unlimited, 0, 0
//   t1: start 2024-01-05 = day 4, days normal mean 10 -> [4, 14]; risk r-no (p = 0.4) does not add 100
//   t2: after t1, days 20 + risk r-yes (p = 0.5) uniform[4, 8] midpoint 6 = 26 -> [14, 40]
//   s1/p2 ready after t2 + lag 3 -> 43
//   o1: ship 2024-01-10 = day 9; slip triangular mode 1 + r-yes delay 2 = 3; 3 lots, transit discrete -> 7
//   o2: ship 2023-12-25 = day -7 (before start); one lot, transit 4
//   rd: date 2024-02-15 = day 45
Scenario hand_built() {
  Scenario s;
  s.name = "inputs";
  s.start = day("2024-01-01");
  s.end = day("2024-12-31");

  Site s1;
  s1.id = "s1";
  s1.owner = "o";
  Phase p1;
  p1.id = "p1";
  p1.gpus = 10;
  p1.ready.date = dist(DistKind::kUniform, {double(day("2024-01-11")), double(day("2024-01-21"))},
                       "sites.s1.phases.p1.ready", true);
  Phase p2;
  p2.id = "p2";
  p2.gpus = 20;
  p2.ready.after = "t2";
  p2.ready.lag_days = constant(3, "sites.s1.phases.p2.ready.lag_days");
  s1.phases = {p1, p2};
  PowerSource grid;
  grid.id = "grid";
  grid.steps.push_back({constant(day("2024-02-01"), "sites.s1.power.grid.0.date", true),
                        dist(DistKind::kTriangular, {10, 20, 40}, "sites.s1.power.grid.0.mw")});
  grid.steps.push_back({constant(day("2024-03-01"), "sites.s1.power.grid.1.date", true),
                        constant(50, "sites.s1.power.grid.1.mw")});
  s1.power = std::vector<PowerSource>{grid};
  s1.install.rate = dist(DistKind::kLognormal, {100, 200}, "sites.s1.install.rate");
  s1.install.burn_in_days = dist(DistKind::kPert, {5, 7, 14}, "sites.s1.install.burn_in_days");
  s1.install.rma_days = constant(30, "sites.s1.install.rma_days");

  Site s2;
  s2.id = "s2";
  s2.owner = "o";
  s2.install.burn_in_days = constant(0, "sites.s2.install.burn_in_days");
  s2.install.rma_days = constant(0, "sites.s2.install.rma_days");
  s.sites = {s1, s2};

  Task t1;
  t1.id = "t1";
  t1.start = constant(day("2024-01-05"), "construction.t1.start", true);
  t1.days = dist(DistKind::kNormal, {10, 2}, "construction.t1.days");
  Task t2;
  t2.id = "t2";
  t2.after = {"t1"};
  t2.days = constant(20, "construction.t2.days");
  s.construction = {t1, t2};

  Order o1;
  o1.id = "o1";
  o1.owner = "o";
  o1.sku = "H100";
  o1.quantity = 10;
  o1.lots = 3;
  o1.ship = constant(day("2024-01-10"), "orders.o1.ship", true);
  o1.slip_days = dist(DistKind::kTriangular, {-2, 1, 10}, "orders.o1.slip_days");
  o1.transit_days.kind = DistKind::kDiscrete;
  o1.transit_days.outcomes = {{5, 0.3}, {7, 0.7}};
  o1.transit_days.address = "orders.o1.transit_days";
  Order o2;
  o2.id = "o2";
  o2.owner = "o";
  o2.sku = "H100";
  o2.quantity = 5;
  o2.ship = constant(day("2023-12-25"), "orders.o2.ship", true);
  o2.slip_days = constant(0, "orders.o2.slip_days");
  o2.transit_days = constant(4, "orders.o2.transit_days");
  s.orders = {o1, o2};

  Redirection rd;
  rd.id = "rd";
  rd.order = "o1";
  rd.to = "x";
  rd.date = constant(day("2024-02-15"), "redirections.rd.date", true);
  s.redirections = {rd};

  Risk no;
  no.id = "r-no";
  no.probability = 0.4;
  no.delays.push_back({RiskDelay::Kind::kTask, "t1", constant(100, "risks.r-no.delays.0.days")});
  Risk yes;
  yes.id = "r-yes";
  yes.probability = 0.5;
  yes.delays.push_back({RiskDelay::Kind::kTask, "t2", dist(DistKind::kUniform, {4, 8}, "risks.r-yes.delays.0.days")});
  yes.delays.push_back({RiskDelay::Kind::kOrder, "o1", constant(2, "risks.r-yes.delays.1.days")});
  s.risks = {no, yes};
  return s;
}

TEST(Inputs, PointValuesResolvedByHand) {
  PointSampler sampler;
  const ResolvedInputs r = resolve_inputs(hand_built(), sampler);

  ASSERT_EQ(r.sites.size(), 2u);
  EXPECT_THAT(r.sites[0].phase_ready_time, ElementsAre(15.0, 43.0));
  ASSERT_EQ(r.sites[0].power.size(), 1u);
  ASSERT_EQ(r.sites[0].power[0].size(), 2u);
  EXPECT_DOUBLE_EQ(r.sites[0].power[0][0].time, 31);
  EXPECT_DOUBLE_EQ(r.sites[0].power[0][0].mw, 20);
  EXPECT_DOUBLE_EQ(r.sites[0].power[0][1].time, 60);
  EXPECT_DOUBLE_EQ(r.sites[0].power[0][1].mw, 50);
  EXPECT_DOUBLE_EQ(r.sites[0].install_rate, 100);
  EXPECT_DOUBLE_EQ(r.sites[0].burn_in_days, 7);
  EXPECT_DOUBLE_EQ(r.sites[0].rma_days, 30);
  EXPECT_TRUE(r.sites[1].phase_ready_time.empty());
  EXPECT_TRUE(r.sites[1].power.empty());  // no `power` key: unlimited, no sources
  EXPECT_EQ(r.sites[1].install_rate, kUnlimited);
  EXPECT_DOUBLE_EQ(r.sites[1].burn_in_days, 0);

  ASSERT_EQ(r.tasks.size(), 2u);
  EXPECT_DOUBLE_EQ(r.tasks[0].start, 4);
  EXPECT_DOUBLE_EQ(r.tasks[0].duration, 10);  // r-no (p = 0.4) does not occur
  EXPECT_DOUBLE_EQ(r.tasks[0].finish, 14);
  EXPECT_DOUBLE_EQ(r.tasks[1].start, 14);
  EXPECT_DOUBLE_EQ(r.tasks[1].duration, 26);  // 20 + r-yes's 6
  EXPECT_DOUBLE_EQ(r.tasks[1].finish, 40);

  ASSERT_EQ(r.orders.size(), 2u);
  EXPECT_DOUBLE_EQ(r.orders[0].ship_time, 9);
  EXPECT_DOUBLE_EQ(r.orders[0].slip_days, 3);  // mode 1 + r-yes's 2
  EXPECT_THAT(r.orders[0].transit_days, ElementsAre(7.0, 7.0, 7.0));
  EXPECT_DOUBLE_EQ(r.orders[1].ship_time, -7);
  EXPECT_DOUBLE_EQ(r.orders[1].slip_days, 0);
  EXPECT_THAT(r.orders[1].transit_days, ElementsAre(4.0));

  EXPECT_THAT(r.redirection_time, ElementsAre(45.0));
  EXPECT_THAT(r.risk_occurs, ElementsAre(false, true));
  EXPECT_TRUE(r.draws.empty());  // not asked to record
}

TEST(Inputs, RecordsDrawsOfNonConstantsOnlyInDrawOrder) {
  PointSampler sampler;
  const ResolvedInputs r = resolve_inputs(hand_built(), sampler, /*record_draws=*/true);
  // Raw drawn values (dates as days since 1970), constants left out; risk occurrences as 0/1.
  EXPECT_THAT(r.draws,
              ElementsAre(Pair("sites.s1.phases.p1.ready", double(day("2024-01-16"))),
                          Pair("sites.s1.power.grid.0.mw", 20.0), Pair("sites.s1.install.rate", 100.0),
                          Pair("sites.s1.install.burn_in_days", 7.0), Pair("construction.t1.days", 10.0),
                          Pair("orders.o1.slip_days", 1.0), Pair("orders.o1.lots.0.transit_days", 7.0),
                          Pair("orders.o1.lots.1.transit_days", 7.0), Pair("orders.o1.lots.2.transit_days", 7.0),
                          Pair("risks.r-no.occurs", 0.0), Pair("risks.r-yes.occurs", 1.0),
                          Pair("risks.r-yes.delays.0.days", 6.0)));
}

// Records every request; draws return fixed values per address so the test can also check where they go.
class RecordingSampler final : public InputSampler {
 public:
  double draw(const Distribution& distribution, std::string_view address) override {
    requests.emplace_back(address);
    if (address == "risks.r-no.delays.0.days") return 100;
    if (address == "orders.o1.lots.1.transit_days") return 11;
    return point_value(distribution);
  }
  bool occurs(double /*probability*/, std::string_view address) override {
    requests.push_back(std::string(address));
    return address == "risks.r-no.occurs";  // the opposite of the point rule
  }
  bool sampled() const override { return true; }
  std::int64_t binomial(std::int64_t, double, std::string_view) override { return 0; }

  std::vector<std::string> requests;
};

TEST(Inputs, RequestsEveryAddressInDocumentedOrder) {
  RecordingSampler sampler;
  const ResolvedInputs r = resolve_inputs(hand_built(), sampler);
  // p2 is tied to a task: only its lag is drawn. Risk delays are drawn even when the risk does not occur.
  EXPECT_THAT(sampler.requests,
              ElementsAre("sites.s1.phases.p1.ready", "sites.s1.phases.p2.ready.lag_days",
                          "sites.s1.power.grid.0.date", "sites.s1.power.grid.0.mw", "sites.s1.power.grid.1.date",
                          "sites.s1.power.grid.1.mw", "sites.s1.install.rate", "sites.s1.install.burn_in_days",
                          "sites.s1.install.rma_days", "sites.s2.install.burn_in_days", "sites.s2.install.rma_days",
                          "construction.t1.start", "construction.t1.days", "construction.t2.days", "orders.o1.ship",
                          "orders.o1.slip_days", "orders.o1.lots.0.transit_days", "orders.o1.lots.1.transit_days",
                          "orders.o1.lots.2.transit_days", "orders.o2.ship", "orders.o2.slip_days",
                          "orders.o2.lots.0.transit_days", "redirections.rd.date", "risks.r-no.occurs",
                          "risks.r-no.delays.0.days", "risks.r-yes.occurs", "risks.r-yes.delays.0.days",
                          "risks.r-yes.delays.1.days"));
  // Per-lot transit is keyed per lot: lot 1 got its own value.
  EXPECT_THAT(r.orders[0].transit_days, ElementsAre(7.0, 11.0, 7.0));
  // Now r-no occurs (t1 gets +100: [4, 114]) and r-yes does not (t2 lasts 20: [114, 134]; o1 slip 1).
  EXPECT_THAT(r.risk_occurs, ElementsAre(true, false));
  EXPECT_DOUBLE_EQ(r.tasks[0].finish, 114);
  EXPECT_DOUBLE_EQ(r.tasks[1].start, 114);
  EXPECT_DOUBLE_EQ(r.tasks[1].finish, 134);
  EXPECT_DOUBLE_EQ(r.orders[0].slip_days, 1);
  EXPECT_DOUBLE_EQ(r.sites[0].phase_ready_time[1], 137);  // t2 finish + lag 3
}

TEST(Inputs, PointSamplerRulesAndNoBinomial) {
  PointSampler sampler;
  EXPECT_FALSE(sampler.sampled());
  EXPECT_TRUE(sampler.occurs(0.5, "risks.r.occurs"));
  EXPECT_FALSE(sampler.occurs(0.4999, "risks.r.occurs"));
  EXPECT_DOUBLE_EQ(sampler.draw(dist(DistKind::kUniform, {2, 6}, "a"), "a"), 4);
  EXPECT_THROW((void)sampler.binomial(10, 0.1, "orders.o.lots.0.chunks.0.failures"), InternalError);
}

TEST(Inputs, InvalidReferencesAreInternalErrorsNotCrashes) {
  Scenario s = hand_built();
  s.risks[1].delays[0].target = "ghost";
  PointSampler sampler;
  EXPECT_THROW((void)resolve_inputs(s, sampler), InternalError);
  s = hand_built();
  s.sites[0].phases[1].ready.after = "ghost";
  EXPECT_THROW((void)resolve_inputs(s, sampler), InternalError);
  s = hand_built();
  s.construction[0].after = {"t2"};  // t1 <-> t2
  EXPECT_THROW((void)resolve_inputs(s, sampler), InternalError);
}

// Forwards to a KeyedSampler through draw() only, so every address is hashed afresh (the default
// draw_by_hash): the reference for the plan's precomputed hashes.
class Rehashing final : public InputSampler {
 public:
  explicit Rehashing(KeyedSampler& inner) : inner_(inner) {}
  double draw(const Distribution& distribution, std::string_view address) override {
    return inner_.draw(distribution, address);
  }
  bool occurs(double probability, std::string_view address) override { return inner_.occurs(probability, address); }
  bool sampled() const override { return true; }
  std::int64_t binomial(std::int64_t n, double p, std::string_view address) override {
    return inner_.binomial(n, p, address);
  }

 private:
  KeyedSampler& inner_;
};

void expect_identical(const ResolvedInputs& a, const ResolvedInputs& b) {
  ASSERT_EQ(a.sites.size(), b.sites.size());
  for (std::size_t s = 0; s < a.sites.size(); ++s) {
    EXPECT_EQ(a.sites[s].phase_ready_time, b.sites[s].phase_ready_time);
    ASSERT_EQ(a.sites[s].power.size(), b.sites[s].power.size());
    for (std::size_t p = 0; p < a.sites[s].power.size(); ++p) {
      ASSERT_EQ(a.sites[s].power[p].size(), b.sites[s].power[p].size());
      for (std::size_t k = 0; k < a.sites[s].power[p].size(); ++k) {
        EXPECT_EQ(a.sites[s].power[p][k].time, b.sites[s].power[p][k].time);
        EXPECT_EQ(a.sites[s].power[p][k].mw, b.sites[s].power[p][k].mw);
      }
    }
    EXPECT_EQ(a.sites[s].install_rate, b.sites[s].install_rate);
    EXPECT_EQ(a.sites[s].burn_in_days, b.sites[s].burn_in_days);
    EXPECT_EQ(a.sites[s].rma_days, b.sites[s].rma_days);
  }
  ASSERT_EQ(a.orders.size(), b.orders.size());
  for (std::size_t o = 0; o < a.orders.size(); ++o) {
    EXPECT_EQ(a.orders[o].ship_time, b.orders[o].ship_time);
    EXPECT_EQ(a.orders[o].slip_days, b.orders[o].slip_days);
    EXPECT_EQ(a.orders[o].transit_days, b.orders[o].transit_days);
  }
  EXPECT_EQ(a.redirection_time, b.redirection_time);
  ASSERT_EQ(a.tasks.size(), b.tasks.size());
  for (std::size_t t = 0; t < a.tasks.size(); ++t) {
    EXPECT_EQ(a.tasks[t].start, b.tasks[t].start);
    EXPECT_EQ(a.tasks[t].finish, b.tasks[t].finish);
    EXPECT_EQ(a.tasks[t].duration, b.tasks[t].duration);
  }
  EXPECT_EQ(a.risk_occurs, b.risk_occurs);
  EXPECT_EQ(a.draws, b.draws);
}

// One plan reused for many replications gives exactly what the scenario overload gives, and what a
// sampler that rehashes every address gives (so the plan's hashes match the addresses drawn), including
// per-lot transit draws of a correlated field (conditional copula path) and risks that occur or not.
TEST(Inputs, PlanOverloadIdenticalToScenarioOverload) {
  Scenario s = hand_built();
  s.correlations.push_back(Correlation{"construction.t1.days", "orders.o1.transit_days", 0.7});
  s.correlations.push_back(Correlation{"construction.t1.days", "sites.s1.install.rate", -0.4});
  const InputPlan plan(s);
  const auto copula = CopulaPlan::for_scenario(s);
  // s1: 2 phases + 4 power + 3 install; s2: 2 install; tasks: t1 start + 2 days; o1: ship, slip, 3 lots;
  // o2: ship, slip, 1 lot; rd: 1; risk delays: 3. 9 + 2 + 3 + 5 + 3 + 1 + 3 = 26 draws.
  EXPECT_EQ(plan.address_hashes().size(), 26u);
  int occurred = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    KeyedSampler by_plan(copula, seed);
    KeyedSampler by_scenario(copula, seed);
    KeyedSampler inner(copula, seed);
    Rehashing rehashing(inner);
    const ResolvedInputs planned = resolve_inputs(plan, by_plan, true);
    expect_identical(planned, resolve_inputs(s, by_scenario, true));
    expect_identical(planned, resolve_inputs(plan, rehashing, true));
    occurred += planned.risk_occurs[1] ? 1 : 0;
  }
  EXPECT_GT(occurred, 0);   // p = 0.5 over 40 seeds: both outcomes are exercised
  EXPECT_LT(occurred, 40);
  PointSampler point;
  expect_identical(resolve_inputs(plan, point, true), resolve_inputs(s, point, true));
}

// Recording values only (what sweeps keep for sensitivity) gives the recorded pairs' values, in order,
// and the same inputs, with `draws` left empty.
TEST(Inputs, ValuesOnlyRecordingMatchesThePairs) {
  Scenario s = hand_built();
  s.correlations.push_back(Correlation{"construction.t1.days", "orders.o1.transit_days", 0.7});
  const InputPlan plan(s);
  const auto copula = CopulaPlan::for_scenario(s);
  std::vector<double> values = {42.0};  // cleared first
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    KeyedSampler with_pairs(copula, seed);
    KeyedSampler with_values(copula, seed);
    const ResolvedInputs pairs = resolve_inputs(plan, with_pairs, true);
    ResolvedInputs only_values = resolve_inputs(plan, with_values, values);
    EXPECT_TRUE(only_values.draws.empty());
    ASSERT_EQ(values.size(), pairs.draws.size());
    ASSERT_FALSE(values.empty());
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i], pairs.draws[i].second) << pairs.draws[i].first;
    only_values.draws = pairs.draws;
    expect_identical(pairs, only_values);
  }
}

// Resolving into a ResolvedInputs that holds another replication's inputs (or anything else) gives what a
// fresh resolve gives, draws recorded or not.
TEST(Inputs, ResolvingIntoReusedStorageEqualsAFreshResolve) {
  Scenario s = hand_built();
  s.correlations.push_back(Correlation{"construction.t1.days", "orders.o1.transit_days", 0.7});
  const InputPlan plan(s);
  const auto copula = CopulaPlan::for_scenario(s);
  ResolvedInputs reused;
  reused.sites.resize(7);  // stale contents of another shape
  reused.redirection_time = {1, 2, 3};
  reused.risk_occurs = {true, true, true, true};
  reused.draws.emplace_back("stale", 1.0);
  std::vector<double> values = {42.0};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    KeyedSampler fresh_sampler(copula, seed);
    KeyedSampler reused_sampler(copula, seed);
    std::vector<double> fresh_values;
    const ResolvedInputs fresh = resolve_inputs(plan, fresh_sampler, fresh_values);
    resolve_inputs_into(plan, reused_sampler, reused, seed % 2 == 0 ? &values : nullptr);
    expect_identical(fresh, reused);
    EXPECT_TRUE(reused.draws.empty());
    if (seed % 2 == 0) {
      EXPECT_EQ(values, fresh_values);
    }
  }
}

}  // namespace
}  // namespace poweron
