// The buildout model (SPEC section 3) on the event kernel.
//
// A Simulator is built once per scenario (ids resolved to indices, lots laid out) and then runs any
// number of times with different ResolvedInputs; run() is const and thread-safe, so a sweep shares one
// Simulator across threads. A run is a pure function of the scenario and the inputs.
//
//   Simulator sim(scenario);
//   PointSampler point;
//   SimulationTrace trace = sim.run(resolve_inputs(scenario, point), point, {.record_events = true});
#pragma once

#include <memory>

#include "poweron/inputs.hpp"
#include "poweron/scenario.hpp"
#include "poweron/trace.hpp"

namespace poweron {

class ModelRun;
class RunAccumulator;
class Simulator;

/// A model run's storage, kept between runs: a caller running many runs on one thread (a sweep's worker)
/// passes the same scratch to every run_into, so that a run allocates (almost) nothing in steady state.
/// Serves one Simulator at a time (a run of another is rebuilt); one per thread.
class RunScratch {
 public:
  RunScratch();
  ~RunScratch();
  RunScratch(RunScratch&&) noexcept;
  RunScratch& operator=(RunScratch&&) noexcept;

 private:
  friend class Simulator;
  std::unique_ptr<ModelRun> run_;
};

struct RunOptions {
  bool record_events = false;  ///< fill SimulationTrace::events (run needs them; sweeps do not)
  /// Check chip conservation per SKU after every instant; throws InternalError on a violation.
  /// On by default in debug builds.
#ifdef NDEBUG
  bool check_invariants = false;
#else
  bool check_invariants = true;
#endif
};

class Simulator {
 public:
  /// REQUIRES: a scenario that passed validation (load_scenario guarantees it).
  explicit Simulator(const Scenario& scenario);
  ~Simulator();
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;

  /// Simulates [0, E + 1). `sampler` supplies burn-in failure draws when sampled().
  SimulationTrace run(const ResolvedInputs& inputs, InputSampler& sampler, const RunOptions& options = {}) const;

  /// As run(), but every change goes to `accumulator` (built for this scenario; reset here) instead of a
  /// log: the way to run many replications that need metrics and daily counts only (sweeps). Its
  /// metrics equal compute_metrics of run()'s log, bit for bit. With a `scratch`, the run reuses its
  /// storage.
  void run_into(const ResolvedInputs& inputs, InputSampler& sampler, const RunOptions& options,
                RunAccumulator& accumulator, RunScratch* scratch = nullptr) const;

  const Scenario& scenario() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace poweron
