// load_scenario: read (following `extends`), merge, override, then the schema builds the Scenario.
#include "poweron/scenario_loader.hpp"

#include <future>
#include <string>
#include <utility>

#include "canonical_text.hpp"
#include "overlay.hpp"
#include "parallel_work.hpp"
#include "scenario_schema.hpp"

namespace poweron {
namespace {

/// Whether a document is big enough for a second thread to pay (about 0.1 ms to start): more than a
/// few thousand elements in its top-level collections.
bool is_big(const SourceNode& root) {
  constexpr std::size_t kBigElements = 2000;
  std::size_t elements = 0;
  for (const auto& [key, value] : root.entries) elements += value.entries.size() + value.items.size();
  return elements > kBigElements;
}

Result<Scenario> build(Result<SourceDocument> merged, const LoaderLimits& limits) {
  if (!merged) {
    std::vector<Diagnostic> diagnostics = merged.diagnostics();
    sort_diagnostics(diagnostics);
    return Result<Scenario>(std::move(diagnostics), merged.exit_code());
  }
  const SourceDocument& document = merged.value();
  // The canonical text depends on the tree alone: for a big document it is written on a second thread
  // while the schema reads the tree (both only read it). The future's destructor waits for the thread
  // on every path.
  std::future<std::string> canonical =
      start_beside([&document] { return canonical_text(document.root); }, is_big(document.root));
  std::vector<Diagnostic> diagnostics;
  std::optional<Scenario> scenario = build_scenario(document, limits, diagnostics);
  if (!scenario || !diagnostics.empty()) {
    if (diagnostics.empty()) throw InternalError("build_scenario failed without a diagnostic");
    sort_diagnostics(diagnostics);
    return Result<Scenario>(std::move(diagnostics), ExitCode::kInvalid);
  }
  // Files base first; override entries (`--set ...`) are not files. document.files is top file first,
  // then its bases, then overrides.
  scenario->source_files.clear();
  for (std::size_t k = document.files.size(); k-- > 0;) {
    if (document.files[k].rfind("--set ", 0) != 0) scenario->source_files.push_back(document.files[k]);
  }
  scenario->canonical_text = canonical.get();
  return std::move(*scenario);
}

}  // namespace

Result<Scenario> load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                               const LoaderLimits& limits) {
  return build(load_merged_file(path, overrides, limits), limits);
}

Result<Scenario> load_scenario_text(std::string_view yaml, const std::string& file_name,
                                    const std::vector<std::string>& overrides, const LoaderLimits& limits) {
  return build(load_merged_text(yaml, file_name, overrides, limits), limits);
}

}  // namespace poweron
