// PLACEHOLDER: replaced by the module that implements `poweron run`.
#include "commands.hpp"

namespace poweron::cli {

int run_command(const RunArgs& /*args*/, std::ostream& /*out*/, std::ostream& err) {
  err << "poweron: 'run' is not implemented yet\n";
  return 1;
}

}  // namespace poweron::cli
