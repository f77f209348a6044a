#include "poweron/statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace poweron {
namespace {

TEST(Statistics, PercentileInterpolatesBetweenClosestRanks) {
  const std::vector<double> v{1, 2, 3, 4, 10};
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 0), 1);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 100), 10);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 50), 3);
  // h = 4 * 0.9 = 3.6: 4 + 0.6 * (10 - 4) = 7.6 (NumPy: np.percentile([1,2,3,4,10], 90) == 7.6)
  EXPECT_NEAR(percentile_sorted(v, 90), 7.6, 1e-12);
  // h = 4 * 0.1 = 0.4: 1 + 0.4 * 1 = 1.4
  EXPECT_NEAR(percentile_sorted(v, 10), 1.4, 1e-12);
  EXPECT_TRUE(std::isnan(percentile_sorted({}, 50)));
}

TEST(Statistics, PercentileAmongInfinitiesIsInfinite) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> v{1, 2, inf, inf};
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 0), 1);
  EXPECT_TRUE(std::isinf(percentile_sorted(v, 50)));  // h = 1.5 interpolates towards +inf
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 100.0 / 3.0), 2);
}

TEST(Statistics, MeanSpreadUsesSampleSdAndNormalCi) {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32/7.
  const MeanSpread s = mean_spread({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.sd, std::sqrt(32.0 / 7.0), 1e-12);
  const double half = 1.959963984540054 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0);
  EXPECT_NEAR(s.ci95_low, 5 - half, 1e-12);
  EXPECT_NEAR(s.ci95_high, 5 + half, 1e-12);
  EXPECT_TRUE(std::isnan(mean_spread({3}).sd));
  EXPECT_TRUE(std::isnan(mean_spread({}).mean));
}

TEST(Statistics, AverageRanksShareTies) {
  const std::vector<double> ranks = average_ranks({10, 20, 10, 30});
  EXPECT_EQ(ranks, (std::vector<double>{1.5, 3, 1.5, 4}));
}

TEST(Statistics, AverageRanksFromAGivenOrderAgreeAndCheckItsSize) {
  const std::vector<double> values = {10, 20, 10, 30, 20};
  // Any ascending order with ties adjacent (here the tied 10s and 20s swapped) gives the same ranks.
  EXPECT_EQ(average_ranks(values, {2, 0, 4, 1, 3}), average_ranks(values));
  EXPECT_EQ(average_ranks(values, {2, 0, 4, 1, 3}), (std::vector<double>{1.5, 3.5, 1.5, 5, 3.5}));
  EXPECT_THROW(average_ranks(values, {2, 0, 4, 1}), std::invalid_argument);
}

// Values with many ties, both zeros, negatives, infinities, whole numbers (shared low bytes) and
// fractions of every magnitude: the radix sort's digits and skipped passes all occur.
std::vector<double> awkward_values(std::size_t n, std::uint64_t seed) {
  std::vector<double> values(n);
  std::uint64_t state = seed;
  const double kInf = std::numeric_limits<double>::infinity();
  for (double& v : values) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto r = static_cast<std::uint32_t>(state >> 32);
    switch (r % 8) {
      case 0: v = static_cast<double>(r % 5); break;                 // small whole numbers, ties
      case 1: v = -static_cast<double>(r % 7) * 1000.0; break;       // negatives, -0.0 included
      case 2: v = (r & 1) != 0 ? 0.0 : -0.0; break;
      case 3: v = (r & 1) != 0 ? kInf : -kInf; break;
      case 4: v = std::ldexp(static_cast<double>(r), -static_cast<int>(r % 60)); break;
      case 5: v = -std::ldexp(static_cast<double>(r), static_cast<int>(r % 40)); break;
      default: v = static_cast<double>(r % 100000) + 0.25; break;
    }
  }
  return values;
}

