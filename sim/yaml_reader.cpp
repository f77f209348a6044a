#include "yaml_reader.hpp"

#include "yaml_text_checks.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <istream>
#include <iterator>
#include <memory>
#include <streambuf>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace poweron {
namespace {

constexpr const char* kStrTag = "tag:yaml.org,2002:str";

/// A problem found while building the tree; thrown from the event handler to stop yaml-cpp at once.
using ReadError = TextProblem;

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  if (bytes % kMiB == 0 && bytes > 0) {
    return std::to_string(bytes / kMiB) + " MiB (" + std::to_string(bytes) + " bytes)";
  }
  return std::to_string(bytes) + " bytes";
}

/// A plain scalar that starts like a number: optional sign, then a digit or `.digit`, and nothing but
/// characters that can appear in numbers, dates and times. Such literals are bounded in length so that
/// no number parser is fed megabytes of digits.
bool looks_numeric(const std::string& text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  if (i < text.size() && text[i] == '.') ++i;
  if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
                    c == '+' || c == '-' || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

/// A read-only stream buffer over text that outlives it, so that yaml-cpp reads the bytes in place
/// (no copy of the file). yaml-cpp only reads and puts back what it read; nothing is written.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

/// Builds SourceNodes from yaml-cpp events. Depth, node count and literal length are checked as events
/// arrive, so hostile input stops early; aliases become placeholders resolved after the parse (see
/// resolve_aliases), so memory never exceeds the final, bounded tree.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const YamlTreeOptions& options, const LoaderLimits& limits,
              std::size_t& node_count)
      : text_(text), options_(options), limits_(limits), node_count_(node_count) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (deferred_) return;
    SourceMark at = to_mark(mark);
    // yaml-cpp marks an empty value (`key:`) at the next token, often the next line's key; report it at
    // its key (or its sequence) instead.
    if (!written_null_at(mark) && !stack_.empty()) {
      at = stack_.back().node.is_map() && !stack_.back().expecting_key ? stack_.back().pending_key.mark
                                                                       : stack_.back().node.mark;
    }
    if (expecting_key()) fail(at, map_path(), "mapping keys must not be null");
    if (stack_.empty() && options_.require_map) {
      fail(at, "", "expected a mapping at the top level, got null");
    }
    count_nodes(at, 1);
    SourceNode node;
    node.kind = SourceNode::Kind::kNull;
    node.mark = at;
    if (anchor != 0) anchors_[anchor] = Anchor{true, {}, 1, 0, node};
    attach(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (deferred_) return;
    const SourceMark at = to_mark(mark);
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) fail(at, child_path(), "alias to an unknown anchor");
    const Anchor& target = found->second;
    if (!target.complete) fail(at, child_path(), "alias refers to a node that contains it");
    if (expecting_key()) {
      if (target.height > 0) fail(at, map_path(), "mapping keys must be scalars");
      if (target.scalar.is_null()) fail(at, map_path(), "mapping keys must not be null");
      add_key(at, target.scalar.scalar);
      return;
    }
    if (stack_.empty() && options_.require_map) fail(at, "", "expected a mapping at the top level");
    count_nodes(at, target.size);
    if (target.height == 0) {
      attach(SourceNode(target.scalar));
      return;
    }
    const int depth = static_cast<int>(stack_.size()) + target.height + options_.depth_offset;
    if (depth > limits_.max_depth) fail(at, child_path(), depth_message());
    aliases_.push_back(PendingAlias{target.path, current_path()});
    if (!stack_.empty()) stack_.back().height = std::max(stack_.back().height, target.height + 1);
    SourceNode placeholder;
    placeholder.mark = at;
    attach(std::move(placeholder));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (deferred_) return;
    const SourceMark at = to_mark(mark);
    const bool plain = tag == "?";
    if (!plain && tag != "!" && tag != kStrTag) fail(at, child_path(), unsupported_tag(tag));
    if (plain && value.size() > limits_.max_numeric_literal && looks_numeric(value)) {
      fail(at, child_path(),
           "numeric literal longer than the limit of " + std::to_string(limits_.max_numeric_literal) +
               " characters");
    }
    auto make_node = [&] {
      SourceNode node;
      node.kind = SourceNode::Kind::kScalar;
      node.scalar = value;
      node.quoted = !plain;
      node.mark = at;
      return node;
    };
    if (anchor != 0) anchors_[anchor] = Anchor{true, {}, 1, 0, make_node()};
    count_nodes(at, 1);
    if (expecting_key()) {
      add_key(at, value);
      return;
    }
    if (stack_.empty() && options_.require_map) {
      fail(at, "", "expected a mapping at the top level, got a scalar");
    }
    attach(make_node());
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    if (deferred_) return;
    const SourceMark at = to_mark(mark);
    if (stack_.empty() && options_.require_map) {
      fail(at, "", "expected a mapping at the top level, got a sequence");
    }
    open(at, tag, anchor, SourceNode::Kind::kSequence, "tag:yaml.org,2002:seq");
  }

  void OnSequenceEnd() override {
    if (!deferred_) close();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    if (deferred_) return;
    open(to_mark(mark), tag, anchor, SourceNode::Kind::kMap, "tag:yaml.org,2002:map");
  }

  void OnMapEnd() override {
    if (!deferred_) close();
  }

  bool has_root() const { return root_.has_value(); }

  /// A complex key found: reported only if yaml-cpp finds no syntax error in the rest of the document
  /// (yaml-cpp turns an unclosed `[` at the end of the text into a complex key).
  const std::optional<ReadError>& deferred() const { return deferred_; }

  /// REQUIRES: has_root(). Expands the aliases into copies of their anchored nodes and returns the tree.
  SourceNode take_root() {
    // Placeholders are resolved in document order; an anchored node ends before any alias to it starts,
    // so by the time an alias is resolved every alias inside its target already has been.
    for (const PendingAlias& alias : aliases_) {
      SourceNode copy = *at_path(alias.target);
      *at_path(alias.where) = std::move(copy);
    }
    return std::move(*root_);
  }

 private:
  // A collection being read. Its children wait in the builder's scratch stacks (entries_ for maps, items_
  // for sequences) from index first_child on, and move into `node` once, at close: one exact-size
  // allocation per collection instead of repeated growth.
  struct Frame {
    SourceNode node;
    std::size_t first_child = 0;
    bool expecting_key = true;  // maps: the next node event is a key
    SourceKey pending_key;
    // Maps with more than kLinearKeys keys: keys so far (lookup only); smaller maps scan their entries.
    std::unordered_map<std::string, SourceMark> seen;
    YAML::anchor_t anchor = 0;
    std::size_t count_at_start = 0;
    int height = 1;  // nesting levels of collections in this node, itself included
  };
  struct Anchor {
    bool complete = false;
    std::vector<std::size_t> path;  // collections: where the node is in the tree
    std::size_t size = 0;           // nodes in the expanded subtree
    int height = 0;                 // 0 for scalars and null
    SourceNode scalar;              // scalars and null: the node itself
  };
  struct PendingAlias {
    std::vector<std::size_t> target;
    std::vector<std::size_t> where;
  };

  /// Maps up to this many keys check duplicates by scanning their entries; bigger ones build a hash index.
  static constexpr std::size_t kLinearKeys = 16;

  [[noreturn]] static void fail(const SourceMark& mark, std::string path, std::string message) {
    throw ReadError{mark.line, mark.column, std::move(path), std::move(message)};
  }

  static std::string unsupported_tag(const std::string& tag) {
    std::string shown = tag;
    const std::string prefix = "tag:yaml.org,2002:";
    if (shown.rfind(prefix, 0) == 0) shown = "!!" + shown.substr(prefix.size());
    return "unsupported tag \"" + shown + "\" (only !!str is allowed)";
  }

  std::string depth_message() const {
    return "nesting deeper than the limit of " + std::to_string(limits_.max_depth) + " levels";
  }

  SourceMark to_mark(const YAML::Mark& mark) const {
    SourceMark out;
    out.file = options_.file_index;
    if (mark.is_null() || mark.line < 0) return out;
    out.line = mark.line + 1 + options_.line_offset;
    out.column = mark.column + 1 + (mark.line == 0 ? options_.column_offset : 0);
    return out;
  }

  /// True if a null literal (`~`, `null`, `Null`, `NULL`) is written at `mark`.
  bool written_null_at(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text_.size()) return false;
    const std::string_view rest = text_.substr(static_cast<std::size_t>(mark.pos));
    for (std::string_view literal : {"~", "null", "Null", "NULL"}) {
      if (rest.substr(0, literal.size()) == literal) return true;
    }
    return false;
  }

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().node.is_map() && stack_.back().expecting_key;
  }

  /// Dotted address of the innermost open collection.
  std::string map_path() const {
    std::string out;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) append_segment(out, stack_[i]);
    return out;
  }

  /// Dotted address of the node being read now (the child of the innermost open collection).
  std::string child_path() const {
    std::string out;
    for (const Frame& frame : stack_) {
      if (frame.node.is_map() && frame.expecting_key) break;
      append_segment(out, frame);
    }
    return out;
  }

  void append_segment(std::string& out, const Frame& frame) const {
    if (!out.empty()) out += '.';
    out += frame.node.is_map() ? frame.pending_key.text : std::to_string(child_count(frame));
  }

  /// Children attached so far to an open collection.
  std::size_t child_count(const Frame& frame) const {
    return (frame.node.is_map() ? entries_.size() : items_.size()) - frame.first_child;
  }

  /// Indices from the root to the node about to be attached.
  std::vector<std::size_t> current_path() const {
    std::vector<std::size_t> path;
    path.reserve(stack_.size());
    for (const Frame& frame : stack_) path.push_back(child_count(frame));
    return path;
  }

  SourceNode* at_path(const std::vector<std::size_t>& path) {
    SourceNode* node = &*root_;
    for (std::size_t index : path) {
      node = node->is_map() ? &node->entries[index].second : &node->items[index];
    }
    return node;
  }

  void count_nodes(const SourceMark& at, std::size_t count) {
    node_count_ += count;
    if (node_count_ > limits_.max_nodes) {
      fail(at, child_path(),
           "document exceeds the limit of " + std::to_string(limits_.max_nodes) +
               " nodes after alias expansion");
    }
  }

  void add_key(const SourceMark& at, const std::string& text) {
    Frame& frame = stack_.back();
    const std::size_t count = child_count(frame);
    const SourceMark* first = nullptr;
    if (count <= kLinearKeys) {
      for (std::size_t i = frame.first_child; i < entries_.size() && first == nullptr; ++i) {
        if (entries_[i].first.text == text) first = &entries_[i].first.mark;
      }
    } else {
      if (frame.seen.empty()) {
        frame.seen.reserve(2 * count);
        for (std::size_t i = frame.first_child; i < entries_.size(); ++i) {
          frame.seen.emplace(entries_[i].first.text, entries_[i].first.mark);
        }
      }
      const auto [it, inserted] = frame.seen.emplace(text, at);
      if (!inserted) first = &it->second;
    }
    if (first != nullptr) {
      fail(at, map_path(),
           "duplicate key \"" + text + "\" (first at " + std::to_string(first->line) + ":" +
               std::to_string(first->column) + ")");
    }
    frame.pending_key = SourceKey{text, at};
    frame.expecting_key = false;
  }

  void open(const SourceMark& at, const std::string& tag, YAML::anchor_t anchor, SourceNode::Kind kind,
            const char* own_tag) {
    if (expecting_key()) {
      deferred_ = ReadError{at.line, at.column, map_path(), "mapping keys must be scalars"};
      return;
    }
    if (tag != "?" && tag != "!" && tag != own_tag) fail(at, child_path(), unsupported_tag(tag));
    const int depth = static_cast<int>(stack_.size()) + 1 + options_.depth_offset;
    if (depth > limits_.max_depth) fail(at, child_path(), depth_message());
    const std::size_t before = node_count_;
    count_nodes(at, 1);
    Frame frame;
    frame.node.kind = kind;
    frame.node.mark = at;
    frame.anchor = anchor;
    frame.count_at_start = before;
    frame.first_child = kind == SourceNode::Kind::kMap ? entries_.size() : items_.size();
    if (anchor != 0) anchors_[anchor] = Anchor{false, current_path(), 0, 0, SourceNode{}};
    stack_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    const auto first = static_cast<std::ptrdiff_t>(frame.first_child);
    if (frame.node.is_map()) {
      frame.node.entries.assign(std::make_move_iterator(entries_.begin() + first),
                                std::make_move_iterator(entries_.end()));
      entries_.erase(entries_.begin() + first, entries_.end());
    } else {
      frame.node.items.assign(std::make_move_iterator(items_.begin() + first), std::make_move_iterator(items_.end()));
      items_.erase(items_.begin() + first, items_.end());
    }
    if (frame.anchor != 0) {
      Anchor& anchor = anchors_[frame.anchor];
      anchor.complete = true;
      anchor.size = node_count_ - frame.count_at_start;
      anchor.height = frame.height;
    }
    if (!stack_.empty()) stack_.back().height = std::max(stack_.back().height, frame.height + 1);
    attach(std::move(frame.node));
  }

  void attach(SourceNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& frame = stack_.back();
    if (frame.node.is_map()) {
      entries_.emplace_back(std::move(frame.pending_key), std::move(node));
      frame.pending_key = SourceKey{};
      frame.expecting_key = true;
    } else {
      items_.push_back(std::move(node));
    }
  }

  std::string_view text_;
  const YamlTreeOptions& options_;
  const LoaderLimits& limits_;
  std::size_t& node_count_;
  std::vector<Frame> stack_;
  std::vector<std::pair<SourceKey, SourceNode>> entries_;  // children of the open maps, innermost last
  std::vector<SourceNode> items_;                          // children of the open sequences, innermost last
  std::optional<SourceNode> root_;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;  // lookup only
  std::vector<PendingAlias> aliases_;
  std::optional<ReadError> deferred_;  // once set, the rest of the document is only checked by yaml-cpp
};

