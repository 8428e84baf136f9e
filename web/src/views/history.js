// History: each living-benchmark series (docs/living.md) over the store's
// runs, oldest first, with the change points `infx history` finds
// (e-divisive means + t-test) drawn as dashed lines at the first run after
// each change, and a table of the change points with their size, p-value
// and suspects (the provenance that changed). A summary of what was drawn
// goes to #chart-summary for tests.
import * as echarts from 'echarts/core';
import { MarkLineComponent } from 'echarts/components';
import { api } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { el, escapeHtml, fmtNum, present, select, table } from '../util.js';
import { filterBar, filterData } from './filters.js';

echarts.use([MarkLineComponent]);

const METRICS = [['tput_per_gpu', 'tput_per_gpu (total tok/s/GPU)'], ['interactivity', 'interactivity (tok/s/user)'],
  ['median_ttft_ms', 'median_ttft_ms'], ['p99_ttft_ms', 'p99_ttft_ms'], ['median_tpot_ms', 'median_tpot_ms'],
  ['p99_tpot_ms', 'p99_tpot_ms']];
const MAX_DRAWN = 50;
let chart = null;

const pct = (v) => (Number.isFinite(v) ? `${v > 0 ? '+' : ''}${fmtNum(v * 100, 1)}%` : '-');
const suspectsText = (cp) => (cp.suspects.length ? cp.suspects.map((s) => s.text).join('; ') : 'no provenance change');

// Series with a change point first, then the longest histories.
function drawOrder(series) {
  return [...series].sort((a, b) => (b.change_points.length - a.change_points.length)
    || (b.runs.length - a.runs.length) || a.series.localeCompare(b.series));
}

export async function renderHistory(main, state) {
  const gen = document.body.dataset.gen;
  const [runs, configs] = await filterData();
  const metric = state.metric || 'tput_per_gpu';
  const data = await api(`/api/history?${filterQuery(state, { metric, series: state.series })}`);
  const changes = data.series.flatMap((s) => s.change_points.map((cp) => ({ ...cp, series: s.series,
    unstable: s.unstable })));
  const drawn = drawOrder(data.series).slice(0, MAX_DRAWN);
  const chartNode = el('div', { id: 'history-chart', class: 'chart-small' });
  main.replaceChildren(...present(filterBar(state, runs.runs, configs.configs),
    el('div', { class: 'controls' },
      select('metric', METRICS, metric, (v) => setState({ metric: v }), 'metric'),
      select('series', [['', 'all'], ...data.series.map((s) => [s.series, s.series])], state.series || '',
        (v) => setState({ series: v }), 'series')),
    chartNode,
    el('h3', {}, `Change points (${changes.length})`),
    changes.length ? table([
      { title: 'series', get: (c) => c.series },
      { title: 'run', get: (c) => `#${c.run} (after #${c.last_run_before})` },
      { title: 'before', get: (c) => c.before, num: true, digits: 2 },
      { title: 'after', get: (c) => c.after, num: true, digits: 2 },
      { title: 'change', get: (c) => pct(c.change), num: false, cls: (c) => (c.change < 0 ? 'fail' : 'pass') },
      { title: 'p', get: (c) => (Number.isFinite(c.p_value) ? c.p_value.toExponential(1) : '-') },
      { title: 'alarm', get: (c) => (c.alarm ? 'yes' : 'no (unstable series)') },
      { title: 'suspects', get: (c) => suspectsText(c) },
    ], changes, { id: 'history-change-points' })
      : el('p', { class: 'note', id: 'history-change-points' }, 'No change points in these series.'),
    el('h3', {}, 'Series'),
    table([
      { title: 'series', get: (s) => s.series },
      { title: 'runs', get: (s) => s.runs.length, num: true },
      { title: 'first', get: (s) => s.runs[0].value, num: true },
      { title: 'last', get: (s) => s.runs[s.runs.length - 1].value, num: true },
      { title: 'noise', get: (s) => (Number.isFinite(s.noise) ? `${fmtNum(s.noise * 100, 1)}%` : '-') },
      { title: 'change points', get: (s) => s.change_points.length, num: true },
    ], data.series.slice(0, 500), { id: 'history-table' }),
    data.series.length > 500 ? el('p', { class: 'note' }, `${data.series.length - 500} more series not listed`) : null));
  if (chart) chart.dispose();
  chart = echarts.init(chartNode);
  const runIds = runs.runs.map((r) => `#${r.run_id}`).reverse();
  chart.setOption({
    animation: false, grid: { left: 80, right: 20, top: 40, bottom: 40 },
    tooltip: { trigger: 'item', formatter: (p) => (p.componentType === 'markLine'
      ? `change point at run ${escapeHtml(p.name)}`
      : `${escapeHtml(p.seriesName)}<br>run #${escapeHtml(p.data.run)}: ${escapeHtml(fmtNum(p.data.value[1], 2))}`) },
    xAxis: { type: 'category', data: runIds },
    yAxis: { type: 'value', name: metric, scale: true },
    series: drawn.map((s) => ({
      type: 'line', name: s.series,
      data: s.runs.map((v) => ({ value: [`#${v.run}`, v.value], run: v.run })),
      markLine: s.change_points.length ? {
        symbol: 'none', silent: false, lineStyle: { type: 'dashed', color: '#d92d20' },
        label: { show: false },
        data: s.change_points.map((cp) => ({ xAxis: `#${cp.run}`, name: `#${cp.run}` })),
      } : undefined,
    })),
  });
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  if (document.body.dataset.gen === gen) {
    document.getElementById('chart-summary').dataset.summary = JSON.stringify({
      view: 'history', metric, series: data.series.length, drawn: drawn.length,
      change_points: changes.map((c) => ({ series: c.series, run: c.run, change: c.change, p_value: c.p_value,
        suspects: c.suspects.map((x) => x.attribute) })),
      drawn_change_lines: drawn.reduce((n, s) => n + s.change_points.length, 0),
    });
  }
}
