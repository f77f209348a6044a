// Loading a scenario: YAML files, `extends` overlays, `--set` overrides, and strict validation.
//
// Never throws for bad input: every problem found becomes a Diagnostic (SPEC 2.2), all reported at once,
// sorted by file and position. Unreadable files give ExitCode::kRuntime (exit 1); anything wrong with the
// contents (syntax, schema, limits of SPEC 2.2) gives ExitCode::kInvalid (exit 2). Thread-safe.
//
//   auto loaded = load_scenario("scenarios/tesla_x_2024.yaml", {"sites.gts.install.crews=4"});
//   if (!loaded) { for (auto& d : loaded.diagnostics()) std::cerr << format(d) << '\n'; }
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "poweron/result.hpp"
#include "poweron/scenario.hpp"

namespace poweron {

/// Limits on what a scenario may make the program read or allocate (SPEC 2.2 and the README).
struct LoaderLimits {
  std::size_t max_file_bytes = 16u << 20;       ///< per file
  std::size_t max_nodes = 1'000'000;            ///< after alias expansion, over all files
  int max_depth = 64;                           ///< nesting depth
  std::size_t max_numeric_literal = 100;        ///< characters
  std::int64_t max_count = 1'000'000'000;       ///< quantity, gpus, crews, lots, initial counts
  std::int64_t max_total_lots = 1'000'000;      ///< sum of `lots` over all orders (memory of a run)
  int max_extends_depth = 32;                   ///< files in one `extends` chain
};

/// Loads `path` (following `extends`), applies each `PATH=VALUE` override in order, validates.
Result<Scenario> load_scenario(const std::string& path, const std::vector<std::string>& overrides = {},
                               const LoaderLimits& limits = {});

/// Same, from YAML text; `file_name` is used in diagnostics and to resolve a relative `extends`.
Result<Scenario> load_scenario_text(std::string_view yaml, const std::string& file_name,
                                    const std::vector<std::string>& overrides = {},
                                    const LoaderLimits& limits = {});

}  // namespace poweron
