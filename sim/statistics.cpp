#include "poweron/statistics.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
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

std::vector<std::size_t> ascending_order(std::span<const double> values) {
  // LSD radix sort of (key, index) by 8-bit digits of the key: the double's bits mapped to an unsigned
  // integer of the same order (negative values all bits flipped, others the sign bit set). A digit that
  // every key shares (the exponent's high bits, the zero low bits of whole numbers) needs no pass.
  struct Entry {
    std::uint64_t key;
    std::size_t index;
  };
  const std::size_t n = values.size();
  // The entries and the passes' scratch, one buffer kept by the thread from call to call: a sweep sorts
  // hundreds of columns, and fresh memory costs a page fault per 4 KiB, more than the sort (as one
  // UntouchedZeroAllocator buffer, a large one is a few huge pages).
  thread_local std::vector<Entry, UntouchedZeroAllocator<Entry>> buffer;
  if (buffer.size() < 2 * n) buffer.resize(2 * n);
  Entry* entries = buffer.data();
  Entry* scratch = buffer.data() + n;
  std::array<std::array<std::size_t, 256>, 8> counts{};
  for (std::size_t i = 0; i < n; ++i) {
    const auto bits = std::bit_cast<std::uint64_t>(values[i]);
    const std::uint64_t key = (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
    entries[i] = {key, i};
    for (std::size_t d = 0; d < 8; ++d) ++counts[d][(key >> (8 * d)) & 0xff];
  }
  for (std::size_t d = 0; d < 8 && n > 1; ++d) {
    if (counts[d][(entries[0].key >> (8 * d)) & 0xff] == n) continue;  // one digit value: order unchanged
    std::size_t start = 0;
    for (std::size_t& count : counts[d]) start += std::exchange(count, start);  // counts become offsets
    for (std::size_t i = 0; i < n; ++i) scratch[counts[d][(entries[i].key >> (8 * d)) & 0xff]++] = entries[i];
    std::swap(entries, scratch);
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = entries[i].index;
  return order;
}

void sort_ascending(std::vector<double>& values) {
  const std::vector<std::size_t> order = ascending_order(values);
  std::vector<double> sorted(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = values[order[i]];
  values.swap(sorted);
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  return average_ranks(values, ascending_order(values));
}

std::vector<double> average_ranks(const std::vector<double>& values, const std::vector<std::size_t>& order) {
  if (order.size() != values.size()) throw std::invalid_argument("average_ranks: the order does not cover the values");
  // Tied values share their average rank, so the order among ties is irrelevant.
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

RankTable::RankTable(std::size_t rows, std::size_t n) : n_(n), sum_squares_(rows, 0) {
  if (n > kMaxValues) {
    throw std::invalid_argument("RankTable: " + std::to_string(n) + " values per series, more than " +
                                std::to_string(kMaxValues));
  }
  doubled_.resize(rows * n);
}

void RankTable::check_row(std::size_t r) const {
  if (r >= rows()) {
    throw std::invalid_argument("RankTable: no row " + std::to_string(r) + " of " + std::to_string(rows()));
  }
}

void RankTable::set(std::size_t r, std::span<const double> values, const std::vector<std::size_t>& order) {
  check_row(r);
  if (values.size() != n_ || order.size() != n_) throw std::invalid_argument("RankTable: a series of another size");
  std::int32_t* out = doubled_.data() + r * n_;
  const auto n_plus_one = static_cast<std::int64_t>(n_) + 1;
  std::int64_t squares = 0;
  for (std::size_t i = 0; i < n_;) {
    std::size_t j = i + 1;
    while (j < n_ && values[order[j]] == values[order[i]]) ++j;
    // Ranks i+1..j share their average (i + 1 + j) / 2: doubled and centred, i + 1 + j - (n + 1).
    const std::int64_t doubled = static_cast<std::int64_t>(i + 1 + j) - n_plus_one;
    for (std::size_t k = i; k < j; ++k) out[order[k]] = static_cast<std::int32_t>(doubled);
    squares += doubled * doubled * static_cast<std::int64_t>(j - i);
    i = j;
  }
  sum_squares_[r] = squares;
}

double RankTable::correlation(std::size_t a, std::int64_t products, const RankTable& other, std::size_t b) const {
  const std::int64_t xx = sum_squares_[a];
  const std::int64_t yy = other.sum_squares_[b];
  if (n_ < 2 || xx == 0 || yy == 0) return kNaN;
  // The Pearson correlation of the ranks: each sum is 4x that of the half-integer deviations, and the
  // powers of two cancel exactly (in the product, the square root and the quotient alike).
  return static_cast<double>(products) / std::sqrt(static_cast<double>(xx) * static_cast<double>(yy));
}

double RankTable::spearman(std::size_t a, const RankTable& other, std::size_t b) const {
  check_row(a);
  other.check_row(b);
  if (other.n_ != n_) return kNaN;
  const std::int32_t* x = row(a);
  const std::int32_t* y = other.row(b);
  std::int64_t products = 0;
  for (std::size_t i = 0; i < n_; ++i) products += static_cast<std::int64_t>(x[i]) * y[i];
  return correlation(a, products, other, b);
}

void RankTable::spearman_each(std::size_t a, const RankTable& other, std::span<double> out) const {
  check_row(a);
  if (out.size() != other.rows()) throw std::invalid_argument("RankTable: spearman_each needs a result per row");
  constexpr std::size_t kAtOnce = 4;
  std::size_t b = 0;
  if (other.n_ == n_) {
    const std::int32_t* x = row(a);
    for (; b + kAtOnce <= other.rows(); b += kAtOnce) {
      const std::int32_t* y0 = other.row(b);
      const std::int32_t* y1 = other.row(b + 1);
      const std::int32_t* y2 = other.row(b + 2);
      const std::int32_t* y3 = other.row(b + 3);
      std::int64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (std::size_t i = 0; i < n_; ++i) {
        const std::int64_t xi = x[i];
        s0 += xi * y0[i];
        s1 += xi * y1[i];
        s2 += xi * y2[i];
        s3 += xi * y3[i];
      }
      out[b] = correlation(a, s0, other, b);
      out[b + 1] = correlation(a, s1, other, b + 1);
      out[b + 2] = correlation(a, s2, other, b + 2);
      out[b + 3] = correlation(a, s3, other, b + 3);
    }
  }
  for (; b < other.rows(); ++b) out[b] = spearman(a, other, b);
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
