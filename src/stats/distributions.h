// Probability distributions the statistical tests need: the standard normal
// CDF and quantile, the regularized incomplete beta function I_x(a, b)
// (continued fraction, Numerical Recipes 3rd ed. section 6.4, modified
// Lentz), and Student's t CDF, two-sided tail and quantile built on it.
//
// Thread-safety: pure functions.
#pragma once

namespace infx::stats {

// Phi(z) = P[Z <= z] for Z ~ N(0, 1).
double NormalCdf(double z);
// Phi^-1(p) for p in (0, 1) (Acklam's rational approximation refined by one
// Halley step; |error| < 1e-12). -inf / +inf at 0 / 1.
double NormalQuantile(double p);

// I_x(a, b) for a, b > 0 and x in [0, 1]; NaN outside that domain.
double RegularizedIncompleteBeta(double a, double b, double x);

// P[T <= t] for T ~ Student's t with `df` > 0 degrees of freedom
// (df may be fractional, as in Welch's test). +inf df = normal.
double StudentTCdf(double t, double df);
// P[|T| >= |t|]: the two-sided p-value of a t statistic.
double StudentTTwoSidedP(double t, double df);
// The t with P[T <= t] = p, p in (0, 1) (safeguarded Newton on
// StudentTCdf).
double StudentTQuantile(double p, double df);

}  // namespace infx::stats
