// Monte Carlo input sampling: keyed streams plus the Gaussian copula of `correlations` (SPEC 2, 7).
//
// Every uncertain input of a replication is drawn from its own stream, keyed by (replication seed, address)
// (random.hpp), mapped through the distribution's inverse CDF (distribution.hpp). Keying gives common random
// numbers: two scenarios run with the same seed share the draw of every address they have in common, so
// adding an order or moving a date changes no other input's draw.
//
// Correlated inputs: the addresses linked by `correlations` form groups (connected components). Each group's
// correlation matrix (1 on the diagonal, rho for each listed pair, 0 for unlisted pairs) is factored once,
// R = L L^T, in a CopulaPlan shared by every replication. Member i of a group draws z_i = sum_j L(i,j) n_j,
// where n_j is the standard normal of member j's own stream, then u = Phi(z_i) and the value quantile(u).
// The first member of a group keeps (to rounding) the draw it would have uncorrelated.
//
// A correlation names a field's address (`orders.o1.transit_days`); a field drawn several times under other
// addresses (per lot: `orders.o1.lots.2.transit_days`) draws each of those from the conditional normal
// given the other members' values, z = E[z_i | z_others] + sd(z_i | z_others) n(own address), so every lot
// has correlation rho with each other member, and lots are independent given the others.
//
//   auto plan = CopulaPlan::for_scenario(scenario);          // once per scenario
//   KeyedSampler sampler(plan, replication_seed(scenario.seed, r));
//   ResolvedInputs inputs = resolve_inputs(scenario, sampler);
//
// Thread-safety: a CopulaPlan is immutable and may be shared across threads; a KeyedSampler is used by one
// thread (it owns a small scratch buffer). Drawing never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "poweron/inputs.hpp"
#include "poweron/random.hpp"
#include "poweron/scenario.hpp"

namespace poweron {

/// The factored Gaussian copula of a scenario's correlations. Immutable once built.
class CopulaPlan {
 public:
  /// Builds the plan from `correlations` (in the order written; a group's members are ordered by first
  /// mention). Throws std::invalid_argument naming the inputs when a pair names one address twice, a rho is
  /// not in (-1, 1), a pair is listed twice, or a group's matrix is not positive definite (the loader
  /// rejects all of these first; this guards programmatic use).
  explicit CopulaPlan(const std::vector<Correlation>& correlations);

  /// The shared plan of `scenario` (scenario.correlations).
  static std::shared_ptr<const CopulaPlan> for_scenario(const Scenario& scenario);

  /// No correlations: every input is drawn independently.
  bool empty() const { return members_.empty(); }
  /// Number of correlated inputs.
  std::size_t member_count() const { return members_.size(); }
  /// Largest group size (the scratch a sampler needs).
  std::size_t max_group_size() const { return max_group_size_; }

  /// The index of the member with this address, or kNotMember.
  static constexpr std::size_t kNotMember = static_cast<std::size_t>(-1);
  std::size_t find(std::string_view address) const;
  /// As find(address), given address_hash == fnv1a64(address) (samplers hash each address once).
  std::size_t find(std::string_view address, std::uint64_t address_hash) const;

  /// Member data for samplers.
  struct Member {
    std::string address;
    std::uint64_t address_hash = 0;  ///< fnv1a64(address): the member's stream without rehashing
    std::size_t group = 0;
    std::size_t position = 0;  ///< index within its group
  };
  struct Group {
    std::vector<std::size_t> members;  ///< member indices, in group order
    /// Row-major k x k lower Cholesky factor L of the group's correlation matrix.
    std::vector<double> cholesky;
    /// Row-major k x k: regression[i*k + j] = weight of z_j in E[z_i | others] (0 on the diagonal).
    std::vector<double> regression;
    /// sd(z_i | others) for each position i.
    std::vector<double> conditional_sd;
  };
  const Member& member(std::size_t index) const { return members_[index]; }
  const Group& group(std::size_t index) const { return groups_[index]; }

