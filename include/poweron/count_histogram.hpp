// Bounded-memory percentiles of many integer series over Monte Carlo replications (the daily bands).
//
// A HistogramSet holds, for each of `series` non-negative integer series (e.g. owner x state x day), a
// log-linear histogram: values below 2^k are counted exactly (bin width 1); above, each octave
// [2^e, 2^(e+1)) is split into 2^(k-1) equal bins, so a bin's width is at most 1/2^(k-1) of its lower
// edge. Each bin also keeps the sum of its values, and a percentile reads a bin as the mean of the values
// in it: exact whenever a bin holds one distinct value (the common case of a count that is the same in
// many replications), and always within a relative 2^-k of the exact percentile. k ("precision bits") is
// chosen by the caller to fit a memory budget; memory is series x bins(max_value) x 12 bytes and does not
// grow with the number of replications.
//
// Counting is order-independent (integer additions), so sets filled by any number of threads and merged
// in any order give identical percentiles: a sweep's bands do not depend on --threads.
// Thread-safety: one writer per set; merge() after the writers are done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace poweron {

class HistogramSet {
 public:
  /// `series` histograms over values 0..max_value with `precision_bits` k in [1, 16].
  HistogramSet(std::size_t series, std::int64_t max_value, int precision_bits);

  /// The largest k in [min_bits, 7] whose memory fits `budget_bytes`, or min_bits when none fits.
  static int precision_for_budget(std::size_t series, std::int64_t max_value, std::size_t budget_bytes,
                                  int min_bits = 3);

  /// Counts `value` for `series`; values are clamped into [0, max_value].
  void add(std::size_t series, std::int64_t value) {
    const std::int64_t v = value < 0 ? 0 : (value > max_value_ ? max_value_ : value);
    Cell& cell = cells_[series * bins_ + bin_of(v)];
    ++cell.count;
    cell.sum += v;
  }
  /// Adds another set of the same shape (same series, max_value and precision).
  void merge(const HistogramSet& other);

  /// Replications counted for `series`.
  std::uint64_t count(std::size_t series) const;
  /// Exact mean of the values counted for `series` (NaN when none).
  double mean(std::size_t series) const;
  /// The p-th percentile (p in [0, 100]) by linear interpolation between closest ranks (R type 7), each
  /// order statistic read as the mean of the values in its bin. NaN when empty.
  double percentile(std::size_t series, double p) const;

  std::size_t series() const;
  std::size_t bins() const { return bins_; }
  int precision_bits() const { return precision_bits_; }
  /// Largest relative error of a reported percentile against the exact one: 2^-k (0 below 2^k).
  double relative_accuracy() const;

  /// Bin index of a value in [0, max_value] (exposed for tests).
  std::size_t bin_of(std::int64_t value) const {
    if (value < exact_limit_) return static_cast<std::size_t>(value);
    const int e = 63 - __builtin_clzll(static_cast<unsigned long long>(value));
    const int shift = e - precision_bits_ + 1;
    const std::int64_t sub = (value >> shift) - (std::int64_t{1} << (precision_bits_ - 1));
    return static_cast<std::size_t>(exact_limit_ + (e - precision_bits_) * (exact_limit_ / 2) + sub);
  }
  /// The middle of a bin's value range (exact below 2^k); for tests of the bin layout.
  double bin_middle(std::size_t bin) const;

 private:
  std::size_t bins_ = 0;
  std::int64_t max_value_ = 0;
  int precision_bits_ = 0;
  std::int64_t exact_limit_ = 0;  ///< 2^k
  /// A bin's count beside the sum of its values, so that counting touches one cache line.
  struct Cell {
    std::int64_t sum = 0;
    std::uint64_t count = 0;
  };
  std::vector<Cell> cells_;  ///< series x bins
};

}  // namespace poweron
