// The discrete-event kernel: a pending-event set ordered by (time, priority, insertion sequence).
//
// Events with equal time run in ascending priority, then in the order they were scheduled, so a run is
// deterministic. The EventId returned by schedule() is that insertion sequence number: 1, 2, 3, ... for
// the life of the queue (clear() does not reuse them); 0 is never an id, so kNoEvent may mark "none".
// All state lives in the object (no globals): independent queues may run in parallel threads; one queue
// is not thread-safe. Scheduling and stepping allocate nothing once the queue's storage has grown to its
// peak size (reserve() to pre-size).
//
//   EventQueue<int> queue;            // now() == 0
//   EventId id = queue.schedule(2.5, /*priority=*/0, 42);
//   queue.cancel(id);
//   while (!queue.empty()) { auto e = queue.step(); ... }
//   queue.run_until(30.0, [&](const EventQueue<int>::Event& e) { ... });  // may schedule and cancel
//
// Errors: scheduling at a time before now() or at a non-finite time, and stepping an empty queue, throw
// EventQueueError naming the offending value; they never corrupt the queue (bad_alloc included).
//
// For events that are never cancelled, LaneQueue (lane_queue.hpp) keeps the same order without the
// machinery cancel() needs, and adds lanes for events that come in the order they run.
//
// Implementation (all flat arrays, no per-event allocation; figures in BENCHMARKS.md):
// - a 4-ary min-heap of 16-byte keys (time as an order-preserving integer, priority, slot), laid out so
//   that the four children of a node share one 64-byte cache line; keys compare as one 64-bit integer
//   (the time) and only equal times look at the priority, and equal (time, priority) at the ids stored
//   in the slots. Children are selected with conditional moves, not branches;
// - step() leaves the root vacant (a "hole") and caches its earliest child, the new top; a schedule()
//   right after it (the hold pattern of every event handler that schedules a follow-up) sifts the new
//   key down from the root in one pass ("replace top"), instead of a pop plus a push. Any other
//   operation first fills the hole with the last key, bottom-up (the hole sinks to a leaf, then the
//   last key rises). Sift-downs in heaps beyond the L1 cache prefetch the next level;
// - a slot array holding each event's id and payload, recycled through a LIFO free list;
// - id -> slot lookup for cancel() (event_id_index.hpp): a ring indexed by id mod R, with a small
//   overflow table for ids that outlive R later ones;
// - lazy cancellation: cancel() unlinks the id and marks the slot; the heap key is dropped when it
//   reaches the top or when cancelled keys exceed half the heap (then the heap is compacted in O(n)), so
//   memory stays within about twice the peak pending count. The top (with a hole, the cached child) is
//   never a cancelled key, so next_time() is O(1). schedule(), step() and cancel() are O(log n) amortized.
// A time of -0.0 is treated (and returned) as +0.0.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <type_traits>
#include <vector>

#include "poweron/event_id_index.hpp"
#include "poweron/event_order.hpp"

namespace poweron {

/// Never returned by EventQueue::schedule(); usable as "no event".
inline constexpr EventId kNoEvent = 0;

namespace detail {

// std::allocator with 64-byte (cache line) alignment, for the heap array.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t n) noexcept { ::operator delete(p, n * sizeof(T), kAlignment); }
  template <typename U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace detail

/// A pending-event set with a simulation clock. Payload: a small trivially copyable value (e.g. a struct
/// of a few ints) carried by each event.
template <typename Payload>
class EventQueue {
  static_assert(std::is_trivially_copyable_v<Payload>, "EventQueue payloads must be trivially copyable");

 public:
  using Event = QueuedEvent<Payload>;

  /// An empty queue with now() == start_time. Throws EventQueueError if start_time is not finite.
  explicit EventQueue(double start_time = 0.0) : now_(start_time), heap_(kRoot) {
    if (!std::isfinite(start_time)) detail::throw_start_time_error(start_time);
  }

  /// Adds an event at `time` (>= now(), finite) and returns its id, the next insertion sequence number.
  /// Throws EventQueueError "cannot schedule an event at time T, before now N" or "cannot schedule an
  /// event at non-finite time T (now N)"; the queue is unchanged then.
  EventId schedule(double time, int priority, const Payload& payload) {
    if (!std::isfinite(time) || time < now_) detail::throw_schedule_error(time, now_);
    reserve_heap_key();
    const std::uint32_t slot = claim_slot(payload);
    insert(make_key(time, priority, slot));
    return slots_[slot].id;
  }

