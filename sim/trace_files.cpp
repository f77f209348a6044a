#include "trace_files.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "huge_pages.hpp"
#include "poweron/capacity.hpp"
#include "poweron/csv_writer.hpp"
#include "poweron/date.hpp"
#include "poweron/timeline.hpp"
#include "poweron/untouched_zero_allocator.hpp"
#include "timeline_layout.hpp"

namespace poweron {
namespace {

constexpr const char* kTimelineHeader = "date,owner,site,state,gpus\n";
constexpr const char* kEventsHeader = "time,date,event,owner,site,order,lot,gpus\n";

// ---- Fast formatting into reused buffers ----

/// Bytes a padded copy may write (and read) past the end of the text it copies.
constexpr std::size_t kCopyBlock = 16;

/// Copies `size` bytes in whole kCopyBlock blocks (fixed-size moves, no call per row). REQUIRES: `from`
/// readable and `to` writable for `size` rounded up to a whole block.
inline char* copy_padded(char* to, const char* from, std::size_t size) {
  for (std::size_t i = 0; i < size; i += kCopyBlock) std::memcpy(to + i, from + i, kCopyBlock);
  return to + size;
}

/// Short texts stored back to back with kCopyBlock bytes of padding at the end, for copy_padded.
class TextTable {
 public:
  /// Adds `text`; returns its index.
  std::size_t add(std::string_view text) {
    offsets_.push_back(text_.size());
    sizes_.push_back(text.size());
    text_.append(text);
    longest_ = std::max(longest_, text.size());
    return offsets_.size() - 1;
  }
  /// Call once after the last add.
  void finish() { text_.append(kCopyBlock, '\0'); }
  const char* data(std::size_t index) const { return text_.data() + offsets_[index]; }
  std::size_t size(std::size_t index) const { return sizes_[index]; }
  std::size_t longest() const { return longest_; }

 private:
  std::string text_;
  std::vector<std::size_t> offsets_;
  std::vector<std::size_t> sizes_;
  std::size_t longest_ = 0;
};

/// A byte buffer for one chunk of a file: kept from chunk to chunk (its pages are faulted in once, and
/// only those written to), in 2 MiB pages where the kernel offers them (detail::allocate_untouched_zero).
class ChunkBuffer {
 public:
  ChunkBuffer() = default;
  ChunkBuffer(const ChunkBuffer&) = delete;
  ChunkBuffer& operator=(const ChunkBuffer&) = delete;
  ~ChunkBuffer() { release(); }

  /// Makes room for `more` bytes past the end, plus kCopyBlock of padding.
  void ensure(std::size_t more) {
    if (size_ + more + kCopyBlock > capacity_) grow(size_ + more + kCopyBlock);
  }
  char* end() { return data_ + size_; }
  /// Sets the end after writing up to `end`. REQUIRES: within the room ensured.
  void set_end(const char* end) { size_ = static_cast<std::size_t>(end - data_); }
  void append(std::string_view text) {
    ensure(text.size());
    std::memcpy(end(), text.data(), text.size());
    size_ += text.size();
  }
  std::string_view text() const { return {data_, size_}; }
  void clear() { size_ = 0; }

 private:
  void grow(std::size_t needed) {
    const std::size_t capacity = rounded_to_huge_pages(std::max(needed, 2 * capacity_));
    auto* data = static_cast<char*>(detail::allocate_untouched_zero(capacity));
    if (size_ > 0) std::memcpy(data, data_, size_);
    release();
    data_ = data;
    capacity_ = capacity;
  }
  void release() {
    detail::free_untouched_zero(data_, capacity_);
    data_ = nullptr;
  }

  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// Text a chunk aims at: large writes (few syscalls), a few chunks per thread in flight.
constexpr std::size_t kChunkBytes = std::size_t{4} << 20;

/// Everything needed to format any range of days of timeline.csv; immutable once built.
struct TimelineSource {
  TimelineSource(const Scenario& scenario_in, const ResolvedInputs& inputs, const SimulationTrace& trace,
                 std::vector<std::int64_t> days_in)
      : scenario(scenario_in),
        days(std::move(days_in)),
        changes(scenario, trace.changes, days),
        capacity(capacity_steps(scenario, inputs, days)),
        values(value_layout(scenario)) {
    std::size_t typical_day_bytes = 0;
    for (const TimelineRow& row : timeline_rows(scenario, capacity.unlimited)) {
      labels.add(row.label + ',');
      row_values.push_back(row.value);
      typical_day_bytes += row.label.size() + 14;  // date, separators and a short count
      max_day_bytes += kMaxDateChars + 1 + row.label.size() + 1 + kMaxIntegerChars + 1 + kCopyBlock;
    }
    labels.finish();
    columns_per_chunk = std::max<std::size_t>(1, kChunkBytes / std::max<std::size_t>(typical_day_bytes, 1));
  }

