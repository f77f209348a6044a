#include "yaml_regions.hpp"

#include <algorithm>
#include <future>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>

#include "parallel_work.hpp"
#include "yaml_document.hpp"

namespace poweron {
namespace {

/// At most this many regions (threads) per file, whatever the number of cores.
constexpr std::size_t kMaxRegions = 8;

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
/// split as described in yaml_regions.hpp.
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

/// Joins the regions' trees into the whole file's tree; nullopt when they do not form one (see
/// yaml_regions.hpp).
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

}  // namespace

/// The whole file's tree from regions cut at `cuts`, parsed in parallel; nullopt (and no diagnostics)
/// when that does not give it (see yaml_regions.hpp).
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
      others.push_back(start_beside([&work, &region = regions[k]] { work(region); }));
    }
    work(regions.front());
    for (std::future<void>& other : others) other.get();
  }
  for (const Region& region : regions) {
    if (!region.ok) return std::nullopt;
  }
  return assemble(regions, limits, node_count);
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

}  // namespace poweron
