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
#include <optional>
#include <string>
#include <string_view>
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

/// Reads typed values out of `document`, appending a diagnostic to `diagnostics` for every problem.
class SchemaReader {
 public:
  SchemaReader(const SourceDocument& document, const LoaderLimits& limits, std::vector<Diagnostic>& diagnostics);

  const LoaderLimits& limits() const { return limits_; }
  /// Appends `document.diagnostic(mark, path, message)`.
  void error(const SourceMark& mark, const std::string& path, std::string message);

  /// True for a map (or null, an empty map); otherwise reports "expected a map, got ..." and returns false.
  bool expect_map(const SourceNode& node, const std::string& path);
  /// Reports each key of `map` that is not in `known`, with a suggestion when one is close.
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

  /// Any non-null scalar, as text (ids, names, references).
  std::optional<std::string> text(const SourceNode& node, const std::string& path);
  /// A finite int or float within `range`.
  std::optional<double> number(const SourceNode& node, const std::string& path, const Range& range = kAnyNumber);
  /// An int (not `12.0`) within `range`.
  std::optional<std::int64_t> integer(const SourceNode& node, const std::string& path, const Range& range = kAnyNumber);
  /// An int in [minimum, limits().max_count] (quantities, gpus, crews, lots, initial counts).
  std::optional<std::int64_t> count(const SourceNode& node, const std::string& path, std::int64_t minimum);
  /// A `YYYY-MM-DD` calendar date (plain or quoted).
  std::optional<Date> date(const SourceNode& node, const std::string& path);
  /// A *dist* field at `address`: a constant or a distribution map (SPEC 2.1). Records the address.
  std::optional<Distribution> distribution(const SourceNode& node, const std::string& address, const DistSpec& spec);

  /// Addresses of every *dist* field present in the document, valid or not (for correlations), sorted,
  /// without repeats.
  const std::vector<std::string>& distribution_addresses();

 private:
  std::optional<double> dist_value(const SourceNode& node, const std::string& address, const DistSpec& spec);
  std::optional<std::vector<double>> dist_list(const SourceNode& node, const std::string& address, const DistSpec& spec,
                                               std::string_view form, std::size_t size);
  std::optional<Distribution> dist_form(const SourceNode& map, Distribution result, const DistSpec& spec);

  const SourceDocument& document_;
  const LoaderLimits& limits_;
  std::vector<Diagnostic>& diagnostics_;
  // Appended as read (cheaper than a set for the 30,000 fields of a large scenario); sorted and made
  // unique on request.
  std::vector<std::string> distribution_addresses_;
  std::size_t sorted_addresses_ = 0;  // how many of distribution_addresses_ are sorted and unique
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
  for (const auto& [key, value] : node.entries) {
    if (!is_valid_id(key.text)) {
      error(key.mark, path, "invalid id \"" + key.text + "\" (ids match [A-Za-z0-9_-]+)");
      continue;
    }
    visit(key.text, key, value, join_path(path, key.text));
  }
  return true;
}

}  // namespace poweron
