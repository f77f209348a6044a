#include "canonical_text.hpp"

namespace poweron {
namespace {

bool is_safe_plain(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '+' || c == '-';
    if (!ok) return false;
  }
  if (text[0] == '-') return text.size() > 1 && ((text[1] >= '0' && text[1] <= '9') || text[1] == '.');
  return true;
}

void append_quoted(std::string& out, const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_text(std::string& out, const std::string& text, bool quoted) {
  if (!quoted && is_safe_plain(text)) {
    out += text;
  } else {
    append_quoted(out, text);
  }
}

void append_node(std::string& out, const SourceNode& node) {
  switch (node.kind) {
    case SourceNode::Kind::kNull:
      out += "null";
      return;
    case SourceNode::Kind::kScalar:
      append_text(out, node.scalar, node.quoted);
      return;
    case SourceNode::Kind::kSequence:
      out += '[';
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        if (i > 0) out += ", ";
        append_node(out, node.items[i]);
      }
      out += ']';
      return;
    case SourceNode::Kind::kMap:
      out += '{';
      for (std::size_t i = 0; i < node.entries.size(); ++i) {
        if (i > 0) out += ", ";
        append_text(out, node.entries[i].first.text, false);
        out += ": ";
        append_node(out, node.entries[i].second);
      }
      out += '}';
      return;
  }
}

/// The text's length when nothing needs quoting (a lower bound close to the truth), so that the output
/// of a multi-megabyte scenario is allocated once instead of growing by doubling.
std::size_t estimated_size(const SourceNode& node) {
  std::size_t size = node.scalar.size() + 4;
  for (const SourceNode& item : node.items) size += estimated_size(item) + 2;
  for (const auto& [key, value] : node.entries) size += key.text.size() + estimated_size(value) + 4;
  return size;
}

}  // namespace

std::string canonical_text(const SourceNode& root) {
  std::string out;
  out.reserve(estimated_size(root) + 1);
  append_node(out, root);
  out += '\n';
  return out;
}

}  // namespace poweron
