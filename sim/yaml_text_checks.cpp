#include "yaml_text_checks.hpp"

#include <array>
#include <string>

namespace poweron {
namespace {

/// Characters that need no attention in check_flow_depth: ASCII other than comment, quote, bracket and
/// line feed. A table: the scan looks at every byte of the file.
constexpr std::array<bool, 256> kQuiet = [] {
  std::array<bool, 256> quiet{};
  for (std::size_t c = 0; c < 0x80; ++c) quiet[c] = true;
  for (char c : {'#', '"', '\'', '[', '{', ']', '}', '\n'}) quiet[static_cast<unsigned char>(c)] = false;
  return quiet;
}();

std::string hex4(unsigned value) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xFu];
  return out;
}

}  // namespace

/// Checks that `text` is UTF-8 text YAML can hold: no NUL, valid UTF-8, no C0 control other than tab,
/// line feed and carriage return, no DEL. Columns count code points, 1-based.
std::optional<TextProblem> check_encoding(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    // Fast path: a run of printable ASCII, tab and carriage return.
    const std::size_t run_start = i;
    while (i < text.size()) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (!((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\r')) break;
      ++i;
    }
    column += static_cast<int>(i - run_start);
    if (i >= text.size()) break;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) return TextProblem{line, column, "", "file contains a NUL byte (binary data?)"};
    if (byte < 0x80) {
      if (byte == '\n') {
        ++line;
        column = 1;
        ++i;
        continue;
      }
      if ((byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7F) {
        return TextProblem{line, column, "", "control character " + hex4(byte) + " is not allowed"};
      }
      ++i;
      ++column;
      continue;
    }
    std::size_t length = 0;
    unsigned code = 0;
    unsigned minimum = 0;
    if ((byte & 0xE0u) == 0xC0u) {
      length = 2;
      code = byte & 0x1Fu;
      minimum = 0x80;
    } else if ((byte & 0xF0u) == 0xE0u) {
      length = 3;
      code = byte & 0x0Fu;
      minimum = 0x800;
    } else if ((byte & 0xF8u) == 0xF0u) {
      length = 4;
      code = byte & 0x07u;
      minimum = 0x10000;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0u) != 0x80u) {
        valid = false;
      } else {
        code = (code << 6) | (next & 0x3Fu);
      }
    }
    if (valid && (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))) valid = false;
    if (!valid) return TextProblem{line, column, "", "file is not valid UTF-8 text"};
    i += length;
    ++column;
  }
  return std::nullopt;
}

/// Bounds flow nesting (`[`, `{`) before yaml-cpp sees the text: yaml-cpp's scanner reads a flood of
/// unclosed brackets to the end before emitting an event (seconds and gigabytes for 16 MiB), so the
/// builder's own depth check would come too late. Lexical: skips comments and quoted scalars; brackets in
/// plain or block scalars are counted, which can only matter for text with more than `max_depth` of them
/// unbalanced.
std::optional<TextProblem> check_flow_depth(std::string_view text, int max_depth,
                                            const std::vector<std::size_t>& targets, std::vector<KeyLine>* key_lines) {
  int line = 1;
  int column = 1;
  int depth = 0;
  char previous = '\n';
  auto starts_token = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '[' || c == '{' || c == ',' || c == ':' ||
           c == '-' || c == '?';
  };
  std::size_t i = 0;
  auto advance = [&] {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u) {
      ++column;
    }
    previous = text[i];
    ++i;
  };
  auto is_quiet = [](char c) { return kQuiet[static_cast<unsigned char>(c)]; };
  // Key lines: `section_indent` is the indentation of the entries below the last top-level line
  // (kUnknown until its first non-blank line is seen; kNone before any top-level line).
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  constexpr std::size_t kUnknown = kNone - 1;
  std::size_t section_indent = kNone;
  std::size_t next_target = 0;
  const bool find_key_lines = key_lines != nullptr && !targets.empty();
  auto at_line_start = [&] {
    std::size_t j = i;
    while (j < text.size() && text[j] == ' ') ++j;
    const char first = j < text.size() ? text[j] : '\n';
    if (first == '\n' || first == '\r' || first == '#') return;  // blank or comment line
    const std::size_t indent = j - i;
    if (indent == 0) {
      section_indent = kUnknown;
    } else if (section_indent == kUnknown) {
      section_indent = indent;
    }
    const bool key_like = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
                          (first >= '0' && first <= '9') || first == '_';
    if (!key_like || i == 0 || (indent != 0 && indent != section_indent)) return;
    if (targets[next_target] <= i) {
      key_lines->push_back(KeyLine{i, indent, line});
      ++next_target;
    }
  };
  while (i < text.size()) {
    const char c = text[i];
    if (find_key_lines && previous == '\n' && depth == 0 && next_target < targets.size()) at_line_start();
    if (is_quiet(c)) {
      const std::size_t run_start = i;
      while (i < text.size() && is_quiet(text[i])) ++i;
      column += static_cast<int>(i - run_start);
      previous = text[i - 1];
      continue;
    }
    if (c == '#' && (previous == ' ' || previous == '\t' || previous == '\n' || previous == '\r')) {
      while (i < text.size() && text[i] != '\n') advance();
      continue;
    }
    if ((c == '"' || c == '\'') && starts_token(previous)) {
      advance();
      while (i < text.size()) {
        if (c == '"' && text[i] == '\\' && i + 1 < text.size()) {
          advance();
          advance();
          continue;
        }
        if (text[i] == c) {
          if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            advance();
            advance();
            continue;
          }
          break;
        }
        advance();
      }
      if (i < text.size()) advance();
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return TextProblem{line, column, "", "nesting deeper than the limit of " + std::to_string(max_depth) + " levels"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    advance();
  }
  return std::nullopt;
}


}  // namespace poweron
