// An uncertain scenario input (SPEC 2.1): a constant or a distribution, over numbers or dates.
//
// Date-valued distributions hold their values as days since 1970-01-01 (see date.hpp), so the same
// arithmetic serves both; the model converts to simulation time by subtracting the scenario start.
// Every Distribution carries its stable address (`orders.tesla-dec23.slip_days`), the key of its random
// stream in sampled runs (SPEC 7). Plain data; thread-safe to read.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace poweron {

enum class DistKind { kConstant, kUniform, kTriangular, kPert, kNormal, kLognormal, kDiscrete };

struct Distribution {
  DistKind kind = DistKind::kConstant;
  /// kConstant: {value}; kUniform: {a, b}; kTriangular and kPert: {min, mode, max};
  /// kNormal: {mean, sd}; kLognormal: {median, p90}; kDiscrete: unused (see outcomes).
  std::vector<double> params{0.0};
  /// kNormal only: optional clamps (NaN = none). Clamped, not truncated.
  double clamp_min = std::numeric_limits<double>::quiet_NaN();
  double clamp_max = std::numeric_limits<double>::quiet_NaN();
  /// kDiscrete only: (value, probability) in the order written; probabilities sum to 1.
  std::vector<std::pair<double, double>> outcomes;
  /// Values are dates (days since 1970-01-01), not numbers.
  bool is_date = false;
  /// A duration: every value (point or sampled) is clamped at 0 (SPEC 2.1; all durations but slip_days).
  bool non_negative = false;
  /// Stable dotted address of the field, e.g. `sites.gts.install.rate`.
  std::string address;

  static Distribution constant(double value, std::string address = {}) {
    Distribution d;
    d.params = {value};
    d.address = std::move(address);
    return d;
  }
  bool is_constant() const { return kind == DistKind::kConstant; }
};

/// The value `run` uses (SPEC 2.1): constant itself; uniform midpoint; triangular and pert mode;
/// normal mean (clamped); lognormal median; discrete the most probable value (ties: first listed).
/// Clamped at 0 when non_negative.
double point_value(const Distribution& distribution);

/// The value at cumulative probability u in (0, 1) (inverse CDF), clamped as point_value is.
/// Sampling maps a uniform or copula-correlated draw through this, so every kind samples one way.
double quantile(const Distribution& distribution, double u);

}  // namespace poweron
