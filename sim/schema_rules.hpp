// Whole-scenario rules of the schema (SPEC 2.2) that look across elements: the construction graph is
// acyclic, and correlations name distinct *dist* inputs and form a positive definite matrix.
// Private to the library; used by build_scenario.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "poweron/scenario.hpp"
#include "schema_values.hpp"
#include "source_tree.hpp"

namespace poweron {

/// Reports `construction graph has a cycle: a -> b -> a` at the key of the cycle's first task (ids
/// rotated so that the smallest comes first). `tasks` hold only `after` ids that name tasks;
/// `task_keys` maps each task id to its key in the document.
void check_construction_cycle(const std::vector<Task>& tasks, const std::map<std::string, SourceMark>& task_keys,
                              SchemaReader& reader);

/// Reads the `correlations` list: each `{between: [A, B], rho}` names two different *dist* addresses
/// present in the scenario (`reader.has_distribution_address`), with rho in (-1, 1), each pair once; then
/// checks that the correlation matrix over the named inputs is positive definite. Returns the
/// correlations in the order written (complete only when nothing was reported).
std::vector<Correlation> read_correlations(const SourceNode& node, SchemaReader& reader);

}  // namespace poweron
