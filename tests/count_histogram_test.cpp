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
  HistogramSet set(1, 1, 1000, 7);  // exact below 128
  const std::vector<double> values{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
  for (const double v : values) set.add(0, 0, static_cast<std::int64_t>(v));
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (const double p : {0.0, 10.0, 37.5, 50.0, 90.0, 100.0}) {
    EXPECT_DOUBLE_EQ(set.percentile(0, 0, p), percentile_sorted(sorted, p)) << p;
  }
  EXPECT_EQ(set.count(0, 0), values.size());
  EXPECT_DOUBLE_EQ(set.mean(0, 0), 44.0 / 11.0);
}

TEST(HistogramSet, LargeValuesWithinStatedRelativeAccuracy) {
  HistogramSet set(1, 1, 1'000'000, 7);
  std::vector<double> values;
  std::uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    values.push_back(static_cast<double>((x >> 33) % 1'000'000));
    set.add(0, 0, static_cast<std::int64_t>(values.back()));
  }
  std::sort(values.begin(), values.end());
  for (const double p : {10.0, 50.0, 90.0}) {
    const double exact = percentile_sorted(values, p);
    EXPECT_NEAR(set.percentile(0, 0, p), exact, exact * set.relative_accuracy() + 1) << p;
  }
  EXPECT_DOUBLE_EQ(set.relative_accuracy(), 1.0 / 128);
}

