// Replications per second of run_sweep on the shipped scenario scenarios/tesla_x_2024.yaml.
//
// The scenario is found through the environment variable POWERON_SOURCE_DIR (the repository root) when
// set, else by walking up from the executable's directory (build-*/bench/sweep_bench) and the working
// directory until scenarios/tesla_x_2024.yaml exists. Usage:
//   build-perf-sweep/bench/sweep_bench --benchmark_filter=Sweep
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "poweron/scenario_loader.hpp"
#include "poweron/sweep.hpp"

namespace {

constexpr const char* kScenario = "scenarios/tesla_x_2024.yaml";

std::optional<std::filesystem::path> find_upwards(std::filesystem::path dir) {
  for (; !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / kScenario)) return dir / kScenario;
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

std::filesystem::path scenario_path() {
  if (const char* root = std::getenv("POWERON_SOURCE_DIR"); root != nullptr && *root != '\0') {
    return std::filesystem::path(root) / kScenario;
  }
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    if (auto found = find_upwards(self.parent_path())) return *found;
  }
  if (auto found = find_upwards(std::filesystem::current_path())) return *found;
  throw std::runtime_error(std::string("sweep_bench: cannot find ") + kScenario +
                           "; set POWERON_SOURCE_DIR to the repository root");
}

const poweron::Scenario& tesla() {
  static const poweron::Scenario scenario = [] {
    auto loaded = poweron::load_scenario(scenario_path().string());
    if (!loaded) throw std::runtime_error("sweep_bench: the scenario does not load");
    return std::move(loaded).value();
  }();
  return scenario;
}

// One sweep of state.range(0) replications on state.range(1) threads per iteration; the rate counter
// reports replications per second of wall time.
void BM_SweepTesla(benchmark::State& state) {
  const poweron::Scenario& scenario = tesla();
  poweron::SweepOptions options;
  options.runs = state.range(0);
  options.threads = static_cast<int>(state.range(1));
  options.base_seed = scenario.seed;
  for (auto _ : state) {
    poweron::SweepResult result = poweron::run_sweep(scenario, options);
    benchmark::DoNotOptimize(result.values.data());
  }
  state.counters["replications/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepTesla)->Args({1000, 1})->Args({1000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
