#include "overlay.hpp"

#include <filesystem>
#include <optional>
#include <unordered_map>
#include <utility>

#include "yaml_reader.hpp"

namespace poweron {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExtends = "extends";

/// One file of an `extends` chain, as read.
struct ChainFile {
  std::string name;      // as shown in diagnostics
  std::string identity;  // canonical path, for cycle detection
  SourceNode root;
};

std::string identity_of(const std::string& name) {
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(fs::path(name), error), error);
  return error ? fs::path(name).lexically_normal().string() : canonical.string();
}

Diagnostic diagnostic_at(const std::string& file, const SourceMark& mark, std::string path, std::string message) {
  Diagnostic d;
  d.file = file;
  d.line = mark.line;
  d.column = mark.column;
  d.path = std::move(path);
  d.message = std::move(message);
  return d;
}

/// Removes `extends` from a file's root and returns its value (nullopt: none, or null).
std::optional<SourceNode> take_extends(SourceNode& root) {
  for (auto it = root.entries.begin(); it != root.entries.end(); ++it) {
    if (it->first.text == kExtends) {
      SourceNode value = std::move(it->second);
      root.entries.erase(it);
      if (value.is_null()) return std::nullopt;
      return value;
    }
  }
  return std::nullopt;
}

/// Loads the chain starting at the given top file; on success `chain` holds the files top first and
/// `files` their names (so that mark file indices equal chain positions).
Result<SourceDocument> load_chain(std::string_view top_text, const std::string& top_name, const LoaderLimits& limits,
                                  std::size_t& node_count) {
  std::vector<ChainFile> chain;
  std::vector<Diagnostic> diagnostics;
  std::string_view text = top_text;
  std::string storage;  // the bytes of the base being read (the top file's text is the caller's)
  std::string name = top_name;
  while (true) {
    YamlTreeOptions options;
    options.file_index = static_cast<int>(chain.size());
    options.file_name = name;
    auto root = parse_yaml_tree(text, options, limits, node_count, diagnostics);
    if (!root) return Result<SourceDocument>(std::move(diagnostics), ExitCode::kInvalid);
    auto extends = take_extends(*root);
    chain.push_back(ChainFile{name, identity_of(name), std::move(*root)});
    if (!extends) break;

    const SourceMark at = extends->mark;
    auto fail = [&](std::string message, ExitCode code) {
      diagnostics.push_back(diagnostic_at(name, at, std::string(kExtends), std::move(message)));
      return Result<SourceDocument>(std::move(diagnostics), code);
    };
    if (!extends->is_scalar() || extends->scalar.empty()) {
      return fail("expected a file name (a string)", ExitCode::kInvalid);
    }
    const std::string base = (fs::path(name).parent_path() / fs::path(extends->scalar)).lexically_normal().string();
    const std::string base_identity = identity_of(base);
    for (std::size_t k = 0; k < chain.size(); ++k) {
      if (chain[k].identity != base_identity) continue;
      std::string cycle = "extends cycle: ";
      for (std::size_t j = k; j < chain.size(); ++j) cycle += chain[j].name + " -> ";
      cycle += base;
      return fail(cycle, ExitCode::kInvalid);
    }
    if (chain.size() >= static_cast<std::size_t>(limits.max_extends_depth)) {
      return fail("extends chain longer than the limit of " + std::to_string(limits.max_extends_depth) + " files",
                  ExitCode::kInvalid);
    }
    auto bytes = read_source_file(base, limits);
    if (!bytes) {
      if (bytes.exit_code() == ExitCode::kRuntime) {
        std::string reason = bytes.diagnostics().front().message;
        const std::string prefix = "cannot read file: ";
        if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
        return fail("cannot read file \"" + base + "\": " + reason, ExitCode::kRuntime);
      }
      for (const Diagnostic& d : bytes.diagnostics()) diagnostics.push_back(d);
      return Result<SourceDocument>(std::move(diagnostics), bytes.exit_code());
    }
    storage = std::move(bytes.value());
    text = storage;
    name = base;
  }

  SourceDocument document;
  for (const ChainFile& file : chain) document.files.push_back(file.name);
  document.root = std::move(chain.back().root);
  for (std::size_t k = chain.size() - 1; k-- > 0;) merge_overlay(document.root, std::move(chain[k].root));
  return document;
}

