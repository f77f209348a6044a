// PLACEHOLDER: replaced by the module that implements `poweron graph`.
#include "commands.hpp"

namespace poweron::cli {

int graph_command(const GraphArgs& /*args*/, std::ostream& /*out*/, std::ostream& err) {
  err << "poweron: 'graph' is not implemented yet\n";
  return 1;
}

}  // namespace poweron::cli
