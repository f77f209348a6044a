#include "poweron/run_accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "poweron/result.hpp"
#include "id_index.hpp"

namespace poweron {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The finest ticks (2^-k day, k <= 32) at which every integral of the scenario stays below 2^62 ticks:
/// no count exceeds all chips of the scenario, and no integral runs longer than E + 1 days.
int tick_bits_for(const Scenario& scenario) {
  const double chips = static_cast<double>(scenario.total_chips()) + 1;
  const double bound = chips * static_cast<double>(scenario.last_day() + 1);
  const int bits = 62 - std::ilogb(bound) - 1;  // bound < 2^(ilogb + 1)
  if (bits < 0) throw InternalError("scenario too large to integrate: chips x days exceeds 2^62");
  return std::min(bits, 32);
}

}  // namespace

RunAccumulator::RunAccumulator(const Scenario& scenario)
    : scenario_(&scenario),
      owners_(scenario.owners.size()),
      skus_(scenario.skus.size()),
      days_(static_cast<std::size_t>(scenario.last_day() + 1)),
      last_day_(scenario.last_day()),
      horizon_(static_cast<double>(scenario.last_day() + 1)),
      tick_bits_(tick_bits_for(scenario)),
      tick_scale_(std::ldexp(1.0, tick_bits_)),
      horizon_ticks_(static_cast<std::uint64_t>(scenario.last_day() + 1) << tick_bits_),
      owner_series_(scenario.owners.size() * scenario.skus.size()) {
  const IdIndex owners(scenario.owners);
  const IdIndex skus(scenario.skus);
  site_owner_.reserve(scenario.sites.size());
  for (const Site& site : scenario.sites) {
    site_owner_.push_back(static_cast<std::int32_t>(owners.at(site.owner, "owner", "sites." + site.id)));
  }
  std::size_t sku_rows = 0;
  for (const Owner& owner : scenario.owners) {
    bool by_sku = false;
    for (const Target& target : owner.targets) {
      target_sku_.push_back(target.sku ? static_cast<std::int32_t>(skus.at(*target.sku, "sku", "owners." + owner.id))
                                       : -1);
      by_sku = by_sku || target.sku.has_value();
    }
    sku_powered_row_.push_back(by_sku ? static_cast<std::int32_t>(sku_rows) : -1);
    if (by_sku) sku_rows += skus_;
  }
  sku_powered_deltas_.assign(sku_rows * days_, 0);
  tick_sums_.assign(owner_series_ + scenario.sites.size() * skus_ * kSiteStates, 0);
  day_deltas_.assign(owners_ * kTrackedStateCount * days_, 0);
}

void RunAccumulator::reset() {
  std::fill(tick_sums_.begin(), tick_sums_.end(), 0);
  std::fill(day_deltas_.begin(), day_deltas_.end(), 0);
  std::fill(sku_powered_deltas_.begin(), sku_powered_deltas_.end(), 0);
  last_time_ = kNaN;
  ticks_left_ = 0;
  column_ = 0;
  past_horizon_ = false;
}

RunMetrics RunAccumulator::metrics() const {
  RunMetrics result;
  metrics_into(result);
  return result;
}

