#include "poweron/date.hpp"

#include <cmath>
#include <cstdio>

namespace poweron {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
constexpr std::int64_t days_from_civil_impl(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

Date date_from_civil(int year, unsigned month, unsigned day) {
  return static_cast<Date>(days_from_civil_impl(year, month, day));
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count) -> std::optional<unsigned> {
    unsigned value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return value;
  };
  const auto year = digits(0, 4);
  const auto month = digits(5, 2);
  const auto day = digits(8, 2);
  if (!year || !month || !day || *year < 1000 || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, *month)) {
    return std::nullopt;
  }
  return date_from_civil(static_cast<int>(*year), *month, *day);
}

std::string format_date(Date date) {
  const Civil c = civil_from_days(date);
  if (c.year >= 0 && c.year <= 9999) {  // digit by digit: a sweep formats tens of thousands of dates
    const auto year = static_cast<unsigned>(c.year);
    const char text[10] = {static_cast<char>('0' + year / 1000),      static_cast<char>('0' + year / 100 % 10),
                           static_cast<char>('0' + year / 10 % 10),   static_cast<char>('0' + year % 10),
                           '-',
                           static_cast<char>('0' + c.month / 10),     static_cast<char>('0' + c.month % 10),
                           '-',
                           static_cast<char>('0' + c.day / 10),       static_cast<char>('0' + c.day % 10)};
    return std::string(text, sizeof text);
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buffer;
}

}  // namespace poweron