TEST(Statistics, AscendingOrderSortsAndAverageRanksMatchTheirDefinition) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{300}, std::size_t{5000}}) {
    const std::vector<double> values = awkward_values(n, 17 + n);
    const std::vector<std::size_t> order = ascending_order(values);
    std::vector<std::size_t> sorted_indices = order;
    std::sort(sorted_indices.begin(), sorted_indices.end());
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(sorted_indices[i], i) << "not a permutation, n " << n;
    for (std::size_t i = 1; i < n; ++i) ASSERT_LE(values[order[i - 1]], values[order[i]]) << "n " << n << " at " << i;

    std::vector<double> by_std = values;
    std::sort(by_std.begin(), by_std.end());
    std::vector<double> by_radix = values;
    sort_ascending(by_radix);
    ASSERT_EQ(by_radix, by_std);  // == compares -0.0 and +0.0 equal, as their order is unspecified

    if (n > 300) continue;  // the definition below is quadratic
    const std::vector<double> ranks = average_ranks(values);
    for (std::size_t i = 0; i < n; ++i) {
      const auto below = std::count_if(values.begin(), values.end(), [&](double v) { return v < values[i]; });
      const auto equal = std::count_if(values.begin(), values.end(), [&](double v) { return v == values[i]; });
      ASSERT_EQ(ranks[i], static_cast<double>(below) + (static_cast<double>(equal) + 1) / 2) << i;
    }
  }
}

TEST(Statistics, SpearmanOfMonotoneAndReversedAndConstant) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {1, 8, 27, 64}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_TRUE(std::isnan(spearman({1, 2, 3}, {5, 5, 5})));
  // Ranks x: 1 2 3 4 5, y: 2 1 4 3 5: d^2 sum = 4 -> rho = 1 - 6*4/(5*24) = 0.8.
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {20, 10, 40, 30, 50}), 0.8, 1e-12);
}

TEST(Statistics, RankTableSpearmanEqualsSpearmanBitForBit) {
  // Nine series (two groups of four and one left over) of 1,001 values against one, with many ties in
  // some: equal bits to spearman() pair by pair, a constant series (NaN) included.
  std::uint64_t x = 3;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) * 0x1.0p-53;
  };
  constexpr std::size_t kN = 1001;
  std::vector<double> base(kN);
  for (double& v : base) v = next();
  std::vector<std::vector<double>> ys;
  RankTable table(9, kN);
  for (std::size_t j = 0; j < 9; ++j) {
    std::vector<double> values(kN);
    for (std::size_t i = 0; i < kN; ++i) {
      const double v = base[i] * static_cast<double>(j) + next();
      values[i] = j == 2 ? 7.0 : (j % 3 == 0 ? std::floor(v * 10) : v);  // constant; ties; continuous
    }
    table.set(j, values);
    ys.push_back(values);
  }
  RankTable xs(1, kN);
  xs.set(0, base);
  std::vector<double> out(9);
  xs.spearman_each(0, table, out);
  for (std::size_t j = 0; j < ys.size(); ++j) {
    const double expected = spearman(base, ys[j]);
    EXPECT_EQ(std::isnan(out[j]), j == 2) << j;
    if (j != 2) {
      EXPECT_EQ(out[j], expected) << j;
      EXPECT_EQ(xs.spearman(0, table, j), expected) << j;
    }
  }
  // Symmetric, and a series with itself correlates exactly 1.
  EXPECT_EQ(table.spearman(4, xs, 0), xs.spearman(0, table, 4));
  EXPECT_EQ(table.spearman(3, table, 3), 1.0);
}

TEST(Statistics, RankTableChecksSizes) {
  RankTable table(2, 3);
  EXPECT_THROW(table.set(0, std::vector<double>{1, 2}), std::invalid_argument);
  EXPECT_THROW(table.set(0, std::vector<double>{1, 2, 3}, {0, 1}), std::invalid_argument);
  EXPECT_THROW(RankTable(1, RankTable::kMaxValues + 1), std::invalid_argument);
  table.set(0, std::vector<double>{3, 1, 2});
  RankTable other(1, 4);
  other.set(0, std::vector<double>{1, 2, 3, 4});
  EXPECT_TRUE(std::isnan(table.spearman(0, other, 0)));  // other lengths
  RankTable one(1, 1);
  one.set(0, std::vector<double>{5});
  EXPECT_TRUE(std::isnan(one.spearman(0, one, 0)));  // n < 2
  EXPECT_THROW(table.set(2, std::vector<double>{1, 2, 3}), std::invalid_argument);  // rows 0 and 1 only
  EXPECT_THROW((void)table.spearman(2, table, 0), std::invalid_argument);
  EXPECT_THROW((void)table.spearman(0, table, 2), std::invalid_argument);
  std::vector<double> out(1);
  EXPECT_THROW(table.spearman_each(0, table, out), std::invalid_argument);  // two rows, one result
  EXPECT_THROW(table.spearman_each(5, other, out), std::invalid_argument);
}

}  // namespace
}  // namespace poweron
