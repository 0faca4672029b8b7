// Whole-process benchmark of the commands people wait for, each against `portolan check` of the
// same registry in the same run: `allocate`, `move`, `release`, `reserve` and `allocate --dry-run`
// on the 100-cluster, 100,000-allocation registry, and `docs` at 10,000 and 100,000 allocations.
// Every command runs as its own process on a fresh copy of the registry (copied before the clock
// starts), the commands interleaved run by run; medians, ratios and whether each target is met are
// printed, and the figures land in bench/out/commands.json.
//   npm run build && node bench/commands.mjs [runs=7]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 7);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const registries = { '100k': join(root, 'bench/out/registry.yaml'), '10k': join(root, 'bench/out/registry-10k.yaml') };
const generator = join(root, 'bench/generate-registry.mjs');
if (!existsSync(registries['100k'])) execFileSync('node', [generator, registries['100k'], '100', '100000'], { stdio: 'inherit' });
if (!existsSync(registries['10k'])) execFileSync('node', [generator, registries['10k'], '100', '10000'], { stdio: 'inherit' });
if (!existsSync(cli)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

// Team ranges 10-19 (31000-31999) are empty in the generated registry; svc-000123 holds one port.
const commands = {
  'check 100k': ['100k', ['check', '--format', 'json']],
  'allocate 100k': ['100k', ['allocate', 'bench-new', '--range', 'team-15', '--cluster', 'c-005', '--format', 'json']],
  'allocate --dry-run 100k': ['100k', ['allocate', 'bench-new', '--range', 'team-15', '--cluster', 'c-005', '--dry-run', '--format', 'json']],
  'move 100k': ['100k', ['move', 'svc-000123', '--to', '31500', '--range', 'team-15', '--format', 'json']],
  'release 100k': ['100k', ['release', 'svc-000124', '--format', 'json']],
  'reserve 100k': ['100k', ['reserve', '31990', '--reason', 'load test', '--format', 'json']],
  'docs 100k': ['100k', ['docs']],
  'check 10k': ['10k', ['check', '--format', 'json']],
  'docs 10k': ['10k', ['docs']],
};

const work = mkdtempSync(join(tmpdir(), 'portolan-bench-commands-'));
const time = (size, args) => {
  const file = join(work, 'portolan.yaml');
  copyFileSync(registries[size], file);
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args, file], { cwd: work, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0 && !(args[0] === 'check' && run.status === 1)) throw new Error(`portolan ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
};

const load = [loadavg()[0]];
for (const [size, args] of Object.values(commands)) time(size, args); // warm the page cache and the compile cache
const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, [size, args]] of Object.entries(commands)) samples[name].push(time(size, args));
  load.push(loadavg()[0]);
}
rmSync(work, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const m = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model;
const mib = (size) => (statSync(registries[size]).size / 1048576).toFixed(1);
console.log(`${cpus().length} CPUs (${cpu}), Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; ${runs} runs each, interleaved`);
console.log(`registries: 100k = ${mib('100k')} MiB, 10k = ${mib('10k')} MiB; 1-minute load average during the run: ${load.map((l) => l.toFixed(2)).join(', ')}\n`);
console.log('| command | median ms | runs (ms) |');
console.log('|---|---:|---|');
for (const [name, values] of Object.entries(samples)) console.log(`| portolan ${name} | ${m[name].toFixed(0)} | ${values.map((v) => v.toFixed(0)).join(', ')} |`);

const targets = [];
const target = (name, ratio, limit, of) => targets.push({ name, ratio, limit, met: ratio <= limit, of });
for (const name of ['allocate 100k', 'allocate --dry-run 100k', 'move 100k', 'release 100k', 'reserve 100k']) target(name, m[name] / m['check 100k'], 1.2, 'check 100k');
target('docs 100k', m['docs 100k'] / m['check 100k'], 1.5, 'check 100k');
target('docs 10k', m['docs 10k'] / m['check 10k'], 1.5, 'check 10k');
// Ten times the registry: docs may grow no faster than check does (linear), with 10% of slack.
const checkGrowth = m['check 100k'] / m['check 10k'];
const docsGrowth = m['docs 100k'] / m['docs 10k'];
target('docs growth 10k -> 100k, over check growth', docsGrowth / checkGrowth, 1.1, `check grew ${checkGrowth.toFixed(2)}x, docs ${docsGrowth.toFixed(2)}x`);

console.log('\n| target | ratio | limit | |');
console.log('|---|---:|---:|---|');
for (const t of targets) console.log(`| ${t.name} / ${t.of} | ${t.ratio.toFixed(2)}x | ${t.limit}x | ${t.met ? 'met' : '**not met**'} |`);
writeFileSync(join(root, 'bench/out/commands.json'), `${JSON.stringify({ date: new Date().toISOString(), cpu, cpus: cpus().length, node: process.version, load, samples, medians: m, targets }, null, 2)}\n`);
