// The shipped scenarios (scenarios/*.yaml, scenarios/whatif/*.yaml) and the scenario generators.
//
// Every shipped file must load without a diagnostic; the base Tesla/X scenario must add up to the
// reported story (FACTS S3, S4, S5); each what-if must differ from the base only where its overlay says.
// The generators (tools/gen_world_hopper.py, tools/gen_large_scenario.py) are run with the Python 3
// standard library; those tests are skipped, with the reason, when no `python3` is found.
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "poweron/date.hpp"
#include "poweron/distribution.hpp"
#include "poweron/result.hpp"
#include "poweron/scenario.hpp"
#include "poweron/scenario_loader.hpp"

namespace poweron {
namespace {

using testing_support::run_shell;
using testing_support::shell_quote;

namespace fs = std::filesystem;

const fs::path kSourceDir = POWERON_SOURCE_DIR;
const fs::path kScenarios = kSourceDir / "scenarios";

std::string diagnostics_text(const Result<Scenario>& loaded) {
  std::string text;
  for (const Diagnostic& d : loaded.diagnostics()) text += format(d) + "\n";
  return text;
}

/// Loads a scenario that must be valid; fails the calling test otherwise.
Scenario load_ok(const fs::path& path) {
  Result<Scenario> loaded = load_scenario(path.string());
  EXPECT_TRUE(loaded.ok()) << path << ":\n" << diagnostics_text(loaded);
  if (!loaded.ok()) return Scenario{};
  return std::move(loaded).value();
}

/// The .yaml files directly in `dir`, sorted.
std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

template <typename T>
const T* find_id(const std::vector<T>& items, const std::string& id) {
  for (const T& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

template <typename T>
std::vector<std::string> ids(const std::vector<T>& items) {
  std::vector<std::string> result;
  for (const T& item : items) result.push_back(item.id);
  return result;
}

bool same_distribution(const Distribution& a, const Distribution& b) {
  return a.kind == b.kind && a.params == b.params && a.outcomes == b.outcomes && a.is_date == b.is_date;
}

/// Distribution `b` is `a` with every parameter moved by `days` (date-valued constants and triangles).
bool shifted_by(const Distribution& a, const Distribution& b, double days) {
  if (a.kind != b.kind || a.params.size() != b.params.size()) return false;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    if (b.params[i] != a.params[i] + days) return false;
  }
  return true;
}

Date day(const char* text) { return *parse_date(text); }

std::int64_t slots_of(const Site& site) {
  std::int64_t slots = 0;
  for (const InitialChips& chips : site.initial) slots += chips.count;
  for (const Phase& phase : site.phases) slots += phase.gpus;
  return slots;
}

void expect_same_orders(const Scenario& a, const Scenario& b) {
  ASSERT_EQ(ids(a.orders), ids(b.orders));
  for (std::size_t i = 0; i < a.orders.size(); ++i) {
    EXPECT_EQ(a.orders[i].owner, b.orders[i].owner) << a.orders[i].id;
    EXPECT_EQ(a.orders[i].quantity, b.orders[i].quantity) << a.orders[i].id;
    EXPECT_EQ(a.orders[i].lots, b.orders[i].lots) << a.orders[i].id;
    EXPECT_TRUE(same_distribution(a.orders[i].ship, b.orders[i].ship)) << a.orders[i].id;
  }
}

void expect_same_construction(const Scenario& a, const Scenario& b) {
  ASSERT_EQ(ids(a.construction), ids(b.construction));
  for (std::size_t i = 0; i < a.construction.size(); ++i) {
    EXPECT_EQ(a.construction[i].start.has_value(), b.construction[i].start.has_value());
    if (a.construction[i].start && b.construction[i].start) {
      EXPECT_TRUE(same_distribution(*a.construction[i].start, *b.construction[i].start)) << a.construction[i].id;
    }
    EXPECT_TRUE(same_distribution(a.construction[i].days, b.construction[i].days)) << a.construction[i].id;
    EXPECT_EQ(a.construction[i].after, b.construction[i].after) << a.construction[i].id;
  }
}

void expect_same_phases(const Site& a, const Site& b) {
  ASSERT_EQ(ids(a.phases), ids(b.phases)) << a.id;
  for (std::size_t i = 0; i < a.phases.size(); ++i) {
    EXPECT_EQ(a.phases[i].gpus, b.phases[i].gpus) << a.id << "." << a.phases[i].id;
    EXPECT_EQ(a.phases[i].ready.after, b.phases[i].ready.after) << a.id << "." << a.phases[i].id;
    EXPECT_TRUE(same_distribution(a.phases[i].ready.date, b.phases[i].ready.date)) << a.id << "." << a.phases[i].id;
  }
}

// ------------------------------------------------------------------------------------------- shell helpers



std::optional<std::string> find_python() { return testing_support::python_that_runs("import csv"); }

using testing_support::read_file;
using TempDir = testing_support::ScratchDir;

// ----------------------------------------------------------------------------------------------- tests

TEST(ShippedScenarios, FoldersHoldTheDocumentedFiles) {
  std::vector<std::string> names;
  for (const fs::path& p : yaml_files(kScenarios)) names.push_back(p.filename().string());
  for (const fs::path& p : yaml_files(kScenarios / "whatif")) names.push_back("whatif/" + p.filename().string());
  for (const char* expected : {"tesla_x_2024.yaml", "world_hopper.yaml", "whatif/no_swap.yaml",
                               "whatif/gts_late.yaml", "whatif/swap_gts_late.yaml", "whatif/no_swap_gts_late.yaml",
                               "whatif/x_no_rented.yaml"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(ShippedScenarios, EveryShippedFileLoadsWithoutDiagnostics) {
  std::vector<fs::path> files = yaml_files(kScenarios);
  const std::vector<fs::path> whatifs = yaml_files(kScenarios / "whatif");
  files.insert(files.end(), whatifs.begin(), whatifs.end());
  ASSERT_GE(files.size(), 7u);
  for (const fs::path& file : files) {
    const Result<Scenario> loaded = load_scenario(file.string());
    EXPECT_TRUE(loaded.ok()) << file << ":\n" << diagnostics_text(loaded);
    EXPECT_TRUE(loaded.diagnostics().empty()) << file << ":\n" << diagnostics_text(loaded);
  }
}

TEST(ShippedScenarios, BaseScenarioAddsUpToTheReportedStory) {
  const Scenario s = load_ok(kScenarios / "tesla_x_2024.yaml");
  ASSERT_FALSE(s.sites.empty());
  EXPECT_EQ(s.start, day("2023-12-01"));
  EXPECT_EQ(s.end, day("2025-03-31"));

  const Owner* tesla = find_id(s.owners, "tesla");
  ASSERT_NE(tesla, nullptr);
  const Target* fleet = find_id(tesla->targets, "fleet-85k");
  ASSERT_NE(fleet, nullptr);
  EXPECT_EQ(fleet->date, day("2024-12-31"));  // S3
  EXPECT_EQ(fleet->powered, 85000);            // S3, S4

  // Slots: 35k at Tesla's existing sites (S3, full per T5) + 50k in gts (S4) = 85k.
  std::int64_t existing = 0;
  for (const Site& site : s.sites) {
    if (site.owner == "tesla" && site.id != "gts") existing += slots_of(site);
  }
  EXPECT_EQ(existing, 35000);
  const Site* gts = find_id(s.sites, "gts");
  ASSERT_NE(gts, nullptr);
  EXPECT_EQ(slots_of(*gts), 50000);

  // Chips Tesla ends with: initial 10k + 5k, own orders 12k + 14k + 14k + 15k + 15k = 70k, minus the 12k
  // redirected to X, plus the 6k + 6k redirected from X (S5): 15k + 70k - 12k + 12k = 85k.
  std::int64_t tesla_chips = 0;
  for (const Site& site : s.sites) {
    if (site.owner != "tesla") continue;
    for (const InitialChips& chips : site.initial) tesla_chips += chips.count;
  }
  EXPECT_EQ(tesla_chips, 15000);
  for (const Order& order : s.orders) {
    if (order.owner == "tesla") tesla_chips += order.quantity;
  }
  ASSERT_EQ(s.redirections.size(), 3u);
  for (const Redirection& r : s.redirections) {
    const Order* order = find_id(s.orders, r.order);
    ASSERT_NE(order, nullptr) << r.id;
    ASSERT_TRUE(r.quantity.has_value()) << r.id;
    EXPECT_NE(order->owner, r.to) << r.id;
    if (order->owner == "tesla") tesla_chips -= *r.quantity;
    if (r.to == "tesla") {
      tesla_chips += *r.quantity;
      // X's orders go to Tesla before they ship: the redirection's latest date precedes the earliest ship date.
      EXPECT_LT(r.date.params.back(), order->ship.params.front()) << r.id;
    }
  }
  EXPECT_EQ(tesla_chips, 85000);

  const Redirection* to_x = find_id(s.redirections, "dec23-to-x");
  ASSERT_NE(to_x, nullptr);
  EXPECT_EQ(to_x->order, "tesla-dec23");
  EXPECT_EQ(to_x->to, "x");
  EXPECT_EQ(to_x->quantity, 12000);  // S5
}

TEST(ShippedScenarios, NoSwapOnlyDropsTheRedirections) {
  const Scenario base = load_ok(kScenarios / "tesla_x_2024.yaml");
  const Scenario no_swap = load_ok(kScenarios / "whatif" / "no_swap.yaml");
  EXPECT_EQ(base.redirections.size(), 3u);
  EXPECT_TRUE(no_swap.redirections.empty());
  EXPECT_NE(no_swap.name, base.name);
  EXPECT_EQ(ids(no_swap.sites), ids(base.sites));
  EXPECT_EQ(ids(no_swap.risks), ids(base.risks));
  expect_same_orders(base, no_swap);
  expect_same_construction(base, no_swap);
  for (std::size_t i = 0; i < base.sites.size() && i < no_swap.sites.size(); ++i) {
    expect_same_phases(base.sites[i], no_swap.sites[i]);
  }
}

TEST(ShippedScenarios, GtsLateShiftsOnlyGtsReadinessBy61Days) {
  const Scenario base = load_ok(kScenarios / "tesla_x_2024.yaml");
  const Scenario late = load_ok(kScenarios / "whatif" / "gts_late.yaml");
  const Site* gts = find_id(base.sites, "gts");
  const Site* gts_late = find_id(late.sites, "gts");
  ASSERT_NE(gts, nullptr);
  ASSERT_NE(gts_late, nullptr);
  const Phase* hall1 = find_id(gts->phases, "hall1");
  const Phase* hall1_late = find_id(gts_late->phases, "hall1");
  ASSERT_NE(hall1, nullptr);
  ASSERT_NE(hall1_late, nullptr);
  EXPECT_EQ(hall1_late->gpus, hall1->gpus);  // the overlay touches `ready` only; maps merge
  EXPECT_TRUE(shifted_by(hall1->ready.date, hall1_late->ready.date, 61));
  for (const char* task : {"hall2-shell", "hall2-electrical"}) {
    const Task* a = find_id(base.construction, task);
    const Task* b = find_id(late.construction, task);
    ASSERT_TRUE(a != nullptr && b != nullptr && a->start && b->start) << task;
    EXPECT_TRUE(shifted_by(*a->start, *b->start, 61)) << task;
    EXPECT_TRUE(same_distribution(a->days, b->days)) << task;
  }
  const Task* fitout = find_id(base.construction, "hall2-fitout");
  const Task* fitout_late = find_id(late.construction, "hall2-fitout");
  ASSERT_TRUE(fitout != nullptr && fitout_late != nullptr);
  EXPECT_EQ(fitout_late->after, fitout->after);
  // Power, orders, redirections and the other sites are untouched.
  ASSERT_TRUE(gts->power.has_value() && gts_late->power.has_value());
  ASSERT_EQ(gts->power->size(), gts_late->power->size());
  for (std::size_t i = 0; i < gts->power->size(); ++i) {
    ASSERT_EQ((*gts->power)[i].steps.size(), (*gts_late->power)[i].steps.size());
    for (std::size_t k = 0; k < (*gts->power)[i].steps.size(); ++k) {
      EXPECT_TRUE(same_distribution((*gts->power)[i].steps[k].date, (*gts_late->power)[i].steps[k].date));
    }
  }
  expect_same_orders(base, late);
  EXPECT_EQ(ids(late.redirections), ids(base.redirections));
  ASSERT_EQ(ids(late.sites), ids(base.sites));
  for (std::size_t i = 0; i < base.sites.size(); ++i) {
    if (base.sites[i].id != "gts") expect_same_phases(base.sites[i], late.sites[i]);
  }
}

TEST(ShippedScenarios, SwapGtsLateIsGtsLateWithTheSwapAndNoSwapGtsLateDropsIt) {
  const Scenario late = load_ok(kScenarios / "whatif" / "gts_late.yaml");
  const Scenario swap_late = load_ok(kScenarios / "whatif" / "swap_gts_late.yaml");
  const Scenario no_swap_late = load_ok(kScenarios / "whatif" / "no_swap_gts_late.yaml");
  EXPECT_EQ(ids(swap_late.redirections), ids(late.redirections));
  EXPECT_EQ(swap_late.redirections.size(), 3u);
  EXPECT_TRUE(no_swap_late.redirections.empty());
  for (const Scenario* s : {&swap_late, &no_swap_late}) {
    expect_same_construction(late, *s);
    expect_same_orders(late, *s);
    ASSERT_EQ(ids(s->sites), ids(late.sites));
    for (std::size_t i = 0; i < late.sites.size(); ++i) expect_same_phases(late.sites[i], s->sites[i]);
  }
  EXPECT_NE(swap_late.name, late.name);
}

TEST(ShippedScenarios, XNoRentedOnlyRemovesTheRentedSite) {
  const Scenario base = load_ok(kScenarios / "tesla_x_2024.yaml");
  const Scenario no_rented = load_ok(kScenarios / "whatif" / "x_no_rented.yaml");
  ASSERT_NE(find_id(base.sites, "x-rented"), nullptr);
  EXPECT_EQ(find_id(no_rented.sites, "x-rented"), nullptr);
  std::vector<std::string> expected = ids(base.sites);
  expected.erase(std::find(expected.begin(), expected.end(), "x-rented"));
  EXPECT_EQ(ids(no_rented.sites), expected);
  expect_same_orders(base, no_rented);
  EXPECT_EQ(ids(no_rented.redirections), ids(base.redirections));
}

TEST(ShippedScenarios, WorldHopperHasOneFixedOrderPerSite) {
  const Scenario s = load_ok(kScenarios / "world_hopper.yaml");
  ASSERT_FALSE(s.sites.empty());
  ASSERT_EQ(s.orders.size(), s.sites.size());
  for (const Site& site : s.sites) {
    const Order* order = find_id(s.orders, site.id);
    ASSERT_NE(order, nullptr) << site.id;
    EXPECT_EQ(order->site, site.id);
    EXPECT_EQ(order->owner, site.owner);
    ASSERT_EQ(site.phases.size(), 1u) << site.id;
    EXPECT_EQ(order->quantity, site.phases[0].gpus) << site.id;
    // The last lot arrives on the day the phase is ready (the generator's stated assumption):
    // first ship + (lots - 1) * interval + transit = ready.
    EXPECT_EQ(point_value(order->ship) + static_cast<double>(order->lots - 1) * order->lot_interval_days +
                  point_value(order->transit_days),
              point_value(site.phases[0].ready.date))
        << site.id;
  }
}

TEST(ShippedScenarios, WorldHopperIsExactlyWhatTheGeneratorWrites) {
  const auto python = find_python();
  if (!python) GTEST_SKIP() << "no python3 found";
  const fs::path data = kSourceDir / ".." / "shared" / "data";
  if (!fs::exists(data / "epoch_gpu_clusters.csv") || !fs::exists(data / "epoch_ml_hardware.csv")) {
    GTEST_SKIP() << "Epoch AI data not found at " << data;
  }
  TempDir out;
  const fs::path generated = out.path() / "world_hopper.yaml";
  const int code = run_shell(shell_quote(*python) + " " + shell_quote((kSourceDir / "tools" / "gen_world_hopper.py").string()) +
                             " " + shell_quote((data / "epoch_gpu_clusters.csv").string()) + " --hardware " +
                             shell_quote((data / "epoch_ml_hardware.csv").string()) + " -o " + shell_quote(generated.string()) +
                             " 2>/dev/null");
  ASSERT_EQ(code, 0);
  EXPECT_EQ(read_file(generated), read_file(kScenarios / "world_hopper.yaml"))
      << "scenarios/world_hopper.yaml is stale: rerun tools/gen_world_hopper.py";
}

TEST(LargeScenarioGenerator, WritesAValidScenarioOfTheRequestedSizeDeterministically) {
  const auto python = find_python();
  if (!python) GTEST_SKIP() << "no python3 found";
  TempDir out;
  const std::string command = shell_quote(*python) + " " +
                              shell_quote((kSourceDir / "tools" / "gen_large_scenario.py").string()) +
                              " --sites 40 --orders 120 --lots 500 --years 2 --seed 3 -o ";
  ASSERT_EQ(run_shell(command + shell_quote((out.path() / "a.yaml").string())), 0);
  ASSERT_EQ(run_shell(command + shell_quote((out.path() / "b.yaml").string())), 0);
  EXPECT_EQ(read_file(out.path() / "a.yaml"), read_file(out.path() / "b.yaml"));

  const Scenario s = load_ok(out.path() / "a.yaml");
  EXPECT_EQ(s.sites.size(), 40u);
  EXPECT_EQ(s.orders.size(), 120u);
  std::int64_t lots = 0;
  for (const Order& order : s.orders) lots += order.lots;
  EXPECT_EQ(lots, 500);
  // One owner per 20 sites, one redirection per 100 orders, a shell and a fit-out task per 50 sites
  // (at least one chain): 2 owners, 1 redirection, 2 tasks.
  EXPECT_EQ(s.owners.size(), 2u);
  EXPECT_EQ(s.redirections.size(), 1u);
  EXPECT_EQ(s.construction.size(), 2u);
  EXPECT_EQ(s.start, day("2024-01-01"));
  EXPECT_EQ(s.end, day("2025-12-31"));  // two calendar years
}

TEST(LargeScenarioGenerator, RejectsFewerLotsThanOrders) {
  const auto python = find_python();
  if (!python) GTEST_SKIP() << "no python3 found";
  const int code = run_shell(shell_quote(*python) + " " + shell_quote((kSourceDir / "tools" / "gen_large_scenario.py").string()) +
                             " --orders 10 --lots 5 >/dev/null 2>&1");
  EXPECT_EQ(code, 2);
}

}  // namespace
}  // namespace poweron
