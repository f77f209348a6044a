#include "poweron/count_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace poweron {
namespace {

std::size_t bins_needed(std::int64_t max_value, int bits) {
  const std::int64_t exact = std::int64_t{1} << bits;
  if (max_value < exact) return static_cast<std::size_t>(max_value + 1);
  const int e = 63 - __builtin_clzll(static_cast<unsigned long long>(max_value));
  // Octaves bits..e, each exact/2 bins, after the exact range.
  return static_cast<std::size_t>(exact + (e - bits + 1) * (exact / 2));
}

}  // namespace

HistogramSet::HistogramSet(std::size_t series, std::int64_t max_value, int precision_bits)
    : max_value_(max_value < 0 ? 0 : max_value), precision_bits_(precision_bits) {
  if (precision_bits < 1 || precision_bits > 16) {
    throw std::invalid_argument("HistogramSet: precision bits must be in [1, 16], got " +
                                std::to_string(precision_bits));
  }
  exact_limit_ = std::int64_t{1} << precision_bits_;
  bins_ = bins_needed(max_value_, precision_bits_);
  cells_.assign(series * bins_, Cell{});
}

int HistogramSet::precision_for_budget(std::size_t series, std::int64_t max_value, std::size_t budget_bytes,
                                       int min_bits) {
  for (int bits = 7; bits > min_bits; --bits) {
    const std::size_t cell_bytes = sizeof(Cell);
    if (series * bins_needed(max_value < 0 ? 0 : max_value, bits) * cell_bytes <= budget_bytes) {
      return bits;
    }
  }
  return min_bits;
}

void HistogramSet::merge(const HistogramSet& other) {
  if (other.bins_ != bins_ || other.cells_.size() != cells_.size() || other.precision_bits_ != precision_bits_) {
    throw std::invalid_argument("HistogramSet::merge: sets of different shapes");
  }
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    cells_[i].count += other.cells_[i].count;
    cells_[i].sum += other.cells_[i].sum;
  }
}

std::uint64_t HistogramSet::count(std::size_t series) const {
  std::uint64_t total = 0;
  const Cell* row = cells_.data() + series * bins_;
  for (std::size_t b = 0; b < bins_; ++b) total += row[b].count;
  return total;
}

double HistogramSet::mean(std::size_t series) const {
  const std::uint64_t n = count(series);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  std::int64_t sum = 0;
  const Cell* row = cells_.data() + series * bins_;
  for (std::size_t b = 0; b < bins_; ++b) sum += row[b].sum;
  return static_cast<double>(sum) / static_cast<double>(n);
}

std::size_t HistogramSet::series() const { return cells_.size() / std::max<std::size_t>(bins_, 1); }

double HistogramSet::bin_middle(std::size_t bin) const {
  const auto b = static_cast<std::int64_t>(bin);
  if (b < exact_limit_) return static_cast<double>(b);
  const std::int64_t half = exact_limit_ / 2;
  const std::int64_t octave = (b - exact_limit_) / half;  // 0 for [2^k, 2^(k+1))
  const std::int64_t sub = (b - exact_limit_) % half;
  const int e = precision_bits_ + static_cast<int>(octave);
  const std::int64_t width = std::int64_t{1} << (e - precision_bits_ + 1);
  const std::int64_t low = (std::int64_t{1} << e) + sub * width;
  const std::int64_t high = std::min(low + width - 1, max_value_);
  return (static_cast<double>(low) + static_cast<double>(high)) / 2.0;
}

double HistogramSet::relative_accuracy() const { return std::ldexp(1.0, -precision_bits_); }

double HistogramSet::percentile(std::size_t series, double p) const {
  const std::uint64_t n = count(series);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(n - 1) * p / 100.0;
  const auto lo_rank = static_cast<std::uint64_t>(std::floor(h));
  const std::uint64_t hi_rank = std::min<std::uint64_t>(lo_rank + 1, n - 1);
  const double fraction = h - static_cast<double>(lo_rank);
  const Cell* row = cells_.data() + series * bins_;
  auto bin_mean = [&](std::size_t b) { return static_cast<double>(row[b].sum) / static_cast<double>(row[b].count); };
  double lo_value = 0;
  double hi_value = 0;
  std::uint64_t seen = 0;
  bool have_lo = false;
  for (std::size_t b = 0; b < bins_; ++b) {
    if (row[b].count == 0) continue;
    seen += row[b].count;
    if (!have_lo && lo_rank < seen) {
      lo_value = bin_mean(b);
      have_lo = true;
    }
    if (hi_rank < seen) {
      hi_value = bin_mean(b);
      break;
    }
  }
  return fraction == 0 ? lo_value : lo_value + fraction * (hi_value - lo_value);
}

}  // namespace poweron
