// `poweron validate SCENARIO... [--set PATH=VALUE]...` (SPEC 6): checks each scenario, prints `OK <file>`
// on standard output for a valid one and its diagnostics on standard error otherwise. Exit code: 0 when
// all are valid, else the largest code (2 invalid, 1 unreadable).
#include <algorithm>

#include "commands.hpp"
#include "poweron/result.hpp"
#include "poweron/scenario_loader.hpp"

namespace poweron::cli {

int validate_command(const ValidateArgs& args, std::ostream& out, std::ostream& err) {
  int exit_code = static_cast<int>(ExitCode::kSuccess);
  for (const std::string& path : args.scenarios) {
    const Result<Scenario> loaded = load_scenario(path, args.overrides);
    if (loaded) {
      out << "OK " << path << '\n';
      continue;
    }
    for (const Diagnostic& diagnostic : loaded.diagnostics()) err << format(diagnostic) << '\n';
    exit_code = std::max(exit_code, static_cast<int>(loaded.exit_code()));
  }
  out.flush();
  err.flush();
  return exit_code;
}

}  // namespace poweron::cli
