// CSV text and atomic file output (SPEC 5).
//
// Numbers are written in the shortest form that reads back to the same double (`std::to_chars`, no
// locale, `.` decimals); a double that is an exact integer of magnitude <= 2^53 is written as an integer
// (`12`, never `12.0` or `1.2e+01`; -0 is `0`); NaN is the empty field (an unreached target date).
// Files are written to `<final>.tmp-<pid>` in the same folder and renamed over the final name, so an
// interrupted command never leaves a half-written file under a final name.
//
// Two ways to produce a CSV file with the same row interface (field, escaped_fields, number, integer,
// end_row): CsvBuilder collects the text in memory (then write_file_atomic), CsvFileWriter streams it to
// the temporary file through a 64 KiB buffer and renames on commit(), so memory does not grow with the file.
// Thread-safe: pure functions; one builder or writer per thread (two threads must not write the same path).
#pragma once

#include <charconv>
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

/// Most characters write_integer writes.
inline constexpr std::size_t kMaxIntegerChars = 20;
/// Most characters write_number writes.
inline constexpr std::size_t kMaxNumberChars = 32;

/// Writes format_integer(value) at `out` (at most kMaxIntegerChars) and returns the end; for formatting
/// into preallocated buffers.
inline char* write_integer(char* out, std::int64_t value) {
  if (static_cast<std::uint64_t>(value) < 10) {  // the most common count, 0..9
    *out = static_cast<char>('0' + value);
    return out + 1;
  }
  return std::to_chars(out, out + kMaxIntegerChars, value).ptr;
}

/// Writes format_number(value) at `out` (at most kMaxNumberChars) and returns the end.
char* write_number(char* out, double value);

/// Appends csv_field(field) to `out` (without a temporary string).
void append_csv_field(std::string& out, std::string_view field);

/// Appends format_number(value) to `out`.
void append_number(std::string& out, double value);

/// Appends format_integer(value) to `out`.
void append_integer(std::string& out, std::int64_t value);

/// Builds CSV text row by row: fields separated by commas, rows ended by `\n`.
class CsvBuilder {
 public:
  /// Appends one field (escaped with csv_field) to the current row.
  CsvBuilder& field(std::string_view text);
  /// Appends text that is already one or more escaped fields joined by commas (e.g. csv_field results),
  /// verbatim: a row label prepared once and written many times.
  CsvBuilder& escaped_fields(std::string_view text);
  /// Appends format_number(value).
  CsvBuilder& number(double value);
  /// Appends format_integer(value).
  CsvBuilder& integer(std::int64_t value);
  /// Ends the current row.
  CsvBuilder& end_row();
  /// The text so far.
  const std::string& text() const { return text_; }

 private:
  void separate() {
    if (row_started_) text_ += ',';
    row_started_ = true;
  }

  std::string text_;
  bool row_started_ = false;
};

/// Streams one file atomically: the constructor creates the parent folders and opens `<path>.tmp-<pid>`;
/// rows (same interface as CsvBuilder) and raw text go through a 64 KiB buffer into it; commit() flushes,
/// closes and renames it to `path` (replacing an existing file). Destroyed without a successful commit
/// (an exception, an early return), it closes and removes the temporary file and leaves `path` as it was.
/// Every I/O failure throws UserError (ExitCode::kRuntime) naming `path`.
class CsvFileWriter {
 public:
  explicit CsvFileWriter(std::filesystem::path path);
  ~CsvFileWriter();
  CsvFileWriter(const CsvFileWriter&) = delete;
  CsvFileWriter& operator=(const CsvFileWriter&) = delete;

  /// Appends one field (escaped with csv_field) to the current row.
  CsvFileWriter& field(std::string_view text) {
    separate();
    append_csv_field(buffer_, text);
    return *this;
  }
  /// Appends already escaped fields verbatim (see CsvBuilder::escaped_fields).
  CsvFileWriter& escaped_fields(std::string_view text) {
    separate();
    buffer_.append(text);
    return *this;
  }
  /// Appends format_number(value).
  CsvFileWriter& number(double value) {
    separate();
    append_number(buffer_, value);
    return *this;
  }
  /// Appends format_integer(value).
  CsvFileWriter& integer(std::int64_t value) {
    separate();
    append_integer(buffer_, value);
    return *this;
  }
  /// Ends the current row (and writes the buffer out once it holds kBufferBytes).
  CsvFileWriter& end_row() {
    buffer_ += '\n';
    row_started_ = false;
    if (buffer_.size() >= kBufferBytes) flush_buffer();
    return *this;
  }
  /// Appends `text` verbatim (not CSV: any file contents).
  void write(std::string_view text);
  /// Flushes, closes and renames the temporary file to the final path. REQUIRES: called at most once.
  void commit();
  /// The final path.
  const std::filesystem::path& path() const { return path_; }

  /// Large enough that writes are few (a sweep's replications.csv of 10,000 rows: about 80), small
  /// enough that first touching the buffer's pages costs little (each a fault; on a virtual machine,
  /// a 1 MiB buffer's faults took milliseconds).
  static constexpr std::size_t kBufferBytes = std::size_t{64} << 10;

 private:
  void separate() {
    if (row_started_) buffer_ += ',';
    row_started_ = true;
  }
  void flush_buffer();
  void write_all(const char* data, std::size_t size);
  [[noreturn]] void fail(int error_number);

  std::filesystem::path path_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::string buffer_;
  bool row_started_ = false;
  bool committed_ = false;
};

/// Creates `path`'s parent folders, writes `contents` to `<path>.tmp-<pid>` and renames it to `path`
/// (replacing an existing file). Throws UserError (ExitCode::kRuntime) naming the path on any I/O
/// failure, and removes the temporary file in that case.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace poweron
