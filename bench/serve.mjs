// The server over the wire, on loopback, with autocannon, beside a bare fastify route measured in
// the same run, interleaved run by run: GET /v1/who/{port} on the 100,000-allocation registry at
// 1,000 requests/s, and POST /v1/allocations from 50 concurrent clients on a 1,000-service
// registry (a fresh copy each run), allocations/s being the answers over the time to the last one.
// Medians, ratios, and whether each target is met are printed,
// with the load average, and the figures land in bench/out/serve.json.
//   node bench/serve.mjs [runs=3] (after npm run build); ALLOCATIONS=600 per write run, after 50 to warm up
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli.js');
const out = join(root, 'bench', 'out', 'serve');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function start(args, cwd) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const address = new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const found = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (found) {
        clearInterval(timer);
        resolve(found[1]);
      }
    }, 20);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, address };
}

async function stop(server) {
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

// autocannon ends a run with `amount` on its next one-second tick: the time to the last answer is taken here.
const run = (options) =>
  new Promise((resolve, reject) => {
    const start = performance.now();
    let last = start;
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve({ ...result, answeredIn: (last - start) / 1000 })));
    instance.on('response', () => (last = performance.now()));
  });
const line = (name, result) =>
  `${name.padEnd(44)} ${String(Math.round(result.requests.average)).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}  errors ${result.errors}`;

// A bare fastify route answering a body of the same size, in its own process: the floor.
const baselineScript = join(out, 'baseline.mjs');
const fastify = join(root, 'node_modules', 'fastify', 'fastify.js');
execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(baselineScript)}, ${JSON.stringify(`import Fastify from ${JSON.stringify(fastify)};
const app = Fastify();
const body = JSON.stringify({ port: 30042, ranges: ['team-00'], reserved: [], clusters: { 'c-000': [{ service: 'svc-000042', portName: null, protocol: 'TCP', location: { file: 'portolan.yaml', line: 42, column: 11 } }] } }, null, 2);
app.get('/v1/who/:port', (request, reply) => reply.type('application/json').send(body));
app.post('/v1/allocations', (request, reply) => reply.code(201).type('application/json').send(body));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.error('baseline on ' + address);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
`)})`]);

const runs = Number(process.argv[2] ?? 3);
const load = [loadavg()[0]];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`machine: ${cpus()[0].model}, ${cpus().length} cores; Node.js ${process.version}; ${new Date().toISOString().slice(0, 16)}Z; ${runs} runs, interleaved`);

// Reads: the 100,000-allocation registry, one server for every run (the registry does not change).
const big = join(out, 'big');
mkdirSync(big);
execFileSync(process.execPath, [join(root, 'bench', 'generate-registry.mjs'), join(big, 'portolan.yaml'), '100', '100000']);
const reads = { duration: 10, connections: 10, overallRate: 1000 };
const whoRequests = (base) => ({ ...reads, url: base, requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/v1/who/${30000 + Math.floor(Math.random() * 2000)}` }) }] });
const baseline = start([baselineScript], out);
const baseUrl = await baseline.address;
const server = start([cli, 'serve', big, '--listen', '127.0.0.1:0', '--rate', '1000000'], out);
const base = await server.address;
await fetch(`${base}/v1/who/30000`); // the first read parses the registry
const read = { baseline: [], who: [] };
for (let i = 0; i < runs; i++) {
  read.baseline.push(await run(whoRequests(baseUrl)));
  // The first run asks every port for the first time (each answer is serialised once per registry version).
  read.who.push(await run(whoRequests(base)));
  load.push(loadavg()[0]);
}
await stop(server);
for (const [i, result] of read.baseline.entries()) console.log(line(`baseline: bare fastify GET, run ${i + 1}`, result));
for (const [i, result] of read.who.entries()) console.log(line(`GET /v1/who/{port}, 100,000 allocations, run ${i + 1}`, result));

