// Bounded-memory percentiles of many daily integer series over Monte Carlo replications (the bands).
//
// A HistogramSet holds, for each of `groups` x `days` non-negative integer series (e.g. (owner, state)
// x day), a log-linear histogram: values below 2^k are counted exactly (bin width 1); above, each octave
// [2^e, 2^(e+1)) is split into 2^(k-1) equal bins, so a bin's width is at most 1/2^(k-1) of its lower
// edge. Each bin also keeps the sum of its values (as the sum of their offsets from the bin's lowest value,
// which keeps the numbers small), and a percentile reads a bin as the mean of the values
// in it: exact whenever a bin holds one distinct value (the common case of a count that is the same in
// many replications), and always within a relative 2^-k of the exact percentile. k ("precision bits") is
// chosen by the caller to fit a memory budget; memory is at most groups x days x bins(max_value) x 16
// bytes (and an index of 1/128 of that) and does not grow with the number of replications.
//
// A replication's series is piecewise constant over the days, so it is counted a run of days at a time
// (add_run): the histograms store, per group and bin, differences along the days (+1 where a run starts,
// -1 after it ends), which makes counting a run two updates however long it is; the statistics sum the
// differences back, day after day.
//
// Storage is sparse: a (group, day) row of bins is cut into blocks of kBlockBins bins, and a block gets
// memory only when a run first starts or ends in it. The values of one day cluster in a few nearby bins
// (a tenth or less of a row in a sweep of the shipped scenario), so the cells in use are a small, dense
// pool instead of a set much larger than the caches: counting a run touches two cache lines of the pool
// and one index entry, and the memory actually written (first-touch faults, the kernel's zeroing) is the
// blocks in use. The pool is reserved at the size of every block and untouched until used, so memory is
// bounded by groups x days x bins(max_value) x 16 bytes whatever the number of replications. A cell is 8
// bytes (32-bit count and offset sum) when the caller's bound on the values a series-day receives (the
// capacity) keeps both within 32 bits, else 16: half the pool, and half the cache misses of counting.
//
// Counting is order-independent (integer additions), so sets filled by any number of threads and merged
// in any order give identical percentiles: a sweep's bands do not depend on --threads (the pool's block
// order may differ; nothing reads it but through the index).
// Thread-safety: one writer per set (a writer also allocates blocks); merge() after the writers are done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "poweron/untouched_zero_allocator.hpp"

namespace poweron {

class HistogramSet {
 public:
  /// Bins per block of storage (see the file comment).
  static constexpr std::size_t kBlockBins = 32;

  /// `groups` x `days` histograms over values 0..max_value with `precision_bits` k in [1, 16]
  /// (std::invalid_argument otherwise, or for days < 1). `capacity` bounds the values any one series-day
  /// will hold, merges and assignments included (a sweep: its replications); within it, 8-byte cells.
  /// The pool and its index are left untouched (in huge pages): only the blocks in use cost memory.
  HistogramSet(std::size_t groups, std::size_t days, std::int64_t max_value, int precision_bits,
               std::int64_t capacity = std::numeric_limits<std::int64_t>::max());

  /// The largest k in [min_bits, 7] whose memory for `series` (groups x days) histograms fits
  /// `budget_bytes`, or min_bits when none fits.
  static int precision_for_budget(std::size_t series, std::int64_t max_value, std::size_t budget_bytes,
                                  int min_bits = 3);

  /// Counts `value` once for each day in [first_day, end_day) of `group`; values are clamped into
  /// [0, max_value]. REQUIRES: first_day <= end_day <= days, and no series-day beyond the capacity.
  void add_run(std::size_t group, std::size_t first_day, std::size_t end_day, std::int64_t value) {
    if (first_day >= end_day) return;
    const Located at = locate(clamp(value));
    if (wide_) [[unlikely]] {
      count_run(wide_pool_, group, first_day, end_day, at);
    } else {
      count_run(narrow_pool_, group, first_day, end_day, at);
    }
  }
  /// Counts `value` for day `day` of `group`.
  void add(std::size_t group, std::size_t day, std::int64_t value) { add_run(group, day, day + 1, value); }
  /// Adds another set of the same shape (std::invalid_argument otherwise; std::overflow_error for counts
  /// beyond the capacity's cells).
  void merge(const HistogramSet& other);
  /// The stored differences of `group` as one dense array of integers, [(day * bins + bin) * 2 + (0: sum,
  /// 1: count)], for sets in other processes: adding two sets' arrays element by element and assigning
  /// the sum back (assign_group_integers) is merge(), group by group.
  std::vector<std::int64_t> group_integers(std::size_t group) const;
  /// Replaces the contents of `group` with a dense array as group_integers() gives (std::invalid_argument
  /// for an array of another size, std::overflow_error for counts beyond the capacity's cells).
  void assign_group_integers(std::size_t group, std::span<const std::int64_t> integers);
  /// Blocks of bins in use (each kBlockBins cells of cell_bytes()): the memory the set has written.
  std::size_t blocks_in_use() const { return blocks_in_use_; }
  /// Bytes of a cell: 8 within the capacity's bounds, else 16.
  std::size_t cell_bytes() const { return wide_ ? sizeof(WideCell) : sizeof(NarrowCell); }

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
  std::size_t bin_of(std::int64_t value) const { return locate(value).bin; }
  /// The middle of a bin's value range (exact below 2^k); for tests of the bin layout.
  double bin_middle(std::size_t bin) const;

