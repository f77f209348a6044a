// Calendar dates as whole days, and the simulation's time convention.
//
// A Date is a count of days since 1970-01-01 in the proleptic Gregorian calendar. Simulation time is a
// double in days since the scenario's `start` at 00:00; day d is the interval [d, d+1) and the calendar
// date of an instant t is start + floor(t) (SPEC section 3). Thread-safe: pure functions only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace poweron {

/// Days since 1970-01-01 (may be negative).
using Date = std::int32_t;

/// Parses exactly `YYYY-MM-DD` (a real calendar day, years 1000..9999); nullopt otherwise.
std::optional<Date> parse_date(std::string_view text);

/// Formats as `YYYY-MM-DD`.
std::string format_date(Date date);

/// Days from 1970-01-01 to the given civil date. REQUIRES: a valid date.
Date date_from_civil(int year, unsigned month, unsigned day);

/// A time within this many days of a whole day is that whole day (SPEC section 3).
inline constexpr double kDayTolerance = 1e-9;

/// floor(t), except that t within kDayTolerance below a whole day counts as that day.
std::int64_t day_of(double time);

/// Snaps t to the nearest whole day when it is within kDayTolerance of it.
double snap_time(double time);

}  // namespace poweron
