#include "yaml_reader.hpp"

#include "yaml_text_checks.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <future>
#include <istream>
#include <iterator>
#include <memory>
#include <streambuf>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace poweron {
namespace {

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";
constexpr std::string_view kSeqTag = "tag:yaml.org,2002:seq";
constexpr std::string_view kMapTag = "tag:yaml.org,2002:map";

/// At most this many regions (threads) per file, whatever the number of cores.
constexpr std::size_t kMaxRegions = 8;

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
/// (no copy of the file), followed by a second text (a region's seam line, see below). yaml-cpp only
/// reads and puts back what it read; nothing is written.
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

/// The node count of all regions of a file parsed at once (see parse_in_regions), and its limit.
struct SharedCount {
  std::atomic<std::size_t> nodes{0};
  std::size_t limit = 0;
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

// Parallel parsing of a big file. yaml-cpp reads about 8 MB/s on one core, so the file is cut at a few
// KeyLines into regions parsed by separate yaml-cpp parsers on their own threads, and the trees are
// joined. A region starting at a top-level line is one piece of top-level entries; one starting at an
// indented line is a piece of entries of the map that is the value of the last top-level entry, up to
// the first line indented less (which must be a top-level line: a second, top-level piece starts
// there).
//
// The result must equal the whole-file parse exactly (marks included). So yaml-cpp reads each piece but
// the last followed by a seam line: `__poweron_region_seam__: 0` at the place, and with the indentation,
// of the next piece's first line. yaml-cpp then sees at the end of the piece what it would see in the
// whole file (an entry's key at that column), so the piece's last tokens come out the same (an empty
// value's mark, which yaml-cpp puts at the next token, included), and where the seam entry lands proves
// that the whole-file parse is in the right place at the next piece's first line: an entry of the map
// the next piece extends, outside any scalar or flow collection. Lines that only look like entries (in
// a quoted, block or multi-line plain scalar, a flow collection, below a non-map) swallow or misplace
// the seam and so are caught. Files with anchors, a `%` directive or a `...` line are read whole (see
// region_count); an alias to an anchor in another piece would be an error there anyway.
//
// Anything unexpected, and any problem at all, gives up the regions; the caller then parses the whole
// file on one thread, which also makes the diagnostics. So the regions only decide how fast a valid
// file is read, never what it reads as.

constexpr std::string_view kSeamKey = "__poweron_region_seam__";

/// How a piece continues in the file: where the next piece starts.
struct Seam {
  std::size_t indent = 0;  // of the next piece's first line
  int line = 0;            // 1-based line of the next piece's first line, in the file
};

/// One document read by yaml-cpp, with what assemble() needs to know of its shape.
struct ParsedDocument {
  SourceNode root;
  bool root_block_map = false;        // see TreeBuilder
  bool last_value_block_map = false;  // see TreeBuilder
};

/// The seam line for a piece followed by a line indented by `indent`.
std::string seam_line(std::size_t indent) {
  std::string line(indent, ' ');
  line.append(kSeamKey).append(": 0\n");
  return line;
}

/// Parses the first document of `text` and checks there is no second one. `lookahead` is `text`
/// followed by the rest of the file, if any. With `seam` (a region's piece but the last; `text` ends at
/// the next piece's first line), yaml-cpp reads the seam line after `text`; if `seam_document`, that
/// line must be a document of its own: {seam: 0} (a nested piece followed by a top-level line), else
/// it is left in the tree for the caller to check. `shared_count`: see TreeBuilder. Appends a
/// diagnostic and returns nullopt on any problem. REQUIRES: the encoding and flow-depth pre-checks
/// passed; any byte-order mark is removed.
std::optional<ParsedDocument> parse_document(std::string_view text, std::string_view lookahead,
                                             const std::optional<Seam>& seam, bool seam_document,
                                             const YamlTreeOptions& options, const LoaderLimits& limits,
                                             std::size_t& node_count, std::vector<Diagnostic>& diagnostics,
                                             SharedCount* shared_count = nullptr) {
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
      const std::string at = "@" + std::to_string(text.size()) + ";";
      const std::string expected = "doc" + at + "map" + at + "scalar" + at + "?" + std::string(kSeamKey) + ";scalar@" +
                                   std::to_string(text.size() + kSeamKey.size() + 2) + ";?0;mapend;end;";
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

/// A piece of text parsed on its own, and its tree.
struct Piece {
  std::size_t begin = 0;  // bytes of the file that yaml-cpp reads: [begin, end)
  std::size_t end = 0;
  int line = 1;            // 1-based line of `begin`
  std::size_t indent = 0;  // of its entries: 0 = top-level entries, else entries of the last top-level
                           // entry's map
  std::optional<Seam> seam;  // the next piece, if any
  std::optional<ParsedDocument> tree;
  std::size_t nodes = 0;  // counted by its parse, its own root map included
};

/// Text from a cut line (or the file's start) up to the next cut line (or the file's end).
struct Region {
  KeyLine from;               // offset 0 for the first region
  std::optional<KeyLine> to;  // the next cut, if any
  std::vector<Piece> pieces;  // in file order
  bool ok = false;
};

bool is_key_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Removes the seam entry from a piece's tree; false if it is not where the next piece continues.
/// `line_offset` is the file's (YamlTreeOptions::line_offset).
bool take_seam(const Piece& piece, SourceNode& root, int line_offset) {
  const Seam& seam = *piece.seam;
  SourceNode* map = &root;  // where the next piece's entries go
  if (seam.indent != piece.indent) {
    if (piece.indent > 0) return seam.indent == 0;  // then the seam was a document of its own
    if (root.entries.empty() || !root.entries.back().second.is_map()) return false;
    map = &root.entries.back().second;
  }
  if (map->entries.empty()) return false;
  const auto& [key, value] = map->entries.back();
  if (key.text != kSeamKey || key.mark.line != seam.line + line_offset ||
      key.mark.column != static_cast<int>(seam.indent) + 1 || !value.is_scalar() || value.quoted ||
      value.scalar != "0") {
    return false;
  }
  map->entries.pop_back();
  return true;
}

/// Splits a region into its pieces and parses them. False if a piece fails or the region does not
/// split as described above.
bool parse_region(std::string_view text, Region& region, const YamlTreeOptions& options,
                  const LoaderLimits& limits, std::size_t node_count, SharedCount& shared_count) {
  const std::size_t region_end = region.to ? region.to->offset : text.size();
  Piece first;
  first.begin = region.from.offset;
  first.end = region_end;
  first.line = region.from.line;
  first.indent = region.from.indent;
  region.pieces.push_back(first);
  if (first.indent > 0) {
    // The first line indented less than the entries, other than blank and comment lines, ends them.
    int line = first.line;
    std::size_t at = first.begin;
    while (true) {
      const std::size_t newline = text.find('\n', at);
      if (newline == std::string_view::npos || newline + 1 >= region_end) break;
      at = newline + 1;
      ++line;
      std::size_t j = at;
      while (j < region_end && text[j] == ' ') ++j;
      if (j >= region_end || text[j] == '\n' || text[j] == '\r' || text[j] == '#') continue;
      if (j - at >= first.indent) continue;
      if (j != at || !is_key_start(text[j])) return false;
      Piece top;
      top.begin = at;
      top.end = region_end;
      top.line = line;
      region.pieces.front().end = at;
      region.pieces.front().seam = Seam{0, line};
      region.pieces.push_back(top);
      break;
    }
  }
  if (region.to) region.pieces.back().seam = Seam{region.to->indent, region.to->line};
  for (Piece& piece : region.pieces) {
    YamlTreeOptions piece_options = options;
    piece_options.line_offset = options.line_offset + piece.line - 1;
    if (piece.begin > 0) piece_options.column_offset = 0;
    if (piece.indent > 0) piece_options.depth_offset = options.depth_offset + 1;
    std::size_t count = node_count;
    std::vector<Diagnostic> ignored;  // the whole-file parse reports them
    const bool seam_document = piece.seam && piece.indent > 0 && piece.seam->indent == 0;
    piece.tree = parse_document(text.substr(piece.begin, piece.end - piece.begin), text.substr(piece.begin),
                                piece.seam, seam_document, piece_options, limits, count, ignored, &shared_count);
    if (!piece.tree || !piece.tree->root_block_map) return false;
    if (piece.seam) {
      if (!take_seam(piece, piece.tree->root, options.line_offset)) return false;
      if (!seam_document) count -= 2;  // the seam's key and value
    }
    if (piece.tree->root.entries.empty()) return false;
    piece.nodes = count - node_count;
  }
  return true;
}

/// Joins the regions' trees into the whole file's tree; nullopt when they do not form one (see above).
std::optional<SourceNode> assemble(std::vector<Region>& regions, const LoaderLimits& limits,
                                   std::size_t& node_count) {
  std::vector<Piece*> pieces;
  for (Region& region : regions) {
    for (Piece& piece : region.pieces) pieces.push_back(&piece);
  }
  ParsedDocument& first = *pieces.front()->tree;
  // The file's root: a block map whose entries start at column 1, as every top-level piece's do.
  if (first.root.entries.front().first.mark.column != 1) return std::nullopt;
  SourceNode root = std::move(first.root);
  std::size_t nodes = pieces.front()->nodes;
  std::size_t top_entries = root.entries.size();
  for (const Piece* piece : pieces) {
    if (piece->indent == 0 && piece != pieces.front()) top_entries += piece->tree->root.entries.size();
  }
  // Reserved, so that entries never move again and the key sets can hold views of their keys.
  root.entries.reserve(top_entries);
  std::unordered_set<std::string_view> root_keys;
  std::unordered_set<std::string_view> target_keys;
  SourceNode* target = nullptr;  // the map nested pieces extend
  bool last_value_block_map = first.last_value_block_map;
  for (std::size_t k = 1; k < pieces.size(); ++k) {
    Piece& piece = *pieces[k];
    auto& entries = piece.tree->root.entries;
    nodes += piece.nodes - 1;  // its root map is not a node of the file's tree
    if (piece.indent == 0) {
      if (root_keys.empty()) {
        root_keys.reserve(top_entries);
        for (const auto& entry : root.entries) root_keys.insert(entry.first.text);
      }
      for (auto& entry : entries) {
        root.entries.push_back(std::move(entry));
        if (!root_keys.insert(root.entries.back().first.text).second) return std::nullopt;
      }
      last_value_block_map = piece.tree->last_value_block_map;
      target = nullptr;
      continue;
    }
    if (target == nullptr) {
      SourceNode& value = root.entries.back().second;
      if (!last_value_block_map || !value.is_map() ||
          (!value.entries.empty() && value.entries.front().first.mark.column != static_cast<int>(piece.indent) + 1)) {
        return std::nullopt;
      }
      target = &value;
      std::size_t size = value.entries.size();
      for (std::size_t j = k; j < pieces.size() && pieces[j]->indent > 0; ++j) {
        size += pieces[j]->tree->root.entries.size();
      }
      value.entries.reserve(size);
      target_keys.clear();
      target_keys.reserve(size);
      for (const auto& entry : value.entries) target_keys.insert(entry.first.text);
    }
    for (auto& entry : entries) {
      target->entries.push_back(std::move(entry));
      if (!target_keys.insert(target->entries.back().first.text).second) return std::nullopt;
    }
  }
  if (nodes > limits.max_nodes - std::min(node_count, limits.max_nodes)) return std::nullopt;
  node_count += nodes;
  return root;
}

/// The whole file's tree from regions cut at `cuts`, parsed in parallel; nullopt (and no diagnostics)
/// when that does not give it, see above.
std::optional<SourceNode> parse_in_regions(std::string_view text, const std::vector<KeyLine>& cuts,
                                           const YamlTreeOptions& options, const LoaderLimits& limits,
                                           std::size_t& node_count) {
  std::vector<Region> regions(cuts.size() + 1);
  for (std::size_t k = 0; k < regions.size(); ++k) {
    regions[k].from = k == 0 ? KeyLine{0, 0, 1} : cuts[k - 1];
    if (k < cuts.size()) regions[k].to = cuts[k];
  }
  const std::size_t count_before = node_count;
  // All regions together stop at the node limit (memory stays bounded as for one parse; the whole-file
  // parse then reports where the limit is reached). Each piece also counts its root map and its seam
  // entry (at most 2 pieces per region), which the exact count in assemble() leaves out.
  SharedCount shared_count;
  shared_count.nodes = count_before;
  shared_count.limit = limits.max_nodes + 6 * regions.size();
  auto work = [&](Region& region) {
    region.ok = parse_region(text, region, options, limits, count_before, shared_count);
  };
  {
    // Declared after `regions`: on an exception the futures' destructors wait for their threads first.
    std::vector<std::future<void>> others;
    for (std::size_t k = 1; k < regions.size(); ++k) {
      try {
        others.push_back(std::async(std::launch::async, work, std::ref(regions[k])));
      } catch (const std::system_error&) {
        work(regions[k]);  // no thread available: this one does it
      }
    }
    work(regions.front());
    for (std::future<void>& other : others) other.get();
  }
  for (const Region& region : regions) {
    if (!region.ok) return std::nullopt;
  }
  return assemble(regions, limits, node_count);
}

/// Whether `text` may define an anchor (`&name` at the start of a token). Aliases to an anchor in
/// another region fail there and the whole file is read again, which would make such files slower than
/// one parse: files with anchors are read whole. `R&D` or `a & b` do not count.
bool has_anchor(std::string_view text) {
  for (std::size_t at = text.find('&'); at != std::string_view::npos; at = text.find('&', at + 1)) {
    const char before = at == 0 ? '\n' : text[at - 1];
    const char after = at + 1 < text.size() ? text[at + 1] : ' ';
    const bool token_start = before == ' ' || before == '\t' || before == '\n' || before == '\r' || before == '[' ||
                             before == '{' || before == ',';
    if (token_start && after != ' ' && after != '\t' && after != '\n' && after != '\r') return true;
  }
  return false;
}

/// How many regions to parse `text` in (1: the whole file on this thread).
std::size_t region_count(std::string_view text, const YamlTreeOptions& options) {
  // Regions only make sense for a file's top-level map. A `...` line (document end) could hide a second
  // document between pieces, and a `%TAG` directive changes what tags in later pieces mean: such files
  // are read whole.
  if (!options.require_map || options.column_offset != 0 || text.substr(0, 3) == "..." ||
      text.find("\n...") != std::string_view::npos || text.substr(0, 1) == "%" ||
      text.find("\n%") != std::string_view::npos) {
    return 1;
  }
  if (has_anchor(text)) return 1;
  if (!options.cut_targets.empty()) return options.cut_targets.size() + 1;
  // Two regions per core by default: pieces take unequal times (and another process may hold a core),
  // and shorter ones balance better; the extra seams cost little.
  const std::size_t threads = options.max_threads > 0 ? static_cast<std::size_t>(options.max_threads)
                                                      : 2 * std::size_t{std::thread::hardware_concurrency()};
  const std::size_t by_size = options.min_region_bytes > 0 ? text.size() / options.min_region_bytes : threads;
  return std::max<std::size_t>(1, std::min({threads, by_size, kMaxRegions}));
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
    auto scan_encoding = [text] { return check_encoding(text); };
    std::future<std::optional<TextProblem>> encoding;
    try {
      encoding = std::async(std::launch::async, scan_encoding);
    } catch (const std::system_error&) {
      encoding = std::async(std::launch::deferred, scan_encoding);  // no thread available
    }
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