  /// Removes a pending event. Returns true if `id` was pending and is now removed; false if it already
  /// ran, was already cancelled, was dropped by clear(), or was never issued.
  bool cancel(EventId id) {
    if (id == kNoEvent || id >= next_id_) return false;
    bool overflowed = false;
    const std::uint32_t slot = ids_.remove(id, id_of(), overflowed);
    if (slot == kNoSlot) return false;
    if (overflowed) slots_[slot].flags &= ~kOverflowed;
    if (hole_) fill_hole_with_last();
    --live_;
    slots_[slot].flags |= kCancelled;
    ++cancelled_;
    if (heap_[kRoot].slot() == slot) {
      drop_cancelled_top();
    } else if (cancelled_ > kMinCompaction && cancelled_ * 2 > heap_.size() - kRoot) {
      compact();
    }
    return true;
  }

  /// True when no (non-cancelled) event is pending.
  bool empty() const { return live_ == 0; }

  /// The number of pending (non-cancelled) events.
  std::size_t size() const { return live_; }

  /// The simulation clock: the start time, then the time of the last stepped event (or run_until's bound).
  double now() const { return now_; }

  /// The time of the earliest pending event. REQUIRES: !empty(); throws EventQueueError
  /// "next_time on an empty event queue" otherwise.
  double next_time() const {
    if (live_ == 0) detail::throw_empty_error("next_time");
    return top().time();
  }

  /// Removes the earliest event by (time, priority, id), sets now() to its time and returns it.
  /// Throws EventQueueError "step on an empty event queue" when empty.
  Event step() {
    if (live_ == 0) detail::throw_empty_error("step");
    return pop_front();
  }

  /// Steps every event with time < until in order, calling handler(const Event&) after each is removed
  /// (now() is then the event's time; the handler may schedule and cancel, and events it schedules
  /// before `until` run in this call). Events at exactly `until` stay pending. Returns the number of
  /// events run. Afterwards now() = max(now(), until) if until is finite (+infinity runs everything and
  /// leaves now() at the last event). Throws EventQueueError "run_until with a NaN time" if until is NaN.
  /// If the handler throws, the exception propagates; the event it was handling has been removed and
  /// now() is its time.
  template <typename Handler>
  std::size_t run_until(double until, Handler&& handler) {
    if (std::isnan(until)) detail::throw_run_until_nan();
    std::size_t count = 0;
    while (live_ != 0 && top().time() < until) {
      const Event event = pop_front();
      ++count;
      handler(static_cast<const Event&>(event));
    }
    if (std::isfinite(until) && until > now_) now_ = until;
    return count;
  }

  /// Pre-sizes storage for n pending events so that scheduling up to n allocates nothing (the overflow
  /// table may still grow if events outlive 4n later schedulings).
  void reserve(std::size_t n) {
    ids_.reserve(n, id_of());
    heap_.reserve(n + kRoot);
    slots_.reserve(n);
    free_slots_.reserve(slots_.capacity());
  }

  /// Drops all pending events and sets the clock to `start_time`, keeping the storage: a queue reused
  /// for another run behaves as EventQueue(start_time) but for ids, which keep counting (old ids never
  /// match again). Throws EventQueueError for a non-finite start time.
  void restart(double start_time) {
    if (!std::isfinite(start_time)) detail::throw_start_time_error(start_time);
    clear();
    now_ = start_time;
  }

  /// Drops all pending events; now() and the id sequence are unchanged (old ids never match again).
  void clear() {
    heap_.resize(kRoot);
    hole_ = false;
    free_slots_.clear();
    for (std::size_t slot = slots_.size(); slot-- > 0;) {
      slots_[slot].id = kNoEvent;
      slots_[slot].flags = 0;
      free_slots_.push_back(static_cast<std::uint32_t>(slot));
    }
    ids_.clear();
    live_ = 0;
    cancelled_ = 0;
  }

