// `poweron compare A B` (SPEC 5, 6): paired replications of two scenarios with common random numbers.
#include <filesystem>
#include <string>

#include "command_support.hpp"
#include "commands.hpp"
#include "poweron/compare.hpp"
#include "poweron/csv_writer.hpp"
#include "poweron/result.hpp"
#include "poweron/sweep.hpp"

namespace poweron::cli {

int compare_command(const CompareArgs& args, std::ostream& out, std::ostream& err) {
  if (args.runs < 1) {
    err << "poweron: --runs must be at least 1\n";
    return static_cast<int>(ExitCode::kInvalid);
  }
  const auto started = std::chrono::steady_clock::now();
  int exit_code = 0;
  const auto a = load_or_report(args.scenario_a, args.overrides, err, exit_code);
  if (!a) return exit_code;
  const auto b = load_or_report(args.scenario_b, args.overrides, err, exit_code);
  if (!b) return exit_code;

  // The same base seed for both sides: replication r of A and of B share seed_r, hence every common draw.
  SweepOptions options;
  options.runs = args.runs;
  options.base_seed = args.seed.value_or(a->seed);
  options.threads = args.threads;
  options.bands = false;
  options.sensitivity = false;
  options.criticality = false;
  try {
    options.progress = terminal_progress("compare " + a->name, err);
    const SweepResult result_a = run_sweep(*a, options);
    options.progress = terminal_progress("compare " + b->name, err);
    const SweepResult result_b = run_sweep(*b, options);

    const std::filesystem::path folder =
        args.out_dir ? std::filesystem::path(*args.out_dir)
                     : std::filesystem::path("out") / folder_name(a->name + "-vs-" + b->name);
    write_file_atomic(folder / "compare.csv", compare_csv(result_a, result_b));
    Manifest manifest = base_manifest("compare", args.command_line, *a, args.overrides);
    manifest.scenario_files.insert(manifest.scenario_files.end(), b->source_files.begin(), b->source_files.end());
    manifest.scenario_name = a->name + " vs " + b->name;
    manifest.seed = options.base_seed;
    manifest.replications = args.runs;
    manifest.sampled = true;
    manifest.files = {"compare.csv"};
    manifest.wall_time_seconds = seconds_since(started);
    write_file_atomic(folder / "manifest.json", to_json(manifest));
    out << "poweron compare: " << a->name << " (A) vs " << b->name << " (B), " << args.runs
        << " paired replications, " << seconds_since(started) << " s\n";
    out << "outputs: " << (folder / "compare.csv").string() << '\n';
  } catch (const UserError& e) {
    err << "poweron: " << e.what() << '\n';
    return static_cast<int>(e.code());
  }
  return 0;
}

}  // namespace poweron::cli
