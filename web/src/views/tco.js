// TCO calculator: the user's $/GPU-hour and power per GPU (defaults from the
// hardware catalog) turn each frontier into $/Mtok and tokens/s per MW along
// interactivity, interpolated monotonically (Steffen) between measured
// frontier points, and a table at the chosen levels.
import * as echarts from 'echarts/core';
import { api } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { el, fmtNum, table } from '../util.js';
import { economicsBook, tokSPerMw, usdPerMtok } from '../economics.js';
import { steffen } from '../steffen.js';
import { filterBar, filterData } from './filters.js';

let chart = null;

export async function renderTco(main, state) {
  // The frontier request goes out with the filter bar's, not after them.
  const frontier = api(`/api/frontier?${filterQuery(state, { x: 'interactivity', y: 'total', format: 'columns' })}`);
  frontier.catch(() => {});  // awaited below
  const [runs, configs] = await filterData();
  const book = economicsBook(configs.configs, state);
  const inputs = Object.entries(book).map(([hw, e]) => el('div', { class: 'controls' },
    el('strong', {}, hw),
    el('label', {}, '$/GPU-hour', el('input', { name: `price_${hw}`, type: 'number', step: '0.01', value: e.usd ?? '',
      onchange: (ev) => setState({ [`price_${hw}`]: ev.target.value }) })),
    el('label', {}, 'W per GPU (all-in)', el('input', { name: `watts_${hw}`, type: 'number', step: '1',
      value: e.watts ?? '', onchange: (ev) => setState({ [`watts_${hw}`]: ev.target.value }) }))));
  const data = await frontier;
  const levels = (state.iso || '20,50,100').split(',').map(Number).filter((v) => v > 0);
  const series = [];
  const rows = [];
  for (const run of data.runs) {
    for (const sc of run.scenarios) {
      const hwOf = new Map(sc.curves.map((c) => [c.config_key, (c.hardware || '').toLowerCase()]));
      const pts = sc.frontier.filter((p) => p.x > 0 && p.y > 0);
      if (!pts.length) continue;
      // One frontier may mix hardware; cost is interpolated per point's own price.
      const cost = pts.map((p) => usdPerMtok(p.y, (book[hwOf.get(p.config_key)] || {}).usd));
      const power = pts.map((p) => tokSPerMw(p.y, (book[hwOf.get(p.config_key)] || {}).watts));
      const xs = pts.map((p) => p.x);
      const name = `#${run.run_id} ${sc.model} ${sc.isl}/${sc.osl}`;
      if (cost.every((v) => v !== null)) {
        const f = steffen(xs, cost);
        const n = 60, lo = xs[0], hi = xs[xs.length - 1];
        const line = [];
        for (let i = 0; i <= n; i++) { const xv = lo + (hi - lo) * i / n; line.push([xv, f(xv)]); }
        series.push({ type: 'line', name, data: line, showSymbol: false });
        series.push({ type: 'scatter', name, data: xs.map((xv, i) => [xv, cost[i]]), symbolSize: 6 });
        const g = power.every((v) => v !== null) ? steffen(xs, power) : () => NaN;
        for (const lv of levels) rows.push({ name, x: lv, cost: f(lv), power: g(lv) });
      }
    }
  }
  const chartNode = el('div', { id: 'tco-chart', class: 'chart-small' });
  main.replaceChildren(filterBar(state, runs.runs, configs.configs), ...inputs, chartNode,
    table([
      { title: 'frontier', get: (r) => r.name },
      { title: 'tok/s/user', get: (r) => r.x, num: true },
      { title: '$/Mtok', get: (r) => (Number.isFinite(r.cost) ? r.cost : null), num: true, digits: 3 },
      { title: 'tok/s per MW', get: (r) => (Number.isFinite(r.power) ? r.power : null), num: true, digits: 0 },
    ], rows, { id: 'tco-table' }),
    el('p', { class: 'note' }, 'Between measured frontier points the curves are Steffen monotone interpolations; ',
      'outside them nothing is extrapolated ("-"). Hardware without a catalog price shows no cost.'));
  if (chart) chart.dispose();
  chart = echarts.init(chartNode);
  chart.setOption({
    animation: false, tooltip: { trigger: 'item', formatter: (p) => `${fmtNum(p.value[0])} tok/s/user: $${fmtNum(p.value[1], 3)}/Mtok` },
    legend: { type: 'scroll', top: 0 }, grid: { left: 70, right: 20, top: 50, bottom: 50 },
    xAxis: { type: 'value', name: 'Interactivity (tok/s/user)', nameLocation: 'middle', nameGap: 30, scale: true },
    yAxis: { type: 'value', name: '$ per million tokens', scale: true },
    series,
  });
}
