// The subcommands of the `poweron` executable (SPEC 6), one function each, so that main.cpp only parses
// flags and tests can call a command directly. Each returns the process exit code (0, 1 or 2) and writes
// its human summary to `out` and diagnostics to `err`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace poweron {
struct SweepResult;
}

namespace poweron::cli {

struct ValidateArgs {
  std::vector<std::string> scenarios;
  std::vector<std::string> overrides;  ///< --set PATH=VALUE, in order
};
int validate_command(const ValidateArgs& args, std::ostream& out, std::ostream& err);

struct GraphArgs {
  std::string scenario;
  std::vector<std::string> overrides;
};
int graph_command(const GraphArgs& args, std::ostream& out, std::ostream& err);

struct RunArgs {
  std::string scenario;
  std::vector<std::string> overrides;
  std::optional<std::string> out_dir;   ///< default out/<scenario name>/
  std::int64_t step_days = 1;           ///< timeline.csv row spacing
  bool sample = false;
  std::optional<std::uint64_t> seed;    ///< with sample; default the scenario's seed
  std::string command_line;             ///< for manifest.json
};
int run_command(const RunArgs& args, std::ostream& out, std::ostream& err);

/// A sweep split over processes (`poweron-mpi`): this process runs part `part` of `parts` of each sweep's
/// replications (replication_range), then gather() completes the result in part 0, the process that
/// writes the outputs and the summary, and hands this part over in the others. Every process loads the
/// scenario itself; the outputs are byte for byte those of one process.
struct SweepDistribution {
  int parts = 1;
  int part = 0;
  std::function<void(SweepResult&)> gather;
};

struct SweepArgs {
  const SweepDistribution* distribution = nullptr;  ///< null: one process
  std::string scenario;
  std::vector<std::string> overrides;
  std::vector<std::string> grid;        ///< --grid PATH=V1,V2,...
  std::int64_t runs = 0;
  std::optional<std::uint64_t> seed;
  int threads = 0;                      ///< 0 = all cores
  std::optional<std::string> out_dir;
  std::string command_line;
};
int sweep_command(const SweepArgs& args, std::ostream& out, std::ostream& err);

struct CompareArgs {
  std::string scenario_a;
  std::string scenario_b;
  std::vector<std::string> overrides;
  std::int64_t runs = 0;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::optional<std::string> out_dir;
  std::string command_line;
};
int compare_command(const CompareArgs& args, std::ostream& out, std::ostream& err);

}  // namespace poweron::cli
