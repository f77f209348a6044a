// Lexical checks on a YAML file's text before yaml-cpp parses it (private to the loader): the encoding
// (no NUL, valid UTF-8, no control characters) and a bound on flow nesting, which yaml-cpp alone would
// only notice after reading a flood of unclosed brackets to the end.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

/// Rejects flow nesting (`[`, `{`) deeper than `max_depth`. Lexical: skips comments and quoted scalars.
std::optional<TextProblem> check_flow_depth(std::string_view text, int max_depth);

}  // namespace poweron
