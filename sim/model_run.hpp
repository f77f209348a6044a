// One run of the buildout model (SPEC 3): all mutable state of Simulator::run, local to one call.
//
// Chips are counted in groups, never one by one:
//   - a Parcel is never-placed chips of one lot and one owner (ordered, in transit or in the warehouse),
//     or failed chips of one burn-in (rma, then back in the warehouse);
//   - a Placement is chips of one lot placed together at a site, waiting in its FCFS queue;
//   - a Job is k equal chunks of one placement started together by k crews (install, then burn-in);
//   - a PowerGroup (power_allocation.hpp) is chips that finished burn-in together.
// Every change of a chip count goes through log_change, which appends to the StateChange log (or, for a
// run with a RunAccumulator, adds it there instead, keeping no log) and, when invariants are checked,
// keeps the counts the checks use. model_run.cpp holds the run loop, the checks and the events;
// site_process.cpp holds the per-instant site processes (placement, crews, power).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "model_layout.hpp"
#include "poweron/date.hpp"
#include "poweron/inputs.hpp"
#include "poweron/lane_queue.hpp"
#include "poweron/model.hpp"
#include "poweron/run_accumulator.hpp"
#include "poweron/trace.hpp"
#include "huge_pages.hpp"
#include "power_allocation.hpp"

namespace poweron {

/// What an event refers to; its kind is the queue priority (static_cast<int>(EventKind)).
struct EventPayload {
  std::int32_t index = 0;  ///< site, lot, redirection, job, parcel or power source (by kind)
  std::int32_t sub = 0;    ///< phase or power step
};

struct Parcel {
  std::int32_t lot = 0;
  std::int32_t owner = 0;
  std::int32_t dest = -1;       ///< fixed destination site (order's or redirection's); -1 = by priority
  std::int32_t next_in_lot = -1;  ///< next never-placed parcel of the same lot; -1 = none
  ChipState state = ChipState::kOrdered;
  bool returned = false;        ///< failed burn-in once: never moved by a redirection
  std::int64_t count = 0;
  double arrival = 0;           ///< when it entered the warehouse (placement order)
};

struct Placement {
  std::int32_t lot = 0;
  std::int32_t dest = -1;  ///< kept for the placement of RMA returns
  std::int64_t waiting = 0;  ///< chips not yet taken by a crew
};

struct Job {
  std::int32_t site = 0;
  std::int32_t lot = 0;
  std::int32_t dest = -1;
  std::int32_t sku = 0;  ///< the lot's
  std::int64_t chunks = 0;
  std::int64_t chunk_size = 0;
  std::int64_t first_chunk = 0;  ///< index of its first chunk among the chunks of its lot
  std::int64_t chips() const { return chunks * chunk_size; }
};

/// A site's lanes in the model's queue (see ModelRun::seed_lane_).
struct SiteLanes {
  LaneQueue<EventPayload>::LaneId install = 0, burn_in = 0, rma = 0;
};

struct SiteState {
  explicit SiteState(PowerLine line) : power(std::move(line)) {}
  // What the events of the site read, set by ModelRun::start() from the layout and the run's inputs
  // (one place, not three tables apart).
  std::int32_t owner = 0;
  SiteLanes lanes;
  std::int64_t crews = -1;        ///< -1 = unlimited
  double install_rate = 0;       ///< chips per crew-day (may be infinite)
  std::int64_t full_chunk = 0;   ///< chips of a full chunk, max(1, floor(rate)); 0 for an unlimited rate
  double full_chunk_days = 0;    ///< install time of a full chunk: full_chunk / rate
  double burn_in_days = 0;
  double rma_days = 0;
  double failure_rate = 0;

