// Tests of point values and inverse CDFs (distribution.hpp, SPEC 2.1).
#include "poweron/distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace poweron {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Distribution make(DistKind kind, std::vector<double> params, std::string address = "test.field") {
  Distribution d;
  d.kind = kind;
  d.params = std::move(params);
  d.address = std::move(address);
  return d;
}

Distribution discrete(std::vector<std::pair<double, double>> outcomes) {
  Distribution d;
  d.kind = DistKind::kDiscrete;
  d.params.clear();
  d.outcomes = std::move(outcomes);
  d.address = "test.discrete";
  return d;
}

Distribution normal(double mean, double sd, double lo = kNaN, double hi = kNaN) {
  Distribution d = make(DistKind::kNormal, {mean, sd});
  d.clamp_min = lo;
  d.clamp_max = hi;
  return d;
}

TEST(DistributionTest, PointValuesFollowTheSpecTable) {
  EXPECT_EQ(point_value(Distribution::constant(5)), 5);
  EXPECT_EQ(point_value(make(DistKind::kUniform, {2, 10})), 6);           // midpoint
  EXPECT_EQ(point_value(make(DistKind::kTriangular, {5, 7, 14})), 7);     // mode
  EXPECT_EQ(point_value(make(DistKind::kPert, {20, 30, 60})), 30);        // mode
  EXPECT_EQ(point_value(normal(-3, 2)), -3);                              // mean
  EXPECT_EQ(point_value(normal(-3, 2, 0, 10)), 0);                        // mean clamped up to min
  EXPECT_EQ(point_value(normal(12, 2, 0, 10)), 10);                       // mean clamped down to max
  EXPECT_EQ(point_value(make(DistKind::kLognormal, {14, 30})), 14);       // median
  EXPECT_EQ(point_value(discrete({{1, 0.2}, {5, 0.5}, {9, 0.3}})), 5);    // most probable
  EXPECT_EQ(point_value(discrete({{3, 0.4}, {8, 0.4}, {1, 0.2}})), 3);    // tie: first listed
  EXPECT_EQ(point_value(discrete({{1, 0.2}, {3, 0.4}, {8, 0.4}})), 3);    // tie: first listed
}

TEST(DistributionTest, PointValueClampsNonNegative) {
  Distribution slip = make(DistKind::kUniform, {-10, 4});
  EXPECT_EQ(point_value(slip), -3);  // slip_days may be negative
  Distribution duration = slip;
  duration.non_negative = true;
  EXPECT_EQ(point_value(duration), 0);
  Distribution n = normal(-2, 1);
  n.non_negative = true;
  EXPECT_EQ(point_value(n), 0);
}

TEST(DistributionTest, UniformAndTriangularQuantilesInClosedForm) {
  EXPECT_DOUBLE_EQ(quantile(make(DistKind::kUniform, {2, 10}), 0.25), 4);
  // Triangular(0, 2, 10): F(mode) = 0.2. Below: 0 + sqrt(u 10 2); above: 10 - sqrt((1-u) 10 8).
  const Distribution tri = make(DistKind::kTriangular, {0, 2, 10});
  EXPECT_DOUBLE_EQ(quantile(tri, 0.05), 1.0);          // sqrt(0.05 * 20) = 1
  EXPECT_DOUBLE_EQ(quantile(tri, 0.2), 2.0);           // the mode
  EXPECT_DOUBLE_EQ(quantile(tri, 0.9), 10 - std::sqrt(8.0));  // sqrt(0.1 * 80)
  // Mode at an end: Triangular(0, 0, 1) has F(x) = 1 - (1-x)^2.
  EXPECT_DOUBLE_EQ(quantile(make(DistKind::kTriangular, {0, 0, 1}), 0.75), 0.5);
}

TEST(DistributionTest, PertQuantileMatchesBetaCases) {
  // PERT(0, 0, 1): alpha = 1, beta = 5, F(x) = 1 - (1-x)^5, so x = 1 - (1-u)^(1/5).
  const Distribution skewed = make(DistKind::kPert, {0, 0, 1});
  for (const double u : {0.01, 0.3, 0.5, 0.9, 0.999}) {
    EXPECT_NEAR(quantile(skewed, u), 1 - std::pow(1 - u, 0.2), 1e-13) << u;
  }
  // PERT(10, 20, 30): alpha = beta = 3, symmetric: median 20; F(x) for Beta(3,3) at t is
  // 10 t^3 - 15 t^4 + 6 t^5; t = 0.25 gives 0.103515625.
  const Distribution symmetric = make(DistKind::kPert, {10, 20, 30});
  EXPECT_NEAR(quantile(symmetric, 0.5), 20, 1e-12);
  EXPECT_NEAR(quantile(symmetric, 0.103515625), 15, 1e-12);
  // PERT(0, 10, 10): alpha = 5, beta = 1, F(t) = t^5.
  EXPECT_NEAR(quantile(make(DistKind::kPert, {0, 10, 10}), 0.32768), 8, 1e-12);  // 0.8^5
}

TEST(DistributionTest, NormalAndLognormalQuantiles) {
  // Normal(100, 15) at the 97.5% point 1.959963984540054.
  EXPECT_NEAR(quantile(normal(100, 15), 0.975), 100 + 15 * 1.959963984540054, 1e-12);
  EXPECT_EQ(quantile(normal(100, 15), 0.5), 100);
  // Clamped, not truncated: deep tails land exactly on the bounds.
  EXPECT_EQ(quantile(normal(0, 1, -1, 1), 1e-6), -1);
  EXPECT_EQ(quantile(normal(0, 1, -1, 1), 1 - 1e-6), 1);
  EXPECT_NEAR(quantile(normal(0, 1, -1, 1), 0.6), 0.2533471031357997, 1e-14);  // inside: untouched
  // Lognormal(median 14, p90 30): the median at 0.5 and p90 at 0.9, by construction.
  const Distribution ln = make(DistKind::kLognormal, {14, 30});
  EXPECT_NEAR(quantile(ln, 0.5), 14, 1e-12);
  EXPECT_NEAR(quantile(ln, 0.9), 30, 1e-12);
  // 10th percentile = median^2 / p90 (symmetry in log space).
  EXPECT_NEAR(quantile(ln, 0.1), 14.0 * 14.0 / 30.0, 1e-12);
}

