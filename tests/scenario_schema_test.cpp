// Tests of the scenario schema (sim/scenario_schema.hpp): a full scenario read field by field, defaults,
// the YAML 1.2 core-schema typing of scalars, distributions, and the cross-element rules. Each YAML
// snippet is read by the YAML reader and passed to build_scenario; expected lines and columns are counted
// by hand in the snippet (the header below takes lines 1-5, so a test's own text starts on line 6).
#include "scenario_schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "did_you_mean.hpp"
#include "poweron/date.hpp"
#include "poweron/scenario_loader.hpp"
#include "schema_values.hpp"
#include "yaml_reader.hpp"

namespace poweron {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kHeader =
    "name: t\n"
    "start: 2024-01-01\n"
    "end: 2024-12-31\n"
    "skus: {H100: {power_kw: 1.4}, B200: {power_kw: 2}}\n"
    "owners: {tesla: {}, x: {}}\n";

struct Built {
  std::optional<Scenario> scenario;
  std::vector<std::string> errors;  ///< formatted, sorted
};

Built build(const std::string& yaml, const LoaderLimits& limits = {}) {
  Built built;
  auto document = parse_yaml_text(yaml, "t.yaml", limits);
  std::vector<Diagnostic> diagnostics;
  if (!document) {
    diagnostics = document.diagnostics();
  } else {
    built.scenario = build_scenario(document.value(), limits, diagnostics);
    EXPECT_EQ(built.scenario.has_value(), diagnostics.empty()) << "nullopt iff diagnostics were appended";
  }
  sort_diagnostics(diagnostics);
  for (const Diagnostic& d : diagnostics) built.errors.push_back(format(d));
  return built;
}

/// The header plus `rest` (which starts on line 6).
std::vector<std::string> errors_of(const std::string& rest, const LoaderLimits& limits = {}) {
  return build(std::string(kHeader) + rest, limits).errors;
}

Date d(const char* text) { return parse_date(text).value(); }

// The SPEC section 2 example, completed so that every reference resolves, plus a few more forms.
constexpr const char* kFullScenario = R"yaml(name: tesla-x-2024
description: Tesla and X H100 buildout with the Dec 2023 redirection
start: 2023-12-01
end: 2025-03-31
seed: 42

skus:
  H100-SXM: {power_kw: 1.4, price: 30000, tflops: 989}
  B200: {power_kw: 2.0}
owners:
  tesla:
    cost_of_capital: 0.10
    targets:
      fleet-85k: {date: 2024-12-31, powered: 85000}
      b200-first: {date: 2025-03-01, powered: 1, sku: B200}
  x: {}

sites:
  gts:
    owner: tesla
    priority: 1
    pue: 1.25
    initial: {H100-SXM: 0}
    phases:
      hall1: {gpus: 25000, ready: {triangular: [2024-07-15, 2024-07-23, 2024-08-31]}}
      hall2: {gpus: 25000, ready: {after: hall2-fitout, lag_days: 0}}
      hall0: {gpus: 100}
    power:
      grid:      [{date: 2024-06-01, mw: 50}, {date: 2024-09-01, mw: 130}]
      turbines:  [{date: 2024-08-10, mw: {uniform: [30, 66]}}]
    install:
      crews: 4
      rate: 120
      burn_in_days: {triangular: [5, 7, 14]}
      failure_rate: 0.02
      rma_days: 30
  memphis:
    owner: x
    power: {}

construction:
  hall2-shell:  {start: 2024-03-01, days: {pert: [90, 120, 180]}}
  hall2-fitout: {after: [hall2-shell], days: {triangular: [30, 45, 90]}}

orders:
  tesla-dec23:
    owner: tesla
    sku: H100-SXM
    quantity: 12000
    ship: 2023-12-15
    lots: 12
    lot_interval_days: 2
    slip_days: {triangular: [0, 7, 30]}
    transit_days: 7
    site: gts
  tesla-jun24:
    owner: tesla
    sku: H100-SXM
    quantity: 0x10
    ship: {normal: [2024-06-15, 10], min: 2024-06-01}

redirections:
  dec23-to-x:
    date: 2023-12-20
    order: tesla-dec23
    to: x
    quantity: 12000
    site: memphis

risks:
  transformer-shortage:
    probability: 0.3
    delays:
      - {task: hall2-shell, days: {uniform: [30, 90]}}
      - {order: tesla-jun24, days: {discrete: [[0, 0.5], [14, 0.25], [28, 0.25]]}}
  late:
    probability: 1
    delays:
      - {task: hall2-fitout, days: {lognormal: {median: 10, p90: 30}}}

correlations:
  - {between: [construction.hall2-shell.days, construction.hall2-fitout.days], rho: 0.6}
)yaml";

