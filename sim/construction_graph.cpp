// The construction DAG on Boost.Graph: cycle detection by DFS back edges, order by topological_sort.
#include "poweron/construction_graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <cmath>
#include <iterator>
#include <map>
#include <string_view>

#include "poweron/result.hpp"

namespace poweron {
namespace {

// vecS/vecS: vertices are task indices; out-edges are kept in insertion order, so traversals are
// deterministic.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

// Predecessor indices per task; unknown ids are skipped (or rejected when `strict`), duplicates removed.
std::vector<std::vector<std::size_t>> predecessor_lists(const std::vector<Task>& tasks, bool strict) {
  std::map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < tasks.size(); ++i) index.emplace(tasks[i].id, i);
  std::vector<std::vector<std::size_t>> result(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (const std::string& id : tasks[i].after) {
      const auto found = index.find(id);
      if (found == index.end()) {
        if (strict) throw InternalError("construction task '" + tasks[i].id + "' is after unknown task '" + id + "'");
        continue;
      }
      auto& list = result[i];
      if (std::find(list.begin(), list.end(), found->second) == list.end()) list.push_back(found->second);
    }
  }
  return result;
}

Graph build_graph(const std::vector<std::vector<std::size_t>>& predecessors) {
  Graph graph(predecessors.size());
  for (std::size_t task = 0; task < predecessors.size(); ++task) {
    for (std::size_t pred : predecessors[task]) boost::add_edge(pred, task, graph);
  }
  return graph;
}

// Records the tree parent of each vertex and the first back edge met; a back edge closes a cycle.
class CycleRecorder : public boost::default_dfs_visitor {
 public:
  CycleRecorder(std::vector<Vertex>& parent, std::optional<Edge>& back_edge)
      : parent_(&parent), back_edge_(&back_edge) {}
  void tree_edge(Edge e, const Graph& g) const { (*parent_)[boost::target(e, g)] = boost::source(e, g); }
  void back_edge(Edge e, const Graph&) const {
    if (!back_edge_->has_value()) *back_edge_ = e;
  }

 private:
  std::vector<Vertex>* parent_;
  std::optional<Edge>* back_edge_;
};

}  // namespace

std::vector<std::string> find_cycle(const std::vector<Task>& tasks) {
  const Graph graph = build_graph(predecessor_lists(tasks, /*strict=*/false));
  std::vector<Vertex> parent(tasks.size());
  std::optional<Edge> back;
  boost::depth_first_search(graph, boost::visitor(CycleRecorder(parent, back)));
  if (!back) return {};
  // Back edge u -> v: v is an ancestor of u on the DFS tree, so v -> ... -> u -> v is a cycle.
  const Vertex u = boost::source(*back, graph);
  const Vertex v = boost::target(*back, graph);
  std::vector<std::size_t> cycle;
  for (Vertex w = u; w != v; w = parent[w]) cycle.push_back(w);
  cycle.push_back(v);
  std::reverse(cycle.begin(), cycle.end());
  const auto smallest = std::min_element(cycle.begin(), cycle.end(), [&](std::size_t a, std::size_t b) {
    return tasks[a].id < tasks[b].id;
  });
  std::rotate(cycle.begin(), smallest, cycle.end());
  std::vector<std::string> ids;
  ids.reserve(cycle.size() + 1);
  for (std::size_t i : cycle) ids.push_back(tasks[i].id);
  ids.push_back(ids.front());
  return ids;
}

std::string format_cycle(const std::vector<std::string>& cycle) {
  std::string text;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    if (i > 0) text += " -> ";
    text += cycle[i];
  }
  return text;
}

ConstructionGraph::ConstructionGraph(const std::vector<Task>& tasks)
    : predecessors_(predecessor_lists(tasks, /*strict=*/true)) {
  if (const auto cycle = find_cycle(tasks); !cycle.empty()) {
    throw InternalError("construction graph has a cycle: " + format_cycle(cycle));
  }
  const Graph graph = build_graph(predecessors_);
  std::vector<Vertex> reversed;
  reversed.reserve(tasks.size());
  boost::topological_sort(graph, std::back_inserter(reversed));  // emits in reverse topological order
  order_.assign(reversed.rbegin(), reversed.rend());
}

ConstructionGraph::Schedule ConstructionGraph::schedule(const std::vector<std::optional<double>>& earliest_start,
                                                        const std::vector<double>& duration) const {
  if (earliest_start.size() != size() || duration.size() != size()) {
    throw InternalError("ConstructionGraph::schedule: expected one start and one duration per task");
  }
  Schedule result{std::vector<double>(size(), 0.0), std::vector<double>(size(), 0.0)};
  for (std::size_t task : order_) {
    std::optional<double> start = earliest_start[task];
    for (std::size_t pred : predecessors_[task]) {
      start = start ? std::max(*start, result.finish[pred]) : result.finish[pred];
    }
    result.start[task] = start.value_or(0.0);
    result.finish[task] = result.start[task] + duration[task];
  }
  return result;
}

std::vector<std::size_t> ConstructionGraph::critical_path_to(std::size_t last, const Schedule& schedule,
                                                             double tolerance) const {
  if (last >= size() || schedule.start.size() != size() || schedule.finish.size() != size()) {
    throw InternalError("ConstructionGraph::critical_path_to: task index or schedule out of range");
  }
  std::vector<bool> on_path(size(), false);
  std::vector<std::size_t> pending{last};
  on_path[last] = true;
  while (!pending.empty()) {
    const std::size_t task = pending.back();
    pending.pop_back();
    for (std::size_t pred : predecessors_[task]) {
      if (!on_path[pred] && std::fabs(schedule.finish[pred] - schedule.start[task]) <= tolerance) {
        on_path[pred] = true;
        pending.push_back(pred);
      }
    }
  }
  std::vector<std::size_t> path;
  for (std::size_t i = 0; i < size(); ++i) {
    if (on_path[i]) path.push_back(i);
  }
  return path;
}

}  // namespace poweron
