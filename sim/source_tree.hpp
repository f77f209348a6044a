// The parsed YAML document as the loader sees it: a tree whose every node and key remembers the file,
// line and column it came from, so that diagnostics on a merged (overlaid) scenario name the right file.
// yaml-cpp stays behind this header: only source_tree.cpp includes it. Private to the library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "poweron/scenario_loader.hpp"

namespace poweron {

/// Where a node or key was written. line and column are 1-based (0 = unknown).
struct SourceMark {
  int file = -1;  ///< index into SourceDocument::files; -1 = not from a file (e.g. a default)
  int line = 0;
  int column = 0;
};

struct SourceNode;

struct SourceKey {
  std::string text;
  SourceMark mark;
};

// Members are ordered largest first so that the node packs into 96 bytes (a large scenario has
// hundreds of thousands of them).
struct SourceNode {
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap };
  /// kScalar: the scalar's text as written (after YAML unescaping).
  std::string scalar;
  std::vector<SourceNode> items;                           ///< kSequence
  std::vector<std::pair<SourceKey, SourceNode>> entries;   ///< kMap, in the order written
  SourceMark mark;
  Kind kind = Kind::kNull;
  /// kScalar: written quoted (or tagged !!str), so it is a string whatever it looks like.
  bool quoted = false;

  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_null() const { return kind == Kind::kNull; }
  /// The value of `key` in a map, or nullptr.
  const SourceNode* find(std::string_view key) const;
  const SourceKey* find_key(std::string_view key) const;
};

/// A merged document: the tree plus the files its marks refer to.
struct SourceDocument {
  std::vector<std::string> files;
  SourceNode root;

  /// Diagnostic at a mark (file name, line, column filled in).
  Diagnostic diagnostic(const SourceMark& mark, std::string path, std::string message) const;
};

}  // namespace poweron