 private:
  std::int64_t clamp(std::int64_t value) const { return value < 0 ? 0 : (value > max_value_ ? max_value_ : value); }

  /// A value's bin and its offset from the bin's lowest value (bins above 2^k are aligned to their width).
  struct Located {
    std::size_t bin;
    std::int64_t offset;
  };
  Located locate(std::int64_t value) const {
    if (value < exact_limit_) return {static_cast<std::size_t>(value), 0};
    const int e = 63 - __builtin_clzll(static_cast<unsigned long long>(value));
    const int shift = e - precision_bits_ + 1;
    const std::int64_t sub = (value >> shift) - (std::int64_t{1} << (precision_bits_ - 1));
    return {static_cast<std::size_t>(exact_limit_ + (e - precision_bits_) * (exact_limit_ / 2) + sub),
            value & ((std::int64_t{1} << shift) - 1)};
  }

  /// Differences along the days of a bin's count and of the sum of its values' offsets (see the file
  /// comment); the sum of the values is the bin's lowest value x count + offset.
  template <typename Int>
  struct CellOf {
    Int count = 0;
    Int offset = 0;
  };
  using NarrowCell = CellOf<std::int32_t>;
  using WideCell = CellOf<std::int64_t>;
  template <typename Cell>
  using Pool = std::vector<Cell, UntouchedZeroAllocator<Cell>>;

  /// The index entry of block `block` of (group, day): the days of one group and block are adjacent, so
  /// that counting a series' runs day after day, in one region of values, reads a few lines of the index.
  std::size_t index_of(std::size_t group, std::size_t day, std::size_t block) const {
    return (group * blocks_per_row_ + block) * days_ + day;
  }
  /// The pool index of block `block` of (group, day), giving it memory if it has none yet.
  std::size_t block_start(std::size_t group, std::size_t day, std::size_t block) {
    std::uint32_t& id = block_id_[index_of(group, day, block)];
    if (id == 0) id = static_cast<std::uint32_t>(++blocks_in_use_);  // the pool holds every block: never full
    return (std::size_t{id} - 1) * kBlockBins;
  }
  /// The pool index of block `block` of (group, day), or kNoBlock if it has none.
  static constexpr std::size_t kNoBlock = static_cast<std::size_t>(-1);
  std::size_t block_start_if_any(std::size_t group, std::size_t day, std::size_t block) const {
    const std::uint32_t id = block_id_[index_of(group, day, block)];
    return id == 0 ? kNoBlock : (std::size_t{id} - 1) * kBlockBins;
  }
  template <typename Cell>
  void count_run(Pool<Cell>& pool, std::size_t group, std::size_t first_day, std::size_t end_day, Located at) {
    using Int = decltype(Cell::count);
    Cell& start = pool[block_start(group, first_day, at.bin / kBlockBins) + at.bin % kBlockBins];
    ++start.count;
    start.offset += static_cast<Int>(at.offset);
    if (end_day < days_) {
      Cell& end = pool[block_start(group, end_day, at.bin / kBlockBins) + at.bin % kBlockBins];
      --end.count;
      end.offset -= static_cast<Int>(at.offset);
    }
  }
  /// The sum of the values counted in `cell` of bin `bin`: the bin's lowest value x count + the offsets.
  template <typename Cell>
  std::int64_t sum_of_bin(std::size_t bin, const Cell& cell) const {
    return bin_low_[bin] * std::int64_t{cell.count} + std::int64_t{cell.offset};
  }
  /// f(pool) with the pool in use.
  template <typename F>
  decltype(auto) with_pool(F&& f) const {
    return wide_ ? f(wide_pool_) : f(narrow_pool_);
  }
  template <typename F>
  decltype(auto) with_pool(F&& f) {
    return wide_ ? f(wide_pool_) : f(narrow_pool_);
  }

  std::size_t groups_ = 0;
  std::size_t days_ = 0;
  std::size_t bins_ = 0;
  std::int64_t max_value_ = 0;
  int precision_bits_ = 0;
  std::int64_t exact_limit_ = 0;  ///< 2^k
  std::size_t blocks_per_row_ = 0;  ///< ceil(bins / kBlockBins)
  std::size_t blocks_in_use_ = 0;
  bool wide_ = true;  ///< 16-byte cells: the capacity does not keep counts and offsets within 32 bits
  /// [index_of(group, day, block)]: 1 + the block's place in the pool, 0 for none.
  /// Untouched until used, like the pool: a sweep's worker writes the entries of the blocks it uses.
  std::vector<std::uint32_t, UntouchedZeroAllocator<std::uint32_t>> block_id_;
  /// The lowest value of each bin (blocks_per_row x kBlockBins, the padding 0).
  std::vector<std::int64_t> bin_low_;
  /// Blocks in the order they were first used, kBlockBins cells each; sized for every block, untouched
  /// beyond the blocks in use. One of the two is used, the other empty.
  Pool<NarrowCell> narrow_pool_;
  Pool<WideCell> wide_pool_;

  /// For every day of `group` in order: visit(day, bins, active), the day's bins (count and offset sum:
  /// the running sums of the stored differences) and the blocks any day so far has used, ascending.
  /// Defined in count_histogram.cpp, its only user.
  template <typename Visit>
  void walk_days(std::size_t group, Visit visit) const;
};

}  // namespace poweron