void RunAccumulator::metrics_into(RunMetrics& out) const {
  const Scenario& scenario = *scenario_;
  // GPU-day integrals first, exact in ticks; priced and summed only at the end, so that e.g. 1370 GPU-days
  // x 1000 TFLOPS / 1e6 gives 1.37 and not 1.3699999999999999.
  auto gpu_days = [this](std::uint64_t ticks) {
    return static_cast<double>(static_cast<std::int64_t>(ticks)) / tick_scale_;
  };
  // Per owner, then all: ticks of powered, warehouse, queued and unpowered (the base metrics 0..3).
  std::vector<std::array<std::uint64_t, 4>> state_ticks(owners_ + 1, {0, 0, 0, 0});
  std::vector<std::uint64_t> powered_ticks(owners_ * skus_, 0);  // [owner][sku]
  std::vector<std::uint64_t> idle_ticks(owners_ * skus_, 0);     // [owner][sku]
  std::vector<double> powered_pue_days(owners_ * skus_, 0.0);    // [owner][sku], weighted by the site's pue
  for (std::size_t i = 0; i < owner_series_; ++i) {  // warehouse of (owner, sku)
    state_ticks[i / skus_][kWarehouseGpuDays] += tick_sums_[i];
    idle_ticks[i] += tick_sums_[i];
  }
  for (std::size_t site = 0; site < site_owner_.size(); ++site) {
    const auto owner = static_cast<std::size_t>(site_owner_[site]);
    const double pue = scenario.sites[site].pue;
    for (std::size_t sku = 0; sku < skus_; ++sku) {
      const std::uint64_t* series = tick_sums_.data() + owner_series_ + (site * skus_ + sku) * kSiteStates;
      const std::size_t os = owner * skus_ + sku;
      state_ticks[owner][kPoweredGpuDays] += series[0];
      powered_ticks[os] += series[0];
      powered_pue_days[os] += gpu_days(series[0]) * pue;
      state_ticks[owner][kQueuedGpuDays] += series[1];
      state_ticks[owner][kUnpoweredGpuDays] += series[2];
      idle_ticks[os] += series[1] + series[2];
    }
  }
  std::vector<std::array<double, kBaseMetricCount>> base(owners_ + 1);
  for (std::size_t o = 0; o <= owners_; ++o) {
    if (o < owners_) {
      for (std::size_t k = 0; k < 4; ++k) state_ticks[owners_][k] += state_ticks[o][k];
    }
    base[o].fill(0.0);
    for (std::size_t k = 0; k < 4; ++k) base[o][k] = gpu_days(state_ticks[o][k]);
    base[o][kIdleGpuDays] = gpu_days(state_ticks[o][kWarehouseGpuDays] + state_ticks[o][kQueuedGpuDays] +
                                     state_ticks[o][kUnpoweredGpuDays]);
  }

  // Numerators of the priced metrics (before / 365, / 1e6, / 1000), per owner and for all.
  std::vector<double> capital(owners_ + 1, 0.0), compute(owners_ + 1, 0.0), energy(owners_ + 1, 0.0);
  for (std::size_t o = 0; o < owners_; ++o) {
    for (std::size_t k = 0; k < skus_; ++k) {
      const Sku& sku = scenario.skus[k];
      capital[o] += gpu_days(idle_ticks[o * skus_ + k]) * sku.price * scenario.owners[o].cost_of_capital;
      compute[o] += gpu_days(powered_ticks[o * skus_ + k]) * sku.tflops;
      energy[o] += powered_pue_days[o * skus_ + k] * sku.power_kw * 24.0;
    }
    capital[owners_] += capital[o];
    compute[owners_] += compute[o];
    energy[owners_] += energy[o];
  }

  out.values.resize(owners_ + 1);
  for (std::size_t o = 0; o <= owners_; ++o) {
    auto& m = base[o];
    if (o < owners_) {
      const std::span<const std::int64_t> powered = day_deltas(o, 0);
      m[kFinalPowered] = static_cast<double>(std::accumulate(powered.begin(), powered.end(), std::int64_t{0}));
      base[owners_][kFinalPowered] += m[kFinalPowered];
    }
    m[kIdleCapitalCost] = capital[o] / 365.0;
    m[kComputeEflopDays] = compute[o] / 1e6;
    m[kEnergyMwh] = energy[o] / 1000.0;
    out.values[o].assign(m.begin(), m.end());
  }

  // Targets: the first day whose powered count (of the target's SKU, or all) reaches target.powered, and
  // the count at the end of the judged day.
  std::size_t target_index = 0;
  for (std::size_t o = 0; o < owners_; ++o) {
    std::vector<double>& values = out.values[o];
    for (const Target& target : scenario.owners[o].targets) {
      const std::int32_t target_sku = target_sku_[target_index++];
      const auto sku_row = static_cast<std::size_t>(sku_powered_row_[o]) + static_cast<std::size_t>(target_sku);
      const std::int64_t* powered =
          target_sku < 0 ? day_deltas(o, 0).data() : sku_powered_deltas_.data() + sku_row * days_;
      const auto judged_day = static_cast<std::size_t>(
          std::clamp(static_cast<std::int64_t>(target.date) - scenario.start, std::int64_t{0}, last_day_));
      std::int64_t running = 0;
      std::int64_t judged = 0;
      std::size_t reached = days_;
      for (std::size_t d = 0; d < days_; ++d) {
        running += powered[d];
        if (d == judged_day) judged = running;
        if (reached == days_ && running >= target.powered) reached = d;
        if (reached != days_ && d >= judged_day) break;
      }
      values.push_back(reached == days_ ? kNaN
                                        : static_cast<double>(scenario.start) + static_cast<double>(reached));
      values.push_back(static_cast<double>(std::max<std::int64_t>(target.powered - judged, 0)));
    }
  }
}

}  // namespace poweron
