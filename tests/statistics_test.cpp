#include "poweron/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

TEST(Statistics, SpearmanOfMonotoneAndReversedAndConstant) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {1, 8, 27, 64}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_TRUE(std::isnan(spearman({1, 2, 3}, {5, 5, 5})));
  // Ranks x: 1 2 3 4 5, y: 2 1 4 3 5: d^2 sum = 4 -> rho = 1 - 6*4/(5*24) = 0.8.
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {20, 10, 40, 30, 50}), 0.8, 1e-12);
}

}  // namespace
}  // namespace poweron