  std::size_t chunk_count() const { return (days.size() + columns_per_chunk - 1) / columns_per_chunk; }

  static constexpr std::size_t kMaxDateChars = 15;  // "-5877641-06-23": the widest Date

  const Scenario& scenario;
  const std::vector<std::int64_t> days;
  const ChangesByColumn changes;
  const CapacitySteps capacity;
  const ValueLayout values;
  TextTable labels;                      ///< row labels with their trailing comma, in file order
  std::vector<std::size_t> row_values;   ///< each row's value index
  std::size_t max_day_bytes = 0;         ///< bound on one day's text
  std::size_t columns_per_chunk = 1;
};

/// A thread's position in the timeline: every value at the end of column next_column - 1. Chunks are
/// formatted in increasing order by each thread, so it only moves forward.
class TimelineCursor {
 public:
  explicit TimelineCursor(const TimelineSource& source) : source_(source), values_(source.values.size(), 0) {}

  /// Applies the changes and capacity steps of the columns before `column`.
  void advance_to(std::size_t column) {
    for (; next_column_ < column; ++next_column_) {
      source_.changes.apply(next_column_, values_);
      const std::vector<CapacityStep>& steps = source_.capacity.steps;
      for (; next_step_ < steps.size() && steps[next_step_].column <= next_column_; ++next_step_) {
        const CapacityStep& step = steps[next_step_];
        values_[source_.values.slots(step.site)] = step.slots;
        values_[source_.values.power_slots(step.site)] = step.power_slots;
      }
    }
  }
  const std::vector<std::int64_t>& values() const { return values_; }

 private:
  const TimelineSource& source_;
  std::vector<std::int64_t> values_;
  std::size_t next_column_ = 0;
  std::size_t next_step_ = 0;
};

/// Formats chunk `chunk` of timeline.csv (its days, and the header before chunk 0) into `out`.
void format_timeline_chunk(const TimelineSource& source, std::size_t chunk, TimelineCursor& cursor,
                           ChunkBuffer& out) {
  const std::size_t first = chunk * source.columns_per_chunk;
  const std::size_t last = std::min(first + source.columns_per_chunk, source.days.size());
  out.ensure(std::string_view(kTimelineHeader).size() + (last - first) * source.max_day_bytes);  // allocated once
  if (chunk == 0) out.append(kTimelineHeader);
  const std::size_t rows = source.row_values.size();
  const std::size_t* row_value = source.row_values.data();
  for (std::size_t column = first; column < last; ++column) {
    cursor.advance_to(column + 1);
    const std::int64_t* values = cursor.values().data();
    char date[TimelineSource::kMaxDateChars + 1 + kCopyBlock] = {};
    const std::string date_text =
        csv_field(format_date(static_cast<Date>(source.scenario.start + source.days[column]))) + ',';
    std::memcpy(date, date_text.data(), std::min(date_text.size(), TimelineSource::kMaxDateChars + 1));
    const std::size_t date_size = std::min(date_text.size(), TimelineSource::kMaxDateChars + 1);
    out.ensure(source.max_day_bytes);
    char* p = out.end();
    for (std::size_t r = 0; r < rows; ++r) {
      p = copy_padded(p, date, date_size);
      p = copy_padded(p, source.labels.data(r), source.labels.size(r));
      p = write_integer(p, values[row_value[r]]);
      *p++ = '\n';
    }
    out.set_end(p);
  }
}

/// Everything needed to format any range of events.csv rows.
struct EventsSource {
  EventsSource(const Scenario& scenario_in, const std::vector<EventRecord>& events_in)
      : scenario(scenario_in), events(events_in) {
    for (const auto& ids :
         {escaped_ids(scenario.owners), escaped_ids(scenario.sites), escaped_ids(scenario.orders)}) {
      std::vector<std::size_t> index;
      for (const std::string& id : ids) index.push_back(texts.add(id));
      id_index.push_back(std::move(index));
    }
    empty = texts.add("");
    for (int k = 0; k <= static_cast<int>(EventKind::kPowerOff); ++k) {
      kinds.push_back(texts.add(csv_field(to_string(static_cast<EventKind>(k)))));
    }
    // Dates of days 0..E + 1 (events fall in the span or just after); others are formatted per row.
    const std::int64_t cached_days = std::max<std::int64_t>(scenario.last_day() + 2, 0);
    for (std::int64_t d = 0; d < cached_days; ++d) {
      dates.push_back(texts.add(csv_field(format_date(static_cast<Date>(scenario.start + d)))));
    }
    texts.finish();
    // time, date (up to 2 quotes added), kind, 3 ids, lot, gpus, separators and newline.
    max_row_bytes = kMaxNumberChars + TimelineSource::kMaxDateChars + 2 + 5 * texts.longest() +
                    2 * kMaxIntegerChars + 8 + 4 * kCopyBlock;
  }

