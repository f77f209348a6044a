// Keyed Monte Carlo sampling with a Gaussian copula (see sampling.hpp).
// Bit-identical results need IEEE operations exactly as written: the library is built with
// -ffp-contract=off (CMakeLists.txt), so no a * b + c is fused into one FMA.

#include "poweron/sampling.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <map>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "poweron/distribution.hpp"
#include "poweron/random.hpp"

namespace poweron {
namespace {

// Phi(z) rounds to 0 or 1 far in the tails; quantile needs u strictly inside (0, 1).
constexpr double kMinU = std::numeric_limits<double>::denorm_min();
constexpr double kMaxU = 1.0 - 0x1.0p-53;

std::string describe_pair(const Correlation& c) { return "(" + c.a + ", " + c.b + ")"; }

}  // namespace

CopulaPlan::CopulaPlan(const std::vector<Correlation>& correlations) {
  // Members in order of first mention; union-find over member indices for the groups.
  std::map<std::string, std::size_t, std::less<>> index;
  std::vector<std::size_t> parent;
  auto add_member = [&](const std::string& address) {
    const auto found = index.find(address);
    if (found != index.end()) return found->second;
    const std::size_t member = members_.size();
    members_.push_back(Member{address, fnv1a64(address), 0, 0});
    index.emplace(address, member);
    parent.push_back(member);
    return member;
  };
  auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const Correlation& c : correlations) {
    if (c.a == c.b) throw std::invalid_argument("correlation: an input cannot be correlated with itself (" + c.a + ")");
    if (!(c.rho > -1 && c.rho < 1)) {
      throw std::invalid_argument("correlation " + describe_pair(c) + ": rho must be in (-1, 1), got " +
                                  std::to_string(c.rho));
    }
    const std::size_t a = add_member(c.a);
    const std::size_t b = add_member(c.b);
    const std::size_t ra = root(a);
    const std::size_t rb = root(b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);  // the root is the earliest member
  }

  // Groups in order of their first member; positions in order of first mention.
  std::vector<std::size_t> group_of_root(members_.size(), kNotMember);
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const std::size_t r = root(i);
    if (group_of_root[r] == kNotMember) {
      group_of_root[r] = groups_.size();
      groups_.emplace_back();
    }
    Group& group = groups_[group_of_root[r]];
    members_[i].group = group_of_root[r];
    members_[i].position = group.members.size();
    group.members.push_back(i);
  }

  // Correlation matrices.
  std::vector<Eigen::MatrixXd> matrices;
  matrices.reserve(groups_.size());
  for (const Group& group : groups_) {
    const auto k = static_cast<Eigen::Index>(group.members.size());
    matrices.emplace_back(Eigen::MatrixXd::Identity(k, k));
  }
  for (const Correlation& c : correlations) {
    const Member& a = members_[index.find(c.a)->second];
    const Member& b = members_[index.find(c.b)->second];
    Eigen::MatrixXd& m = matrices[a.group];
    const auto i = static_cast<Eigen::Index>(a.position);
    const auto j = static_cast<Eigen::Index>(b.position);
    if (m(i, j) != 0) throw std::invalid_argument("correlation " + describe_pair(c) + ": pair listed twice");
    m(i, j) = c.rho;
    m(j, i) = c.rho;
  }

  for (std::size_t g = 0; g < groups_.size(); ++g) {
    Group& group = groups_[g];
    const Eigen::MatrixXd& m = matrices[g];
    const Eigen::Index k = m.rows();
    const Eigen::LLT<Eigen::MatrixXd> llt(m);
    // LLT accepts some semi-definite matrices; require a strictly positive pivot too.
    const Eigen::MatrixXd lower = llt.matrixL();
    bool definite = llt.info() == Eigen::Success;
    for (Eigen::Index i = 0; definite && i < k; ++i) definite = lower(i, i) > 1e-12;
    if (!definite) {
      std::string names;
      for (const std::size_t member : group.members) names += (names.empty() ? "" : ", ") + members_[member].address;
      throw std::invalid_argument("correlation matrix is not positive definite (inputs: " + names + ")");
    }
    const Eigen::MatrixXd precision = llt.solve(Eigen::MatrixXd::Identity(k, k));
    const auto size = static_cast<std::size_t>(k);
    group.cholesky.assign(size * size, 0.0);
    group.regression.assign(size * size, 0.0);
    group.conditional_sd.assign(size, 0.0);
    for (Eigen::Index i = 0; i < k; ++i) {
      const auto row = static_cast<std::size_t>(i);
      for (Eigen::Index j = 0; j < k; ++j) {
        const auto col = static_cast<std::size_t>(j);
        group.cholesky[row * size + col] = j <= i ? lower(i, j) : 0.0;
        // E[z_i | z_others] = -sum_{j != i} (P_ij / P_ii) z_j; Var(z_i | z_others) = 1 / P_ii.
        if (i != j) group.regression[row * size + col] = -precision(i, j) / precision(i, i);
      }
      group.conditional_sd[row] = std::sqrt(1.0 / precision(i, i));
    }
    if (size > max_group_size_) max_group_size_ = size;
  }
  for (std::size_t i = 0; i < members_.size(); ++i) by_hash_.emplace_back(members_[i].address_hash, i);
  std::sort(by_hash_.begin(), by_hash_.end());
}