 private:
  // Heap key, 16 bytes (four siblings fill one cache line): `order` is the time mapped to an unsigned
  // integer of the same order; `rest` holds the priority (offset by 2^31, so unsigned order is signed
  // order) in the high half and the slot in the low half. Keys compare by `order` alone (one 64-bit
  // compare) unless the times are equal; then by priority, then by the ids stored in the slots.
  struct Key {
    std::uint64_t rest;
    std::uint64_t order;
    std::uint32_t slot() const { return static_cast<std::uint32_t>(rest); }
    int priority() const { return static_cast<int>(static_cast<std::uint32_t>(rest >> 32) ^ kSignBit32); }
    double time() const { return detail::key_time(order); }
  };
  struct Slot {
    EventId id;       // the event's id while it is in the heap (pending or cancelled)
    Payload payload;
    std::uint32_t flags;  // kCancelled, kOverflowed (not bools: char stores would alias everything)
  };
  // In the heap but cancelled: dropped when it surfaces.
  static constexpr std::uint32_t kCancelled = 1;
  // Pending and found through the overflow table, not the ring.
  static constexpr std::uint32_t kOverflowed = 2;

  // The heap's root sits at physical index 3 (indices 0-2 are padding), so the children of physical
  // node p, at 4p-8 .. 4p-5, start at a multiple of 4 keys = 64 bytes; its parent is p/4 + 2.
  static constexpr std::size_t kRoot = 3;
  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t kNoChild = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t kMinCompaction = 64;  // below this many cancelled keys, never compact
  // Heaps of at least this many keys (64 KiB, beyond a typical L1 cache) prefetch in sift-downs.
  static constexpr std::size_t kPrefetchKeys = 4096;

  static constexpr std::uint32_t kSignBit32 = 0x80000000U;

  static std::size_t grown(std::size_t capacity) { return capacity < 16 ? 16 : capacity * 2; }

  static Key make_key(double time, int priority, std::uint32_t slot) {
    const std::uint64_t biased = static_cast<std::uint32_t>(priority) ^ kSignBit32;
    return Key{(biased << 32) | slot, detail::time_key(time)};
  }

  // Times differ in all but ties: one 64-bit compare, a well-predicted branch; ties compare priority
  // (the high half of rest), then ids.
  [[gnu::always_inline]] bool before(const Key& a, const Key& b) const {
    if (a.order != b.order) [[likely]] return a.order < b.order;
    return tie_before(a, b);
  }
  [[gnu::noinline]] bool tie_before(const Key& a, const Key& b) const {
    if ((a.rest >> 32) != (b.rest >> 32)) return a.rest < b.rest;
    return slots_[a.slot()].id < slots_[b.slot()].id;
  }

  // The index of the earliest of the four keys at first .. first+3 (selects, not branches, when the
  // ranks differ).
  std::size_t earliest_of_four(std::size_t first) const {
    const Key* k = &heap_[first];
    const std::size_t a = first + static_cast<std::size_t>(before(k[1], k[0]));
    const std::size_t b = first + 2 + static_cast<std::size_t>(before(k[3], k[2]));
    return before(heap_[b], heap_[a]) ? b : a;
  }

  // The earliest pending key. REQUIRES: live_ != 0.
  // hole_ alternates unpredictably: select the index arithmetically rather than by a branch.
  [[gnu::always_inline]] const Key& top() const {
    return heap_[kRoot + static_cast<std::size_t>(hole_) * (top_child_ - kRoot)];
  }

  // Removes the earliest event and leaves its heap position as a hole (see hole_), which the next
  // schedule() fills with its new key in one pass down the heap (the "replace top" of the hold model),
  // or the next other operation fills with the last key. REQUIRES: live_ != 0.
  [[gnu::always_inline]] Event pop_front() {
    if (hole_) fill_hole_with_last();
    const Key front = heap_[kRoot];
    const std::uint32_t slot = front.slot();
    const Slot& record = slots_[slot];
    const Event event{front.time(), front.priority(), record.id, record.payload};
    ids_.forget(event.id, (record.flags & kOverflowed) != 0);
    --live_;
    release_slot(slot);
    const std::size_t end = heap_.size();
    if (end == kRoot + 1) {
      heap_.pop_back();
    } else {
      hole_ = true;
      top_child_ = earliest_child(kRoot, end);
      // The new top must be live: if it is a cancelled key, fill now and drop cancelled keys.
      if (cancelled_ != 0 && (slots_[heap_[top_child_].slot()].flags & kCancelled) != 0) [[unlikely]] {
        fill_hole_with_last();
      }
    }
    // The next step reads the new top's slot: start fetching it now (a cache miss in large queues).
    if (live_ != 0) __builtin_prefetch(&slots_[top().slot()]);
    now_ = event.time;
    return event;
  }

