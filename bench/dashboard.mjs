// The dashboard in headless Chromium on the 100-cluster, 100,000-allocation registry: time from
// navigation to the drawn map (the page sets data-drawn and a performance mark after its canvases
// are painted), and to the first range opened; beside a baseline navigation to a tiny page of the
// same server, interleaved; and the size of the script, gzipped.
// node bench/dashboard.mjs [runs=7] (after npm run build)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 7);
const out = join(root, 'bench', 'out');
const registry = join(out, 'registry.yaml');
if (!existsSync(registry)) execFileSync(process.execPath, [join(root, 'bench', 'generate-registry.mjs'), registry, '100', '100000'], { stdio: 'inherit' });
const folder = mkdtempSync(join(tmpdir(), 'portolan-bench-dashboard-'));
cpSync(registry, join(folder, 'portolan.yaml'));

const server = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--listen', '127.0.0.1:0'], { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
server.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
const base = await new Promise((resolve, reject) => {
  const timer = setInterval(() => {
    const found = /the dashboard is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
    if (found) (clearInterval(timer), resolve(found[1]));
  }, 20);
  server.on('exit', (code) => reject(new Error(`portolan serve exited ${code}: ${stderr}`)));
});

const profile = mkdtempSync(join(tmpdir(), 'portolan-bench-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});

/** Milliseconds from navigation start to the page's mark (or its load event, for the baseline). */
async function navigate(path, mark) {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    if (!mark) return await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
    await page.waitForSelector('#map[data-drawn]', { timeout: 60_000 });
    const drawn = await page.evaluate((name) => performance.getEntriesByName(name)[0].startTime, mark);
    // Then open the first range and time its grid, from the click to its mark.
    const started = await page.evaluate(() => performance.now());
    await page.click('li.range >> nth=0 >> button.fold');
    await page.waitForSelector('.canvas-wrap[data-drawn]', { timeout: 60_000 });
    const opened = await page.evaluate(([name, from]) => performance.getEntriesByName(name)[0].startTime - from, ['range-drawn:team-00', started]);
    return { drawn, opened };
  } finally {
    await page.close();
  }
}

// The first map asks the server to lay out the registry's 100,000 claims once: counted apart.
const cold = await navigate('/', 'map-drawn');
const figures = { baseline: [], map: [], range: [] };
for (let i = 0; i < runs; i++) {
  figures.baseline.push(await navigate('/healthz'));
  const { drawn, opened } = await navigate('/', 'map-drawn');
  figures.map.push(drawn);
  figures.range.push(opened);
}
await browser.close();
server.kill('SIGTERM');
rmSync(profile, { recursive: true, force: true });
rmSync(folder, { recursive: true, force: true });

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const script = readFileSync(join(root, 'dist', 'ui', 'app.js'));
const style = readFileSync(join(root, 'dist', 'ui', 'app.css'));
const result = {
  date: new Date().toISOString(),
  machine: `${cpus()[0].model}, ${cpus().length} cores`,
  node: process.version,
  load: loadavg().map((l) => l.toFixed(1)).join(' '),
  runs,
  coldMapMs: Math.round(cold.drawn),
  medians: { baselineMs: Math.round(median(figures.baseline)), mapDrawnMs: Math.round(median(figures.map)), rangeOpenedMs: Math.round(median(figures.range)) },
  runsMs: Object.fromEntries(Object.entries(figures).map(([name, list]) => [name, list.map(Math.round)])),
  scriptGzipBytes: gzipSync(script).length,
  styleGzipBytes: gzipSync(style).length,
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'dashboard.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`machine: ${result.machine}; Node.js ${result.node}; ${result.date.slice(0, 16)} UTC; load ${result.load}`);
console.log(`navigation to a tiny page of the server (baseline)  median ${result.medians.baselineMs} ms  runs ${result.runsMs.baseline.join(', ')}`);
console.log(`navigation to the drawn map, 100k allocations      median ${result.medians.mapDrawnMs} ms  runs ${result.runsMs.map.join(', ')}  (first, cold: ${result.coldMapMs} ms)`);
console.log(`click to the first range's drawn grid               median ${result.medians.rangeOpenedMs} ms  runs ${result.runsMs.range.join(', ')}`);
console.log(`script ${(result.scriptGzipBytes / 1024).toFixed(1)} kB gzipped, style ${(result.styleGzipBytes / 1024).toFixed(1)} kB gzipped`);
const ok = result.medians.mapDrawnMs < 1500 && result.scriptGzipBytes < 200 * 1024;
console.log(ok ? 'targets met: drawn map under 1.5 s, script under 200 kB gzipped' : 'a target is missed: drawn map under 1.5 s, script under 200 kB gzipped');
process.exitCode = ok ? 0 : 1;
