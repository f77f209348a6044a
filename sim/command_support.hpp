// Pieces every subcommand needs: loading a scenario with its diagnostics printed, the default output
// folder, the manifest's common fields, and progress on a terminal.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "poweron/manifest.hpp"
#include "poweron/scenario.hpp"

namespace poweron::cli {

/// Loads `path` with `overrides`; on failure prints every diagnostic to `err`, sets `exit_code` and
/// returns nullopt.
std::optional<Scenario> load_or_report(const std::string& path, const std::vector<std::string>& overrides,
                                       std::ostream& err, int& exit_code);

/// `name` with every character outside [A-Za-z0-9._=,-] replaced by '_' (never empty, `.` or `..`), so a
/// scenario name or a grid case can never point outside its parent folder.
std::string folder_name(const std::string& name);

/// A manifest with the program version, command, scenario provenance and SHA-256 filled in.
Manifest base_manifest(const std::string& command, const std::string& command_line, const Scenario& scenario,
                       const std::vector<std::string>& overrides);

/// The command line as typed (arguments joined by single spaces), for manifest.json.
std::string joined_command_line(int argc, char** argv);

/// Seconds since `started`.
double seconds_since(std::chrono::steady_clock::time_point started);

/// A progress callback that redraws `label: done/total` on `err` when standard error is a terminal
/// (at most every 1% of the work), or nothing otherwise.
std::function<void(std::int64_t, std::int64_t)> terminal_progress(const std::string& label, std::ostream& err);

}  // namespace poweron::cli
