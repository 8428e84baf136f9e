// Starts the first view's API requests while the browser is still
// evaluating the rest of the bundle (ECharts): main.js imports this module
// first, and it depends on nothing heavy, so on a first load the data and
// the script are ready about together instead of one after the other.
import { captureToken, prefetch } from './api.js';
import { getState } from './state.js';
import { CONFIGS_PATH } from './views/filters.js';
import { frontierPath } from './views/frontier_series.js';

captureToken();
const state = getState();
if (!state.view || state.view === 'frontier') {
  prefetch(frontierPath(state));
  prefetch('/api/runs');
  prefetch(CONFIGS_PATH);
}
