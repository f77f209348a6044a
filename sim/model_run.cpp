// The run loop, the change log, the invariant checks and the scheduled events of SPEC 3.
#include "model_run.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "poweron/date.hpp"
#include "poweron/result.hpp"
#include "huge_pages.hpp"

namespace poweron {
namespace {

// A zero-duration loop (e.g. fail, return and re-place at one instant) converges; this bounds a bug.
constexpr int kMaxCyclesPerInstant = 1'000'000;

std::string time_text(double time) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.9g", time);
  return buffer;
}

}  // namespace

ModelRun::ModelRun(const Scenario& scenario, const ModelLayout& layout)
    : scenario_(scenario), layout_(layout), end_time_(static_cast<double>(scenario.last_day() + 1)) {
  const std::size_t skus = static_cast<std::size_t>(layout.sku_count);
  const std::size_t site_count = layout.sites.size();
  const std::size_t owner_count = static_cast<std::size_t>(layout.owner_count);
  sites_.reserve(site_count);
  for (std::size_t s = 0; s < site_count; ++s) {
    sites_.emplace_back(PowerLine(layout.draw_kw.data() + s * skus, layout.sku_count, layout.sites[s].unlimited_power));
  }
  owners_.resize(owner_count);
  source_mw_.resize(layout.source_site.size());
  owner_dirty_.resize(owner_count);
  crews_dirty_.resize(site_count);
  power_dirty_.resize(site_count);
  site_touched_.resize(site_count);
  owner_counts_.resize(owner_count * skus * 4);
  site_counts_.resize(site_count * skus * 5);
  sku_totals_.resize(skus);
  lot_chunks_.resize(layout.lots.size());
  chunk_hashes_.resize(layout.lots.size());
  parcels_.reserve(layout.lots.size() + layout.redirections.size() + 16);
  seed_lane_ = queue_.add_lane();
  for (SiteState& site : sites_) site.lanes = {queue_.add_lane(), queue_.add_lane(), queue_.add_lane()};
}

void ModelRun::start(const ResolvedInputs& inputs, InputSampler& sampler, const RunOptions& options,
                     RunAccumulator* accumulator) {
  inputs_ = &inputs;
  sampler_ = &sampler;
  options_ = options;
  sampled_ = sampler.sampled();
  keyed_by_hash_ = sampler.keyed_by_address_hash();
  accumulator_ = accumulator;
  only_accumulated_ = accumulator != nullptr && !options.record_events && !options.check_invariants;
  now_ = 0;
  trace_.changes.clear();
  trace_.events.clear();
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    SiteState& site = sites_[s];
    const LayoutSite& layout = layout_.sites[s];
    const ResolvedSite& in = inputs.sites[s];
    site.reset();
    site.owner = layout.owner;
    site.crews = layout.crews;
    site.failure_rate = layout.failure_rate;
    site.install_rate = in.install_rate;
    // A crew takes at most floor(rate) chips at once (at least one); at an unlimited rate, a placement.
    site.full_chunk =
        in.install_rate < 4e18 ? std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(in.install_rate))) : 0;
    site.full_chunk_days = install_days(site.full_chunk, in.install_rate);
    site.burn_in_days = in.burn_in_days;
    site.rma_days = in.rma_days;
  }
  for (OwnerState& owner : owners_) owner.reset();
  for (auto* flags : {&owner_dirty_, &crews_dirty_, &power_dirty_, &site_touched_}) {
    std::fill(flags->begin(), flags->end(), 0);
  }
  for (auto* list : {&dirty_owners_, &dirty_crews_, &dirty_power_, &touched_sites_}) list->clear();
  for (auto* counts : {&owner_counts_, &site_counts_, &sku_totals_, &lot_chunks_}) {
    std::fill(counts->begin(), counts->end(), 0);
  }
  std::fill(source_mw_.begin(), source_mw_.end(), 0.0);
  sku_expected_ = layout_.ordered_by_sku;
  parcels_.clear();
  jobs_.clear();
  cursors_.clear();
  // Runs log ~50-70 changes and ~35-50 events per lot (the shipped scenario, the generated large one).
  // Reserving generously costs address space only: pages are faulted in when first written, so the
  // headroom saves the copies and the re-faulting of doubling without raising the resident memory.
  if (accumulator_ == nullptr) {
    reserve_in_huge_pages(trace_.changes, layout_.lots.size() * 96 + layout_.orders.size() + 64);
  }
  if (options.record_events) reserve_in_huge_pages(trace_.events, layout_.lots.size() * 64 + 64);
}