// Expected values are the literals of kFullScenario.
TEST(ScenarioSchema, FullScenarioReadsEveryField) {
  const Built built = build(kFullScenario);
  ASSERT_THAT(built.errors, IsEmpty());
  const Scenario& s = *built.scenario;
  EXPECT_EQ(s.name, "tesla-x-2024");
  EXPECT_EQ(s.description, "Tesla and X H100 buildout with the Dec 2023 redirection");
  EXPECT_EQ(s.start, d("2023-12-01"));
  EXPECT_EQ(s.end, d("2025-03-31"));
  EXPECT_EQ(s.seed, 42u);
  EXPECT_THAT(s.source_files, ElementsAre("t.yaml"));

  // Sorted by id in byte order: "B200" < "H100-SXM".
  ASSERT_EQ(s.skus.size(), 2u);
  EXPECT_EQ(s.skus[0].id, "B200");
  EXPECT_EQ(s.skus[0].power_kw, 2.0);
  EXPECT_EQ(s.skus[0].price, 0.0);
  EXPECT_EQ(s.skus[0].tflops, 0.0);
  EXPECT_EQ(s.skus[1].id, "H100-SXM");
  EXPECT_EQ(s.skus[1].power_kw, 1.4);
  EXPECT_EQ(s.skus[1].price, 30000.0);
  EXPECT_EQ(s.skus[1].tflops, 989.0);

  ASSERT_EQ(s.owners.size(), 2u);
  const Owner& tesla = s.owners[0];
  EXPECT_EQ(tesla.id, "tesla");
  EXPECT_EQ(tesla.cost_of_capital, 0.10);
  ASSERT_EQ(tesla.targets.size(), 2u);
  EXPECT_EQ(tesla.targets[0].id, "b200-first");
  EXPECT_EQ(tesla.targets[0].sku, std::optional<std::string>("B200"));
  EXPECT_EQ(tesla.targets[0].powered, 1);
  EXPECT_EQ(tesla.targets[1].id, "fleet-85k");
  EXPECT_EQ(tesla.targets[1].date, d("2024-12-31"));
  EXPECT_EQ(tesla.targets[1].powered, 85000);
  EXPECT_FALSE(tesla.targets[1].sku.has_value());
  EXPECT_EQ(s.owners[1].id, "x");
  EXPECT_EQ(s.owners[1].cost_of_capital, 0.0);
  EXPECT_THAT(s.owners[1].targets, IsEmpty());

  ASSERT_EQ(s.sites.size(), 2u);
  const Site& gts = s.sites[0];
  EXPECT_EQ(gts.id, "gts");
  EXPECT_EQ(gts.owner, "tesla");
  EXPECT_EQ(gts.priority, 1);
  EXPECT_EQ(gts.pue, 1.25);
  ASSERT_EQ(gts.initial.size(), 1u);
  EXPECT_EQ(gts.initial[0].sku, "H100-SXM");
  EXPECT_EQ(gts.initial[0].count, 0);
  ASSERT_EQ(gts.phases.size(), 3u);
  // hall0 has no `ready`: the scenario start.
  EXPECT_EQ(gts.phases[0].id, "hall0");
  EXPECT_EQ(gts.phases[0].gpus, 100);
  EXPECT_FALSE(gts.phases[0].ready.after.has_value());
  EXPECT_TRUE(gts.phases[0].ready.date.is_constant());
  EXPECT_TRUE(gts.phases[0].ready.date.is_date);
  EXPECT_EQ(gts.phases[0].ready.date.params, std::vector<double>{static_cast<double>(d("2023-12-01"))});
  EXPECT_EQ(gts.phases[0].ready.date.address, "sites.gts.phases.hall0.ready");
  const Distribution& hall1 = gts.phases[1].ready.date;
  EXPECT_EQ(hall1.kind, DistKind::kTriangular);
  EXPECT_TRUE(hall1.is_date);
  EXPECT_FALSE(hall1.non_negative);
  EXPECT_EQ(hall1.params,
            (std::vector<double>{static_cast<double>(d("2024-07-15")), static_cast<double>(d("2024-07-23")),
                                 static_cast<double>(d("2024-08-31"))}));
  EXPECT_EQ(hall1.address, "sites.gts.phases.hall1.ready");
  EXPECT_EQ(gts.phases[2].ready.after, std::optional<std::string>("hall2-fitout"));
  EXPECT_EQ(gts.phases[2].ready.lag_days.address, "sites.gts.phases.hall2.ready.lag_days");
  EXPECT_TRUE(gts.phases[2].ready.lag_days.non_negative);
  EXPECT_EQ(gts.phases[2].ready.lag_days.params, std::vector<double>{0.0});

  ASSERT_TRUE(gts.power.has_value());
  ASSERT_EQ(gts.power->size(), 2u);
  const PowerSource& grid = (*gts.power)[0];
  EXPECT_EQ(grid.id, "grid");
  ASSERT_EQ(grid.steps.size(), 2u);
  EXPECT_EQ(grid.steps[1].date.params, std::vector<double>{static_cast<double>(d("2024-09-01"))});
  EXPECT_EQ(grid.steps[1].date.address, "sites.gts.power.grid.1.date");
  EXPECT_TRUE(grid.steps[1].date.is_date);
  EXPECT_EQ(grid.steps[1].mw.params, std::vector<double>{130.0});
  EXPECT_EQ(grid.steps[1].mw.address, "sites.gts.power.grid.1.mw");
  EXPECT_TRUE(grid.steps[1].mw.non_negative);
  const PowerSource& turbines = (*gts.power)[1];
  EXPECT_EQ(turbines.id, "turbines");
  EXPECT_EQ(turbines.steps[0].mw.kind, DistKind::kUniform);
  EXPECT_EQ(turbines.steps[0].mw.params, (std::vector<double>{30, 66}));

  EXPECT_EQ(gts.install.crews, std::optional<std::int64_t>(4));
  ASSERT_TRUE(gts.install.rate.has_value());
  EXPECT_EQ(gts.install.rate->params, std::vector<double>{120.0});
  EXPECT_EQ(gts.install.rate->address, "sites.gts.install.rate");
  EXPECT_EQ(gts.install.burn_in_days.kind, DistKind::kTriangular);
  EXPECT_EQ(gts.install.burn_in_days.params, (std::vector<double>{5, 7, 14}));
  EXPECT_TRUE(gts.install.burn_in_days.non_negative);
  EXPECT_EQ(gts.install.failure_rate, 0.02);
  EXPECT_EQ(gts.install.rma_days.params, std::vector<double>{30.0});

  // memphis: defaults everywhere, `power: {}` = no supply, no `install` = installed at once.
  const Site& memphis = s.sites[1];
  EXPECT_EQ(memphis.owner, "x");
  EXPECT_EQ(memphis.priority, 100);
  EXPECT_EQ(memphis.pue, 1.0);
  EXPECT_THAT(memphis.initial, IsEmpty());
  EXPECT_THAT(memphis.phases, IsEmpty());
  ASSERT_TRUE(memphis.power.has_value());
  EXPECT_THAT(*memphis.power, IsEmpty());
  EXPECT_FALSE(memphis.install.crews.has_value());
  EXPECT_FALSE(memphis.install.rate.has_value());
  EXPECT_EQ(memphis.install.burn_in_days.params, std::vector<double>{0.0});
  EXPECT_EQ(memphis.install.burn_in_days.address, "sites.memphis.install.burn_in_days");
  EXPECT_EQ(memphis.install.failure_rate, 0.0);
  EXPECT_EQ(memphis.install.rma_days.address, "sites.memphis.install.rma_days");

  // "hall2-fitout" < "hall2-shell".
  ASSERT_EQ(s.construction.size(), 2u);
  EXPECT_EQ(s.construction[0].id, "hall2-fitout");
  EXPECT_FALSE(s.construction[0].start.has_value());
  EXPECT_THAT(s.construction[0].after, ElementsAre("hall2-shell"));
  EXPECT_EQ(s.construction[1].id, "hall2-shell");
  ASSERT_TRUE(s.construction[1].start.has_value());
  EXPECT_EQ(s.construction[1].start->params, std::vector<double>{static_cast<double>(d("2024-03-01"))});
  EXPECT_EQ(s.construction[1].days.kind, DistKind::kPert);
  EXPECT_EQ(s.construction[1].days.address, "construction.hall2-shell.days");

  ASSERT_EQ(s.orders.size(), 2u);
  const Order& dec = s.orders[0];
  EXPECT_EQ(dec.id, "tesla-dec23");
  EXPECT_EQ(dec.owner, "tesla");
  EXPECT_EQ(dec.sku, "H100-SXM");
  EXPECT_EQ(dec.quantity, 12000);
  EXPECT_EQ(dec.ship.params, std::vector<double>{static_cast<double>(d("2023-12-15"))});
  EXPECT_EQ(dec.lots, 12);
  EXPECT_EQ(dec.lot_interval_days, 2.0);
  EXPECT_EQ(dec.slip_days.kind, DistKind::kTriangular);
  EXPECT_FALSE(dec.slip_days.non_negative);
  EXPECT_EQ(dec.transit_days.params, std::vector<double>{7.0});
  EXPECT_EQ(dec.transit_days.address, "orders.tesla-dec23.transit_days");
  EXPECT_EQ(dec.site, std::optional<std::string>("gts"));
  const Order& jun = s.orders[1];
  EXPECT_EQ(jun.quantity, 16);  // 0x10
  EXPECT_EQ(jun.lots, 1);
  EXPECT_EQ(jun.lot_interval_days, 0.0);
  EXPECT_EQ(jun.ship.kind, DistKind::kNormal);
  EXPECT_EQ(jun.ship.params, (std::vector<double>{static_cast<double>(d("2024-06-15")), 10.0}));
  EXPECT_EQ(jun.ship.clamp_min, static_cast<double>(d("2024-06-01")));
  EXPECT_TRUE(std::isnan(jun.ship.clamp_max));
  EXPECT_EQ(jun.slip_days.params, std::vector<double>{0.0});
  EXPECT_EQ(jun.slip_days.address, "orders.tesla-jun24.slip_days");
  EXPECT_TRUE(jun.transit_days.non_negative);
  EXPECT_FALSE(jun.site.has_value());

  ASSERT_EQ(s.redirections.size(), 1u);
  EXPECT_EQ(s.redirections[0].order, "tesla-dec23");
  EXPECT_EQ(s.redirections[0].to, "x");
  EXPECT_EQ(s.redirections[0].quantity, std::optional<std::int64_t>(12000));
  EXPECT_EQ(s.redirections[0].site, std::optional<std::string>("memphis"));
  EXPECT_EQ(s.redirections[0].date.address, "redirections.dec23-to-x.date");

  ASSERT_EQ(s.risks.size(), 2u);
  EXPECT_EQ(s.risks[0].id, "late");
  EXPECT_EQ(s.risks[0].delays[0].days.kind, DistKind::kLognormal);
  EXPECT_EQ(s.risks[0].delays[0].days.params, (std::vector<double>{10, 30}));
  const Risk& shortage = s.risks[1];
  EXPECT_EQ(shortage.probability, 0.3);
  ASSERT_EQ(shortage.delays.size(), 2u);
  EXPECT_EQ(shortage.delays[0].kind, RiskDelay::Kind::kTask);
  EXPECT_EQ(shortage.delays[0].target, "hall2-shell");
  EXPECT_EQ(shortage.delays[1].kind, RiskDelay::Kind::kOrder);
  EXPECT_EQ(shortage.delays[1].target, "tesla-jun24");
  EXPECT_EQ(shortage.delays[1].days.kind, DistKind::kDiscrete);
  EXPECT_EQ(shortage.delays[1].days.address, "risks.transformer-shortage.delays.1.days");
  EXPECT_EQ(shortage.delays[1].days.outcomes,
            (std::vector<std::pair<double, double>>{{0, 0.5}, {14, 0.25}, {28, 0.25}}));

  ASSERT_EQ(s.correlations.size(), 1u);
  EXPECT_EQ(s.correlations[0].a, "construction.hall2-shell.days");
  EXPECT_EQ(s.correlations[0].b, "construction.hall2-fitout.days");
  EXPECT_EQ(s.correlations[0].rho, 0.6);
}

