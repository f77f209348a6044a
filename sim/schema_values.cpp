#include "schema_values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <system_error>

#include "did_you_mean.hpp"

namespace poweron {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_of(std::string_view text, bool (*predicate)(char)) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!predicate(c)) return false;
  }
  return true;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?  (YAML 1.2 core schema float)
bool is_float_literal(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t integer_digits = 0;
  while (i < text.size() && is_digit(text[i])) ++i, ++integer_digits;
  std::size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i, ++fraction_digits;
    if (integer_digits == 0 && fraction_digits == 0) return false;
  } else if (integer_digits == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t exponent_digits = 0;
    while (i < text.size() && is_digit(text[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == text.size();
}

double parse_double(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    // Overflow: a huge literal is infinite (then rejected as non-finite); underflow reads as 0.
    const bool negative = !text.empty() && text.front() == '-';
    std::size_t exponent = text.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos && text.find('-', exponent) != std::string_view::npos;
    if (tiny) return 0.0;
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  (void)end;
  return value;
}

// Parses digits in `base` (no sign); sets overflow instead of failing on huge values.
void parse_integer(std::string_view digits, int base, bool negative, ScalarValue& out) {
  std::uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  (void)end;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (error == std::errc::result_out_of_range || magnitude > kMax) {
    out.overflow = true;
    double approximate = 0;
    for (char c : digits) {
      const int digit = is_digit(c) ? c - '0' : (c >= 'a' ? c - 'a' + 10 : c - 'A' + 10);
      approximate = approximate * base + digit;
    }
    out.number = negative ? -approximate : approximate;
    return;
  }
  out.integer = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
  out.number = static_cast<double>(out.integer);
}

std::string quote(std::string_view text) {
  constexpr std::size_t kShown = 40;
  // Appended piece by piece: `"\"" + std::string(...)` trips GCC 12's false -Wrestrict at -O2.
  std::string quoted(1, '"');
  quoted.append(text.substr(0, kShown));
  if (text.size() > kShown) quoted.append("...");
  quoted.push_back('"');
  return quoted;
}

}  // namespace

ScalarValue resolve_scalar(const SourceNode& node) {
  ScalarValue out;
  if (node.is_null()) return out;
  out.type = ScalarType::kString;
  if (!node.is_scalar() || node.quoted) return out;
  const std::string_view text = node.scalar;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    out.type = ScalarType::kNull;
    return out;
  }
  if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" || text == "FALSE") {
    out.type = ScalarType::kBool;
    return out;
  }
  if (text.size() > 2 && text[0] == '0' && text[1] == 'o' && all_of(text.substr(2), is_octal)) {
    out.type = ScalarType::kInt;
    parse_integer(text.substr(2), 8, false, out);
    return out;
  }
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x' && all_of(text.substr(2), is_hex)) {
    out.type = ScalarType::kInt;
    parse_integer(text.substr(2), 16, false, out);
    return out;
  }
  {
    std::string_view digits = text;
    const bool negative = digits.front() == '-';
    if (digits.front() == '-' || digits.front() == '+') digits.remove_prefix(1);
    if (all_of(digits, is_digit)) {
      out.type = ScalarType::kInt;
      parse_integer(digits, 10, negative, out);
      return out;
    }
  }
  if (is_float_literal(text)) {
    out.type = ScalarType::kFloat;
    out.number = parse_double(text);
    return out;
  }
  std::string_view magnitude = text;
  const bool negative = magnitude.front() == '-';
  if (magnitude.front() == '-' || magnitude.front() == '+') magnitude.remove_prefix(1);
  if (magnitude == ".inf" || magnitude == ".Inf" || magnitude == ".INF") {
    out.type = ScalarType::kFloat;
    out.number = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return out;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    out.type = ScalarType::kFloat;
    out.number = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  return out;
}

std::string describe(const SourceNode& node) {
  if (node.is_map()) return "a map";
  if (node.is_sequence()) return "a list";
  const ScalarValue value = resolve_scalar(node);
  switch (value.type) {
    case ScalarType::kNull:
      return "null";
    case ScalarType::kString:
      return quote(node.scalar);
    default:
      return node.scalar.size() > 40 ? node.scalar.substr(0, 40) + "..." : node.scalar;
  }
}

bool Range::contains(double value) const {
  if (min && (min_inclusive ? value < *min : value <= *min)) return false;
  if (max && (max_inclusive ? value > *max : value >= *max)) return false;
  return true;
}

std::string number_text(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return "?";
  return std::string(buffer, end);
}

std::string Range::requirement() const {
  if (min && max) {
    return std::string("must be in ") + (min_inclusive ? "[" : "(") + number_text(*min) + ", " + number_text(*max) +
           (max_inclusive ? "]" : ")");
  }
  if (min) return std::string("must be ") + (min_inclusive ? ">= " : "> ") + number_text(*min);
  if (max) return std::string("must be ") + (max_inclusive ? "<= " : "< ") + number_text(*max);
  return "must be a number";
}

std::string FieldPath::str() const {
  if (!joined_ || parent_.empty()) return std::string(joined_ ? key_ : parent_);
  std::string path;
  path.reserve(parent_.size() + 1 + key_.size());
  path.append(parent_).append(1, '.').append(key_);
  return path;
}

std::string join_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path = parent;
  path += '.';
  path += key;
  return path;
}