  // Fills the hole at the root with the last key (which leaves the heap), then drops cancelled keys
  // off the top. REQUIRES: hole_.
  void fill_hole_with_last() {
    const Key last = heap_.back();
    heap_.pop_back();
    hole_ = false;
    if (heap_.size() > kRoot) fill_root(last, heap_.size());
    if (cancelled_ != 0) drop_cancelled_top();
  }

  // Fills the hole at the root with a new live key (the heap keeps its size): a top-down sift-down that
  // starts from the cached top_child_ (measured faster than bottom-up here: no rise loop, fewer
  // mispredicted branches). The top stays live: it is the new key or the live top_child_.
  // REQUIRES: hole_.
  [[gnu::always_inline]] void fill_hole(const Key& key) {
    hole_ = false;
    if (heap_.size() >= kPrefetchKeys) [[unlikely]] {
      sift_down_from_root<true>(key);
    } else {
      sift_down_from_root<false>(key);
    }
  }

  template <bool kPrefetch>
  [[gnu::always_inline]] void sift_down_from_root(const Key& key) {
    const std::size_t end = heap_.size();
    std::size_t hole = kRoot;
    std::size_t best = top_child_;
    for (;;) {
      if (!before(heap_[best], key)) break;
      heap_[hole] = heap_[best];
      hole = best;
      const std::size_t first = first_child(hole);
      if (first >= end) break;
      if constexpr (kPrefetch) prefetch_children_of(first, end);
      best = earliest_child(hole, end);
    }
    heap_[hole] = key;
  }

  // The id index reads slots' ids through this.
  auto id_of() const {
    return [this](std::uint32_t slot) { return slots_[slot].id; };
  }

  void release_slot(std::uint32_t slot) {
    slots_[slot].id = kNoEvent;
    slots_[slot].flags = 0;
    free_slots_.push_back(slot);  // never allocates: capacity >= slots_.capacity()
  }

  // Pops cancelled keys off the top until the top is live or the heap is empty.
  void drop_cancelled_top() {
    while (heap_.size() > kRoot && (slots_[heap_[kRoot].slot()].flags & kCancelled) != 0) {
      const std::uint32_t slot = heap_[kRoot].slot();
      heap_pop();
      release_slot(slot);
      --cancelled_;
    }
  }

  // Removes every cancelled key and restores the heap property bottom-up (Floyd), O(n).
  void compact() {
    std::size_t kept = kRoot;
    for (std::size_t p = kRoot; p < heap_.size(); ++p) {
      if ((slots_[heap_[p].slot()].flags & kCancelled) != 0) {
        release_slot(heap_[p].slot());
      } else {
        heap_[kept++] = heap_[p];
      }
    }
    heap_.resize(kept);
    cancelled_ = 0;
    if (kept > kRoot + 1) {
      for (std::size_t p = parent(kept - 1) + 1; p-- > kRoot;) sift_down(p, heap_[p]);
    }
  }

  void add_slot(const Payload& payload) {
    if (slots_.size() >= kNoSlot - 1) detail::throw_too_many_events();
    if (slots_.size() == slots_.capacity()) {
      // free_slots_ never holds more than slots_.size() entries, so its push_back never allocates.
      const std::size_t capacity = grown(slots_.capacity());
      slots_.reserve(capacity);
      free_slots_.reserve(capacity);
    }
    slots_.push_back(Slot{kNoEvent, payload, 0});
    free_slots_.push_back(static_cast<std::uint32_t>(slots_.size() - 1));
  }

  // Grows what a new heap key may need, before any change (so bad_alloc leaves the queue as it was).
  void reserve_heap_key() {
    // Full first: that test is predictable, while hole_ alternates from call to call.
    if (heap_.size() == heap_.capacity() && !hole_) heap_.reserve(grown(heap_.capacity()));
  }

  // Gives a new event its id and a slot (growing the id lookup and the slots first, then changing
  // nothing that can fail); returns the slot.
  std::uint32_t claim_slot(const Payload& payload) {
    const std::uint32_t evicted = ids_.prepare(next_id_, live_ + 1, id_of());
    if (free_slots_.empty()) add_slot(payload);

    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot].id = next_id_++;
    slots_[slot].payload = payload;
    ids_.add(slots_[slot].id, slot, evicted, evicted != kNoSlot ? slots_[evicted].id : kNoEvent);
    if (evicted != kNoSlot) slots_[evicted].flags |= kOverflowed;
    ++live_;
    return slot;
  }

