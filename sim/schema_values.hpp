// Typed reading of a scenario's YAML tree (SPEC 2.1, 2.2): scalars by the YAML 1.2 core schema, keys,
// ids, ranges and distributions. Every problem becomes a diagnostic at the offending node; readers return
// nullopt (or false) after reporting, so the caller can go on and report further problems.
//
//   SchemaReader reader(document, limits, diagnostics);
//   if (const SourceNode* pue = reader.optional(site, "pue")) site_pue = reader.number(*pue, "sites.gts.pue",
//   kAtLeastOne);
//
// Private to the library. Not thread-safe (appends to one diagnostics vector).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "poweron/date.hpp"
#include "poweron/distribution.hpp"
#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"
#include "source_tree.hpp"

namespace poweron {

/// The YAML 1.2 core-schema type of a scalar (a quoted scalar is always a string).
enum class ScalarType { kNull, kBool, kInt, kFloat, kString };

/// A scalar resolved by the core schema. For kInt, `integer` holds the value unless `overflow` (then
/// `number` holds it approximately); for kInt and kFloat, `number` holds the value (inf/nan included).
struct ScalarValue {
  ScalarType type = ScalarType::kNull;
  double number = 0;
  std::int64_t integer = 0;
  bool overflow = false;
};

/// Resolves a null or scalar node by the core schema; maps and lists give kString (callers check kinds).
ScalarValue resolve_scalar(const SourceNode& node);

/// How a value is shown after "got" in messages: `12.0`, `"abc"`, `null`, `a map`, `a list`.
std::string describe(const SourceNode& node);

/// Shortest decimal text that reads back as `value` (`0.1`, `12`).
std::string number_text(double value);

/// Allowed interval of a number; unset ends are open-ended.
struct Range {
  std::optional<double> min;
  bool min_inclusive = true;
  std::optional<double> max;
  bool max_inclusive = true;

  bool contains(double value) const;
  /// `must be >= 0`, `must be > 0`, `must be in [0, 1)`, ...
  std::string requirement() const;
};

inline const Range kAnyNumber{};
inline const Range kNonNegative{0.0, true, std::nullopt, true};
inline const Range kPositive{0.0, false, std::nullopt, true};
inline const Range kAtLeastOne{1.0, true, std::nullopt, true};
inline const Range kProbability{0.0, true, 1.0, true};

/// What a *dist* field holds (SPEC 2.1).
struct DistSpec {
  bool is_date = false;
  /// Sets Distribution::non_negative (values clamped at 0 when drawn).
  bool non_negative = false;
  /// Constants and every bound (uniform ends, min/mode/max, normal mean and clamps, lognormal median and
  /// p90, discrete values) must lie here. Numbers only; ignored for dates.
  Range range;
};

/// A field's dotted address (`sites.gts.pue`), given whole or as parent and key, and joined only when a
/// message needs it: a large scenario reads 100,000 fields, nearly all of them fine. A parameter type:
/// it views the strings it is made from.
class FieldPath {
 public:
  FieldPath(const std::string& path) : parent_(path) {}  // implicit: any path string is one
  FieldPath(const char* path) : parent_(path) {}
  FieldPath(std::string_view parent, std::string_view key) : parent_(parent), key_(key), joined_(true) {}

  /// The address as text.
  std::string str() const;

 private:
  std::string_view parent_;
  std::string_view key_;
  bool joined_ = false;
};

/// Reads typed values out of `document`, appending a diagnostic to `diagnostics` for every problem.
class SchemaReader {
 public:
  SchemaReader(const SourceDocument& document, const LoaderLimits& limits, std::vector<Diagnostic>& diagnostics);

  const LoaderLimits& limits() const { return limits_; }
  /// Appends `document.diagnostic(mark, path, message)`.
  void error(const SourceMark& mark, const FieldPath& path, std::string message);

  /// True for a map (or null, an empty map); otherwise reports "expected a map, got ..." and returns false.
  bool expect_map(const SourceNode& node, const std::string& path);
  /// Reports each key of `map` that is not in `known`, with a suggestion when one is close.
  void check_keys(const SourceNode& map, const std::string& path, std::initializer_list<std::string_view> known);
  void check_keys(const SourceNode& map, const std::string& path, const std::vector<std::string>& known);
  /// The value of `key` in `map`; nullptr when absent or null (null means "not given").
  const SourceNode* optional(const SourceNode& map, std::string_view key) const;
  /// The value of `key` (possibly null); when absent, reports `missing required key "key"` at the map
  /// and returns nullptr.
  const SourceNode* required(const SourceNode& map, const std::string& path, std::string_view key);