  std::size_t chunk_count() const {
    return std::max<std::size_t>(1, (events.size() + kRowsPerChunk - 1) / kRowsPerChunk);
  }

  /// An events.csv row is about 60 bytes.
  static constexpr std::size_t kRowsPerChunk = kChunkBytes / 64;

  /// The text of id `index` of table `table` (0 owners, 1 sites, 2 orders), empty when out of range.
  std::size_t id(std::size_t table, std::int32_t index) const {
    const std::vector<std::size_t>& ids = id_index[table];
    if (index < 0 || static_cast<std::size_t>(index) >= ids.size()) return empty;
    return ids[static_cast<std::size_t>(index)];
  }

  const Scenario& scenario;
  const std::vector<EventRecord>& events;
  TextTable texts;
  std::vector<std::vector<std::size_t>> id_index;
  std::vector<std::size_t> kinds;
  std::vector<std::size_t> dates;
  std::size_t empty = 0;
  std::size_t max_row_bytes = 0;
};

/// Formats chunk `chunk` of events.csv (its rows, and the header before chunk 0) into `out`.
void format_events_chunk(const EventsSource& source, std::size_t chunk, ChunkBuffer& out) {
  const std::size_t first = chunk * EventsSource::kRowsPerChunk;
  const std::size_t last = std::min(first + EventsSource::kRowsPerChunk, source.events.size());
  out.ensure(std::string_view(kEventsHeader).size() + (last - first) * source.max_row_bytes);  // allocated once
  if (chunk == 0) out.append(kEventsHeader);
  const TextTable& texts = source.texts;
  const auto put = [&](char* p, std::size_t text) { return copy_padded(p, texts.data(text), texts.size(text)); };
  // `time,date,` of the previous row: events come in time order, many at one instant.
  char prefix[kMaxNumberChars + TimelineSource::kMaxDateChars + 8 + kCopyBlock] = {};
  std::size_t prefix_size = 0;
  std::uint64_t prefix_time = 0;
  bool have_prefix = false;
  for (std::size_t i = first; i < last; ++i) {
    const EventRecord& e = source.events[i];
    out.ensure(source.max_row_bytes);
    char* p = out.end();
    std::uint64_t time_bits = 0;
    std::memcpy(&time_bits, &e.time, sizeof time_bits);
    if (!have_prefix || time_bits != prefix_time) {
      char* q = write_number(prefix, e.time);
      *q++ = ',';
      if (std::isfinite(e.time)) {
        const std::int64_t day = day_of(e.time);
        if (day >= 0 && static_cast<std::size_t>(day) < source.dates.size()) {
          const std::size_t date = source.dates[static_cast<std::size_t>(day)];
          q = copy_padded(q, texts.data(date), texts.size(date));
        } else {
          const std::string date = csv_field(format_date(static_cast<Date>(source.scenario.start + day)));
          q = std::copy_n(date.data(), std::min(date.size(), TimelineSource::kMaxDateChars + 2), q);
        }
      }
      *q++ = ',';
      prefix_size = static_cast<std::size_t>(q - prefix);
      prefix_time = time_bits;
      have_prefix = true;
    }
    p = copy_padded(p, prefix, prefix_size);
    const auto kind = static_cast<std::size_t>(e.kind);
    if (kind < source.kinds.size()) {
      p = put(p, source.kinds[kind]);
    } else {  // a kind added after this table was written: its name, at the cost of a string
      const std::string name = csv_field(to_string(e.kind));
      out.set_end(p);
      out.ensure(name.size() + source.max_row_bytes);
      p = std::copy(name.begin(), name.end(), out.end());
    }
    *p++ = ',';
    p = put(p, source.id(0, e.owner));
    *p++ = ',';
    p = put(p, source.id(1, e.site));
    *p++ = ',';
    p = put(p, source.id(2, e.order));
    *p++ = ',';
    if (e.lot >= 0) p = write_integer(p, e.lot);
    *p++ = ',';
    p = write_integer(p, e.gpus);
    *p++ = '\n';
    out.set_end(p);
  }
}

// ---- Writing the two large files on two threads ----

/// timeline.csv and events.csv, each cut into chunks. Two threads take chunks (the file least far
/// along first), format them into buffers and write them; each file's chunks are written in order, by
/// whichever thread holds the next one when no other thread is writing that file, so the bytes do not
/// depend on the timing. Chunks are formatted a bounded number ahead of the writes (memory stays small).
/// A failure stops only its own file (which then leaves no file), so what is committed does not depend on
/// the timing either.
class ChunkedWrite {
 public:
  static constexpr std::size_t kTimeline = 0;
  static constexpr std::size_t kEvents = 1;

