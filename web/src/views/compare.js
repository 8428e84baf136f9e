// Compare two runs: frontier ratios per scenario at the iso levels (the
// frontier module's CompareFrontiers) and point-by-point throughput.
import { api } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { el, fmtNum, select, table } from '../util.js';

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
  main.replaceChildren(controls,
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
    ], data.points, { id: 'compare-points' }));
}
