// The server over the wire, on loopback, with autocannon, beside a bare fastify route measured in
// the same run: GET /v1/who/{port} on the 100,000-allocation registry at 1,000 requests/s, and
// POST /v1/allocations from 50 concurrent clients on a 1,000-service registry.
// node bench/serve.mjs (after npm run build)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
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

const run = (options) => new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
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

console.log(`machine: ${cpus()[0].model}, ${cpus().length} cores; Node.js ${process.version}; ${new Date().toISOString().slice(0, 10)}`);

// Reads: the 100,000-allocation registry.
const big = join(out, 'big');
mkdirSync(big);
execFileSync(process.execPath, [join(root, 'bench', 'generate-registry.mjs'), join(big, 'portolan.yaml'), '100', '100000']);
const reads = { duration: 10, connections: 10, overallRate: 1000 };
const whoRequests = (base) => ({ ...reads, url: base, requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/v1/who/${30000 + Math.floor(Math.random() * 2000)}` }) }] });
const baseline = start([baselineScript], out);
const baselineRead = await run(whoRequests(await baseline.address));
const server = start([cli, 'serve', big, '--listen', '127.0.0.1:0', '--rate', '1000000'], out);
const base = await server.address;
await fetch(`${base}/v1/who/30000`); // the first read parses the registry
const who = await run(whoRequests(base));
await stop(server);
console.log(line('baseline: bare fastify GET', baselineRead));
console.log(line('GET /v1/who/{port}, 100,000 allocations', who));

// Writes: 50 clients at once on a 1,000-service registry, each allocation a new service.
const small = join(out, 'small');
mkdirSync(small);
execFileSync(process.execPath, [join(root, 'bench', 'generate-registry.mjs'), join(small, 'portolan.yaml'), '10', '1000']);
const token = execFileSync(process.execPath, [cli, 'token', 'add', 'bench', '--scope', 'write', '--tokens', join(out, 'tokens.json')], { cwd: small, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const amount = Number(process.env.ALLOCATIONS ?? 300);
let next = 0;
const writes = (url) => ({
  url,
  connections: 50,
  amount,
  timeout: 120,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  requests: [{ method: 'POST', path: '/v1/allocations', setupRequest: (request) => {
    const i = next++;
    return { ...request, body: JSON.stringify({ service: `bench-${i}`, range: `team-${String(1 + (i % 19)).padStart(2, '0')}` }) };
  } }],
});
const baselineWrite = await run(writes(await baseline.address));
await stop(baseline);
next = 0;
const writer = start([cli, 'serve', small, '--tokens', join(out, 'tokens.json'), '--listen', '127.0.0.1:0', '--rate', '1000000'], out);
const allocations = await run(writes(await writer.address));
await stop(writer);
console.log(line('baseline: bare fastify POST', baselineWrite));
console.log(line('POST /v1/allocations, 1,000 services', allocations));

// The file at the end: valid, every allocation in it, no port given twice in a cluster.
const ports = JSON.parse(execFileSync(process.execPath, [cli, 'ports', small, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 })).allocations;
const added = ports.filter((p) => p.service.startsWith('bench-'));
const holders = new Map();
for (const p of ports) {
  const key = `${p.cluster}:${p.port}:${p.kind}`;
  holders.set(key, [...(holders.get(key) ?? []), p.service]);
}
const twice = [...holders.values()].filter((names) => names.length > 1 && names.some((n) => n.startsWith('bench-'))).length;
const services = new Set(added.map((p) => p.service)).size;
console.log(`after the writes: the registry parses; ${services} of ${amount} allocations in it (${allocations['2xx']} answered 2xx); ports given twice: ${twice}`);
