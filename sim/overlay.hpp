// Overlays (SPEC 2.3): `extends` chains, the merge rule, and `--set PATH=VALUE` overrides.
//
// The merge rule: maps merge key by key; any other value (scalar, sequence) replaces; a key whose value is
// null is removed. A map written where the base has no map (absent, a scalar, a list) is merged into an
// empty map, so its null-valued keys vanish too. Every node keeps the mark of the file it came from.
//
// SourceDocument::files of a merged document: the requested file first (index 0), then its base, the base's
// base, ..., then one entry per override, named `--set PATH=VALUE` (the argument as given). An override's
// nodes are on line 1 and their columns are positions in that argument (1-based), e.g. in
// `--set sites.gts.install.crews=abc` the value `abc` is at column 25 of the file entry
// `--set sites.gts.install.crews=abc`.
//
// Error messages:
//   extends: expected a file name (a string)                       (at the value)
//   extends: cannot read file "dir/base.yaml": <reason>            (at the value; ExitCode::kRuntime)
//   extends: extends cycle: a.yaml -> b.yaml -> a.yaml             (at the value that closes the cycle)
//   extends: extends chain longer than the limit of 32 files       (at the value that would add the 33rd)
//   --set "X": expected PATH=VALUE
//   --set "X": empty path
//   --set "X": bad path segment "s" (expected letters, digits, '_' or '-', or a list index)
//   --set "X": extends cannot be set by an override
//   --set "X": a.b is not a map or a list                          (a scalar on the way)
//   --set "X": a.b has no element 5 (it has 2)                     (list index out of range)
//   --set "X": nesting deeper than the limit of 64 levels
// Diagnostics about a malformed override have no file (they are about the command line).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"
#include "source_tree.hpp"

namespace poweron {

/// Merges `overlay` over `base` in place by the rule above.
void merge_overlay(SourceNode& base, SourceNode overlay);

/// Reads `path`, follows its `extends` chain (each path relative to the file that names it), merges the
/// chain base first, then applies `overrides` in order. The `extends` keys are not in the result.
/// All files and overrides together count against limits.max_nodes. Unreadable files -> kRuntime;
/// everything else -> kInvalid. Diagnostics are not sorted.
Result<SourceDocument> load_merged_file(const std::string& path, const std::vector<std::string>& overrides,
                                        const LoaderLimits& limits = {});

/// Same with the first file's text given; `file_name` names it and anchors a relative `extends`.
Result<SourceDocument> load_merged_text(std::string_view text, const std::string& file_name,
                                        const std::vector<std::string>& overrides,
                                        const LoaderLimits& limits = {});

/// Applies one `PATH=VALUE` override to `document` (appending its file entry). `node_count` is the
/// running node count of the document, checked against limits.max_nodes. Returns false after appending
/// at least one diagnostic (the document is then unchanged).
bool apply_override(SourceDocument& document, const std::string& assignment, const LoaderLimits& limits,
                    std::size_t& node_count, std::vector<Diagnostic>& diagnostics);

}  // namespace poweron
