// Iso-interactivity table: at each chosen tok/s/user level, the frontier's
// throughput per GPU, the config that wins there, and its cost and power
// (from the frontier module, via /api/frontier's iso rows).
import { api } from '../api.js';
import { filterQuery, setState } from '../state.js';
import { el, table } from '../util.js';
import { filterBar, filterData } from './filters.js';

export async function renderIso(main, state) {
  const iso = state.iso || '20,50,100';
  // The frontier request goes out with the filter bar's, not after them.
  const frontier = api(`/api/frontier?${filterQuery(state, { iso, format: 'columns' })}`);
  frontier.catch(() => {});  // awaited below
  const [runs, configs] = await filterData();
  const input = el('input', { name: 'iso', value: iso, size: 16,
    onchange: (e) => setState({ iso: e.target.value.replace(/\s+/g, '') }) });
  const data = await frontier;
  const rows = [];
  for (const run of data.runs) {
    for (const sc of run.scenarios) {
      for (const r of sc.iso) rows.push({ run: run.run_id, scenario: `${sc.model} ${sc.isl}/${sc.osl}`, ...r });
    }
  }
  main.replaceChildren(filterBar(state, runs.runs, configs.configs),
    el('div', { class: 'controls' }, el('label', {}, 'tok/s/user levels', input)),
    table([
      { title: 'run', get: (r) => `#${r.run}` },
      { title: 'scenario', get: (r) => r.scenario },
      { title: 'tok/s/user', get: (r) => r.x, num: true },
      { title: 'best config', get: (r) => r.config_key || '-' },
      { title: 'tok/s/GPU', get: (r) => r.y, num: true },
      { title: '$/Mtok', get: (r) => r.usd_per_million_tokens, num: true, digits: 3 },
      { title: 'tok/s per MW', get: (r) => r.tok_s_per_mw, num: true, digits: 0 },
    ], rows, { id: 'iso-table' }),
    el('p', { class: 'note' }, '"-": the level lies outside the measured frontier (no extrapolation).'));
}
