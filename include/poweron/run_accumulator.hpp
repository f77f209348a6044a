// A run's metrics (SPEC 4) and daily counts, accumulated change by change as the model makes them.
//
// Every metric is linear in the changes: a change of `delta` chips at time t < E + 1 adds
// delta * (E + 1 - max(t, 0)) GPU-days to the integral of its state, and `delta` to the day column
// clamp(day_of(t), 0, E) from which it counts at day ends (timeline.hpp's convention; times snapped
// first, changes at or after E + 1 ignored). So a run needs no change log for its metrics: a sweep feeds
// the model's changes straight in, and compute_metrics feeds a logged run's changes through the same
// add(), so a sweep's replication and `run --sample` of its seed agree to the bit.
//
// The integrals are sums of integers: times count in ticks of 2^-k day (k = tick_bits(), 32 unless the
// scenario is so large that chips x days x 2^k would not fit in 63 bits), summed modulo 2^64, which is
// exact whatever the order because the true total fits. So chips that pass through a state within an
// instant add exactly 0 (never a rounding residue such as -3e-11 GPU-days), no integral is negative,
// and the metrics do not depend on the order of the changes. Rounding a time to a tick moves it by at
// most 2^-(k+1) day (10 microseconds at k = 32; SPEC 3 asks for one second).
//
//   RunAccumulator acc(scenario);
//   for (const StateChange& c : log) acc.add(snap_time(c.time), c.owner, c.site, c.sku, c.state, c.delta);
//   RunMetrics m = acc.metrics();
//
// Not thread-safe; one per thread. reset() starts the next run and keeps the storage.
#pragma once

#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "poweron/date.hpp"
#include "poweron/metrics.hpp"
#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron {

/// The states an accumulator follows (the metrics integrate them; sweeps band them), in bands.csv order.
inline constexpr std::size_t kTrackedStateCount = 4;
inline constexpr std::array<ChipState, kTrackedStateCount> kTrackedStates = {
    ChipState::kPowered, ChipState::kWarehouse, ChipState::kQueued, ChipState::kInstalled};

class RunAccumulator {
 public:
  explicit RunAccumulator(const Scenario& scenario);

  /// True if changes of `state` count (kTrackedStates); add() ignores the others.
  static constexpr bool tracks(ChipState state) { return kTrackedIndex[static_cast<std::size_t>(state)] >= 0; }

  /// Forgets every change; keeps the storage.
  void reset();

  /// One change of a chip count. REQUIRES a snapped time (snap_time(time) == time, as every time the
  /// model logs), valid indices (site -1 exactly for owner-level states) and, for a site state, `owner`
  /// the site's owner; compute_metrics snaps and checks untrusted logs first.
  [[gnu::always_inline]] void add(double time, std::int32_t owner, std::int32_t site, std::int32_t sku,
                                  ChipState state, std::int64_t delta) {
    const int k = kTrackedIndex[static_cast<std::size_t>(state)];
    if (k < 0) return;
    if (!at(time)) return;
    count(owner, sku, k, series_base(owner, site, sku), delta);
  }

  /// add(time, owner, site, sku, from, -n), then add(time, owner, site, sku, to, n), the two sharing their
  /// time and series: a model's move of chips between two states of one level (both at `site`, or both
  /// owner-level with site -1). REQUIRES as add(), and is_site_state(from) == is_site_state(to).
  [[gnu::always_inline]] void move(double time, std::int32_t owner, std::int32_t site, std::int32_t sku,
                                   ChipState from, ChipState to, std::int64_t n) {
    const int k_from = kTrackedIndex[static_cast<std::size_t>(from)];
    const int k_to = kTrackedIndex[static_cast<std::size_t>(to)];
    if (k_from < 0 && k_to < 0) return;
    if (!at(time)) return;
    const std::size_t base = series_base(owner, site, sku);
    if (k_from >= 0) count(owner, sku, k_from, base, -n);
    if (k_to >= 0) count(owner, sku, k_to, base, n);
  }

  /// The run's metrics (metric_names order per owner, then `all`).
  RunMetrics metrics() const;
  /// As metrics(), into `out`, reusing its storage.
  void metrics_into(RunMetrics& out) const;

  /// Day-column increments of state kTrackedStates[k] of `owner` (all SKUs; site states count for the
  /// site's owner): the count at the end of day d is the sum of entries 0..d. E + 1 entries.
  std::span<const std::int64_t> day_deltas(std::size_t owner, std::size_t k) const {
    return {day_deltas_.data() + (owner * kTrackedStateCount + k) * days_, days_};
  }
  std::size_t days() const { return days_; }
  /// k of the ticks of 2^-k day the integrals count in.
  int tick_bits() const { return tick_bits_; }
  /// True if built for a scenario of `scenario`'s shape (owners, SKUs, sites, days).
  bool fits(const Scenario& scenario) const {
    return scenario.owners.size() == owners_ && scenario.skus.size() == skus_ &&
           scenario.sites.size() == site_owner_.size() &&
           static_cast<std::int64_t>(days_) == scenario.last_day() + 1;
  }
  /// Owner index of each site (scenario order).
  const std::vector<std::int32_t>& site_owners() const { return site_owner_; }

