// Run page: provenance, the matrix as given, configs, evals and failures.
import { api } from '../api.js';
import { setState } from '../state.js';
import { el, select, table } from '../util.js';

export async function renderRun(main, state) {
  const runs = (await api('/api/runs')).runs;
  if (!runs.length) {
    main.replaceChildren(el('p', { class: 'note' }, 'The store holds no runs yet.'));
    return;
  }
  const id = state.run || String(runs[0].run_id);
  const r = await api(`/api/run?run=${encodeURIComponent(id)}`);
  const kv = [['run', `#${r.run_id}`], ['status', r.status], ['started', r.started_at], ['finished', r.finished_at],
    ['infx', `${r.infx_version} (${r.git_sha})`], ['host', r.host], ['configs', r.num_configs],
    ['points', r.num_points], ['points with failures', r.num_points_with_failures], ['evals', r.num_evals]];
  main.replaceChildren(
    el('div', { class: 'controls' }, select('run', runs.map((x) => [String(x.run_id), `#${x.run_id} ${x.started_at}`]),
      id, (v) => setState({ run: v }), 'run')),
    el('h3', {}, 'Provenance'),
    table([{ title: 'field', get: (x) => x[0] }, { title: 'value', get: (x) => x[1] }], kv, { id: 'run-provenance' }),
    el('h3', {}, 'Matrix'), el('pre', { id: 'run-matrix' }, r.matrix_text),
    el('h3', {}, 'Configs'),
    table([
      { title: 'config', get: (c) => c.config_key }, { title: 'model', get: (c) => c.model },
      { title: 'hardware', get: (c) => c.hardware }, { title: 'engine', get: (c) => c.engine },
      { title: 'precision', get: (c) => c.precision }, { title: 'parallelism', get: (c) => c.parallelism },
      { title: 'GPUs', get: (c) => c.num_gpus, num: true },
      { title: 'accuracy', get: (c) => (c.accuracy_pass === null ? '-' : c.accuracy_pass ? 'PASS' : 'FAIL'),
        cls: (c) => (c.accuracy_pass === false ? 'fail' : c.accuracy_pass ? 'pass' : '') },
    ], r.configs, { id: 'run-configs' }),
    el('h3', {}, 'Evals'),
    table([
      { title: 'config', get: (e) => e.config_key }, { title: 'task', get: (e) => e.task },
      { title: 'concurrency', get: (e) => e.concurrency, num: true },
      { title: 'strict-match', get: (e) => e.strict_match?.accuracy, num: true, digits: 3 },
      { title: 'flexible-extract', get: (e) => e.flexible_extract?.accuracy, num: true, digits: 3 },
      { title: 'min score', get: (e) => e.min_score, num: true, digits: 2 },
      { title: 'verdict', get: (e) => (e.pass ? 'PASS' : 'FAIL'), cls: (e) => (e.pass ? 'pass' : 'fail') },
    ], r.evals, { id: 'run-evals' }),
    el('h3', {}, 'Failures'),
    r.failures.length ? table([
      { title: 'config', get: (p) => p.config_key }, { title: 'ISL/OSL', get: (p) => `${p.isl}/${p.osl}` },
      { title: 'concurrency', get: (p) => p.concurrency, num: true },
      { title: 'completed', get: (p) => p.completed, num: true }, { title: 'failed', get: (p) => p.failed, num: true },
      { title: 'errors', get: (p) => (p.errors ? JSON.stringify(p.errors) : '') },
    ], r.failures, { id: 'run-failures' }) : el('p', { class: 'note' }, 'No failed requests.'));
}
