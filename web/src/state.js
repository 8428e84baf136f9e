// View state lives in the URL's query string (?view=frontier&model=...), so
// a link reproduces the view. set() replaces the history entry and
// re-renders.

let listener = () => {};

export function onStateChange(fn) { listener = fn; }

export function getState() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

export function setState(patch, { render = true } = {}) {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === '' || v === null || v === undefined || v === false) params.delete(k);
    else params.set(k, v === true ? '1' : String(v));
  }
  const qs = params.toString();
  history.replaceState(null, '', qs ? `?${qs}` : location.pathname);
  if (render) listener();
}

// The API filters present in the state, as a query string fragment.
export const FILTERS = ['run', 'model', 'hardware', 'engine', 'precision', 'isl', 'osl', 'config'];

export function filterQuery(state, extra = {}) {
  const p = new URLSearchParams();
  for (const f of FILTERS) if (state[f]) p.set(f, state[f]);
  for (const [k, v] of Object.entries(extra)) if (v !== '' && v !== undefined && v !== null) p.set(k, v);
  return p.toString();
}
