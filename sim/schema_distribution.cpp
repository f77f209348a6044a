// SchemaReader's distributions (SPEC 2.1): a constant, or one of the forms uniform, triangular, pert,
// normal (with optional min/max clamps), lognormal and discrete, over numbers or dates.
#include <algorithm>
#include <cmath>

#include "schema_values.hpp"

namespace poweron {
namespace {

const std::vector<std::string>& distribution_forms() {
  static const std::vector<std::string> kForms = {"uniform", "triangular", "pert", "normal", "lognormal", "discrete"};
  return kForms;
}

}  // namespace

std::optional<double> SchemaReader::dist_value(const SourceNode& node, const std::string& address,
                                               const DistSpec& spec) {
  if (spec.is_date) {
    const auto parsed = date(node, address);
    if (!parsed) return std::nullopt;
    return static_cast<double>(*parsed);
  }
  return number(node, address, spec.range);
}

std::optional<std::vector<double>> SchemaReader::dist_list(const SourceNode& node, const std::string& address,
                                                           const DistSpec& spec, std::string_view form,
                                                           std::size_t size) {
  static const char* const kShapes[] = {"", "", "[a, b]", "[min, mode, max]"};
  if (!node.is_sequence() || node.items.size() != size) {
    error(node.mark, address,
          std::string(form) + " expects a list of " + std::to_string(size) + " values " + kShapes[size] + ", got " +
              (node.is_sequence() ? std::to_string(node.items.size()) + " values" : describe(node)));
    return std::nullopt;
  }
  std::vector<double> values;
  bool ok = true;
  for (const SourceNode& item : node.items) {
    const auto value = dist_value(item, address, spec);
    ok = ok && value.has_value();
    values.push_back(value.value_or(0.0));
  }
  if (!ok) return std::nullopt;
  return values;
}

namespace {

std::string written_list(const SourceNode& sequence) {
  std::string out = "[";
  for (std::size_t i = 0; i < sequence.items.size(); ++i) {
    if (i > 0) out += ", ";
    out += sequence.items[i].scalar;
  }
  return out + "]";
}

}  // namespace

std::optional<Distribution> SchemaReader::dist_form(const SourceNode& map, Distribution result, const DistSpec& spec) {
  const std::string& address = result.address;
  static const std::vector<std::string> kKnown = [] {
    std::vector<std::string> known = distribution_forms();
    known.push_back("min");
    known.push_back("max");
    return known;
  }();
  check_keys(map, address, kKnown);
  const SourceKey* form_key = nullptr;
  const SourceNode* form_value = nullptr;
  for (const auto& [key, value] : map.entries) {
    bool is_form = false;
    for (const std::string& form : distribution_forms()) is_form = is_form || form == key.text;
    if (!is_form) continue;
    if (form_key != nullptr) {
      error(key.mark, address, "a distribution has one form, got \"" + form_key->text + "\" and \"" + key.text + "\"");
      return std::nullopt;
    }
    form_key = &key;
    form_value = &value;
  }
  if (form_key == nullptr) {
    error(map.mark, address,
          std::string("expected ") + (spec.is_date ? "a date" : "a number") +
              " or a distribution (uniform, triangular, pert, normal, lognormal or discrete)");
    return std::nullopt;
  }
  const std::string& form = form_key->text;
  for (const char* clamp : {"min", "max"}) {
    const SourceKey* key = map.find_key(clamp);
    if (key != nullptr && form != "normal") {
      error(key->mark, join_path(address, clamp), std::string("\"") + clamp + "\" applies only to normal");
      return std::nullopt;
    }
  }
  const SourceNode& value = *form_value;
  if (form == "uniform") {
    const auto values = dist_list(value, address, spec, form, 2);
    if (!values) return std::nullopt;
    if ((*values)[0] > (*values)[1]) {
      error(value.mark, address, "uniform needs a <= b, got " + written_list(value));
      return std::nullopt;
    }
    result.kind = DistKind::kUniform;
    result.params = *values;
    return result;
  }
  if (form == "triangular" || form == "pert") {
    const auto values = dist_list(value, address, spec, form, 3);
    if (!values) return std::nullopt;
    if ((*values)[0] > (*values)[1] || (*values)[1] > (*values)[2]) {
      error(value.mark, address, form + " needs min <= mode <= max, got " + written_list(value));
      return std::nullopt;
    }
    result.kind = form == "pert" ? DistKind::kPert : DistKind::kTriangular;
    result.params = *values;
    return result;
  }
  if (form == "normal") {
    if (!value.is_sequence() || value.items.size() != 2) {
      error(value.mark, address,
            "normal expects a list of 2 values [mean, sd], got " +
                (value.is_sequence() ? std::to_string(value.items.size()) + " values" : describe(value)));
      return std::nullopt;
    }
    const auto mean = dist_value(value.items[0], address, spec);
    const auto sd = number(value.items[1], address, kNonNegative);
    std::optional<double> clamp_min, clamp_max;
    bool ok = mean && sd;
    if (const SourceNode* node = optional(map, "min")) ok = (clamp_min = dist_value(*node, address, spec)) && ok;
    if (const SourceNode* node = optional(map, "max")) ok = (clamp_max = dist_value(*node, address, spec)) && ok;
    if (!ok) return std::nullopt;
    if (clamp_min && clamp_max && *clamp_min > *clamp_max) {
      error(map.mark, address,
            "normal needs min <= max, got min " + map.find("min")->scalar + ", max " + map.find("max")->scalar);
      return std::nullopt;
    }
    result.kind = DistKind::kNormal;
    result.params = {*mean, *sd};
    if (clamp_min) result.clamp_min = *clamp_min;
    if (clamp_max) result.clamp_max = *clamp_max;
    return result;
  }
  if (form == "lognormal") {
    if (spec.is_date) {
      error(form_key->mark, address, "lognormal is not allowed for a date");
      return std::nullopt;
    }
    if (!expect_map(value, address)) return std::nullopt;
    check_keys(value, address, {"median", "p90"});
    const SourceNode* median_node = required(value, address, "median");
    const SourceNode* p90_node = required(value, address, "p90");
    if (median_node == nullptr || p90_node == nullptr) return std::nullopt;
    const auto median = number(*median_node, address, spec.range);
    const auto p90 = number(*p90_node, address, spec.range);
    if (!median || !p90) return std::nullopt;
    if (!(*median > 0 && *p90 > *median)) {
      error(value.mark, address,
            "lognormal needs p90 > median > 0, got median " + median_node->scalar + ", p90 " + p90_node->scalar);
      return std::nullopt;
    }
    result.kind = DistKind::kLognormal;
    result.params = {*median, *p90};
    return result;
  }
  // discrete
  if (!value.is_sequence() || value.items.empty()) {
    error(value.mark, address,
          "discrete expects a non-empty list of [value, probability] pairs, got " +
              (value.is_sequence() ? std::string("an empty list") : describe(value)));
    return std::nullopt;
  }
  bool ok = true;
  double sum = 0;
  for (const SourceNode& pair : value.items) {
    if (!pair.is_sequence() || pair.items.size() != 2) {
      error(pair.mark, address,
            "discrete expects [value, probability] pairs, got " +
                (pair.is_sequence() ? std::to_string(pair.items.size()) + " values" : describe(pair)));
      ok = false;
      continue;
    }
    const auto outcome = dist_value(pair.items[0], address, spec);
    const auto probability = number(pair.items[1], address, kProbability);
    if (!outcome || !probability) {
      ok = false;
      continue;
    }
    sum += *probability;
    result.outcomes.emplace_back(*outcome, *probability);
  }
  if (!ok) return std::nullopt;
  constexpr double kSumTolerance = 1e-9;
  if (std::fabs(sum - 1.0) > kSumTolerance) {
    error(value.mark, address, "discrete probabilities must sum to 1, got " + number_text(sum));
    return std::nullopt;
  }
  result.kind = DistKind::kDiscrete;
  result.params.clear();
  return result;
}

std::optional<Distribution> SchemaReader::distribution(const SourceNode& node, std::string address,
                                                       const DistSpec& spec) {
  address_starts_.push_back(address_text_.size());
  address_text_ += address;
  Distribution result;
  result.address = std::move(address);
  result.is_date = spec.is_date;
  result.non_negative = spec.non_negative;
  if (node.is_map()) return dist_form(node, std::move(result), spec);
  if (!node.is_scalar()) {
    error(node.mark, result.address,
          std::string("expected ") + (spec.is_date ? "a date (YYYY-MM-DD)" : "a number") + " or a distribution, got " +
              describe(node));
    return std::nullopt;
  }
  const auto value = dist_value(node, result.address, spec);
  if (!value) return std::nullopt;
  result.params = {*value};
  return result;
}

bool SchemaReader::has_distribution_address(std::string_view address) {
  if (addresses_in_set_ != address_starts_.size()) {
    // Views into address_text_, which may have moved since the last build.
    address_set_.clear();
    address_set_.reserve(address_starts_.size());
    for (std::size_t k = 0; k < address_starts_.size(); ++k) {
      const std::size_t end = k + 1 < address_starts_.size() ? address_starts_[k + 1] : address_text_.size();
      address_set_.insert(std::string_view(address_text_).substr(address_starts_[k], end - address_starts_[k]));
    }
    addresses_in_set_ = address_starts_.size();
  }
  return address_set_.count(address) > 0;
}

std::vector<std::string> SchemaReader::distribution_addresses() const {
  std::vector<std::string> addresses;
  addresses.reserve(address_starts_.size());
  for (std::size_t k = 0; k < address_starts_.size(); ++k) {
    const std::size_t end = k + 1 < address_starts_.size() ? address_starts_[k + 1] : address_text_.size();
    addresses.push_back(address_text_.substr(address_starts_[k], end - address_starts_[k]));
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

}  // namespace poweron