// Through the loader, as `poweron` uses it: the same scenario loads, an override goes through the schema.
TEST(ScenarioSchema, LoadsThroughTheLoader) {
  const Result<Scenario> loaded = load_scenario_text(kFullScenario, "full.yaml", {"sites.gts.install.crews=8"});
  ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics().empty() ? "" : format(loaded.diagnostics()[0]));
  EXPECT_THAT(loaded.value().source_files, ElementsAre("full.yaml"));
  EXPECT_FALSE(loaded.value().canonical_text.empty());
  EXPECT_EQ(loaded.value().sites[0].install.crews, std::optional<std::int64_t>(8));

  const Result<Scenario> rejected = load_scenario_text(kFullScenario, "full.yaml", {"sites.gts.install.crews=1.5"});
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.exit_code(), ExitCode::kInvalid);
  ASSERT_EQ(rejected.diagnostics().size(), 1u);
  EXPECT_EQ(rejected.diagnostics()[0].path, "sites.gts.install.crews");
  EXPECT_EQ(rejected.diagnostics()[0].message, "expected an integer, got 1.5");
}

TEST(ScenarioSchema, MinimalScenarioHasDefaults) {
  const Built built = build("name: m\nstart: 2024-01-01\nend: 2024-01-01\n");
  ASSERT_THAT(built.errors, IsEmpty());
  EXPECT_EQ(built.scenario->seed, 0u);
  EXPECT_EQ(built.scenario->description, "");
  EXPECT_EQ(built.scenario->last_day(), 0);
  EXPECT_THAT(built.scenario->sites, IsEmpty());
}