bool is_valid_id(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    const bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const SourceNode& empty_map_at(const SourceNode& node, SourceNode& storage) {
  if (!node.is_null()) return node;
  storage = SourceNode{};
  storage.kind = SourceNode::Kind::kMap;
  storage.mark = node.mark;
  return storage;
}

SchemaReader::SchemaReader(const SourceDocument& document, const LoaderLimits& limits,
                           std::vector<Diagnostic>& diagnostics)
    : document_(document), limits_(limits), diagnostics_(diagnostics) {}

void SchemaReader::take_from(SchemaReader& other) {
  diagnostics_.insert(diagnostics_.end(), std::make_move_iterator(other.diagnostics_.begin()),
                      std::make_move_iterator(other.diagnostics_.end()));
  other.diagnostics_.clear();
  const std::size_t shift = address_text_.size();
  address_text_ += other.address_text_;
  for (std::size_t start : other.address_starts_) address_starts_.push_back(shift + start);
  other.address_text_.clear();
  other.address_starts_.clear();
}

void SchemaReader::error(const SourceMark& mark, const FieldPath& path, std::string message) {
  diagnostics_.push_back(document_.diagnostic(mark, path.str(), std::move(message)));
}

bool SchemaReader::expect_map(const SourceNode& node, const std::string& path) {
  if (node.is_map() || node.is_null()) return true;
  error(node.mark, path, "expected a map, got " + describe(node));
  return false;
}

namespace {

/// check_keys for any list of known keys (string views or strings).
template <typename Known>
void report_unknown_keys(SchemaReader& reader, const SourceNode& map, const std::string& path, const Known& known) {
  // Repeated keys never get here: the YAML reader rejects them.
  for (const auto& [key, value] : map.entries) {
    if (std::find(known.begin(), known.end(), key.text) != known.end()) continue;
    const std::vector<std::string> candidates(known.begin(), known.end());  // only for a message
    reader.error(key.mark, join_path(path, key.text),
                 "unknown key \"" + key.text + "\"" + did_you_mean(key.text, candidates));
  }
}

}  // namespace

void SchemaReader::check_keys(const SourceNode& map, const std::string& path,
                              std::initializer_list<std::string_view> known) {
  report_unknown_keys(*this, map, path, known);
}

void SchemaReader::check_keys(const SourceNode& map, const std::string& path, const std::vector<std::string>& known) {
  report_unknown_keys(*this, map, path, known);
}

const SourceNode* SchemaReader::optional(const SourceNode& map, std::string_view key) const {
  const SourceNode* value = map.find(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

const SourceNode* SchemaReader::required(const SourceNode& map, const std::string& path, std::string_view key) {
  const SourceNode* value = map.find(key);
  if (value == nullptr) error(map.mark, path, "missing required key \"" + std::string(key) + "\"");
  return value;
}

std::optional<std::string> SchemaReader::text(const SourceNode& node, const FieldPath& path) {
  if (node.is_scalar() && resolve_scalar(node).type != ScalarType::kNull) return node.scalar;
  error(node.mark, path, "expected a string, got " + describe(node));
  return std::nullopt;
}

std::optional<double> SchemaReader::number(const SourceNode& node, const FieldPath& path, const Range& range) {
  const ScalarValue value = resolve_scalar(node);
  if (!node.is_scalar() || (value.type != ScalarType::kInt && value.type != ScalarType::kFloat)) {
    error(node.mark, path, "expected a number, got " + describe(node));
    return std::nullopt;
  }
  if (!std::isfinite(value.number)) {
    error(node.mark, path, "expected a finite number, got " + describe(node));
    return std::nullopt;
  }
  if (!range.contains(value.number)) {
    error(node.mark, path, range.requirement() + ", got " + describe(node));
    return std::nullopt;
  }
  return value.number;
}

std::optional<std::int64_t> SchemaReader::integer(const SourceNode& node, const FieldPath& path, const Range& range) {
  const ScalarValue value = resolve_scalar(node);
  if (!node.is_scalar() || value.type != ScalarType::kInt) {
    error(node.mark, path, "expected an integer, got " + describe(node));
    return std::nullopt;
  }
  if (value.overflow || !range.contains(static_cast<double>(value.integer))) {
    error(node.mark, path, range.requirement() + ", got " + describe(node));
    return std::nullopt;
  }
  return value.integer;
}

std::optional<std::int64_t> SchemaReader::count(const SourceNode& node, const FieldPath& path, std::int64_t minimum) {
  const ScalarValue value = resolve_scalar(node);
  if (!node.is_scalar() || value.type != ScalarType::kInt) {
    error(node.mark, path, "expected an integer, got " + describe(node));
    return std::nullopt;
  }
  const bool too_large = value.overflow ? value.number > 0 : value.integer > limits_.max_count;
  if (too_large) {
    error(node.mark, path,
          "exceeds the limit of " + std::to_string(limits_.max_count) + " on counts, got " + describe(node));
    return std::nullopt;
  }
  if (value.overflow || value.integer < minimum) {
    error(node.mark, path, "must be >= " + std::to_string(minimum) + ", got " + describe(node));
    return std::nullopt;
  }
  return value.integer;
}

std::optional<Date> SchemaReader::date(const SourceNode& node, const FieldPath& path) {
  if (node.is_scalar()) {
    if (const auto parsed = parse_date(node.scalar)) return parsed;
  }
  error(node.mark, path, "expected a date (YYYY-MM-DD), got " + describe(node));
  return std::nullopt;
}

}  // namespace poweron