TEST(HistogramSet, ABinHoldingOneDistinctValueReportsItExactly) {
  HistogramSet set(1, 1, 200'000, 5);  // bins of width 512 around 15000
  for (int i = 0; i < 10; ++i) set.add(0, 0, 15000);
  EXPECT_DOUBLE_EQ(set.percentile(0, 0, 10), 15000);
  EXPECT_DOUBLE_EQ(set.percentile(0, 0, 90), 15000);
  set.add(0, 0, 15001);  // same bin: the bin now reads as the mean of its values
  EXPECT_NEAR(set.percentile(0, 0, 50), 15000 + 1.0 / 11, 1e-9);
}

TEST(HistogramSet, BinsCoverOctavesContiguously) {
  HistogramSet set(1, 1, 1 << 20, 4);  // exact below 16, 8 bins per octave above
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
  HistogramSet a(2, 1, 500, 5), b(2, 1, 500, 5), all(2, 1, 500, 5);
  for (std::int64_t v = 0; v < 300; ++v) {
    (v % 3 == 0 ? a : b).add(static_cast<std::size_t>(v % 2), 0, v);
    all.add(static_cast<std::size_t>(v % 2), 0, v);
  }
  HistogramSet ab = a;
  ab.merge(b);
  HistogramSet ba = b;
  ba.merge(a);
  for (std::size_t s = 0; s < 2; ++s) {
    for (const double p : {10.0, 50.0, 90.0}) {
      EXPECT_EQ(ab.percentile(s, 0, p), all.percentile(s, 0, p));
      EXPECT_EQ(ba.percentile(s, 0, p), all.percentile(s, 0, p));
    }
    EXPECT_EQ(ab.mean(s, 0), all.mean(s, 0));
  }
  HistogramSet other(3, 1, 500, 5);
  EXPECT_THROW(ab.merge(other), std::invalid_argument);
}

TEST(HistogramSet, ValuesOutsideRangeAreClampedAndPrecisionFitsBudget) {
  HistogramSet set(1, 1, 100, 7);
  set.add(0, 0, -5);
  set.add(0, 0, 1000);
  EXPECT_DOUBLE_EQ(set.percentile(0, 0, 0), 0);
  EXPECT_DOUBLE_EQ(set.percentile(0, 0, 100), 100);
  const int bits = HistogramSet::precision_for_budget(1000, 1'000'000, 1000 * 600 * 4);
  EXPECT_LE(1000 * HistogramSet(1, 1, 1'000'000, bits).bins() * 16, 1000u * 600 * 4);
  EXPECT_GE(bits, 3);
  EXPECT_THROW(HistogramSet(1, 1, 10, 0), std::invalid_argument);
  EXPECT_THROW(HistogramSet(1, 0, 10, 3), std::invalid_argument);
}

TEST(HistogramSet, RunsOfDaysCountAsTheirDaysOneByOne) {
  // Two replications of a 6-day series, counted as runs in one set and day by day in the other:
  // [5, 5, 5, 200, 200, 7] and [0, 300, 300, 300, 300, 300].
  HistogramSet runs(2, 6, 1000, 4), days(2, 6, 1000, 4);
  runs.add_run(1, 0, 3, 5);
  runs.add_run(1, 3, 5, 200);
  runs.add_run(1, 5, 6, 7);
  runs.add_run(1, 0, 1, 0);
  runs.add_run(1, 1, 6, 300);
  runs.add_run(1, 2, 2, 999);  // an empty run counts nothing
  const std::vector<std::vector<std::int64_t>> series{{5, 5, 5, 200, 200, 7}, {0, 300, 300, 300, 300, 300}};
  for (const auto& values : series) {
    for (std::size_t d = 0; d < values.size(); ++d) days.add(1, d, values[d]);
  }
  const double ps[] = {10, 50, 90};
  EXPECT_EQ(runs.day_statistics(1, ps), days.day_statistics(1, ps));
  for (std::size_t d = 0; d < 6; ++d) {
    EXPECT_EQ(runs.count(1, d), 2u) << d;
    EXPECT_EQ(runs.count(0, d), 0u) << d;
    // Two values: the mean and the median are their midpoint (exact bins below 16, sums kept above).
    const double mid = (static_cast<double>(series[0][d]) + static_cast<double>(series[1][d])) / 2;
    EXPECT_DOUBLE_EQ(runs.mean(1, d), mid) << d;
    EXPECT_DOUBLE_EQ(runs.percentile(1, d, 50), mid) << d;
    EXPECT_TRUE(std::isnan(runs.percentile(0, d, 50))) << d;
  }
  // Day 3: values 200 and 300; P10 = 200 + 0.1 x 100.
  EXPECT_DOUBLE_EQ(runs.percentile(1, 3, 10), 210);
}

TEST(HistogramSet, DayStatisticsEqualSingleSeriesQueriesForUnsortedPercentiles) {
  HistogramSet set(1, 3, 100'000, 5);
  std::uint64_t x = 99;
  for (int r = 0; r < 400; ++r) {
    for (std::size_t d = 0; d < 3; ++d) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      set.add(0, d, static_cast<std::int64_t>((x >> 33) % (20'000 * (d + 1))));
    }
  }
  const double ps[] = {90, 10, 50, 0, 100};
  const std::vector<double> all = set.day_statistics(0, ps);
  ASSERT_EQ(all.size(), 3u * 6);
  for (std::size_t d = 0; d < 3; ++d) {
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(all[d * 6 + i], set.percentile(0, d, ps[i])) << d << ' ' << i;
    EXPECT_EQ(all[d * 6 + 5], set.mean(0, d));
    EXPECT_LE(all[d * 6 + 1], all[d * 6 + 2]);  // P10 <= P50 <= P90
    EXPECT_LE(all[d * 6 + 2], all[d * 6 + 0]);
  }
}

TEST(HistogramSet, MemoryGrowsOnlyWithTheBlocksInUse) {
  HistogramSet set(2, 100, 1'000'000, 7);
  EXPECT_EQ(set.blocks_in_use(), 0u);
  set.add_run(0, 10, 20, 5000);  // a block on day 10 and one on day 20
  EXPECT_EQ(set.blocks_in_use(), 2u);
  set.add_run(0, 10, 20, 5001);  // same bins' blocks
  EXPECT_EQ(set.blocks_in_use(), 2u);
  set.add_run(0, 10, 100, 900'000);  // another block of day 10; a run to the end has no end cell
  EXPECT_EQ(set.blocks_in_use(), 3u);
  set.add_run(1, 10, 20, 5000);  // the other group has blocks of its own
  EXPECT_EQ(set.blocks_in_use(), 5u);
  EXPECT_EQ(set.count(0, 15), 3u);
  EXPECT_EQ(set.count(0, 25), 1u);
  EXPECT_DOUBLE_EQ(set.percentile(0, 50, 50), 900'000);  // a bin of one distinct value reads exactly
}

TEST(HistogramSet, GroupIntegersSummedAndAssignedEqualMerge) {
  HistogramSet a(3, 20, 100'000, 6), b(3, 20, 100'000, 6);
  std::uint64_t x = 7;
  for (int i = 0; i < 500; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto group = static_cast<std::size_t>((x >> 20) % 3);
    const auto first = static_cast<std::size_t>((x >> 30) % 20);
    const auto end = first + static_cast<std::size_t>((x >> 40) % (21 - first));
    (i % 2 == 0 ? a : b).add_run(group, first, end, static_cast<std::int64_t>((x >> 45) % 100'000));
  }
  HistogramSet merged = a;
  merged.merge(b);
  HistogramSet assigned(3, 20, 100'000, 6);
  for (std::size_t group = 0; group < 3; ++group) {
    std::vector<std::int64_t> sum = a.group_integers(group);
    const std::vector<std::int64_t> other = b.group_integers(group);
    ASSERT_EQ(sum.size(), other.size());
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += other[k];
    assigned.assign_group_integers(group, sum);
    EXPECT_EQ(assigned.group_integers(group), merged.group_integers(group));
  }
  const double ps[] = {10, 50, 90};
  for (std::size_t group = 0; group < 3; ++group) {
    EXPECT_EQ(assigned.day_statistics(group, ps), merged.day_statistics(group, ps));
    for (std::size_t day = 0; day < 20; ++day) {
      EXPECT_EQ(merged.count(group, day), a.count(group, day) + b.count(group, day)) << group << ' ' << day;
    }
  }
  const std::vector<std::int64_t> wrong(7, 0);
  EXPECT_THROW(assigned.assign_group_integers(0, wrong), std::invalid_argument);
}

TEST(HistogramSet, NarrowCellsWithinTheCapacityReadAsWideOnes) {
  // The same runs into a set of 8-byte cells (capacity 600 values per series-day) and one of 16-byte
  // cells: identical statistics, counts and integers.
  HistogramSet narrow(2, 30, 1'000'000, 7, 600), wide(2, 30, 1'000'000, 7);
  EXPECT_EQ(narrow.cell_bytes(), 8u);
  EXPECT_EQ(wide.cell_bytes(), 16u);
  std::uint64_t x = 5;
  for (int r = 0; r < 300; ++r) {
    for (std::size_t group = 0; group < 2; ++group) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const auto split = static_cast<std::size_t>((x >> 20) % 30);
      const auto value = static_cast<std::int64_t>((x >> 33) % 1'000'000);
      for (HistogramSet* set : {&narrow, &wide}) {
        set->add_run(group, 0, split, value);
        set->add_run(group, split, 30, value / 3);
      }
    }
  }
  const double ps[] = {10, 50, 90};
  for (std::size_t group = 0; group < 2; ++group) {
    EXPECT_EQ(narrow.day_statistics(group, ps), wide.day_statistics(group, ps));
    EXPECT_EQ(narrow.group_integers(group), wide.group_integers(group));
    EXPECT_EQ(narrow.count(group, 29), 300u);
  }
  HistogramSet merged = narrow;
  merged.merge(wide);  // 600 values per series-day: the capacity
  EXPECT_EQ(merged.count(1, 0), 600u);
  EXPECT_EQ(merged.cell_bytes(), 8u);
  // A capacity whose offsets would not fit 32 bits (bins 2^13 wide here) gets wide cells.
  EXPECT_EQ(HistogramSet(1, 1, 1'000'000, 7, 1'000'000).cell_bytes(), 16u);
  EXPECT_EQ(HistogramSet(1, 1, 100'000, 7, 1'000'000).cell_bytes(), 8u);
  // Counts beyond the 32-bit cells are refused, not wrapped.
  std::vector<std::int64_t> huge = narrow.group_integers(0);
  huge[1] = std::int64_t{1} << 40;
  EXPECT_THROW(narrow.assign_group_integers(0, huge), std::overflow_error);
}

}  // namespace
}  // namespace poweron