SimulationTrace ModelRun::run() {
  seed();
  while (!queue_.empty()) {
    const double t = queue_.next_time();
    if (t >= end_time_) break;
    now_ = t;
    int cycles = 0;
    do {
      do handle(queue_.step()); while (queue_.next_at_now());  // the queue's now() is t from here on
      run_site_processes();
      if (++cycles > kMaxCyclesPerInstant) fail("the instant does not settle (zero-duration loop)");
    } while (queue_.next_at_now());
    if (options_.check_invariants) check_instant();
  }
  return std::move(trace_);
}

// Every order's chips start `ordered` (logged at kBeforeStart); then every event whose time is known
// up front is scheduled, the queue starting at the earliest of them (times before `start` are negative).
void ModelRun::seed() {
  now_ = kBeforeStart;
  lot_first_parcel_.resize(layout_.lots.size());
  for (std::size_t o = 0; o < layout_.orders.size(); ++o) {
    const LayoutOrder& order = layout_.orders[o];
    log_change(order.owner, -1, order.sku, ChipState::kOrdered, order.quantity);
    for (std::int32_t k = 0; k < order.lot_count; ++k) {
      const std::int32_t lot = order.first_lot + k;
      Parcel parcel;
      parcel.lot = lot;
      parcel.owner = order.owner;
      parcel.dest = order.site;
      parcel.count = layout_.lots[static_cast<std::size_t>(lot)].quantity;
      lot_first_parcel_[static_cast<std::size_t>(lot)] = static_cast<std::int32_t>(parcels_.size());
      parcels_.push_back(parcel);
    }
  }

  std::vector<Pending>& pending = pending_;
  pending.clear();
  pending.reserve(layout_.lots.size() * 2 + layout_.sites.size() * 4 + layout_.redirections.size());
  auto add = [&](double time, EventKind kind, std::int32_t index, std::int32_t sub) {
    const double t = snap_time(time);
    if (std::isnan(t) || t == -std::numeric_limits<double>::infinity()) {
      throw InternalError("model: an input time is not finite (" + std::string(to_string(kind)) + " event)");
    }
    if (t < end_time_) pending.push_back({t, kind, {index, sub}, static_cast<std::uint32_t>(pending.size())});
  };
  for (std::size_t s = 0; s < layout_.sites.size(); ++s) {
    const auto site = static_cast<std::int32_t>(s);
    if (!layout_.sites[s].initial.empty()) add(0.0, EventKind::kInitial, site, 0);
    const ResolvedSite& in = inputs_->sites[s];
    for (std::size_t p = 0; p < in.phase_ready_time.size(); ++p) {
      add(in.phase_ready_time[p], EventKind::kPhaseReady, site, static_cast<std::int32_t>(p));
    }
    for (std::size_t k = 0; k < in.power.size(); ++k) {
      for (std::size_t step = 0; step < in.power[k].size(); ++step) {
        add(in.power[k][step].time, EventKind::kPowerChange,
            layout_.sites[s].first_source + static_cast<std::int32_t>(k), static_cast<std::int32_t>(step));
      }
    }
  }
  for (std::size_t o = 0; o < layout_.orders.size(); ++o) {
    const LayoutOrder& order = layout_.orders[o];
    const ResolvedOrder& in = inputs_->orders[o];
    for (std::int32_t k = 0; k < order.lot_count; ++k) {
      const double ship = in.ship_time + in.slip_days + k * order.lot_interval_days;
      if (ship_events()) add(ship, EventKind::kShip, order.first_lot + k, 0);
      add(ship + in.transit_days[static_cast<std::size_t>(k)], EventKind::kArrive, order.first_lot + k, 0);
    }
  }
  for (std::size_t r = 0; r < layout_.redirections.size(); ++r) {
    add(inputs_->redirection_time[r], EventKind::kRedirectOut, static_cast<std::int32_t>(r), 0);
  }

  // In the order they will run, they form one lane: (time, kind), then the order they were listed in,
  // which is the order schedule() would have given them (their ids, the last tie-break, keep it). A
  // stable LSD radix sort, by kind and then by the bytes of the time's queue key (the queue's own order
  // of times), keeps the listed order among ties; a byte every key shares takes no pass. (A comparison
  // sort mispredicted about half its comparisons of these ~200 events, every replication.)
  std::vector<Pending>& scratch = pending_scratch_;
  scratch.resize(pending.size());
  std::array<std::uint32_t, 256> counts{};
  auto pass = [&](auto digit) {
    counts.fill(0);
    for (const Pending& p : pending) ++counts[digit(p)];
    if (pending.empty() || counts[digit(pending.front())] == pending.size()) return;
    std::uint32_t start = 0;
    for (std::uint32_t& count : counts) start += std::exchange(count, start);
    for (const Pending& p : pending) scratch[counts[digit(p)]++] = p;
    pending.swap(scratch);
  };
  pass([](const Pending& p) { return static_cast<std::uint8_t>(p.kind); });
  for (int shift = 0; shift < 64; shift += 8) {
    pass([shift](const Pending& p) { return static_cast<std::uint8_t>(detail::time_key(p.time) >> shift); });
  }
  queue_.restart(pending.empty() ? 0.0 : std::min(0.0, pending.front().time));
  for (const Pending& p : pending) queue_.schedule_in_lane(seed_lane_, p.time, static_cast<int>(p.kind), p.payload);
}

