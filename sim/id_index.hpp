// Resolving a scenario's id references (an order's owner, a delay's task, ...) to indices once, for the
// parts that turn a validated Scenario into index-based working data (model layout, inputs, metrics).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "poweron/result.hpp"

namespace poweron {

/// The index of every element of a collection by its `id`. Borrows the ids: the collection must outlive
/// the index.
template <typename T>
class IdIndex {
 public:
  explicit IdIndex(const std::vector<T>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) index_.emplace(items[i].id, i);
  }

  /// The index of `id`. A validated scenario has none unresolved, so a miss is an internal error:
  /// InternalError "<where>: unknown <what> '<id>'".
  std::size_t at(const std::string& id, std::string_view what, std::string_view where) const {
    const auto found = index_.find(id);
    if (found == index_.end()) {
      throw InternalError(std::string(where) + ": unknown " + std::string(what) + " '" + id + "'");
    }
    return found->second;
  }

 private:
  std::map<std::string_view, std::size_t> index_;
};

}  // namespace poweron
