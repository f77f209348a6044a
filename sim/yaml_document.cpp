#include "yaml_document.hpp"

#include "yaml_text_checks.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <iterator>
#include <memory>
#include <streambuf>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace poweron {
namespace {

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";
constexpr std::string_view kSeqTag = "tag:yaml.org,2002:seq";
constexpr std::string_view kMapTag = "tag:yaml.org,2002:map";

/// A problem found while building the tree; thrown from the event handler to stop yaml-cpp at once.
using ReadError = TextProblem;

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
/// (no copy of the file), followed by a second text (a region's seam line, see yaml_regions.hpp).
/// yaml-cpp only reads and puts back what it read; nothing is written.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text, std::string_view then = {}) : then_(then) { show(text); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (then_.empty()) return traits_type::eof();
    show(then_);
    then_ = {};
    return traits_type::to_int_type(*gptr());
  }

 private:
  void show(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }

  std::string_view then_;
};

/// Builds SourceNodes from yaml-cpp events. Depth, node count and literal length are checked as events
/// arrive, so hostile input stops early; aliases become placeholders resolved after the parse (see
/// resolve_aliases), so memory never exceeds the final, bounded tree.
class TreeBuilder : public YAML::EventHandler {
 public:
  /// `lookahead`: the text yaml-cpp reads as it is in the file, followed by the rest of the file (marks
  /// index into it). `shared_count`: if set, the node count of all regions of the file, also kept
  /// within its limit.
  TreeBuilder(std::string_view lookahead, const YamlTreeOptions& options, const LoaderLimits& limits,
              std::size_t& node_count, SharedCount* shared_count = nullptr)
      : text_(lookahead),
        options_(options),
        limits_(limits),
        node_count_(node_count),
        shared_count_(shared_count) {}

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
    // yaml-cpp's tags: "?" for a plain scalar, "!" for a quoted or block one; compared as views (no
    // strlen per scalar).
    const std::string_view written = tag;
    const bool plain = written == "?";
    if (!plain && written != "!" && written != kStrTag) fail(at, child_path(), unsupported_tag(tag));
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
                       YAML::EmitterStyle::value style) override {
    if (deferred_) return;
    const SourceMark at = to_mark(mark);
    if (stack_.empty() && options_.require_map) {
      fail(at, "", "expected a mapping at the top level, got a sequence");
    }
    open(at, tag, anchor, SourceNode::Kind::kSequence, kSeqTag, style);
  }

  void OnSequenceEnd() override {
    if (!deferred_) close();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    if (deferred_) return;
    open(to_mark(mark), tag, anchor, SourceNode::Kind::kMap, kMapTag, style);
  }

  void OnMapEnd() override {
    if (!deferred_) close();
  }

  bool has_root() const { return root_.has_value(); }
  /// The root is a map written in block style.
  bool root_block_map() const { return root_block_map_; }
  /// The root's last entry so far has a map written in block style as its value (not an alias).
  bool last_value_block_map() const { return last_value_block_map_; }

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
    int height = 1;      // nesting levels of collections in this node, itself included
    bool block = false;  // written in block style (not flow)
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
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) append_segment(out, i);
    return out;
  }

  /// Dotted address of the node being read now (the child of the innermost open collection).
  std::string child_path() const {
    std::string out;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].node.is_map() && stack_[i].expecting_key) break;
      append_segment(out, i);
    }
    return out;
  }

  void append_segment(std::string& out, std::size_t index) const {
    if (!out.empty()) out += '.';
    const Frame& frame = stack_[index];
    out += frame.node.is_map() ? frame.pending_key.text : std::to_string(child_count(index));
  }

  /// Children attached so far to the open collection stack_[index]. Its children end in the scratch
  /// stack where those of the next open collection of the same kind begin.
  std::size_t child_count(std::size_t index) const {
    const bool map = stack_[index].node.is_map();
    std::size_t end = map ? entries_.size() : items_.size();
    for (std::size_t j = index + 1; j < stack_.size(); ++j) {
      if (stack_[j].node.is_map() == map) {
        end = stack_[j].first_child;
        break;
      }
    }
    return end - stack_[index].first_child;
  }

  /// Indices from the root to the node about to be attached.
  std::vector<std::size_t> current_path() const {
    std::vector<std::size_t> path;
    path.reserve(stack_.size());
    for (std::size_t i = 0; i < stack_.size(); ++i) path.push_back(child_count(i));
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
    bool over = node_count_ > limits_.max_nodes;
    if (!over && shared_count_ != nullptr) {
      over = shared_count_->nodes.fetch_add(count, std::memory_order_relaxed) + count > shared_count_->limit;
    }
    if (over) {
      fail(at, child_path(),
           "document exceeds the limit of " + std::to_string(limits_.max_nodes) +
               " nodes after alias expansion");
    }
  }

  void add_key(const SourceMark& at, const std::string& text) {
    Frame& frame = stack_.back();
    const std::size_t count = child_count(stack_.size() - 1);
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
            std::string_view own_tag, YAML::EmitterStyle::value style) {
    if (expecting_key()) {
      deferred_ = ReadError{at.line, at.column, map_path(), "mapping keys must be scalars"};
      return;
    }
    const std::string_view written = tag;
    if (written != "?" && written != "!" && written != own_tag) fail(at, child_path(), unsupported_tag(tag));
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
    frame.block = style == YAML::EmitterStyle::Block;
    if (stack_.empty()) root_block_map_ = kind == SourceNode::Kind::kMap && frame.block;
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
    const bool block_map = frame.node.is_map() && frame.block;
    attach(std::move(frame.node));
    if (stack_.size() == 1) last_value_block_map_ = block_map;
  }

  void attach(SourceNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& frame = stack_.back();
    if (stack_.size() == 1) last_value_block_map_ = false;
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
  SharedCount* shared_count_;
  std::vector<Frame> stack_;
  std::vector<std::pair<SourceKey, SourceNode>> entries_;  // children of the open maps, innermost last
  std::vector<SourceNode> items_;                          // children of the open sequences, innermost last
  std::optional<SourceNode> root_;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;  // lookup only
  std::vector<PendingAlias> aliases_;
  std::optional<ReadError> deferred_;  // once set, the rest of the document is only checked by yaml-cpp
  bool root_block_map_ = false;
  bool last_value_block_map_ = false;
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

/// Records the events of a document in a compact text form (for the seam check below).
class EventRecorder : public YAML::EventHandler {
 public:
  const std::string& events() const { return events_; }

  void OnDocumentStart(const YAML::Mark& mark) override { add("doc", mark); }
  void OnDocumentEnd() override { events_ += "end;"; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { add("null", mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { add("alias", mark); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    add("scalar", mark);
    events_.append(tag).append(anchor != 0 ? "&" : "").append(value).append(";");
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    add("seq", mark);
  }
  void OnSequenceEnd() override { events_ += "seqend;"; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    add("map", mark);
  }
  void OnMapEnd() override { events_ += "mapend;"; }

 private:
  void add(const char* event, const YAML::Mark& mark) {
    events_.append(event).append("@").append(std::to_string(mark.pos)).append(";");
  }

  std::string events_;
};

/// The seam line for a piece followed by a line indented by `indent`.
std::string seam_line(std::size_t indent) {
  std::string line(indent, ' ');
  line.append(kSeamKey).append(": 0\n");
  return line;
}

}  // namespace

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

std::optional<ParsedDocument> parse_document(std::string_view text, std::string_view lookahead,
                                             const std::optional<Seam>& seam, bool seam_document,
                                             const YamlTreeOptions& options, const LoaderLimits& limits,
                                             std::size_t& node_count, std::vector<Diagnostic>& diagnostics,
                                             SharedCount* shared_count) {
  const std::string seam_text = seam ? seam_line(seam->indent) : std::string();
  ViewBuffer buffer(text, seam_text);
  std::istream stream(&buffer);
  try {
    YAML::Parser parser(stream);
    TreeBuilder builder(lookahead, options, limits, node_count, shared_count);
    const bool found = parser.HandleNextDocument(builder);
    if (builder.deferred()) throw *builder.deferred();
    if (!found || !builder.has_root()) {
      if (!options.require_map) {
        ParsedDocument null_document;
        null_document.root.mark =
            SourceMark{options.file_index, 1 + options.line_offset, 1 + options.column_offset};
        return null_document;
      }
      diagnostics.push_back(
          make_diagnostic(options, 0, 0, "", "expected a mapping at the top level, got an empty document"));
      return std::nullopt;
    }
    if (seam && seam_document) {
      // Exactly the seam line, as a document starting where the next piece does.
      EventRecorder rest;
      while (parser.HandleNextDocument(rest)) {
      }
      // Built by appends: GCC 12 warns falsely (-Wrestrict) on `"@" + std::to_string(...)` here.
      std::string at("@");
      at.append(std::to_string(text.size())).append(";");
      std::string expected("doc");
      expected.append(at).append("map").append(at).append("scalar").append(at).append("?").append(kSeamKey);
      expected.append(";scalar@").append(std::to_string(text.size() + kSeamKey.size() + 2));
      expected.append(";?0;mapend;end;");
      if (rest.events() != expected) {
        diagnostics.push_back(make_diagnostic(options, 0, 0, "", "region seam misplaced"));
        return std::nullopt;
      }
    } else {
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
    }
    ParsedDocument document;
    document.root_block_map = builder.root_block_map();
    document.last_value_block_map = builder.last_value_block_map();
    document.root = builder.take_root();
    return document;
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

}  // namespace poweron
