// `poweron sweep` (SPEC 5, 6): Monte Carlo replications of one scenario, optionally over a grid of
// overrides (one full sweep per case, all with the same seed so that cases are paired).
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>

#include "command_support.hpp"
#include "commands.hpp"
#include "grid.hpp"
#include "poweron/csv_writer.hpp"
#include "poweron/metrics.hpp"
#include "poweron/result.hpp"
#include "poweron/statistics.hpp"
#include "poweron/sweep.hpp"
#include "sweep_outputs.hpp"

namespace poweron::cli {
namespace {

void print_sweep_summary(const Scenario& scenario, const SweepResult& result, std::ostream& out) {
  for (std::size_t o = 0; o < scenario.owners.size(); ++o) {
    std::vector<double> final_powered = metric_values(result, o, kFinalPowered);
    const double mean = mean_spread(final_powered).mean;
    sort_ascending(final_powered);
    out << "  " << scenario.owners[o].id << ": final powered mean " << std::llround(mean) << " (P10 "
        << std::llround(percentile_sorted(final_powered, 10)) << ", P90 "
        << std::llround(percentile_sorted(final_powered, 90)) << ")";
    const auto& targets = scenario.owners[o].targets;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      std::int64_t met = 0;
      for (std::int64_t r = 0; r < result.runs; ++r) met += result.value(r, o, kBaseMetricCount + 2 * t + 1) == 0;
      out << "; P(" << targets[t].id << " met) " << static_cast<double>(met) / static_cast<double>(result.runs);
    }
    out << '\n';
  }
}

/// Runs one sweep and writes its folder; returns its result.
SweepResult sweep_into(const Scenario& scenario, const SweepArgs& args, const std::vector<std::string>& overrides,
                       const std::filesystem::path& folder, std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  SweepOptions options;
  options.runs = args.runs;
  options.base_seed = args.seed.value_or(scenario.seed);
  options.threads = args.threads;
  options.progress = terminal_progress("sweep " + scenario.name, err);
  const SweepDistribution* distribution = args.distribution;
  if (distribution != nullptr) {
    const ReplicationRange range = replication_range(args.runs, distribution->parts, distribution->part);
    options.first_run = range.first;
    options.end_run = range.end;
  }
  SweepResult result = run_sweep(scenario, options);
  if (distribution != nullptr) {
    distribution->gather(result);
    if (distribution->part != 0) return result;  // part 0 writes the outputs
  }
  const auto simulated = std::chrono::steady_clock::now();
  spdlog::debug("sweep {}: {} replications and their summaries in {:.3f} s", scenario.name, args.runs,
                seconds_since(started));
  spdlog::debug("sweep {}: replications per thread {}", scenario.name, fmt::join(result.worker_replications, " / "));
  Manifest manifest = base_manifest("sweep", args.command_line, scenario, overrides);
  manifest.seed = options.base_seed;
  manifest.replications = args.runs;
  manifest.sampled = true;
  manifest.files = write_sweep_outputs(folder, scenario, result);
  spdlog::debug("sweep {}: outputs written in {:.3f} s", scenario.name, seconds_since(simulated));
  manifest.wall_time_seconds = seconds_since(started);
  write_file_atomic(folder / "manifest.json", to_json(manifest));
  return result;
}

void append_grid_rows(CsvBuilder& csv, const std::vector<std::string>& case_values, const SweepResult& result) {
  for (std::size_t row = 0; row < result.row_names.size(); ++row) {
    for (std::size_t m = 0; m < result.metric_names[row].size(); ++m) {
      std::vector<double> values = metric_values(result, row, m);
      const bool as_date = is_date_metric(result.metric_names[row][m]);
      const double mean = mean_spread(values).mean;
      sort_ascending(values);
      for (const std::string& value : case_values) csv.field(value);
      csv.field(result.row_names[row]).field(result.metric_names[row][m]);
      for (const double v : {mean, percentile_sorted(values, 10), percentile_sorted(values, 50),
                             percentile_sorted(values, 90)}) {
        append_statistic(csv, v, as_date);
      }
      csv.end_row();
    }
  }
}

}  // namespace