void ModelRun::fail_time_not_a_number(EventKind kind) const {
  fail("an event time is not a number (" + std::string(to_string(kind)) + ")");
}

void ModelRun::handle(const Queue::Event& event) {
  const EventPayload& p = event.payload;
  switch (static_cast<EventKind>(event.priority)) {
    case EventKind::kInitial: on_initial(p.index); break;
    case EventKind::kPhaseReady: on_phase_ready(p.index, p.sub); break;
    case EventKind::kPowerChange: on_power_change(p.index, p.sub); break;
    case EventKind::kShip: on_ship(p.index); break;
    case EventKind::kArrive: on_arrive(p.index); break;
    case EventKind::kRedirectOut: on_redirect(p.index); break;
    case EventKind::kInstallDone: on_install_done(p.index); break;
    case EventKind::kBurnInPass: on_burn_in_end(p.index); break;
    case EventKind::kRmaReturn: on_rma_return(p.index); break;
    default: fail("unexpected scheduled event kind " + std::to_string(event.priority));
  }
}

// Initial chips enter `installed` at time 0, ahead of every chip in the site's power order, and bring
// their own slots (so free slots are unchanged).
void ModelRun::on_initial(std::int32_t site) {
  const LayoutSite& layout = layout_.sites[static_cast<std::size_t>(site)];
  SiteState& state = sites_[static_cast<std::size_t>(site)];
  std::vector<PowerGroup> groups;
  for (const auto& [sku, count] : layout.initial) {
    log_change(layout.owner, site, sku, ChipState::kInstalled, count);
    sku_expected_[static_cast<std::size_t>(sku)] += count;
    state.capacity += count;
    state.at_site += count;
    record(EventKind::kInitial, layout.owner, site, -1, count);
    groups.push_back({sku, -1, -1, count, 0});
  }
  state.power.prepend(groups);
  mark_power(site);
}

void ModelRun::on_phase_ready(std::int32_t site, std::int32_t phase) {
  const LayoutSite& layout = layout_.sites[static_cast<std::size_t>(site)];
  const std::int64_t gpus = layout.phase_gpus[static_cast<std::size_t>(phase)];
  sites_[static_cast<std::size_t>(site)].capacity += gpus;
  slots_freed(site, gpus);
  record(EventKind::kPhaseReady, layout.owner, site, -1, gpus);
}

