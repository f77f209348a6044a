#include "poweron/count_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>


namespace poweron {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t bins_needed(std::int64_t max_value, int bits) {
  const std::int64_t exact = std::int64_t{1} << bits;
  if (max_value < exact) return static_cast<std::size_t>(max_value + 1);
  const int e = 63 - __builtin_clzll(static_cast<unsigned long long>(max_value));
  // Octaves bits..e, each exact/2 bins, after the exact range.
  return static_cast<std::size_t>(exact + (e - bits + 1) * (exact / 2));
}

// The lowest value of bin `bin` (bin_of's inverse at the bin's start).
std::int64_t lowest_of_bin(std::size_t bin, int bits) {
  const auto b = static_cast<std::int64_t>(bin);
  const std::int64_t exact = std::int64_t{1} << bits;
  if (b < exact) return b;
  const std::int64_t half = exact / 2;
  const int e = bits + static_cast<int>((b - exact) / half);  // octave [2^e, 2^(e+1))
  return (std::int64_t{1} << e) + (b - exact) % half * (std::int64_t{1} << (e - bits + 1));
}

}  // namespace

HistogramSet::HistogramSet(std::size_t groups, std::size_t days, std::int64_t max_value, int precision_bits,
                           std::int64_t capacity)
    : groups_(groups), days_(days), max_value_(max_value < 0 ? 0 : max_value), precision_bits_(precision_bits) {
  if (precision_bits < 1 || precision_bits > 16) {
    throw std::invalid_argument("HistogramSet: precision bits must be in [1, 16], got " +
                                std::to_string(precision_bits));
  }
  if (days < 1) throw std::invalid_argument("HistogramSet: at least one day is needed");
  exact_limit_ = std::int64_t{1} << precision_bits_;
  bins_ = bins_needed(max_value_, precision_bits_);
  blocks_per_row_ = (bins_ + kBlockBins - 1) / kBlockBins;
  const std::size_t blocks = groups_ * days_ * blocks_per_row_;
  if (blocks >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("HistogramSet: " + std::to_string(blocks) + " blocks are more than an index holds");
  }
  block_id_.resize(blocks);  // 0: no block; no page touched yet
  bin_low_.assign(blocks_per_row_ * kBlockBins, 0);
  for (std::size_t bin = 0; bin < bins_; ++bin) bin_low_[bin] = lowest_of_bin(bin, precision_bits_);
  // Narrow cells hold counts up to the capacity and offset sums up to capacity x (widest bin - 1).
  const std::int64_t widest =
      max_value_ < exact_limit_
          ? 1
          : std::int64_t{1} << (63 - __builtin_clzll(static_cast<unsigned long long>(max_value_)) - precision_bits_ + 1);
  constexpr std::int64_t kNarrowMax = std::numeric_limits<std::int32_t>::max();
  wide_ = !(capacity >= 0 && capacity <= kNarrowMax && (widest == 1 || capacity <= kNarrowMax / (widest - 1)));
  with_pool([&](auto& pool) { pool.resize(blocks * kBlockBins); });  // no page touched yet
}

int HistogramSet::precision_for_budget(std::size_t series, std::int64_t max_value, std::size_t budget_bytes,
                                       int min_bits) {
  for (int bits = 7; bits > min_bits; --bits) {
    // Every block of the pool (wide cells, the most it can take) and its index entry.
    const std::size_t blocks = (bins_needed(max_value < 0 ? 0 : max_value, bits) + kBlockBins - 1) / kBlockBins;
    if (series * blocks * (kBlockBins * sizeof(WideCell) + sizeof(std::uint32_t)) <= budget_bytes) return bits;
  }
  return min_bits;
}

namespace {

// A 64-bit count or offset into a cell of type Int; std::overflow_error if it does not fit (a set filled
// beyond its capacity).
template <typename Int>
Int narrowed(std::int64_t value) {
  if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
    throw std::overflow_error("HistogramSet: a count beyond the set's capacity (" + std::to_string(value) + ")");
  }
  return static_cast<Int>(value);
}

}  // namespace

