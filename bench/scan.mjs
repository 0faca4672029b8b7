// Scan benchmark: generates a GitOps repository of ~20,000 files / ~200 MB into bench/out/repo
// (deterministic), then times, in one run and interleaved, `portolan scan` against
// `grep -rl nodePort` (the floor: reading the bytes) and against parsing every file with js-yaml.
// Usage: npm run build && node bench/scan.mjs [runs] [files]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const runs = Number(process.argv[2] ?? 7);
const files = Number(process.argv[3] ?? 20000);
const repo = fileURLToPath(new URL('out/repo', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

const planted = generate(repo, { files });
console.log(`generated ${planted.files} files, ${(planted.bytes / 1e6).toFixed(0)} MB, ${planted.claims} node port claims`);

const commands = {
  'portolan scan': ['node', [`${root}dist/cli.js`, 'scan', repo, '--format', 'json']],
  'grep -rl nodePort': ['grep', ['-rl', 'nodePort', repo]],
  'js-yaml every file': ['node', [`${root}bench/parse-all.mjs`, repo]],
};

const time = ([command, args]) => {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0 && !(command === 'grep' && run.status === 1)) throw new Error(`${command} exited ${run.status}`);
  return { seconds, stdout: run.stdout };
};

for (const command of Object.values(commands)) time(command); // warm the page cache
const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
let scanOutput;
for (let i = 0; i < runs; i++) {
  for (const [name, command] of Object.entries(commands)) {
    const { seconds, stdout } = time(command);
    samples[name].push(seconds);
    if (name === 'portolan scan') scanOutput = stdout;
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const scan = JSON.parse(scanOutput.toString('utf8'));
const nodePorts = scan.clusters.flatMap((c) => c.claims).filter((c) => c.kind === 'nodePort' && c.source !== 'kind-config').length;
const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model;
console.log(`machine: ${cpus().length} CPUs (${cpu}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`scan found ${nodePorts} node ports (planted ${planted.claims}); parsed ${scan.files.parsed} of ${scan.files.seen} files`);
for (const [name, value] of Object.entries(medians)) {
  console.log(`${name.padEnd(20)} median ${value.toFixed(2)} s  (runs: ${samples[name].map((s) => s.toFixed(2)).join(', ')})`);
}
console.log(`scan / grep: ${(medians['portolan scan'] / medians['grep -rl nodePort']).toFixed(2)}x (target: within 4x)`);
console.log(`js-yaml / scan: ${(medians['js-yaml every file'] / medians['portolan scan']).toFixed(2)}x faster (target: at least 5x)`);
