// Screenshot of a running dashboard view, e.g. docs/dashboard-frontier.png:
//   node web/test/screenshot.mjs 'http://127.0.0.1:8080/?view=frontier' out.png
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');
const [url, out, width = '1100', height = '640'] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  defaultViewport: { width: Number(width), height: Number(height) },
});
const page = await browser.newPage();
await page.goto(url, { waitUntil: 'load' });
await page.waitForFunction(() => document.body.dataset.ready && document.body.dataset.ready === document.body.dataset.gen,
  { timeout: 60000 });
await page.screenshot({ path: out });
await browser.close();
