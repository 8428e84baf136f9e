// Frontier explorer: every config's measured points (repetitions averaged)
// as a line per config, the Pareto frontier per run and scenario on top,
// planner predictions as hollow markers with their error, log/linear axes,
// zoom and tooltips. A summary of what was drawn (points per config) is
// written to #chart-summary for tests, since the canvas is opaque.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent, GridComponent, LegendComponent, TitleComponent, ToolboxComponent, TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { api, exportUrl } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { checkbox, el, escapeHtml, fmtNum, select } from '../util.js';
import { economicsBook, tokSPerMw, usdPerMtok } from '../economics.js';
import { filterBar } from './filters.js';

echarts.use([LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent,
  ToolboxComponent, TitleComponent, CanvasRenderer]);

export const X_METRICS = [['interactivity', 'Interactivity (tok/s/user)'], ['e2el', 'Median E2E latency (ms)'],
  ['ttft', 'Median TTFT (ms)']];
export const Y_METRICS = [['total', 'Total tok/s/GPU'], ['output', 'Output tok/s/GPU'], ['input', 'Input tok/s/GPU'],
  ['tok_s_per_mw', 'Total tok/s per MW'], ['usd_per_mtok', '$ per million total tokens']];

let chart = null;

// y value of a throughput under the chosen y metric, for a config's hardware.
export function yTransform(yMetric, book, hardware) {
  const e = book[(hardware || '').toLowerCase()] || {};
  if (yMetric === 'tok_s_per_mw') return (t) => tokSPerMw(t, e.watts);
  if (yMetric === 'usd_per_mtok') return (t) => usdPerMtok(t, e.usd);
  return (t) => t;
}

export function baseY(yMetric) {
  return ['total', 'output', 'input'].includes(yMetric) ? yMetric : 'total';
}

// Per series, per data index: what the tooltip says (kept beside the
// chart's data so large series can stay plain arrays).
let metas = [];

function tooltip(p) {
  const d = (metas[p.seriesIndex] || [])[p.dataIndex];
  if (!d) return '';
  const v = Array.isArray(p.value) ? p.value : p.data;
  const rows = [
    ['config', d.config_key], ['run', `#${d.run_id}`], ['parallelism', d.parallelism],
    ['concurrency', d.concurrency], ['x', fmtNum(v[0], 2)], ['y', fmtNum(v[1], 2)],
  ];
  if (d.kind === 'measured') rows.push(['accuracy', d.accuracy]);
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

function accuracyText(p) {
  const s = p.accuracy_status;
  if (s === 'pass') return 'PASS';
  if (s === 'fail') return 'FAIL';
  if (s === 'config_fail') return 'FAIL (config)';
  return '-';
}

// Series (with their tooltip metadata) and the test summary from an
// /api/frontier response. Each config is a thin line through its points
// plus a scatter of the points (drawn in ECharts' large mode when big, so
// 10,000 points stay interactive); the Pareto frontier per run and
// scenario goes on top.
export function buildSeries(data, state, book) {
  const series = [];
  const meta = [];
  const summary = { series: [], frontier_points: 0, total_points: 0, invalid_points: 0,
    include_invalid: state.invalid === '1' };
  const showPred = state.pred !== '0';
  const add = (s, m) => { series.push(s); meta.push(m); };
  const colors = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4',
    '#ea7ccc', '#2f4554', '#61a0a8', '#d48265', '#749f83', '#ca8622', '#bda29a', '#6e7074'];
  let ci = 0;
  for (const run of data.runs) {
    addInvalid(run, state, book, add, summary);
    for (const sc of run.scenarios) {
      const group = `run ${run.run_id} · ${sc.model} ${sc.isl}/${sc.osl}`;
      for (const c of sc.curves) {
        const ty = yTransform(state.y, book, c.hardware);
        const name = `#${run.run_id} ${c.config_key} ${sc.isl}/${sc.osl}`;
        const color = colors[ci++ % colors.length];
        const base = (p, kind, extra = {}) => ({
          kind, config_key: c.config_key, run_id: run.run_id, parallelism: c.parallelism,
          concurrency: p.concurrency, ...extra,
        });
        const pts = c.measured.map((p) => [p.x, ty(p.y)]);
        const large = pts.length > 200;
        add({ type: 'line', name, data: pts, showSymbol: false, silent: true, color,
          lineStyle: { width: 1 }, tooltip: { show: false } }, []);
        add({ type: 'scatter', name, data: pts, symbolSize: large ? 4 : 7, color, large, largeThreshold: 200 },
          c.measured.map((p) => base(p, 'measured', { accuracy: accuracyText(p) })));
        summary.series.push({ run_id: run.run_id, config_key: c.config_key, isl: sc.isl, osl: sc.osl,
          points: pts.length, predicted: c.predicted.length });
        summary.total_points += pts.length;
        if (showPred && c.predicted.length) {
          const byConc = new Map(c.measured.map((p) => [p.concurrency, p]));
          add({ type: 'scatter', name: `${name} (predicted)`, symbol: 'emptyCircle', color,
            symbolSize: 7, large: c.predicted.length > 200, largeThreshold: 200,
            data: c.predicted.map((p) => [p.x, ty(p.y)]) },
          c.predicted.map((p) => {
            const m = byConc.get(p.concurrency);
            return base(p, 'predicted', { predicted: p.y, measured: m ? m.y : null });
          }));
        }
      }
      const byKey = new Map(sc.curves.map((c) => [c.config_key, c]));
      const front = sc.frontier.map((p) => [p.x, yTransform(state.y, book, (byKey.get(p.config_key) || {}).hardware)(p.y)]);
      summary.frontier_points += front.length;
      add({ type: 'line', name: `Pareto · ${group}`, data: front, symbol: 'diamond', symbolSize: 9,
        lineStyle: { width: 3 }, color: '#1d2330', z: 5 },
      sc.frontier.map((p) => ({ kind: 'frontier', config_key: p.config_key, run_id: run.run_id,
        concurrency: p.concurrency, parallelism: (byKey.get(p.config_key) || {}).parallelism })));
    }
  }
  return { series, meta, summary };
}

