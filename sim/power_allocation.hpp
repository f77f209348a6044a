// One site's power order (SPEC 3.4): installed chip groups in install-completion order, of which the
// longest prefix whose total draw fits the supply is powered. Chips of one group share SKU, order and
// lot; a group may be partly powered (only the last powered one). Not thread-safe; one per site per run.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace poweron {

/// Installed chips that finished burn-in together (or an initial fleet's chips of one SKU).
struct PowerGroup {
  std::int32_t sku = 0;
  std::int32_t order = -1;  ///< -1 for initial chips
  std::int32_t lot = -1;
  std::int64_t count = 0;    ///< chips in the group (installed + powered)
  std::int64_t powered = 0;  ///< of which powered
};

/// Chips of per-chip draw `draw_kw` that fit in `spare_kw`: floor with a 1e-9 tolerance (SPEC 3.4).
inline std::int64_t chips_that_fit(double spare_kw, double draw_kw) {
  if (!(spare_kw > 0)) return 0;
  const double count = std::floor(spare_kw / draw_kw + 1e-9);
  return count >= 4e18 ? static_cast<std::int64_t>(4e18) : static_cast<std::int64_t>(count);
}

/// min(limit, chips_that_fit(spare_kw, draw_kw)) for 0 <= limit < 2^52 and draw_kw > 0, without the
/// division when the spare clearly holds `limit` chips: spare >= (limit + 1) x draw (as rounded) puts the
/// rounded quotient above limit + 1 - (limit + 1) x 2^-52 > limit, so the floor is at least `limit`.
/// Settling a site's power after each burn-in mostly takes this branch; the division is left for a
/// supply that binds.
inline std::int64_t chips_that_fit_up_to(double spare_kw, double draw_kw, std::int64_t limit) {
  if (spare_kw >= static_cast<double>(limit + 1) * draw_kw) return limit;
  return std::min(limit, chips_that_fit(spare_kw, draw_kw));
}

class PowerLine {
 public:
  /// `draw_kw` points at this site's per-SKU draw (power_kw x pue), valid for the line's life.
  PowerLine(const double* draw_kw, std::int32_t sku_count, bool unlimited)
      : draw_kw_(draw_kw), powered_by_sku_(static_cast<std::size_t>(sku_count), 0), unlimited_(unlimited) {}

  /// Back to an empty line without supply (the start of a run), keeping the storage.
  void reset() {
    groups_.clear();
    std::fill(powered_by_sku_.begin(), powered_by_sku_.end(), 0);
    next_ = 0;
    powered_total_ = 0;
    supply_kw_ = 0;
    full_recompute_ = false;
  }

  void set_supply_kw(double supply_kw) { supply_kw_ = supply_kw; }
  double supply_kw() const { return supply_kw_; }
  bool unlimited() const { return unlimited_; }

  /// Appends chips that just finished burn-in (last in power order); settle() may power them.
  void append(const PowerGroup& group) { groups_.push_back(group); }

  /// Puts groups (the initial fleet) first in power order; the next settle() recomputes the whole line.
  void prepend(const std::vector<PowerGroup>& groups) {
    groups_.insert(groups_.begin(), groups.begin(), groups.end());
    full_recompute_ = true;
  }

  /// Brings the powered prefix in line with the supply. Calls on_change(group, delta) for each group
  /// whose powered count changes (delta > 0: switched on; < 0: switched off), in power order for
  /// switching on and from the tail for switching off.
  template <typename OnChange>
  void settle(OnChange&& on_change) {
    if (full_recompute_) {
      recompute_all(on_change);
      full_recompute_ = false;
      return;
    }
    if (unlimited_) {
      extend(on_change, 0);
      return;
    }
    const double draw = draw_kw();
    if (shrink(on_change, draw)) return;
    extend(on_change, draw);  // shrink changed nothing: the draw is still `draw`
  }

