#include "poweron/construction_graph.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands.hpp"

#include "poweron/date.hpp"
#include "poweron/result.hpp"

namespace poweron {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Task task(std::string id, std::vector<std::string> after = {}) {
  Task t;
  t.id = std::move(id);
  t.after = std::move(after);
  return t;
}

TEST(ConstructionGraph, FindsTwoCycle) {
  // a after b, b after a: edges b -> a and a -> b.
  EXPECT_THAT(find_cycle({task("a", {"b"}), task("b", {"a"})}), ElementsAre("a", "b", "a"));
}

TEST(ConstructionGraph, FindsThreeCycleInEdgeOrderStartingAtSmallestId) {
  // Edges c -> a (a after c), a -> b, b -> c: the cycle a -> b -> c -> a. A fourth task hangs off it.
  const std::vector<Task> tasks{task("a", {"c"}), task("b", {"a"}), task("c", {"b"}), task("d", {"c"})};
  const auto cycle = find_cycle(tasks);
  EXPECT_THAT(cycle, ElementsAre("a", "b", "c", "a"));
  EXPECT_EQ(format_cycle(cycle), "a -> b -> c -> a");
}

TEST(ConstructionGraph, FindsSelfLoop) {
  EXPECT_THAT(find_cycle({task("a"), task("b", {"b"})}), ElementsAre("b", "b"));
}

TEST(ConstructionGraph, FindsCycleAwayFromFirstTask) {
  // "a" is acyclic and visited first; the cycle y -> z -> y is found later and rotated to start at y.
  EXPECT_THAT(find_cycle({task("a"), task("m", {"a"}), task("y", {"z", "m"}), task("z", {"y"})}),
              ElementsAre("y", "z", "y"));
}

TEST(ConstructionGraph, AcyclicGivesEmptyAndIgnoresUnknownIds) {
  EXPECT_THAT(find_cycle({}), IsEmpty());
  EXPECT_THAT(find_cycle({task("a"), task("b", {"a", "nope"}), task("c", {"a", "b"})}), IsEmpty());
}

TEST(ConstructionGraph, ConstructorRejectsCycleAndUnknownReference) {
  EXPECT_THROW(ConstructionGraph({task("a", {"b"}), task("b", {"a"})}), InternalError);
  EXPECT_THROW(ConstructionGraph({task("a", {"ghost"})}), InternalError);
}

TEST(ConstructionGraph, TopologicalOrderRespectsEveryEdge) {
  // Edges deliberately point from later ids to earlier ones, so index order would be wrong.
  const std::vector<Task> tasks{task("a", {"z", "m"}), task("b", {"a"}), task("c"), task("m", {"z", "c"}),
                                task("z"), task("q", {"b", "b"})};
  const ConstructionGraph graph(tasks);
  const auto& order = graph.topological_order();
  ASSERT_EQ(order.size(), tasks.size());
  std::vector<std::size_t> position(tasks.size(), tasks.size());
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    ASSERT_LT(position[t], tasks.size()) << "task " << tasks[t].id << " missing from the order";
    for (std::size_t pred : graph.predecessors(t)) {
      EXPECT_LT(position[pred], position[t]) << tasks[pred].id << " -> " << tasks[t].id;
    }
  }
  EXPECT_THAT(graph.predecessors(5), ElementsAre(1u));  // duplicate `after` entries collapse
}

// The diamond a -> {b, c} -> d:
//   a: start 10, 5 days        -> [10, 15]
//   b: after a, 3 days         -> [15, 18]
//   c: after a, start 20, 4 d. -> [20, 24]  (its own start binds: 20 > 15)
//   d: after b and c, 2 days   -> [24, 26]  (c binds: 24 > 18)
class ConstructionGraphDiamond : public ::testing::Test {
 protected:
  const std::vector<Task> tasks_{task("a"), task("b", {"a"}), task("c", {"a"}), task("d", {"b", "c"})};
  const ConstructionGraph graph_{tasks_};
};

TEST_F(ConstructionGraphDiamond, ScheduleByHand) {
  const auto schedule = graph_.schedule({10.0, std::nullopt, 20.0, std::nullopt}, {5, 3, 4, 2});
  EXPECT_THAT(schedule.start, ElementsAre(10, 15, 20, 24));
  EXPECT_THAT(schedule.finish, ElementsAre(15, 18, 24, 26));
}

TEST_F(ConstructionGraphDiamond, NoStartConstraintMeansDayZero) {
  // a starts at day 0; b [2, 3]; c [2, 7]; d [7, 8].
  const auto schedule = graph_.schedule({std::nullopt, std::nullopt, std::nullopt, std::nullopt}, {2, 1, 5, 1});
  EXPECT_THAT(schedule.start, ElementsAre(0, 2, 2, 7));
  EXPECT_THAT(schedule.finish, ElementsAre(2, 3, 7, 8));
}

