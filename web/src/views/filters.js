// The filter bar shared by the data views: run, model, hardware, engine,
// precision, ISL/OSL and config, from /api/runs and /api/configs.
import { api } from '../api.js';
import { el, select, unique } from '../util.js';
import { setState } from '../state.js';

// What the filter bar and the cost/power figures need of each config: not
// its details (which hold the planner's predicted points, megabytes on a
// large store).
export const CONFIGS_PATH = '/api/configs?fields=config_key,model,hardware,engine,precision,usd_per_gpu_hour,'
  + 'all_in_power_watts';

// [runs, configs] for the filter bar, fetched together.
export function filterData() {
  return Promise.all([api('/api/runs'), api(CONFIGS_PATH)]);
}

export function filterBar(state, runs, configs) {
  const opts = (values, all = 'all') => [['', all], ...values.map((v) => [String(v), String(v)])];
  const workloads = unique(runs.flatMap((r) => r.workloads.map((w) => `${w.isl}/${w.osl}`)));
  const wl = state.isl && state.osl ? `${state.isl}/${state.osl}` : '';
  return el('div', { class: 'controls', id: 'filters' },
    select('run', [['', 'all'], ...runs.map((r) => [String(r.run_id), `#${r.run_id} ${r.started_at}`])],
      state.run, (v) => setState({ run: v }), 'run'),
    select('model', opts(unique(configs.map((c) => c.model))), state.model, (v) => setState({ model: v }), 'model'),
    select('hardware', opts(unique(configs.map((c) => c.hardware))), state.hardware,
      (v) => setState({ hardware: v }), 'hardware'),
    select('engine', opts(unique(configs.map((c) => c.engine))), state.engine, (v) => setState({ engine: v }), 'engine'),
    select('precision', opts(unique(configs.map((c) => c.precision))), state.precision,
      (v) => setState({ precision: v }), 'precision'),
    select('workload', opts(workloads), wl, (v) => {
      const [isl, osl] = v ? v.split('/') : ['', ''];
      setState({ isl, osl });
    }, 'ISL/OSL'),
    select('config', opts(unique(configs.map((c) => c.config_key))), state.config,
      (v) => setState({ config: v }), 'config'));
}
