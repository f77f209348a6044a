#include "poweron/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

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
  // Tied values share their average rank, so the order among ties is irrelevant: an unstable sort of
  // (value, index) pairs, contiguous in memory, gives the same ranks as any other sort.
  std::vector<std::pair<double, std::size_t>> order(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) order[i] = {values[i], i};
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && order[j].first == order[i].first) ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // average of i+1..j
    for (std::size_t k = i; k < j; ++k) ranks[order[k].second] = rank;
    i = j;
  }
  return ranks;
}

CenteredSeries centered(const std::vector<double>& values) {
  CenteredSeries out;
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  out.deviations.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    out.deviations[i] = values[i] - mean;
    out.sum_squares += out.deviations[i] * out.deviations[i];
  }
  return out;
}

double pearson(const CenteredSeries& x, const CenteredSeries& y) {
  if (x.deviations.size() != y.deviations.size() || x.deviations.size() < 2) return kNaN;
  if (x.sum_squares == 0 || y.sum_squares == 0) return kNaN;
  double sxy = 0;
  for (std::size_t i = 0; i < x.deviations.size(); ++i) sxy += x.deviations[i] * y.deviations[i];
  return sxy / std::sqrt(x.sum_squares * y.sum_squares);
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  return pearson(centered(x), centered(y));
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  return pearson(average_ranks(x), average_ranks(y));
}

}  // namespace poweron