TEST_F(ConstructionGraphDiamond, StartConstraintBeforeDayZeroIsKept) {
  // A task dated before the scenario start starts at its (negative) time.
  const auto schedule = graph_.schedule({-5.0, std::nullopt, std::nullopt, std::nullopt}, {2, 1, 1, 1});
  EXPECT_THAT(schedule.start, ElementsAre(-5, -3, -3, -2));
}

TEST_F(ConstructionGraphDiamond, ScheduleRejectsWrongSizes) {
  EXPECT_THROW((void)graph_.schedule({std::nullopt}, {1, 2, 3, 4}), InternalError);
}

TEST_F(ConstructionGraphDiamond, CriticalPathStopsAtBindingStartConstraint) {
  const auto schedule = graph_.schedule({10.0, std::nullopt, 20.0, std::nullopt}, {5, 3, 4, 2});
  EXPECT_THAT(graph_.critical_path_to(3, schedule), ElementsAre(2u, 3u));  // c, d: c's own start binds
  EXPECT_THAT(graph_.critical_path_to(1, schedule), ElementsAre(0u, 1u));  // a, b
  EXPECT_THAT(graph_.critical_path_to(0, schedule), ElementsAre(0u));
}

TEST_F(ConstructionGraphDiamond, CriticalPathFollowsAllTiedPredecessors) {
  // b and c both finish at 15 (a [0,10], b [10,15], c [10,15]); d [15,16]: every task is critical.
  const auto schedule = graph_.schedule({std::nullopt, std::nullopt, std::nullopt, std::nullopt}, {10, 5, 5, 1});
  EXPECT_THAT(graph_.critical_path_to(3, schedule), ElementsAre(0u, 1u, 2u, 3u));
}

TEST_F(ConstructionGraphDiamond, CriticalPathIncludesPredecessorTiedWithStartConstraint) {
  // c's start constraint (10) equals a's finish (10): a still binds c, so a is on the path to d.
  const auto schedule = graph_.schedule({std::nullopt, std::nullopt, 10.0, std::nullopt}, {10, 1, 5, 1});
  EXPECT_THAT(graph_.critical_path_to(3, schedule), ElementsAre(0u, 2u, 3u));
}

TEST_F(ConstructionGraphDiamond, CriticalPathRejectsBadIndex) {
  const auto schedule = graph_.schedule({std::nullopt, std::nullopt, std::nullopt, std::nullopt}, {1, 1, 1, 1});
  EXPECT_THROW((void)graph_.critical_path_to(4, schedule), InternalError);
}

Task timed(std::string id, std::vector<std::string> after, double days, std::optional<const char*> start = {}) {
  Task t = task(std::move(id), std::move(after));
  t.days = Distribution::constant(days);
  if (start) {
    t.start = Distribution::constant(*parse_date(*start));
    t.start->is_date = true;
  }
  return t;
}

Phase phase(std::string id, std::optional<std::string> after) {
  Phase p;
  p.id = std::move(id);
  p.gpus = 100;
  p.ready.after = std::move(after);
  p.ready.date = Distribution::constant(*parse_date("2024-01-01"));
  p.ready.date.is_date = true;
  return p;
}

// Start 2024-01-01 (day 0). By hand:
//   shell:      start 2024-03-01 = day 60, 120 days -> [60, 180]    = 2024-03-01 .. 2024-06-29
//   road:       day 0, 10.5 days                 -> [0, 10.5]       = 2024-01-01 .. 2024-01-11 (floor)
//   power-line: after road, 30 days              -> [10.5, 40.5]    = 2024-01-11 .. 2024-02-10
//   fitout:     after shell and power-line, 45 d -> [180, 225]      = 2024-06-29 .. 2024-08-13
// gts/hall2 waits on fitout (ready 2024-08-13): the critical path to fitout is shell -> fitout; power-line
// finishes early, so it, road and their edges stay black. gts/hall1 has a date, so it gets no box.
Scenario dot_scenario() {
  Scenario s;
  s.start = *parse_date("2024-01-01");
  s.end = *parse_date("2024-12-31");
  s.construction = {timed("fitout", {"shell", "power-line"}, 45), timed("power-line", {"road"}, 30),
                    timed("road", {}, 10.5), timed("shell", {}, 120, "2024-03-01")};
  Site site;
  site.id = "gts";
  site.owner = "tesla";
  site.phases = {phase("hall1", std::nullopt), phase("hall2", "fitout")};
  s.sites = {site};
  return s;
}

