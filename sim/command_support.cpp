#include "command_support.hpp"

#include <unistd.h>

#include <memory>

#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"
#include "poweron/sha256.hpp"

namespace poweron::cli {

std::optional<Scenario> load_or_report(const std::string& path, const std::vector<std::string>& overrides,
                                       std::ostream& err, int& exit_code) {
  Result<Scenario> loaded = load_scenario(path, overrides);
  if (!loaded) {
    for (const Diagnostic& d : loaded.diagnostics()) err << format(d) << '\n';
    exit_code = static_cast<int>(loaded.exit_code());
    return std::nullopt;
  }
  exit_code = 0;
  return std::move(loaded).value();
}

std::string folder_name(const std::string& name) {
  std::string safe_name;
  for (const char c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-' || c == '=' || c == ',';
    safe_name += safe ? c : '_';
  }
  if (safe_name.empty() || safe_name == "." || safe_name == "..") safe_name = "scenario";
  return safe_name;
}

Manifest base_manifest(const std::string& command, const std::string& command_line, const Scenario& scenario,
                       const std::vector<std::string>& overrides) {
  Manifest manifest;
  manifest.program_version = POWERON_VERSION;
  manifest.command = command;
  manifest.command_line = command_line;
  manifest.scenario_files = scenario.source_files;
  manifest.scenario_name = scenario.name;
  manifest.scenario_sha256 = sha256_hex(scenario.canonical_text);
  manifest.overrides = overrides;
  manifest.seed = scenario.seed;
  return manifest;
}

std::string joined_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += argv[i];
  }
  return line;
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::function<void(std::int64_t, std::int64_t)> terminal_progress(const std::string& label, std::ostream& err) {
  if (isatty(STDERR_FILENO) == 0) return {};
  auto last_percent = std::make_shared<std::int64_t>(-1);
  return [label, &err, last_percent](std::int64_t done, std::int64_t total) {
    const std::int64_t percent = total > 0 ? done * 100 / total : 100;
    if (percent == *last_percent) return;
    *last_percent = percent;
    err << '\r' << label << ": " << done << '/' << total << " replications (" << percent << "%)"
        << (done == total ? "\n" : "") << std::flush;
  };
}

}  // namespace poweron::cli
