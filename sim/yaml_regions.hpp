// Parallel parsing of a big YAML file (private to the loader). yaml-cpp reads about 8 MB/s on one core, so
// the file is cut at a few KeyLines into regions parsed by separate yaml-cpp parsers on their own threads,
// and the trees are joined. A region starting at a top-level line is one piece of top-level entries; one
// starting at an indented line is a piece of entries of the map that is the value of the last top-level
// entry, up to the first line indented less (which must be a top-level line: a second, top-level piece
// starts there).
//
// The result must equal the whole-file parse exactly (marks included). So yaml-cpp reads each piece but the
// last followed by a seam line: `__poweron_region_seam__: 0` at the place, and with the indentation, of the
// next piece's first line. yaml-cpp then sees at the end of the piece what it would see in the whole file
// (an entry's key at that column), so the piece's last tokens come out the same (an empty value's mark,
// which yaml-cpp puts at the next token, included), and where the seam entry lands proves that the
// whole-file parse is in the right place at the next piece's first line: an entry of the map the next piece
// extends, outside any scalar or flow collection. Lines that only look like entries (in a quoted, block or
// multi-line plain scalar, a flow collection, below a non-map) swallow or misplace the seam and so are
// caught. Files with anchors, a `%` directive or a `...` line are read whole (see region_count); an alias
// to an anchor in another piece would be an error there anyway.
//
// Anything unexpected, and any problem at all, gives up the regions; the caller then parses the whole file
// on one thread, which also makes the diagnostics. So the regions only decide how fast a valid file is
// read, never what it reads as.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "source_tree.hpp"
#include "yaml_reader.hpp"
#include "yaml_text_checks.hpp"

namespace poweron {

/// How many regions to parse `text` in (1: the whole file on this thread).
std::size_t region_count(std::string_view text, const YamlTreeOptions& options);

/// The whole file's tree from regions cut at `cuts`, parsed in parallel; nullopt (and no diagnostics)
/// when that does not give it (see the file comment).
std::optional<SourceNode> parse_in_regions(std::string_view text, const std::vector<KeyLine>& cuts,
                                           const YamlTreeOptions& options, const LoaderLimits& limits,
                                           std::size_t& node_count);

}  // namespace poweron