void HistogramSet::merge(const HistogramSet& other) {
  if (other.groups_ != groups_ || other.days_ != days_ || other.bins_ != bins_ ||
      other.precision_bits_ != precision_bits_) {
    throw std::invalid_argument("HistogramSet::merge: sets of different shapes");
  }
  other.with_pool([&](const auto& from_pool) {
    with_pool([&](auto& to_pool) {
      using Int = decltype(to_pool[0].count);
      for (std::size_t group = 0; group < groups_; ++group) {
        for (std::size_t block = 0; block < blocks_per_row_; ++block) {
          for (std::size_t day = 0; day < days_; ++day) {  // the index's order
            const std::size_t from = other.block_start_if_any(group, day, block);
            if (from == kNoBlock) continue;
            const std::size_t to = block_start(group, day, block);
            for (std::size_t i = 0; i < kBlockBins; ++i) {
              to_pool[to + i].count = narrowed<Int>(std::int64_t{to_pool[to + i].count} + from_pool[from + i].count);
              to_pool[to + i].offset =
                  narrowed<Int>(std::int64_t{to_pool[to + i].offset} + from_pool[from + i].offset);
            }
          }
        }
      }
    });
  });
}

std::vector<std::int64_t> HistogramSet::group_integers(std::size_t group) const {
  std::vector<std::int64_t> out(days_ * bins_ * 2, 0);
  with_pool([&](const auto& pool) {
    for (std::size_t d = 0; d < days_; ++d) {
      for (std::size_t block = 0; block < blocks_per_row_; ++block) {
        const std::size_t start = block_start_if_any(group, d, block);
        if (start == kNoBlock) continue;
        for (std::size_t b = block * kBlockBins; b < std::min(bins_, (block + 1) * kBlockBins); ++b) {
          const auto& cell = pool[start + b % kBlockBins];
          out[(d * bins_ + b) * 2] = sum_of_bin(b, cell);
          out[(d * bins_ + b) * 2 + 1] = cell.count;
        }
      }
    }
  });
  return out;
}

void HistogramSet::assign_group_integers(std::size_t group, std::span<const std::int64_t> integers) {
  if (integers.size() != days_ * bins_ * 2) {
    throw std::invalid_argument("HistogramSet::assign_group_integers: " + std::to_string(integers.size()) +
                                " integers for a group of " + std::to_string(days_ * bins_ * 2));
  }
  with_pool([&](auto& pool) {
    using Int = decltype(pool[0].count);
    for (std::size_t d = 0; d < days_; ++d) {
      for (std::size_t block = 0; block < blocks_per_row_; ++block) {
        const std::size_t first = block * kBlockBins;
        const std::size_t end = std::min(bins_, first + kBlockBins);
        const bool any = std::any_of(integers.begin() + static_cast<std::ptrdiff_t>((d * bins_ + first) * 2),
                                     integers.begin() + static_cast<std::ptrdiff_t>((d * bins_ + end) * 2),
                                     [](std::int64_t x) { return x != 0; });
        if (!any && block_start_if_any(group, d, block) == kNoBlock) continue;  // stays without memory
        const std::size_t start = block_start(group, d, block);
        for (std::size_t b = first; b < end; ++b) {
          const std::int64_t sum = integers[(d * bins_ + b) * 2];
          const std::int64_t count = integers[(d * bins_ + b) * 2 + 1];
          pool[start + b - first].count = narrowed<Int>(count);
          pool[start + b - first].offset = narrowed<Int>(sum - bin_low_[b] * count);
        }
      }
    }
  });
}

template <typename Visit>
void HistogramSet::walk_days(std::size_t group, Visit visit) const {
  // Bins of blocks that no day so far has used hold zero and are skipped; `active` lists the blocks used
  // so far, ascending. Running counts and offset sums are 64-bit whatever the cells.
  std::vector<WideCell> running(blocks_per_row_ * kBlockBins);
  std::vector<std::size_t> active;
  with_pool([&](const auto& pool) {
    for (std::size_t d = 0; d < days_; ++d) {
      for (std::size_t block = 0; block < blocks_per_row_; ++block) {
        const std::size_t start = block_start_if_any(group, d, block);
        if (start == kNoBlock) continue;
        const auto at = std::lower_bound(active.begin(), active.end(), block);
        if (at == active.end() || *at != block) active.insert(at, block);
        for (std::size_t i = 0; i < kBlockBins; ++i) {
          running[block * kBlockBins + i].count += pool[start + i].count;
          running[block * kBlockBins + i].offset += pool[start + i].offset;
        }
      }
      visit(d, std::span<const WideCell>(running), std::span<const std::size_t>(active));
    }
  });
}

