#include "source_tree.hpp"

namespace poweron {

const SourceNode* SourceNode::find(std::string_view key) const {
  for (const auto& [k, value] : entries) {
    if (k.text == key) return &value;
  }
  return nullptr;
}

const SourceKey* SourceNode::find_key(std::string_view key) const {
  for (const auto& entry : entries) {
    if (entry.first.text == key) return &entry.first;
  }
  return nullptr;
}

Diagnostic SourceDocument::diagnostic(const SourceMark& mark, std::string path, std::string message) const {
  Diagnostic d;
  if (mark.file >= 0 && static_cast<std::size_t>(mark.file) < files.size()) {
    d.file = files[static_cast<std::size_t>(mark.file)];
    d.line = mark.line;
    d.column = mark.column;
  }
  d.path = std::move(path);
  d.message = std::move(message);
  return d;
}

}  // namespace poweron
