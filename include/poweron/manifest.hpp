// manifest.json (SPEC 5): what produced an output folder, so a result can be traced and reproduced.
// Plain data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace poweron {

struct Manifest {
  std::string program_version;             ///< e.g. "0.1.0"
  std::string command;                     ///< subcommand: run, sweep, compare
  std::string command_line;                ///< as typed
  std::vector<std::string> scenario_files;  ///< the files merged, base first
  std::string scenario_name;
  std::string scenario_sha256;             ///< of Scenario::canonical_text (the merged scenario)
  std::vector<std::string> overrides;      ///< --set PATH=VALUE, in order
  std::uint64_t seed = 0;
  std::int64_t replications = 1;
  bool sampled = false;                    ///< false: point values
  double wall_time_seconds = 0;
  std::vector<std::string> files;          ///< output files written beside the manifest
};

/// `text` as a JSON string literal, quotes included (", \ and control characters escaped; other bytes,
/// UTF-8 included, passed through).
std::string json_string(std::string_view text);

/// The manifest as a JSON object (two-space indent, keys in declaration order, ending with a newline).
/// The sampling mode is written as "mode": "sampled" or "point".
std::string to_json(const Manifest& manifest);

}  // namespace poweron
