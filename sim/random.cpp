// Keyed random streams and deterministic math (see random.hpp for contracts and sources).
// Bit-identical results need IEEE operations exactly as written: the library is built with
// -ffp-contract=off (CMakeLists.txt), so no a * b + c is fused into one FMA.

#include "poweron/random.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace poweron {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

constexpr double kSqrt2 = 1.41421356237309504880;

// fdlibm's minimax coefficients for exp (e_exp.c) and log (e_log.c).
constexpr double kExpP1 = 1.66666666666666019037e-01;
constexpr double kExpP2 = -2.77777777770155933842e-03;
constexpr double kExpP3 = 6.61375632143793436117e-05;
constexpr double kExpP4 = -1.65339022054652515390e-06;
constexpr double kExpP5 = 4.13813679705723846039e-08;
constexpr double kLg1 = 6.666666666666735130e-01;
constexpr double kLg2 = 3.999999999940941908e-01;
constexpr double kLg3 = 2.857142874366239149e-01;
constexpr double kLg4 = 2.222219843214978396e-01;
constexpr double kLg5 = 1.818357216161805012e-01;
constexpr double kLg6 = 1.531383769920937332e-01;
constexpr double kLg7 = 1.479819860511658591e-01;

// y 2^k, exact when the result is normal; the rare subnormal or overflowing results go through ldexp
// (correctly rounded by definition).
double scale_by_power_of_two(double y, int k) {
  if (k > -1022 && k < 1023) {
    return y * std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
  }
  return std::ldexp(y, k);
}

// Stirling series remainder log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(sqrt(2 pi))], k = 0..9
// (computed with 40-digit arithmetic).
constexpr std::array<double, 10> kStirlingTail = {
    0.08106146679532725822, 0.04134069595540929409, 0.02767792568499833915, 0.02079067210376509311,
    0.01664469118982119216, 0.01387612882307074800, 0.01189670994589177010, 0.01041126526197209650,
    0.00925546218271273292, 0.00833056343336287126};

double stirling_tail(double k) {
  if (k <= 9) return kStirlingTail[static_cast<std::size_t>(k)];
  const double kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

// Evaluates c[0] + c[1] x + ... + c[7] x^7.
double horner8(const std::array<double, 8>& c, double x) {
  double value = c[7];
  for (int i = 6; i >= 0; --i) value = value * x + c[static_cast<std::size_t>(i)];
  return value;
}

// Continued fraction for the incomplete beta (Numerical Recipes' betacf, modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 3e-16;  // about one ulp of 1
  constexpr int kMaxIterations = 300;
  const double qab = a + b;
  const double qap = a + 1;
  const double qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return h;
}

