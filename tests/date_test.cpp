#include "poweron/date.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace poweron {
namespace {

TEST(Date, ParsesAndFormatsRoundTrip) {
  const auto d = parse_date("2024-02-29");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(format_date(*d), "2024-02-29");
  EXPECT_EQ(*parse_date("1970-01-01"), 0);
  EXPECT_EQ(*parse_date("2024-03-01") - *d, 1);
  EXPECT_EQ(*parse_date("2025-01-01") - *parse_date("2024-01-01"), 366);
}

TEST(Date, RejectsMalformedAndImpossibleDates) {
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024/01/01",
                          "2024-01-32", "", "2024-01-01x", "0999-01-01"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(Date, DayOfSnapsWithinTolerance) {
  EXPECT_EQ(day_of(2.0), 2);
  EXPECT_EQ(day_of(2.999999), 2);
  EXPECT_EQ(day_of(3.0 - 1e-10), 3);
  EXPECT_EQ(day_of(-0.5), -1);
  EXPECT_DOUBLE_EQ(snap_time(5.0 + 1e-11), 5.0);
  EXPECT_DOUBLE_EQ(snap_time(5.25), 5.25);
}

// snap_time's contract in its plainest form: std::round's nearest day when within the tolerance.
double reference_snap_time(double time) {
  if (!std::isfinite(time)) return time;
  const double nearest = std::round(time);
  return std::fabs(time - nearest) <= kDayTolerance ? nearest : time;
}

TEST(Date, SnapTimeEqualsRoundingToTheNearestDayBitForBit) {
  std::vector<double> times = {0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-10, -1e-10, 0x1.0p51, -0x1.0p51,
                               0x1.0p51 + 0.5, 0x1.0p52 - 0.5, 0x1.0p52, 0x1.0p53, 1e300,
                               std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::denorm_min()};
  std::uint64_t x = 11;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x;
  };
  for (int i = 0; i < 20'000; ++i) {
    // Whole and half days of every magnitude, each nudged by a few ulps and by about the tolerance.
    const double day = std::ldexp(static_cast<double>(next() >> 40), static_cast<int>(next() % 40) - 10);
    const double base = std::round(day) + (i % 2 == 0 ? 0.0 : 0.5);
    for (const double b : {base, -base}) {
      double t = b;
      for (int ulps = 0; ulps < 3; ++ulps) {
        t = std::nextafter(t, 1e308);
        times.push_back(t);
      }
      t = b;
      for (int ulps = 0; ulps < 3; ++ulps) {
        t = std::nextafter(t, -1e308);
        times.push_back(t);
      }
      times.push_back(b + kDayTolerance);
      times.push_back(b - kDayTolerance);
      times.push_back(std::nextafter(b + kDayTolerance, 1e308));
      times.push_back(std::nextafter(b - kDayTolerance, -1e308));
      times.push_back(b + static_cast<double>(next() >> 11) * 0x1.0p-53);
    }
  }
  for (const double t : times) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(snap_time(t)), std::bit_cast<std::uint64_t>(reference_snap_time(t)))
        << std::hexfloat << t;
  }
  EXPECT_TRUE(std::isnan(snap_time(std::numeric_limits<double>::quiet_NaN())));
}

}  // namespace
}  // namespace poweron