TEST(ScenarioSchema, ResolvesScalarsByTheCoreSchema) {
  auto type_of = [](const char* text, bool quoted = false) {
    SourceNode node;
    node.kind = SourceNode::Kind::kScalar;
    node.scalar = text;
    node.quoted = quoted;
    return resolve_scalar(node).type;
  };
  EXPECT_EQ(type_of("~"), ScalarType::kNull);
  EXPECT_EQ(type_of("NULL"), ScalarType::kNull);
  EXPECT_EQ(type_of("nULL"), ScalarType::kString);
  EXPECT_EQ(type_of("True"), ScalarType::kBool);
  EXPECT_EQ(type_of("yes"), ScalarType::kString);  // YAML 1.1 only
  EXPECT_EQ(type_of("-12"), ScalarType::kInt);
  EXPECT_EQ(type_of("0o17"), ScalarType::kInt);
  EXPECT_EQ(type_of("0x1F"), ScalarType::kInt);
  EXPECT_EQ(type_of("0b101"), ScalarType::kString);  // not core schema
  EXPECT_EQ(type_of("12.0"), ScalarType::kFloat);
  EXPECT_EQ(type_of("1e3"), ScalarType::kFloat);
  EXPECT_EQ(type_of(".5"), ScalarType::kFloat);
  EXPECT_EQ(type_of("-.inf"), ScalarType::kFloat);
  EXPECT_EQ(type_of(".NaN"), ScalarType::kFloat);
  EXPECT_EQ(type_of("1_000"), ScalarType::kString);
  EXPECT_EQ(type_of("2024-07-01"), ScalarType::kString);
  EXPECT_EQ(type_of("12", true), ScalarType::kString);

  SourceNode octal;
  octal.kind = SourceNode::Kind::kScalar;
  octal.scalar = "0o17";
  EXPECT_EQ(resolve_scalar(octal).integer, 15);
  octal.scalar = "99999999999999999999";
  EXPECT_TRUE(resolve_scalar(octal).overflow);
}

