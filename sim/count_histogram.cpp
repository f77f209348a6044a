#include "poweron/count_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "huge_pages.hpp"

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

}  // namespace

HistogramSet::HistogramSet(std::size_t groups, std::size_t days, std::int64_t max_value, int precision_bits)
    : groups_(groups), days_(days), max_value_(max_value < 0 ? 0 : max_value), precision_bits_(precision_bits) {
  if (precision_bits < 1 || precision_bits > 16) {
    throw std::invalid_argument("HistogramSet: precision bits must be in [1, 16], got " +
                                std::to_string(precision_bits));
  }
  if (days < 1) throw std::invalid_argument("HistogramSet: at least one day is needed");
  exact_limit_ = std::int64_t{1} << precision_bits_;
  bins_ = bins_needed(max_value_, precision_bits_);
  cells_.resize(groups_ * bins_ * days_);  // no page touched yet
  advise_huge_pages(cells_.data(), cells_.size() * sizeof(Cell));
}

int HistogramSet::precision_for_budget(std::size_t series, std::int64_t max_value, std::size_t budget_bytes,
                                       int min_bits) {
  for (int bits = 7; bits > min_bits; --bits) {
    if (series * bins_needed(max_value < 0 ? 0 : max_value, bits) * sizeof(Cell) <= budget_bytes) return bits;
  }
  return min_bits;
}

void HistogramSet::merge(const HistogramSet& other, std::size_t first_group, std::size_t end_group) {
  if (other.groups_ != groups_ || other.days_ != days_ || other.bins_ != bins_ ||
      other.precision_bits_ != precision_bits_) {
    throw std::invalid_argument("HistogramSet::merge: sets of different shapes");
  }
  if (first_group > end_group || end_group > groups_) {
    throw std::invalid_argument("HistogramSet::merge: groups out of range");
  }
  const std::size_t group_cells = bins_ * days_;
  for (std::size_t i = first_group * group_cells; i < end_group * group_cells; ++i) {
    cells_[i].count += other.cells_[i].count;
    cells_[i].sum += other.cells_[i].sum;
  }
}

template <typename Visit>
void HistogramSet::walk_days(std::size_t group, Visit visit) const {
  std::vector<Cell> day(bins_);
  const Cell* differences = cells_.data() + group * days_ * bins_;
  for (std::size_t d = 0; d < days_; ++d, differences += bins_) {
    for (std::size_t b = 0; b < bins_; ++b) {
      day[b].count += differences[b].count;
      day[b].sum += differences[b].sum;
    }
    visit(d, std::span<const Cell>(day));
  }
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
  walk_days(group, [&](std::size_t d, std::span<const Cell> bins) {
    std::int64_t n = 0;
    std::int64_t total = 0;
    for (const Cell& bin : bins) {
      n += bin.count;
      total += bin.sum;
    }
    if (n == 0) return;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      const double h = static_cast<double>(n - 1) * ps[i] / 100.0;
      const auto low = static_cast<std::int64_t>(std::floor(h));
      wanted[2 * i] = {low, 2 * i};
      wanted[2 * i + 1] = {std::min(low + 1, n - 1), 2 * i + 1};
    }
    std::stable_sort(wanted.begin(), wanted.end(), [](const Wanted& a, const Wanted& b) { return a.rank < b.rank; });
    std::size_t next = 0;
    std::int64_t seen = 0;
    for (std::size_t b = 0; b < bins.size() && next < wanted.size(); ++b) {
      if (bins[b].count == 0) continue;
      seen += bins[b].count;
      const double bin_mean = static_cast<double>(bins[b].sum) / static_cast<double>(bins[b].count);
      for (; next < wanted.size() && wanted[next].rank < seen; ++next) value[wanted[next].slot] = bin_mean;
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
  const Cell* base = cells_.data() + group * days_ * bins_;
  for (std::size_t i = 0; i < (day + 1) * bins_; ++i) total += base[i].count;
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

}  // namespace poweron
