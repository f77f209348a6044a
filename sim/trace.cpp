// Names of chip states and event kinds as they appear in timeline.csv and events.csv (SPEC 5).
#include "poweron/trace.hpp"

namespace poweron {

std::string_view to_string(ChipState state) {
  switch (state) {
    case ChipState::kOrdered: return "ordered";
    case ChipState::kInTransit: return "in_transit";
    case ChipState::kWarehouse: return "warehouse";
    case ChipState::kRma: return "rma";
    case ChipState::kQueued: return "queued";
    case ChipState::kInstalling: return "installing";
    case ChipState::kBurnIn: return "burn_in";
    case ChipState::kInstalled: return "installed";
    case ChipState::kPowered: return "powered";
  }
  return "unknown";
}

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::kInitial: return "initial";
    case EventKind::kPhaseReady: return "phase_ready";
    case EventKind::kPowerChange: return "power_change";
    case EventKind::kShip: return "ship";
    case EventKind::kArrive: return "arrive";
    case EventKind::kRedirectOut: return "redirect_out";
    case EventKind::kRedirectIn: return "redirect_in";
    case EventKind::kPlace: return "place";
    case EventKind::kInstallStart: return "install_start";
    case EventKind::kInstallDone: return "install_done";
    case EventKind::kBurnInPass: return "burn_in_pass";
    case EventKind::kBurnInFail: return "burn_in_fail";
    case EventKind::kRmaReturn: return "rma_return";
    case EventKind::kPowerOn: return "power_on";
    case EventKind::kPowerOff: return "power_off";
  }
  return "unknown";
}

}  // namespace poweron