// I_x(a, b) with log B(a, b) precomputed (the inverse evaluates it at several x); stores the beta density
// at x in *density when given (x^(a-1) (1-x)^(b-1) / B shares the factor x^a (1-x)^b / B).
double incomplete_beta_given_log_beta(double a, double b, double x, double log_beta, double* density = nullptr) {
  if (x <= 0 || x >= 1) {
    if (density != nullptr) *density = 0;
    return x <= 0 ? 0.0 : 1.0;
  }
  const double front = detmath::exp(a * detmath::log(x) + b * detmath::log1p(-x) - log_beta);
  if (density != nullptr) *density = front / (x * (1 - x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

}  // namespace

std::uint64_t replication_seed(std::uint64_t base_seed, std::uint64_t replication) {
  return mix64(base_seed + (replication + 1) * kGoldenGamma);
}

std::uint64_t fnv1a64(std::string_view text) { return fnv1a64_continue(0xcbf29ce484222325ULL, text); }

std::uint64_t stream_key(std::uint64_t seed, std::string_view address) {
  return mix64(fnv1a64(address) ^ mix64(seed + kGoldenGamma));
}

double RandomStream::normal() { return detmath::normal_quantile(uniform01()); }

double binomial_zero_mass(std::int64_t n, double p) {
  return detmath::exp(static_cast<double>(n) * detmath::log1p(-p));
}

std::int64_t binomial_inversion_walk(std::int64_t n, double p, double zero_mass, double u) {
  const double s = p / (1 - p);
  const double a = (static_cast<double>(n) + 1) * s;
  double f = zero_mass;
  std::int64_t x = 0;
  while (u > f && x < n) {
    u -= f;
    ++x;
    f *= a / static_cast<double>(x) - s;
  }
  return x;
}

BinomialInversion::BinomialInversion(std::int64_t n, double p, double zero_mass) : n_(n), p_(p), pmf_{zero_mass} {
  while (!complete_ && below_.size() < kFast) extend();
  for (std::size_t k = 0; k < kFast; ++k) fast_[k] = k < below_.size() ? below_[k] : 1.0;
}

void BinomialInversion::extend() {
  const std::size_t x = below_.size();
  if (static_cast<std::int64_t>(x) == n_) {  // the walk stops at n
    complete_ = true;
    return;
  }
  // The walk's masses: f(x) = f(x-1) (a / x - s), the same doubles as binomial_inversion_walk's.
  const double s = p_ / (1 - p_);
  const double a = (static_cast<double>(n_) + 1) * s;
  while (pmf_.size() <= x) pmf_.push_back(pmf_.back() * (a / static_cast<double>(pmf_.size()) - s));
  // Passing step x from the uniform k / 2^53, monotone in k.
  auto passes = [&](std::uint64_t k) {
    double u = static_cast<double>(k) * 0x1.0p-53;
    for (std::size_t i = 0; i < x; ++i) u -= pmf_[i];
    return u > pmf_[x];
  };
  constexpr std::uint64_t kLargest = (std::uint64_t{1} << 53) - 1;  // uniform01's range: 1 .. 2^53 - 1
  double threshold = 0;  // every uniform passes
  if (!passes(kLargest)) {
    threshold = 1.0;  // none does
  } else if (!passes(1)) {
    std::uint64_t fails = 1;  // invariant: !passes(fails), passes(succeeds)
    std::uint64_t succeeds = kLargest;
    while (succeeds - fails > 1) {
      const std::uint64_t middle = fails + (succeeds - fails) / 2;
      (passes(middle) ? succeeds : fails) = middle;
    }
    threshold = static_cast<double>(fails) * 0x1.0p-53;
  }
  below_.push_back(below_.empty() ? threshold : std::max(below_.back(), threshold));
  if (below_.back() >= 1.0) complete_ = true;
}

std::int64_t BinomialInversion::variate_beyond_fast(double u) {
  std::size_t x = kFast;  // u passed the first kFast steps
  for (;;) {
    if (x == below_.size()) {
      if (complete_) break;
      extend();
      continue;
    }
    if (!(u > below_[x])) break;
    ++x;
  }
  return static_cast<std::int64_t>(x);
}

std::int64_t RandomStream::binomial(std::int64_t n, double p) {
  if (n < 0) throw std::invalid_argument("binomial: n must be >= 0, got " + std::to_string(n));
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument("binomial: p must be in [0, 1], got " + std::to_string(p));
  if (n == 0 || p == 0) return 0;
  if (p == 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p);  // 1 - p is exact here (Sterbenz)

  const double nd = static_cast<double>(n);
  if (nd * p < 10) return binomial_inversion(n, p, binomial_zero_mass(n, p));

  // BTRS (Hoermann 1993), valid for n p >= 10 and p <= 1/2.
  const double q = 1 - p;
  const double stddev = std::sqrt(nd * p * q);
  const double b = 1.15 + 2.53 * stddev;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = p / q;
  const double alpha = (2.83 + 5.1 / b) * stddev;
  const double m = std::floor((nd + 1) * p);
  const double log_h_mode = (m + 0.5) * detmath::log((m + 1) / (r * (nd - m + 1))) + stirling_tail(m) +
                            stirling_tail(nd - m);
  for (;;) {
    const double u = uniform01() - 0.5;
    double v = uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + c);
    if (k < 0 || k > nd) continue;
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
    v = detmath::log(v * alpha / (a / (us * us) + b));
    const double bound = log_h_mode + (nd + 1) * detmath::log((nd - m + 1) / (nd - k + 1)) +
                         (k + 0.5) * detmath::log(r * (nd - k + 1) / (k + 1)) - stirling_tail(k) -
                         stirling_tail(nd - k);
    if (v <= bound) return static_cast<std::int64_t>(k);
  }
}

namespace detmath {

double exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return kInf;
  if (x < -745.1332191019412) return 0.0;
  // fdlibm's e_exp.c: x = k ln2 + r, |r| <= ln2 / 2; exp(r) = 1 + 2r / (R(r) - r) via a minimax R.
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double hi = x - k * kLn2Hi;  // exact: k * kLn2Hi has at most 32 significant bits
  const double lo = k * kLn2Lo;
  const double r = hi - lo;
  const double t = r * r;
  const double c = r - t * (kExpP1 + t * (kExpP2 + t * (kExpP3 + t * (kExpP4 + t * kExpP5))));
  const double y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  return scale_by_power_of_two(y, static_cast<int>(k));
}

double log(double x) {
  if (std::isnan(x) || x < 0) return kNaN;
  if (x == 0) return -kInf;
  if (std::isinf(x)) return kInf;
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)), read from the bits (subnormals first scaled by 2^54).
  int e = 0;
  if (x < 0x1.0p-1022) {
    x *= 0x1.0p54;
    e = -54;
  }
  std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  e += static_cast<int>(bits >> 52) - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;  // m in [1, 2)
  double m = std::bit_cast<double>(bits);
  if (m > kSqrt2) {
    m *= 0.5;  // exact
    ++e;
  }
  // fdlibm's e_log.c: log(1+f) = f - (hfsq - s (hfsq + R(s^2))), s = f / (2 + f), R minimax.
  const double f = m - 1;  // exact (Sterbenz)
  const double s = f / (2 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const double big_r = t2 + t1;
  const double hfsq = 0.5 * f * f;
  const double dk = e;
  return dk * kLn2Hi - ((hfsq - (s * (hfsq + big_r) + dk * kLn2Lo)) - f);
}

