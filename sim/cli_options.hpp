// What `poweron` and `poweron-mpi` share on their command lines (SPEC 6): the program's own flags and
// logging, and the `sweep` subcommand's flags, so that both accept exactly the same sweep.
#pragma once

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <string>

#include "commands.hpp"

namespace poweron::cli {

/// Logs to standard error as `level: message`, warnings and errors only until the flags say otherwise.
inline void start_logging(const std::string& program) {
  spdlog::set_default_logger(spdlog::stderr_color_mt(program));
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(spdlog::level::warn);
}

/// --version (printing `program` and the version) and --log-level (into `log_level`, "warn" by default).
inline void add_program_flags(CLI::App& app, const std::string& program, std::string& log_level) {
  app.set_version_flag("--version", program + " " + POWERON_VERSION);
  log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

/// Adds `sweep` to `app`, parsing into `sweep`; returns the subcommand.
inline CLI::App* add_sweep_subcommand(CLI::App& app, SweepArgs& sweep) {
  auto* sweep_cmd = app.add_subcommand("sweep", "Monte Carlo replications of one scenario");
  sweep_cmd->add_option("scenario", sweep.scenario, "Scenario YAML file")->required();
  sweep_cmd->add_option("--runs", sweep.runs, "Replications")->required()->check(CLI::PositiveNumber);
  sweep_cmd->add_option("--seed", sweep.seed, "Base seed (default: the scenario's)");
  sweep_cmd->add_option("--threads", sweep.threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sweep_cmd->add_option("--out", sweep.out_dir, "Output folder (default out/<scenario name>/sweep)");
  sweep_cmd->add_option("--set", sweep.overrides, "Override PATH=VALUE (YAML), after the files");
  sweep_cmd->add_option("--grid", sweep.grid, "PATH=V1,V2,...: one sweep per combination");
  return sweep_cmd;
}

}  // namespace poweron::cli