// Writes: 50 clients at once on a 1,000-service registry, each allocation a new service.
const small = join(out, 'small');
mkdirSync(small);
const seed = join(out, 'small.yaml');
execFileSync(process.execPath, [join(root, 'bench', 'generate-registry.mjs'), seed, '10', '1000']);
const token = execFileSync(process.execPath, [cli, 'token', 'add', 'bench', '--scope', 'write', '--tokens', join(out, 'tokens.json')], { cwd: small, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const amount = Number(process.env.ALLOCATIONS ?? 600);
let next = 0;
const writes = (url, prefix = 'bench', count = amount) => ({
  url,
  connections: 50,
  amount: count,
  timeout: 120,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  requests: [{ method: 'POST', path: '/v1/allocations', setupRequest: (request) => {
    const i = next++;
    return { ...request, body: JSON.stringify({ service: `${prefix}-${i}`, range: `team-${String(1 + (i % 19)).padStart(2, '0')}` }) };
  } }],
});
/** The file after a write run: it parses, how many of the allocations are in it, and how many ports a new service shares in a cluster. */
function written(file) {
  const ports = JSON.parse(execFileSync(process.execPath, [cli, 'ports', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 })).allocations;
  const holders = new Map();
  for (const p of ports) {
    const key = `${p.cluster}:${p.port}:${p.kind}`;
    holders.set(key, [...(holders.get(key) ?? []), p.service]);
  }
  const twice = [...holders.values()].filter((names) => names.length > 1 && names.some((n) => n.startsWith('bench-'))).length;
  return { services: new Set(ports.filter((p) => p.service.startsWith('bench-')).map((p) => p.service)).size, twice };
}
const perSecond = (result) => result['2xx'] / result.answeredIn;
const write = { baseline: [], allocations: [], files: [] };
for (let i = 0; i < runs; i++) {
  next = 0;
  write.baseline.push(await run(writes(baseUrl)));
  const file = join(small, 'portolan.yaml');
  copyFileSync(seed, file);
  next = 0;
  const writer = start([cli, 'serve', file, '--tokens', join(out, 'tokens.json'), '--listen', '127.0.0.1:0', '--rate', '1000000'], out);
  const address = await writer.address;
  // A server runs for days: 50 allocations first, not counted, so that its code is compiled.
  await run(writes(address, 'warm', 50));
  next = 0;
  write.allocations.push(await run(writes(address)));
  await stop(writer);
  write.files.push(written(file));
  load.push(loadavg()[0]);
}
await stop(baseline);
const wline = (name, result) => `${line(name, result)}  ${Math.round(perSecond(result))} answered/s (the last answer after ${result.answeredIn.toFixed(2)} s)`;
for (const [i, result] of write.baseline.entries()) console.log(wline(`baseline: bare fastify POST, run ${i + 1}`, result));
for (const [i, result] of write.allocations.entries()) console.log(wline(`POST /v1/allocations, 1,000 services, run ${i + 1}`, result));
for (const [i, file] of write.files.entries()) console.log(`after write run ${i + 1}: the registry parses; ${file.services} of ${amount} allocations in it (${write.allocations[i]['2xx']} answered 2xx); ports given twice: ${file.twice}`);

const p99 = (results) => median(results.map((r) => r.latency.p99));
const targets = [
  { name: 'GET /v1/who/{port} p99, ms (median of runs)', value: p99(read.who), limit: 5, met: p99(read.who) < 5, baseline: p99(read.baseline) },
  { name: 'GET /v1/who/{port} p99, last run (every answer serialised before)', value: read.who.at(-1).latency.p99, limit: 5, met: read.who.at(-1).latency.p99 < 5, baseline: read.baseline.at(-1).latency.p99 },
  { name: 'POST /v1/allocations, allocations/s (median of runs)', value: median(write.allocations.map(perSecond)), limit: 300, met: median(write.allocations.map(perSecond)) >= 300, baseline: median(write.baseline.map(perSecond)) },
  { name: 'ports given twice, all runs', value: write.files.reduce((sum, f) => sum + f.twice, 0), limit: 0, met: write.files.every((f) => f.twice === 0 && f.services === amount), baseline: 0 },
];
console.log(`load average (1 min) during the runs: ${load.map((l) => l.toFixed(1)).join(', ')}`);
console.log('| target | value | baseline (same run) | ratio | limit | |');
console.log('|---|---:|---:|---:|---:|---|');
for (const t of targets) console.log(`| ${t.name} | ${Math.round(t.value * 10) / 10} | ${Math.round(t.baseline * 10) / 10} | ${t.baseline ? `${(t.value / t.baseline).toFixed(2)}x` : ''} | ${t.limit} | ${t.met ? 'met' : '**not met**'} |`);
const figures = (result) => ({ rps: result.requests.average, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, seconds: result.duration, answeredIn: result.answeredIn });
writeFileSync(join(root, 'bench', 'out', 'serve.json'), `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0].model, cpus: cpus().length, node: process.version, load, reads: { baseline: read.baseline.map(figures), who: read.who.map(figures) }, writes: { baseline: write.baseline.map(figures), allocations: write.allocations.map(figures), files: write.files }, targets }, null, 2)}\n`);