// The source now supplies this step's mw; the site's supply is the sum over its sources. The record's
// gpus is the site's power slots afterwards (as in timeline.csv).
void ModelRun::on_power_change(std::int32_t source, std::int32_t step) {
  const std::int32_t site = layout_.source_site[static_cast<std::size_t>(source)];
  const LayoutSite& layout = layout_.sites[static_cast<std::size_t>(site)];
  const auto local = static_cast<std::size_t>(layout_.source_local[static_cast<std::size_t>(source)]);
  source_mw_[static_cast<std::size_t>(source)] =
      inputs_->sites[static_cast<std::size_t>(site)].power[local][static_cast<std::size_t>(step)].mw;
  double supply_mw = 0;
  for (std::int32_t k = 0; k < layout.source_count; ++k) {
    supply_mw += source_mw_[static_cast<std::size_t>(layout.first_source + k)];
  }
  PowerLine& line = sites_[static_cast<std::size_t>(site)].power;
  line.set_supply_kw(supply_mw * 1000.0);
  mark_power(site);
  record(EventKind::kPowerChange, layout.owner, site, -1, chips_that_fit(line.supply_kw(), layout.power_slot_kw));
}

void ModelRun::on_ship(std::int32_t lot) {
  const std::int32_t sku = lot_sku(lot);
  for (std::int32_t p = lot_first_parcel_[static_cast<std::size_t>(lot)]; p >= 0;
       p = parcels_[static_cast<std::size_t>(p)].next_in_lot) {
    Parcel& parcel = parcels_[static_cast<std::size_t>(p)];
    if (parcel.state != ChipState::kOrdered || parcel.count == 0) continue;
    move(parcel.owner, -1, sku, ChipState::kOrdered, ChipState::kInTransit, parcel.count);
    parcel.state = ChipState::kInTransit;
    record(EventKind::kShip, parcel.owner, -1, lot, parcel.count);
  }
}

void ModelRun::on_arrive(std::int32_t lot) {
  const std::int32_t sku = lot_sku(lot);
  for (std::int32_t p = lot_first_parcel_[static_cast<std::size_t>(lot)]; p >= 0;
       p = parcels_[static_cast<std::size_t>(p)].next_in_lot) {
    Parcel& parcel = parcels_[static_cast<std::size_t>(p)];
    const bool in_transit =
        parcel.state == ChipState::kInTransit || (!ship_events() && parcel.state == ChipState::kOrdered);
    if (!in_transit || parcel.count == 0) continue;
    // Logged from `in_transit` also for a parcel still `ordered` without ship events: no one sees either.
    move(parcel.owner, -1, sku, ChipState::kInTransit, ChipState::kWarehouse, parcel.count);
    parcel.state = ChipState::kWarehouse;
    parcel.arrival = now_;
    warehouse_insert(p);
    mark_owner(parcel.owner);
    record(EventKind::kArrive, parcel.owner, -1, lot, parcel.count);
  }
}

// SPEC 3.6: never-placed chips of the order not owned by `to`, in lot order (and within a lot in the
// order its parts were split off), up to the quantity. A part that is moved keeps its schedule and its
// warehouse position (arrival, order, lot); a lot is split when only part of it is needed.
void ModelRun::on_redirect(std::int32_t redirection) {
  const LayoutRedirection& r = layout_.redirections[static_cast<std::size_t>(redirection)];
  const LayoutOrder& order = layout_.orders[static_cast<std::size_t>(r.order)];
  std::int64_t remaining = r.quantity < 0 ? std::numeric_limits<std::int64_t>::max() : r.quantity;
  // Destination: the redirection's site; else the order's fixed site if the chips go back to the
  // order's owner; else the new owner's sites by priority.
  const std::int32_t dest = r.site >= 0 ? r.site : (r.to == order.owner ? order.site : -1);
  for (std::int32_t k = 0; k < order.lot_count && remaining > 0; ++k) {
    const std::int32_t lot = order.first_lot + k;
    for (std::int32_t p = lot_first_parcel_[static_cast<std::size_t>(lot)]; p >= 0 && remaining > 0;
         p = parcels_[static_cast<std::size_t>(p)].next_in_lot) {
      const Parcel current = parcels_[static_cast<std::size_t>(p)];
      if (current.owner == r.to || current.count == 0 || current.returned) continue;
      const std::int64_t n = std::min(current.count, remaining);
      std::int32_t moved = p;
      if (n < current.count) {  // split: the moved part becomes a new parcel right after this one
        Parcel part = current;
        part.count = n;
        moved = static_cast<std::int32_t>(parcels_.size());
        parcels_[static_cast<std::size_t>(p)].count -= n;
        parcels_[static_cast<std::size_t>(p)].next_in_lot = moved;
        parcels_.push_back(part);
      } else if (current.state == ChipState::kWarehouse) {
        warehouse_erase(p);
      }
      Parcel& target = parcels_[static_cast<std::size_t>(moved)];
      target.owner = r.to;
      target.dest = dest;
      log_change(current.owner, -1, order.sku, current.state, -n);
      log_change(r.to, -1, order.sku, current.state, n);
      if (current.state == ChipState::kWarehouse) {
        warehouse_insert(moved);
        mark_owner(r.to);
      }
      record(EventKind::kRedirectOut, current.owner, -1, lot, n);
      record(EventKind::kRedirectIn, r.to, r.site, lot, n);
      remaining -= n;
    }
  }
}

