// Browser tests of `infx serve` (docs/dashboard.md): headless Chromium,
// driven by puppeteer-core, against the dashboard over (1) a store made by
// a small sweep (examples/smoke.yaml), (2) a store with hostile config names
// and (3) a store of 10,000 points for the frontier's speed. Screenshots go
// to --out for humans to look at; perf.json holds the measured timings.
//
//   node web/test/dashboard.test.mjs --infx build-asan/infx \
//     --fixture build-asan/src/web/infx_web_fixture --web build-asan/web \
//     --sweep examples/smoke.yaml --out build-asan/web-test
//
// Exit codes: 0 pass, 1 fail, 77 skipped (no Chromium or npm packages and
// CI is not set).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const SKIP = 77;
const ci = process.env.CI === 'true' || process.env.CI === '1';

function skipOrFail(why) {
  console.error(`DashboardBrowserTest: ${why}`);
  process.exit(ci ? 1 : SKIP);
}

const require = createRequire(import.meta.url);
let puppeteer;
try {
  puppeteer = require('puppeteer-core');
} catch {
  skipOrFail('puppeteer-core is not installed (run scripts/setup.sh: npm ci in web/)');
}
const chromium = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  .find((p) => p && existsSync(p));
if (!chromium) skipOrFail('no Chromium (apt-get install chromium, or set CHROMIUM)');
if (!existsSync(join(args.web || '', 'app.js'))) skipOrFail(`no bundled front end in ${args.web}`);

const out = args.out;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const scratch = existsSync('/dev/shm') ? `/dev/shm/infx-web-test-${process.pid}` : join(out, 'stores');
mkdirSync(scratch, { recursive: true });

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// Starts `infx serve` on a free port; resolves with {base, proc}.
function serve(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(args.infx, ['serve', '--db', db, '--port', '0', '--web-dir', args.web],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
    let text = '';
    proc.stdout.on('data', (d) => {
      text += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
      if (m) resolve({ base: m[1], proc });
    });
    proc.stderr.on('data', (d) => process.stderr.write(`[serve] ${d}`));
    proc.on('exit', (code) => reject(new Error(`infx serve exited ${code}: ${text}`)));
  });
}

