// Runs the built `poweron` executable (POWERON_CLI_PATH) for end-to-end tests: exit code and both
// output streams, captured through files in a folder the test owns.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <vector>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace poweron::testing_support {

struct CliResult {
  int exit_code = -1;  ///< -1 when the process did not exit normally (e.g. crashed)
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Single-quotes `text` for the shell.
inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Exit status of a shell command; -1 when it did not exit normally.
inline int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/// A fresh temporary folder named after `prefix`, removed with everything in it at scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "poweron_test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The first Python interpreter that runs `code`: $POWERON_PYTHON if set, then `python3`, then Debian's
/// `/usr/bin/python3` (the one python3-matplotlib serves); nullopt when none does.
inline std::optional<std::string> python_that_runs(const std::string& code) {
  std::vector<std::string> candidates;
  if (const char* configured = std::getenv("POWERON_PYTHON"); configured != nullptr && *configured != '\0') {
    candidates.emplace_back(configured);
  }
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const std::string& python : candidates) {
    if (run_shell(shell_quote(python) + " -c " + shell_quote(code) + " >/dev/null 2>&1") == 0) return python;
  }
  return std::nullopt;
}

/// Runs `poweron <arguments>` (arguments already shell-quoted) with stdout and stderr captured into
/// files under `scratch`.
inline CliResult run_cli(const std::string& arguments, const std::filesystem::path& scratch) {
  std::filesystem::create_directories(scratch);
  const std::filesystem::path out = scratch / "cli.stdout";
  const std::filesystem::path err = scratch / "cli.stderr";
  const std::string command = shell_quote(POWERON_CLI_PATH) + " " + arguments + " >" + shell_quote(out.string()) +
                              " 2>" + shell_quote(err.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

}  // namespace poweron::testing_support
