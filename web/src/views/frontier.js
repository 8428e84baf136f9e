// Frontier explorer: every config's measured points (repetitions averaged)
// as a line per config, the Pareto frontier per run and scenario on top,
// planner predictions as hollow markers with their error, log/linear axes,
// zoom and tooltips (series in frontier_series.js). A summary of what was
// drawn (points per config) is written to #chart-summary for tests, since
// the canvas is opaque.
//
// First load is kept short: the frontier, runs and configs requests go out
// together, the frontier comes as columns, and the first paint draws every
// point and the frontiers; the per-config lines, legend, toolbox and zoom
// slider are added in the task after that paint (#chart-summary's
// data-decorated says when).
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent, GridComponent, LegendComponent, TitleComponent, ToolboxComponent, TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { api, exportUrl } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { checkbox, el, select } from '../util.js';
import { economicsBook } from '../economics.js';
import { filterBar, filterData } from './filters.js';
import { buildSeries, frontierPath, tooltipHtml } from './frontier_series.js';

echarts.use([LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent,
  ToolboxComponent, TitleComponent, CanvasRenderer]);

export const X_METRICS = [['interactivity', 'Interactivity (tok/s/user)'], ['e2el', 'Median E2E latency (ms)'],
  ['ttft', 'Median TTFT (ms)']];
export const Y_METRICS = [['total', 'Total tok/s/GPU'], ['output', 'Output tok/s/GPU'], ['input', 'Input tok/s/GPU'],
  ['tok_s_per_mw', 'Total tok/s per MW (catalog power)'], ['usd_per_mtok', '$ per million total tokens'],
  // Measured GPU power (docs/telemetry.md): each point's own where it was
  // measured, else the catalog's all-in watts; the tooltip says which.
  ['tokens_per_mw', 'Tokens per MW (measured power)'], ['joules_per_token', 'J per token (measured power)']];

let chart = null;
// Per series index: {kind, at(i)} for tooltips (null: no tooltip).
let metas = [];

function controlsBar(state, x, y) {
  return el('div', { class: 'controls' },
    select('x', X_METRICS, x, (v) => setState({ x: v }), 'x axis'),
    select('y', Y_METRICS, y, (v) => setState({ y: v }), 'y axis'),
    checkbox('logx', state.logx === '1', (v) => setState({ logx: v }), 'log x'),
    checkbox('logy', state.logy === '1', (v) => setState({ logy: v }), 'log y'),
    checkbox('pred', state.pred !== '0', (v) => setState({ pred: v ? '' : '0' }), 'predictions'),
    checkbox('invalid', state.invalid === '1', (v) => setState({ invalid: v }), 'include invalid points'),
    el('a', { id: 'export-csv', href: exportUrl('csv', filterQuery(state)), download: 'infx-points.csv' }, 'export CSV'),
    el('a', { id: 'export-json', href: exportUrl('json', filterQuery(state)), download: 'infx-points.json' },
      'export JSON'));
}

// Pixel position of data index 0 of the first series of `kind`, for tests.
function probe(kind, first) {
  const i = first.findIndex(([, m]) => m && m.kind === kind && m.n > 0);
  if (i < 0) return undefined;
  const m = first[i][1];
  const [px, py] = chart.convertToPixel({ seriesIndex: i }, [m.xy[0], m.xy[1]]);
  const d = m.at(0);
  return { x: px, y: py, config_key: d.config_key, reasons: d.reasons };
}

// After the first paint: lines, legend, toolbox and slider.
function decorate(mine, later, t0) {
  if (chart !== mine) return;  // a newer render replaced the chart
  const t = performance.now();
  chart.setOption({
    legend: { type: 'scroll', top: 5 },
    toolbox: { feature: { dataZoom: {}, restore: {} }, top: 25 },
    dataZoom: [{ id: 'slider-x', type: 'slider', xAxisIndex: 0, showDataShadow: false, bottom: 8, height: 22 }],
    series: later.map(([s]) => s),
  });
  requestAnimationFrame(() => {
    if (chart !== mine) return;
    document.getElementById('chart-summary').dataset.decorated = JSON.stringify({
      decorate_ms: performance.now() - t, decorated_ms: performance.now() - t0, at_ms: performance.now() });
  });
}

function writeSummary(summary) {
  const node = document.getElementById('chart-summary');
  delete node.dataset.decorated;
  node.dataset.summary = JSON.stringify(summary);
}

export async function renderFrontier(main, state) {
  const t0 = performance.now();
  const gen = document.body.dataset.gen;
  const x = state.x || 'interactivity';
  const y = state.y || 'total';
  // The three requests go out together: the frontier does not wait for
  // the filter bar's runs and configs.
  const frontierData = api(frontierPath(state));
  frontierData.catch(() => {});  // awaited below; no unhandled rejection meanwhile
  const [runs, configs] = await filterData();
  const controls = controlsBar(state, x, y);
  const chartNode = el('div', { id: 'chart' });
  main.replaceChildren(filterBar(state, runs.runs, configs.configs), controls, chartNode);
  const data = await frontierData;
  const tFetched = performance.now();
  const book = economicsBook(configs.configs, state);
  const { first, later, summary } = buildSeries(data, { ...state, y }, book);
  // Ids keep the later series apart from the first ones when merged in.
  [...first, ...later].forEach(([series], i) => { series.id = `s${i}`; });
  metas = [...first, ...later].map(([, m]) => m);
  const tBuilt = performance.now();
  if (chart) chart.dispose();
  const mine = echarts.init(chartNode, null, { renderer: 'canvas' });
  chart = mine;
  const yLabel = Y_METRICS.find(([k]) => k === y)[1];
  const axis = (name, log) => ({ type: log ? 'log' : 'value', name, nameLocation: 'middle', nameGap: 32,
    scale: true });
  chart.setOption({
    animation: false,
    grid: { left: 80, right: 30, top: 60, bottom: 100 },
    tooltip: { trigger: 'item', formatter: (p) => tooltipHtml(metas[p.seriesIndex], p.dataIndex), confine: true },
    dataZoom: [{ id: 'inside-x', type: 'inside', xAxisIndex: 0 }, { id: 'inside-y', type: 'inside', yAxisIndex: 0 }],
    xAxis: axis(data.x_label, state.logx === '1'),
    yAxis: { ...axis(yLabel, state.logy === '1'), nameGap: 60 },
    series: first.map(([s]) => s),
  });
  const tSet = performance.now();
  summary.probe = probe('measured', first);
  summary.invalid_probe = probe('invalid', first);
  // Drawn once the browser has painted the chart; decorated in the task
  // after that paint.
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  setTimeout(() => decorate(mine, later, t0), 0);
  summary.render_ms = performance.now() - t0;
  summary.drawn_at_ms = performance.now();  // since navigation start
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