  std::int64_t capacity = 0;  ///< ready phase gpus + initial chips present
  std::int64_t at_site = 0;   ///< queued + installing + burn_in + installed + powered
  std::int64_t busy_crews = 0;
  std::int64_t burned_in = 0;  ///< chips that finished burn-in (cumulative)
  std::int64_t failed = 0;     ///< of which failed (cumulative)
  std::vector<Placement> queue;
  std::size_t queue_head = 0;
  std::vector<std::int32_t> waiting;  ///< warehouse parcels fixed to this site, in warehouse order
  bool listed = false;                ///< in its owner's dest_sites
  PowerLine power;
  std::int64_t free() const { return capacity - at_site; }
  /// Back to the start of a run, keeping the storage.
  void reset() {
    capacity = at_site = busy_crews = burned_in = failed = 0;
    queue.clear();
    queue_head = 0;
    waiting.clear();
    listed = false;
    power.reset();
  }
};

struct OwnerState {
  /// Warehouse parcels without a fixed destination, in warehouse order (arrival, order, lot, parcel
  /// index); those with one wait in their site's `waiting` list instead, so that parcels bound for a
  /// full site cost nothing while the owner places elsewhere.
  std::vector<std::int32_t> warehouse;
  std::vector<std::int32_t> dest_sites;  ///< sites whose `waiting` list may be non-empty
  std::int64_t free_slots = 0;          ///< sum of the free slots of the owner's sites
  std::size_t first_free_position = 0;  ///< sites before this position (owner's priority order) are full
  /// Back to the start of a run, keeping the storage.
  void reset() {
    warehouse.clear();
    dest_sites.clear();
    free_slots = 0;
    first_free_position = 0;
  }
};

class ModelRun {
 public:
  /// Sizes the per-site and per-owner state of `layout` once; start() prepares each run. One ModelRun
  /// may run any number of times in turn, reusing its storage (a sweep's worker keeps one).
  ModelRun(const Scenario& scenario, const ModelLayout& layout);

  /// Prepares a run, clearing every per-run state but keeping the storage. With an `accumulator` (reset
  /// by the caller), changes go there and the returned trace's change log stays empty. inputs, sampler
  /// and accumulator must outlive run().
  void start(const ResolvedInputs& inputs, InputSampler& sampler, const RunOptions& options,
             RunAccumulator* accumulator = nullptr);
  /// Runs what start() prepared.
  SimulationTrace run();
  /// True if this run was built for `layout` (a reused run must belong to the caller's simulator).
  bool uses(const ModelLayout& layout) const { return &layout == &layout_; }

 private:
  using Queue = LaneQueue<EventPayload>;

  // model_run.cpp
  void seed();
  // Schedules an event at snap_time(time) unless that is at or after E + 1; in `lane` if given (see
  // seed_lane_). Inline: every handler schedules its follow-up here.
  void schedule(double time, EventKind kind, EventPayload payload, Queue::LaneId lane = kNoLane) {
    const double t = snap_time(time);
    if (std::isnan(t)) fail_time_not_a_number(kind);
    if (t >= end_time_) return;  // after the simulated period (includes never: +infinity)
    if (lane == kNoLane) {
      queue_.schedule(t, static_cast<int>(kind), payload);
    } else {
      queue_.schedule_in_lane(lane, t, static_cast<int>(kind), payload);
    }
  }
  [[noreturn, gnu::cold]] void fail_time_not_a_number(EventKind kind) const;
  void handle(const Queue::Event& event);
  void on_initial(std::int32_t site);
  void on_phase_ready(std::int32_t site, std::int32_t phase);
  void on_power_change(std::int32_t source, std::int32_t step);
  void on_ship(std::int32_t lot);
  void on_arrive(std::int32_t lot);
  void on_redirect(std::int32_t redirection);
  void on_install_done(std::int32_t job);
  void on_burn_in_end(std::int32_t job);
  void on_rma_return(std::int32_t parcel);
  // Always inlined: every change of a chip count passes here (about ten thousand per replication), and
  // inlined with a constant state, the accumulator's test for an untracked state folds away.
  [[gnu::always_inline]] void log_change(std::int32_t owner, std::int32_t site, std::int32_t sku, ChipState state,
                                         std::int64_t delta) {
    keep_change(owner, site, sku, state, delta);
    if (options_.check_invariants) count_change(owner, site, sku, state, delta);
  }
  // log_change without the invariant counts: to the accumulator, or appended to the change log.
  [[gnu::always_inline]] void keep_change(std::int32_t owner, std::int32_t site, std::int32_t sku, ChipState state,
                                          std::int64_t delta) {
    if (accumulator_ != nullptr) {
      accumulator_->add(now_, owner, site, sku, state, delta);
    } else {
      append_in_huge_pages(trace_.changes, StateChange{now_, owner, site, sku, state, delta});
    }
  }
  void count_change(std::int32_t owner, std::int32_t site, std::int32_t sku, ChipState state, std::int64_t delta);
  // log_change of -n chips in `from` and n in `to`. Between two states of one level, an accumulator takes
  // both in one call (they share the time and the series).
  [[gnu::always_inline]] void move(std::int32_t owner, std::int32_t site, std::int32_t sku, ChipState from,
                                   ChipState to, std::int64_t n) {
    const std::int32_t from_site = is_site_state(from) ? site : -1;
    const std::int32_t to_site = is_site_state(to) ? site : -1;
    if (accumulator_ != nullptr && is_site_state(from) == is_site_state(to)) {
      accumulator_->move(now_, owner, from_site, sku, from, to, n);
    } else {
      keep_change(owner, from_site, sku, from, -n);
      keep_change(owner, to_site, sku, to, n);
    }
    if (options_.check_invariants) {
      count_change(owner, from_site, sku, from, -n);
      count_change(owner, to_site, sku, to, n);
    }
  }
  // Appends an event record when the run records events (sweeps do not: the test is all they pay).
  void record(EventKind kind, std::int32_t owner, std::int32_t site, std::int32_t lot, std::int64_t gpus) {
    if (options_.record_events) [[unlikely]] append_record(kind, owner, site, lot, gpus);
  }
  void append_record(EventKind kind, std::int32_t owner, std::int32_t site, std::int32_t lot, std::int64_t gpus);
  void check_instant();
  [[noreturn]] void fail(const std::string& message) const;

