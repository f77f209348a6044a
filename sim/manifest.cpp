#include "poweron/manifest.hpp"

#include <cstdio>

#include "poweron/csv_writer.hpp"

namespace poweron {
namespace {

std::string string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += json_string(items[i]);
  }
  return out + "]";
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string to_json(const Manifest& m) {
  // JSON numbers must be finite; a non-finite wall time (never expected) is written as null.
  const std::string wall = format_number(m.wall_time_seconds);
  const bool wall_ok = !wall.empty() && wall != "inf" && wall != "-inf";
  std::string out = "{\n";
  out += "  \"program\": \"poweron\",\n";
  out += "  \"version\": " + json_string(m.program_version) + ",\n";
  out += "  \"command\": " + json_string(m.command) + ",\n";
  out += "  \"command_line\": " + json_string(m.command_line) + ",\n";
  out += "  \"scenario_files\": " + string_list(m.scenario_files) + ",\n";
  out += "  \"scenario_name\": " + json_string(m.scenario_name) + ",\n";
  out += "  \"scenario_sha256\": " + json_string(m.scenario_sha256) + ",\n";
  out += "  \"overrides\": " + string_list(m.overrides) + ",\n";
  // A seed is a 64-bit integer; written as a string too so that JSON readers with doubles keep it exact.
  out += "  \"seed\": " + std::to_string(m.seed) + ",\n";
  out += "  \"seed_text\": " + json_string(std::to_string(m.seed)) + ",\n";
  out += "  \"replications\": " + format_integer(m.replications) + ",\n";
  out += std::string("  \"mode\": ") + (m.sampled ? "\"sampled\"" : "\"point\"") + ",\n";
  out += "  \"wall_time_seconds\": " + (wall_ok ? wall : std::string("null")) + ",\n";
  out += "  \"files\": " + string_list(m.files) + "\n";
  out += "}\n";
  return out;
}

}  // namespace poweron
