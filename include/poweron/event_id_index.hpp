// The event kernel's lookup from pending event ids to their slots (event_queue.hpp), which cancel() needs.
//
// A ring indexed by id mod R (R a power of two >= 4 x pending) holds each pending id's slot; the kernel
// checks an entry against the id stored in its slot. An event still pending when a later id claims its
// ring entry (id + R) moves to a small open-addressing overflow table (power-of-two size, load <= 1/2,
// Fibonacci hashing, linear probing, backward-shift deletion). The slots are the kernel's: the index asks
// for a slot's id through an `id_of(slot)` callable. Not thread-safe; internal to EventQueue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "poweron/event_order.hpp"

namespace poweron::detail {

class EventIdIndex {
 public:
  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

  /// Grows the ring so that `pending` events fit without growing it.
  template <typename IdOf>
  void reserve(std::size_t pending, IdOf id_of) {
    while (ring_.size() < pending * kRingPerEvent) grow_ring(id_of);
  }

  /// Readies the index for a new id with `pending` events pending once it is added, allocating whatever
  /// that needs first (so that bad_alloc changes nothing). Returns the slot of the pending event whose
  /// ring entry `id` takes, or kNoSlot: add() then moves that event to the overflow table.
  template <typename IdOf>
  std::uint32_t prepare(EventId id, std::size_t pending, IdOf id_of) {
    if (pending * kRingPerEvent > ring_.size()) grow_ring(id_of);
    const std::uint32_t evicted = ring_[id & ring_mask_];
    if (evicted != kNoSlot && (overflow_count_ + 1) * 2 > overflow_.size()) grow_overflow();
    return evicted;
  }

  /// Records id -> slot after prepare(id, ...) returned `evicted` (whose event has id `evicted_id`).
  /// Allocates nothing.
  void add(EventId id, std::uint32_t slot, std::uint32_t evicted, EventId evicted_id) {
    if (evicted != kNoSlot) overflow_insert(evicted_id, evicted);
    ring_[id & ring_mask_] = slot;
  }

  /// Forgets a pending id that has been stepped: in the overflow table if add() moved it there, else in
  /// the ring (a store only: no wait for a cache miss).
  void forget(EventId id, bool overflowed) {
    if (overflowed) [[unlikely]] {
      overflow_erase(overflow_find(id));
    } else {
      ring_[id & ring_mask_] = kNoSlot;
    }
  }

  /// Removes `id` if it is pending and returns its slot (with `overflowed` telling where it was found);
  /// kNoSlot if it is not pending.
  template <typename IdOf>
  std::uint32_t remove(EventId id, IdOf id_of, bool& overflowed) {
    overflowed = false;
    if (ring_.empty()) return kNoSlot;
    const std::size_t ring_pos = id & ring_mask_;
    const std::uint32_t slot = ring_[ring_pos];
    if (slot != kNoSlot && id_of(slot) == id) {
      ring_[ring_pos] = kNoSlot;
      return slot;
    }
    if (overflow_count_ == 0) return kNoSlot;
    const std::size_t pos = overflow_find(id);
    if (pos == kNotFound) return kNoSlot;
    overflowed = true;
    const std::uint32_t found = overflow_[pos].slot;
    overflow_erase(pos);
    return found;
  }

  /// Forgets every id; keeps the storage.
  void clear() {
    for (std::uint32_t& entry : ring_) entry = kNoSlot;
    for (OverflowEntry& entry : overflow_) entry.id = kNone;
    overflow_count_ = 0;
  }

 private:
  static constexpr std::size_t kRingPerEvent = 4;  // ring entries per pending event (at least)
  static constexpr std::size_t kMinRing = 64;
  static constexpr std::size_t kMinOverflow = 16;
  static constexpr std::size_t kNotFound = std::numeric_limits<std::size_t>::max();
  static constexpr EventId kNone = 0;  // never an event id: marks an empty overflow bucket

  struct OverflowEntry {
    EventId id;
    std::uint32_t slot;
  };

  // Doubles the ring (or creates it). Pending ids in distinct entries of the old ring differ mod R, so
  // they differ mod 2R too: re-placing them never collides. Overflow entries stay where they are.
  template <typename IdOf>
  void grow_ring(IdOf id_of) {
    const std::size_t size = ring_.empty() ? kMinRing : ring_.size() * 2;
    std::vector<std::uint32_t> ring(size, kNoSlot);
    const std::size_t mask = size - 1;
    for (const std::uint32_t slot : ring_) {
      if (slot != kNoSlot) ring[id_of(slot) & mask] = slot;
    }
    ring_.swap(ring);
    ring_mask_ = mask;
  }

  std::size_t home(EventId id) const {
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ULL) >> overflow_shift_);
  }

  std::size_t overflow_find(EventId id) const {
    const std::size_t mask = overflow_.size() - 1;
    for (std::size_t i = home(id);; i = (i + 1) & mask) {
      if (overflow_[i].id == id) return i;
      if (overflow_[i].id == kNone) return kNotFound;
    }
  }

  void overflow_insert(EventId id, std::uint32_t slot) {
    const std::size_t mask = overflow_.size() - 1;
    std::size_t i = home(id);
    while (overflow_[i].id != kNone) i = (i + 1) & mask;
    overflow_[i] = OverflowEntry{id, slot};
    ++overflow_count_;
  }

  // Backward-shift deletion: keeps every remaining entry reachable from its home without tombstones.
  void overflow_erase(std::size_t hole) {
    const std::size_t mask = overflow_.size() - 1;
    std::size_t j = hole;
    for (;;) {
      j = (j + 1) & mask;
      if (overflow_[j].id == kNone) break;
      const std::size_t k = home(overflow_[j].id);
      // Entry j may stay if its home lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (stays) continue;
      overflow_[hole] = overflow_[j];
      hole = j;
    }
    overflow_[hole].id = kNone;
    --overflow_count_;
  }

  void grow_overflow() {
    const std::size_t size = overflow_.empty() ? kMinOverflow : overflow_.size() * 2;
    std::vector<OverflowEntry> old(size, OverflowEntry{kNone, 0});
    old.swap(overflow_);
    int bits = 0;
    while ((std::size_t{1} << bits) < size) ++bits;
    overflow_shift_ = 64 - bits;
    overflow_count_ = 0;
    for (const OverflowEntry& entry : old) {
      if (entry.id != kNone) overflow_insert(entry.id, entry.slot);
    }
  }

  std::vector<std::uint32_t> ring_;  // slot of the pending id in ring_[id & ring_mask_], or kNoSlot
  std::size_t ring_mask_ = 0;
  std::vector<OverflowEntry> overflow_;
  std::size_t overflow_count_ = 0;
  int overflow_shift_ = 64;
};

}  // namespace poweron::detail
