// Resolved inputs: every uncertain scenario value turned into one concrete number for one run.
//
// The model never sees a distribution. `resolve_inputs` walks the scenario in a fixed order, asks an
// InputSampler for each value by its stable address (SPEC 2.1, 7), applies risks, schedules the
// construction DAG, and returns plain times in simulation days (days since `start` 00:00). A point run
// uses PointSampler; a Monte Carlo replication uses a keyed sampler (sampling.hpp). Thread-safety:
// a sampler is used by one thread; resolve_inputs is otherwise pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "poweron/construction_graph.hpp"
#include "poweron/distribution.hpp"
#include "poweron/scenario.hpp"

namespace poweron {

/// Source of values for uncertain inputs.
class InputSampler {
 public:
  virtual ~InputSampler() = default;
  /// The value of `distribution` for the draw keyed by `address` (usually distribution.address; per-lot
  /// transit uses `orders.O.lots.K.transit_days`). Clamped as point_value is.
  virtual double draw(const Distribution& distribution, std::string_view address) = 0;
  /// Whether the risk at `address` (`risks.R.occurs`) occurs.
  virtual bool occurs(double probability, std::string_view address) = 0;
  /// True for Monte Carlo draws; false for point values (then burn-in failures use cumulative rounding).
  virtual bool sampled() const = 0;
  /// Failures among n chips of one burn-in chunk, keyed by `address`
  /// (`orders.O.lots.K.chunks.C.failures`). Only called when sampled().
  virtual std::int64_t binomial(std::int64_t n, double p, std::string_view address) = 0;
  /// True when the sampler keys its streams by fnv1a64(address) alone (random.hpp), so that callers may
  /// pass binomial_by_hash a hash computed from precomputed prefixes instead of building the address.
  virtual bool keyed_by_address_hash() const { return false; }
  /// binomial(n, p, address) given only address_hash == fnv1a64(address). Only called when
  /// keyed_by_address_hash(); the default throws std::logic_error.
  virtual std::int64_t binomial_by_hash(std::int64_t n, double p, std::uint64_t address_hash);
  /// The sum of binomial_by_hash(n, p, h) over `address_hashes` (the chunks of one burn-in job) in one
  /// call. The default calls binomial_by_hash for each.
  virtual std::int64_t binomial_sum_by_hash(std::int64_t n, double p, std::span<const std::uint64_t> address_hashes);
  /// draw(distribution, address) given also address_hash == fnv1a64(address), so that a sampler keyed by
  /// address hash need not rehash a precomputed address. The default calls draw(distribution, address).
  virtual double draw_by_hash(const Distribution& distribution, std::uint64_t address_hash,
                              std::string_view address) {
    (void)address_hash;
    return draw(distribution, address);
  }
};

/// Point values (SPEC 2.1 table); risks occur iff probability >= 0.5.
class PointSampler final : public InputSampler {
 public:
  double draw(const Distribution& distribution, std::string_view address) override;
  bool occurs(double probability, std::string_view address) override;
  bool sampled() const override { return false; }
  std::int64_t binomial(std::int64_t n, double p, std::string_view address) override;
};

inline constexpr double kUnlimited = std::numeric_limits<double>::infinity();

struct ResolvedPowerStep {
  double time = 0;  ///< simulation days
  double mw = 0;
};

struct ResolvedSite {
  std::vector<double> phase_ready_time;              ///< per phase (scenario order), simulation days
  std::vector<std::vector<ResolvedPowerStep>> power;  ///< per source, steps in the order written
  double install_rate = kUnlimited;                   ///< chips per crew-day
  double burn_in_days = 0;
  double rma_days = 0;
};

struct ResolvedOrder {
  double ship_time = 0;             ///< first lot's ship instant without slip, simulation days
  double slip_days = 0;             ///< including the delays of risks that occurred
  std::vector<double> transit_days;  ///< per lot
};

struct ResolvedTask {
  double start = 0;   ///< simulation days
  double finish = 0;  ///< start + duration (risk delays included)
  double duration = 0;
};

struct ResolvedInputs {
  std::vector<ResolvedSite> sites;               ///< scenario order
  std::vector<ResolvedOrder> orders;             ///< scenario order
  std::vector<double> redirection_time;          ///< scenario order, simulation days
  std::vector<ResolvedTask> tasks;               ///< scenario order
  std::vector<bool> risk_occurs;                 ///< scenario order
  /// Every scalar drawn, by address, in the order drawn (for sensitivity analysis).
  std::vector<std::pair<std::string, double>> draws;
};

/// Everything resolve_inputs derives from the scenario alone, built once per scenario and shared
/// read-only (also across threads) by every replication: the construction graph, resolved id references,
/// and every address drawn with its fnv1a64 hash, in draw order.
///   InputPlan plan(scenario);  // once
///   ResolvedInputs inputs = resolve_inputs(plan, sampler);  // per replication
/// The plan refers to `scenario`, which must outlive it and stay unchanged.
class InputPlan {
 public:
  /// REQUIRES: a scenario that passed validation; throws InternalError on an unknown task or order id
  /// or an order without lots.
  explicit InputPlan(const Scenario& scenario);

