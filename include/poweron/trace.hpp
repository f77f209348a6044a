// What one simulation run produces: the log of chip-count changes and the event records.
//
// The model appends a StateChange for every change of a chip count; metrics, the daily timeline and the
// conservation checks are all derived from this one log (metrics.hpp, timeline.hpp), so they cannot
// disagree. Plain data.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace poweron {

/// The states of SPEC section 1, in timeline row order: owner-level states first, then site states.
enum class ChipState : std::uint8_t {
  kOrdered, kInTransit, kWarehouse, kRma,                    // owner level (site = -1)
  kQueued, kInstalling, kBurnIn, kInstalled, kPowered,       // at a site
};
inline constexpr int kChipStateCount = 9;
std::string_view to_string(ChipState state);
constexpr bool is_site_state(ChipState s) { return static_cast<int>(s) >= static_cast<int>(ChipState::kQueued); }

/// Time of the changes that seed a run (chips `ordered` before anything happens, initial fleets are
/// added at time 0): before every event.
inline constexpr double kBeforeStart = -std::numeric_limits<double>::infinity();

/// `delta` chips of `sku` owned by `owner` enter (delta > 0) or leave (delta < 0) `state` at `time`,
/// at site `site` (index into Scenario::sites; -1 for owner-level states).
struct StateChange {
  double time = 0;
  std::int32_t owner = 0;
  std::int32_t site = -1;
  std::int32_t sku = 0;
  ChipState state = ChipState::kOrdered;
  std::int64_t delta = 0;
};

/// Event kinds of events.csv (SPEC 5), in the spec's order; scheduled events of one instant are applied
/// in this order, then by insertion sequence.
enum class EventKind : std::uint8_t {
  kInitial, kPhaseReady, kPowerChange, kShip, kArrive, kRedirectOut, kRedirectIn, kPlace,
  kInstallStart, kInstallDone, kBurnInPass, kBurnInFail, kRmaReturn, kPowerOn, kPowerOff,
};
std::string_view to_string(EventKind kind);

/// One line of events.csv. Indices into the scenario's vectors; -1 where not applicable.
struct EventRecord {
  double time = 0;
  EventKind kind = EventKind::kInitial;
  std::int32_t owner = -1;
  std::int32_t site = -1;
  std::int32_t order = -1;
  std::int32_t lot = -1;
  std::int64_t gpus = 0;
};

struct SimulationTrace {
  std::vector<StateChange> changes;  ///< in processing order (non-decreasing time)
  std::vector<EventRecord> events;   ///< in processing order; empty when events were not requested
};

}  // namespace poweron