  ChunkedWrite(CsvFileWriter& timeline, CsvFileWriter& events, const EventsSource& events_source)
      : events_source_(events_source) {
    files_[kTimeline].file = &timeline;
    files_[kEvents].file = &events;
    set_chunks(kEvents, events_source.chunk_count());
  }

  /// Makes timeline chunks available (until then threads work on events.csv).
  void start_timeline(const TimelineSource& source) {
    const std::lock_guard lock(mutex_);
    timeline_source_ = &source;
    set_chunks(kTimeline, source.chunk_count());
    changed_.notify_all();
  }

  /// Records a failure of file `file` (or of preparing it): its remaining chunks are dropped.
  void fail(std::size_t file, std::exception_ptr error) {
    const std::lock_guard lock(mutex_);
    record_failure(files_[file], std::move(error));
  }

  /// Formats and writes chunks until none is left for this thread; each file is committed after its last
  /// chunk. Never throws: failures are recorded (rethrow_failure).
  void work() {
    std::optional<TimelineCursor> cursor;
    std::unique_lock lock(mutex_);
    for (;;) {
      if (File* file = writable()) {
        write_next(*file, lock);
        continue;
      }
      if (File* file = claimable()) {
        const std::size_t chunk = file->claimed++;
        ++file->buffers_out;
        std::unique_ptr<ChunkBuffer> buffer;
        if (!file->free.empty()) {
          buffer = std::move(file->free.back());
          file->free.pop_back();
        }
        lock.unlock();
        std::exception_ptr error;
        try {
          if (!buffer) buffer = std::make_unique<ChunkBuffer>();
          if (file == &files_[kTimeline]) {
            if (!cursor) cursor.emplace(*timeline_source_);
            format_timeline_chunk(*timeline_source_, chunk, *cursor, *buffer);
          } else {
            format_events_chunk(events_source_, chunk, *buffer);
          }
        } catch (...) {
          error = std::current_exception();
        }
        lock.lock();
        if (error) {
          record_failure(*file, std::move(error));
        } else {
          file->formatted[chunk] = std::move(buffer);
          changed_.notify_all();
        }
        continue;
      }
      if (all_claimed()) break;  // what is left is formatted or written by the other thread
      changed_.wait(lock);
    }
  }

