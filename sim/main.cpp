// The `poweron` command line: flag parsing and dispatch only (SPEC 6). Exit codes: 0 success,
// 1 runtime failure, 2 bad usage or invalid scenario.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "cli_options.hpp"
#include "command_support.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace poweron::cli;
  start_logging("poweron");

  CLI::App app{"poweron: when can the chips we ordered actually be powered on?"};
  std::string log_level;
  add_program_flags(app, "poweron", log_level);
  app.require_subcommand(1);
  const std::string command_line = joined_command_line(argc, argv);

  ValidateArgs validate;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenarios; print OK name or the diagnostics");
  validate_cmd->add_option("scenario", validate.scenarios, "Scenario YAML files")->required();
  validate_cmd->add_option("--set", validate.overrides, "Override PATH=VALUE (YAML), after the files");

  GraphArgs graph;
  auto* graph_cmd = app.add_subcommand("graph", "Print the construction DAG as Graphviz DOT");
  graph_cmd->add_option("scenario", graph.scenario, "Scenario YAML file")->required();
  graph_cmd->add_option("--set", graph.overrides, "Override PATH=VALUE (YAML), after the files");

  RunArgs run;
  run.command_line = command_line;
  auto* run_cmd = app.add_subcommand("run", "Simulate one scenario; write timeline, events, metrics");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file")->required();
  run_cmd->add_option("--out", run.out_dir, "Output folder (default out/<scenario name>)");
  run_cmd->add_option("--set", run.overrides, "Override PATH=VALUE (YAML), after the files");
  run_cmd->add_option("--step", run.step_days, "Days between timeline rows")->check(CLI::PositiveNumber);
  auto* sample_flag = run_cmd->add_flag("--sample", run.sample, "Draw uncertain inputs instead of point values");
  run_cmd->add_option("--seed", run.seed, "Seed for --sample (default: the scenario's)")->needs(sample_flag);

  SweepArgs sweep;
  sweep.command_line = command_line;
  auto* sweep_cmd = add_sweep_subcommand(app, sweep);

  CompareArgs compare;
  compare.command_line = command_line;
  auto* compare_cmd = app.add_subcommand("compare", "Paired replications of two scenarios (B - A)");
  compare_cmd->add_option("scenario_a", compare.scenario_a, "Scenario A")->required();
  compare_cmd->add_option("scenario_b", compare.scenario_b, "Scenario B")->required();
  compare_cmd->add_option("--runs", compare.runs, "Replications")->required()->check(CLI::PositiveNumber);
  compare_cmd->add_option("--seed", compare.seed, "Base seed (default: scenario A's)");
  compare_cmd->add_option("--threads", compare.threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  compare_cmd->add_option("--out", compare.out_dir, "Output folder (default out/compare)");
  compare_cmd->add_option("--set", compare.overrides, "Override PATH=VALUE applied to both scenarios");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    if (*validate_cmd) return validate_command(validate, std::cout, std::cerr);
    if (*graph_cmd) return graph_command(graph, std::cout, std::cerr);
    if (*run_cmd) return run_command(run, std::cout, std::cerr);
    if (*sweep_cmd) return sweep_command(sweep, std::cout, std::cerr);
    if (*compare_cmd) return compare_command(compare, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "poweron: internal error: " << e.what() << '\n';
    return 1;
  }
  return 2;
}
