// Allocation speed inside a warm process (an inner-loop figure, not what a user waits for; the
// whole `allocate` command is timed against `check` by bench/commands.mjs): 10,000 allocations
// into a registry that already holds 100,000 ports, set against the time to load that registry
// once. Run: node --import tsx bench/allocate.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockedPorts, lowestFreeBlock } from '../src/allocate/search.ts';
import { takenByCluster } from '../src/allocate/taken.ts';
import { registryClaims } from '../src/engine/claims.ts';
import { loadRegistry } from '../src/registry/load.ts';

const CLUSTERS = ['forge', 'studio', 'pro', 'edge'];
const HELD = 100_000;
const ALLOCATIONS = 10_000;
const RANGE = { from: 20000, to: 59999 };

/** A registry of HELD single-port services, spread over the clusters, each cluster filled from the bottom of the range. */
function generate(): string {
  const lines = ['# Generated for the allocation benchmark.', 'version: 1', 'ranges:', '  bulk:', `    ports: ${RANGE.from}-${RANGE.to}`, 'clusters:'];
  for (const cluster of CLUSTERS) lines.push(`  ${cluster}:`, `    nodePortRange: 1024-65535`);
  lines.push('services:');
  const next = new Map(CLUSTERS.map((c, i) => [c, RANGE.from + i * 997]));
  for (let i = 0; i < HELD; i++) {
    const cluster = CLUSTERS[i % CLUSTERS.length]!;
    const port = next.get(cluster)!;
    next.set(cluster, port + 1);
    lines.push(`  svc-${i}:`, '    range: bulk', `    clusters: [${cluster}]`, `    port: ${port}`);
  }
  return `${lines.join('\n')}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const dir = mkdtempSync(join(tmpdir(), 'portolan-bench-'));
const file = join(dir, 'portolan.yaml');
writeFileSync(file, generate());
const megabytes = statSync(file).size / 1048576;

// Loading: read, parse, validate and build the registry model.
const loads: number[] = [];
let registry = loadRegistry(file);
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  registry = loadRegistry(file);
  loads.push(performance.now() - start);
}

// Once per command: the claims and each cluster's bitmap.
const prepares: number[] = [];
let taken = takenByCluster(registry, registryClaims(registry));
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  taken = takenByCluster(registry, registryClaims(registry));
  prepares.push(performance.now() - start);
}

// Per allocation: the union of the named clusters' bitmaps and the search; the port is then taken.
// Every fourth allocation asks for all clusters at once, the others for one or two.
const spans = [RANGE];
const perAllocation: number[] = [];
let random = 42;
const next = () => ((random = (random * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
for (let i = 0; i < ALLOCATIONS; i++) {
  const wanted = i % 4 === 0 ? CLUSTERS : CLUSTERS.filter(() => next() < 0.4).slice(0, 2);
  const clusters = (wanted.length ? wanted : [CLUSTERS[i % CLUSTERS.length]!]).map((c) => taken.get(c)!);
  const start = performance.now();
  const port = lowestFreeBlock(spans, blockedPorts(clusters), 1);
  perAllocation.push(performance.now() - start);
  if (port === undefined) throw new Error(`range full after ${i} allocations`);
  for (const cluster of clusters) cluster.take(port);
}

// One whole `portolan allocate` on the same file: load, decide, edit, write, under the lock.
const cli = join(process.cwd(), 'dist', 'cli.js');
const commands: number[] = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  execFileSync(process.execPath, [cli, 'allocate', `bench-${i}`, '--range', 'bulk', '--cluster', 'forge'], { cwd: dir, stdio: 'ignore' });
  commands.push(performance.now() - start);
}

const figures = {
  date: new Date().toISOString().slice(0, 10),
  machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  registry: { heldPorts: HELD, clusters: CLUSTERS.length, megabytes: Number(megabytes.toFixed(1)) },
  loadMs: Number(median(loads).toFixed(1)),
  prepareMs: Number(median(prepares).toFixed(1)),
  allocations: ALLOCATIONS,
  perAllocationUs: { median: Number((median(perAllocation) * 1000).toFixed(2)), p99: Number((quantile(perAllocation, 0.99) * 1000).toFixed(2)) },
  totalAllocationMs: Number(perAllocation.reduce((a, b) => a + b, 0).toFixed(1)),
  loadOverAllocation: Math.round(median(loads) / median(perAllocation)),
  commandMs: Number(median(commands).toFixed(0)),
};
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/allocate.json', `${JSON.stringify(figures, null, 2)}\n`);
console.log('inner loop: the free-port search inside one warm process (no target; the whole command is in bench/commands.mjs)');
console.log(JSON.stringify(figures, null, 2));
