// Summary statistics for Monte Carlo outputs: percentiles, mean and spread, rank correlation.
// Pure functions over plain vectors; thread-safe. NaN inputs are the caller's to filter.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace poweron {

/// The p-th percentile (p in [0, 100]) of `sorted` (ascending) by linear interpolation between closest
/// ranks (R type 7, NumPy's default): h = (n - 1) p / 100, x[floor h] + (h - floor h)(x[floor h + 1] -
/// x[floor h]). Infinite values sort last; a percentile that lands on or interpolates to +inf is +inf.
/// NaN when `sorted` is empty.
double percentile_sorted(const std::vector<double>& sorted, double p);

struct MeanSpread {
  std::size_t n = 0;
  double mean = 0;  ///< NaN when n == 0
  double sd = 0;    ///< sample standard deviation (n - 1); NaN when n < 2
  /// 95% confidence interval of the mean: mean -/+ 1.959963984540054 sd / sqrt(n) (normal approximation;
  /// NaN when n < 2).
  double ci95_low = 0;
  double ci95_high = 0;
};

/// Mean, sample sd and the 95% CI of the mean, accumulated in a numerically stable way (Welford).
MeanSpread mean_spread(const std::vector<double>& values);

/// The indices of `values` in ascending order of value (the order among equal values, -0.0 and +0.0
/// included, is unspecified). REQUIRES: no NaN. A radix sort: linear in n, where a comparison sort of a
/// sweep's columns dominated the time of its outputs.
std::vector<std::size_t> ascending_order(const std::vector<double>& values);

/// `values` sorted ascending (as std::sort would, but for the order among equal values). REQUIRES: no NaN.
void sort_ascending(std::vector<double>& values);

/// Ranks 1..n with ties given their average rank. REQUIRES: no NaN.
std::vector<double> average_ranks(const std::vector<double>& values);
/// average_ranks(values) from an ascending order of them (ascending_order(values) or any other order
/// with equal values adjacent), for a caller that sorts once for several uses.
std::vector<double> average_ranks(const std::vector<double>& values, const std::vector<std::size_t>& ascending);

/// Pearson correlation of x and y. NaN when the sizes differ, n < 2, or either side is constant.
double pearson(const std::vector<double>& x, const std::vector<double>& y);

/// One side of a Pearson correlation: a series' deviations from its mean and their sum of squares,
/// computed once when the series is correlated with many others.
struct CenteredSeries {
  std::vector<double> deviations;
  double sum_squares = 0;
};
CenteredSeries centered(const std::vector<double>& values);
/// pearson(x, y) of the series behind two centred ones, bit for bit the same value.
double pearson(const CenteredSeries& x, const CenteredSeries& y);
/// out[j] = pearson(x, ys[j]) for every j, bit for bit, several at a time: each sum still adds its
/// products in order (a chain of dependent additions), and interleaving independent chains keeps the
/// adder busy. REQUIRES: out.size() == ys.size().
void pearson_each(const CenteredSeries& x, std::span<const CenteredSeries> ys, std::span<double> out);

/// Spearman rank correlation of x and y (Pearson correlation of their average ranks). NaN when the
/// sizes differ, n < 2, or either side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace poweron
