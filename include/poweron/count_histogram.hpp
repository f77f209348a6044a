// Bounded-memory percentiles of many daily integer series over Monte Carlo replications (the bands).
//
// A HistogramSet holds, for each of `groups` x `days` non-negative integer series (e.g. (owner, state)
// x day), a log-linear histogram: values below 2^k are counted exactly (bin width 1); above, each octave
// [2^e, 2^(e+1)) is split into 2^(k-1) equal bins, so a bin's width is at most 1/2^(k-1) of its lower
// edge. Each bin also keeps the sum of its values, and a percentile reads a bin as the mean of the values
// in it: exact whenever a bin holds one distinct value (the common case of a count that is the same in
// many replications), and always within a relative 2^-k of the exact percentile. k ("precision bits") is
// chosen by the caller to fit a memory budget; memory is groups x days x bins(max_value) x 16 bytes and
// does not grow with the number of replications.
//
// A replication's series is piecewise constant over the days, so it is counted a run of days at a time
// (add_run): the histograms store, per group and bin, differences along the days (+1 where a run starts,
// -1 after it ends), which makes counting a run two updates however long it is; the statistics sum the
// differences back, day after day. Days are the outer index and bins the inner one: where one run of a
// series ends the next begins, usually with a value in a nearby bin, so the two updates of that day
// share a cache line; and the statistics read the memory in order.
//
// Counting is order-independent (integer additions), so sets filled by any number of threads and merged
// in any order give identical percentiles: a sweep's bands do not depend on --threads.
// Thread-safety: one writer per set; merge() after the writers are done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <type_traits>
#include <vector>

namespace poweron {
namespace detail {

/// Allocates zeroed memory that stays untouched until used (calloc: fresh pages from the kernel, already
/// zero), and leaves value-initialized elements to that zero: a large vector of it costs no page until
/// an element is written. For trivially copyable types whose all-zero bytes are their zero value.
template <typename T>
struct UntouchedZeroAllocator {
  static_assert(std::is_trivially_copyable_v<T>);
  using value_type = T;
  UntouchedZeroAllocator() = default;
  template <typename U>
  UntouchedZeroAllocator(const UntouchedZeroAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    void* memory = std::calloc(n, sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T*>(memory);
  }
  void deallocate(T* memory, std::size_t) noexcept { std::free(memory); }
  template <typename U>
  void construct(U*) noexcept {}  // value-initialization: the memory is zero already
  template <typename U, typename... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(static_cast<Args&&>(args)...);
  }
  template <typename U>
  bool operator==(const UntouchedZeroAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace detail

class HistogramSet {
 public:
  /// `groups` x `days` histograms over values 0..max_value with `precision_bits` k in [1, 16]
  /// (std::invalid_argument otherwise, or for days < 1). The memory is advised into huge pages and left
  /// untouched: each page costs its fault (and the kernel's zeroing) where it is first written, so that
  /// threads filling one set share that cost.
  HistogramSet(std::size_t groups, std::size_t days, std::int64_t max_value, int precision_bits);

  /// The largest k in [min_bits, 7] whose memory for `series` (groups x days) histograms fits
  /// `budget_bytes`, or min_bits when none fits.
  static int precision_for_budget(std::size_t series, std::int64_t max_value, std::size_t budget_bytes,
                                  int min_bits = 3);

  /// Counts `value` once for each day in [first_day, end_day) of `group`; values are clamped into
  /// [0, max_value]. REQUIRES: first_day <= end_day <= days.
  void add_run(std::size_t group, std::size_t first_day, std::size_t end_day, std::int64_t value) {
    if (first_day >= end_day) return;
    const std::int64_t v = clamp(value);
    Cell* column = cells_.data() + group * days_ * bins_ + bin_of(v);
    ++column[first_day * bins_].count;
    column[first_day * bins_].sum += v;
    if (end_day < days_) {
      --column[end_day * bins_].count;
      column[end_day * bins_].sum -= v;
    }
  }
  /// Starts fetching the memory add_run(group, first_day, end_day, value) will update: the cells of a
  /// large set are cache misses, and a caller with many runs to count hides them by prefetching a few
  /// runs ahead. No effect on the contents.
  void prefetch_run(std::size_t group, std::size_t first_day, std::size_t end_day, std::int64_t value) const {
    const Cell* column = cells_.data() + group * days_ * bins_ + bin_of(clamp(value));
    __builtin_prefetch(column + first_day * bins_, 1);
    if (end_day < days_) __builtin_prefetch(column + end_day * bins_, 1);
  }
  /// Counts `value` for day `day` of `group`.
  void add(std::size_t group, std::size_t day, std::int64_t value) { add_run(group, day, day + 1, value); }
  /// Adds another set of the same shape (std::invalid_argument otherwise).
  void merge(const HistogramSet& other) { merge(other, 0, groups_); }
  /// As merge(), for groups [first_group, end_group) only, so that threads can merge disjoint parts.
  void merge(const HistogramSet& other, std::size_t first_group, std::size_t end_group);
  /// The stored counts as one array of integers, for sets in other processes: adding two sets' arrays
  /// element by element is merge() (sets of the same shape).
  std::span<std::int64_t> integers() {
    return {reinterpret_cast<std::int64_t*>(cells_.data()), cells_.size() * 2};
  }

  /// For every day of `group`: the percentiles `ps` (each in [0, 100]) by linear interpolation between
  /// closest ranks (R type 7), each order statistic read as the mean of the values in its bin, then the
  /// exact mean; out[day * (ps.size() + 1) + i]. NaN for a day with nothing counted.
  std::vector<double> day_statistics(std::size_t group, std::span<const double> ps) const;

  /// Single-series queries (each sums a group's differences; for tests and small uses).
  std::uint64_t count(std::size_t group, std::size_t day) const;
  double mean(std::size_t group, std::size_t day) const;
  double percentile(std::size_t group, std::size_t day, double p) const;

  std::size_t groups() const { return groups_; }
  std::size_t days() const { return days_; }
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
  std::int64_t clamp(std::int64_t value) const { return value < 0 ? 0 : (value > max_value_ ? max_value_ : value); }

  std::size_t groups_ = 0;
  std::size_t days_ = 0;
  std::size_t bins_ = 0;
  std::int64_t max_value_ = 0;
  int precision_bits_ = 0;
  std::int64_t exact_limit_ = 0;  ///< 2^k
  /// Differences along the days of a bin's count and of the sum of its values (see the file comment).
  struct Cell {
    std::int64_t sum = 0;
    std::int64_t count = 0;
  };
  // integers() views the cells as an array of their two fields.
  static_assert(sizeof(Cell) == 2 * sizeof(std::int64_t) && std::is_standard_layout_v<Cell>);
  std::vector<Cell, detail::UntouchedZeroAllocator<Cell>> cells_;  ///< [(group * days + day) * bins + bin]

  /// For every day of `group` in order: visit(day, histogram), the day's bins (count and sum of values,
  /// the running sums of the stored differences). Defined in count_histogram.cpp, its only user.
  template <typename Visit>
  void walk_days(std::size_t group, Visit visit) const;
};

}  // namespace poweron
