#include "poweron/csv_writer.hpp"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

#include "poweron/result.hpp"

namespace poweron {
namespace {

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw UserError("cannot write " + path.string() + ": " + what, ExitCode::kRuntime);
}

}  // namespace

std::string format_number(double value) {
  if (std::isnan(value)) return {};
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == std::trunc(value) && std::fabs(value) <= kMaxExactInteger) {
    return format_integer(static_cast<std::int64_t>(value));  // also turns -0 into 0
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string format_integer(std::int64_t value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string quoted = "\"";
  for (const char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

CsvBuilder& CsvBuilder::field(std::string_view text) {
  if (row_started_) text_ += ',';
  text_ += csv_field(text);
  row_started_ = true;
  return *this;
}

CsvBuilder& CsvBuilder::number(double value) { return field(format_number(value)); }

CsvBuilder& CsvBuilder::integer(std::int64_t value) { return field(format_integer(value)); }

CsvBuilder& CsvBuilder::end_row() {
  text_ += '\n';
  row_started_ = false;
  return *this;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  std::error_code ec;
  const std::filesystem::path parent = path.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) fail(path, "cannot create folder " + parent.string() + ": " + ec.message());
  }
  std::filesystem::path temp = path;
  temp += ".tmp-" + std::to_string(static_cast<long long>(::getpid()));

  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) fail(path, std::error_code(errno, std::generic_category()).message());
  const std::size_t written = contents.empty() ? 0 : std::fwrite(contents.data(), 1, contents.size(), file);
  const bool write_ok = written == contents.size() && std::fflush(file) == 0;
  const int saved_errno = errno;
  const bool close_ok = std::fclose(file) == 0;
  if (!write_ok || !close_ok) {
    std::filesystem::remove(temp, ec);
    fail(path, std::error_code(saved_errno != 0 ? saved_errno : EIO, std::generic_category()).message());
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    const std::string message = ec.message();
    std::filesystem::remove(temp, ec);
    fail(path, message);
  }
}

}  // namespace poweron
