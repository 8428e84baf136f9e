// The frontier explorer's chart series, built from an
// /api/frontier?format=columns answer (docs/api.md): per config, a scatter
// of its measured points and a thin line through them, planner predictions
// as hollow markers, INVALID points as red crosses, the Pareto frontier per
// run and scenario on top. Points go to ECharts as flat Float64Arrays
// [x0, y0, x1, y1, ...] (no array per point to build, clone or collect),
// and tooltips read the response's columns on hover, so 10,000 points cost
// a few arrays. Series come in two parts: `first`, what the first paint
// shows (every measured and predicted point, invalid crosses, the
// frontiers: everything that sets the axes' extent), and `later`, the
// per-config lines drawn just after (they add no extent).
import { filterQuery } from '../state.js';
import { escapeHtml, fmtNum } from '../util.js';
import { tokSPerMw, usdPerMtok } from '../economics.js';

// y value of a throughput under the chosen y metric, for a config's hardware.
export function yTransform(yMetric, book, hardware) {
  const e = book[(hardware || '').toLowerCase()] || {};
  if (yMetric === 'tok_s_per_mw') return (t) => tokSPerMw(t, e.watts);
  if (yMetric === 'usd_per_mtok') return (t) => usdPerMtok(t, e.usd);
  return (t) => t;
}

// The API's y metric for a view's y: the throughputs and the measured
// power metrics as they are; catalog cost and power derive from total.
export function baseY(yMetric) {
  return ['total', 'output', 'input', 'tokens_per_mw', 'joules_per_token'].includes(yMetric) ? yMetric : 'total';
}

// The /api/frontier request of the frontier view in `state` (also
// prefetched by web/src/prefetch.js).
export function frontierPath(state) {
  return `/api/frontier?${filterQuery(state, { x: state.x || 'interactivity', y: baseY(state.y || 'total'),
    include_invalid: state.invalid === '1' ? '1' : '', format: 'columns' })}`;
}

const COLORS = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4',
  '#ea7ccc', '#2f4554', '#61a0a8', '#d48265', '#749f83', '#ca8622', '#bda29a', '#6e7074'];

// Flat [x0, y0, ...] of columns {x: [], y: []}, y through ty (null and
// non-finite values become NaN, which ECharts leaves undrawn).
export function flatXY(cols, ty) {
  const n = cols.x.length;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = cols.x[i];
    const y = cols.y[i] === null ? null : ty(cols.y[i]);
    out[2 * i] = x === null ? NaN : x;
    out[2 * i + 1] = y === null ? NaN : y;
  }
  return out;
}

function accuracyText(s) {
  if (s === 'pass') return 'PASS';
  if (s === 'fail') return 'FAIL';
  if (s === 'config_fail') return 'FAIL (config)';
  return '-';
}

// The tooltip of data index i of a series, from its meta ({kind, at(i)}).
export function tooltipHtml(meta, i) {
  const d = meta && meta.at(i);
  if (!d) return '';
  const rows = [
    ['config', d.config_key], ['run', `#${d.run_id}`], ['parallelism', d.parallelism],
    ['concurrency', d.concurrency], ['x', fmtNum(d.x, 2)], ['y', fmtNum(d.y, 2)],
  ];
  if (d.kind === 'measured') rows.push(['accuracy', d.accuracy]);
  if (d.y_source) rows.push(['power', d.y_source === 'measured' ? 'measured' : 'catalog estimate (not measured)']);
  if (d.kind === 'predicted') {
    rows.push(['prediction error', d.measured > 0
      ? `${fmtNum((d.predicted - d.measured) / d.measured * 100, 1)}% tok/s/GPU` : 'no measured point']);
  }
  if (d.kind === 'frontier') rows.unshift(['', 'Pareto frontier']);
  if (d.kind === 'invalid') {
    rows.unshift(['', d.included ? 'INVALID (kept: include invalid)' : 'INVALID (left off the frontier)']);
    rows.push(['repetition', d.repetition], ['reasons', d.reasons]);
  }
  return rows.map(([k, val]) => `<b>${escapeHtml(k)}</b> ${escapeHtml(val)}`).join('<br>');
}