TEST(ScenarioSchema, IntegersRejectFloatsAndStrings) {
  EXPECT_THAT(errors_of("sites:\n"
                        "  gts: {owner: tesla, phases: {h: {gpus: 12.0}}}\n"
                        "orders:\n"
                        "  o: {owner: tesla, sku: H100, quantity: \"12\", ship: 2024-02-01, lots: 1e0}\n"),
              ElementsAre("t.yaml:7:42: error: sites.gts.phases.h.gpus: expected an integer, got 12.0",
                          "t.yaml:9:42: error: orders.o.quantity: expected an integer, got \"12\"",
                          "t.yaml:9:72: error: orders.o.lots: expected an integer, got 1e0"));
}

TEST(ScenarioSchema, RejectsNonFiniteNumbers) {
  EXPECT_THAT(errors_of("sites:\n  gts: {owner: tesla, pue: .inf}\n"
                        "risks:\n  r: {probability: .nan, delays: []}\n"),
              ElementsAre("t.yaml:7:28: error: sites.gts.pue: expected a finite number, got .inf",
                          "t.yaml:9:20: error: risks.r.probability: expected a finite number, got .nan"));
}

TEST(ScenarioSchema, DatesAndNumbersAreNotInterchangeable) {
  EXPECT_THAT(errors_of("orders:\n"
                        "  o: {owner: tesla, sku: H100, quantity: 5, ship: 45000, transit_days: 2024-01-05}\n"),
              ElementsAre("t.yaml:7:51: error: orders.o.ship: expected a date (YYYY-MM-DD), got 45000",
                          "t.yaml:7:72: error: orders.o.transit_days: expected a number, got \"2024-01-05\""));
  EXPECT_THAT(errors_of("construction:\n  a: {start: 2024-02-30, days: 1}\n"),
              ElementsAre("t.yaml:7:14: error: construction.a.start: expected a date (YYYY-MM-DD), got "
                          "\"2024-02-30\""));
}

TEST(ScenarioSchema, MissingKeysAreReportedAtTheParentMap) {
  EXPECT_THAT(build("description: no name\n").errors, ElementsAre("t.yaml:1:1: error: missing required key \"end\"",
                                                                  "t.yaml:1:1: error: missing required key \"name\"",
                                                                  "t.yaml:1:1: error: missing required key \"start\""));
  EXPECT_THAT(errors_of("orders:\n  o: {sku: H100, quantity: 5}\n"),
              ElementsAre("t.yaml:7:6: error: orders.o: missing required key \"owner\"",
                          "t.yaml:7:6: error: orders.o: missing required key \"ship\""));
}

TEST(ScenarioSchema, UnknownKeysSuggestTheClosestKnownKey) {
  EXPECT_THAT(errors_of("sites:\n  gts: {owner: tesla, prioirty: 1, colour: red}\n"),
              ElementsAre("t.yaml:7:23: error: sites.gts.prioirty: unknown key \"prioirty\" (did you mean "
                          "\"priority\"?)",
                          "t.yaml:7:36: error: sites.gts.colour: unknown key \"colour\""));
  EXPECT_THAT(errors_of("orders:\n  o: {owner: tesla, sku: H100, quantity: 5, ship: {trianglar: [1, 2, 3]}}\n"),
              ElementsAre("t.yaml:7:51: error: orders.o.ship: expected a date or a distribution (uniform, "
                          "triangular, pert, normal, lognormal or discrete)",
                          "t.yaml:7:52: error: orders.o.ship.trianglar: unknown key \"trianglar\" (did you mean "
                          "\"triangular\"?)"));
}

