// Golden scenarios: tests/golden/NAME.yaml run with point values must give tests/golden/NAME.metrics.csv,
// whose values were computed by hand (the computation is in a comment at the top of each YAML file).
// The comparison is exact, text for text: metrics price GPU-day integrals once at the end, so whole-day
// scenarios give correctly rounded decimals (41.1, not 41.099999999999994).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "poweron/inputs.hpp"
#include "poweron/metrics.hpp"
#include "poweron/model.hpp"
#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"
#include "run_outputs.hpp"

namespace poweron {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string computed_metrics_csv(const fs::path& yaml) {
  Result<Scenario> loaded = load_scenario(yaml.string());
  if (!loaded) {
    std::string message;
    for (const Diagnostic& d : loaded.diagnostics()) message += format(d) + "\n";
    ADD_FAILURE() << message;
    return {};
  }
  const Scenario& scenario = loaded.value();
  PointSampler sampler;
  const ResolvedInputs inputs = resolve_inputs(scenario, sampler);
  const SimulationTrace trace = Simulator(scenario).run(inputs, sampler);
  return metrics_csv(scenario, compute_metrics(scenario, trace.changes));
}

TEST(Golden, MetricsMatchTheHandComputedFiles) {
  const fs::path folder = fs::path(POWERON_SOURCE_DIR) / "tests" / "golden";
  std::vector<fs::path> scenarios;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".yaml") scenarios.push_back(entry.path());
  }
  std::sort(scenarios.begin(), scenarios.end());
  ASSERT_GE(scenarios.size(), 3u);
  for (const fs::path& yaml : scenarios) {
    SCOPED_TRACE(yaml.filename().string());
    fs::path expected_path = yaml;
    expected_path.replace_extension(".metrics.csv");
    std::ifstream in(expected_path);
    ASSERT_TRUE(in) << "missing " << expected_path;
    std::ostringstream expected_text;
    expected_text << in.rdbuf();

    const std::vector<std::string> expected = lines_of(expected_text.str());
    const std::vector<std::string> actual = lines_of(computed_metrics_csv(yaml));
    ASSERT_EQ(actual.size(), expected.size()) << "rows differ";
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "line " << i + 1;
  }
}

}  // namespace
}  // namespace poweron
