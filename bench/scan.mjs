// Scan benchmark: generates two GitOps repositories (deterministic): ~20,000 files / ~200 MB into
// bench/out/repo, and a tree of large multi-document files (thousands of documents separated by
// `---` in each) into bench/out/repo-multi; then times on each, in one run and interleaved,
// `portolan scan` against `grep -rl nodePort` (the floor: reading the bytes) and against parsing
// every file with js-yaml, and says whether each target is met.
// Usage: npm run build && node bench/scan.mjs [runs] [files]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generate, generateMultiDocument } from './generate.mjs';

const runs = Number(process.argv[2] ?? 7);
const files = Number(process.argv[3] ?? 20000);
const repo = fileURLToPath(new URL('out/repo', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

const multiRepo = fileURLToPath(new URL('out/repo-multi', import.meta.url));
const trees = [
  ['many small files', repo, generate(repo, { files })],
  ['large multi-document files', multiRepo, generateMultiDocument(multiRepo)],
];
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model;
console.log(`machine: ${cpus().length} CPUs (${cpu}), node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`);

const time = ([command, args]) => {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0 && !(command === 'grep' && run.status === 1)) throw new Error(`${command} exited ${run.status}`);
  return { seconds, stdout: run.stdout };
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const targets = [];
for (const [label, tree, planted] of trees) {
  console.log(`\n${label}: ${tree}: ${planted.files} files, ${(planted.bytes / 1e6).toFixed(0)} MB, ${planted.claims} node port claims`);
  // `grep -rl` stops reading a file at its first match, which every bundle of the multi-document
  // tree has near its top; `grep -rc` counts the matches, and so reads every byte, as the scan
  // must. `node -e 0` is the floor of any Node.js process.
  const commands = {
    'portolan scan': ['node', [`${root}dist/cli.js`, 'scan', tree, '--format', 'json']],
    'grep -rl nodePort': ['grep', ['-rl', 'nodePort', tree]],
    'grep -rc nodePort': ['grep', ['-rc', 'nodePort', tree]],
    'node -e 0': ['node', ['-e', '0']],
    'js-yaml every file': ['node', [`${root}bench/parse-all.mjs`, tree]],
  };
  for (const command of Object.values(commands)) time(command); // warm the page cache
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  const load = [loadavg()[0]];
  let scanOutput;
  for (let i = 0; i < runs; i++) {
    for (const [name, command] of Object.entries(commands)) {
      const { seconds, stdout } = time(command);
      samples[name].push(seconds);
      if (name === 'portolan scan') scanOutput = stdout;
    }
    load.push(loadavg()[0]);
  }
  const scan = JSON.parse(scanOutput.toString('utf8'));
  const nodePorts = scan.clusters.flatMap((c) => c.claims).filter((c) => c.kind === 'nodePort' && c.source !== 'kind-config').length;
  const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  console.log(`1-minute load average during the run: ${load.map((l) => l.toFixed(2)).join(', ')}`);
  console.log(`scan found ${nodePorts} node ports (planted ${planted.claims}); parsed ${scan.files.parsed} of ${scan.files.seen} files`);
  for (const [name, value] of Object.entries(medians)) {
    console.log(`${name.padEnd(20)} median ${value.toFixed(2)} s  (runs: ${samples[name].map((s) => s.toFixed(2)).join(', ')})`);
  }
  const grep = label === 'many small files' ? 'grep -rl nodePort' : 'grep -rc nodePort';
  targets.push([`${label}: scan / ${grep}`, medians['portolan scan'] / medians[grep], 4]);
  console.log(`scan / grep -rl: ${(medians['portolan scan'] / medians['grep -rl nodePort']).toFixed(2)}x; scan / grep -rc: ${(medians['portolan scan'] / medians['grep -rc nodePort']).toFixed(2)}x; scan / node -e 0: ${(medians['portolan scan'] / medians['node -e 0']).toFixed(2)}x`);
  console.log(`js-yaml / scan: ${(medians['js-yaml every file'] / medians['portolan scan']).toFixed(2)}x faster`);
}
console.log('\n| target | ratio | limit | |');
console.log('|---|---:|---:|---|');
for (const [name, ratio, limit] of targets) console.log(`| ${name} | ${ratio.toFixed(2)}x | ${limit}x | ${ratio <= limit ? 'met' : '**not met**'} |`);