TEST(ScenarioSchema, ReferencesResolveWithSuggestions) {
  EXPECT_THAT(errors_of("sites:\n  gts: {owner: telsa, initial: {H100-SXM: 5}}\n"
                        "orders:\n  o: {owner: tesla, sku: H100, quantity: 5, ship: 2024-02-01, site: gtx}\n"),
              ElementsAre("t.yaml:7:16: error: sites.gts.owner: unknown owner \"telsa\" (did you mean \"tesla\"?)",
                          "t.yaml:7:33: error: sites.gts.initial.H100-SXM: unknown sku \"H100-SXM\"",
                          "t.yaml:9:69: error: orders.o.site: unknown site \"gtx\" (did you mean \"gts\"?)"));
}

TEST(ScenarioSchema, AMalformedCollectionDoesNotCascade) {
  // `owners` is a list: one error for it, none for the references into it.
  const std::string yaml =
      "name: t\nstart: 2024-01-01\nend: 2024-12-31\nskus: {H100: {power_kw: 1}}\nowners: [tesla]\n"
      "sites:\n  gts: {owner: tesla}\n";
  EXPECT_THAT(build(yaml).errors, ElementsAre("t.yaml:5:9: error: owners: expected a map, got a list"));
}

TEST(ScenarioSchema, SiteMustBelongToTheOwner) {
  EXPECT_THAT(errors_of("sites:\n  gts: {owner: tesla}\n  colossus: {owner: x}\n"
                        "orders:\n  o: {owner: tesla, sku: H100, quantity: 5, ship: 2024-02-01, site: colossus}\n"
                        "redirections:\n  r: {date: 2024-01-10, order: o, to: x, site: gts}\n"),
              ElementsAre("t.yaml:10:69: error: orders.o.site: site \"colossus\" belongs to owner \"x\", not to "
                          "\"tesla\"",
                          "t.yaml:12:48: error: redirections.r.site: site \"gts\" belongs to owner \"tesla\", "
                          "not to \"x\""));
}

TEST(ScenarioSchema, DistributionShapesAreChecked) {
  EXPECT_THAT(errors_of("construction:\n"
                        "  a: {days: {triangular: [5, 3, 9]}}\n"
                        "  b: {days: {uniform: [1]}}\n"
                        "  c: {days: {lognormal: {median: 10, p90: 5}}}\n"
                        "  d: {days: {normal: [5, -1]}}\n"
                        "  e: {days: {discrete: [[1, 0.5], [2, 0.4]]}}\n"
                        "  f: {days: {pert: [-1, 0, 1]}}\n"
                        "  g: {days: 1, start: {lognormal: {median: 2024-01-01, p90: 2024-02-01}}}\n"),
              ElementsAre("t.yaml:7:26: error: construction.a.days: triangular needs min <= mode <= max, got "
                          "[5, 3, 9]",
                          "t.yaml:8:23: error: construction.b.days: uniform expects a list of 2 values [a, b], "
                          "got 1 values",
                          "t.yaml:9:25: error: construction.c.days: lognormal needs p90 > median > 0, got median "
                          "10, p90 5",
                          "t.yaml:10:26: error: construction.d.days: must be >= 0, got -1",
                          "t.yaml:11:24: error: construction.e.days: discrete probabilities must sum to 1, got "
                          "0.9",
                          "t.yaml:12:21: error: construction.f.days: must be >= 0, got -1",
                          "t.yaml:13:24: error: construction.g.start: lognormal is not allowed for a date"));
}

TEST(ScenarioSchema, SlipMayBeNegativeButOtherDurationsMayNot) {
  EXPECT_THAT(errors_of("orders:\n  o: {owner: tesla, sku: H100, quantity: 5, ship: 2024-02-01, slip_days: -3,"
                        " transit_days: -1}\n"),
              ElementsAre("t.yaml:7:92: error: orders.o.transit_days: must be >= 0, got -1"));
}

TEST(ScenarioSchema, RangesOfInstallAndSites) {
  EXPECT_THAT(errors_of("sites:\n  gts:\n    owner: tesla\n    pue: 0.9\n"
                        "    install: {crews: 0, rate: 0.5, failure_rate: 1}\n"),
              ElementsAre("t.yaml:9:10: error: sites.gts.pue: must be >= 1, got 0.9",
                          "t.yaml:10:22: error: sites.gts.install.crews: must be >= 1, got 0",
                          "t.yaml:10:31: error: sites.gts.install.rate: must be >= 1, got 0.5",
                          "t.yaml:10:50: error: sites.gts.install.failure_rate: must be in [0, 1), got 1"));
}

