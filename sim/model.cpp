// Simulator: the public face of the model (model.hpp). The scenario is resolved once into a
// ModelLayout; each run() builds its own ModelRun, so concurrent runs share only read-only data.
#include "poweron/model.hpp"

#include "model_layout.hpp"
#include "model_run.hpp"
#include "poweron/result.hpp"

namespace poweron {

struct Simulator::Impl {
  Scenario scenario;
  ModelLayout layout;
};

Simulator::Simulator(const Scenario& scenario)
    : impl_(std::make_unique<Impl>(Impl{scenario, ModelLayout::build(scenario)})) {}

Simulator::~Simulator() = default;
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;

SimulationTrace Simulator::run(const ResolvedInputs& inputs, InputSampler& sampler, const RunOptions& options) const {
  if (!impl_) throw InternalError("Simulator::run on a moved-from simulator");
  impl_->layout.check_inputs(inputs);
  ModelRun run(impl_->scenario, impl_->layout);
  run.start(inputs, sampler, options);
  return run.run();
}

void Simulator::run_into(const ResolvedInputs& inputs, InputSampler& sampler, const RunOptions& options,
                         RunAccumulator& accumulator, RunScratch* scratch) const {
  if (!impl_) throw InternalError("Simulator::run on a moved-from simulator");
  impl_->layout.check_inputs(inputs);
  if (!accumulator.fits(impl_->scenario)) {
    throw InternalError("Simulator::run_into: an accumulator of another scenario");
  }
  accumulator.reset();
  RunScratch local;
  RunScratch& kept = scratch != nullptr ? *scratch : local;
  if (!kept.run_ || !kept.run_->uses(impl_->layout)) {
    kept.run_ = std::make_unique<ModelRun>(impl_->scenario, impl_->layout);
  }
  kept.run_->start(inputs, sampler, options, &accumulator);
  kept.run_->run();
}

RunScratch::RunScratch() = default;
RunScratch::~RunScratch() = default;
RunScratch::RunScratch(RunScratch&&) noexcept = default;
RunScratch& RunScratch::operator=(RunScratch&&) noexcept = default;

const Scenario& Simulator::scenario() const {
  if (!impl_) throw InternalError("Simulator::scenario on a moved-from simulator");
  return impl_->scenario;
}

}  // namespace poweron
