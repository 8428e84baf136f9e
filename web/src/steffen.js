// Monotone interpolation by Steffen (1990), "A simple method for monotonic
// interpolation in one dimension" (A&A 239, 443): the curve through sorted
// knots never overshoots them, as InferenceX's TCO calculator draws its
// frontiers. fit(xs, ys) -> f(x) (NaN outside [x0, xn]).

const sign = (v) => (v > 0 ? 1 : v < 0 ? -1 : 0);

export function steffenSlopes(xs, ys) {
  const n = xs.length;
  const d = new Array(n).fill(0);
  if (n < 2) return d;
  const h = [], s = [];
  for (let i = 0; i < n - 1; i++) {
    h.push(xs[i + 1] - xs[i]);
    s.push((ys[i + 1] - ys[i]) / h[i]);
  }
  if (n === 2) return [s[0], s[0]];
  for (let i = 1; i < n - 1; i++) {
    const p = (s[i - 1] * h[i] + s[i] * h[i - 1]) / (h[i - 1] + h[i]);
    d[i] = (sign(s[i - 1]) + sign(s[i])) *
      Math.min(Math.abs(s[i - 1]), Math.abs(s[i]), 0.5 * Math.abs(p));
  }
  const end = (s0, s1, h0, h1) => {
    const p = s0 * (1 + h0 / (h0 + h1)) - s1 * (h0 / (h0 + h1));
    if (p * s0 <= 0) return 0;
    if (Math.abs(p) > 2 * Math.abs(s0)) return 2 * s0;
    return p;
  };
  d[0] = end(s[0], s[1], h[0], h[1]);
  d[n - 1] = end(s[n - 2], s[n - 3] ?? s[n - 2], h[n - 2], h[n - 3] ?? h[n - 2]);
  return d;
}

export function steffen(xs, ys) {
  const d = steffenSlopes(xs, ys);
  const n = xs.length;
  return (x) => {
    if (n === 0 || x < xs[0] || x > xs[n - 1] || !Number.isFinite(x)) return NaN;
    if (n === 1) return ys[0];
    let lo = 0, hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= x) lo = mid; else hi = mid;
    }
    const h = xs[hi] - xs[lo];
    const t = (x - xs[lo]) / h;
    const t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * ys[lo] + (t3 - 2 * t2 + t) * h * d[lo] +
      (-2 * t3 + 3 * t2) * ys[hi] + (t3 - t2) * h * d[hi];
  };
}