TEST(DistributionTest, DiscreteQuantileIsCumulativeInListedOrder) {
  const Distribution d = discrete({{9, 0.3}, {1, 0.5}, {4, 0.2}});
  EXPECT_EQ(quantile(d, 0.1), 9);
  EXPECT_EQ(quantile(d, 0.29), 9);
  EXPECT_EQ(quantile(d, 0.31), 1);
  EXPECT_EQ(quantile(d, 0.79), 1);
  EXPECT_EQ(quantile(d, 0.81), 4);
  // Probabilities summing to 1 - 1e-12 (allowed within 1e-9): u above the total takes the last outcome.
  const Distribution short_total = discrete({{1, 0.5}, {2, 0.5 - 1e-12}, {3, 0.0}});
  EXPECT_EQ(quantile(short_total, 1 - 1e-13), 2);
  // A zero-probability outcome is never drawn.
  const Distribution with_zero = discrete({{7, 0.0}, {8, 1.0}});
  EXPECT_EQ(quantile(with_zero, 1e-15), 8);
}

TEST(DistributionTest, DegenerateRangesReturnTheirPoint) {
  for (const double u : {0.001, 0.5, 0.999}) {
    EXPECT_EQ(quantile(make(DistKind::kUniform, {3, 3}), u), 3);
    EXPECT_EQ(quantile(make(DistKind::kTriangular, {3, 3, 3}), u), 3);
    EXPECT_EQ(quantile(make(DistKind::kPert, {3, 3, 3}), u), 3);
    EXPECT_EQ(quantile(normal(3, 0), u), 3);
    EXPECT_EQ(quantile(Distribution::constant(3), u), 3);
  }
}

TEST(DistributionTest, QuantileIsMonotoneForEveryKind) {
  const std::vector<Distribution> all = {
      make(DistKind::kUniform, {-5, 5}),       make(DistKind::kTriangular, {1, 2, 9}),
      make(DistKind::kPert, {20, 30, 60}),     make(DistKind::kPert, {0, 0, 1}),
      make(DistKind::kPert, {0, 0.999, 1}),    normal(10, 3, 5, 20),
      make(DistKind::kLognormal, {14, 30}),    discrete({{1, 0.2}, {5, 0.5}, {9, 0.3}}),
  };
  for (const Distribution& d : all) {
    double previous = -std::numeric_limits<double>::infinity();
    for (int i = 1; i < 4000; ++i) {
      const double u = i / 4000.0;
      const double x = quantile(d, u);
      ASSERT_GE(x, previous) << static_cast<int>(d.kind) << " at u = " << u;
      previous = x;
    }
    // The tails reached by 53-bit uniforms stay finite.
    EXPECT_TRUE(std::isfinite(quantile(d, 0x1.0p-53)));
    EXPECT_TRUE(std::isfinite(quantile(d, 1 - 0x1.0p-53)));
  }
}

TEST(DistributionTest, QuantileClampsNonNegative) {
  Distribution d = normal(1, 5);
  d.non_negative = true;
  EXPECT_EQ(quantile(d, 0.01), 0);
  EXPECT_GT(quantile(d, 0.99), 0);
  Distribution slip = make(DistKind::kUniform, {-10, 4});
  EXPECT_EQ(quantile(slip, 0.25), -6.5);  // not a duration: negative allowed
}

TEST(DistributionTest, BadInputGivesClearErrors) {
  const Distribution u = make(DistKind::kUniform, {0, 1}, "orders.o1.slip_days");
  for (const double bad : {0.0, 1.0, -0.5, 2.0, kNaN}) EXPECT_THROW(quantile(u, bad), std::invalid_argument);
  try {
    quantile(u, 1.0);
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()),
              "distribution 'orders.o1.slip_days': quantile needs u in (0, 1), got 1.000000");
  }
  Distribution missing = make(DistKind::kTriangular, {1, 2}, "tasks.t.days");
  try {
    point_value(missing);
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), "distribution 'tasks.t.days': expected 3 parameters, got 2");
  }
  EXPECT_THROW(quantile(missing, 0.5), std::invalid_argument);
  EXPECT_THROW(point_value(discrete({})), std::invalid_argument);
  // Parameters out of order (the loader rejects these; programmatic callers get a message, not NaN).
  try {
    quantile(make(DistKind::kPert, {10, 5, 20}, "construction.t.days"), 0.5);
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), "distribution 'construction.t.days': needs min <= mode <= max");
  }
  EXPECT_THROW(quantile(make(DistKind::kTriangular, {1, 3, 2}), 0.5), std::invalid_argument);
  EXPECT_THROW(quantile(make(DistKind::kUniform, {2, 1}), 0.5), std::invalid_argument);
  EXPECT_THROW(quantile(normal(0, -1), 0.5), std::invalid_argument);
  EXPECT_THROW(quantile(make(DistKind::kLognormal, {10, 5}), 0.5), std::invalid_argument);
  EXPECT_THROW(quantile(make(DistKind::kLognormal, {0, 5}), 0.5), std::invalid_argument);
  EXPECT_THROW(quantile(make(DistKind::kUniform, {0, kNaN}), 0.5), std::invalid_argument);
}

}  // namespace
}  // namespace poweron
