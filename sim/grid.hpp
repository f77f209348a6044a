// `sweep --grid PATH=V1,V2,...`: the cartesian product of override values (SPEC 5, 6).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace poweron::cli {

struct GridAxis {
  std::string path;
  std::vector<std::string> values;  ///< YAML texts
};

/// Parses one --grid flag. Values are split at commas outside brackets, braces and quotes, so
/// `--grid 'x={uniform: [1, 2]},3'` has two values. nullopt (and `error` set) when there is no `=`, the
/// path is empty, or a value is empty.
std::optional<GridAxis> parse_grid_axis(const std::string& flag, std::string& error);

/// Every combination, the first axis varying slowest; each case is its list of `PATH=VALUE` overrides.
std::vector<std::vector<std::string>> grid_cases(const std::vector<GridAxis>& axes);

}  // namespace poweron::cli