std::shared_ptr<const CopulaPlan> CopulaPlan::for_scenario(const Scenario& scenario) {
  return std::make_shared<const CopulaPlan>(scenario.correlations);
}

std::size_t CopulaPlan::find(std::string_view address) const {
  return by_hash_.empty() ? kNotMember : find(address, fnv1a64(address));
}

std::size_t CopulaPlan::find(std::string_view address, std::uint64_t address_hash) const {
  auto it = std::lower_bound(by_hash_.begin(), by_hash_.end(), std::make_pair(address_hash, std::size_t{0}));
  for (; it != by_hash_.end() && it->first == address_hash; ++it) {
    if (members_[it->second].address == address) return it->second;
  }
  return kNotMember;
}

KeyedSampler::KeyedSampler(std::shared_ptr<const CopulaPlan> plan, std::uint64_t seed)
    : plan_(std::move(plan)), seed_(seed), seed_mix_(mix64(seed + kGoldenGamma)) {
  if (!plan_) throw std::invalid_argument("KeyedSampler: null CopulaPlan");
  scratch_.assign(2 * plan_->max_group_size(), 0.0);
}

std::size_t KeyedSampler::member_of(const std::string& distribution_address) {
  if (!last_distribution_address_ || distribution_address != *last_distribution_address_) {
    last_distribution_address_ = distribution_address;
    last_distribution_member_ = plan_->find(distribution_address);
  }
  return last_distribution_member_;
}

KeyedSampler::KeyedSampler(const Scenario& scenario, std::uint64_t seed)
    : KeyedSampler(CopulaPlan::for_scenario(scenario), seed) {}

double KeyedSampler::copula_normal(std::size_t member_index, std::string_view address, std::uint64_t address_hash) {
  const CopulaPlan::Member& self = plan_->member(member_index);
  const CopulaPlan::Group& group = plan_->group(self.group);
  const std::size_t k = group.members.size();
  const std::size_t i = self.position;
  double* normals = scratch_.data();
  double* values = scratch_.data() + k;
  const bool own_stream = address == self.address;
  // Independent normals of the members' own streams (all of them when the conditional form needs them).
  const std::size_t needed = own_stream ? i + 1 : k;
  for (std::size_t j = 0; j < needed; ++j) {
    normals[j] = RandomStream(key_for_hash(plan_->member(group.members[j]).address_hash)).normal();
  }
  if (own_stream) {
    double z = 0;
    for (std::size_t j = 0; j <= i; ++j) z += group.cholesky[i * k + j] * normals[j];
    return z;
  }
  // Drawn under another address (per lot): conditional on the other members' canonical values.
  for (std::size_t r = 0; r < k; ++r) {
    double z = 0;
    for (std::size_t j = 0; j <= r; ++j) z += group.cholesky[r * k + j] * normals[j];
    values[r] = z;
  }
  double mean = 0;
  for (std::size_t j = 0; j < k; ++j) {
    if (j != i) mean += group.regression[i * k + j] * values[j];
  }
  const double own = RandomStream(key_for_hash(address_hash)).normal();
  return mean + group.conditional_sd[i] * own;
}