  // site_process.cpp
  void run_site_processes();
  // Schedule a site process for the end of the instant (once per instant each).
  void mark_owner(std::int32_t owner) { mark(owner_dirty_, dirty_owners_, owner); }
  void mark_crews(std::int32_t site) { mark(crews_dirty_, dirty_crews_, site); }
  void mark_power(std::int32_t site) { mark(power_dirty_, dirty_power_, site); }
  static void mark(std::vector<char>& flags, std::vector<std::int32_t>& list, std::int32_t index) {
    if (flags[static_cast<std::size_t>(index)]) return;
    flags[static_cast<std::size_t>(index)] = 1;
    list.push_back(index);
  }
  void slots_freed(std::int32_t site, std::int64_t n);
  void warehouse_insert(std::int32_t parcel);
  void warehouse_erase(std::int32_t parcel);
  std::vector<std::int32_t>& warehouse_list(std::int32_t parcel);
  void place_owner(std::int32_t owner);
  void place(std::int32_t parcel, std::int32_t site, std::int64_t n);
  void assign_crews(std::int32_t site);
  // full: chunks of the site's full chunk size, whose install ends come in order (the site's install lane).
  void start_job(std::int32_t site, const Placement& placement, std::int64_t chunks, std::int64_t size, bool full);
  std::int64_t burn_in_failures(const Job& job);
  void settle_power(std::int32_t site);

  /// Install time of `size` chips at `rate` chips per crew-day: none at an infinite rate, never at rate 0.
  static double install_days(std::int64_t size, double rate) {
    if (!(rate < std::numeric_limits<double>::infinity())) return 0;
    return rate > 0 ? static_cast<double>(size) / rate : std::numeric_limits<double>::infinity();
  }
  // A run into an accumulator that records no events and checks no counts (a sweep's replication) keeps
  // only what the accumulator sums, and it cannot observe changes of states it does not track, nor chips
  // that enter a state and leave it at one time (+n and -n at one time add exactly 0 to its integrals and
  // day counts). Such a run leaves out two kinds of work that only make those changes:
  //  - ship events (ship_events);
  //  - the power line of a site with unlimited power (powers_at_burn_in).
  // Every other run keeps them: its log, events and checks are as SPEC 3 describes them.
  //
  // Whether this run has ship events. A ship event moves chips from `ordered` to `in_transit` and nothing
  // else, neither state one an accumulator follows (one event per lot: 82 of about 2,400 in a replication
  // of the shipped scenario). Without them, an arrival moves the lot's parcels on from `ordered`; every
  // other use of a parcel's state treats the two alike.
  bool ship_events() const {
    static_assert(!RunAccumulator::tracks(ChipState::kOrdered) && !RunAccumulator::tracks(ChipState::kInTransit));
    return !only_accumulated_;
  }
  // Whether chips that pass burn-in at `site` go straight to `powered`. A site with unlimited power powers
  // every chip at the end of the instant it passes burn-in (SPEC 3.4: its whole line fits), so they are
  // `installed` for no time; a run that leaves that out spares the site's power line (3.5% of a sweep's
  // instructions). The line still powers the site's initial chips.
  bool powers_at_burn_in(const SiteState& site) const { return only_accumulated_ && site.power.unlimited(); }
  std::int32_t lot_order(std::int32_t lot) const { return layout_.lots[static_cast<std::size_t>(lot)].order; }
  std::int32_t lot_sku(std::int32_t lot) const { return layout_.orders[static_cast<std::size_t>(lot_order(lot))].sku; }
  std::int32_t site_owner(std::int32_t site) const { return sites_[static_cast<std::size_t>(site)].owner; }

