// Measures `portolan check` on a registry of 100 clusters and 100,000 allocations against the bare
// parse of the same file by js-yaml (the fastest YAML parser for Node), and
// `portolan --version` against `node -e 0`; every command runs as its own process, interleaved,
// and the medians and ratios (time, and peak memory as /usr/bin/time counts it) are printed as a
// Markdown table, with whether each target is met.
//   node bench/check.mjs [runs=7]   (the start-up pair runs five times a round)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';

const runs = Number(process.argv[2] ?? 7);
const registry = 'bench/out/registry.yaml';
if (!existsSync(registry)) execFileSync('node', ['bench/generate-registry.mjs', registry], { stdio: 'inherit' });
if (!existsSync('dist/cli.js')) execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });

const read = `const text = require('fs').readFileSync(${JSON.stringify(registry)}, 'utf8');`;
const commands = {
  'portolan check': ['dist/cli.js', 'check', registry, '--format', 'json'],
  'js-yaml loadAll (bare parse)': ['-e', `${read} require('js-yaml').loadAll(text, () => {});`],
  'portolan --version': ['dist/cli.js', '--version'],
  'node -e 0': ['-e', '0'],
};

// Peak memory (maximum resident set) comes from GNU time when it is there.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'portolan-bench-check-'));
const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const peaks = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
const load = [loadavg()[0]];
// The start-up pair takes a tenth of a second: it runs five times a round, so that its medians
// come from enough runs to stand against the other work on the machine.
const repeats = { 'portolan --version': 5, 'node -e 0': 5 };
for (let run = 0; run < runs; run++) {
  for (const [name, args] of Object.entries(commands).flatMap((entry) => Array.from({ length: repeats[entry[0]] ?? 1 }, () => entry))) {
    const report = join(scratch, 'rss');
    const [command, argv] = gnuTime ? [gnuTime, ['-o', report, '-f', '%M', process.execPath, ...args]] : [process.execPath, args];
    const started = process.hrtime.bigint();
    const result = spawnSync(command, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0 && result.status !== 1) throw new Error(`${name} exited ${result.status}`);
    times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    if (gnuTime) peaks[name].push(Number(readFileSync(report, 'utf8').trim().split('\n').pop()) / 1024);
  }
  load.push(loadavg()[0]);
}
rmSync(scratch, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const m = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
const rss = Object.fromEntries(Object.entries(peaks).map(([name, values]) => [name, values.length ? median(values) : NaN]));
const size = (statSync(registry).size / 1048576).toFixed(1);
console.log(`${registry}: ${size} MiB; ${runs} runs each; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; ${new Date().toISOString().slice(0, 16)}Z`);
console.log(`1-minute load average during the run: ${load.map((l) => l.toFixed(2)).join(', ')}\n`);
console.log('| command | median ms | runs (ms) | peak MiB |');
console.log('|---|---:|---|---:|');
for (const name of Object.keys(commands)) console.log(`| ${name} | ${m[name].toFixed(0)} | ${times[name].length > runs ? `${times[name].length} runs, ${Math.min(...times[name]).toFixed(0)}-${Math.max(...times[name]).toFixed(0)}` : times[name].map((t) => t.toFixed(0)).join(', ')} | ${rss[name].toFixed(0)} |`);
const targets = [
  ['portolan check time / js-yaml loadAll time', m['portolan check'] / m['js-yaml loadAll (bare parse)'], 1.5],
  ['portolan check peak memory / js-yaml loadAll peak memory', rss['portolan check'] / rss['js-yaml loadAll (bare parse)'], 1.5],
  ['portolan --version / node -e 0', m['portolan --version'] / m['node -e 0'], 1.5],
];
console.log('\n| target | ratio | limit | |');
console.log('|---|---:|---:|---|');
for (const [name, ratio, limit] of targets) console.log(`| ${name} | ${Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)}x`} | ${limit}x | ${Number.isNaN(ratio) ? 'not measured (no /usr/bin/time)' : ratio <= limit ? 'met' : '**not met**'} |`);