TEST(ConstructionGraphDot, SmallScenarioExactOutput) {
  EXPECT_EQ(construction_dot(dot_scenario()),
            "digraph construction {\n"
            "  rankdir=LR;\n"
            "  \"fitout\" [label=\"fitout\\n2024-06-29 .. 2024-08-13\", color=red];\n"
            "  \"power-line\" [label=\"power-line\\n2024-01-11 .. 2024-02-10\"];\n"
            "  \"road\" [label=\"road\\n2024-01-01 .. 2024-01-11\"];\n"
            "  \"shell\" [label=\"shell\\n2024-03-01 .. 2024-06-29\", color=red];\n"
            "  \"shell\" -> \"fitout\" [color=red];\n"
            "  \"power-line\" -> \"fitout\";\n"
            "  \"road\" -> \"power-line\";\n"
            "  \"gts/hall2\" [shape=box, label=\"gts/hall2\\nready 2024-08-13\"];\n"
            "  \"fitout\" -> \"gts/hall2\";\n"
            "}\n");
}

TEST(ConstructionGraphDot, WithoutPhasesTheLatestFinishingTaskEndsThePath) {
  // a [0, 5], b after a [5, 6], c [0, 10]: c finishes last, so only c is red.
  Scenario s;
  s.start = *parse_date("2024-01-01");
  s.end = *parse_date("2024-12-31");
  s.construction = {timed("a", {}, 5), timed("b", {"a"}, 1), timed("c", {}, 10)};
  const std::string dot = construction_dot(s);
  EXPECT_NE(dot.find("  \"c\" [label=\"c\\n2024-01-01 .. 2024-01-11\", color=red];\n"), std::string::npos) << dot;
  EXPECT_NE(dot.find("  \"a\" -> \"b\";\n"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("color=red", dot.find("color=red") + 1), std::string::npos) << dot;  // only once
  EXPECT_EQ(dot.find("shape=box"), std::string::npos);
}

TEST(ConstructionGraphDot, EmptyConstruction) {
  Scenario s;
  s.start = *parse_date("2024-01-01");
  s.end = s.start;
  EXPECT_EQ(construction_dot(s), "digraph construction {\n  rankdir=LR;\n}\n");
}

// `poweron graph` through the command function, on a YAML file. By hand (start 2024-01-01):
//   a: start 2024-02-01, triangular mode 10 days -> 2024-02-01 .. 2024-02-11
//   b: after a, 30 days -> 2024-02-11 .. 2024-03-12 (2024 is a leap year); gts/hall ready b + 2 = 2024-03-14
//   with --set construction.b.days=5: b ends 2024-02-16, hall ready 2024-02-18.
class GraphCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    // One file per test, so tests run in parallel processes do not share it.
    path_ = std::filesystem::path(::testing::TempDir()) /
            (std::string("poweron_graph_command_") +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
    std::ofstream(path_) << "name: dot\nstart: 2024-01-01\nend: 2024-12-31\n"
                            "skus:\n  H100: {power_kw: 1.4}\nowners:\n  tesla: {}\n"
                            "sites:\n  gts: {owner: tesla, phases: {hall: {gpus: 1000, ready: {after: b, lag_days: 2}}}}\n"
                            "construction:\n"
                            "  a: {start: 2024-02-01, days: {triangular: [5, 10, 20]}}\n"
                            "  b: {after: [a], days: 30}\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }

  int run(std::vector<std::string> overrides = {}) {
    return cli::graph_command({path_.string(), std::move(overrides)}, out_, err_);
  }

  std::filesystem::path path_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(GraphCommand, PrintsDotForScenarioFile) {
  ASSERT_EQ(run(), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "digraph construction {\n"
            "  rankdir=LR;\n"
            "  \"a\" [label=\"a\\n2024-02-01 .. 2024-02-11\", color=red];\n"
            "  \"b\" [label=\"b\\n2024-02-11 .. 2024-03-12\", color=red];\n"
            "  \"a\" -> \"b\" [color=red];\n"
            "  \"gts/hall\" [shape=box, label=\"gts/hall\\nready 2024-03-14\"];\n"
            "  \"b\" -> \"gts/hall\";\n"
            "}\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(GraphCommand, AppliesOverrides) {
  ASSERT_EQ(run({"construction.b.days=5"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("b\\n2024-02-11 .. 2024-02-16"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("gts/hall\\nready 2024-02-18"), std::string::npos) << out_.str();
}

TEST_F(GraphCommand, InvalidScenarioPrintsDiagnosticsAndExits2) {
  // A self-loop: the loader names the cycle as find_cycle does.
  std::ofstream(path_, std::ios::app) << "  c: {after: [c], days: 1}\n";
  EXPECT_EQ(run(), 2);
  EXPECT_EQ(out_.str(), "");
  EXPECT_NE(err_.str().find("c -> c"), std::string::npos) << err_.str();
}

TEST_F(GraphCommand, UnreadableFileExits1) {
  std::filesystem::remove(path_);
  EXPECT_EQ(run(), 1);
  EXPECT_NE(err_.str().find(path_.filename().string()), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace poweron
