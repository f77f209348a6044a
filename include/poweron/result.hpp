// Diagnostics for user input, and Result<T>: a value or the diagnostics that prevented it.
//
// User errors (a scenario, a flag) are values, never exceptions across the public API; all of them are
// collected and reported at once, compiler-style (SPEC 2.2):
//   scenarios/x.yaml:3:18: error: sites.gts.pue: expected a number, got "abc"
// Programming errors (broken invariants) throw poweron::InternalError, which main turns into exit 1.
//
//   Result<Scenario> r = load_scenario("a.yaml");
//   if (!r) { for (const auto& d : r.diagnostics()) std::cerr << format(d) << '\n'; return r.exit_code(); }
//   const Scenario& s = r.value();
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace poweron {

/// One problem found in user input. line and column are 1-based; 0 when unknown (e.g. a file error).
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;     ///< dotted scenario address, e.g. `sites.gts.pue`; empty for file-level errors
  std::string message;  ///< lower-case sentence without a trailing period
};

/// `FILE:LINE:COL: error: PATH: message` (parts that are unknown are left out).
std::string format(const Diagnostic& diagnostic);

/// Sorts by file, line, column, then path and message, and removes exact duplicates.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

/// Exit codes of the command line (SPEC 6).
enum class ExitCode : int { kSuccess = 0, kRuntime = 1, kInvalid = 2 };

/// A broken internal invariant: a bug, not a user error.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A user-facing failure that is not about scenario contents (I/O, usage); carries its exit code.
class UserError : public std::runtime_error {
 public:
  UserError(const std::string& message, ExitCode code) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

/// A value, or the diagnostics (at least one) explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(std::vector<Diagnostic> diagnostics, ExitCode code = ExitCode::kInvalid)
      : diagnostics_(std::move(diagnostics)), code_(code) {}

  explicit operator bool() const { return value_.has_value(); }
  bool ok() const { return value_.has_value(); }
  /// REQUIRES: ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  /// kSuccess when ok(); otherwise kInvalid for bad contents, kRuntime for unreadable files.
  ExitCode exit_code() const { return ok() ? ExitCode::kSuccess : code_; }

 private:
  std::optional<T> value_;
  std::vector<Diagnostic> diagnostics_;
  ExitCode code_ = ExitCode::kSuccess;
};

}  // namespace poweron
