// `poweron run` (SPEC 6): one simulation of one scenario, its output folder and a short summary.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <future>
#include <optional>
#include <string>

#include "command_support.hpp"
#include "commands.hpp"
#include "parallel_work.hpp"
#include "poweron/date.hpp"
#include "poweron/inputs.hpp"
#include "poweron/manifest.hpp"
#include "poweron/metrics.hpp"
#include "poweron/model.hpp"
#include "poweron/result.hpp"
#include "poweron/sampling.hpp"
#include "run_outputs.hpp"
#include "trace_files.hpp"

namespace poweron::cli {
namespace {

/// A rounded whole number for the human summary (the files keep full precision).
std::string whole(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.0f", value);
  return buffer;
}

void print_summary(const Scenario& scenario, const RunMetrics& metrics, const std::filesystem::path& folder,
                   bool sampled, std::ostream& out) {
  out << "poweron run: " << scenario.name << " (" << format_date(scenario.start) << " to "
      << format_date(scenario.end) << ", " << (sampled ? "sampled values" : "point values") << ")\n";
  for (std::size_t o = 0; o < scenario.owners.size(); ++o) {
    const Owner& owner = scenario.owners[o];
    const std::vector<double>& m = metrics.values[o];
    out << owner.id << ": " << whole(m[kFinalPowered]) << " GPUs powered on " << format_date(scenario.end) << '\n';
    for (std::size_t t = 0; t < owner.targets.size(); ++t) {
      const Target& target = owner.targets[t];
      const double date = m[kBaseMetricCount + 2 * t];
      const double shortfall = m[kBaseMetricCount + 2 * t + 1];
      out << "  target " << target.id << " (" << target.powered << " by " << format_date(target.date) << "): ";
      if (std::isnan(date)) {
        out << "not reached";
      } else {
        out << "reached " << format_date_value(date);
      }
      if (shortfall > 0) out << ", shortfall " << whole(shortfall) << " GPUs";
      out << '\n';
    }
    out << "  idle " << whole(m[kIdleGpuDays]) << " GPU-days: waiting for space " << whole(m[kWarehouseGpuDays])
        << ", labour " << whole(m[kQueuedGpuDays]) << ", power " << whole(m[kUnpoweredGpuDays]) << '\n';
    out << "  idle capital cost " << whole(m[kIdleCapitalCost]) << " USD\n";
  }
  out << "outputs: " << folder.string() << '\n';
}

}  // namespace

int run_command(const RunArgs& args, std::ostream& out, std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  if (args.step_days < 1) {
    err << "poweron: --step must be at least 1 day\n";
    return static_cast<int>(ExitCode::kInvalid);
  }
  int exit_code = 0;
  const std::optional<Scenario> loaded = load_or_report(args.scenario, args.overrides, err, exit_code);
  if (!loaded) return exit_code;
  const Scenario& scenario = *loaded;

  // --sample: one replication drawn with the seed itself (`run --sample --seed seed_r` re-runs
  // replication r of a sweep); otherwise point values.
  const std::uint64_t seed = args.seed.value_or(scenario.seed);
  PointSampler point;
  std::optional<KeyedSampler> keyed;
  if (args.sample) keyed.emplace(scenario, seed);
  InputSampler& sampler = keyed ? static_cast<InputSampler&>(*keyed) : point;
  // The manifest's fields (the SHA-256 of the scenario text among them) do not depend on the run: made on
  // a thread of their own while the simulation runs.
  std::future<Manifest> manifest_made = start_beside([&] {
    Manifest manifest = base_manifest("run", args.command_line, scenario, args.overrides);
    manifest.seed = seed;
    manifest.replications = 1;
    manifest.sampled = args.sample;
    return manifest;
  });
  const ResolvedInputs inputs = resolve_inputs(scenario, sampler);
  const Simulator simulator(scenario);
  RunOptions options;
  options.record_events = true;
  const SimulationTrace trace = simulator.run(inputs, sampler, options);
  const double wall_time_seconds = seconds_since(started);  // load + simulation, before the files are written

  // The metrics are only needed for metrics.csv and the summary: computed on a thread of their own while
  // the two large files are written. (Both futures' destructors wait for their threads on every path.)
  std::future<RunMetrics> metrics_computed = start_beside([&] { return compute_metrics(scenario, trace.changes); });
  const std::filesystem::path folder =
      args.out_dir ? std::filesystem::path(*args.out_dir) : std::filesystem::path("out") / folder_name(scenario.name);
  RunMetrics metrics;
  try {
    write_trace_files(folder, scenario, inputs, trace, args.step_days);
    metrics = metrics_computed.get();
    Manifest manifest = manifest_made.get();
    manifest.wall_time_seconds = wall_time_seconds;
    write_summary_files(folder, scenario, metrics, std::move(manifest));
  } catch (const UserError& e) {
    err << "poweron: " << e.what() << '\n';
    return static_cast<int>(e.code());
  }
  print_summary(scenario, metrics, folder, args.sample, out);
  return static_cast<int>(ExitCode::kSuccess);
}

}  // namespace poweron::cli
