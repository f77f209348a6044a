#include "poweron/csv_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <system_error>
#include <utility>

#include "poweron/result.hpp"

namespace poweron {
namespace {

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw UserError("cannot write " + path.string() + ": " + what, ExitCode::kRuntime);
}

std::string errno_message(int error_number) {
  return std::error_code(error_number != 0 ? error_number : EIO, std::generic_category()).message();
}

bool needs_quotes(std::string_view field) {
  for (const char c : field) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

char* write_number(char* out, double value) {
  if (std::isnan(value)) return out;
  if (std::isinf(value)) {
    const std::string_view text = value > 0 ? "inf" : "-inf";
    return std::copy(text.begin(), text.end(), out);
  }
  // A whole number of at most 2^53 converts to int64 and back unchanged (std::trunc is a library call
  // here, on every number of a sweep's tables).
  if (std::fabs(value) <= kMaxExactInteger) {
    const auto whole = static_cast<std::int64_t>(value);
    if (static_cast<double>(whole) == value) return write_integer(out, whole);  // also turns -0 into 0
  }
  return std::to_chars(out, out + kMaxNumberChars, value).ptr;
}

void append_integer(std::string& out, std::int64_t value) {
  char buffer[kMaxIntegerChars];
  out.append(buffer, write_integer(buffer, value));
}

void append_number(std::string& out, double value) {
  char buffer[kMaxNumberChars];
  out.append(buffer, write_number(buffer, value));
}

void append_csv_field(std::string& out, std::string_view field) {
  if (!needs_quotes(field)) {
    out.append(field);
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string format_number(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

std::string format_integer(std::int64_t value) {
  std::string out;
  append_integer(out, value);
  return out;
}

std::string csv_field(std::string_view field) {
  std::string out;
  append_csv_field(out, field);
  return out;
}

CsvBuilder& CsvBuilder::field(std::string_view text) {
  separate();
  append_csv_field(text_, text);
  return *this;
}

CsvBuilder& CsvBuilder::escaped_fields(std::string_view text) {
  separate();
  text_.append(text);
  return *this;
}

CsvBuilder& CsvBuilder::number(double value) {
  separate();
  append_number(text_, value);
  return *this;
}

CsvBuilder& CsvBuilder::integer(std::int64_t value) {
  separate();
  append_integer(text_, value);
  return *this;
}

CsvBuilder& CsvBuilder::end_row() {
  text_ += '\n';
  row_started_ = false;
  return *this;
}

CsvFileWriter::CsvFileWriter(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ec;
  const std::filesystem::path parent = path_.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) poweron::fail(path_, "cannot create folder " + parent.string() + ": " + ec.message());
  }
  temp_ = path_;
  temp_ += ".tmp-" + std::to_string(static_cast<long long>(::getpid()));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) poweron::fail(path_, errno_message(errno));
  buffer_.reserve(kBufferBytes + 4096);  // a row or two beyond the threshold without reallocating
}

CsvFileWriter::~CsvFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void CsvFileWriter::fail(int error_number) {
  const std::string message = errno_message(error_number);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  temp_.clear();  // removed: the destructor has nothing left to do
  poweron::fail(path_, message);
}

void CsvFileWriter::write_all(const char* data, std::size_t size) {
  if (fd_ < 0) poweron::fail(path_, "the file is already closed");
  while (size > 0) {
    const ssize_t written = ::write(fd_, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    if (written == 0) fail(EIO);
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void CsvFileWriter::flush_buffer() {
  write_all(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void CsvFileWriter::write(std::string_view text) {
  if (buffer_.size() + text.size() < kBufferBytes) {
    buffer_.append(text);
    return;
  }
  flush_buffer();
  write_all(text.data(), text.size());  // large contents go straight to the file, not through a copy
}

void CsvFileWriter::commit() {
  flush_buffer();
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) fail(errno);
  std::error_code ec;
  std::filesystem::rename(temp_, path_, ec);
  if (ec) {
    ::unlink(temp_.c_str());
    temp_.clear();
    poweron::fail(path_, ec.message());
  }
  committed_ = true;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  CsvFileWriter writer(path);
  writer.write(contents);
  writer.commit();
}

}  // namespace poweron