double KeyedSampler::draw(const Distribution& distribution, std::string_view address) {
  if (distribution.is_constant()) return point_value(distribution);
  return draw_by_hash(distribution, fnv1a64(address), address);
}

double KeyedSampler::draw_by_hash(const Distribution& distribution, std::uint64_t address_hash,
                                  std::string_view address) {
  if (distribution.is_constant()) return point_value(distribution);
  if (!plan_->empty()) {
    std::size_t member = plan_->find(address, address_hash);
    if (member == CopulaPlan::kNotMember && address != distribution.address) member = member_of(distribution.address);
    if (member != CopulaPlan::kNotMember) {
      double u = detmath::normal_cdf(copula_normal(member, address, address_hash));
      if (u < kMinU) u = kMinU;
      if (u > kMaxU) u = kMaxU;
      return quantile(distribution, u);
    }
  }
  return quantile(distribution, RandomStream(key_for_hash(address_hash)).uniform01());
}

bool KeyedSampler::occurs(double probability, std::string_view address) {
  if (!(probability >= 0 && probability <= 1)) {
    throw std::invalid_argument("risk '" + std::string(address) + "': probability must be in [0, 1], got " +
                                std::to_string(probability));
  }
  return RandomStream(key_for_hash(fnv1a64(address))).uniform01() < probability;
}

std::int64_t KeyedSampler::binomial(std::int64_t n, double p, std::string_view address) {
  return binomial_by_hash(n, p, fnv1a64(address));
}

BinomialInversion* KeyedSampler::inversion_for(std::int64_t n, double p) {
  if (n == last_n_ && p == last_p_) return last_inversion_;
  constexpr std::int64_t kCachedN = 4096;  // a chunk is one crew-day of chips: usually a few hundred
  constexpr std::size_t kCachedRates = 16;
  if (!(p > 0 && p <= 0.5) || n <= 0 || n >= kCachedN || static_cast<double>(n) * p >= 10) return nullptr;
  auto of_rate =
      std::find_if(inversions_.begin(), inversions_.end(), [p](const InversionsOfRate& z) { return z.p == p; });
  if (of_rate == inversions_.end()) {
    if (inversions_.size() == kCachedRates) return nullptr;
    inversions_.push_back({p, std::vector<std::unique_ptr<BinomialInversion>>(static_cast<std::size_t>(kCachedN))});
    of_rate = inversions_.end() - 1;
  }
  std::unique_ptr<BinomialInversion>& table = of_rate->by_n[static_cast<std::size_t>(n)];
  if (!table) table = std::make_unique<BinomialInversion>(n, p, binomial_zero_mass(n, p));
  last_inversion_ = table.get();
  last_n_ = n;
  last_p_ = p;
  return table.get();
}

std::int64_t KeyedSampler::binomial_by_hash(std::int64_t n, double p, std::uint64_t address_hash) {
  return binomial_sum_by_hash(n, p, std::span<const std::uint64_t>(&address_hash, 1));
}

std::int64_t KeyedSampler::binomial_sum_by_hash(std::int64_t n, double p,
                                                std::span<const std::uint64_t> address_hashes) {
  std::int64_t sum = 0;
  if (BinomialInversion* inversion = inversion_for(n, p)) {
    for (const std::uint64_t hash : address_hashes) sum += inversion->variate(RandomStream(key_for_hash(hash)).uniform01());
  } else {
    for (const std::uint64_t hash : address_hashes) sum += RandomStream(key_for_hash(hash)).binomial(n, p);
  }
  return sum;
}

void KeyedSampler::reseed(std::uint64_t seed) {
  seed_ = seed;
  seed_mix_ = mix64(seed + kGoldenGamma);
}

}  // namespace poweron
