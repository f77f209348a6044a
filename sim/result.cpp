#include "poweron/result.hpp"

#include <algorithm>
#include <tuple>

namespace poweron {

std::string format(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) {
    out += d.file;
    if (d.line > 0) out += ':' + std::to_string(d.line) + ':' + std::to_string(d.column);
    out += ": ";
  }
  out += "error: ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  auto key = [](const Diagnostic& d) { return std::tie(d.file, d.line, d.column, d.path, d.message); };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(),
                                [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
                    diagnostics.end());
}

}  // namespace poweron
