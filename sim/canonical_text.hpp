// The canonical text of a merged scenario document: what manifest.json's SHA-256 is computed over.
//
// A single line of YAML flow syntax with a final newline, e.g.
//   {name: tesla-x, start: 2023-12-01, skus: {H100-SXM: {power_kw: 1.4}}, note: "a b", q: "5", n: null}
// Keys in the order of the merged document; `, ` and `: ` separators; `null` for null; plain scalars made
// only of letters, digits and `_ . + -` (not starting with `-` unless a digit or `.` follows) are written
// as they are; every other scalar, and every quoted one, is double-quoted with JSON-style escapes. So two
// sources with the same merged content give the same bytes whatever their layout, comments, quoting style
// of text, anchors or overlay split; and `5` and `"5"` (an integer and a string) stay different. The
// text is valid YAML with the same meaning as the merged document. Marks are not part of it.
#pragma once

#include <string>

#include "source_tree.hpp"

namespace poweron {

/// REQUIRES: the tree's depth is bounded (the reader's limit): the function recurses on depth.
std::string canonical_text(const SourceNode& root);

}  // namespace poweron
