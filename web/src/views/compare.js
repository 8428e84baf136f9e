// Compare two runs: the living benchmark's verdicts (run B against
// baseline run A, as `infx compare --baseline A --run B`: ratio, 95% CI,
// q-value, better/worse/same/unknown per series and metric), frontier
// ratios per scenario at the iso levels (the frontier module's
// CompareFrontiers) and point-by-point throughput. A summary of the
// verdicts goes to #chart-summary for tests.
import { api } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { el, fmtNum, present, select, table } from '../util.js';

export async function renderCompare(main, state) {
  const runs = (await api('/api/runs')).runs;
  const ids = runs.map((r) => [String(r.run_id), `#${r.run_id} ${r.started_at}`]);
  const a = state.a || (runs[1] ? String(runs[1].run_id) : ids[0]?.[0]);
  const b = state.b || ids[0]?.[0];
  const controls = el('div', { class: 'controls' },
    select('a', ids, a, (v) => setState({ a: v }), 'run A'),
    select('b', ids, b, (v) => setState({ b: v }), 'run B'));
  if (!a || !b) {
    main.replaceChildren(controls, el('p', { class: 'note' }, 'The store needs two runs to compare.'));
    return;
  }
  const { run, ...rest } = state;
  const data = await api(`/api/compare?${filterQuery(rest, { a, b, iso: state.iso || '20,50,100' })}`);
  const scen = data.scenarios.map((s) => ({ scenario: s.scenario, ...s }));
  const v = data.verdicts || {};
  const rows = v.rows || [];
  const order = { worse: 0, better: 1, unknown: 2, same: 3 };
  const shown = [...rows].sort((x, y) => (order[x.verdict] - order[y.verdict]) || x.series.localeCompare(y.series))
    .slice(0, 1000);
  const counts = Object.entries(v.summary || {}).map(([k, n]) => `${n} ${k}`).join(', ');
  main.replaceChildren(...present(controls,
    el('h3', {}, `Verdicts: run #${b} against baseline run #${a}`),
    v.error ? el('p', { class: 'note', id: 'compare-verdicts' }, v.error) : el('p', { class: 'note' },
      `${v.shared_series} shared series${counts ? ` · ${counts}` : ''}${v.regression ? ' · REGRESSION' : ''}`
      + ` · noise pooled over ${v.history_runs} earlier run(s)`),
    v.error ? null : table([
      { title: 'series', get: (r) => r.series },
      { title: 'metric', get: (r) => r.metric },
      { title: 'baseline', get: (r) => r.baseline, num: true, digits: 2 },
      { title: 'current', get: (r) => r.current, num: true, digits: 2 },
      { title: 'ratio', get: (r) => r.ratio, num: true, digits: 3 },
      { title: '95% CI', get: (r) => (Number.isFinite(r.ci_low) ? `${fmtNum(r.ci_low, 3)} – ${fmtNum(r.ci_high, 3)}` : '-') },
      { title: 'q', get: (r) => (Number.isFinite(r.q_value) ? r.q_value.toExponential(1) : '-') },
      { title: 'verdict', get: (r) => r.verdict,
        cls: (r) => (r.verdict === 'worse' ? 'fail' : r.verdict === 'better' ? 'pass' : '') },
      { title: 'note', get: (r) => r.note || '' },
    ], shown, { id: 'compare-verdicts' }),
    rows.length > shown.length ? el('p', { class: 'note' }, `${rows.length - shown.length} more rows not listed`) : null,
    el('h3', {}, `Frontiers: run #${a} vs run #${b}`),
    table([
      { title: 'scenario', get: (s) => s.scenario },
      { title: 'overlap', get: (s) => (s.has_overlap ? 'yes' : 'no') },
      { title: 'geomean A/B', get: (s) => s.geomean_ratio, num: true, digits: 3 },
      { title: 'at levels (A/B)', get: (s) => (s.at_levels || []).map((l) => `${fmtNum(l.x)}: ${fmtNum(l.ratio, 3)}`).join('  ') },
    ], scen, { id: 'compare-scenarios' }),
    el('h3', {}, 'Points measured in both'),
    table([
      { title: 'config', get: (p) => p.config_key },
      { title: 'ISL/OSL', get: (p) => `${p.isl}/${p.osl}` },
      { title: 'concurrency', get: (p) => p.concurrency, num: true },
      { title: 'tok/s/GPU A', get: (p) => p.tput_per_gpu_total_a, num: true },
      { title: 'tok/s/GPU B', get: (p) => p.tput_per_gpu_total_b, num: true },
      { title: 'A/B', get: (p) => p.ratio, num: true, digits: 3 },
    ], data.points, { id: 'compare-points' })));
  const verdicts = {};
  for (const r of rows) verdicts[r.verdict] = (verdicts[r.verdict] || 0) + 1;
  document.getElementById('chart-summary').dataset.summary = JSON.stringify({
    view: 'compare', a, b, rows: rows.length, verdicts, regression: !!v.regression, error: v.error || null,
    worse: rows.filter((r) => r.verdict === 'worse').map((r) => `${r.series}|${r.metric}`),
  });
}
