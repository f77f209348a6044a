#include "poweron/date.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
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

// Days from year -3 to 10002 format as printf's %04d-%02u-%02u of their civil date (every day near the
// ends of the digit-by-digit path and in the years scenarios use, every 37th day between), and the
// formats of years 1000-9999 parse back to the same day.
TEST(Date, FormatsDaysAsPrintfWouldAndRoundTrips) {
  int year = -3;
  unsigned month = 11;
  unsigned day = 1;  // the civil date of `d`, stepped along by hand
  auto advance = [&] {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (++day <= (month == 2 && leap ? 29u : kDays[month - 1])) return;
    day = 1;
    if (++month <= 12) return;
    month = 1;
    ++year;
  };
  const Date last = date_from_civil(10002, 2, 28);
  for (Date d = date_from_civil(year, month, day); d <= last; ++d, advance()) {
    if (!(year < 2200 || year > 9980 || d % 37 == 0)) continue;
    char expected[32];
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", year, month, day);
    ASSERT_EQ(format_date(d), expected) << d;
    if (year >= 1000 && year <= 9999) {
      ASSERT_EQ(parse_date(expected), d) << expected;
    }
  }
  EXPECT_EQ(year, 10002);
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
