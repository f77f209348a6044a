// One YAML document read by yaml-cpp into the marked SourceNode tree (private to the loader): the event
// handler that builds the tree under the loader's limits, and the checks around it (a single document, a
// region's seam line). yaml_reader.cpp reads whole files with it, yaml_regions.cpp the pieces of a big one.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "poweron/result.hpp"
#include "source_tree.hpp"
#include "yaml_reader.hpp"

namespace poweron {

/// The node count of all regions of a file parsed at once (see parse_in_regions), and its limit.
struct SharedCount {
  std::atomic<std::size_t> nodes{0};
  std::size_t limit = 0;
};

/// The key of the seam line a region's piece is read with (see yaml_regions.cpp).
constexpr std::string_view kSeamKey = "__poweron_region_seam__";

/// How a piece continues in the file: where the next piece starts.
struct Seam {
  std::size_t indent = 0;  // of the next piece's first line
  int line = 0;            // 1-based line of the next piece's first line, in the file
};

/// One document read by yaml-cpp, with what assemble() needs to know of its shape.
struct ParsedDocument {
  SourceNode root;
  bool root_block_map = false;        // see TreeBuilder
  bool last_value_block_map = false;  // see TreeBuilder
};

/// A diagnostic in `options`' file; the column is 0 when the line is (the whole file is meant).
Diagnostic make_diagnostic(const YamlTreeOptions& options, int line, int column, std::string path,
                           std::string message);

/// `text` with its first letter in lower case (yaml-cpp's and the system's messages, inside ours).
std::string lower_first(std::string text);

/// Parses the first document of `text` and checks there is no second one. `lookahead` is `text`
/// followed by the rest of the file, if any. With `seam` (a region's piece but the last; `text` ends at
/// the next piece's first line), yaml-cpp reads the seam line after `text`; if `seam_document`, that
/// line must be a document of its own: {seam: 0} (a nested piece followed by a top-level line), else
/// it is left in the tree for the caller to check. `shared_count`: see TreeBuilder. Appends a
/// diagnostic and returns nullopt on any problem. REQUIRES: the encoding and flow-depth pre-checks
/// passed; any byte-order mark is removed.
std::optional<ParsedDocument> parse_document(std::string_view text, std::string_view lookahead,
                                             const std::optional<Seam>& seam, bool seam_document,
                                             const YamlTreeOptions& options, const LoaderLimits& limits,
                                             std::size_t& node_count, std::vector<Diagnostic>& diagnostics,
                                             SharedCount* shared_count = nullptr);

}  // namespace poweron
