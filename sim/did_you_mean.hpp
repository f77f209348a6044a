// "Did you mean" suggestions for misspelled keys and ids in a scenario.
//
//   suggest("prioirty", {"owner", "priority", "pue"})  // "priority"
//
// Thread-safe: pure functions only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace poweron {

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), byte-wise.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo: at distance 1 for
/// candidates of 2 to 4 characters, at distance <= 2 for longer ones (shorter candidates would match
/// nearly anything). Ties go to the earliest candidate. nullopt when none is close or `word` is itself a
/// candidate.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

/// ` (did you mean "x"?)` for a suggestion, or an empty string.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace poweron
