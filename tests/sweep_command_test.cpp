// `poweron sweep` and `poweron compare` end to end through the executable: files, thread-count
// independence, grids, and that `run --sample --seed seed_r` reproduces replication r.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace poweron {
namespace {

namespace fs = std::filesystem;
using testing_support::read_file;
using testing_support::run_cli;
using testing_support::shell_quote;

const std::string kSmall = std::string(POWERON_SOURCE_DIR) + "/tests/data/sweep/small.yaml";

std::vector<std::string> split(const std::string& line, char separator = ',') {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, separator)) fields.push_back(field);
  if (!line.empty() && line.back() == separator) fields.emplace_back();
  return fields;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> all = split(text, '\n');
  if (!all.empty() && all.back().empty()) all.pop_back();  // the final newline ends the last row
  return all;
}

class SweepCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::path(::testing::TempDir()) / ("poweron-sweep-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  fs::path folder_;
};

TEST_F(SweepCommand, WritesEveryOutputIdenticallyOnOneAndTwoThreads) {
  for (const char* threads : {"1", "2"}) {
    const auto result = run_cli("sweep " + shell_quote(kSmall) + " --runs 40 --threads " + threads + " --out " +
                                    shell_quote((folder_ / threads).string()),
                                folder_);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("40 replications"), std::string::npos) << result.out;
  }
  for (const char* file : {"replications.csv", "summary.csv", "bands.csv", "targets.csv", "sensitivity.csv",
                           "criticality.csv"}) {
    const std::string one = read_file(folder_ / "1" / file);
    EXPECT_FALSE(one.empty()) << file;
    EXPECT_EQ(one, read_file(folder_ / "2" / file)) << file;
  }
  const std::string manifest = read_file(folder_ / "1" / "manifest.json");
  EXPECT_NE(manifest.find("\"replications\": 40"), std::string::npos) << manifest;
  for (const auto& entry : fs::directory_iterator(folder_ / "1")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST_F(SweepCommand, RunSampleWithAReplicationSeedReproducesItsMetrics) {
  ASSERT_EQ(run_cli("sweep " + shell_quote(kSmall) + " --runs 12 --out " + shell_quote((folder_ / "s").string()), folder_)
                .exit_code,
            0);
  const std::vector<std::string> rows = lines(read_file(folder_ / "s" / "replications.csv"));
  ASSERT_EQ(rows.size(), 13u);
  const std::vector<std::string> header = split(rows[0]);
  const std::vector<std::string> row = split(rows[10]);  // replication 9
  ASSERT_EQ(row.size(), header.size());
  const auto run = run_cli("run " + shell_quote(kSmall) + " --sample --seed " + row[1] + " --out " +
                               shell_quote((folder_ / "r").string()),
                           folder_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::string> metrics;  // owner.metric -> value
  const std::vector<std::string> metric_rows = lines(read_file(folder_ / "r" / "metrics.csv"));
  for (std::size_t i = 1; i < metric_rows.size(); ++i) {
    const auto fields = split(metric_rows[i]);
    ASSERT_EQ(fields.size(), 3u) << metric_rows[i];
    metrics[fields[0] + "." + fields[1]] = fields[2];
  }
  for (std::size_t c = 2; c < header.size(); ++c) {
    ASSERT_TRUE(metrics.count(header[c])) << header[c];
    EXPECT_EQ(metrics[header[c]], row[c]) << header[c];
  }
}

TEST_F(SweepCommand, GridWritesOneFolderPerCaseAndGridCsv) {
  const auto result = run_cli("sweep " + shell_quote(kSmall) +
                                  " --runs 8 --grid sites.hall.install.crews=1,4 --grid orders.a2.quantity=1000,2000 --out " +
                                  shell_quote((folder_ / "g").string()),
                              folder_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* name : {"sites.hall.install.crews=1,orders.a2.quantity=1000", "sites.hall.install.crews=1,orders.a2.quantity=2000",
                           "sites.hall.install.crews=4,orders.a2.quantity=1000", "sites.hall.install.crews=4,orders.a2.quantity=2000"}) {
    EXPECT_TRUE(fs::exists(folder_ / "g" / name / "summary.csv")) << name;
  }
  const std::vector<std::string> grid = lines(read_file(folder_ / "g" / "grid.csv"));
  ASSERT_FALSE(grid.empty());
  EXPECT_EQ(grid[0], "sites.hall.install.crews,orders.a2.quantity,owner,metric,mean,p10,p50,p90");
  EXPECT_EQ(grid[1].rfind("1,1000,a,powered_gpu_days,", 0), 0u) << grid[1];
  EXPECT_TRUE(fs::exists(folder_ / "g" / "manifest.json"));
}

TEST_F(SweepCommand, BadGridAndRunsAreUsageErrors) {
  auto bad_grid = run_cli("sweep " + shell_quote(kSmall) + " --runs 4 --grid nonsense --out " + shell_quote(folder_.string()), folder_);
  EXPECT_EQ(bad_grid.exit_code, 2);
  EXPECT_NE(bad_grid.err.find("--grid nonsense: expected PATH=V1,V2,..."), std::string::npos) << bad_grid.err;
  auto bad_value = run_cli("sweep " + shell_quote(kSmall) + " --runs 4 --grid sites.hall.install.crews=0,2 --out " +
                               shell_quote(folder_.string()),
                           folder_);
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("sites.hall.install.crews"), std::string::npos) << bad_value.err;
  EXPECT_EQ(run_cli("sweep " + shell_quote(kSmall) + " --runs 0", folder_).exit_code, 2);
  EXPECT_EQ(run_cli("sweep " + shell_quote(kSmall), folder_).exit_code, 2);  // --runs is required
}

TEST_F(SweepCommand, CompareWritesPairedDifferences) {
  const std::string base = (folder_ / "more_crews.yaml").string();
  fs::create_directories(folder_);
  std::ofstream(base) << "extends: " << kSmall << "\nsites:\n  hall:\n    install: {crews: 8}\n";
  const auto result = run_cli("compare " + shell_quote(kSmall) + " " + shell_quote(base) + " --runs 30 --out " +
                                  shell_quote((folder_ / "c").string()),
                              folder_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> rows = lines(read_file(folder_ / "c" / "compare.csv"));
  ASSERT_GT(rows.size(), 1u);
  EXPECT_EQ(rows[0], "owner,metric,mean_a,mean_b,mean_diff,ci95_low,ci95_high,p_b_better");
  bool found = false;
  for (const std::string& row : rows) {
    const auto fields = split(row);
    if (fields.size() == 8 && fields[0] == "a" && fields[1] == "queued_gpu_days") {
      found = true;
      EXPECT_LT(std::stod(fields[4]), 0) << row;  // more crews: less waiting for labour
      EXPECT_GT(std::stod(fields[7]), 0.5) << row;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(run_cli("compare " + shell_quote(kSmall) + " /nonexistent.yaml --runs 3", folder_).exit_code, 1);
}

}  // namespace
}  // namespace poweron
