// tools/plot.py: the plotting script run on small hand-written CSV fixtures (tests/data/plot/).
//
// The script needs Python 3 and matplotlib. The interpreter is the first of $POWERON_PYTHON, `python3`
// and `/usr/bin/python3` that can import matplotlib (a pyenv `python3` first on PATH often cannot, while
// the Debian package python3-matplotlib serves /usr/bin/python3). Tests that draw are skipped, with the
// reason, when no interpreter has matplotlib; the bad-input tests only need Python, since the script
// checks its input before importing matplotlib.
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace poweron {
namespace {

using testing_support::run_shell;
using testing_support::python_that_runs;
using testing_support::shell_quote;

namespace fs = std::filesystem;

const fs::path kSourceDir = POWERON_SOURCE_DIR;
const fs::path kFixtures = kSourceDir / "tests" / "data" / "plot";



std::optional<std::string> python_with_matplotlib() { return python_that_runs("import matplotlib"); }
std::optional<std::string> any_python() { return python_that_runs("import csv"); }

using TempDir = testing_support::ScratchDir;

struct PlotRun {
  int exit_code = -1;
  std::string stderr_text;
};

PlotRun run_plot(const std::string& python, const std::string& kind, const fs::path& csv, const TempDir& out) {
  const fs::path err = out.path() / "stderr.txt";
  const std::string command = shell_quote(python) + " " + shell_quote((kSourceDir / "tools" / "plot.py").string()) + " " +
                              kind + " " + shell_quote(csv.string()) + " -o " + shell_quote((out.path() / "png").string()) +
                              " >/dev/null 2>" + shell_quote(err.string());
  PlotRun run;
  run.exit_code = run_shell(command);
  std::ifstream in(err);
  run.stderr_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return run;
}

/// True when `path` is a non-empty file starting with the 8-byte PNG signature.
bool is_png(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  if (!in.read(head.data(), head.size())) return false;
  const std::array<unsigned char, 8> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (static_cast<unsigned char>(head[i]) != signature[i]) return false;
  }
  return fs::file_size(path) > head.size();
}

/// Sorted names of the .png files in `dir`.
std::vector<std::string> png_names(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::is_directory(dir)) return names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".png") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PlotScript, TimelineWritesOnePngPerOwner) {
  const auto python = python_with_matplotlib();
  if (!python) GTEST_SKIP() << "no Python 3 with matplotlib (tried $POWERON_PYTHON, python3, /usr/bin/python3)";
  TempDir out;
  const PlotRun run = run_plot(*python, "timeline", kFixtures / "timeline.csv", out);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  // The fixture has exactly two owners, tesla and x (read off the file).
  EXPECT_EQ(png_names(out.path() / "png"), (std::vector<std::string>{"timeline_tesla.png", "timeline_x.png"}));
  EXPECT_TRUE(is_png(out.path() / "png" / "timeline_tesla.png"));
  EXPECT_TRUE(is_png(out.path() / "png" / "timeline_x.png"));
}

TEST(PlotScript, BandsWritesOnePngPerOwner) {
  const auto python = python_with_matplotlib();
  if (!python) GTEST_SKIP() << "no Python 3 with matplotlib (tried $POWERON_PYTHON, python3, /usr/bin/python3)";
  TempDir out;
  const PlotRun run = run_plot(*python, "bands", kFixtures / "bands.csv", out);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(png_names(out.path() / "png"), (std::vector<std::string>{"bands_tesla.png", "bands_x.png"}));
  EXPECT_TRUE(is_png(out.path() / "png" / "bands_tesla.png"));
}

TEST(PlotScript, CompareWritesOnePngPerMetricWithNumericDifferences) {
  const auto python = python_with_matplotlib();
  if (!python) GTEST_SKIP() << "no Python 3 with matplotlib (tried $POWERON_PYTHON, python3, /usr/bin/python3)";
  TempDir out;
  const PlotRun run = run_plot(*python, "compare", kFixtures / "compare.csv", out);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  // compare.csv has two metrics with numbers and one target row whose values are all empty (skipped).
  EXPECT_EQ(png_names(out.path() / "png"),
            (std::vector<std::string>{"compare_powered_gpu_days.png", "compare_warehouse_gpu_days.png"}));
  EXPECT_TRUE(is_png(out.path() / "png" / "compare_powered_gpu_days.png"));
}

TEST(PlotScript, MalformedTimelineFailsWithFileLineAndReason) {
  const auto python = any_python();
  if (!python) GTEST_SKIP() << "no Python 3 (tried $POWERON_PYTHON, python3, /usr/bin/python3)";
  TempDir out;
  const PlotRun run = run_plot(*python, "timeline", kFixtures / "malformed_timeline.csv", out);
  EXPECT_EQ(run.exit_code, 2);
  // Line 3 of the fixture has `lots` in the gpus column.
  EXPECT_NE(run.stderr_text.find("malformed_timeline.csv:3: gpus: expected a number, got 'lots'"),
            std::string::npos)
      << run.stderr_text;
  EXPECT_TRUE(png_names(out.path() / "png").empty());
}

TEST(PlotScript, WrongCsvKindNamesTheMissingColumns) {
  const auto python = any_python();
  if (!python) GTEST_SKIP() << "no Python 3 (tried $POWERON_PYTHON, python3, /usr/bin/python3)";
  TempDir out;
  // bands.csv lacks the timeline columns `site` and `gpus`.
  const PlotRun run = run_plot(*python, "timeline", kFixtures / "bands.csv", out);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.stderr_text.find("bands.csv:1: missing column(s) site, gpus"), std::string::npos)
      << run.stderr_text;
}

TEST(PlotScript, UnreadableFileExitsOne) {
  const auto python = any_python();
  if (!python) GTEST_SKIP() << "no Python 3 (tried $POWERON_PYTHON, python3, /usr/bin/python3)";
  TempDir out;
  const PlotRun run = run_plot(*python, "timeline", out.path() / "does_not_exist.csv", out);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.stderr_text.find("does_not_exist.csv: cannot read"), std::string::npos) << run.stderr_text;
}

}  // namespace
}  // namespace poweron
