// The scenario schema (SPEC 2, 2.1, 2.2): a merged YAML tree becomes a validated poweron::Scenario.
//
// Reports every problem at once: unknown keys (with "did you mean"), missing keys, types by the YAML 1.2
// core schema, ranges, distributions, references, the construction graph, correlations and the limits
// of LoaderLimits. References into a collection that is itself malformed are not checked, so one mistake
// does not cascade into many messages. Private to the library; called by load_scenario.
#pragma once

#include <optional>
#include <vector>

#include "poweron/result.hpp"
#include "poweron/scenario.hpp"
#include "poweron/scenario_loader.hpp"
#include "source_tree.hpp"

namespace poweron {

/// Builds and validates the Scenario from a merged document; appends every problem found to `diagnostics`
/// (all of them, not just the first). Returns nullopt iff it appended at least one diagnostic.
/// Fills every field but `canonical_text` (the loader's); `source_files` is `document.files`.
std::optional<Scenario> build_scenario(const SourceDocument& document, const LoaderLimits& limits,
                                       std::vector<Diagnostic>& diagnostics);

}  // namespace poweron
