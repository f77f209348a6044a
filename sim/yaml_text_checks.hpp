// Lexical checks on a YAML file's text before yaml-cpp parses it (private to the loader): the encoding
// (no NUL, valid UTF-8, no control characters) and a bound on flow nesting, which yaml-cpp alone would
// only notice after reading a flood of unclosed brackets to the end. The flow scan also finds the lines
// where a big file can be cut into pieces that yaml-cpp parses in parallel (see yaml_regions.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace poweron {

/// A problem at a 1-based line and column (columns count code points).
struct TextProblem {
  int line = 0;
  int column = 0;
  std::string path;
  std::string message;
};

/// Checks that `text` is UTF-8 text YAML can hold: no NUL, valid UTF-8, no C0 control other than tab,
/// line feed and carriage return, no DEL.
std::optional<TextProblem> check_encoding(std::string_view text);

/// A line that looks like the start of a block-map entry, where a parse could begin afresh: it starts
/// outside flow collections, quoted scalars and comments (by check_flow_depth's lexical rules), and after
/// `indent` spaces comes [A-Za-z0-9_]; `indent` is 0 (a top-level entry) or the indentation of the first
/// non-blank line below the last top-level line (an entry of a top-level entry's block map). Only a
/// candidate: the parser confirms what yaml-cpp makes of it.
struct KeyLine {
  std::size_t offset = 0;  ///< of the line's first byte; > 0
  std::size_t indent = 0;
  int line = 0;            ///< 1-based
};

/// Rejects flow nesting (`[`, `{`) deeper than `max_depth`. Lexical: skips comments and quoted scalars.
/// If `key_lines` is given: for each of `targets` (byte offsets, ascending), appends the first KeyLine
/// with offset >= that target and past the previous one found (fewer when the text ends first; not
/// to be used when a problem is returned).
std::optional<TextProblem> check_flow_depth(std::string_view text, int max_depth,
                                            const std::vector<std::size_t>& targets = {},
                                            std::vector<KeyLine>* key_lines = nullptr);

}  // namespace poweron
