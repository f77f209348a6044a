#include "poweron/count_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "poweron/statistics.hpp"

namespace poweron {
namespace {

TEST(HistogramSet, SmallValuesAreExactAndMatchLinearPercentiles) {
  HistogramSet set(1, 1000, 7);  // exact below 128
  const std::vector<double> values{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
  for (const double v : values) set.add(0, static_cast<std::int64_t>(v));
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (const double p : {0.0, 10.0, 37.5, 50.0, 90.0, 100.0}) {
    EXPECT_DOUBLE_EQ(set.percentile(0, p), percentile_sorted(sorted, p)) << p;
  }
  EXPECT_EQ(set.count(0), values.size());
  EXPECT_DOUBLE_EQ(set.mean(0), 44.0 / 11.0);
}

TEST(HistogramSet, LargeValuesWithinStatedRelativeAccuracy) {
  HistogramSet set(1, 1'000'000, 7);
  std::vector<double> values;
  std::uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    values.push_back(static_cast<double>((x >> 33) % 1'000'000));
    set.add(0, static_cast<std::int64_t>(values.back()));
  }
  std::sort(values.begin(), values.end());
  for (const double p : {10.0, 50.0, 90.0}) {
    const double exact = percentile_sorted(values, p);
    EXPECT_NEAR(set.percentile(0, p), exact, exact * set.relative_accuracy() + 1) << p;
  }
  EXPECT_DOUBLE_EQ(set.relative_accuracy(), 1.0 / 128);
}

TEST(HistogramSet, ABinHoldingOneDistinctValueReportsItExactly) {
  HistogramSet set(1, 200'000, 5);  // bins of width 512 around 15000
  for (int i = 0; i < 10; ++i) set.add(0, 15000);
  EXPECT_DOUBLE_EQ(set.percentile(0, 10), 15000);
  EXPECT_DOUBLE_EQ(set.percentile(0, 90), 15000);
  set.add(0, 15001);  // same bin: the bin now reads as the mean of its values
  EXPECT_NEAR(set.percentile(0, 50), 15000 + 1.0 / 11, 1e-9);
}

TEST(HistogramSet, BinsCoverOctavesContiguously) {
  HistogramSet set(1, 1 << 20, 4);  // exact below 16, 8 bins per octave above
  EXPECT_EQ(set.bin_of(15), 15u);
  EXPECT_EQ(set.bin_of(16), 16u);
  EXPECT_EQ(set.bin_of(17), 16u);  // width 2 in [16, 32)
  EXPECT_EQ(set.bin_of(18), 17u);
  EXPECT_EQ(set.bin_of(32), 24u);  // next octave starts after 8 bins
  EXPECT_DOUBLE_EQ(set.bin_middle(16), 16.5);
  std::size_t previous = 0;
  for (std::int64_t v = 1; v < 5000; ++v) {
    const std::size_t bin = set.bin_of(v);
    EXPECT_TRUE(bin == previous || bin == previous + 1) << v;
    EXPECT_LE(std::abs(set.bin_middle(bin) - static_cast<double>(v)), static_cast<double>(v) / 16.0) << v;
    previous = bin;
  }
}

TEST(HistogramSet, MergeIsOrderIndependent) {
  HistogramSet a(2, 500, 5), b(2, 500, 5), all(2, 500, 5);
  for (std::int64_t v = 0; v < 300; ++v) {
    (v % 3 == 0 ? a : b).add(static_cast<std::size_t>(v % 2), v);
    all.add(static_cast<std::size_t>(v % 2), v);
  }
  HistogramSet ab = a;
  ab.merge(b);
  HistogramSet ba = b;
  ba.merge(a);
  for (std::size_t s = 0; s < 2; ++s) {
    for (const double p : {10.0, 50.0, 90.0}) {
      EXPECT_EQ(ab.percentile(s, p), all.percentile(s, p));
      EXPECT_EQ(ba.percentile(s, p), all.percentile(s, p));
    }
    EXPECT_EQ(ab.mean(s), all.mean(s));
  }
  HistogramSet other(3, 500, 5);
  EXPECT_THROW(ab.merge(other), std::invalid_argument);
}

TEST(HistogramSet, ValuesOutsideRangeAreClampedAndPrecisionFitsBudget) {
  HistogramSet set(1, 100, 7);
  set.add(0, -5);
  set.add(0, 1000);
  EXPECT_DOUBLE_EQ(set.percentile(0, 0), 0);
  EXPECT_DOUBLE_EQ(set.percentile(0, 100), 100);
  const int bits = HistogramSet::precision_for_budget(1000, 1'000'000, 1000 * 600 * 4);
  EXPECT_LE(1000 * HistogramSet(1, 1'000'000, bits).bins() * 16, 1000u * 600 * 4);
  EXPECT_GE(bits, 3);
  EXPECT_THROW(HistogramSet(1, 10, 0), std::invalid_argument);
}

}  // namespace
}  // namespace poweron