  /// Rethrows the first failure, timeline.csv's before events.csv's.
  void rethrow_failure() const {
    for (const File& f : files_) {
      if (f.error) std::rethrow_exception(f.error);
    }
  }

 private:
  static constexpr std::size_t kBuffersPerFile = 3;

  struct File {
    CsvFileWriter* file = nullptr;
    bool available = false;  ///< chunks can be formatted
    std::size_t chunks = 0;
    std::size_t claimed = 0;  ///< chunks handed out for formatting, in order
    std::size_t written = 0;  ///< chunks written, in order
    bool writing = false;     ///< a thread is writing a chunk of this file
    std::size_t buffers_out = 0;  ///< buffers being formatted or waiting to be written
    std::vector<std::unique_ptr<ChunkBuffer>> formatted;  ///< by chunk, until written
    std::vector<std::unique_ptr<ChunkBuffer>> free;
    std::exception_ptr error;  ///< set: nothing more is done for this file
  };

  void set_chunks(std::size_t file, std::size_t chunks) {
    files_[file].chunks = chunks;
    files_[file].formatted.resize(chunks);
    files_[file].available = true;
  }

  void record_failure(File& f, std::exception_ptr error) {
    if (!f.error) f.error = std::move(error);
    changed_.notify_all();
  }

  /// A file whose next chunk is formatted while no thread writes it.
  File* writable() {
    for (File& f : files_) {
      if (!f.error && !f.writing && f.written < f.chunks && f.formatted[f.written]) return &f;
    }
    return nullptr;
  }

  /// The file with chunks left to format and a buffer free that is least far along.
  File* claimable() {
    File* best = nullptr;
    for (File& f : files_) {
      if (f.error || !f.available || f.claimed == f.chunks || f.buffers_out == kBuffersPerFile) continue;
      // f.claimed / f.chunks < best->claimed / best->chunks, without division
      if (best == nullptr || f.claimed * best->chunks < best->claimed * f.chunks) best = &f;
    }
    return best;
  }

  bool all_claimed() const {
    for (const File& f : files_) {
      if (!f.error && (!f.available || f.claimed < f.chunks)) return false;
    }
    return true;
  }

  /// Writes the next chunk of `f` (the lock released meanwhile); commits the file after its last chunk.
  void write_next(File& f, std::unique_lock<std::mutex>& lock) {
    const std::size_t chunk = f.written;
    std::unique_ptr<ChunkBuffer> buffer = std::move(f.formatted[chunk]);
    f.writing = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      f.file->write(buffer->text());
      if (chunk + 1 == f.chunks) f.file->commit();
    } catch (...) {
      error = std::current_exception();
    }
    buffer->clear();
    lock.lock();
    f.writing = false;
    ++f.written;
    --f.buffers_out;
    f.free.push_back(std::move(buffer));
    if (error) record_failure(f, std::move(error));
    changed_.notify_all();
  }

  const EventsSource& events_source_;
  const TimelineSource* timeline_source_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  File files_[2];
};

}  // namespace

void write_trace_files(const std::filesystem::path& folder, const Scenario& scenario,
                       const ResolvedInputs& inputs, const SimulationTrace& trace, std::int64_t step_days) {
  const std::filesystem::path timeline_path = folder / "timeline.csv";
  CsvFileWriter timeline(timeline_path);  // creates the folder (once, before two threads need it)
  CsvFileWriter events(folder / "events.csv");
  const EventsSource events_source(scenario, trace.events);
  ChunkedWrite chunks(timeline, events, events_source);
  std::optional<TimelineSource> timeline_source;
  {
    // The second thread starts on events.csv while this one indexes the change log for the timeline.
    std::jthread helper([&] { chunks.work(); });
    try {
      timeline_source.emplace(scenario, inputs, trace, timeline_days(scenario.last_day(), step_days));
      chunks.start_timeline(*timeline_source);
    } catch (...) {
      chunks.fail(ChunkedWrite::kTimeline, std::current_exception());
    }
    chunks.work();
  }  // joins the helper
  chunks.rethrow_failure();  // a file not committed is removed by its writer's destructor
}

}  // namespace poweron
