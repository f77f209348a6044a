#include "poweron/date.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace poweron