  /// Calls `visit(id, key, value, element_path)` for each element of a map keyed by id, in the order
  /// written; reports ill-formed ids and skips those elements. A null value is passed as is.
  /// Returns false (after reporting) when `node` is not a map.
  template <typename Visit>
  bool for_each_element(const SourceNode& node, const std::string& path, Visit&& visit);
  /// The same for entries [begin, end) of a map `node` (REQUIRES: node is a map, end <= its size).
  template <typename Visit>
  void for_each_element_in(const SourceNode& node, const std::string& path, std::size_t begin, std::size_t end,
                           Visit&& visit);

  /// Moves what `other` (a reader of the same document that read other fields) found into this one:
  /// its diagnostics and its distribution addresses.
  void take_from(SchemaReader& other);

  /// Any non-null scalar, as text (ids, names, references).
  std::optional<std::string> text(const SourceNode& node, const FieldPath& path);
  /// A finite int or float within `range`.
  std::optional<double> number(const SourceNode& node, const FieldPath& path, const Range& range = kAnyNumber);
  /// An int (not `12.0`) within `range`.
  std::optional<std::int64_t> integer(const SourceNode& node, const FieldPath& path, const Range& range = kAnyNumber);
  /// An int in [minimum, limits().max_count] (quantities, gpus, crews, lots, initial counts).
  std::optional<std::int64_t> count(const SourceNode& node, const FieldPath& path, std::int64_t minimum);
  /// A `YYYY-MM-DD` calendar date (plain or quoted).
  std::optional<Date> date(const SourceNode& node, const FieldPath& path);
  /// A *dist* field at `address`: a constant or a distribution map (SPEC 2.1). Records the address.
  std::optional<Distribution> distribution(const SourceNode& node, std::string address, const DistSpec& spec);

  /// Whether `address` is that of a *dist* field present in the document, valid or not (for
  /// correlations).
  bool has_distribution_address(std::string_view address);
  /// All those addresses, sorted, without repeats (for suggestions; builds a copy).
  std::vector<std::string> distribution_addresses() const;

 private:
  std::optional<double> dist_value(const SourceNode& node, const std::string& address, const DistSpec& spec);
  std::optional<std::vector<double>> dist_list(const SourceNode& node, const std::string& address, const DistSpec& spec,
                                               std::string_view form, std::size_t size);
  std::optional<Distribution> dist_form(const SourceNode& map, Distribution result, const DistSpec& spec);

  const SourceDocument& document_;
  const LoaderLimits& limits_;
  std::vector<Diagnostic>& diagnostics_;
  // The addresses as read, end to end in one buffer (a large scenario has 30,000 of them: one string
  // each would be as many allocations), with where each one starts; a hash set of them is built on the
  // first lookup (and again if more were read since).
  std::string address_text_;
  std::vector<std::size_t> address_starts_;
  std::unordered_set<std::string_view> address_set_;
  std::size_t addresses_in_set_ = 0;
};

/// `parent.key` (or `key` at the root).
std::string join_path(const std::string& parent, std::string_view key);

/// Whether `id` matches [A-Za-z0-9_-]+.
bool is_valid_id(std::string_view id);

/// A map with no entries, standing for a null element body (`x:` reads as `x: {}`).
const SourceNode& empty_map_at(const SourceNode& node, SourceNode& storage);

template <typename Visit>
bool SchemaReader::for_each_element(const SourceNode& node, const std::string& path, Visit&& visit) {
  if (node.is_null()) return true;
  if (!expect_map(node, path)) return false;
  for_each_element_in(node, path, 0, node.entries.size(), visit);
  return true;
}

template <typename Visit>
void SchemaReader::for_each_element_in(const SourceNode& node, const std::string& path, std::size_t begin,
                                       std::size_t end, Visit&& visit) {
  for (std::size_t k = begin; k < end; ++k) {
    const auto& [key, value] = node.entries[k];
    if (!is_valid_id(key.text)) {
      error(key.mark, path, "invalid id \"" + key.text + "\" (ids match [A-Za-z0-9_-]+)");
      continue;
    }
    visit(key.text, key, value, join_path(path, key.text));
  }
}

}  // namespace poweron
