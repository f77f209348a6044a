// Summary statistics for Monte Carlo outputs: percentiles, mean and spread, rank correlation.
// Pure functions over plain vectors; thread-safe. NaN inputs are the caller's to filter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "poweron/untouched_zero_allocator.hpp"

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
std::vector<std::size_t> ascending_order(std::span<const double> values);

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
/// Series prepared for Spearman correlations, each a row: its average ranks doubled and centred,
/// 2 x rank - (n + 1), which are integers (an average rank is a whole or half number, the mean rank
/// (n + 1) / 2), and their sum of squares. A correlation of two rows is then a sum of integer products,
/// exact whatever the order of its terms, and equal bit for bit to spearman() of the series behind them
/// (whose sums of half-integer products are exact too, below about 300,000 values). Rows take 4 bytes a
/// value where ranks as doubles took 8; the table is untouched until rows are set (UntouchedZeroAllocator).
class RankTable {
 public:
  /// The most values a series may have: the sums of products of (n^3 - n) / 3 at most fit 64 bits.
  static constexpr std::size_t kMaxValues = 2'000'000;
  /// `rows` series of `n` values each. Throws std::invalid_argument for n > kMaxValues.
  RankTable(std::size_t rows, std::size_t n);

  /// Sets row `row` to the ranks of `values` (n of them, no NaN) given their ascending order (see
  /// average_ranks). Throws std::invalid_argument when a size differs from n or there is no such row.
  void set(std::size_t row, std::span<const double> values, const std::vector<std::size_t>& ascending);
  void set(std::size_t row, std::span<const double> values) { set(row, values, ascending_order(values)); }

  std::size_t rows() const { return sum_squares_.size(); }
  std::size_t n() const { return n_; }

  /// Spearman correlation of row `a` with row `b` of `other`: NaN when the n differ, n < 2, or either
  /// row is constant. Throws std::invalid_argument for a row that does not exist.
  double spearman(std::size_t a, const RankTable& other, std::size_t b) const;
  /// out[b] = spearman(a, other, b) for every row b of `other`, four rows at a time. Throws
  /// std::invalid_argument for a row that does not exist or out.size() != other.rows().
  void spearman_each(std::size_t a, const RankTable& other, std::span<double> out) const;

 private:
  const std::int32_t* row(std::size_t r) const { return doubled_.data() + r * n_; }
  void check_row(std::size_t r) const;
  double correlation(std::size_t a, std::int64_t products, const RankTable& other, std::size_t b) const;

  std::size_t n_;
  std::vector<std::int32_t, UntouchedZeroAllocator<std::int32_t>> doubled_;  ///< [row * n + i]
  std::vector<std::int64_t> sum_squares_;
};

/// Spearman rank correlation of x and y (Pearson correlation of their average ranks). NaN when the
/// sizes differ, n < 2, or either side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace poweron