// One config's curve: its measured and predicted scatters (first) and its
// line (later).
function addCurve(out, run, sc, c, color, state, book) {
  const ty = yTransform(state.y, book, c.hardware);
  const name = `#${run.run_id} ${c.config_key} ${sc.isl}/${sc.osl}`;
  const ms = c.measured;
  const pr = c.predicted;
  const xy = flatXY(ms, ty);
  const n = ms.x.length;
  const base = (kind, cols, flat, i) => ({ kind, config_key: c.config_key, run_id: run.run_id,
    parallelism: c.parallelism, concurrency: cols.concurrency[i], x: flat[2 * i], y: flat[2 * i + 1] });
  const large = n > 200;
  out.first.push([{ type: 'scatter', name, data: xy, symbolSize: large ? 4 : 7, color, large, largeThreshold: 200 },
    { kind: 'measured', n, xy, at: (i) => i < n && { ...base('measured', ms, xy, i),
      accuracy: accuracyText(ms.accuracy_status[i]), y_source: ms.y_source ? ms.y_source[i] : null } }]);
  out.later.push([{ type: 'line', name, data: xy, showSymbol: false, silent: true, color,
    lineStyle: { width: 1 }, tooltip: { show: false } }, null]);
  out.summary.series.push({ run_id: run.run_id, config_key: c.config_key, isl: sc.isl, osl: sc.osl,
    points: n, predicted: pr.x.length });
  if (ms.y_source) out.summary.measured_power_points += ms.y_source.filter((v) => v === 'measured').length;
  out.summary.total_points += n;
  if (state.pred === '0' || !pr.x.length) return;
  const pxy = flatXY(pr, ty);
  let measuredAt = null;  // concurrency -> measured y, built on first hover
  out.first.push([{ type: 'scatter', name: `${name} (predicted)`, symbol: 'emptyCircle', color,
    symbolSize: 7, large: pr.x.length > 200, largeThreshold: 200, data: pxy },
  { kind: 'predicted', at: (i) => {
    if (i >= pr.x.length) return null;
    if (!measuredAt) measuredAt = new Map(ms.concurrency.map((k, j) => [k, ms.y[j]]));
    const m = measuredAt.get(pr.concurrency[i]);
    return { ...base('predicted', pr, pxy, i), predicted: pr.y[i], measured: m ?? null };
  } }]);
}

// Points judged INVALID (run validity): a red cross where each was
// measured, whether or not it is on the curves (the "include invalid"
// toggle, as `infx frontier --include-invalid`).
function addInvalid(out, run, state, book) {
  const pts = (run.invalid_points || []).filter((p) => p.x !== null && p.y !== null && p.x !== undefined);
  out.summary.invalid_points += pts.length;
  if (!pts.length) return;
  const xy = new Float64Array(pts.flatMap((p) => [p.x, yTransform(state.y, book, p.hardware)(p.y) ?? NaN]));
  out.first.push([{ type: 'scatter', name: `INVALID · run ${run.run_id}`, symbol: 'path://M0,0L10,10M10,0L0,10',
    symbolSize: 10, itemStyle: { color: 'none', borderColor: '#d92d20', borderWidth: 2 }, color: '#d92d20', z: 6,
    data: xy },
  { kind: 'invalid', n: pts.length, xy, at: (i) => {
    const p = pts[i];
    return p && { kind: 'invalid', config_key: p.config_key, run_id: run.run_id, concurrency: p.concurrency,
      parallelism: p.parallelism || '', repetition: p.repetition, reasons: p.reasons,
      included: !!run.include_invalid, x: xy[2 * i], y: xy[2 * i + 1] };
  } }]);
}

function addFrontier(out, run, sc, state, book) {
  const byKey = new Map(sc.curves.map((c) => [c.config_key, c]));
  const hw = (p) => (byKey.get(p.config_key) || {}).hardware;
  const xy = new Float64Array(sc.frontier.flatMap((p) => [p.x, yTransform(state.y, book, hw(p))(p.y) ?? NaN]));
  out.summary.frontier_points += sc.frontier.length;
  out.first.push([{ type: 'line', name: `Pareto · run ${run.run_id} · ${sc.model} ${sc.isl}/${sc.osl}`, data: xy,
    symbol: 'diamond', symbolSize: 9, lineStyle: { width: 3 }, color: '#1d2330', z: 5 },
  { kind: 'frontier', at: (i) => {
    const p = sc.frontier[i];
    return p && { kind: 'frontier', config_key: p.config_key, run_id: run.run_id, concurrency: p.concurrency,
      parallelism: (byKey.get(p.config_key) || {}).parallelism, x: xy[2 * i], y: xy[2 * i + 1] };
  } }]);
}

// {first, later: [[series, meta], ...], summary}. Series indexes in the
// chart: first's, then later's (appended when decorating).
export function buildSeries(data, state, book) {
  const out = { first: [], later: [],
    summary: { series: [], frontier_points: 0, total_points: 0, invalid_points: 0, measured_power_points: 0,
      include_invalid: state.invalid === '1' } };
  let ci = 0;
  for (const run of data.runs) {
    addInvalid(out, run, state, book);
    for (const sc of run.scenarios) {
      for (const c of sc.curves) addCurve(out, run, sc, c, COLORS[ci++ % COLORS.length], state, book);
      addFrontier(out, run, sc, state, book);
    }
  }
  return out;
}
