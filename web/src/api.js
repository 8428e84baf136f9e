// Fetches from the read-only JSON API (docs/api.md). A bearer token, when
// the server wants one, comes from the page's fragment (#token=...) once and
// is then kept in sessionStorage, never in the URL's query.

const TOKEN_KEY = 'infx-token';

export function captureToken() {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

// A static report (`infx report --app`) carries the API's answers for its
// run in <script type="application/json" id="infx-data">: {"responses":
// {TARGET: BODY}}. The page then reads them instead of fetching; a view or
// filter the report does not hold says so.
function normalize(path) {
  const u = new URL(path, 'http://infx.invalid');
  const params = [...u.searchParams].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : (a[0] < b[0] ? -1 : 1)));
  return `${u.pathname}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

const embedded = (() => {
  const node = typeof document === 'undefined' ? null : document.getElementById('infx-data');
  if (!node) return null;
  const data = JSON.parse(node.textContent);
  return new Map(Object.entries(data.responses || {}).map(([k, v]) => [normalize(k), v]));
})();

export function isStaticReport() { return embedded !== null; }

// No cache here: the browser's HTTP cache revalidates each response with
// the server's ETag (the store's change token), so a redraw costs a 304 and
// a store that changed is seen at once.
// Identical requests in flight at once (the header's and a view's
// /api/runs) share one fetch.
const inflight = new Map();
// Started by prefetch() before the views asked; each is handed to the
// first api() call for its path.
const early = new Map();

export function api(path) {
  if (inflight.has(path)) return inflight.get(path);
  const p = (early.get(path) || fetchApi(path)).finally(() => inflight.delete(path));
  early.delete(path);
  inflight.set(path, p);
  return p;
}

// Starts a request the page is about to make (web/src/prefetch.js).
export function prefetch(path) {
  if (early.has(path) || inflight.has(path)) return;
  const p = fetchApi(path);
  p.catch(() => {});  // its consumer sees the error
  early.set(path, p);
}

async function fetchApi(path) {
  if (embedded) {
    const body = embedded.get(normalize(path));
    if (body === undefined) {
      throw new Error(`${path}: not in this static report (it holds its run's default views; `
        + 'serve the store with `infx serve` for every filter and view)');
    }
    return body;
  }
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) {
    const hint = res.status === 401 ? ' (open the page as …/#token=YOUR_TOKEN)' : '';
    throw new Error(`${path}: ${body.error || res.status}${hint}`);
  }
  return body;
}

export function exportUrl(kind, query) {
  if (embedded) return null;  // no server to export from
  return `/api/export.${kind}${query ? `?${query}` : ''}`;
}
