// PLACEHOLDER: replaced by the module that implements `poweron validate`.
#include "commands.hpp"

namespace poweron::cli {

int validate_command(const ValidateArgs& /*args*/, std::ostream& /*out*/, std::ostream& err) {
  err << "poweron: 'validate' is not implemented yet\n";
  return 1;
}

}  // namespace poweron::cli