std::vector<double> HistogramSet::day_statistics(std::size_t group, std::span<const double> ps) const {
  const std::size_t width = ps.size() + 1;
  std::vector<double> out(days_ * width, kNaN);
  // Per percentile, the low and high order statistics it interpolates between, ascending by rank; each
  // is read from the first bin whose cumulative count exceeds its rank, as the bin's mean.
  struct Wanted {
    std::int64_t rank;
    std::size_t slot;  // 2 * percentile index + (0: low, 1: high)
  };
  std::vector<Wanted> wanted(2 * ps.size());
  std::vector<double> value(2 * ps.size());
  walk_days(group, [&](std::size_t d, std::span<const WideCell> bins, std::span<const std::size_t> active) {
    std::int64_t n = 0;
    std::int64_t total = 0;
    for (const std::size_t block : active) {
      for (std::size_t b = block * kBlockBins; b < (block + 1) * kBlockBins; ++b) {
        n += bins[b].count;
        total += sum_of_bin(b, bins[b]);
      }
    }
    if (n == 0) return;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      const double h = static_cast<double>(n - 1) * ps[i] / 100.0;
      const auto low = static_cast<std::int64_t>(std::floor(h));
      wanted[2 * i] = {low, 2 * i};
      wanted[2 * i + 1] = {std::min(low + 1, n - 1), 2 * i + 1};
    }
    // Ascending by rank, ties in slot order (an insertion sort: a handful of entries, and no allocation).
    for (std::size_t i = 1; i < wanted.size(); ++i) {
      for (std::size_t j = i; j > 0 && wanted[j].rank < wanted[j - 1].rank; --j) std::swap(wanted[j], wanted[j - 1]);
    }
    std::size_t next = 0;
    std::int64_t seen = 0;
    for (std::size_t k = 0; k < active.size() && next < wanted.size(); ++k) {
      for (std::size_t b = active[k] * kBlockBins; b < (active[k] + 1) * kBlockBins && next < wanted.size(); ++b) {
        if (bins[b].count == 0) continue;
        seen += bins[b].count;
        const double bin_mean = static_cast<double>(sum_of_bin(b, bins[b])) / static_cast<double>(bins[b].count);
        for (; next < wanted.size() && wanted[next].rank < seen; ++next) value[wanted[next].slot] = bin_mean;
      }
    }
    for (std::size_t i = 0; i < ps.size(); ++i) {
      const double h = static_cast<double>(n - 1) * ps[i] / 100.0;
      const double f = h - std::floor(h);
      const double lo = value[2 * i];
      const double hi = value[2 * i + 1];
      out[d * width + i] = f == 0 ? lo : lo + f * (hi - lo);
    }
    out[d * width + ps.size()] = static_cast<double>(total) / static_cast<double>(n);
  });
  return out;
}

std::uint64_t HistogramSet::count(std::size_t group, std::size_t day) const {
  std::int64_t total = 0;
  with_pool([&](const auto& pool) {
    for (std::size_t d = 0; d <= day; ++d) {
      for (std::size_t block = 0; block < blocks_per_row_; ++block) {
        const std::size_t start = block_start_if_any(group, d, block);
        if (start == kNoBlock) continue;
        for (std::size_t i = 0; i < kBlockBins; ++i) total += pool[start + i].count;
      }
    }
  });
  return static_cast<std::uint64_t>(total);
}

double HistogramSet::mean(std::size_t group, std::size_t day) const {
  return day_statistics(group, {})[day];
}

double HistogramSet::percentile(std::size_t group, std::size_t day, double p) const {
  const double ps[] = {p};
  return day_statistics(group, ps)[day * 2];
}

double HistogramSet::bin_middle(std::size_t bin) const {
  const std::int64_t low = lowest_of_bin(bin, precision_bits_);
  if (low < exact_limit_) return static_cast<double>(low);
  const int e = 63 - __builtin_clzll(static_cast<unsigned long long>(low));
  const std::int64_t high = std::min(low + (std::int64_t{1} << (e - precision_bits_ + 1)) - 1, max_value_);
  return (static_cast<double>(low) + static_cast<double>(high)) / 2.0;
}

double HistogramSet::relative_accuracy() const { return std::ldexp(1.0, -precision_bits_); }

}  // namespace poweron