async function getJson(base, path) {
  const res = await fetch(base + path);
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`);
  return res.json();
}

function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
  page.on('dialog', async (d) => { errors.push(`dialog (script ran!): ${d.message()}`); await d.dismiss(); });
  return errors;
}

async function summaryOf(page) {
  await page.waitForFunction(() => document.getElementById('chart-summary').dataset.summary, { timeout: 60000 });
  return page.evaluate(() => JSON.parse(document.getElementById('chart-summary').dataset.summary));
}

async function waitReady(page) {
  await page.waitForFunction(() => document.body.dataset.ready && document.body.dataset.ready === document.body.dataset.gen,
    { timeout: 60000 });
}

// Measured points per (run, config, ISL/OSL): distinct concurrencies of
// valid points with a completed request (repetitions are averaged into one;
// INVALID points are off the curves unless included).
function expectedCounts(points, includeInvalid = false) {
  const m = new Map();
  for (const p of points) {
    if (!(p.completed > 0) || (p.valid === false && !includeInvalid)) continue;
    const k = `${p.run_id}|${p.config_key}|${p.isl}/${p.osl}`;
    if (!m.has(k)) m.set(k, new Set());
    m.get(k).add(p.concurrency);
  }
  return Object.fromEntries([...m].map(([k, s]) => [k, s.size]));
}
const drawnCounts = (summary) => Object.fromEntries(
  summary.series.map((s) => [`${s.run_id}|${s.config_key}|${s.isl}/${s.osl}`, s.points]));

const results = [];
async function check(name, fn) {
  const t = Date.now();
  await fn();
  results.push(name);
  console.log(`ok - ${name} (${Date.now() - t} ms)`);
}

const browser = await puppeteer.launch({
  executablePath: chromium, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1400,900'],
  defaultViewport: { width: 1400, height: 900 },
});
const servers = [];
let failed = false;
const perf = {};
try {
  // --only perf: the 10,000-point timings alone (for measuring).
  if (args.only !== 'perf') {
    // 1. A store made by a sweep.
    const smokeDb = join(scratch, 'smoke.db');
    run(args.infx, ['sweep', args.sweep, '--db', smokeDb]);
    const smoke = await serve(smokeDb);
    servers.push(smoke.proc);
    const page = await browser.newPage();
    const errors = watchErrors(page);

    await check('page loads without console errors and draws every config\'s points', async () => {
      // With invalid points included: on a loaded machine (ASan, parallel
      // tests) the emulator's read lags can make every point of the smoke
      // sweep INVALID, which would leave nothing to draw.
      await page.goto(`${smoke.base}/?view=frontier&invalid=1`, { waitUntil: 'load' });
      const summary = await summaryOf(page);
      const points = (await getJson(smoke.base, '/api/export.json')).points;
      assert.ok(points.length > 0, 'the sweep stored no points');
      assert.deepEqual(drawnCounts(summary), expectedCounts(points, true));
      assert.ok(summary.frontier_points > 0);
      await page.screenshot({ path: join(out, 'frontier.png') });
      assert.deepEqual(errors, []);
    });

    const configs = (await getJson(smoke.base, '/api/configs')).configs;
    const target = configs[configs.length - 1].config_key;
    await check('a filter changes the drawn points and lands in the URL', async () => {
      const before = await summaryOf(page);
      await page.select('select[name=config]', target);
      await page.waitForFunction((n) => {
        const s = document.getElementById('chart-summary').dataset.summary;
        return s && JSON.parse(s).series.length !== n;
      }, { timeout: 30000 }, before.series.length);
      const after = await summaryOf(page);
      assert.ok(after.series.length > 0 && after.series.every((s) => s.config_key === target));
      const filtered = (await getJson(smoke.base, `/api/export.json?config=${encodeURIComponent(target)}`)).points;
      assert.deepEqual(drawnCounts(after), expectedCounts(filtered, true));
      assert.equal(new URL(page.url()).searchParams.get('config'), target);
    });

    await check('hovering a point shows a tooltip with its config key', async () => {
      const s = await summaryOf(page);
      const box = await (await page.$('#chart')).boundingBox();
      await page.mouse.move(box.x + s.probe.x, box.y + s.probe.y);
      await page.waitForFunction((key) => [...document.querySelectorAll('#chart div')]
        .some((d) => d.textContent.includes(key) && getComputedStyle(d).display !== 'none'), { timeout: 10000 },
      s.probe.config_key);
      await page.screenshot({ path: join(out, 'frontier-tooltip.png') });
    });

    await check('the URL round-trips the view state', async () => {
      await page.select('select[name=x]', 'e2el');
      await waitReady(page);
      await page.click('input[name=logy]');
      await waitReady(page);
      const url = page.url();
      const want = await summaryOf(page);
      const page2 = await browser.newPage();
      const errors2 = watchErrors(page2);
      await page2.goto(url, { waitUntil: 'load' });
      const got = await summaryOf(page2);
      assert.deepEqual(drawnCounts(got), drawnCounts(want));
      const controls = await page2.evaluate(() => ({
        x: document.querySelector('select[name=x]').value,
        logy: document.querySelector('input[name=logy]').checked,
        config: document.querySelector('select[name=config]').value,
      }));
      assert.deepEqual(controls, { x: 'e2el', logy: true, config: target });
      assert.deepEqual(errors2, []);
      await page2.close();
    });

    await check('CSV export matches the API', async () => {
      const href = await page.$eval('#export-csv', (a) => a.href);
      const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
      const json = (await getJson(smoke.base, `/api/export.json?config=${encodeURIComponent(target)}`)).points;
      const lines = csv.trim().split('\n');
      const header = lines[0].split(',');
      const idCol = header.indexOf('point_id');
      const tputCol = header.indexOf('tput_per_gpu_total');
      assert.equal(lines.length - 1, json.length);
      lines.slice(1).forEach((line, i) => {
        const cells = line.split(',');
        assert.equal(Number(cells[idCol]), json[i].point_id);
        assert.equal(Number(cells[tputCol]), json[i].tput_per_gpu_total);
      });
    });

    await check('the y axis offers measured power (J/token) and draws every point with its source', async () => {
      await page.goto(`${smoke.base}/?view=frontier&invalid=1&y=joules_per_token`, { waitUntil: 'load' });
      const s = await summaryOf(page);
      const points = (await getJson(smoke.base, '/api/export.json')).points;
      assert.deepEqual(drawnCounts(s), expectedCounts(points, true));
      assert.equal(await page.$eval('select[name=y]', (e) => e.value), 'joules_per_token');
      const api = await getJson(smoke.base, '/api/frontier?include_invalid=1&y=joules_per_token&format=columns');
      const measured = api.runs.flatMap((r) => r.scenarios.flatMap((sc) => sc.curves.flatMap(
        (c) => c.measured.y_source || []))).filter((v) => v === 'measured').length;
      assert.equal(s.measured_power_points, measured);
      console.log(`  (${measured} points with measured power)`);
      assert.deepEqual(errors, []);
    });

    await check('every other view renders without console errors', async () => {
      for (const view of ['iso', 'tco', 'history', 'compare', 'run']) {
        await page.goto(`${smoke.base}/?view=${view}`, { waitUntil: 'load' });
        await waitReady(page);
        const err = await page.$('#error');
        assert.equal(err, null, `view ${view}: ${err && await page.evaluate((e) => e.textContent, err)}`);
        await page.screenshot({ path: join(out, `${view}.png`), fullPage: true });
      }
      assert.deepEqual(errors, []);
    });

    // 2. Hostile names render as text.
    const hostileDb = join(scratch, 'hostile.db');
    run(args.fixture, ['--db', hostileDb, '--hostile', '--configs', '3', '--concurrencies', '4', '--runs', '2']);
    const hostile = await serve(hostileDb);
    servers.push(hostile.proc);
    await check('hostile config names (<script>, quotes, unicode) render as text', async () => {
      const hp = await browser.newPage();
      const herr = watchErrors(hp);
      const key = (await getJson(hostile.base, '/api/configs')).configs[0].config_key;
      assert.ok(key.includes('<script>') && key.includes('"') && key.includes('ü'));
      for (const view of ['frontier', 'iso', 'history', 'compare', 'run']) {
        await hp.goto(`${hostile.base}/?view=${view}`, { waitUntil: 'load' });
        await waitReady(hp);
        const dom = await hp.evaluate(() => ({
          scripts: document.scripts.length,
          imgs: document.querySelectorAll('img').length,
          text: document.body.innerText,
        }));
        assert.equal(dom.scripts, 1, `${view}: a stored <script> became an element`);
        assert.equal(dom.imgs, 0, `${view}: a stored <img> became an element`);
        if (view !== 'compare' && view !== 'history') {
          assert.ok(dom.text.includes(key) || dom.text.includes('<script>alert('), `${view}: the key is not shown as text`);
        }
        await hp.screenshot({ path: join(out, `hostile-${view}.png`) });
      }
      await hp.goto(`${hostile.base}/?view=frontier`, { waitUntil: 'load' });
      const s = await summaryOf(hp);
      const box = await (await hp.$('#chart')).boundingBox();
      await hp.mouse.move(box.x + s.probe.x, box.y + s.probe.y);
      await hp.waitForFunction(() => [...document.querySelectorAll('#chart div')]
        .some((d) => d.textContent.includes('<script>alert(')), { timeout: 10000 });
      assert.equal(await hp.evaluate(() => document.querySelectorAll('#chart img, #chart script').length), 0);
      assert.deepEqual(herr, []);
      await hp.close();
    });

    // 3. A living history: 8 runs, a 30% step at run 5 with a new engine
    // version, and one INVALID point per workload.
    const livingDb = join(scratch, 'living.db');
    run(args.fixture, ['--db', livingDb, '--runs', '8', '--configs', '2', '--concurrencies', '3',
      '--repetitions', '3', '--regression-at-run', '4', '--invalid']);
    const living = await serve(livingDb);
    servers.push(living.proc);
    const lp = await browser.newPage();
    const lerr = watchErrors(lp);
    await check('history draws the change points of `infx history` with their suspects', async () => {
      const api = await getJson(living.base, '/api/history?metric=tput_per_gpu');
      const want = api.series.flatMap((s) => s.change_points.map((c) => `${s.series}|${c.run}`)).sort();
      assert.ok(want.length >= api.series.length, `expected a change point per series: ${JSON.stringify(want)}`);
      await lp.goto(`${living.base}/?view=history&metric=tput_per_gpu`, { waitUntil: 'load' });
      await waitReady(lp);
      const s = await summaryOf(lp);
      assert.equal(s.view, 'history');
      assert.deepEqual(s.change_points.map((c) => `${c.series}|${c.run}`).sort(), want);
      assert.ok(s.change_points.every((c) => c.run === 5 && c.change < -0.2 && c.suspects.includes('engine_version')),
        JSON.stringify(s.change_points));
      assert.equal(s.drawn_change_lines, want.length);
      const rows = await lp.$$eval('#history-change-points tbody tr', (trs) => trs.map((tr) => tr.textContent));
      assert.equal(rows.length, want.length);
      assert.ok(rows.every((t) => t.includes('engine_version')), rows[0]);
      await lp.screenshot({ path: join(out, 'history-change-points.png'), fullPage: true });
    });
    await check('compare shows the verdicts of `infx compare` (run 5 against run 4: worse)', async () => {
      const api = (await getJson(living.base, '/api/compare?a=4&b=5&iso=20,50,100')).verdicts;
      assert.equal(api.regression, true);
      await lp.goto(`${living.base}/?view=compare&a=4&b=5`, { waitUntil: 'load' });
      await waitReady(lp);
      const s = await summaryOf(lp);
      assert.equal(s.view, 'compare');
      assert.equal(s.rows, api.rows.length);
      assert.equal(s.regression, true);
      assert.deepEqual(s.worse.sort(), api.rows.filter((r) => r.verdict === 'worse')
        .map((r) => `${r.series}|${r.metric}`).sort());
      assert.ok(s.worse.some((w) => w.endsWith('|tput_per_gpu')));
      const cells = await lp.$$eval('#compare-verdicts tbody tr', (trs) => trs.length);
      assert.equal(cells, api.rows.length);
      await lp.screenshot({ path: join(out, 'compare-verdicts.png'), fullPage: true });
    });
    await check('INVALID points are marked, off the frontier unless the toggle includes them', async () => {
      const all = (await getJson(living.base, '/api/export.json?run=8')).points;
      const invalid = all.filter((p) => p.valid === false);
      assert.equal(invalid.length, 3 * 1);  // config 0, top concurrency, 3 repetitions, 1 workload
      await lp.goto(`${living.base}/?view=frontier&run=8`, { waitUntil: 'load' });
      const s = await summaryOf(lp);
      assert.equal(s.invalid_points, invalid.length);
      assert.equal(s.include_invalid, false);
      const box = await (await lp.$('#chart')).boundingBox();
      await lp.mouse.move(box.x + s.invalid_probe.x, box.y + s.invalid_probe.y);
      await lp.waitForFunction(() => [...document.querySelectorAll('#chart div')]
        .some((d) => d.textContent.includes('INVALID (left off the frontier)')
          && d.textContent.includes('error_rate: 0.3 > 0.01')), { timeout: 10000 });
      await lp.screenshot({ path: join(out, 'frontier-invalid.png') });
      const before = s.series.find((x) => x.config_key === s.invalid_probe.config_key).points;
      await lp.click('input[name=invalid]');
      await waitReady(lp);
      const s2 = await summaryOf(lp);
      assert.equal(s2.include_invalid, true);
      assert.equal(new URL(lp.url()).searchParams.get('invalid'), '1');
      assert.equal(s2.series.find((x) => x.config_key === s.invalid_probe.config_key).points, before + 1);
      assert.deepEqual(lerr, []);
    });
    await check('`infx report --app` is the same app, self-contained, from disk', async () => {
      const file = join(out, 'report-app.html');
      run(args.infx, ['report', '--db', livingDb, '--run', '8', '--app', '--web-dir', args.web, '-o', file]);
      const rp = await browser.newPage();
      const rerr = watchErrors(rp);
      const requests = [];
      rp.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      await rp.goto(`file://${file}?view=frontier`, { waitUntil: 'load' });
      const s = await summaryOf(rp);
      const pts = (await getJson(living.base, '/api/export.json?run=8')).points;
      assert.deepEqual(drawnCounts(s), expectedCounts(pts));
      assert.equal(s.invalid_points, pts.filter((p) => p.valid === false).length);
      await rp.click('input[name=logy]');
      await waitReady(rp);
      assert.equal(new URL(rp.url()).searchParams.get('logy'), '1');
      for (const view of ['iso', 'tco', 'history', 'run']) {
        await rp.goto(`file://${file}?view=${view}`, { waitUntil: 'load' });
        await waitReady(rp);
        const err = await rp.$('#error');
        assert.equal(err, null, `report view ${view}: ${err && await rp.evaluate((e) => e.textContent, err)}`);
      }
      assert.equal(await rp.evaluate(() => document.scripts.length), 2);  // the data block and the app
      await rp.screenshot({ path: join(out, 'report-app.png'), fullPage: true });
      assert.deepEqual(requests, []);
      assert.deepEqual(rerr, []);
      await rp.close();
    });
    await lp.close();
  }

  // 4. 10,000 points: time to an interactive frontier.
  const bigDb = join(scratch, 'big.db');
  run(args.fixture, ['--db', bigDb, '--configs', '20', '--concurrencies', '500']);
  const big = await serve(bigDb);
  servers.push(big.proc);
  await check('frontier of 10,000 points: load and re-render timings', async () => {
    // First loads, timed from navigation start with the Performance API:
    // `drawn` when every point and the frontiers are painted (the page
    // answers hovers and zooms), `decorated` when the per-config lines,
    // predictions and legend added after that paint are painted too. Load
    // 1 is the fresh server's first answer; loads 2-3 are new tabs on the
    // warm server.
    perf.first_loads = [];
    let bp = null;
    let berr = [];
    for (let i = 0; i < 3; i++) {
      if (bp) await bp.close();
      bp = await browser.newPage();
      berr = watchErrors(bp);
      await bp.goto(`${big.base}/?view=frontier`, { waitUntil: 'load' });
      const s = await summaryOf(bp);
      assert.equal(s.total_points, 10000);
      await bp.waitForFunction(() => document.getElementById('chart-summary').dataset.decorated,
        { timeout: 60000 });
      const dec = await bp.evaluate(() => JSON.parse(document.getElementById('chart-summary').dataset.decorated));
      const nav = await bp.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
      perf.first_loads.push({ drawn_ms: s.drawn_at_ms, decorated_ms: dec.at_ms, dom_content_loaded_ms: nav,
        fetch_ms: s.fetch_ms, build_ms: s.build_ms, set_option_ms: s.set_option_ms, decorate_ms: dec.decorate_ms });
    }
    // Interaction: switch the y axis to log and wait for the redraw.
    const t0 = await bp.evaluate(() => performance.now());
    await bp.click('input[name=logy]');
    await waitReady(bp);
    const s2 = await summaryOf(bp);
    perf.toggle_log_axis_ms = (await bp.evaluate(() => performance.now())) - t0;
    await bp.waitForFunction(() => document.getElementById('chart-summary').dataset.decorated, { timeout: 60000 });
    perf.toggle_log_axis_decorated_ms = JSON.parse(await bp.evaluate(
      () => document.getElementById('chart-summary').dataset.decorated)).at_ms - t0;
    perf.rerender_ms = s2.render_ms;
    perf.rerender_fetch_ms = s2.fetch_ms;
    perf.rerender_set_option_ms = s2.set_option_ms;
    // Hover response.
    const box = await (await bp.$('#chart')).boundingBox();
    const t1 = await bp.evaluate(() => performance.now());
    await bp.mouse.move(box.x + s2.probe.x, box.y + s2.probe.y);
    await bp.waitForFunction((key) => [...document.querySelectorAll('#chart div')]
      .some((d) => d.textContent.includes(key)), { timeout: 10000 }, s2.probe.config_key);
    perf.hover_tooltip_ms = (await bp.evaluate(() => performance.now())) - t1;
    await bp.screenshot({ path: join(out, 'frontier-10k.png') });
    assert.deepEqual(berr, []);
    console.log(`perf (10,000 points): ${JSON.stringify(perf)}`);
    writeFileSync(join(out, 'perf.json'), JSON.stringify(perf, null, 2));
    await bp.close();
  });
} catch (err) {
  failed = true;
  console.error(`not ok - ${err.stack || err}`);
} finally {
  await browser.close();
  for (const p of servers) p.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`${results.length} checks passed${failed ? ', one failed' : ''}; screenshots in ${out}`);
process.exit(failed ? 1 : 0);
