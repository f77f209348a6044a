#include "yaml_reader.hpp"

#include "parallel_work.hpp"
#include "yaml_document.hpp"
#include "yaml_regions.hpp"
#include "yaml_text_checks.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <future>
#include <system_error>
#include <utility>

namespace poweron {
namespace {

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  if (bytes % kMiB == 0 && bytes > 0) {
    return std::to_string(bytes / kMiB) + " MiB (" + std::to_string(bytes) + " bytes)";
  }
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::optional<SourceNode> parse_yaml_tree(std::string_view text, const YamlTreeOptions& options,
                                          const LoaderLimits& limits, std::size_t& node_count,
                                          std::vector<Diagnostic>& diagnostics) {
  // A UTF-8 byte-order mark is dropped before parsing so that yaml-cpp's positions are byte offsets into
  // the text it reads; the pre-checks see it (their columns count it).
  const std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const std::size_t regions = region_count(text.substr(bom), options);
  std::vector<std::size_t> targets;
  if (regions > 1) {
    const std::size_t size = text.size() - bom;
    for (std::size_t k = 1; k < regions; ++k) {
      targets.push_back(bom + (options.cut_targets.empty() ? k * size / regions : options.cut_targets[k - 1]));
    }
    std::sort(targets.begin(), targets.end());
  }
  std::vector<KeyLine> cuts;
  std::optional<TextProblem> bad;
  if (regions > 1) {
    // A big file: the two scans run at once (an encoding problem is still the one reported first).
    std::future<std::optional<TextProblem>> encoding = start_beside([text] { return check_encoding(text); });
    auto depth = check_flow_depth(text, limits.max_depth - options.depth_offset, targets, &cuts);
    bad = encoding.get();
    if (!bad) bad = std::move(depth);
  } else {
    bad = check_encoding(text);
    if (!bad) bad = check_flow_depth(text, limits.max_depth - options.depth_offset);
  }
  if (bad) {
    const int line = bad->line + options.line_offset;
    const int column = bad->column + (bad->line == 1 ? options.column_offset : 0);
    diagnostics.push_back(make_diagnostic(options, line, column, "", bad->message));
    return std::nullopt;
  }
  text.remove_prefix(bom);
  if (options.regions_read != nullptr) *options.regions_read = 1;
  if (!cuts.empty()) {
    for (KeyLine& cut : cuts) cut.offset -= bom;
    if (auto root = parse_in_regions(text, cuts, options, limits, node_count)) {
      if (options.regions_read != nullptr) *options.regions_read = cuts.size() + 1;
      return root;
    }
  }
  auto document = parse_document(text, text, std::nullopt, false, options, limits, node_count, diagnostics);
  if (!document) return std::nullopt;
  return std::move(document->root);
}

std::string file_size_limit_message(const LoaderLimits& limits) {
  return "file exceeds the limit of " + size_text(limits.max_file_bytes);
}

Result<std::string> read_source_file(const std::string& path, const LoaderLimits& limits) {
  auto failure = [&](std::string message, ExitCode code) {
    Diagnostic d;
    d.file = path;
    d.message = std::move(message);
    return Result<std::string>(std::vector<Diagnostic>{std::move(d)}, code);
  };
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error) {
    return failure("cannot read file: " + lower_first(error.message()), ExitCode::kRuntime);
  }
  if (std::filesystem::is_directory(status)) {
    return failure("cannot read file: it is a directory", ExitCode::kRuntime);
  }
  const std::string too_big = file_size_limit_message(limits);
  // A regular file is read in one go into a buffer of its size (+ 1 to see the end): one allocation, and
  // no copies (page faults are a good part of reading a big file).
  std::size_t expected = std::size_t{1} << 16;
  if (std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, error);
    if (!error && size > limits.max_file_bytes) return failure(too_big, ExitCode::kInvalid);
    if (!error) expected = static_cast<std::size_t>(size) + 1;
  }
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int code = errno;
    return failure("cannot read file: " + lower_first(std::generic_category().message(code)), ExitCode::kRuntime);
  }
  // Read at most limit + 1 bytes: enough to tell "too big" for pipes and devices that report no size
  // (or a file that grows while it is read).
  const std::size_t most = limits.max_file_bytes + 1;
  std::string bytes(std::min(expected, most), '\0');
  std::size_t used = 0;
  while (true) {
    const std::size_t got = std::fread(bytes.data() + used, 1, bytes.size() - used, file.get());
    used += got;
    if (used > limits.max_file_bytes) return failure(too_big, ExitCode::kInvalid);
    if (used < bytes.size()) break;  // a short read: the end of the file (or an error)
    bytes.resize(std::min(2 * bytes.size(), most));
  }
  if (std::ferror(file.get()) != 0) return failure("cannot read file: read error", ExitCode::kRuntime);
  bytes.resize(used);
  return bytes;
}

Result<SourceDocument> parse_yaml_text(std::string_view text, const std::string& file_name,
                                       const LoaderLimits& limits) {
  std::vector<Diagnostic> diagnostics;
  if (text.size() > limits.max_file_bytes) {
    Diagnostic d;
    d.file = file_name;
    d.message = file_size_limit_message(limits);
    return Result<SourceDocument>(std::vector<Diagnostic>{std::move(d)}, ExitCode::kInvalid);
  }
  YamlTreeOptions options;
  options.file_name = file_name;
  std::size_t node_count = 0;
  auto root = parse_yaml_tree(text, options, limits, node_count, diagnostics);
  if (!root) return Result<SourceDocument>(std::move(diagnostics), ExitCode::kInvalid);
  SourceDocument document;
  document.files.push_back(file_name);
  document.root = std::move(*root);
  return document;
}

Result<SourceDocument> parse_yaml_file(const std::string& path, const LoaderLimits& limits) {
  auto bytes = read_source_file(path, limits);
  if (!bytes) return Result<SourceDocument>(bytes.diagnostics(), bytes.exit_code());
  return parse_yaml_text(bytes.value(), path, limits);
}

}  // namespace poweron
