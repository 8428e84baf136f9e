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

// No cache here: the browser's HTTP cache revalidates each response with
// the server's ETag (the store's change token), so a redraw costs a 304 and
// a store that changed is seen at once.
export async function api(path) {
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
  return `/api/export.${kind}${query ? `?${query}` : ''}`;
}