TEST(ScenarioSchema, CountsAndTotalLotsAreLimited) {
  LoaderLimits limits;
  limits.max_total_lots = 10;
  EXPECT_THAT(errors_of("orders:\n"
                        "  a: {owner: tesla, sku: H100, quantity: 2000000000, ship: 2024-02-01}\n"
                        "  b: {owner: tesla, sku: H100, quantity: 100, ship: 2024-02-01, lots: 6}\n"
                        "  c: {owner: tesla, sku: H100, quantity: 100, ship: 2024-02-01, lots: 5}\n",
                        limits),
              ElementsAre("t.yaml:7:3: error: orders: total lots over all orders (12) exceed the limit of 10",
                          "t.yaml:7:42: error: orders.a.quantity: exceeds the limit of 1000000000 on counts, got "
                          "2000000000"));
  EXPECT_THAT(errors_of("orders:\n  a: {owner: tesla, sku: H100, quantity: 5, ship: 2024-02-01, lots: 6}\n"),
              ElementsAre("t.yaml:7:69: error: orders.a.lots: must be <= quantity (5), got 6"));
}

TEST(ScenarioSchema, ConstructionCycleIsNamed) {
  EXPECT_THAT(errors_of("construction:\n  b: {after: [a], days: 1}\n  a: {after: c, days: 1}\n"
                        "  c: {after: [b, nope], days: 1}\n"),
              ElementsAre("t.yaml:8:3: error: construction.a: construction graph has a cycle: a -> b -> c -> a",
                          "t.yaml:9:18: error: construction.c.after.1: unknown construction task \"nope\""));
}

TEST(ScenarioSchema, EndBeforeStartAndBadIds) {
  EXPECT_THAT(build("name: t\nstart: 2024-01-02\nend: 2024-01-01\nowners: {a b: {}, ok: {}}\n").errors,
              ElementsAre("t.yaml:3:6: error: end: must be on or after start 2024-01-02, got 2024-01-01",
                          "t.yaml:4:10: error: owners: invalid id \"a b\" (ids match [A-Za-z0-9_-]+)"));
}

TEST(ScenarioSchema, CorrelationsNameDistinctInputsAndArePositiveDefinite) {
  const std::string tasks = "construction:\n  a: {days: 1}\n  b: {days: 2}\n  c: {days: 3}\n";
  EXPECT_THAT(errors_of(tasks + "correlations:\n"
                                "  - {between: [construction.a.days, construction.b.days], rho: 0.9}\n"
                                "  - {between: [construction.b.days, construction.c.days], rho: 0.9}\n"
                                "  - {between: [construction.a.days, construction.c.days], rho: -0.9}\n"),
              ElementsAre("t.yaml:11:3: error: correlations: correlation matrix is not positive definite (inputs: "
                          "construction.a.days, construction.b.days, construction.c.days)"));
  EXPECT_THAT(errors_of(tasks + "correlations:\n"
                                "  - {between: [construction.a.day, construction.b.days], rho: 1}\n"
                                "  - {between: [construction.c.days, construction.c.days], rho: 0.1}\n"
                                "  - {between: [construction.b.days, construction.c.days], rho: 0.1}\n"
                                "  - {between: [construction.c.days, construction.b.days], rho: 0.2}\n"),
              ElementsAre("t.yaml:11:16: error: correlations.0.between.0: unknown distribution address "
                          "\"construction.a.day\" (did you mean \"construction.a.days\"?)",
                          "t.yaml:11:63: error: correlations.0.rho: must be in (-1, 1), got 1",
                          "t.yaml:12:15: error: correlations.1.between: an input cannot be correlated with "
                          "itself (\"construction.c.days\")",
                          "t.yaml:14:15: error: correlations.3.between: pair already correlated in "
                          "correlations.2"));
}

TEST(ScenarioSchema, RiskDelaysNeedExactlyOneTarget) {
  EXPECT_THAT(errors_of("construction:\n  a: {days: 1}\n"
                        "risks:\n  r:\n    probability: 1.5\n    delays:\n      - {days: 3}\n"
                        "      - {task: a, order: o, days: 3}\n"),
              ElementsAre("t.yaml:10:18: error: risks.r.probability: must be in [0, 1], got 1.5",
                          "t.yaml:12:9: error: risks.r.delays.0: needs exactly one of \"task\" or \"order\"",
                          "t.yaml:13:9: error: risks.r.delays.1: needs exactly one of \"task\" or \"order\""));
}

TEST(ScenarioSchema, PowerSourcesAreNonEmptyLists) {
  EXPECT_THAT(errors_of("sites:\n  gts:\n    owner: tesla\n    power:\n      grid: []\n"
                        "      solar: [{date: 2024-01-01}]\n"),
              ElementsAre("t.yaml:10:13: error: sites.gts.power.grid: expected a non-empty list of {date, mw} "
                          "steps, got an empty list",
                          "t.yaml:11:15: error: sites.gts.power.solar.0: missing required key \"mw\""));
}