  // Puts a live key into the heap. REQUIRES: reserve_heap_key() since the last change of the heap.
  [[gnu::always_inline]] void insert(const Key& key) {
    if (hole_) {
      fill_hole(key);  // fused with the last step(): one pass, no push/pop
    } else {
      heap_push(key);
    }
  }

  // --- 4-ary heap, hole-moving sifts ---

  static std::size_t parent(std::size_t p) { return p / 4 + 2; }
  static std::size_t first_child(std::size_t p) { return 4 * p - 8; }

  void heap_push(const Key& key) {
    heap_.push_back(key);
    rise_to_place(heap_.size() - 1, key);
  }

  // Places `key` at `hole` or above it (detail::rise on this heap's layout).
  [[gnu::always_inline]] void rise_to_place(std::size_t hole, const Key& key) {
    detail::rise(heap_, hole, kRoot, key, parent, [this](const Key& a, const Key& b) { return before(a, b); });
  }

  // The index of the earliest child of node p in a heap of `end` keys. REQUIRES: p has a child.
  [[gnu::always_inline]] std::size_t earliest_child(std::size_t p, std::size_t end) const {
    const std::size_t first = first_child(p);
    if (first + 4 <= end) [[likely]] return earliest_of_four(first);
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    return best;
  }

  // The 16 children of the four nodes first .. first+3 are contiguous (4 cache lines): fetch them while
  // these four compare.
  [[gnu::always_inline]] void prefetch_children_of(std::size_t first, std::size_t end) const {
    const std::size_t grand = first_child(first);
    if (grand < end) {
      const Key* g = heap_.data() + grand;
      __builtin_prefetch(g);
      __builtin_prefetch(g + 4);
      __builtin_prefetch(g + 8);
      __builtin_prefetch(g + 12);
    }
  }

  // Removes the root (the heap shrinks by one). REQUIRES: !hole_, a non-empty heap.
  void heap_pop() {
    const Key last = heap_.back();
    heap_.pop_back();
    if (heap_.size() > kRoot) fill_root(last, heap_.size());
  }

  // Places `key` into the heap kRoot .. end-1 whose root position is vacant, bottom-up: the hole
  // descends along the earliest children to a leaf without comparing against `key`, which then rises
  // from there (usually not far: in a hold model new keys, like the last key, belong near the bottom).
  // Saves a comparison per level over the textbook sift-down. Large heaps prefetch the grandchildren.
  [[gnu::always_inline]] void fill_root(const Key& key, std::size_t end) {
    std::size_t hole = kRoot;
    if (end >= kPrefetchKeys) [[unlikely]] {
      for (;;) {
        const std::size_t first = first_child(hole);
        if (first >= end) break;
        prefetch_children_of(first, end);
        const std::size_t best = earliest_child(hole, end);
        heap_[hole] = heap_[best];
        hole = best;
      }
    } else {
      while (first_child(hole) < end) {
        const std::size_t best = earliest_child(hole, end);
        heap_[hole] = heap_[best];
        hole = best;
      }
    }
    rise_to_place(hole, key);
  }

  // Places `key` at `hole` or below, moving smaller children up.
  void sift_down(std::size_t hole, const Key key) {
    const std::size_t end = heap_.size();
    detail::sink(
        heap_, hole, key, [&](std::size_t p) { return first_child(p) < end ? earliest_child(p, end) : kNoChild; },
        kNoChild, [this](const Key& a, const Key& b) { return before(a, b); });
  }

  double now_;
  EventId next_id_ = 1;
  std::size_t live_ = 0;       // pending, not cancelled
  std::size_t cancelled_ = 0;  // cancelled keys still in heap_ (never counting the hole)
  // True after step() until the next operation: heap_[kRoot] is vacant (its content is stale) and the
  // keys kRoot+1 .. end-1 are heap-ordered below it; top_child_ is the earliest of them, and live.
  bool hole_ = false;
  std::size_t top_child_ = 0;
  std::vector<Key, detail::CacheLineAllocator<Key>> heap_;  // kRoot padding keys, then the heap
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  detail::EventIdIndex ids_;
};

}  // namespace poweron