 private:
  std::vector<Member> members_;
  std::vector<Group> groups_;
  /// (fnv1a64(address), member index), sorted: lookups compare one integer, then the string.
  std::vector<std::pair<std::uint64_t, std::size_t>> by_hash_;
  std::size_t max_group_size_ = 0;
};

/// Keyed Monte Carlo sampler for one replication (SPEC 7). See the file comment.
class KeyedSampler final : public InputSampler {
 public:
  /// REQUIRES: plan != nullptr. `seed` is the replication's own seed (replication_seed(base, r), or the
  /// `--seed` of a single sampled run).
  KeyedSampler(std::shared_ptr<const CopulaPlan> plan, std::uint64_t seed);
  /// Convenience: builds the scenario's plan (sweeps should build it once and share it).
  KeyedSampler(const Scenario& scenario, std::uint64_t seed);

  /// Constant: its value (clamped as point_value is). Otherwise quantile(distribution, u) with u the
  /// uniform of the stream keyed by `address`, or Phi of the copula normal when the input is correlated
  /// (looked up by `address`, then by distribution.address).
  double draw(const Distribution& distribution, std::string_view address) override;
  /// As draw(distribution, address) for address_hash == fnv1a64(address), without rehashing `address`.
  double draw_by_hash(const Distribution& distribution, std::uint64_t address_hash,
                      std::string_view address) override;
  /// uniform01 of the stream keyed by `address` < probability. REQUIRES: probability in [0, 1].
  bool occurs(double probability, std::string_view address) override;
  bool sampled() const override { return true; }
  /// Binomial(n, p) from the stream keyed by `address` (RandomStream::binomial).
  std::int64_t binomial(std::int64_t n, double p, std::string_view address) override;
  /// True: every stream is keyed by (seed, fnv1a64(address)).
  bool keyed_by_address_hash() const override { return true; }
  /// As binomial(n, p, address) for address_hash == fnv1a64(address).
  std::int64_t binomial_by_hash(std::int64_t n, double p, std::uint64_t address_hash) override;
  /// The sum of binomial_by_hash(n, p, h) over `address_hashes`, with one lookup of the (n, p) cache.
  std::int64_t binomial_sum_by_hash(std::int64_t n, double p, std::span<const std::uint64_t> address_hashes) override;

  /// The replication seed this sampler draws with.
  std::uint64_t seed() const { return seed_; }
  /// Draws from now on as KeyedSampler(plan, seed) would; caches that do not depend on the seed are
  /// kept, so that a worker running many replications reuses one sampler.
  void reseed(std::uint64_t seed);

 private:
  std::uint64_t key_for_hash(std::uint64_t address_hash) const {
    return mix64(address_hash ^ seed_mix_);  // == stream_key(seed_, address)
  }
  double copula_normal(std::size_t member_index, std::string_view address, std::uint64_t address_hash);
  /// plan_->find(distribution_address), remembering the last: the draws of one distribution (per lot,
  /// per step) come one after another, and each would hash the same address again.
  std::size_t member_of(const std::string& distribution_address);

  std::shared_ptr<const CopulaPlan> plan_;
  std::uint64_t seed_;
  std::uint64_t seed_mix_;        ///< mix64(seed + gamma), the seed half of every stream key
  std::optional<std::string> last_distribution_address_;  ///< member_of's last question and answer
  std::size_t last_distribution_member_ = CopulaPlan::kNotMember;
  std::vector<double> scratch_;   ///< 2 * max_group_size: normals, then correlated values
  /// The inversion table of (n, p), built when first drawn; null when binomial() does not take the
  /// inversion branch for (n, p) or the cache holds too many rates already. Burn-in draws repeat a few
  /// (n, p) pairs thousands of times: the exp and log of the zero mass dominated the draw, then the steps
  /// of the walk and its exit.
  BinomialInversion* inversion_for(std::int64_t n, double p);
  /// The tables of one failure rate p (a few: one per site at most), by n.
  struct InversionsOfRate {
    double p = 0;
    std::vector<std::unique_ptr<BinomialInversion>> by_n;
  };
  /// The last table inversion_for returned and its (n, p): a job's draws, and the next job's, repeat it.
  BinomialInversion* last_inversion_ = nullptr;
  std::int64_t last_n_ = -1;
  double last_p_ = 0;
  std::vector<InversionsOfRate> inversions_;
};

}  // namespace poweron
