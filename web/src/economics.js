// Cost and power of throughput, as the frontier module computes them
// (frontier/frontier.h): $/Mtok = $/GPU-hour / (tok/s/GPU * 3600) * 1e6 and
// tok/s per MW = tok/s/GPU * 1e6 / W per GPU. Defaults per hardware come
// from the hardware catalog via /api/configs; the URL may override them
// (price_<hw>=, watts_<hw>=).

export function usdPerMtok(tokS, usdPerGpuHour) {
  if (!(tokS > 0) || !(usdPerGpuHour > 0)) return null;
  return usdPerGpuHour / (tokS * 3600) * 1e6;
}

export function tokSPerMw(tokS, watts) {
  if (!(tokS > 0) || !(watts > 0)) return null;
  return tokS * 1e6 / watts;
}

// hardware -> {usd, watts}, from configs and the state's overrides.
export function economicsBook(configs, state) {
  const book = {};
  for (const c of configs) {
    const hw = (c.hardware || '').toLowerCase();
    if (!hw || book[hw]) continue;
    book[hw] = { usd: c.usd_per_gpu_hour, watts: c.all_in_power_watts };
  }
  for (const hw of Object.keys(book)) {
    const p = parseFloat(state[`price_${hw}`]);
    const w = parseFloat(state[`watts_${hw}`]);
    if (p > 0) book[hw].usd = p;
    if (w > 0) book[hw].watts = w;
  }
  return book;
}
