// Keyed random streams and the deterministic math they rest on (SPEC 7).
//
// Every random input of a replication is drawn from its own stream, keyed by (replication seed, stable
// address), never from one shared generator. Everything here uses only 64-bit integer operations and IEEE
// basic arithmetic (+, -, *, /, sqrt, floor, bit casts, ldexp), never the C library's exp/log or any `std::`
// distribution, so the same seed gives bit-identical numbers with any compiler and standard library. The
// sources switch off FMA contraction (pragmas), which GCC otherwise applies on FMA hardware; builds with
// -ffast-math are not reproducible. Tests pin whole draws bit for bit.
//
//   RandomStream stream(stream_key(replication_seed(scenario.seed, r), "orders.o1.slip_days"));
//   double u = stream.uniform01();
//
// Thread-safety: the free functions are pure; a RandomStream is a value used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace poweron {

/// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective avalanche mix of 64 bits.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// SplitMix64's state increment (the odd integer nearest 2^64 / golden ratio).
inline constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;

/// The seed of replication `replication` (0-based) of a sweep with base seed `base_seed`: output number
/// replication + 1 of SplitMix64 started at base_seed, i.e. mix64(base_seed + (replication + 1) * gamma).
/// A fixed hash (pinned by tests): changing it changes every published sweep.
std::uint64_t replication_seed(std::uint64_t base_seed, std::uint64_t replication);

/// FNV-1a 64 of the bytes of `text` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t fnv1a64(std::string_view text);