// Points judged INVALID (run validity, store schema 3): a red cross where
// each was measured, whether or not it is on the curves (the "include
// invalid" toggle, as `infx frontier --include-invalid`).
function addInvalid(run, state, book, add, summary) {
  const pts = (run.invalid_points || []).filter((p) => p.x !== null && p.y !== null && p.x !== undefined);
  summary.invalid_points += pts.length;
  if (!pts.length) return;
  add({ type: 'scatter', name: `INVALID · run ${run.run_id}`, symbol: 'path://M0,0L10,10M10,0L0,10',
    symbolSize: 10, itemStyle: { color: 'none', borderColor: '#d92d20', borderWidth: 2 }, color: '#d92d20', z: 6,
    data: pts.map((p) => [p.x, yTransform(state.y, book, p.hardware)(p.y)]) },
  pts.map((p) => ({ kind: 'invalid', config_key: p.config_key, run_id: run.run_id, concurrency: p.concurrency,
    parallelism: p.parallelism || '', repetition: p.repetition, reasons: p.reasons, included: !!run.include_invalid })));
}

function writeSummary(summary) {
  const node = document.getElementById('chart-summary');
  node.dataset.summary = JSON.stringify(summary);
}

export async function renderFrontier(main, state) {
  const t0 = performance.now();
  const gen = document.body.dataset.gen;
  const [runs, configs] = await Promise.all([api('/api/runs'), api('/api/configs')]);
  const x = state.x || 'interactivity';
  const y = state.y || 'total';
  const controls = el('div', { class: 'controls' },
    select('x', X_METRICS, x, (v) => setState({ x: v }), 'x axis'),
    select('y', Y_METRICS, y, (v) => setState({ y: v }), 'y axis'),
    checkbox('logx', state.logx === '1', (v) => setState({ logx: v }), 'log x'),
    checkbox('logy', state.logy === '1', (v) => setState({ logy: v }), 'log y'),
    checkbox('pred', state.pred !== '0', (v) => setState({ pred: v ? '' : '0' }), 'predictions'),
    checkbox('invalid', state.invalid === '1', (v) => setState({ invalid: v }), 'include invalid points'),
    el('a', { id: 'export-csv', href: exportUrl('csv', filterQuery(state)), download: 'infx-points.csv' }, 'export CSV'),
    el('a', { id: 'export-json', href: exportUrl('json', filterQuery(state)), download: 'infx-points.json' },
      'export JSON'));
  const chartNode = el('div', { id: 'chart' });
  main.replaceChildren(filterBar(state, runs.runs, configs.configs), controls, chartNode);
  const data = await api(`/api/frontier?${filterQuery(state,
    { x, y: baseY(y), include_invalid: state.invalid === '1' ? '1' : '' })}`);
  const tFetched = performance.now();
  const book = economicsBook(configs.configs, state);
  const { series, meta, summary } = buildSeries(data, { ...state, y }, book);
  metas = meta;
  const tBuilt = performance.now();
  if (chart) chart.dispose();
  chart = echarts.init(chartNode, null, { renderer: 'canvas' });
  const yLabel = Y_METRICS.find(([k]) => k === y)[1];
  const axis = (name, log) => ({ type: log ? 'log' : 'value', name, nameLocation: 'middle', nameGap: 32,
    scale: true });
  chart.setOption({
    animation: false,
    grid: { left: 80, right: 30, top: 60, bottom: 100 },
    tooltip: { trigger: 'item', formatter: tooltip, confine: true },
    legend: { type: 'scroll', top: 5 },
    toolbox: { feature: { dataZoom: {}, restore: {} }, top: 25 },
    dataZoom: [{ type: 'inside', xAxisIndex: 0 }, { type: 'inside', yAxisIndex: 0 }, { type: 'slider', xAxisIndex: 0, showDataShadow: false, bottom: 8, height: 22 }],
    xAxis: axis(data.x_label, state.logx === '1'),
    yAxis: { ...axis(yLabel, state.logy === '1'), nameGap: 60 },
    series,
  });
  const tSet = performance.now();
  // A probe for tests: where the first measured point is on the page.
  const first = meta.findIndex((m) => m.length && m[0].kind === 'measured');
  if (first >= 0) {
    const [px, py] = chart.convertToPixel({ seriesIndex: first }, series[first].data[0]);
    summary.probe = { x: px, y: py, config_key: meta[first][0].config_key };
  }
  const bad = meta.findIndex((m) => m.length && m[0].kind === 'invalid');
  if (bad >= 0) {
    const [px, py] = chart.convertToPixel({ seriesIndex: bad }, series[bad].data[0]);
    summary.invalid_probe = { x: px, y: py, config_key: meta[bad][0].config_key, reasons: meta[bad][0].reasons };
  }
  // Ready once the browser has painted the chart.
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  summary.render_ms = performance.now() - t0;
  summary.fetch_ms = tFetched - t0;
  summary.build_ms = tBuilt - tFetched;
  summary.set_option_ms = tSet - tBuilt;
  summary.view = 'frontier';
  // A newer render (the state changed meanwhile) owns the summary.
  if (document.body.dataset.gen === gen) writeSummary(summary);
  if (summary.series.length === 0) {
    chartNode.replaceChildren(el('p', { class: 'note' }, 'No points match these filters.'));
  }
}
