// PLACEHOLDER: replaced by the module that implements `poweron compare`.
#include "commands.hpp"

namespace poweron::cli {

int compare_command(const CompareArgs& /*args*/, std::ostream& /*out*/, std::ostream& err) {
  err << "poweron: 'compare' is not implemented yet\n";
  return 1;
}

}  // namespace poweron::cli
