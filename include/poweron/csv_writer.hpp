// CSV text and atomic file output (SPEC 5).
//
// Numbers are written in the shortest form that reads back to the same double (`std::to_chars`, no
// locale, `.` decimals); a double that is an exact integer of magnitude <= 2^53 is written as an integer
// (`12`, never `12.0` or `1.2e+01`; -0 is `0`); NaN is the empty field (an unreached target date).
// Files are written to `<final>.tmp-<pid>` in the same folder and renamed over the final name, so an
// interrupted command never leaves a half-written file under a final name. Thread-safe: pure functions
// (two threads must not write the same path).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace poweron {

/// Shortest round-trip text of `value` (see the file comment); `inf`/`-inf` for infinities.
std::string format_number(double value);

/// Decimal text of an integer.
std::string format_integer(std::int64_t value);

/// `field` as one CSV field: quoted (with `"` doubled) when it contains a comma, quote, CR or LF.
std::string csv_field(std::string_view field);

/// Builds CSV text row by row: fields separated by commas, rows ended by `\n`.
class CsvBuilder {
 public:
  /// Appends one field (escaped with csv_field) to the current row.
  CsvBuilder& field(std::string_view text);
  /// Appends format_number(value).
  CsvBuilder& number(double value);
  /// Appends format_integer(value).
  CsvBuilder& integer(std::int64_t value);
  /// Ends the current row.
  CsvBuilder& end_row();
  /// The text so far.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool row_started_ = false;
};

/// Creates `path`'s parent folders, writes `contents` to `<path>.tmp-<pid>` and renames it to `path`
/// (replacing an existing file). Throws UserError (ExitCode::kRuntime) naming the path on any I/O
/// failure, and removes the temporary file in that case.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace poweron
