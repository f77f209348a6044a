#include "schema_rules.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <optional>
#include <utility>

#include "did_you_mean.hpp"
#include "poweron/construction_graph.hpp"

namespace poweron {

void check_construction_cycle(const std::vector<Task>& tasks, const std::map<std::string, SourceMark>& task_keys,
                              SchemaReader& reader) {
  const std::vector<std::string> cycle = find_cycle(tasks);
  if (cycle.empty()) return;
  const auto key = task_keys.find(cycle.front());
  const SourceMark mark = key == task_keys.end() ? SourceMark{} : key->second;
  reader.error(mark, join_path("construction", cycle.front()),
               "construction graph has a cycle: " + format_cycle(cycle));
}

namespace {

// One `between` address: a present *dist* address, or nullopt after reporting.
std::optional<std::string> read_address(const SourceNode& node, const std::string& path, SchemaReader& reader) {
  const auto address = reader.text(node, path);
  if (!address) return std::nullopt;
  if (!reader.has_distribution_address(*address)) {
    const std::vector<std::string> known = reader.distribution_addresses();  // sorted: suggestion ties
    reader.error(node.mark, path,
                 "unknown distribution address \"" + *address + "\"" + did_you_mean(*address, known));
    return std::nullopt;
  }
  return address;
}

}  // namespace

std::vector<Correlation> read_correlations(const SourceNode& node, SchemaReader& reader) {
  const std::string kPath = "correlations";
  std::vector<Correlation> result;
  if (node.is_null()) return result;
  if (!node.is_sequence()) {
    reader.error(node.mark, kPath, "expected a list of {between: [A, B], rho: R}, got " + describe(node));
    return result;
  }
  bool ok = true;
  // Unordered pair -> index of the correlation that named it first.
  std::map<std::pair<std::string, std::string>, std::size_t> pairs;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const SourceNode& item = node.items[i];
    const std::string path = join_path(kPath, std::to_string(i));
    if (!item.is_map()) {
      reader.error(item.mark, path, "expected a map {between: [A, B], rho: R}, got " + describe(item));
      ok = false;
      continue;
    }
    reader.check_keys(item, path, {"between", "rho"});
    const SourceNode* between = reader.required(item, path, "between");
    const SourceNode* rho_node = reader.required(item, path, "rho");
    std::optional<double> rho;
    if (rho_node != nullptr) rho = reader.number(*rho_node, join_path(path, "rho"), Range{-1.0, false, 1.0, false});
    std::optional<std::string> a, b;
    const std::string between_path = join_path(path, "between");
    if (between != nullptr) {
      if (!between->is_sequence() || between->items.size() != 2) {
        reader.error(
            between->mark, between_path,
            "expected a list of 2 distribution addresses, got " +
                (between->is_sequence() ? std::to_string(between->items.size()) + " items" : describe(*between)));
      } else {
        a = read_address(between->items[0], join_path(between_path, "0"), reader);
        b = read_address(between->items[1], join_path(between_path, "1"), reader);
        if (a && b && *a == *b) {
          reader.error(between->mark, between_path, "an input cannot be correlated with itself (\"" + *a + "\")");
          a.reset();
        }
      }
    }
    if (!a || !b || !rho) {
      ok = false;
      continue;
    }
    const auto key = std::minmax(*a, *b);
    const auto [previous, inserted] = pairs.emplace(std::make_pair(key.first, key.second), i);
    if (!inserted) {
      reader.error(between->mark, between_path,
                   "pair already correlated in " + join_path(kPath, std::to_string(previous->second)));
      ok = false;
      continue;
    }
    result.push_back(Correlation{*a, *b, *rho});
  }
  if (!ok || result.empty()) return result;

  // The inputs in order of first mention; the matrix has 1 on the diagonal and rho per listed pair.
  std::vector<std::string> inputs;
  auto index_of = [&](const std::string& address) {
    const auto found = std::find(inputs.begin(), inputs.end(), address);
    if (found != inputs.end()) return static_cast<Eigen::Index>(found - inputs.begin());
    inputs.push_back(address);
    return static_cast<Eigen::Index>(inputs.size() - 1);
  };
  std::vector<std::pair<Eigen::Index, Eigen::Index>> cells;
  for (const Correlation& c : result) {
    const Eigen::Index a = index_of(c.a);  // separate statements: `a` is mentioned first
    const Eigen::Index b = index_of(c.b);
    cells.emplace_back(a, b);
  }
  const auto n = static_cast<Eigen::Index>(inputs.size());
  Eigen::MatrixXd matrix = Eigen::MatrixXd::Identity(n, n);
  for (std::size_t k = 0; k < result.size(); ++k) {
    matrix(cells[k].first, cells[k].second) = result[k].rho;
    matrix(cells[k].second, cells[k].first) = result[k].rho;
  }
  // A pivot this small means the matrix is singular up to rounding: the copula would be degenerate.
  constexpr double kMinPivot = 1e-7;
  const Eigen::LLT<Eigen::MatrixXd> llt(matrix);
  if (llt.info() != Eigen::Success || llt.matrixLLT().diagonal().minCoeff() < kMinPivot) {
    std::string names;
    for (const std::string& input : inputs) names += (names.empty() ? "" : ", ") + input;
    reader.error(node.mark, kPath, "correlation matrix is not positive definite (inputs: " + names + ")");
  }
  return result;
}

}  // namespace poweron