/// `count` orders on consecutive lines, written in descending id order: the order at index i is
/// o(count - 1 - i). `change(i, sku, quantity, extra)` may alter an order's sku, quantity or add keys.
std::vector<std::string> order_lines(int count,
                                     const std::function<void(int, std::string&, std::string&, std::string&)>& change) {
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "o%04d", count - 1 - i);
    std::string sku = "H100";
    std::string quantity = "4";
    std::string extra;
    change(i, sku, quantity, extra);
    // Appended piece by piece: chains of `+` trip GCC 12's false -Wrestrict at -O2.
    std::string line = "  ";
    line.append(id).append(": {owner: tesla, sku: ").append(sku).append(", quantity: ").append(quantity);
    line.append(", ship: 2024-03-01, lots: 2").append(extra).append("}\n");
    lines.push_back(line);
  }
  return lines;
}

/// 1-based column of the value of `key` in `line` (`key: value`).
std::string value_column(const std::string& line, const std::string& key) {
  return std::to_string(line.find(key + ": ") + key.size() + 3);
}

TEST(ScenarioSchema, ManyOrdersAreReadLikeFew) {
  // 3,000 orders: enough for the schema to read them on two threads, half each. They are on lines
  // 9..3008 (the header takes 1-5, sites 6-7, `orders:` 8): index i is on line 9 + i. The first half
  // (indices 0..1499) holds ids o2999..o1500, the second o1499..o0000.
  const std::string sites = "sites:\n  s1: {owner: x}\norders:\n";
  const auto valid = order_lines(3000, [](int, std::string&, std::string&, std::string&) {});
  std::string text = sites;
  for (const std::string& line : valid) text += line;
  const Built built = build(std::string(kHeader) + text);
  ASSERT_THAT(built.errors, IsEmpty());
  const std::vector<Order>& orders = built.scenario->orders;
  ASSERT_EQ(orders.size(), 3000u);
  EXPECT_EQ(orders.front().id, "o0000");  // sorted by id, whichever half read them
  EXPECT_EQ(orders.back().id, "o2999");
  EXPECT_EQ(orders[1500].id, "o1500");
  EXPECT_EQ(orders.front().ship.address, "orders.o0000.ship");
  EXPECT_EQ(orders.front().lots, 2);
  EXPECT_EQ(orders.back().transit_days.address, "orders.o2999.transit_days");

  // Problems in both halves; a correlation names addresses from both; the total of lots adds both.
  const auto lines = order_lines(3000, [](int i, std::string& sku, std::string& quantity, std::string& extra) {
    if (i == 10) sku = "H999";           // o2989, line 19
    if (i == 2500) quantity = "0";       // o0499, line 2509
    if (i == 2600) extra = ", site: s1"; // o0399, line 2609: s1 belongs to x
  });
  text = sites;
  for (const std::string& line : lines) text += line;
  const std::string bad_pair = "  - {between: [orders.o0005.ship, orders.o0006.shipp], rho: 0.5}\n";
  text += "correlations:\n";                                                 // line 3009
  text += "  - {between: [orders.o0005.ship, orders.o2990.ship], rho: 0.5}\n";  // line 3010
  text += bad_pair;                                                           // line 3011
  LoaderLimits limits;
  limits.max_total_lots = 5999;  // 3,000 orders of 2 lots
  EXPECT_THAT(errors_of(text, limits),
              ElementsAre("t.yaml:9:3: error: orders: total lots over all orders (6000) exceed the limit of 5999",
                          "t.yaml:19:" + value_column(lines[10], "sku") +
                              ": error: orders.o2989.sku: unknown sku \"H999\"",
                          "t.yaml:2509:" + value_column(lines[2500], "quantity") +
                              ": error: orders.o0499.quantity: must be >= 1, got 0",
                          "t.yaml:2609:" + value_column(lines[2600], "site") +
                              ": error: orders.o0399.site: site \"s1\" belongs to owner \"x\", not to \"tesla\"",
                          "t.yaml:3011:" + std::to_string(bad_pair.find("orders.o0006") + 1) +
                              ": error: correlations.1.between.1: unknown distribution address "
                              "\"orders.o0006.shipp\" (did you mean \"orders.o0006.ship\"?)"));
}

TEST(DidYouMean, SuggestsOnlyCloseCandidates) {
  EXPECT_EQ(edit_distance("prioirty", "priority"), 1u);  // one transposition
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(suggest("prioirty", {"owner", "priority", "pue"}), std::optional<std::string>("priority"));
  EXPECT_EQ(suggest("colour", {"owner", "priority", "pue"}), std::nullopt);
  EXPECT_EQ(suggest("ab", {"to"}), std::nullopt);  // distance 2 on a short key is no suggestion
  EXPECT_EQ(suggest("owner", {"owner"}), std::nullopt);
  EXPECT_EQ(did_you_mean("gpu", {"gpus"}), " (did you mean \"gpus\"?)");
}

}  // namespace
}  // namespace poweron