bool is_id_segment(std::string_view segment) {
  if (segment.empty()) return false;
  for (char c : segment) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::size_t> as_index(std::string_view segment) {
  if (segment.empty() || segment.size() > 9) return std::nullopt;
  std::size_t value = 0;
  for (char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

Result<SourceDocument> finish(Result<SourceDocument> chain, const std::vector<std::string>& overrides,
                              const LoaderLimits& limits, std::size_t& node_count) {
  if (!chain) return chain;
  SourceDocument document = std::move(chain).value();
  std::vector<Diagnostic> diagnostics;
  for (const std::string& assignment : overrides) {
    apply_override(document, assignment, limits, node_count, diagnostics);
  }
  if (!diagnostics.empty()) return Result<SourceDocument>(std::move(diagnostics), ExitCode::kInvalid);
  return document;
}

}  // namespace

void merge_overlay(SourceNode& base, SourceNode overlay) {
  if (!overlay.is_map()) {
    base = std::move(overlay);
    return;
  }
  if (!base.is_map()) {
    SourceNode fresh;
    fresh.kind = SourceNode::Kind::kMap;
    fresh.mark = overlay.mark;
    base = std::move(fresh);
  }
  // Index of the base's keys (lookup only), so that merging big maps stays linear.
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(base.entries.size());
  for (std::size_t i = 0; i < base.entries.size(); ++i) index.emplace(base.entries[i].first.text, i);
  std::vector<bool> removed(base.entries.size(), false);
  std::vector<std::pair<SourceKey, SourceNode>> added;
  for (auto& [key, value] : overlay.entries) {
    const auto found = index.find(key.text);
    if (value.is_null()) {
      if (found != index.end()) removed[found->second] = true;
      continue;
    }
    if (found != index.end()) {
      auto& entry = base.entries[found->second];
      // The key stays where the base wrote it only if the base's map is kept and merged into.
      if (!(value.is_map() && entry.second.is_map())) entry.first.mark = key.mark;
      merge_overlay(entry.second, std::move(value));
      continue;
    }
    SourceNode fresh;
    merge_overlay(fresh, std::move(value));
    added.emplace_back(std::move(key), std::move(fresh));
  }
  index.clear();  // holds views into the keys moved below
  std::vector<std::pair<SourceKey, SourceNode>> merged;
  merged.reserve(base.entries.size() + added.size());
  for (std::size_t i = 0; i < base.entries.size(); ++i) {
    if (!removed[i]) merged.push_back(std::move(base.entries[i]));
  }
  for (auto& entry : added) merged.push_back(std::move(entry));
  base.entries = std::move(merged);
}

bool apply_override(SourceDocument& document, const std::string& assignment, const LoaderLimits& limits,
                    std::size_t& node_count, std::vector<Diagnostic>& diagnostics) {
  const std::string subject = "--set \"" + assignment + "\": ";
  auto fail = [&](const std::string& message) {
    Diagnostic d;
    d.message = subject + message;
    diagnostics.push_back(std::move(d));
    return false;
  };
  const std::size_t equals = assignment.find('=');
  if (equals == std::string::npos) return fail("expected PATH=VALUE");
  if (equals == 0) return fail("empty path");

  // Segments with their 1-based columns in the argument.
  std::vector<std::pair<std::string, int>> segments;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = assignment.find('.', begin);
    const std::size_t end = std::min(dot, equals);
    segments.emplace_back(assignment.substr(begin, end - begin), static_cast<int>(begin) + 1);
    if (dot == std::string::npos || dot >= equals) break;
    begin = dot + 1;
  }
  for (const auto& [segment, column] : segments) {
    if (!is_id_segment(segment)) {
      return fail("bad path segment \"" + segment +
                  "\" (expected letters, digits, '_' or '-', or a list index)");
    }
  }
  if (segments.front().first == kExtends) return fail("extends cannot be set by an override");
  if (static_cast<int>(segments.size()) + 1 > limits.max_depth) {
    return fail("nesting deeper than the limit of " + std::to_string(limits.max_depth) + " levels");
  }

  const int file_index = static_cast<int>(document.files.size());
  const std::string file_name = "--set " + assignment;
  YamlTreeOptions options;
  options.file_index = file_index;
  options.file_name = file_name;
  options.require_map = false;
  options.depth_offset = static_cast<int>(segments.size());
  options.column_offset = static_cast<int>(equals) + 1;
  std::size_t count = node_count;
  auto value = parse_yaml_tree(std::string_view(assignment).substr(equals + 1), options, limits, count, diagnostics);
  if (!value) return false;

  // Walk to the parent of the last segment, checking before changing anything.
  auto mark_of = [&](int column) { return SourceMark{file_index, 1, column}; };
  std::string walked;
  const SourceNode* probe = &document.root;
  std::size_t k = 0;
  for (; k + 1 < segments.size() && probe != nullptr; ++k) {
    const std::string& segment = segments[k].first;
    if (probe->is_map()) {
      probe = probe->find(segment);
      if (probe != nullptr && probe->is_null()) probe = nullptr;
    } else if (probe->is_sequence()) {
      const auto index = as_index(segment);
      if (!index || *index >= probe->items.size()) {
        return fail(walked + " has no element " + segment + " (it has " + std::to_string(probe->items.size()) + ")");
      }
      probe = &probe->items[*index];
    } else {
      return fail(walked + " is not a map or a list");
    }
    walked += (walked.empty() ? "" : ".") + segment;
  }
  if (probe != nullptr && k + 1 == segments.size()) {
    const std::string& last = segments.back().first;
    if (probe->is_sequence()) {
      const auto index = as_index(last);
      if (!index || *index >= probe->items.size()) {
        return fail(walked + " has no element " + last + " (it has " + std::to_string(probe->items.size()) + ")");
      }
    } else if (!probe->is_map()) {
      return fail((walked.empty() ? "the document" : walked) + " is not a map or a list");
    }
  }

  // Apply: create missing (or null) intermediate maps, then merge the one-key overlay.
  SourceNode* node = &document.root;
  for (k = 0; k + 1 < segments.size(); ++k) {
    const auto& [segment, column] = segments[k];
    if (node->is_sequence()) {
      node = &node->items[*as_index(segment)];
      continue;
    }
    SourceNode* child = nullptr;
    for (auto& entry : node->entries) {
      if (entry.first.text == segment) child = &entry.second;
    }
    if (child == nullptr) {
      node->entries.emplace_back(SourceKey{segment, mark_of(column)}, SourceNode{});
      child = &node->entries.back().second;
    }
    if (child->is_null()) {
      child->kind = SourceNode::Kind::kMap;
      child->mark = mark_of(column);
    }
    node = child;
  }
  const auto& [last, last_column] = segments.back();
  if (node->is_sequence()) {
    const std::size_t index = *as_index(last);
    if (value->is_null()) {
      node->items.erase(node->items.begin() + static_cast<std::ptrdiff_t>(index));
    } else {
      merge_overlay(node->items[index], std::move(*value));
    }
  } else {
    SourceNode overlay;
    overlay.kind = SourceNode::Kind::kMap;
    overlay.mark = mark_of(last_column);
    overlay.entries.emplace_back(SourceKey{last, mark_of(last_column)}, std::move(*value));
    merge_overlay(*node, std::move(overlay));
  }
  document.files.push_back(file_name);
  node_count = count;
  return true;
}

Result<SourceDocument> load_merged_file(const std::string& path, const std::vector<std::string>& overrides,
                                        const LoaderLimits& limits) {
  auto bytes = read_source_file(path, limits);
  if (!bytes) return Result<SourceDocument>(bytes.diagnostics(), bytes.exit_code());
  std::size_t node_count = 0;
  return finish(load_chain(bytes.value(), path, limits, node_count), overrides, limits, node_count);
}

Result<SourceDocument> load_merged_text(std::string_view text, const std::string& file_name,
                                        const std::vector<std::string>& overrides, const LoaderLimits& limits) {
  if (text.size() > limits.max_file_bytes) {
    Diagnostic d;
    d.file = file_name;
    d.message = file_size_limit_message(limits);
    return Result<SourceDocument>(std::vector<Diagnostic>{std::move(d)}, ExitCode::kInvalid);
  }
  std::size_t node_count = 0;
  return finish(load_chain(text, file_name, limits, node_count), overrides, limits, node_count);
}

}  // namespace poweron
