// The scenario resolved once for the model: ids turned into indices, lots laid out (SPEC 3.1), each
// owner's sites in placement order. Built by the Simulator's constructor and then only read, so one
// layout serves any number of concurrent runs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "poweron/inputs.hpp"
#include "poweron/scenario.hpp"

namespace poweron {

/// Chips per lot of an order of `quantity` chips in `lots` lots: the first quantity mod lots lots hold
/// ceil(quantity / lots), the rest floor(quantity / lots) (SPEC 3.1). REQUIRES: 1 <= lots <= quantity.
std::vector<std::int64_t> lot_sizes(std::int64_t quantity, std::int64_t lots);

struct LayoutSite {
  std::int32_t owner = 0;
  std::int32_t position = 0;  ///< index in ModelLayout::owner_sites[owner]
  double pue = 1.0;
  std::int64_t crews = -1;    ///< -1 = unlimited
  double failure_rate = 0;
  bool unlimited_power = true;
  std::vector<std::pair<std::int32_t, std::int64_t>> initial;  ///< (sku, count), count > 0
  std::vector<std::int64_t> phase_gpus;                         ///< per phase, scenario order
  std::int32_t first_source = 0;                                ///< into ModelLayout::source_site
  std::int32_t source_count = 0;
  double power_slot_kw = 0;  ///< pue x the smallest power_kw of the scenario: kW of one power slot
};

struct LayoutOrder {
  std::int32_t owner = 0;
  std::int32_t sku = 0;
  std::int32_t site = -1;  ///< fixed destination; -1 = by priority
  std::int32_t first_lot = 0;
  std::int32_t lot_count = 0;
  std::int64_t quantity = 0;
  double lot_interval_days = 0;
};

struct LayoutLot {
  std::int32_t order = 0;
  std::int32_t index = 0;  ///< k, from 0, within the order
  std::int64_t quantity = 0;
  /// fnv1a64 of `orders.<order id>.lots.<k>.chunks.`: the prefix of the lot's burn-in failure addresses.
  std::uint64_t chunk_prefix_hash = 0;
};

struct LayoutRedirection {
  std::int32_t order = 0;
  std::int32_t to = 0;
  std::int64_t quantity = -1;  ///< -1 = everything movable
  std::int32_t site = -1;      ///< -1 = by the new owner's priority
};

struct ModelLayout {
  std::int32_t owner_count = 0;
  std::int32_t sku_count = 0;
  std::vector<std::vector<std::int32_t>> owner_sites;  ///< per owner, its sites by (priority, id)
  std::vector<LayoutSite> sites;
  std::vector<double> draw_kw;              ///< [site * sku_count + sku]: power_kw x pue
  std::vector<std::int32_t> source_site;    ///< per power source (sites in order, sources in order)
  std::vector<std::int32_t> source_local;   ///< the source's index within its site
  std::vector<LayoutOrder> orders;
  std::vector<LayoutLot> lots;
  std::vector<LayoutRedirection> redirections;
  std::vector<std::int64_t> ordered_by_sku;  ///< chips ordered per SKU (conservation)

  /// Resolves `scenario`. Throws InternalError naming the id when a reference does not resolve or a
  /// count is out of range (a validated scenario never does that).
  static ModelLayout build(const Scenario& scenario);

  /// Throws InternalError when `inputs` does not have the scenario's shape (one entry per site, phase,
  /// power source and step, order, lot, redirection).
  void check_inputs(const ResolvedInputs& inputs) const;
};

}  // namespace poweron
