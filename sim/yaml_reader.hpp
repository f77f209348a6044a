// Reading YAML into the marked SourceNode tree (SPEC 2.2), hardened against hostile input.
//
// yaml-cpp's event API builds SourceNodes directly, so that every node and key keeps its 1-based mark,
// duplicate keys are rejected, aliases are expanded under a node budget (billion laughs stops at
// LoaderLimits::max_nodes without allocating the expansion), and nesting is checked as it is read (no
// recursion deeper than LoaderLimits::max_depth). Never throws for bad input: problems become Diagnostics.
// Thread-safe (no shared state).
//
//   // One file, no overlays (what the schema engineer's tests need):
//   Result<SourceDocument> doc = parse_yaml_text("name: x\nstart: 2024-01-01\n", "t.yaml");
//   if (doc) { const SourceNode* start = doc.value().root.find("start"); ... }
//
// What the tree looks like:
//   - the root is always a map (anything else is an error: `expected a mapping at the top level`);
//   - map entries keep the order written; keys are plain text (keys are always scalars);
//   - `~`, `null`, `Null`, `NULL` and empty values (written unquoted, untagged) are Kind::kNull;
//   - every other scalar is Kind::kScalar with its text; `quoted` is true for single/double-quoted and block
//     (`|`, `>`) scalars and for `!!str`-tagged ones: such a scalar is a string whatever it looks like.
//     Plain scalars are to be resolved by the YAML 1.2 core schema (`true`, `12`, `1.5`, `.inf`, dates...).
//   - aliases are expanded into copies (with the marks of the anchored node); `<<` is an ordinary key.
//   - depth: the top-level map is depth 1, each nested map or sequence adds one; scalars add nothing.
//
// Error messages (Diagnostic::message; line and column are 1-based, 0 when the whole file is meant):
//   cannot read file: <reason>                                     (ExitCode::kRuntime; e.g. "it is a directory")
//   file exceeds the limit of 16 MiB (16777216 bytes)              (checked before parsing)
//   file contains a NUL byte (binary data?)                        (at the byte)
//   file is not valid UTF-8 text                                   (at the first bad byte)
//   control character U+0001 is not allowed                        (at the character)
//   <yaml-cpp's message>                                           (malformed YAML, at yaml-cpp's mark + 1)
//   expected a mapping at the top level, got an empty document | a scalar | a sequence | null
//   multiple YAML documents in one file are not supported          (at the second document)
//   duplicate key "x" (first at LINE:COL)                          (at the second key; path = the map)
//   mapping keys must be scalars                                   (complex keys `? [a]: 1`; only if yaml-cpp
//                                                                   finds no syntax error in the rest)
//   mapping keys must not be null                                  (`~: 1`, `: 1`)
//   unsupported tag "!foo" (only !!str is allowed)
//   alias refers to a node that contains it                        (`&a [*a]`)
//   nesting deeper than the limit of 64 levels                    (also from a lexical pre-scan of `[`/`{`
//                                                                   before yaml-cpp runs: then no path)
//   numeric literal longer than the limit of 100 characters       (plain scalar that starts like a number)
//   document exceeds the limit of 1000000 nodes after alias expansion
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"
#include "source_tree.hpp"

namespace poweron {

/// Parses one YAML file: reads it (refusing files over limits.max_file_bytes before parsing) and builds its
/// tree. On success the document has `files == {path}` and every mark has file 0.
/// Failures: unreadable file (missing, a directory, no permission) -> ExitCode::kRuntime; any problem with
/// the contents -> ExitCode::kInvalid. Never throws for bad input.
Result<SourceDocument> parse_yaml_file(const std::string& path, const LoaderLimits& limits = {});

/// Same, from text; `file_name` is what diagnostics and SourceDocument::files show.
Result<SourceDocument> parse_yaml_text(std::string_view text, const std::string& file_name,
                                       const LoaderLimits& limits = {});

/// Reads a whole file as bytes. Files over limits.max_file_bytes are refused (kInvalid) without reading
/// more than the limit + 1 bytes (safe on /dev/zero and pipes); unreadable -> kRuntime. Diagnostics name
/// `path` as the file, line 0.
Result<std::string> read_source_file(const std::string& path, const LoaderLimits& limits = {});

/// The message for text over limits.max_file_bytes: `file exceeds the limit of 16 MiB (16777216 bytes)`.
std::string file_size_limit_message(const LoaderLimits& limits);

/// Options of the low-level parser.
struct YamlTreeOptions {
  int file_index = 0;                ///< written into every mark
  std::string file_name;             ///< used in diagnostics
  bool require_map = true;           ///< top level must be a map (false: any node, empty text = null)
  int depth_offset = 0;              ///< levels already above the root (for `--set a.b=VALUE`)
  int line_offset = 0;               ///< added to every line (0 = as in the text)
  int column_offset = 0;             ///< added to the columns of the first line only
  /// Parallel parsing (see parse_yaml_tree): at most this many threads; 0 = two per core.
  int max_threads = 0;
  /// ... and at least this many bytes of text per thread (smaller files are read on one thread).
  std::size_t min_region_bytes = std::size_t{256} << 10;
  /// For tests: cut the text near these byte offsets (whatever the size and threads), not in even shares.
  std::vector<std::size_t> cut_targets;
  /// For tests and benchmarks: if set, receives how many regions gave the tree (1: read whole).
  std::size_t* regions_read = nullptr;
};

/// The low-level parser used by the overlay loader: parses `text` (already read, not yet size-checked
/// for encoding) into a tree. `node_count` accumulates over several calls (all files of a chain and the
/// overrides) and is checked against limits.max_nodes. Returns nullopt after appending at least one
/// diagnostic. Checks encoding (NUL, UTF-8, control characters) itself, but not the file size.
/// A big file (require_map) is cut at top-level entries or at entries of a top-level map into regions
/// that separate yaml-cpp parsers read on their own threads; the tree, node count and diagnostics are
/// exactly those of one parse of the whole text (when the regions do not give a tree, for any reason,
/// the whole text is parsed again on the calling thread, which makes the diagnostics).
std::optional<SourceNode> parse_yaml_tree(std::string_view text, const YamlTreeOptions& options,
                                          const LoaderLimits& limits, std::size_t& node_count,
                                          std::vector<Diagnostic>& diagnostics);

}  // namespace poweron
