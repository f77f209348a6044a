// Tests of keyed Monte Carlo sampling and the Gaussian copula (sampling.hpp, SPEC 2.1 and 7).
//
// Statistical tests use fixed seeds, so they are deterministic; their tolerances are the 4-standard-error
// band for moments and the 99% Kolmogorov-Smirnov critical value 1.628 / sqrt(n), computed from n.
#include "poweron/sampling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "poweron/distribution.hpp"
#include "poweron/inputs.hpp"
#include "poweron/random.hpp"
#include "poweron/date.hpp"
#include "poweron/scenario.hpp"

namespace poweron {
namespace {

constexpr int kDraws = 200000;
constexpr double kPi = 3.14159265358979323846;

Distribution make(DistKind kind, std::vector<double> params, std::string address = "test.field") {
  Distribution d;
  d.kind = kind;
  d.params = std::move(params);
  d.address = std::move(address);
  return d;
}

// The C library's normal CDF (independent of detmath).
double phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// kDraws values of `d`, each from its own address `d.address.<i>` under one seed (distinct streams).
std::vector<double> draw_distinct_addresses(const Distribution& d, std::uint64_t seed) {
  KeyedSampler sampler(std::make_shared<const CopulaPlan>(std::vector<Correlation>{}), seed);
  std::vector<double> values(kDraws);
  std::string address;
  for (int i = 0; i < kDraws; ++i) {
    address = d.address + "." + std::to_string(i);
    values[static_cast<std::size_t>(i)] = sampler.draw(d, address);
  }
  return values;
}

// Checks mean and variance within 4 standard errors (the variance's from the sample fourth moment) and
// the Kolmogorov-Smirnov distance to `cdf` below the 99% critical value.
void check_sample(std::vector<double> values, double mean, double variance,
                  const std::function<double(double)>& cdf) {
  const double n = static_cast<double>(values.size());
  double sum = 0;
  for (const double v : values) sum += v;
  const double sample_mean = sum / n;
  double m2 = 0;
  double m4 = 0;
  for (const double v : values) {
    const double d2 = (v - sample_mean) * (v - sample_mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  EXPECT_NEAR(sample_mean, mean, 4 * std::sqrt(variance / n));
  EXPECT_NEAR(m2, variance, 4 * std::sqrt((m4 - m2 * m2) / n));
  std::sort(values.begin(), values.end());
  double ks = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double f = cdf(values[i]);
    ks = std::max({ks, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  EXPECT_LT(ks, 1.628 / std::sqrt(n));
}

TEST(SamplingTest, UniformMatchesTheory) {
  // U(2, 10): mean 6, variance 8^2 / 12.
  check_sample(draw_distinct_addresses(make(DistKind::kUniform, {2, 10}, "u"), 101), 6, 64.0 / 12,
               [](double x) { return std::clamp((x - 2) / 8, 0.0, 1.0); });
}

TEST(SamplingTest, TriangularMatchesTheory) {
  // Tri(5, 7, 14): mean (5+7+14)/3, variance (a^2+b^2+c^2-ab-ac-bc)/18 = (25+49+196-35-70-98)/18.
  const double a = 5;
  const double c = 7;
  const double b = 14;
  check_sample(draw_distinct_addresses(make(DistKind::kTriangular, {a, c, b}, "t"), 102), 26.0 / 3, 67.0 / 18,
               [=](double x) {
                 if (x <= a) return 0.0;
                 if (x >= b) return 1.0;
                 if (x <= c) return (x - a) * (x - a) / ((b - a) * (c - a));
                 return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
               });
}

// CDF of Beta(alpha, beta) by Simpson's rule on a fine grid (C library pow and lgamma), interpolated.
std::function<double(double)> beta_cdf_by_quadrature(double alpha, double beta) {
  constexpr int kCells = 20000;
  const double log_b = std::lgamma(alpha) + std::lgamma(beta) - std::lgamma(alpha + beta);
  auto pdf = [=](double t) {
    if (t <= 0 || t >= 1) return (t <= 0 && alpha == 1) || (t >= 1 && beta == 1) ? std::exp(-log_b) : 0.0;
    return std::exp((alpha - 1) * std::log(t) + (beta - 1) * std::log1p(-t) - log_b);
  };
  auto grid = std::make_shared<std::vector<double>>(kCells + 1, 0.0);
  const double h = 1.0 / kCells;
  for (int i = 0; i < kCells; ++i) {
    const double t0 = i * h;
    (*grid)[static_cast<std::size_t>(i) + 1] =
        (*grid)[static_cast<std::size_t>(i)] + h / 6 * (pdf(t0) + 4 * pdf(t0 + h / 2) + pdf(t0 + h));
  }
  return [grid, h](double t) {
    if (t <= 0) return 0.0;
    if (t >= 1) return 1.0;
    const double cell = t / h;
    const auto i = static_cast<std::size_t>(cell);
    const double frac = cell - static_cast<double>(i);
    return (*grid)[i] + frac * ((*grid)[i + 1] - (*grid)[i]);
  };
}

TEST(SamplingTest, PertMatchesTheory) {
  // PERT(0, 3, 10): alpha = 1 + 4 * 3/10 = 2.2, beta = 1 + 4 * 7/10 = 3.8 (sum 6). Mean (0 + 4*3 + 10)/6;
  // Beta variance alpha beta / ((alpha+beta)^2 (alpha+beta+1)) = 8.36 / 252, times width^2 = 100.
  const auto cdf = beta_cdf_by_quadrature(2.2, 3.8);
  check_sample(draw_distinct_addresses(make(DistKind::kPert, {0, 3, 10}, "p"), 103), 22.0 / 6, 836.0 / 252,
               [&](double x) { return cdf(x / 10); });
}

TEST(SamplingTest, PertWithModeAtMinimumMatchesTheory) {
  // PERT(20, 20, 60): alpha = 1, beta = 5: F(x) = 1 - (1 - t)^5, mean 20 + 40/6, variance 5/252 * 1600.
  check_sample(draw_distinct_addresses(make(DistKind::kPert, {20, 20, 60}, "p1"), 104), 20 + 40.0 / 6,
               5.0 / 252 * 1600, [](double x) { return 1 - std::pow(1 - std::clamp((x - 20) / 40, 0.0, 1.0), 5); });
}

TEST(SamplingTest, NormalMatchesTheory) {
  check_sample(draw_distinct_addresses(make(DistKind::kNormal, {-3, 2}, "n"), 105), -3, 4,
               [](double x) { return phi((x + 3) / 2); });
}

TEST(SamplingTest, LognormalMatchesTheory) {
  // median 14, p90 30: sigma = ln(30/14) / z90; mean m e^(s^2/2); variance (e^(s^2) - 1) m^2 e^(s^2).
  const double s = std::log(30.0 / 14.0) / 1.2815515655446004;
  const double mean = 14 * std::exp(s * s / 2);
  const double variance = (std::exp(s * s) - 1) * 196 * std::exp(s * s);
  check_sample(draw_distinct_addresses(make(DistKind::kLognormal, {14, 30}, "ln"), 106), mean, variance,
               [=](double x) { return x <= 0 ? 0.0 : phi(std::log(x / 14) / s); });
}

TEST(SamplingTest, DiscreteFrequenciesMatch) {
  Distribution d;
  d.kind = DistKind::kDiscrete;
  d.params.clear();
  d.outcomes = {{9, 0.3}, {1, 0.5}, {4, 0.2}};
  d.address = "d";
  const std::vector<double> values = draw_distinct_addresses(d, 107);
  for (const auto& [value, p] : d.outcomes) {
    const double count = static_cast<double>(std::count(values.begin(), values.end(), value));
    // Binomial count: 4 standard errors sqrt(n p (1-p)).
    EXPECT_NEAR(count, kDraws * p, 4 * std::sqrt(kDraws * p * (1 - p))) << value;
  }
  EXPECT_EQ(std::count(values.begin(), values.end(), 9.0) + std::count(values.begin(), values.end(), 1.0) +
                std::count(values.begin(), values.end(), 4.0),
            kDraws);
}

TEST(SamplingTest, ClampedNormalPutsTheTailMassOnTheBounds) {
  // Normal(0, 1) clamped to [-1, 2]: P(at -1) = Phi(-1) = 0.158655, P(at 2) = 1 - Phi(2) = 0.022750.
  Distribution d = make(DistKind::kNormal, {0, 1}, "c");
  d.clamp_min = -1;
  d.clamp_max = 2;
  const std::vector<double> values = draw_distinct_addresses(d, 108);
  const double low = static_cast<double>(std::count(values.begin(), values.end(), -1.0));
  const double high = static_cast<double>(std::count(values.begin(), values.end(), 2.0));
  EXPECT_NEAR(low, kDraws * phi(-1), 4 * std::sqrt(kDraws * phi(-1) * (1 - phi(-1))));
  EXPECT_NEAR(high, kDraws * phi(-2), 4 * std::sqrt(kDraws * phi(-2) * (1 - phi(-2))));
  EXPECT_EQ(*std::min_element(values.begin(), values.end()), -1.0);
  EXPECT_EQ(*std::max_element(values.begin(), values.end()), 2.0);
}

TEST(SamplingTest, NonNegativeDurationsAreClampedAtZero) {
  Distribution d = make(DistKind::kUniform, {-4, 6}, "dur");
  d.non_negative = true;
  const std::vector<double> values = draw_distinct_addresses(d, 109);
  EXPECT_EQ(*std::min_element(values.begin(), values.end()), 0.0);
  // P(clamped) = 4/10.
  const double zeros = static_cast<double>(std::count(values.begin(), values.end(), 0.0));
  EXPECT_NEAR(zeros, kDraws * 0.4, 4 * std::sqrt(kDraws * 0.4 * 0.6));
}

TEST(SamplingTest, ConstantsAreReturnedAsIs) {
  KeyedSampler sampler(std::make_shared<const CopulaPlan>(std::vector<Correlation>{}), 1);
  EXPECT_EQ(sampler.draw(Distribution::constant(42.5, "x"), "x"), 42.5);
  EXPECT_EQ(sampler.draw(Distribution::constant(42.5, "x"), "y"), 42.5);
  EXPECT_TRUE(sampler.sampled());
  EXPECT_EQ(sampler.seed(), 1u);
}

TEST(SamplingTest, DrawsAreKeyedBySeedAndAddress) {
  const auto plan = std::make_shared<const CopulaPlan>(std::vector<Correlation>{});
  const Distribution d = make(DistKind::kUniform, {0, 1}, "orders.o1.slip_days");
  KeyedSampler first(plan, 77);
  KeyedSampler second(plan, 77);
  KeyedSampler other_seed(plan, 78);
  const double v = first.draw(d, "orders.o1.slip_days");
  EXPECT_EQ(first.draw(d, "orders.o1.slip_days"), v);  // same stream restarts: once per replication
  EXPECT_EQ(second.draw(d, "orders.o1.slip_days"), v);
  EXPECT_NE(first.draw(d, "orders.o2.slip_days"), v);
  EXPECT_NE(other_seed.draw(d, "orders.o1.slip_days"), v);
  // The value is the stream's first uniform mapped through the quantile.
  EXPECT_EQ(v, RandomStream(stream_key(77, "orders.o1.slip_days")).uniform01());
}

TEST(SamplingTest, OccursAndBinomialAreKeyed) {
  const auto plan = std::make_shared<const CopulaPlan>(std::vector<Correlation>{});
  int occurred = 0;
  for (int r = 0; r < kDraws; ++r) {
    KeyedSampler sampler(plan, replication_seed(5, static_cast<std::uint64_t>(r)));
    if (sampler.occurs(0.3, "risks.r.occurs")) ++occurred;
    ASSERT_FALSE(sampler.occurs(0.0, "risks.r.occurs"));
    ASSERT_TRUE(sampler.occurs(1.0, "risks.r.occurs"));
  }
  EXPECT_NEAR(occurred, kDraws * 0.3, 4 * std::sqrt(kDraws * 0.3 * 0.7));
  KeyedSampler a(plan, 9);
  KeyedSampler b(plan, 9);
  EXPECT_EQ(a.binomial(5000, 0.02, "orders.o.lots.1.chunks.3.failures"),
            b.binomial(5000, 0.02, "orders.o.lots.1.chunks.3.failures"));
  EXPECT_EQ(a.binomial(5000, 0.02, "x"), RandomStream(stream_key(9, "x")).binomial(5000, 0.02));
  EXPECT_THROW(a.occurs(1.5, "risks.r.occurs"), std::invalid_argument);
  EXPECT_THROW(a.binomial(-3, 0.5, "x"), std::invalid_argument);
}

TEST(SamplingTest, KeyedSumsOfBinomialsEqualTheDrawsOneByOne) {
  // binomial_sum_by_hash is binomial_by_hash summed over the hashes: with a cached (n, p) (n p < 10),
  // without (n p >= 10: BTRS), and through the InputSampler default as well.
  const auto plan = std::make_shared<const CopulaPlan>(std::vector<Correlation>{});
  KeyedSampler together(plan, 77);
  KeyedSampler alone(plan, 77);
  const std::vector<std::uint64_t> hashes = {fnv1a64("a"), fnv1a64("b"), fnv1a64("c"), 4, 5, 6, 7};
  for (const auto& [n, p] : std::vector<std::pair<std::int64_t, double>>{{128, 0.015}, {3, 0.015}, {200, 0.3}}) {
    std::int64_t sum = 0;
    for (const std::uint64_t hash : hashes) sum += alone.binomial_by_hash(n, p, hash);
    EXPECT_EQ(together.binomial_sum_by_hash(n, p, hashes), sum) << n << ' ' << p;
    EXPECT_EQ(together.InputSampler::binomial_sum_by_hash(n, p, hashes), sum) << n << ' ' << p;
  }
  EXPECT_EQ(together.binomial_sum_by_hash(128, 0.015, {}), 0);
}

TEST(SamplingTest, CachedBinomialsEqualTheStreamsOwnAndSurviveAReseed) {
  const auto plan = std::make_shared<const CopulaPlan>(std::vector<Correlation>{});
  KeyedSampler reused(plan, 1);
  // Warm the (1 - p)^n cache with other draws, then move to seed 2: every draw must be the fresh
  // sampler's and the uncached stream's. 17 failure rates (the cache holds 16), p > 1/2 (mirrored),
  // n p >= 10 (BTRS) and n beyond the cached range take the other paths.
  std::vector<double> rates;
  for (int i = 1; i <= 17; ++i) rates.push_back(0.001 * i);
  rates.push_back(0.9);
  for (const double p : rates) (void)reused.binomial(128, p, "warm");
  reused.reseed(2);
  EXPECT_EQ(reused.seed(), 2u);
  KeyedSampler fresh(plan, 2);
  const Distribution d = make(DistKind::kUniform, {0, 1}, "orders.o1.slip_days");
  EXPECT_EQ(reused.draw(d, "orders.o1.slip_days"), fresh.draw(d, "orders.o1.slip_days"));
  EXPECT_EQ(reused.occurs(0.5, "risks.r.occurs"), fresh.occurs(0.5, "risks.r.occurs"));
  for (const double p : rates) {
    for (const std::int64_t n : {1, 64, 191, 4095, 4096, 20000}) {
      const std::string address = "orders.o.lots.1.chunks." + std::to_string(n) + ".failures";
      const std::int64_t expected = RandomStream(stream_key(2, address)).binomial(n, p);
      EXPECT_EQ(reused.binomial(n, p, address), expected) << n << ' ' << p;
      EXPECT_EQ(fresh.binomial(n, p, address), expected) << n << ' ' << p;
      EXPECT_EQ(reused.binomial(n, p, address), expected) << n << ' ' << p;  // now from the cache
    }
  }
}

// Spearman rank correlation of paired samples (no ties in continuous draws).
double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  auto ranks = [](const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
    std::vector<double> rank(v.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<double>(i);
    return rank;
  };
  const std::vector<double> rx = ranks(x);
  const std::vector<double> ry = ranks(y);
  const double n = static_cast<double>(x.size());
  const double mean = (n - 1) / 2;
  double sxy = 0;
  double sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
  }
  return sxy / sxx;
}

// Spearman's rho of a bivariate normal with correlation r: (6 / pi) asin(r / 2).
double normal_spearman(double r) { return 6 / kPi * std::asin(r / 2); }

TEST(CopulaTest, RankCorrelationMatchesTheGaussianCopula) {
  const auto plan = std::make_shared<const CopulaPlan>(
      std::vector<Correlation>{{"construction.shell.days", "construction.fitout.days", 0.6}});
  const Distribution shell = make(DistKind::kPert, {90, 120, 180}, "construction.shell.days");
  const Distribution fitout = make(DistKind::kLognormal, {45, 80}, "construction.fitout.days");
  std::vector<double> x(kDraws);
  std::vector<double> y(kDraws);
  for (int r = 0; r < kDraws; ++r) {
    KeyedSampler sampler(plan, replication_seed(2024, static_cast<std::uint64_t>(r)));
    x[static_cast<std::size_t>(r)] = sampler.draw(shell, shell.address);
    y[static_cast<std::size_t>(r)] = sampler.draw(fitout, fitout.address);
  }
  EXPECT_NEAR(spearman(x, y), normal_spearman(0.6), 0.02);  // 0.5824
}

TEST(CopulaTest, NegativeCorrelationAndThreeMemberGroup) {
  // a-b 0.5, b-c -0.4 (a-c unlisted = 0): positive definite; every pair's rank correlation matches.
  const auto plan = std::make_shared<const CopulaPlan>(
      std::vector<Correlation>{{"a", "b", 0.5}, {"b", "c", -0.4}});
  EXPECT_EQ(plan->member_count(), 3u);
  EXPECT_EQ(plan->max_group_size(), 3u);
  const Distribution u = make(DistKind::kUniform, {0, 1});
  std::vector<double> a(kDraws);
  std::vector<double> b(kDraws);
  std::vector<double> c(kDraws);
  for (int r = 0; r < kDraws; ++r) {
    KeyedSampler sampler(plan, replication_seed(7, static_cast<std::uint64_t>(r)));
    const auto i = static_cast<std::size_t>(r);
    c[i] = sampler.draw(u, "c");  // draw order does not matter
    a[i] = sampler.draw(u, "a");
    b[i] = sampler.draw(u, "b");
  }
  EXPECT_NEAR(spearman(a, b), normal_spearman(0.5), 0.02);
  EXPECT_NEAR(spearman(b, c), normal_spearman(-0.4), 0.02);
  EXPECT_NEAR(spearman(a, c), 0.0, 0.02);
}

TEST(CopulaTest, PerLotDrawsAreEachCorrelatedWithTheOtherMember) {
  // The correlation names the field; lots are drawn under their own addresses. Each lot correlates rho
  // with the other input; two lots correlate rho^2 (independent given the other input).
  const double rho = 0.7;
  const auto plan = std::make_shared<const CopulaPlan>(
      std::vector<Correlation>{{"orders.o.transit_days", "orders.o.slip_days", rho}});
  const Distribution transit = make(DistKind::kUniform, {5, 20}, "orders.o.transit_days");
  const Distribution slip = make(DistKind::kNormal, {0, 3}, "orders.o.slip_days");
  std::vector<double> lot1(kDraws);
  std::vector<double> lot2(kDraws);
  std::vector<double> s(kDraws);
  for (int r = 0; r < kDraws; ++r) {
    KeyedSampler sampler(plan, replication_seed(11, static_cast<std::uint64_t>(r)));
    const auto i = static_cast<std::size_t>(r);
    s[i] = sampler.draw(slip, slip.address);
    lot1[i] = sampler.draw(transit, "orders.o.lots.1.transit_days");
    lot2[i] = sampler.draw(transit, "orders.o.lots.2.transit_days");
  }
  EXPECT_NEAR(spearman(lot1, s), normal_spearman(rho), 0.02);
  EXPECT_NEAR(spearman(lot2, s), normal_spearman(rho), 0.02);
  EXPECT_NEAR(spearman(lot1, lot2), normal_spearman(rho * rho), 0.02);
  // Marginals stay uniform on [5, 20]: mean 12.5, sd 15 / sqrt(12).
  double sum = 0;
  for (const double v : lot1) sum += v;
  EXPECT_NEAR(sum / kDraws, 12.5, 4 * 15 / std::sqrt(12.0 * kDraws));
}

TEST(CopulaTest, FirstGroupMemberKeepsItsUncorrelatedDraw) {
  // z of the first member is L(0,0) n_0 = n_0, so u = Phi(Phi^-1(u)) up to rounding.
  const auto none = std::make_shared<const CopulaPlan>(std::vector<Correlation>{});
  const auto plan = std::make_shared<const CopulaPlan>(std::vector<Correlation>{{"first", "second", 0.6}});
  const Distribution d = make(DistKind::kUniform, {0, 100});
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    KeyedSampler plain(none, seed);
    KeyedSampler correlated(plan, seed);
    ASSERT_NEAR(correlated.draw(d, "first"), plain.draw(d, "first"), 1e-9);
    ASSERT_EQ(correlated.draw(d, "other"), plain.draw(d, "other"));  // unrelated inputs untouched
  }
}

TEST(CopulaTest, BadCorrelationsAreRejectedWithTheirInputsNamed) {
  try {
    CopulaPlan plan({{"a", "b", 0.9}, {"b", "c", 0.9}, {"a", "c", -0.9}});
    FAIL() << "not positive definite";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), "correlation matrix is not positive definite (inputs: a, b, c)");
  }
  EXPECT_THROW(CopulaPlan({{"a", "a", 0.5}}), std::invalid_argument);
  EXPECT_THROW(CopulaPlan({{"a", "b", 1.0}}), std::invalid_argument);
  EXPECT_THROW(CopulaPlan({{"a", "b", std::nan("")}}), std::invalid_argument);
  EXPECT_THROW(CopulaPlan({{"a", "b", 0.5}, {"b", "a", 0.2}}), std::invalid_argument);
  EXPECT_THROW(KeyedSampler(nullptr, 1), std::invalid_argument);
}

TEST(CopulaTest, SeparateGroupsAreFactoredSeparately) {
  const CopulaPlan plan({{"a", "b", 0.5}, {"c", "d", 0.3}, {"e", "b", 0.2}});
  EXPECT_EQ(plan.member_count(), 5u);
  EXPECT_EQ(plan.max_group_size(), 3u);  // {a, b, e} and {c, d}
  EXPECT_EQ(plan.member(plan.find("e")).group, plan.member(plan.find("a")).group);
  EXPECT_NE(plan.member(plan.find("c")).group, plan.member(plan.find("a")).group);
  EXPECT_EQ(plan.find("zzz"), CopulaPlan::kNotMember);
  // L of [[1, .5], [.5, 1]] (members a, b first): L(1,0) = 0.5, L(1,1) = sqrt(0.75).
  const CopulaPlan::Group& group = plan.group(plan.member(plan.find("a")).group);
  EXPECT_DOUBLE_EQ(group.cholesky[1 * 3 + 0], 0.5);
  EXPECT_DOUBLE_EQ(group.cholesky[1 * 3 + 1], std::sqrt(0.75));
}

// --- common random numbers through resolve_inputs ---

Distribution dist(DistKind kind, std::vector<double> params, std::string address, bool non_negative = false) {
  Distribution d = make(kind, std::move(params), std::move(address));
  d.non_negative = non_negative;
  return d;
}

Distribution date_dist(DistKind kind, std::vector<double> params, std::string address) {
  Distribution d = make(kind, std::move(params), std::move(address));
  d.is_date = true;
  return d;
}

Order make_order(const std::string& id, std::int64_t quantity, std::int64_t lots, Date ship_lo, Date ship_hi) {
  Order order;
  order.id = id;
  order.owner = "acme";
  order.sku = "H100";
  order.quantity = quantity;
  order.lots = lots;
  const std::string prefix = "orders." + id + ".";
  order.ship = date_dist(DistKind::kUniform, {double(ship_lo), double(ship_hi)}, prefix + "ship");
  order.slip_days = dist(DistKind::kNormal, {0, 5}, prefix + "slip_days");
  order.transit_days = dist(DistKind::kTriangular, {5, 7, 15}, prefix + "transit_days", true);
  return order;
}

// A validated-shape scenario with a distribution in every kind of field, a risk and a correlation (what the
// loader would produce for the YAML of SPEC 2, written out as structs so the test needs no loader).
Scenario crn_scenario() {
  const Date start = date_from_civil(2024, 1, 1);
  Scenario s;
  s.name = "crn";
  s.start = start;
  s.end = date_from_civil(2024, 12, 31);
  s.seed = 42;
  s.skus.push_back(Sku{"H100", 1.4, 0, 0});
  s.owners.push_back(Owner{"acme", 0, {}});
  Site site;
  site.id = "s1";
  site.owner = "acme";
  Phase hall1;
  hall1.id = "hall1";
  hall1.gpus = 5000;
  hall1.ready.date = date_dist(DistKind::kTriangular, {double(start + 60), double(start + 74), double(start + 120)},
                               "sites.s1.phases.hall1.ready");
  Phase hall2;
  hall2.id = "hall2";
  hall2.gpus = 5000;
  hall2.ready.after = "fitout";
  hall2.ready.lag_days = dist(DistKind::kUniform, {0, 10}, "sites.s1.phases.hall2.ready.lag_days", true);
  site.phases = {hall1, hall2};
  PowerSource grid;
  grid.id = "grid";
  grid.steps.push_back(PowerStep{date_dist(DistKind::kUniform, {double(start + 31), double(start + 60)},
                                           "sites.s1.power.grid.0.date"),
                                 dist(DistKind::kPert, {10, 20, 30}, "sites.s1.power.grid.0.mw", true)});
  site.power = std::vector<PowerSource>{grid};
  site.install.rate = dist(DistKind::kTriangular, {50, 100, 150}, "sites.s1.install.rate");
  site.install.burn_in_days = dist(DistKind::kNormal, {7, 2}, "sites.s1.install.burn_in_days", true);
  site.install.burn_in_days.clamp_min = 3;
  site.install.rma_days = Distribution::constant(0, "sites.s1.install.rma_days");
  s.sites.push_back(site);
  Task fitout;
  fitout.id = "fitout";
  fitout.after = {"shell"};
  fitout.days = dist(DistKind::kLognormal, {30, 50}, "construction.fitout.days", true);
  Task shell;
  shell.id = "shell";
  shell.start = Distribution::constant(start + 31, "construction.shell.start");
  shell.start->is_date = true;
  shell.days = dist(DistKind::kPert, {60, 90, 150}, "construction.shell.days", true);
  s.construction = {fitout, shell};  // sorted by id
  s.orders.push_back(make_order("m1", 4000, 4, start + 31, start + 50));
  Risk strike;
  strike.id = "strike";
  strike.probability = 0.4;
  strike.delays.push_back(RiskDelay{RiskDelay::Kind::kTask, "shell",
                                    dist(DistKind::kUniform, {10, 30}, "risks.strike.delays.0.days", true)});
  s.risks.push_back(strike);
  s.correlations.push_back(Correlation{"construction.shell.days", "construction.fitout.days", 0.6});
  return s;
}

TEST(CommonRandomNumbersTest, AnUnrelatedOrderChangesNoOtherDraw) {
  const Scenario base = crn_scenario();
  Scenario extended = base;
  // An order whose id sorts first, so every other order's index shifts.
  extended.orders.insert(extended.orders.begin(),
                         make_order("a-extra", 100, 2, base.start + 120, base.start + 150));

  const auto base_plan = CopulaPlan::for_scenario(base);
  const auto extended_plan = CopulaPlan::for_scenario(extended);
  for (const std::uint64_t r : {0u, 1u, 2u, 17u, 1000u}) {
    const std::uint64_t seed = replication_seed(base.seed, r);
    KeyedSampler base_sampler(base_plan, seed);
    KeyedSampler extended_sampler(extended_plan, seed);
    const ResolvedInputs a = resolve_inputs(base, base_sampler, true);
    const ResolvedInputs b = resolve_inputs(extended, extended_sampler, true);
    // Every draw of the base appears, with the same value, among the extended scenario's draws, which
    // has exactly the extra order's four more (ship, slip_days, two lots' transit_days).
    ASSERT_GE(a.draws.size(), 14u);
    EXPECT_EQ(b.draws.size(), a.draws.size() + 4);
    for (const auto& draw : a.draws) {
      const auto found =
          std::find_if(b.draws.begin(), b.draws.end(), [&](const auto& d) { return d.first == draw.first; });
      ASSERT_NE(found, b.draws.end()) << draw.first;
      EXPECT_EQ(found->second, draw.second) << draw.first;
    }
    EXPECT_EQ(a.orders[0].ship_time, b.orders[1].ship_time);
    EXPECT_EQ(a.orders[0].slip_days, b.orders[1].slip_days);
    EXPECT_EQ(a.orders[0].transit_days, b.orders[1].transit_days);
    EXPECT_EQ(a.sites[0].phase_ready_time, b.sites[0].phase_ready_time);
    EXPECT_EQ(a.tasks[0].finish, b.tasks[0].finish);
    EXPECT_EQ(a.tasks[1].finish, b.tasks[1].finish);
    EXPECT_EQ(a.risk_occurs, b.risk_occurs);
  }
}

TEST(CommonRandomNumbersTest, SameSeedSameInputsDifferentSeedDifferent) {
  const Scenario scenario = crn_scenario();
  const auto plan = CopulaPlan::for_scenario(scenario);
  KeyedSampler first(plan, 123);
  KeyedSampler again(scenario, 123);  // the convenience constructor builds an equal plan
  KeyedSampler other(plan, 124);
  const ResolvedInputs a = resolve_inputs(scenario, first, true);
  const ResolvedInputs b = resolve_inputs(scenario, again, true);
  const ResolvedInputs c = resolve_inputs(scenario, other, true);
  EXPECT_EQ(a.draws, b.draws);
  EXPECT_NE(a.draws, c.draws);
  // Draws respect their fields: non-negative durations, burn-in clamped at 3.
  EXPECT_GE(a.sites[0].burn_in_days, 3);
  for (const double transit : a.orders[0].transit_days) EXPECT_GE(transit, 5);
}

}  // namespace
}  // namespace poweron
