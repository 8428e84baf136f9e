// History: a metric of each (config, ISL/OSL, concurrency) series over the
// store's runs, oldest first (until the living-benchmark history lands,
// history is "points over runs").
import * as echarts from 'echarts/core';
import { api } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { el, escapeHtml, fmtNum, select, table } from '../util.js';
import { filterBar } from './filters.js';

const METRICS = ['tput_per_gpu_total', 'tput_per_gpu_output', 'tput_per_gpu_input', 'interactivity_tok_s_user',
  'median_ttft_ms', 'median_e2el_ms', 'median_tpot_ms'];
let chart = null;

export async function renderHistory(main, state) {
  const [runs, configs] = await Promise.all([api('/api/runs'), api('/api/configs')]);
  const metric = state.metric || 'tput_per_gpu_total';
  const data = await api(`/api/history?${filterQuery(state, { metric })}`);
  const label = (s) => `${s.config_key} ${s.isl}/${s.osl} c=${s.concurrency}`;
  const chartNode = el('div', { id: 'history-chart', class: 'chart-small' });
  const multi = data.series.filter((s) => s.values.length > 1);
  main.replaceChildren(filterBar(state, runs.runs, configs.configs),
    el('div', { class: 'controls' }, select('metric', METRICS.map((m) => [m, m]), metric,
      (v) => setState({ metric: v }), 'metric')),
    chartNode,
    table([
      { title: 'series', get: (s) => label(s) },
      { title: 'runs', get: (s) => s.values.length, num: true },
      { title: 'first', get: (s) => s.values[0].value, num: true },
      { title: 'last', get: (s) => s.values[s.values.length - 1].value, num: true },
      { title: 'change', get: (s) => (s.values.length > 1 && s.values[0].value
        ? `${fmtNum((s.values[s.values.length - 1].value / s.values[0].value - 1) * 100, 1)}%` : '-') },
    ], data.series.slice(0, 500), { id: 'history-table' }),
    data.series.length > 500 ? el('p', { class: 'note' }, `${data.series.length - 500} more series not listed`) : null);
  if (chart) chart.dispose();
  chart = echarts.init(chartNode);
  chart.setOption({
    animation: false, grid: { left: 80, right: 20, top: 40, bottom: 40 },
    tooltip: { trigger: 'item', formatter: (p) => `${escapeHtml(p.seriesName)}<br>run #${escapeHtml(p.data.run)}: ${escapeHtml(fmtNum(p.data.value[1], 2))}` },
    xAxis: { type: 'category', data: runs.runs.map((r) => `#${r.run_id}`).reverse() },
    yAxis: { type: 'value', name: metric, scale: true },
    series: (multi.length ? multi : data.series).slice(0, 50).map((s) => ({
      type: 'line', name: label(s),
      data: s.values.map((v) => ({ value: [`#${v.run_id}`, v.value], run: v.run_id })),
    })),
  });
}