void ModelRun::on_install_done(std::int32_t job_index) {
  const Job& job = jobs_[static_cast<std::size_t>(job_index)];
  SiteState& site = sites_[static_cast<std::size_t>(job.site)];
  move(site.owner, job.site, job.sku, ChipState::kInstalling, ChipState::kBurnIn, job.chips());
  record(EventKind::kInstallDone, site.owner, job.site, job.lot, job.chips());
  site.busy_crews -= job.chunks;
  mark_crews(job.site);
  schedule(now_ + site.burn_in_days, EventKind::kBurnInPass, {job_index, 0}, site.lanes.burn_in);
}

// End of a job's burn-in: survivors are `installed` (last in power order; or `powered` at once, see
// powers_at_burn_in); failures leave the site as `rma`, freeing their slots, and come back to the owner's
// warehouse rma_days later.
void ModelRun::on_burn_in_end(std::int32_t job_index) {
  const Job job = jobs_[static_cast<std::size_t>(job_index)];
  SiteState& site = sites_[static_cast<std::size_t>(job.site)];
  const std::int32_t owner = site.owner;
  const std::int32_t sku = job.sku;
  const std::int64_t failures = burn_in_failures(job);
  const std::int64_t survivors = job.chips() - failures;
  site.burned_in += job.chips();
  site.failed += failures;
  if (survivors > 0 && powers_at_burn_in(site)) {
    move(owner, job.site, sku, ChipState::kBurnIn, ChipState::kPowered, survivors);
  } else if (survivors > 0) {
    move(owner, job.site, sku, ChipState::kBurnIn, ChipState::kInstalled, survivors);
    site.power.append({sku, lot_order(job.lot), job.lot, survivors, 0});
    mark_power(job.site);
    record(EventKind::kBurnInPass, owner, job.site, job.lot, survivors);
  }
  if (failures > 0) {
    log_change(owner, job.site, sku, ChipState::kBurnIn, -failures);
    log_change(owner, -1, sku, ChipState::kRma, failures);
    site.at_site -= failures;
    slots_freed(job.site, failures);
    record(EventKind::kBurnInFail, owner, job.site, job.lot, failures);
    Parcel parcel;
    parcel.lot = job.lot;
    parcel.owner = owner;
    parcel.dest = job.dest;
    parcel.state = ChipState::kRma;
    parcel.returned = true;
    parcel.count = failures;
    const auto index = static_cast<std::int32_t>(parcels_.size());
    parcels_.push_back(parcel);
    schedule(now_ + site.rma_days, EventKind::kRmaReturn, {index, 0}, site.lanes.rma);
  }
}

void ModelRun::on_rma_return(std::int32_t index) {
  Parcel& parcel = parcels_[static_cast<std::size_t>(index)];
  move(parcel.owner, -1, lot_sku(parcel.lot), ChipState::kRma, ChipState::kWarehouse, parcel.count);
  parcel.state = ChipState::kWarehouse;
  parcel.arrival = now_;
  warehouse_insert(index);
  mark_owner(parcel.owner);
  record(EventKind::kRmaReturn, parcel.owner, -1, parcel.lot, parcel.count);
}

