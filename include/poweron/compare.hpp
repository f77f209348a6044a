// Paired comparison of two scenarios (SPEC 5 `compare`): the same replication seeds for both, so every
// input the two have in common gets the same draw (common random numbers) and the differences are paired.
//
// Conventions (also in the README): rows are the owners present in both scenarios (A's order), then `all`;
// metrics present for both. Target dates: mean_a and mean_b are over the replications that reached the
// target (ISO dates); mean_diff and its CI are over the pairs where both reached it, in days; p_b_better
// counts never-reached as the worst outcome. p_b_better is the share of pairs where B is strictly better.
#pragma once

#include <string>
#include <string_view>

#include "poweron/scenario.hpp"
#include "poweron/sweep.hpp"

namespace poweron {

/// Which direction is better for a metric (SPEC 5): +1 higher, -1 lower (earlier for dates), 0 none.
int better_direction(std::string_view metric);

/// compare.csv from two sweeps run with the same base seed and run count. Throws std::invalid_argument
/// when their run counts differ.
std::string compare_csv(const SweepResult& a, const SweepResult& b);

}  // namespace poweron