 private:
  static constexpr std::size_t kSiteStates = 3;  // powered, queued, installed
  /// Per ChipState: its index in kTrackedStates, or -1.
  static constexpr std::array<int, kChipStateCount> kTrackedIndex = {-1, -1, 1, -1, 2, -1, -1, 3, 0};
  /// Per tracked index: the slot of a site series (-1: an owner-level state).
  static constexpr std::array<int, kTrackedStateCount> kSiteSlot = {0, -1, 1, 2};

  /// Brings the time to `time` (REQUIRES snapped); false if changes at it are past the horizon.
  [[gnu::always_inline]] bool at(double time) {
    assert(std::isnan(time) || snap_time(time) == time);
    if (!(time == last_time_)) set_time(time);
    return !past_horizon_;
  }
  /// The series of (owner, sku) for an owner-level state (site -1), else the first of the site's
  /// kSiteStates series of sku.
  std::size_t series_base(std::int32_t owner, std::int32_t site, std::int32_t sku) const {
    const auto s = static_cast<std::size_t>(sku);
    return site < 0 ? static_cast<std::size_t>(owner) * skus_ + s
                    : owner_series_ + (static_cast<std::size_t>(site) * skus_ + s) * kSiteStates;
  }
  /// Counts `delta` chips of tracked state k at the current time, in its series (base + its site slot)
  /// and its owner's day column.
  [[gnu::always_inline]] void count(std::int32_t owner, std::int32_t sku, int k, std::size_t base,
                                    std::int64_t delta) {
    const int slot = kSiteSlot[static_cast<std::size_t>(k)];
    tick_sums_[base + static_cast<std::size_t>(slot < 0 ? 0 : slot)] +=
        static_cast<std::uint64_t>(delta) * ticks_left_;  // modulo 2^64: see above
    day_deltas_[(static_cast<std::size_t>(owner) * kTrackedStateCount + static_cast<std::size_t>(k)) * days_ +
                column_] += delta;
    const std::int32_t sku_row = sku_powered_row_[static_cast<std::size_t>(owner)];
    if (k == 0 && sku_row >= 0) [[unlikely]] {
      sku_powered_deltas_[(static_cast<std::size_t>(sku_row) + static_cast<std::size_t>(sku)) * days_ + column_] +=
          delta;
    }
  }
  void set_time(double t) {
    last_time_ = t;
    past_horizon_ = !(t < horizon_);
    if (past_horizon_) return;
    // t in [0, E + 1) scaled by 2^k < 2^62: the nearest tick (half up) fits and converts exactly (signed
    // conversion: one instruction, unlike the unsigned one).
    const auto tick = t > 0 ? static_cast<std::uint64_t>(static_cast<std::int64_t>(t * tick_scale_ + 0.5))
                            : std::uint64_t{0};
    ticks_left_ = horizon_ticks_ - tick;
    // day_column(t, E) for a snapped t < E + 1: its whole days, or 0 before the start.
    column_ = t > 0 ? static_cast<std::size_t>(static_cast<std::int64_t>(t)) : 0;
  }

  const Scenario* scenario_;
  std::size_t owners_;
  std::size_t skus_;
  std::size_t days_;
  std::int64_t last_day_;
  double horizon_;
  int tick_bits_;
  double tick_scale_;            ///< 2^k
  std::uint64_t horizon_ticks_;  ///< (E + 1) * 2^k
  std::size_t owner_series_;  ///< series before the first site series: owners x skus
  std::vector<std::int32_t> site_owner_;
  std::vector<std::int32_t> target_sku_;  ///< per target (owners in order), -1 = every SKU

  /// Per owner: its first row in sku_powered_deltas_ (one row per SKU), or -1 when none of its targets
  /// counts one SKU only (then the all-SKU powered increments serve).
  std::vector<std::int32_t> sku_powered_row_;

  std::vector<std::uint64_t> tick_sums_;  ///< per series: GPU-ticks modulo 2^64
  std::vector<std::int64_t> day_deltas_;  ///< [(owner, tracked state)][day]
  std::vector<std::int64_t> sku_powered_deltas_;  ///< [sku_powered_row_[owner] + sku][day]
  double last_time_ = std::numeric_limits<double>::quiet_NaN();  // equal to no time
  std::uint64_t ticks_left_ = 0;
  std::size_t column_ = 0;
  bool past_horizon_ = false;
};

}  // namespace poweron
