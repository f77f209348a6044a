// Point values and inverse CDFs of scenario distributions (SPEC 2.1).
//
// Every computation goes through detmath (random.hpp), so a quantile is bit-identical on every platform.
// Bit-identical results need IEEE operations exactly as written: the library is built with
// -ffp-contract=off (CMakeLists.txt), so no a * b + c is fused into one FMA.

#include "poweron/distribution.hpp"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "poweron/random.hpp"

namespace poweron {
namespace {

// Standard normal 90th percentile: lognormal sigma = ln(p90 / median) / kZ90.
constexpr double kZ90 = 1.2815515655446004;

std::size_t required_params(DistKind kind) {
  switch (kind) {
    case DistKind::kConstant:
      return 1;
    case DistKind::kTriangular:
    case DistKind::kPert:
      return 3;
    case DistKind::kUniform:
    case DistKind::kNormal:
    case DistKind::kLognormal:
      return 2;
    case DistKind::kDiscrete:
      return 0;
  }
  return 0;
}

// Checks the shape of `d` (the loader guarantees it; this guards programmatic use).
void require_shape(const Distribution& d) {
  const std::size_t needed = required_params(d.kind);
  if (d.params.size() < needed) {
    throw std::invalid_argument("distribution '" + d.address + "': expected " + std::to_string(needed) +
                                " parameters, got " + std::to_string(d.params.size()));
  }
  auto fail = [&](const std::string& message) {
    throw std::invalid_argument("distribution '" + d.address + "': " + message);
  };
  const std::vector<double>& p = d.params;
  switch (d.kind) {
    case DistKind::kConstant:
      break;
    case DistKind::kUniform:
      if (!(p[0] <= p[1])) fail("uniform needs a <= b");
      break;
    case DistKind::kTriangular:
    case DistKind::kPert:
      if (!(p[0] <= p[1] && p[1] <= p[2])) fail("needs min <= mode <= max");
      break;
    case DistKind::kNormal:
      if (!(p[1] >= 0)) fail("normal needs sd >= 0");
      break;
    case DistKind::kLognormal:
      if (!(p[0] > 0 && p[1] > p[0])) fail("lognormal needs p90 > median > 0");
      break;
    case DistKind::kDiscrete:
      if (d.outcomes.empty()) fail("discrete with no outcomes");
      break;
  }
}

double param(const Distribution& d, std::size_t index) { return d.params[index]; }

double clamp_non_negative(const Distribution& d, double value) {
  return d.non_negative && value < 0 ? 0.0 : value;
}

double clamp_normal(const Distribution& d, double value) {
  if (!std::isnan(d.clamp_min) && value < d.clamp_min) value = d.clamp_min;
  if (!std::isnan(d.clamp_max) && value > d.clamp_max) value = d.clamp_max;
  return value;
}

double triangular_quantile(double lo, double mode, double hi, double u) {
  if (lo == hi) return lo;
  const double width = hi - lo;
  const double split = (mode - lo) / width;  // F(mode)
  if (u < split) return lo + std::sqrt(u * width * (mode - lo));
  return hi - std::sqrt((1 - u) * width * (hi - mode));
}

double pert_quantile(double lo, double mode, double hi, double u) {
  if (lo == hi) return lo;
  const double width = hi - lo;
  const double alpha = 1 + 4 * (mode - lo) / width;
  const double beta = 1 + 4 * (hi - mode) / width;
  return lo + width * detmath::inverse_incomplete_beta(alpha, beta, u);
}

}  // namespace

double point_value(const Distribution& d) {
  require_shape(d);
  double value = 0;
  switch (d.kind) {
    case DistKind::kConstant:
      value = param(d, 0);
      break;
    case DistKind::kUniform:
      value = 0.5 * (param(d, 0) + param(d, 1));
      break;
    case DistKind::kTriangular:
    case DistKind::kPert:
      value = param(d, 1);
      break;
    case DistKind::kNormal:
      value = clamp_normal(d, param(d, 0));
      break;
    case DistKind::kLognormal:
      value = param(d, 0);
      break;
    case DistKind::kDiscrete: {
      const auto* best = &d.outcomes.front();
      for (const auto& outcome : d.outcomes) {
        if (outcome.second > best->second) best = &outcome;  // strict: ties keep the first listed
      }
      value = best->first;
      break;
    }
  }
  return clamp_non_negative(d, value);
}

double quantile(const Distribution& d, double u) {
  if (!(u > 0 && u < 1)) {
    throw std::invalid_argument("distribution '" + d.address + "': quantile needs u in (0, 1), got " +
                                std::to_string(u));
  }
  require_shape(d);
  double value = 0;
  switch (d.kind) {
    case DistKind::kConstant:
      value = param(d, 0);
      break;
    case DistKind::kUniform: {
      const double a = param(d, 0);
      const double b = param(d, 1);
      value = a == b ? a : a + u * (b - a);
      break;
    }
    case DistKind::kTriangular:
      value = triangular_quantile(param(d, 0), param(d, 1), param(d, 2), u);
      break;
    case DistKind::kPert:
      value = pert_quantile(param(d, 0), param(d, 1), param(d, 2), u);
      break;
    case DistKind::kNormal: {
      const double mean = param(d, 0);
      const double sd = param(d, 1);
      value = clamp_normal(d, sd == 0 ? mean : mean + sd * detmath::normal_quantile(u));
      break;
    }
    case DistKind::kLognormal: {
      const double median = param(d, 0);
      const double p90 = param(d, 1);
      const double sigma = detmath::log(p90 / median) / kZ90;
      value = median * detmath::exp(sigma * detmath::normal_quantile(u));
      break;
    }
    case DistKind::kDiscrete: {
      // Cumulative in the order written; rounding that leaves u above the total picks the last outcome
      // with positive probability.
      double cumulative = 0;
      const std::pair<double, double>* last_possible = &d.outcomes.front();
      bool found = false;
      for (const auto& outcome : d.outcomes) {
        if (outcome.second > 0) last_possible = &outcome;
        cumulative += outcome.second;
        if (u < cumulative) {
          value = outcome.first;
          found = true;
          break;
        }
      }
      if (!found) value = last_possible->first;
      break;
    }
  }
  return clamp_non_negative(d, value);
}

}  // namespace poweron
