// The site processes that run after the events of an instant (SPEC 3 "Instants"): placement from the
// owners' warehouses (3.2), crew assignment (3.3) and the power prefix (3.4). Each runs only where
// something changed in the instant (dirty lists), in index order.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>

#include "model_run.hpp"
#include "poweron/random.hpp"
#include "poweron/result.hpp"

namespace poweron {

void ModelRun::run_site_processes() {
  if (!dirty_owners_.empty()) {
    if (dirty_owners_.size() > 1) std::sort(dirty_owners_.begin(), dirty_owners_.end());
    for (const std::int32_t o : dirty_owners_) {
      owner_dirty_[static_cast<std::size_t>(o)] = 0;
      place_owner(o);
    }
    dirty_owners_.clear();
  }
  if (!dirty_crews_.empty()) {
    if (dirty_crews_.size() > 1) std::sort(dirty_crews_.begin(), dirty_crews_.end());
    for (const std::int32_t s : dirty_crews_) {
      crews_dirty_[static_cast<std::size_t>(s)] = 0;
      assign_crews(s);
    }
    dirty_crews_.clear();
  }
  if (!dirty_power_.empty()) {
    if (dirty_power_.size() > 1) std::sort(dirty_power_.begin(), dirty_power_.end());
    for (const std::int32_t s : dirty_power_) {
      power_dirty_[static_cast<std::size_t>(s)] = 0;
      settle_power(s);
    }
    dirty_power_.clear();
  }
}

// A site gained n free slots (a phase became ready, chips failed burn-in): its owner may place again.
void ModelRun::slots_freed(std::int32_t site, std::int64_t n) {
  if (n <= 0) return;
  const LayoutSite& layout = layout_.sites[static_cast<std::size_t>(site)];
  OwnerState& owner = owners_[static_cast<std::size_t>(layout.owner)];
  owner.free_slots += n;
  owner.first_free_position = std::min(owner.first_free_position, static_cast<std::size_t>(layout.position));
  mark_owner(layout.owner);
}

namespace {

// Warehouse order (SPEC 3.2): arrival time, then order id, then lot index (lots are laid out by order
// then index, so the global lot index orders both), then the parcel's creation.
struct WarehouseLess {
  const std::vector<Parcel>& parcels;
  bool operator()(std::int32_t a, std::int32_t b) const {
    const Parcel& x = parcels[static_cast<std::size_t>(a)];
    const Parcel& y = parcels[static_cast<std::size_t>(b)];
    if (x.arrival != y.arrival) return x.arrival < y.arrival;
    if (x.lot != y.lot) return x.lot < y.lot;
    return a < b;
  }
};

}  // namespace

std::vector<std::int32_t>& ModelRun::warehouse_list(std::int32_t parcel) {
  const Parcel& p = parcels_[static_cast<std::size_t>(parcel)];
  if (p.dest < 0) return owners_[static_cast<std::size_t>(p.owner)].warehouse;
  if (site_owner(p.dest) != p.owner) fail("a parcel is bound for a site of another owner");
  return sites_[static_cast<std::size_t>(p.dest)].waiting;
}

void ModelRun::warehouse_insert(std::int32_t parcel) {
  std::vector<std::int32_t>& list = warehouse_list(parcel);
  const Parcel& p = parcels_[static_cast<std::size_t>(parcel)];
  if (p.dest >= 0 && !sites_[static_cast<std::size_t>(p.dest)].listed) {
    sites_[static_cast<std::size_t>(p.dest)].listed = true;
    owners_[static_cast<std::size_t>(p.owner)].dest_sites.push_back(p.dest);
  }
  const WarehouseLess less{parcels_};
  list.insert(std::upper_bound(list.begin(), list.end(), parcel, less), parcel);
}

void ModelRun::warehouse_erase(std::int32_t parcel) {
  std::vector<std::int32_t>& list = warehouse_list(parcel);
  const WarehouseLess less{parcels_};
  const auto at = std::lower_bound(list.begin(), list.end(), parcel, less);
  if (at == list.end() || *at != parcel) fail("a parcel is missing from its owner's warehouse");
  list.erase(at);
}

// SPEC 3.2: the owner's warehouse in order (a merge of the list without destination and the lists of
// the destination sites that have a free slot); a parcel with a destination goes there only, others
// fill the owner's sites in (priority, id) order. A parcel that does not fit stays and does not block
// those behind it: when one bound for site D stays, D is full and its list is skipped; when one
// without destination stays, every site of the owner is full and placement ends. So the parcels
// placed are a prefix of each list.
void ModelRun::place_owner(std::int32_t owner_index) {
  OwnerState& owner = owners_[static_cast<std::size_t>(owner_index)];
  if (owner.free_slots <= 0) return;
  cursors_.clear();
  if (!owner.warehouse.empty()) cursors_.push_back({&owner.warehouse, 0, -1});
  std::size_t listed = 0;
  for (const std::int32_t s : owner.dest_sites) {
    SiteState& site = sites_[static_cast<std::size_t>(s)];
    if (site.waiting.empty()) {
      site.listed = false;
      continue;
    }
    owner.dest_sites[listed++] = s;
    if (site.free() > 0) cursors_.push_back({&site.waiting, 0, s});
  }
  owner.dest_sites.resize(listed);

  const WarehouseLess less{parcels_};
  const auto& sites = layout_.owner_sites[static_cast<std::size_t>(owner_index)];
  while (owner.free_slots > 0) {
    Cursor* best = nullptr;
    for (Cursor& c : cursors_) {
      if (c.next >= c.list->size()) continue;
      if (c.site >= 0 && sites_[static_cast<std::size_t>(c.site)].free() <= 0) continue;
      if (best == nullptr || less((*c.list)[c.next], (*best->list)[best->next])) best = &c;
    }
    if (best == nullptr) break;
    const std::int32_t p = (*best->list)[best->next];
    if (best->site >= 0) {
      place(p, best->site,
            std::min(parcels_[static_cast<std::size_t>(p)].count, sites_[static_cast<std::size_t>(best->site)].free()));
    } else {
      for (std::size_t pos = owner.first_free_position;
           pos < sites.size() && parcels_[static_cast<std::size_t>(p)].count > 0; ++pos) {
        const std::int32_t s = sites[pos];
        const std::int64_t free = sites_[static_cast<std::size_t>(s)].free();
        if (free > 0) place(p, s, std::min(parcels_[static_cast<std::size_t>(p)].count, free));
        if (sites_[static_cast<std::size_t>(s)].free() <= 0 && pos == owner.first_free_position) {
          ++owner.first_free_position;
        }
      }
    }
    if (parcels_[static_cast<std::size_t>(p)].count == 0) {
      ++best->next;
    } else if (best->site < 0) {
      break;  // every site of the owner is full
    }
  }
  for (const Cursor& c : cursors_) {
    c.list->erase(c.list->begin(), c.list->begin() + static_cast<std::ptrdiff_t>(c.next));
  }
}

void ModelRun::place(std::int32_t parcel_index, std::int32_t site, std::int64_t n) {
  Parcel& parcel = parcels_[static_cast<std::size_t>(parcel_index)];
  if (site_owner(site) != parcel.owner) fail("chips placed at a site of another owner");
  const std::int32_t sku = lot_sku(parcel.lot);
  parcel.count -= n;
  log_change(parcel.owner, -1, sku, ChipState::kWarehouse, -n);
  log_change(parcel.owner, site, sku, ChipState::kQueued, n);
  SiteState& state = sites_[static_cast<std::size_t>(site)];
  state.at_site += n;
  owners_[static_cast<std::size_t>(parcel.owner)].free_slots -= n;
  state.queue.push_back({parcel.lot, parcel.dest, n});
  record(EventKind::kPlace, parcel.owner, site, parcel.lot, n);
  mark_crews(site);
}

// SPEC 3.3: free crews take chunks of up to floor(rate) chips from the oldest waiting placement; k free
// crews taking k equal chunks of one placement at once form one Job.
void ModelRun::assign_crews(std::int32_t site) {
  SiteState& state = sites_[static_cast<std::size_t>(site)];
  const std::int64_t crews = state.crews;
  while (state.queue_head < state.queue.size()) {
    Placement& placement = state.queue[state.queue_head];
    if (placement.waiting > 0) {
      std::int64_t free_crews =
          crews < 0 ? std::numeric_limits<std::int64_t>::max() : crews - state.busy_crews;
      if (free_crews <= 0) break;
      std::int64_t size = placement.waiting;  // unlimited rate: the whole placement in one chunk
      bool full = false;
      if (state.full_chunk > 0) {
        full = size >= state.full_chunk;
        size = std::min(size, state.full_chunk);
      }
      const std::int64_t chunks = std::min(free_crews, placement.waiting / size);
      if (chunks > 0) {
        start_job(site, placement, chunks, size, full);
        placement.waiting -= chunks * size;
        free_crews -= chunks;
      }
      if (free_crews > 0 && placement.waiting > 0) {  // the remainder, smaller than a full chunk
        start_job(site, placement, 1, placement.waiting, false);
        placement.waiting = 0;
      }
      if (placement.waiting > 0) break;
    }
    ++state.queue_head;
  }
  if (state.queue_head == state.queue.size()) {
    state.queue.clear();
    state.queue_head = 0;
  } else if (state.queue_head >= 64 && state.queue_head * 2 >= state.queue.size()) {
    state.queue.erase(state.queue.begin(), state.queue.begin() + static_cast<std::ptrdiff_t>(state.queue_head));
    state.queue_head = 0;
  }
}

void ModelRun::start_job(std::int32_t site, const Placement& placement, std::int64_t chunks, std::int64_t size,
                         bool full) {
  const auto index = static_cast<std::int32_t>(jobs_.size());
  std::int64_t& lot_chunks = lot_chunks_[static_cast<std::size_t>(placement.lot)];
  const std::int32_t sku = lot_sku(placement.lot);
  jobs_.push_back({site, placement.lot, placement.dest, sku, chunks, size, lot_chunks});
  lot_chunks += chunks;
  SiteState& state = sites_[static_cast<std::size_t>(site)];
  move(state.owner, site, sku, ChipState::kQueued, ChipState::kInstalling, chunks * size);
  state.busy_crews += chunks;
  record(EventKind::kInstallStart, state.owner, site, placement.lot, chunks * size);
  if (full) {
    schedule(now_ + state.full_chunk_days, EventKind::kInstallDone, {index, 0}, state.lanes.install);
  } else {
    schedule(now_ + install_days(size, state.install_rate), EventKind::kInstallDone, {index, 0});
  }
}

// SPEC 3.3. Point runs: the site's cumulative failures stay round-half-up(chips burned in x rate), so
// a job fails target_after - failed_so_far (half-up with a 1e-9 tolerance against binary fractions,
// e.g. 10 x 0.15 = 1.4999999999999998 rounds to 2). Sampled runs: each chunk draws Binomial(n, rate)
// from the stream `orders.O.lots.K.chunks.C.failures`.
std::int64_t ModelRun::burn_in_failures(const Job& job) {
  const SiteState& state = sites_[static_cast<std::size_t>(job.site)];
  const double rate = state.failure_rate;
  if (!(rate > 0)) return 0;
  const std::int64_t n = job.chips();
  if (!sampled_) {
    const double target = std::floor(static_cast<double>(state.burned_in + n) * rate + 0.5 + 1e-9);
    const std::int64_t failures = static_cast<std::int64_t>(target) - state.failed;
    return std::clamp<std::int64_t>(failures, 0, n);
  }
  const LayoutLot& lot = layout_.lots[static_cast<std::size_t>(job.lot)];
  if (keyed_by_hash_) {
    // The hashes of the addresses `orders.O.lots.K.chunks.C.failures` do not depend on the seed: each is
    // computed once (from the lot's precomputed prefix) and kept for the runs this ModelRun makes.
    std::vector<std::uint64_t>& hashes = chunk_hashes_[static_cast<std::size_t>(job.lot)];
    const auto needed = static_cast<std::size_t>(job.first_chunk + job.chunks);
    while (hashes.size() < needed) {
      char digits[24];
      const auto end = std::to_chars(digits, digits + sizeof digits, hashes.size()).ptr;
      const std::uint64_t hash = fnv1a64_continue(lot.chunk_prefix_hash, std::string_view(digits, static_cast<std::size_t>(end - digits)));
      hashes.push_back(fnv1a64_continue(hash, ".failures"));
    }
    const std::span<const std::uint64_t> chunks(hashes.data() + job.first_chunk, static_cast<std::size_t>(job.chunks));
    return std::clamp<std::int64_t>(sampler_->binomial_sum_by_hash(job.chunk_size, rate, chunks), 0, n);
  }
  const std::string& order_id = scenario_.orders[static_cast<std::size_t>(lot.order)].id;
  std::int64_t failures = 0;
  auto append_number = [this](std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    address_.append(digits, end);
  };
  for (std::int64_t c = 0; c < job.chunks; ++c) {
    address_.clear();
    address_.append("orders.").append(order_id).append(".lots.");
    append_number(lot.index);
    address_.append(".chunks.");
    append_number(job.first_chunk + c);
    address_.append(".failures");
    failures += std::clamp<std::int64_t>(sampler_->binomial(job.chunk_size, rate, address_), 0, job.chunk_size);
  }
  return failures;
}

void ModelRun::settle_power(std::int32_t site) {
  const std::int32_t owner = site_owner(site);
  sites_[static_cast<std::size_t>(site)].power.settle([&](const PowerGroup& group, std::int64_t delta) {
    if (delta > 0) {
      move(owner, site, group.sku, ChipState::kInstalled, ChipState::kPowered, delta);
      record(EventKind::kPowerOn, owner, site, group.lot, delta);
    } else {
      move(owner, site, group.sku, ChipState::kPowered, ChipState::kInstalled, -delta);
      record(EventKind::kPowerOff, owner, site, group.lot, -delta);
    }
  });
}

}  // namespace poweron