/// Stops at the start of a second document.
class SecondDocumentProbe : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { throw mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

Diagnostic make_diagnostic(const YamlTreeOptions& options, int line, int column, std::string path,
                           std::string message) {
  Diagnostic d;
  d.file = options.file_name;
  d.line = line;
  d.column = line > 0 ? column : 0;
  d.path = std::move(path);
  d.message = std::move(message);
  return d;
}

std::string lower_first(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

}  // namespace

std::optional<SourceNode> parse_yaml_tree(std::string_view text, const YamlTreeOptions& options,
                                          const LoaderLimits& limits, std::size_t& node_count,
                                          std::vector<Diagnostic>& diagnostics) {
  auto bad = check_encoding(text);
  if (!bad) bad = check_flow_depth(text, limits.max_depth - options.depth_offset);
  if (bad) {
    const int line = bad->line + options.line_offset;
    const int column = bad->column + (bad->line == 1 ? options.column_offset : 0);
    diagnostics.push_back(make_diagnostic(options, line, column, "", bad->message));
    return std::nullopt;
  }
  // A UTF-8 byte-order mark is dropped here so that yaml-cpp's positions are byte offsets into `text`.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  ViewBuffer buffer(text);
  std::istream stream(&buffer);
  try {
    YAML::Parser parser(stream);
    TreeBuilder builder(text, options, limits, node_count);
    const bool found = parser.HandleNextDocument(builder);
    if (builder.deferred()) throw *builder.deferred();
    if (!found || !builder.has_root()) {
      if (!options.require_map) {
        SourceNode null_node;
        null_node.mark = SourceMark{options.file_index, 1 + options.line_offset, 1 + options.column_offset};
        return null_node;
      }
      diagnostics.push_back(
          make_diagnostic(options, 0, 0, "", "expected a mapping at the top level, got an empty document"));
      return std::nullopt;
    }
    try {
      SecondDocumentProbe probe;
      parser.HandleNextDocument(probe);
    } catch (const YAML::Mark& mark) {
      const int line = mark.line + 1 + options.line_offset;
      const int column = mark.column + 1 + (mark.line == 0 ? options.column_offset : 0);
      diagnostics.push_back(
          make_diagnostic(options, line, column, "", "multiple YAML documents in one file are not supported"));
      return std::nullopt;
    }
    return builder.take_root();
  } catch (const ReadError& error) {
    diagnostics.push_back(make_diagnostic(options, error.line, error.column, error.path, error.message));
  } catch (const YAML::Exception& error) {
    int line = 0;
    int column = 0;
    if (!error.mark.is_null() && error.mark.line >= 0) {
      line = error.mark.line + 1 + options.line_offset;
      column = error.mark.column + 1 + (error.mark.line == 0 ? options.column_offset : 0);
    }
    diagnostics.push_back(make_diagnostic(options, line, column, "", lower_first(error.msg)));
  }
  return std::nullopt;
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
  if (std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, error);
    if (!error && size > limits.max_file_bytes) return failure(too_big, ExitCode::kInvalid);
  }
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int code = errno;
    return failure("cannot read file: " + lower_first(std::generic_category().message(code)), ExitCode::kRuntime);
  }
  // Read at most limit + 1 bytes: enough to tell "too big" for pipes and devices that report no size.
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    bytes.append(buffer, got);
    if (bytes.size() > limits.max_file_bytes) return failure(too_big, ExitCode::kInvalid);
    if (got < sizeof buffer) break;
  }
  if (std::ferror(file.get()) != 0) return failure("cannot read file: read error", ExitCode::kRuntime);
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
