// CSV number formatting, field quoting and atomic file writes.
#include "poweron/csv_writer.hpp"

#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "poweron/result.hpp"

namespace poweron {
namespace {

using testing_support::read_file;

namespace fs = std::filesystem;


/// A fresh empty folder for one test, removed afterwards.
class TempFolder {
 public:
  explicit TempFolder(const std::string& name)
      : path_(fs::temp_directory_path() / ("poweron-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(CsvWriter, NumbersUseTheShortestRoundTripForm) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1e-7), "1e-07");
  EXPECT_EQ(format_number(12), "12");
  EXPECT_EQ(format_number(12.5), "12.5");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(1e21), "1e+21");                    // beyond 2^53: not written as an integer
  EXPECT_EQ(format_number(1e15), "1000000000000000");          // exact integer: no exponent
  EXPECT_EQ(format_number(9007199254740992.0), "9007199254740992");  // 2^53
  EXPECT_EQ(format_number(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  // Round trip: parsing the text gives the same double.
  for (const double v : {0.1, 1e-7, 2.0 / 3.0, 123456.789, 6.02214076e23}) {
    EXPECT_EQ(std::stod(format_number(v)), v) << format_number(v);
  }
}

TEST(CsvWriter, IntegersAndFields) {
  EXPECT_EQ(format_integer(0), "0");
  EXPECT_EQ(format_integer(-42), "-42");
  EXPECT_EQ(format_integer(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(csv_field("plain-id_1"), "plain-id_1");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  CsvBuilder csv;
  csv.field("x").number(0.5).integer(3).field("").end_row().field("y,z").end_row();
  EXPECT_EQ(csv.text(), "x,0.5,3,\n\"y,z\"\n");
}

// The raw writers used by the chunked file path: same text as format_*, the end returned, nothing written
// past it (the buffer is pre-filled with '#').
TEST(CsvWriter, RawWritersReturnTheEndAndWriteNothingBeyond) {
  const auto integer_text = [](std::int64_t value) {
    std::string buffer(kMaxIntegerChars + 4, '#');
    char* end = write_integer(buffer.data(), value);
    EXPECT_EQ(buffer.substr(static_cast<std::size_t>(end - buffer.data())).find_first_not_of('#'), std::string::npos);
    return std::string(buffer.data(), end);
  };
  EXPECT_EQ(integer_text(0), "0");
  EXPECT_EQ(integer_text(9), "9");
  EXPECT_EQ(integer_text(10), "10");
  EXPECT_EQ(integer_text(-1), "-1");
  EXPECT_EQ(integer_text(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(integer_text(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
  const auto number_text = [](double value) {
    std::string buffer(kMaxNumberChars + 4, '#');
    char* end = write_number(buffer.data(), value);
    EXPECT_EQ(buffer.substr(static_cast<std::size_t>(end - buffer.data())).find_first_not_of('#'), std::string::npos);
    return std::string(buffer.data(), end);
  };
  EXPECT_EQ(number_text(624.1484375), "624.1484375");
  EXPECT_EQ(number_text(-0.0), "0");
  EXPECT_EQ(number_text(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(number_text(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(number_text(-2.2250738585072014e-308), "-2.2250738585072014e-308");  // 24 characters, the longest
}

TEST(CsvWriter, AtomicWriteReplacesTheFileAndLeavesNoTemporary) {
  TempFolder folder("atomic");
  const fs::path target = folder.path() / "nested" / "deeper" / "out.csv";
  write_file_atomic(target, "old contents, longer than the new\n");
  EXPECT_EQ(read_file(target), "old contents, longer than the new\n");
  write_file_atomic(target, "new\n");
  EXPECT_EQ(read_file(target), "new\n");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(target.parent_path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"out.csv"});
  write_file_atomic(target, "");
  EXPECT_EQ(fs::file_size(target), 0u);
}

TEST(CsvWriter, AtomicWriteFailureNamesThePath) {
  TempFolder folder("unwritable");
  const fs::path blocker = folder.path() / "file";
  write_file_atomic(blocker, "x");
  // A regular file where a folder is needed: creating the folder fails (even for root).
  const fs::path target = blocker / "sub" / "metrics.csv";
  try {
    write_file_atomic(target, "data");
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), ExitCode::kRuntime);
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
  // A folder where the file should be: the rename fails and the temporary is removed.
  const fs::path occupied = folder.path() / "occupied.csv";
  fs::create_directories(occupied / "inside");
  EXPECT_THROW(write_file_atomic(occupied, "data"), UserError);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder.path())) ++entries;
  EXPECT_EQ(entries, 2u);  // `file` and `occupied.csv`, no temporary
}

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Rows with quoting, numbers and negative integers, the same through any writer with the row interface.
template <typename Csv>
void sample_rows(Csv& csv, int count) {
  for (int i = 0; i < count; ++i) {
    csv.field("id-" + std::to_string(i)).field(i % 7 == 0 ? "a,\"b\"" : "plain").number(i * 0.25);
    csv.escaped_fields("x,\"y,z\"").integer(-i).end_row();
  }
}

TEST(CsvWriter, EscapedFieldsAreWrittenVerbatimBetweenSeparators) {
  CsvBuilder csv;
  csv.escaped_fields("a,\"b,c\"").integer(1).end_row().integer(2).escaped_fields("").end_row();
  EXPECT_EQ(csv.text(), "a,\"b,c\",1\n2,\n");
}

TEST(CsvWriter, FileWriterStreamsExactBytesAndReplacesOnCommitOnly) {
  TempFolder folder("stream");
  const fs::path target = folder.path() / "sub" / "rows.csv";
  write_file_atomic(target, "old\n");
  // 60,000 rows of ~40 bytes: about 2.4 MB, so the buffer is written out several times before commit.
  CsvBuilder expected;
  sample_rows(expected, 60000);
  ASSERT_GT(expected.text().size(), 2 * CsvFileWriter::kBufferBytes);
  EXPECT_EQ(expected.text().substr(0, 37), "id-0,\"a,\"\"b\"\"\",0,x,\"y,z\",0\nid-1,plain");
  {
    CsvFileWriter writer(target);
    sample_rows(writer, 60000);
    // Before commit: the final name still holds the old file; the rows so far are in the temporary one.
    EXPECT_EQ(read_file(target), "old\n");
    EXPECT_EQ(names_in(target.parent_path()).size(), 2u);
    writer.commit();
    EXPECT_EQ(writer.path(), target);
  }
  EXPECT_EQ(read_file(target), expected.text());
  EXPECT_EQ(names_in(target.parent_path()), std::vector<std::string>{"rows.csv"});
}

TEST(CsvWriter, FileWriterAbandonedByAnExceptionRemovesItsTemporaryAndKeepsTheOldFile) {
  TempFolder folder("abandon");
  const fs::path target = folder.path() / "rows.csv";
  write_file_atomic(target, "old\n");
  try {
    CsvFileWriter writer(target);
    sample_rows(writer, 60000);  // past the buffer: the temporary file has contents on disk
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file(target), "old\n");
  EXPECT_EQ(names_in(folder.path()), std::vector<std::string>{"rows.csv"});
}

TEST(CsvWriter, FileWriterFailuresNameThePathAndLeaveNoTemporary) {
  TempFolder folder("stream-fail");
  const fs::path blocker = folder.path() / "file";
  write_file_atomic(blocker, "x");
  try {
    CsvFileWriter writer(blocker / "metrics.csv");  // a regular file where the folder should be
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), ExitCode::kRuntime);
    EXPECT_NE(std::string(e.what()).find((blocker / "metrics.csv").string()), std::string::npos) << e.what();
  }
  // A folder in the way of the final name: the rename at commit fails.
  const fs::path occupied = folder.path() / "occupied.csv";
  fs::create_directories(occupied / "inside");
  CsvFileWriter writer(occupied);
  writer.field("a").end_row();
  try {
    writer.commit();
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), ExitCode::kRuntime);
    EXPECT_NE(std::string(e.what()).find(occupied.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(names_in(folder.path()), (std::vector<std::string>{"file", "occupied.csv"}));
  EXPECT_TRUE(fs::is_directory(occupied / "inside"));
}

TEST(CsvWriter, AtomicWriteOfContentsLargerThanTheBuffer) {
  TempFolder folder("large");
  const fs::path target = folder.path() / "big.txt";
  // Three buffers and 5 bytes of a repeating pattern: written past the buffer, byte for byte.
  std::string contents(3 * CsvFileWriter::kBufferBytes + 5, ' ');
  for (std::size_t i = 0; i < contents.size(); ++i) contents[i] = static_cast<char>('a' + i % 26);
  write_file_atomic(target, contents);
  EXPECT_EQ(read_file(target), contents);
  CsvFileWriter writer(target);  // small text, then large text, then small: order kept
  writer.write("head,");
  writer.write(contents);
  writer.field("tail").end_row();
  writer.commit();
  EXPECT_EQ(read_file(target), "head," + contents + "tail\n");
}

}  // namespace
}  // namespace poweron
