// Measures `portolan check` on a registry of 100 clusters and 100,000 allocations against the bare
// parse of the same file by js-yaml (the fastest YAML parser for Node), and
// `portolan --version` against `node -e 0`; every command runs as its own process, interleaved,
// and the medians and ratios are printed as a Markdown table.
//   node bench/check.mjs [runs=7]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';

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

const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let run = 0; run < runs; run++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0 && result.status !== 1) throw new Error(`${name} exited ${result.status}`);
    times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const m = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
const size = (statSync(registry).size / 1048576).toFixed(1);
console.log(`${registry}: ${size} MiB; ${runs} runs each; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| command | median ms | ratio |');
console.log('|---|---:|---:|');
const row = (name, base) => console.log(`| ${name} | ${m[name].toFixed(0)} | ${base ? `${(m[name] / m[base]).toFixed(2)}x ${base}` : ''} |`);
row('js-yaml loadAll (bare parse)');
row('portolan check', 'js-yaml loadAll (bare parse)');
row('node -e 0');
row('portolan --version', 'node -e 0');
