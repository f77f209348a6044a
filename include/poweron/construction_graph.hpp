// The construction DAG (SPEC 3.5): tasks linked by their `after` edges, a schedule, and critical paths.
//
// Edges run from a predecessor to the task that waits on it (`a -> b` when b is `after: [a]`), the
// direction work flows and the direction `poweron graph` draws. Tasks are identified by their index in
// the vector given to the constructor (the scenario's order, sorted by id).
//
//   if (auto cycle = find_cycle(scenario.construction); !cycle.empty()) { /* report a -> b -> a */ }
//   ConstructionGraph graph(scenario.construction);
//   auto schedule = graph.schedule(earliest_start, duration);
//   auto critical = graph.critical_path_to(last, schedule);
//
// Thread-safety: a ConstructionGraph is immutable once built and safe to share between threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "poweron/scenario.hpp"

namespace poweron {

/// A cycle among the tasks' `after` edges, as task ids in edge order (predecessor first) with the first
/// id repeated at the end (`a -> b -> a` is {"a", "b", "a"}; a self-loop is {"a", "a"}); empty if the
/// graph is acyclic. The cycle is rotated to start at its smallest id, so the result is deterministic.
/// When there are several cycles, one of them is returned. Unknown `after` ids are ignored (the schema
/// reports them).
std::vector<std::string> find_cycle(const std::vector<Task>& tasks);

/// `a -> b -> a`: a cycle from find_cycle joined for an error message.
std::string format_cycle(const std::vector<std::string>& cycle);

/// The construction DAG of one scenario; built once, immutable.
class ConstructionGraph {
 public:
  /// Start and finish of every task (by index), in simulation days.
  struct Schedule {
    std::vector<double> start;
    std::vector<double> finish;
  };

  /// REQUIRES: `tasks` acyclic and every `after` id names a task (a validated scenario);
  /// throws InternalError otherwise.
  explicit ConstructionGraph(const std::vector<Task>& tasks);

  /// Number of tasks.
  std::size_t size() const { return predecessors_.size(); }

  /// Every task index once, each after all its predecessors.
  const std::vector<std::size_t>& topological_order() const { return order_; }

  /// Predecessors of task `task` (indices, in the order of its `after` list, duplicates removed).
  const std::vector<std::size_t>& predecessors(std::size_t task) const { return predecessors_.at(task); }

  /// Schedules every task (SPEC 3.5): start = the later of earliest_start[i] (if set) and the latest
  /// finish of its predecessors; 0 (day 0) when it has neither; finish = start + duration[i].
  /// REQUIRES: both vectors have size() elements; throws InternalError otherwise.
  Schedule schedule(const std::vector<std::optional<double>>& earliest_start,
                    const std::vector<double>& duration) const;

  /// The tasks on the critical path ending at task `last` under `schedule`, as sorted indices including
  /// `last`. Walks back through binding predecessors: those whose finish is within `tolerance` of the
  /// task's start. Ties: every binding predecessor is followed (the union of all critical paths), also
  /// when the task's own start constraint binds at the same instant, since delaying such a predecessor
  /// would delay the task. A task with no binding predecessor (its start constraint or day 0 bound it)
  /// ends the walk. REQUIRES: last < size(), a schedule of this graph.
  std::vector<std::size_t> critical_path_to(std::size_t last, const Schedule& schedule,
                                            double tolerance = 1e-9) const;

 private:
  std::vector<std::vector<std::size_t>> predecessors_;
  std::vector<std::size_t> order_;
};

/// Graphviz DOT of `scenario`'s construction DAG under point values (`poweron graph`, SPEC 5):
/// `digraph construction {`, one node per task in id order labelled with its id and point start and
/// finish dates (`id\nYYYY-MM-DD .. YYYY-MM-DD`), one edge per `after`, one `shape=box` node per phase
/// tied to a task (`site/phase\nready YYYY-MM-DD`, node id `site/phase`) with an edge from the task.
/// The critical path is drawn `color=red` (tasks and their binding edges): the union of the critical
/// paths to every task a phase waits on or, when no phase waits on a task, to the task with the latest
/// finish (ties: the first by id). Dates: `start + floor(t)`. Deterministic.
/// REQUIRES: a validated scenario. (Implemented in sim/command_graph.cpp.)
std::string construction_dot(const Scenario& scenario);

}  // namespace poweron