/// FNV-1a 64 continued over `text` from `hash`, the hash of the bytes before it:
/// fnv1a64(a + b) == fnv1a64_continue(fnv1a64(a), b). Lets callers hash a fixed prefix once.
inline std::uint64_t fnv1a64_continue(std::uint64_t hash, std::string_view text) {
  for (const char ch : text) {
    hash ^= static_cast<std::uint8_t>(ch);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/// The key of the stream for `address` in the replication with seed `seed`:
/// mix64(fnv1a64(address) ^ mix64(seed + gamma)). Distinct addresses give unrelated streams.
std::uint64_t stream_key(std::uint64_t seed, std::string_view address);

/// RandomStream::binomial_inversion's walk from the uniform u (the reference BinomialInversion matches).
std::int64_t binomial_inversion_walk(std::int64_t n, double p, double zero_mass, double u);

/// A SplitMix64 generator started at a stream key. Cheap to construct (one integer), no allocation.
/// Period 2^64; streams of distinct keys are disjoint for all practical draw counts.
class RandomStream {
 public:
  explicit RandomStream(std::uint64_t key) : state_(key) {}

  /// The next 64 random bits.
  std::uint64_t next_u64() {
    state_ += kGoldenGamma;
    return mix64(state_);
  }

  /// Uniform on the open interval (0, 1): k / 2^53 for k uniform in [1, 2^53 - 1] (the top 53 bits of the
  /// next output; k = 0, probability 2^-53, is redrawn).
  double uniform01() {
    for (;;) {
      const std::uint64_t k = next_u64() >> 11;
      if (k != 0) return static_cast<double>(k) * 0x1.0p-53;
    }
  }

  /// Standard normal: the inverse normal CDF (Wichura AS241) of uniform01().
  double normal();

  /// A Binomial(n, p) variate, exact in distribution. With p' = min(p, 1 - p) (the result mirrored when
  /// p > 1/2): n p' < 10 uses sequential inversion of the pmf from 0 (one uniform, about n p' + 1 steps);
  /// otherwise Hoermann's BTRS transformed rejection with squeeze (W. Hoermann, "The generation of binomial
  /// random variates", J. Stat. Comput. Simul. 46, 1993), whose acceptance test uses the exact log pmf
  /// ratio via Stirling's series with tabulated corrections (error below 1e-10, far under any test's
  /// resolution); about 1.2 pairs of uniforms on average.
  /// REQUIRES: n >= 0 and 0 <= p <= 1 (else std::invalid_argument naming the value). n = 0, p = 0 give 0;
  /// p = 1 gives n.
  std::int64_t binomial(std::int64_t n, double p);
  /// binomial's inversion branch with its starting mass (1 - p)^n given, so that a caller drawing many
  /// variates with the same (n, p) computes it once: equals binomial(n, p) exactly when
  /// REQUIRES: 0 < p <= 1/2, n p < 10 and zero_mass == binomial_zero_mass(n, p).
  /// The walk from x = 0: while u > f(x) and x < n, u -= f(x) and f(x + 1) = f(x) ((n+1)/(x+1) - 1) p/q.
  std::int64_t binomial_inversion(std::int64_t n, double p, double zero_mass) {
    return binomial_inversion_walk(n, p, zero_mass, uniform01());
  }

 private:
  std::uint64_t state_;
};

/// (1 - p)^n as binomial's inversion computes it: detmath::exp(n * detmath::log1p(-p)).
double binomial_zero_mass(std::int64_t n, double p);

/// binomial_inversion for one (n, p) as a lookup, for a caller drawing many variates of it: variate(u)
/// equals binomial_inversion_walk(n, p, zero_mass, u) exactly, for every uniform u = k / 2^53.
///
/// Why a lookup can: the walk passes step x when its remainder u - f(0) - ... - f(x-1), rounded after
/// each subtraction, exceeds f(x). Rounded subtraction is monotone, so passing step x is monotone in u:
/// it holds exactly for u above a threshold, the largest uniform that fails it (found by bisection over
/// the 2^53 uniforms). The walk's result is then the number of running maxima of those thresholds that u
/// exceeds. Thresholds are computed once, as far as draws reach (a handful at the rates of burn-in); a
/// draw compares u with the first kFast of them without a branch to mispredict, where the walk's exit
/// was one per draw.
class BinomialInversion {
 public:
  /// REQUIRES: the preconditions of RandomStream::binomial_inversion.
  BinomialInversion(std::int64_t n, double p, double zero_mass);

  std::int64_t variate(double u) {
    std::int64_t x = 0;
    for (std::size_t k = 0; k < kFast; ++k) x += u > fast_[k] ? 1 : 0;
    if (x < static_cast<std::int64_t>(kFast)) [[likely]] return x;
    return variate_beyond_fast(u);
  }

 private:
  static constexpr std::size_t kFast = 8;
  /// Appends the next running-maximum threshold, or marks the table complete (x = n, or no uniform passes).
  void extend();
  std::int64_t variate_beyond_fast(double u);

  std::int64_t n_;
  double p_;
  std::vector<double> pmf_;    ///< f(0), f(1), ...: the walk's doubles
  std::vector<double> below_;  ///< running maxima of the thresholds: the walk passes step x iff u > below_[x]
  bool complete_ = false;      ///< below_ holds every step a uniform can pass
  double fast_[kFast];         ///< below_'s first kFast, padded with 1 (above every uniform)
};

/// Deterministic elementary and special functions (see the file comment). Accuracy is stated per function;
/// tests compare each against the C library.
namespace detmath {

/// e^x by fdlibm's algorithm (e_exp.c: reduction by ln 2, minimax rational), error below 1 ulp;
/// +inf above 709.78, 0 below -745.13, NaN for NaN.
double exp(double x);
/// Natural logarithm by fdlibm's algorithm (e_log.c), error below 1 ulp; -inf at 0, NaN below 0.
double log(double x);
/// log(1 + x), accurate for small |x|. REQUIRES: x > -1.
double log1p(double x);
/// log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9); absolute error below 1e-13 for x in (0, 170].
double lgamma(double x);
/// Standard normal CDF Phi(z): Taylor series for |z| < 2.5, Laplace continued fraction of the Mills ratio
/// beyond; relative error below 1e-13 (lower tail), absolute below 1e-16.
double normal_cdf(double z);
/// Inverse standard normal CDF (Wichura, Algorithm AS 241 PPND16, relative error about 1e-16).
/// REQUIRES: 0 < u < 1; returns -inf at 0, +inf at 1, NaN outside [0, 1].
double normal_quantile(double u);
/// Regularized incomplete beta I_x(a, b) (continued fraction, modified Lentz); absolute error ~1e-15.
/// REQUIRES: a > 0, b > 0, 0 <= x <= 1.
double incomplete_beta(double a, double b, double x);
/// The x in [0, 1] with I_x(a, b) = u: Halley steps safeguarded by bisection of a shrinking bracket.
/// REQUIRES: a >= 1, b >= 1 (unimodal densities, which PERT always has), 0 < u < 1.
double inverse_incomplete_beta(double a, double b, double u);

}  // namespace detmath
}  // namespace poweron
