#include "grid.hpp"

namespace poweron::cli {

std::optional<GridAxis> parse_grid_axis(const std::string& flag, std::string& error) {
  const std::size_t equals = flag.find('=');
  if (equals == std::string::npos || equals == 0) {
    error = "--grid " + flag + ": expected PATH=V1,V2,...";
    return std::nullopt;
  }
  GridAxis axis;
  axis.path = flag.substr(0, equals);
  int depth = 0;
  char quote = 0;
  std::string current;
  for (std::size_t i = equals + 1; i < flag.size(); ++i) {
    const char c = flag[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      axis.values.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  axis.values.push_back(current);
  for (const std::string& value : axis.values) {
    if (value.find_first_not_of(' ') == std::string::npos) {
      error = "--grid " + flag + ": empty value";
      return std::nullopt;
    }
  }
  return axis;
}

std::vector<std::vector<std::string>> grid_cases(const std::vector<GridAxis>& axes) {
  std::vector<std::vector<std::string>> cases{{}};
  for (const GridAxis& axis : axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& partial : cases) {
      for (const std::string& value : axis.values) {
        next.push_back(partial);
        next.back().push_back(axis.path + "=" + value);
      }
    }
    cases = std::move(next);
  }
  return cases;
}

}  // namespace poweron::cli