int sweep_command(const SweepArgs& args, std::ostream& out, std::ostream& err) {
  if (args.runs < 1) {
    err << "poweron: --runs must be at least 1\n";
    return static_cast<int>(ExitCode::kInvalid);
  }
  std::vector<GridAxis> axes;
  for (const std::string& flag : args.grid) {
    std::string error;
    auto axis = parse_grid_axis(flag, error);
    if (!axis) {
      err << "poweron: " << error << '\n';
      return static_cast<int>(ExitCode::kInvalid);
    }
    axes.push_back(std::move(*axis));
  }

  int exit_code = 0;
  const auto started = std::chrono::steady_clock::now();
  // Split over processes, only part 0 writes files and the summary.
  const bool writes = args.distribution == nullptr || args.distribution->part == 0;
  std::string where = std::to_string(resolve_thread_count(args.threads)) + " threads";
  if (args.distribution != nullptr) where = std::to_string(args.distribution->parts) + " processes x " + where;
  try {
    if (axes.empty()) {
      const auto scenario = load_or_report(args.scenario, args.overrides, err, exit_code);
      if (!scenario) return exit_code;
      const std::filesystem::path folder =
          args.out_dir ? std::filesystem::path(*args.out_dir) : std::filesystem::path("out") / folder_name(scenario->name) / "sweep";
      const SweepResult result = sweep_into(*scenario, args, args.overrides, folder, err);
      if (!writes) return 0;
      out << "poweron sweep: " << scenario->name << ", " << args.runs << " replications, " << where << ", "
          << seconds_since(started) << " s\n";
      print_sweep_summary(*scenario, result, out);
      out << "outputs: " << folder.string() << '\n';
      return 0;
    }

    // Grid: validate every case before running any, so a bad value fails fast.
    const std::vector<std::vector<std::string>> cases = grid_cases(axes);
    std::vector<Scenario> scenarios;
    for (const auto& case_overrides : cases) {
      std::vector<std::string> overrides = args.overrides;
      overrides.insert(overrides.end(), case_overrides.begin(), case_overrides.end());
      auto scenario = load_or_report(args.scenario, overrides, err, exit_code);
      if (!scenario) return exit_code;
      scenarios.push_back(std::move(*scenario));
    }
    const std::filesystem::path folder = args.out_dir ? std::filesystem::path(*args.out_dir)
                                                      : std::filesystem::path("out") / folder_name(scenarios[0].name) / "grid";
    CsvBuilder grid;
    for (const GridAxis& axis : axes) grid.field(axis.path);
    for (const char* h : {"owner", "metric", "mean", "p10", "p50", "p90"}) grid.field(h);
    grid.end_row();
    out << "poweron sweep: " << scenarios[0].name << ", " << cases.size() << " grid cases x " << args.runs
        << " replications\n";
    for (std::size_t c = 0; c < cases.size(); ++c) {
      std::string case_name;
      std::vector<std::string> case_values;
      for (std::size_t a = 0; a < cases[c].size(); ++a) {
        case_name += (a > 0 ? "," : "") + cases[c][a];
        case_values.push_back(cases[c][a].substr(axes[a].path.size() + 1));
      }
      std::vector<std::string> overrides = args.overrides;
      overrides.insert(overrides.end(), cases[c].begin(), cases[c].end());
      const SweepResult result = sweep_into(scenarios[c], args, overrides, folder / folder_name(case_name), err);
      if (!writes) continue;
      append_grid_rows(grid, case_values, result);
      out << "case " << case_name << ":\n";
      print_sweep_summary(scenarios[c], result, out);
    }
    if (!writes) return 0;
    write_file_atomic(folder / "grid.csv", grid.text());
    Manifest manifest = base_manifest("sweep", args.command_line, scenarios[0], args.overrides);
    manifest.seed = args.seed.value_or(scenarios[0].seed);
    manifest.replications = args.runs;
    manifest.sampled = true;
    manifest.files = {"grid.csv"};
    manifest.wall_time_seconds = seconds_since(started);
    write_file_atomic(folder / "manifest.json", to_json(manifest));
    out << "outputs: " << folder.string() << '\n';
    return 0;
  } catch (const UserError& e) {
    err << "poweron: " << e.what() << '\n';
    return static_cast<int>(e.code());
  }
}

}  // namespace poweron::cli