  const Scenario& scenario_;
  const ModelLayout& layout_;
  const double end_time_;  ///< E + 1: events at or after it are not simulated

  // Set by start() for one run.
  const ResolvedInputs* inputs_ = nullptr;
  InputSampler* sampler_ = nullptr;
  RunOptions options_;
  bool sampled_ = false;
  bool keyed_by_hash_ = false;  ///< sampler_->keyed_by_address_hash(): burn-in addresses are hashed, not built
  RunAccumulator* accumulator_ = nullptr;  ///< null: changes are logged
  bool only_accumulated_ = false;  ///< into an accumulator, without events or checks (see ship_events)

  Queue queue_;
  // Lanes of the queue (lane_queue.hpp) for events that come in the order they run. Per site (in its
  // SiteState): install jobs of full chunks (now + chunk / rate), burn-in ends (now + burn_in_days), RMA
  // returns (now + rma_days), each a fixed delay for the run added to a clock that never goes back. And
  // one lane for the events known up front, scheduled in order by seed().
  static constexpr Queue::LaneId kNoLane = ~Queue::LaneId{0};
  Queue::LaneId seed_lane_ = kNoLane;
  double now_ = 0;
  SimulationTrace trace_;

  std::vector<Parcel> parcels_;
  std::vector<std::int32_t> lot_first_parcel_;  ///< per lot: first never-placed parcel
  std::vector<std::int64_t> lot_chunks_;        ///< per lot: chunks started so far
  std::vector<Job> jobs_;
  std::vector<SiteState> sites_;
  std::vector<OwnerState> owners_;
  std::vector<double> source_mw_;  ///< current mw per power source

  // Site processes to run at the end of the instant (flag + list, processed in index order).
  std::vector<char> owner_dirty_, crews_dirty_, power_dirty_, site_touched_;
  std::vector<std::int32_t> dirty_owners_, dirty_crews_, dirty_power_, touched_sites_;

  // Counts behind the invariant checks: [(owner * skus + sku) * 4 + state] for owner-level states,
  // [(site * skus + sku) * 5 + state - 4] for site states; per SKU totals and expected totals.
  std::vector<std::int64_t> owner_counts_, site_counts_, sku_totals_, sku_expected_;
  std::string address_;  ///< scratch buffer for burn-in failure addresses
  /// Per lot: the address hashes of its chunks' burn-in failures by chunk index, as far as computed (kept
  /// from run to run: they do not depend on the seed).
  std::vector<std::vector<std::uint64_t>> chunk_hashes_;
  /// Scratch for seed(): the events whose times are known up front.
  struct Pending {
    double time;
    EventKind kind;
    EventPayload payload;
    std::uint32_t position;  ///< in the order listed
  };
  std::vector<Pending> pending_;
  std::vector<Pending> pending_scratch_;  ///< seed()'s sort
  /// Scratch for place_owner: one warehouse list being served, its next parcel, its site (-1: none).
  struct Cursor {
    std::vector<std::int32_t>* list;
    std::size_t next;
    std::int32_t site;
  };
  std::vector<Cursor> cursors_;
};

}  // namespace poweron