  const Scenario& scenario() const { return *scenario_; }
  const ConstructionGraph& graph() const { return graph_; }

  /// Per site, per phase: the index of the task its readiness waits on, or kNoTask.
  static constexpr std::size_t kNoTask = static_cast<std::size_t>(-1);
  const std::vector<std::vector<std::size_t>>& phase_task() const { return phase_task_; }
  /// Per risk, per delay: the index of the task or order it delays.
  const std::vector<std::vector<std::size_t>>& delay_target() const { return delay_target_; }
  /// Per order, per lot: the lot's transit address `orders.O.lots.K.transit_days`.
  const std::vector<std::vector<std::string>>& lot_addresses() const { return lot_addresses_; }
  /// Per risk: `risks.R.occurs`.
  const std::vector<std::string>& occurs_addresses() const { return occurs_addresses_; }
  /// fnv1a64 of the address of every InputSampler::draw call of resolve_inputs, in call order.
  const std::vector<std::uint64_t>& address_hashes() const { return address_hashes_; }

 private:
  const Scenario* scenario_;
  ConstructionGraph graph_;
  std::vector<std::vector<std::size_t>> phase_task_;
  std::vector<std::vector<std::size_t>> delay_target_;
  std::vector<std::vector<std::string>> lot_addresses_;
  std::vector<std::string> occurs_addresses_;
  std::vector<std::uint64_t> address_hashes_;
};

/// Resolves every uncertain input of `scenario` through `sampler`. Dates become simulation days
/// (date - start). Construction finish times come from the DAG in topological order.
/// REQUIRES: a scenario that passed validation. Builds an InputPlan; repeated callers should build one
/// plan and use the overload below.
ResolvedInputs resolve_inputs(const Scenario& scenario, InputSampler& sampler, bool record_draws = false);

/// As resolve_inputs(plan.scenario(), sampler, record_draws): the same sampler calls with the same
/// addresses in the same order, hence the same values; each draw passes its precomputed address hash
/// (InputSampler::draw_by_hash).
ResolvedInputs resolve_inputs(const InputPlan& plan, InputSampler& sampler, bool record_draws = false);

/// As resolve_inputs(plan, sampler, true), but records only the values, in the same order, into
/// `drawn_values` (cleared first), and leaves `draws` empty: for callers that know the addresses already
/// (a sweep lists them once), without a string per draw.
ResolvedInputs resolve_inputs(const InputPlan& plan, InputSampler& sampler, std::vector<double>& drawn_values);

/// As resolve_inputs(plan, sampler) (or, with `drawn_values`, the overload above) into `out`, whatever
/// it held before, reusing the storage of its vectors: a sweep's worker resolves every replication into
/// one ResolvedInputs and, in steady state, allocates nothing for it. `draws` is left empty.
void resolve_inputs_into(const InputPlan& plan, InputSampler& sampler, ResolvedInputs& out,
                         std::vector<double>* drawn_values = nullptr);

}  // namespace poweron
