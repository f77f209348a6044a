#include "poweron/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace poweron {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ975 = 1.959963984540054;
}  // namespace

double percentile_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = static_cast<double>(sorted.size() - 1) * p / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double fraction = h - static_cast<double>(lo);
  if (std::isinf(sorted[hi]) && fraction > 0) return sorted[hi];
  if (fraction == 0 || sorted[lo] == sorted[hi]) return sorted[lo];
  return sorted[lo] + fraction * (sorted[hi] - sorted[lo]);
}

MeanSpread mean_spread(const std::vector<double>& values) {
  MeanSpread out;
  double mean = 0;
  double m2 = 0;
  for (const double v : values) {
    ++out.n;
    const double delta = v - mean;
    mean += delta / static_cast<double>(out.n);
    m2 += delta * (v - mean);
  }
  out.mean = out.n == 0 ? kNaN : mean;
  if (out.n < 2) {
    out.sd = out.ci95_low = out.ci95_high = kNaN;
    return out;
  }
  out.sd = std::sqrt(m2 / static_cast<double>(out.n - 1));
  const double half_width = kZ975 * out.sd / std::sqrt(static_cast<double>(out.n));
  out.ci95_low = out.mean - half_width;
  out.ci95_high = out.mean + half_width;
  return out;
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // average of i+1..j
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  const double n = static_cast<double>(x.size());
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mean_x;
    const double dy = y[i] - mean_y;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  return pearson(average_ranks(x), average_ranks(y));
}

}  // namespace poweron