  /// Total draw of the powered chips, kW.
  double draw_kw() const {
    double total = 0;
    for (std::size_t k = 0; k < powered_by_sku_.size(); ++k) {
      total += static_cast<double>(powered_by_sku_[k]) * draw_kw_[k];
    }
    return total;
  }
  std::int64_t powered() const { return powered_total_; }
  const std::vector<PowerGroup>& groups() const { return groups_; }

 private:
  template <typename OnChange>
  void apply(std::size_t g, std::int64_t target, OnChange& on_change) {
    PowerGroup& group = groups_[g];
    const std::int64_t delta = target - group.powered;
    if (delta == 0) return;
    group.powered = target;
    powered_by_sku_[static_cast<std::size_t>(group.sku)] += delta;
    powered_total_ += delta;
    on_change(static_cast<const PowerGroup&>(group), delta);
  }

  // Switches off from the tail while the draw (`draw`, the line's draw_kw()) exceeds the supply. Returns
  // true if anything went off.
  template <typename OnChange>
  bool shrink(OnChange& on_change, double draw) {
    bool changed = false;
    std::size_t q = next_ < groups_.size() && groups_[next_].powered > 0 ? next_ + 1 : next_;
    while (q > 0) {
      const std::size_t g = q - 1;
      const double d = draw_kw_[groups_[g].sku];
      const double before = draw - static_cast<double>(groups_[g].powered) * d;
      const std::int64_t allowed = chips_that_fit_up_to(supply_kw_ - before, d, groups_[g].count);
      if (allowed >= groups_[g].powered) break;
      apply(g, allowed, on_change);
      changed = true;
      draw = before + static_cast<double>(allowed) * d;
      next_ = g;
      if (allowed > 0) break;
      --q;
    }
    return changed;
  }

  // Powers groups in order while they fit; `draw` is the line's draw_kw() (unused when unlimited).
  template <typename OnChange>
  void extend(OnChange& on_change, double draw) {
    while (next_ < groups_.size()) {
      PowerGroup& group = groups_[next_];
      std::int64_t target = group.count;
      if (!unlimited_) {
        const double d = draw_kw_[group.sku];
        target = group.powered + chips_that_fit_up_to(supply_kw_ - draw, d, group.count - group.powered);
        draw += static_cast<double>(target - group.powered) * d;
      }
      apply(next_, target, on_change);
      if (group.powered < group.count) return;
      ++next_;
    }
  }

  // Walks the whole line from the start: used when groups were put in front of powered ones.
  template <typename OnChange>
  void recompute_all(OnChange& on_change) {
    std::vector<std::int64_t> target(groups_.size(), 0);
    double draw = 0;
    std::size_t g = 0;
    for (; g < groups_.size(); ++g) {
      if (unlimited_) {
        target[g] = groups_[g].count;
        continue;
      }
      const double d = draw_kw_[groups_[g].sku];
      target[g] = chips_that_fit_up_to(supply_kw_ - draw, d, groups_[g].count);
      draw += static_cast<double>(target[g]) * d;
      if (target[g] < groups_[g].count) break;
    }
    next_ = std::min(g, groups_.size());
    for (std::size_t k = groups_.size(); k > 0; --k) {  // off from the tail first
      if (target[k - 1] < groups_[k - 1].powered) apply(k - 1, target[k - 1], on_change);
    }
    for (std::size_t k = 0; k < groups_.size(); ++k) {
      if (target[k] > groups_[k].powered) apply(k, target[k], on_change);
    }
  }

  const double* draw_kw_;
  std::vector<PowerGroup> groups_;
  std::vector<std::int64_t> powered_by_sku_;
  std::size_t next_ = 0;  ///< first group not fully powered; every group before it is fully powered
  std::int64_t powered_total_ = 0;
  double supply_kw_ = 0;
  bool unlimited_ = false;
  bool full_recompute_ = false;
};

}  // namespace poweron
