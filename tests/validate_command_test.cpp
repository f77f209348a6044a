// Tests of `poweron validate` (sim/command_validate.cpp): the command function with string streams,
// and the built executable end to end (POWERON_CLI_PATH) for its exit codes and output streams.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "commands.hpp"

namespace poweron::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kValid =
    "name: ok\n"
    "start: 2024-01-01\n"
    "end: 2024-12-31\n"
    "skus: {H100: {power_kw: 1.4}}\n"
    "owners: {tesla: {}}\n"
    "sites: {gts: {owner: tesla, pue: 1.2}}\n";

// Two errors, on lines 5 and 6 (columns counted by hand).
constexpr const char* kInvalid =
    "name: bad\n"
    "start: 2024-01-01\n"
    "end: 2024-12-31\n"
    "skus: {H100: {power_kw: 1.4}}\n"
    "owners: {tesla: {cost_of_capitl: 0.1}}\n"
    "sites: {gts: {owner: tesla, pue: 0.9}}\n";

class ValidateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("validate_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
    valid_ = write("valid.yaml", kValid);
    invalid_ = write("invalid.yaml", kInvalid);
    missing_ = (dir_ / "missing.yaml").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::string invalid_errors() const {
    return invalid_ +
           ":5:18: error: owners.tesla.cost_of_capitl: unknown key \"cost_of_capitl\" (did you mean "
           "\"cost_of_capital\"?)\n" +
           invalid_ + ":6:34: error: sites.gts.pue: must be >= 1, got 0.9\n";
  }

  fs::path dir_;
  std::string valid_, invalid_, missing_;
};

TEST_F(ValidateCommand, ValidScenarioPrintsOk) {
  std::ostringstream out, err;
  EXPECT_EQ(validate_command({{valid_}, {}}, out, err), 0);
  EXPECT_EQ(out.str(), "OK " + valid_ + "\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(ValidateCommand, ReportsEveryErrorOfEveryFile) {
  std::ostringstream out, err;
  EXPECT_EQ(validate_command({{valid_, invalid_}, {}}, out, err), 2);
  EXPECT_EQ(out.str(), "OK " + valid_ + "\n");
  EXPECT_EQ(err.str(), invalid_errors());
}

TEST_F(ValidateCommand, UnreadableFileExitsOneUnlessAnotherIsInvalid) {
  std::ostringstream out, err;
  EXPECT_EQ(validate_command({{missing_, valid_}, {}}, out, err), 1);
  EXPECT_EQ(out.str(), "OK " + valid_ + "\n");
  EXPECT_THAT(err.str(), ::testing::StartsWith(missing_ + ": error: cannot read file"));
  std::ostringstream out2, err2;
  EXPECT_EQ(validate_command({{missing_, invalid_}, {}}, out2, err2), 2);  // the larger code wins
}

TEST_F(ValidateCommand, OverridesApplyToEveryFile) {
  std::ostringstream out, err;
  EXPECT_EQ(validate_command({{valid_}, {"sites.gts.pue=0.5"}}, out, err), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(err.str(), ::testing::HasSubstr("sites.gts.pue: must be >= 1, got 0.5"));
}

TEST_F(ValidateCommand, ExecutableUsesExitCodesAndStreams) {
  auto run = [&](const std::string& arguments) {
    return testing_support::run_cli("validate " + arguments, dir_);
  };
  const testing_support::CliResult ok = run("'" + valid_ + "'");
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "OK " + valid_ + "\n");
  EXPECT_EQ(ok.err, "");

  const testing_support::CliResult bad = run("'" + valid_ + "' '" + invalid_ + "'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "OK " + valid_ + "\n");
  EXPECT_EQ(bad.err, invalid_errors());

  const testing_support::CliResult unreadable = run("'" + missing_ + "'");
  EXPECT_EQ(unreadable.exit_code, 1);
  EXPECT_EQ(unreadable.out, "");
  EXPECT_THAT(unreadable.err, ::testing::StartsWith(missing_ + ": error: cannot read file"));
}

}  // namespace
}  // namespace poweron::cli
