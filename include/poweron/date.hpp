// Calendar dates as whole days, and the simulation's time convention.
//
// A Date is a count of days since 1970-01-01 in the proleptic Gregorian calendar. Simulation time is a
// double in days since the scenario's `start` at 00:00; day d is the interval [d, d+1) and the calendar
// date of an instant t is start + floor(t) (SPEC section 3). Thread-safe: pure functions only.
#pragma once

#include <algorithm>
#include <cmath>
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

/// Snaps t to the nearest whole day when it is within kDayTolerance of it (std::round's nearest day,
/// sign of zero included); other values, infinities and NaN unchanged.
/// Inline and free of libm calls: the model and the metrics call it for every change of a run.
inline double snap_time(double time) {
  // |t| >= 2^51 is a whole or a half day (doubles that large step by halves) and returned as is either
  // way, like the infinities; NaN fails the test.
  if (!(std::fabs(time) < 0x1.0p51)) return time;
  // Adding and subtracting 1.5 x 2^52 rounds |t| < 2^51 to a whole number in two additions (ties to even,
  // where std::round goes away from zero: a tie is half a day from both, far outside the tolerance).
  constexpr double kRounder = 0x1.8p52;
  double nearest = std::copysign((time + kRounder) - kRounder, time);
  // A branch, not a select: a run's times are nearly all on whole days (point values) or nearly all off
  // them (sampled), so it is predicted, and the time it returns does not wait for the rounding above. (A
  // select, which GCC makes of a plain `?:`, puts the whole chain before every use of the time; the empty
  // asm keeps GCC from merging the branch back into one.)
  if (std::fabs(time - nearest) <= kDayTolerance) {
#if defined(__GNUC__) && defined(__x86_64__)
    asm("" : "+x"(nearest));
#endif
    return nearest;
  }
  return time;
}

/// floor(t), except that t within kDayTolerance below a whole day counts as that day.
/// REQUIRES: t finite after snapping, |t| < 2^62.
inline std::int64_t day_of(double time) {
  const double snapped = snap_time(time);
  if (!(std::fabs(snapped) < 0x1.0p62)) return static_cast<std::int64_t>(std::floor(snapped));
  const auto truncated = static_cast<std::int64_t>(snapped);  // towards zero
  return static_cast<double>(truncated) > snapped ? truncated - 1 : truncated;
}

/// Column index for a change at `time`: clamp(day_of(time), 0, last_day); -inf and negatives give 0.
/// REQUIRES: time < last_day + 1 after snapping (later changes are not part of the timeline).
inline std::int64_t day_column(double time, std::int64_t last_day) {
  if (time < 0) return 0;  // also kBeforeStart (-inf), which day_of cannot convert
  return std::min(day_of(time), last_day);
}

}  // namespace poweron
