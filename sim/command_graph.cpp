// `poweron graph`: the construction DAG as Graphviz DOT, critical path in red (SPEC 5, 6).
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string_view>

#include "commands.hpp"
#include "id_index.hpp"
#include "poweron/construction_graph.hpp"
#include "poweron/date.hpp"
#include "poweron/inputs.hpp"
#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"

namespace poweron {
namespace {

constexpr double kBindingTolerance = 1e-9;

// Text for a DOT double-quoted string. Ids are [A-Za-z0-9_-]+, but escape anyway so no input breaks
// the syntax.
std::string escaped(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (c == '"' || c == '\\') result += '\\';
    result += c;
  }
  return result;
}

std::string quoted(std::string_view text) { return '"' + escaped(text) + '"'; }

// A two-line label: DOT's `\n` escape separates the lines.
std::string label(std::string_view first, std::string_view second) {
  return '"' + escaped(first) + "\\n" + escaped(second) + '"';
}

std::string date_at(Date start, double time) {
  return format_date(static_cast<Date>(static_cast<std::int64_t>(start) + day_of(time)));
}

}  // namespace

std::string construction_dot(const Scenario& scenario) {
  const std::vector<Task>& tasks = scenario.construction;
  PointSampler sampler;
  const ResolvedInputs inputs = resolve_inputs(scenario, sampler);
  const ConstructionGraph graph(tasks);
  ConstructionGraph::Schedule schedule;
  for (const ResolvedTask& task : inputs.tasks) {
    schedule.start.push_back(task.start);
    schedule.finish.push_back(task.finish);
  }
  const IdIndex task_index(tasks);

  // Critical path ends: the tasks phases wait on, else the latest-finishing task (first by id).
  std::vector<std::size_t> ends;
  for (const Site& site : scenario.sites) {
    for (const Phase& phase : site.phases) {
      if (phase.ready.after) ends.push_back(task_index.at(*phase.ready.after, "task", "graph: sites." + site.id));
    }
  }
  if (ends.empty() && !tasks.empty()) {
    ends.push_back(static_cast<std::size_t>(
        std::max_element(schedule.finish.begin(), schedule.finish.end()) - schedule.finish.begin()));
  }
  std::vector<bool> critical(tasks.size(), false);
  for (std::size_t end : ends) {
    for (std::size_t i : graph.critical_path_to(end, schedule, kBindingTolerance)) critical[i] = true;
  }

  std::ostringstream dot;
  dot << "digraph construction {\n  rankdir=LR;\n";
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    dot << "  " << quoted(tasks[i].id) << " [label="
        << label(tasks[i].id,
                 date_at(scenario.start, schedule.start[i]) + " .. " + date_at(scenario.start, schedule.finish[i]))
        << (critical[i] ? ", color=red" : "") << "];\n";
  }
  // Edges in task id order, each task's predecessors as written; red when both ends are critical and
  // the predecessor's finish binds the task's start (the edge lies on a critical path).
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (std::size_t pred : graph.predecessors(i)) {
      const bool red = critical[i] && std::fabs(schedule.finish[pred] - schedule.start[i]) <= kBindingTolerance;
      dot << "  " << quoted(tasks[pred].id) << " -> " << quoted(tasks[i].id) << (red ? " [color=red]" : "")
          << ";\n";
    }
  }
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    const Site& site = scenario.sites[s];
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      const Phase& phase = site.phases[p];
      if (!phase.ready.after) continue;
      const std::string node = site.id + "/" + phase.id;
      dot << "  " << quoted(node) << " [shape=box, label="
          << label(node, "ready " + date_at(scenario.start, inputs.sites[s].phase_ready_time[p])) << "];\n";
      dot << "  " << quoted(*phase.ready.after) << " -> " << quoted(node) << ";\n";
    }
  }
  dot << "}\n";
  return dot.str();
}

namespace cli {

int graph_command(const GraphArgs& args, std::ostream& out, std::ostream& err) {
  const Result<Scenario> loaded = load_scenario(args.scenario, args.overrides);
  if (!loaded) {
    for (const Diagnostic& diagnostic : loaded.diagnostics()) err << format(diagnostic) << '\n';
    return static_cast<int>(loaded.exit_code());
  }
  out << construction_dot(loaded.value());
  return out ? 0 : 1;
}

}  // namespace cli
}  // namespace poweron
