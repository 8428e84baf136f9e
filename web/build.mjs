// Bundles the dashboard: src/main.js (with ECharts) -> OUTDIR/app.js, and
// copies index.html and app.css beside it. Usage: node build.mjs OUTDIR
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outfile: join(outdir, 'app.js'),
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css']) copyFileSync(join(here, f), join(outdir, f));
console.log(`web: bundled the dashboard into ${outdir}`);
