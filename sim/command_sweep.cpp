// PLACEHOLDER: replaced by the module that implements `poweron sweep`.
#include "commands.hpp"

namespace poweron::cli {

int sweep_command(const SweepArgs& /*args*/, std::ostream& /*out*/, std::ostream& err) {
  err << "poweron: 'sweep' is not implemented yet\n";
  return 1;
}

}  // namespace poweron::cli