// Out of line: log_change is inlined everywhere, and this runs only when invariants are checked.
[[gnu::noinline]] void ModelRun::count_change(std::int32_t owner, std::int32_t site, std::int32_t sku,
                                              ChipState state, std::int64_t delta) {
  const auto skus = static_cast<std::size_t>(layout_.sku_count);
  const auto s = static_cast<std::size_t>(state);
  std::int64_t* count = nullptr;
  if (site < 0) {
    count = &owner_counts_[(static_cast<std::size_t>(owner) * skus + static_cast<std::size_t>(sku)) * 4 + s];
  } else {
    count = &site_counts_[(static_cast<std::size_t>(site) * skus + static_cast<std::size_t>(sku)) * 5 + s - 4];
    if (!site_touched_[static_cast<std::size_t>(site)]) {
      site_touched_[static_cast<std::size_t>(site)] = 1;
      touched_sites_.push_back(site);
    }
  }
  *count += delta;
  sku_totals_[static_cast<std::size_t>(sku)] += delta;
  if (*count < 0) {
    fail(std::string("negative count of ") + std::string(to_string(state)) + " chips of sku " +
         scenario_.skus[static_cast<std::size_t>(sku)].id + " for owner " +
         scenario_.owners[static_cast<std::size_t>(owner)].id +
         (site >= 0 ? " at site " + scenario_.sites[static_cast<std::size_t>(site)].id : std::string()));
  }
}

void ModelRun::append_record(EventKind kind, std::int32_t owner, std::int32_t site, std::int32_t lot,
                             std::int64_t gpus) {
  const std::int32_t order = lot >= 0 ? lot_order(lot) : -1;
  const std::int32_t index = lot >= 0 ? layout_.lots[static_cast<std::size_t>(lot)].index : -1;
  append_in_huge_pages(trace_.events, EventRecord{now_, kind, owner, site, order, index, gpus});
}

// After every instant: conservation per SKU, and for each site touched in the instant, that the log's
// counts agree with the model's own (chips at the site, powered), chips <= slots, powered <= slots and,
// with a limited supply, powered draw <= supply and powered <= power slots.
void ModelRun::check_instant() {
  const auto skus = static_cast<std::size_t>(layout_.sku_count);
  for (std::size_t k = 0; k < skus; ++k) {
    if (sku_totals_[k] != sku_expected_[k]) {
      fail("conservation of sku " + scenario_.skus[k].id + ": chips over all states " +
           std::to_string(sku_totals_[k]) + " != ordered + initial " + std::to_string(sku_expected_[k]));
    }
  }
  for (const std::int32_t s : touched_sites_) {
    const auto site = static_cast<std::size_t>(s);
    site_touched_[site] = 0;
    const SiteState& state = sites_[site];
    const std::string& id = scenario_.sites[site].id;
    std::int64_t at_site = 0;
    std::int64_t powered = 0;
    for (std::size_t k = 0; k < skus; ++k) {
      for (std::size_t j = 0; j < 5; ++j) at_site += site_counts_[(site * skus + k) * 5 + j];
      powered += site_counts_[(site * skus + k) * 5 + 4];
    }
    if (at_site != state.at_site) {
      fail("site " + id + ": the log holds " + std::to_string(at_site) + " chips, the model " +
           std::to_string(state.at_site));
    }
    if (at_site > state.capacity) {
      fail("site " + id + " holds " + std::to_string(at_site) + " chips in " + std::to_string(state.capacity) +
           " slots");
    }
    if (powered != state.power.powered()) {
      fail("site " + id + ": the log has " + std::to_string(powered) + " powered chips, the power order " +
           std::to_string(state.power.powered()));
    }
    if (!state.power.unlimited()) {
      const double supply = state.power.supply_kw();
      const std::int64_t power_slots =
          chips_that_fit(supply, layout_.sites[site].power_slot_kw);
      if (state.power.draw_kw() > supply + 1e-6 * std::max(1.0, supply) || powered > power_slots) {
        fail("site " + id + ": " + std::to_string(powered) + " powered chips draw " +
             time_text(state.power.draw_kw()) + " kW of a " + time_text(supply) + " kW supply");
      }
    }
  }
  touched_sites_.clear();
}

void ModelRun::fail(const std::string& message) const {
  throw InternalError("model invariant violated at t=" + time_text(now_) + ": " + message);
}

}  // namespace poweron
