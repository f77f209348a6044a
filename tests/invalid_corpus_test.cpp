// The invalid-scenario corpus: every scenarios/invalid/*.yaml breaks one rule of SPEC 2.2 and says, in
// its leading `# expect: LINE:COL: error: PATH: message` lines, exactly which diagnostics load_scenario
// must report (the file's own name left out; diagnostics in other files keep their path relative to
// scenarios/invalid/). New files are picked up automatically.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"

namespace poweron {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() { return fs::path(POWERON_SOURCE_DIR) / "scenarios" / "invalid"; }

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(corpus_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// The `# expect: ` lines of the comment block that opens the file.
std::vector<std::string> expected_diagnostics(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> expected;
  const std::string prefix = "# expect: ";
  for (std::string line; std::getline(in, line) && line.rfind("#", 0) == 0;) {
    if (line.rfind(prefix, 0) == 0) expected.push_back(line.substr(prefix.size()));
  }
  return expected;
}

/// format(d) without the loaded file's own name, and with every other path made relative to the corpus
/// folder (also inside messages, e.g. an extends cycle), so that expectations do not depend on where
/// the repository is.
std::string shown(const Diagnostic& diagnostic, const std::string& path) {
  std::string text = format(diagnostic);
  if (!diagnostic.file.empty() && diagnostic.file == path) {
    text.erase(0, diagnostic.file.size() + 1);  // "FILE:"
    if (!text.empty() && text.front() == ' ') text.erase(0, 1);
  }
  const std::string prefix = corpus_dir().string() + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
    text.erase(at, prefix.size());
  }
  return text;
}

TEST(InvalidCorpus, CoversEnoughRules) { EXPECT_GE(corpus_files().size(), 30u); }

class InvalidCorpusFile : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidCorpusFile, ReportsExactlyTheExpectedDiagnostics) {
  const std::string& path = GetParam();
  const std::vector<std::string> expected = expected_diagnostics(path);
  ASSERT_FALSE(expected.empty()) << path << " has no `# expect: ` line";
  const Result<Scenario> loaded = load_scenario(path);
  ASSERT_FALSE(loaded.ok()) << path << " loaded without error";
  EXPECT_EQ(loaded.exit_code(), ExitCode::kInvalid);
  std::vector<std::string> actual;
  for (const Diagnostic& d : loaded.diagnostics()) actual.push_back(shown(d, path));
  EXPECT_EQ(actual, expected) << path;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& param_info) {
  std::string name = fs::path(param_info.param).stem().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(InvalidCorpus, InvalidCorpusFile, ::testing::ValuesIn(corpus_files()), test_name);

}  // namespace
}  // namespace poweron
