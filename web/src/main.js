// The infx dashboard: one page, views chosen by ?view=, all state in the
// URL. Data comes from the read-only JSON API of `infx serve` (docs/api.md).
import './prefetch.js';  // first: starts the first view's requests
import { api, captureToken } from './api.js';
import { getState, onStateChange, setState } from './state.js';
import { el } from './util.js';
import { renderFrontier } from './views/frontier.js';
import { renderIso } from './views/iso.js';
import { renderTco } from './views/tco.js';
import { renderHistory } from './views/history.js';
import { renderCompare } from './views/compare.js';
import { renderRun } from './views/run.js';

const VIEWS = [
  ['frontier', 'Frontier', renderFrontier], ['iso', 'Iso-interactivity', renderIso], ['tco', 'TCO', renderTco],
  ['history', 'History', renderHistory], ['compare', 'Compare', renderCompare], ['run', 'Run', renderRun],
];

let generation = 0;

async function render() {
  const state = getState();
  const view = VIEWS.find(([k]) => k === state.view) || VIEWS[0];
  const nav = document.getElementById('nav');
  nav.replaceChildren(...VIEWS.map(([k, title]) => el('a', {
    href: `?view=${k}`, class: k === view[0] ? 'active' : null, 'data-view': k,
    onclick: (e) => { e.preventDefault(); setState({ view: k }); },
  }, title)));
  const main = document.getElementById('main');
  const mine = ++generation;
  const summary = document.getElementById('chart-summary');
  delete summary.dataset.summary;
  delete summary.dataset.decorated;
  document.body.dataset.gen = String(mine);
  try {
    await view[2](main, state);
  } catch (err) {
    if (mine !== generation) return;
    main.replaceChildren(el('p', { class: 'error', id: 'error' }, String(err.message || err)));
  }
  if (mine === generation) document.body.dataset.ready = String(mine);
}

async function start() {
  captureToken();
  onStateChange(render);
  // The header's store line and the view load together (the view's own
  // /api/runs shares this request).
  api('/api/runs').then((res) => {
    document.getElementById('store').textContent = `${res.store} · ${res.runs.length} runs`;
  }, (err) => {
    document.getElementById('store').textContent = String(err.message || err);
  });
  await render();
}

start();
