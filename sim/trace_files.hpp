// The fast path that writes the two large files of `poweron run` (SPEC 5), timeline.csv and events.csv,
// with the same bytes as timeline_csv and events_csv (run_outputs.hpp) build in memory. The files are
// hundreds of MB for a large scenario, so they are cut into chunks of a few MB that two threads format
// (counts produced column by column from ChangesByColumn and capacity_steps, no series x days arrays) and
// write in order, so memory does not grow with the files. Thread-safe: a pure function (apart from the
// files written).
#pragma once

#include <cstdint>
#include <filesystem>

#include "poweron/inputs.hpp"
#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron {

/// Writes timeline.csv (rows at timeline_days(E, step_days)) and events.csv into `folder` (created if
/// needed), each atomically, on the calling thread and one more. The bytes do not depend on the timing.
/// Throws UserError (ExitCode::kRuntime) naming the path on an I/O failure (timeline.csv's first if both
/// fail; a file already committed stays, the other leaves no file) and InternalError for a change log
/// that does not fit the scenario.
void write_trace_files(const std::filesystem::path& folder, const Scenario& scenario,
                       const ResolvedInputs& inputs, const SimulationTrace& trace, std::int64_t step_days);

}  // namespace poweron
