// Unit tests of the TCO calculator's Steffen interpolation and cost math
// (web/src/steffen.js, web/src/economics.js): passes through the knots,
// never overshoots them (monotone data stays monotone), exact on lines,
// undefined outside the knots. `node web/test/steffen.test.mjs`.
import assert from 'node:assert/strict';
import { steffen } from '../src/steffen.js';
import { tokSPerMw, usdPerMtok } from '../src/economics.js';

const xs = [1, 2, 4, 8, 16, 40];
const ys = [100, 180, 300, 320, 900, 905];
const f = steffen(xs, ys);
xs.forEach((x, i) => assert.ok(Math.abs(f(x) - ys[i]) < 1e-9, `knot ${x}`));
// Monotone increasing data: the curve never decreases and stays in range
// between each pair of knots.
let prev = -Infinity;
for (let x = 1; x <= 40; x += 0.01) {
  const y = f(x);
  assert.ok(y >= prev - 1e-9, `decreases at ${x}`);
  const i = xs.findIndex((k) => k >= x);
  const lo = Math.min(ys[Math.max(0, i - 1)], ys[i]);
  const hi = Math.max(ys[Math.max(0, i - 1)], ys[i]);
  assert.ok(y >= lo - 1e-9 && y <= hi + 1e-9, `overshoots at ${x}: ${y}`);
  prev = y;
}
// Decreasing data (a cost curve) stays decreasing.
const g = steffen([10, 20, 30, 60], [5, 2, 1.9, 0.5]);
prev = Infinity;
for (let x = 10; x <= 60; x += 0.05) {
  assert.ok(g(x) <= prev + 1e-12, `increases at ${x}`);
  prev = g(x);
}
// Exact on a straight line; no extrapolation.
const line = steffen([0, 1, 2, 3], [1, 3, 5, 7]);
assert.ok(Math.abs(line(1.5) - 4) < 1e-12);
assert.ok(Number.isNaN(line(-0.1)) && Number.isNaN(line(3.1)));
assert.equal(steffen([5], [7])(5), 7);
// $/Mtok and tok/s/MW as frontier/frontier.h defines them.
assert.ok(Math.abs(usdPerMtok(1000, 3.6) - 1) < 1e-12);
assert.equal(usdPerMtok(0, 2), null);
assert.equal(tokSPerMw(1000, 1000), 1e6);
assert.equal(tokSPerMw(1000, 0), null);
console.log('steffen: ok');