double log1p(double x) {
  const double u = 1 + x;
  if (u == 1) return x;
  // Corrects the rounding of 1 + x (Goldberg's trick).
  return log(u) * (x / (u - 1));
}

double lgamma(double x) {
  if (x < 0.5) return lgamma(x + 1) - log(x);
  static constexpr std::array<double, 9> kLanczos = {
      0.99999999999980993,  676.5203681218851,   -1259.1392167224028,
      771.32342877765313,   -176.61502916214059, 12.507343278686905,
      -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  const double y = x - 1;
  double sum = kLanczos[0];
  for (int i = 1; i < 9; ++i) sum += kLanczos[static_cast<std::size_t>(i)] / (y + i);
  const double t = y + 7.5;
  return kHalfLog2Pi + (y + 0.5) * log(t) - t + log(sum);
}

double normal_cdf(double z) {
  if (std::isnan(z)) return z;
  if (z > 0) return 1 - normal_cdf(-z);
  const double x = -z;  // >= 0; Phi(z) = Q(x)
  if (x > 38.5) return 0.0;
  const double pdf = kInvSqrt2Pi * exp(-0.5 * x * x);
  if (x < 2.5) {
    // Phi(z) = 1/2 + pdf(z) (z + z^3/3 + z^5/(3 5) + ...) (Marsaglia 2004).
    const double z2 = z * z;
    double term = z;
    double sum = z;
    for (int k = 1; k < 200; ++k) {
      term *= z2 / (2 * k + 1);
      const double next = sum + term;
      if (next == sum) break;
      sum = next;
    }
    return 0.5 + pdf * sum;
  }
  // Q(x) = pdf(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated bottom-up at a fixed depth that reaches
  // double precision for x >= 2.5.
  const int depth = x < 4 ? 80 : 40;
  double tail = 0;
  for (int k = depth; k >= 1; --k) tail = k / (x + tail);
  return pdf / (x + tail);
}

double normal_quantile(double u) {
  if (!(u >= 0 && u <= 1)) return kNaN;
  if (u == 0) return -kInf;
  if (u == 1) return kInf;
  static constexpr std::array<double, 8> kA = {
      3.3871328727963666080e0,   1.3314166789178437745e+2, 1.9715909503065514427e+3,
      1.3731693765509461125e+4,  4.5921953931549871457e+4, 6.7265770927008700853e+4,
      3.3430575583588128105e+4,  2.5090809287301226727e+3};
  static constexpr std::array<double, 8> kB = {
      1.0,                       4.2313330701600911252e+1, 6.8718700749205790830e+2,
      5.3941960214247511077e+3,  2.1213794301586595867e+4, 3.9307895800092710610e+4,
      2.8729085735721942674e+4,  5.2264952788528545610e+3};
  static constexpr std::array<double, 8> kC = {
      1.42343711074968357734e0,  4.63033784615654529590e0,  5.76949722146069140550e0,
      3.64784832476320460504e0,  1.27045825245236838258e0,  2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static constexpr std::array<double, 8> kD = {
      1.0,                       2.05319162663775882187e0,  1.67638483018380384940e0,
      6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
      5.47593808499534494600e-4, 1.05075007164441684324e-9};
  static constexpr std::array<double, 8> kE = {
      6.65790464350110377720e0,  5.46378491116411436990e0,  1.78482653991729133580e0,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr std::array<double, 8> kF = {
      1.0,                       5.99832206555887937690e-1, 1.36929880922735805310e-1,
      1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
      1.42151175831644588870e-7, 2.04426310338993978564e-15};
  const double q = u - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * horner8(kA, r) / horner8(kB, r);
  }
  double r = q < 0 ? u : 1 - u;
  r = std::sqrt(-log(r));
  double value = 0;
  if (r <= 5.0) {
    r -= 1.6;
    value = horner8(kC, r) / horner8(kD, r);
  } else {
    r -= 5.0;
    value = horner8(kE, r) / horner8(kF, r);
  }
  return q < 0 ? -value : value;
}

double incomplete_beta(double a, double b, double x) {
  return incomplete_beta_given_log_beta(a, b, x, lgamma(a) + lgamma(b) - lgamma(a + b));
}

double inverse_incomplete_beta(double a, double b, double u) {
  if (u <= 0) return 0.0;
  if (u >= 1) return 1.0;
  const double log_beta = lgamma(a) + lgamma(b) - lgamma(a + b);
  // Starting point: Numerical Recipes' invbetai guess for a, b >= 1 (a normal approximation).
  double x = 0.5;
  {
    const double pp = u < 0.5 ? u : 1 - u;
    const double t = std::sqrt(-2 * log(pp));
    double z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (u < 0.5) z = -z;
    const double al = (z * z - 3) / 6;
    const double h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const double w = z * std::sqrt(al + h) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h));
    const double guess = a / (a + b * exp(2 * w));
    if (guess > 0 && guess < 1) x = guess;
  }
  double lo = 0;
  double hi = 1;
  for (int iteration = 0; iteration < 200; ++iteration) {
    double pdf = 0;
    const double f = incomplete_beta_given_log_beta(a, b, x, log_beta, &pdf) - u;
    if (f == 0) return x;
    if (f < 0) {
      lo = x;
    } else {
      hi = x;
    }
    double next = 0.5 * (lo + hi);
    if (pdf > 0) {
      const double step = f / pdf;
      const double curvature = (a - 1) / x - (b - 1) / (1 - x);  // pdf' / pdf
      double factor = step * curvature;
      if (factor > 1) factor = 1;
      const double halley = x - step / (1 - 0.5 * factor);
      if (halley > lo && halley < hi) next = halley;
    }
    const double change = std::fabs(next - x);
    const bool halley_step = next != 0.5 * (lo + hi);
    x = next;
    // Halley converges cubically: a step below 1e-6 of the distance to the nearer end of [0, 1] leaves
    // an error far below 1e-15 of it.
    if ((halley_step && change <= 1e-6 * std::fmin(x, 1 - x)) || hi - lo <= 1e-15 * x) break;
  }
  return x;
}

}  // namespace detmath
}  // namespace poweron
