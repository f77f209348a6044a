// The `sweep` subcommand's flags, shared by `poweron` and `poweron-mpi` so that both accept exactly the
// same command line (SPEC 6).
#pragma once

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace poweron::cli {

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
