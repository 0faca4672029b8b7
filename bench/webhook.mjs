// Load test of the admission webhook over TLS on loopback: autocannon sends AdmissionReviews at a
// fixed rate to `portolan webhook` serving one cluster of the 100,000-allocation registry, and, in
// the same run, to a bare fastify HTTPS handler that answers every request with a fixed allow
// (the baseline: what TLS, HTTP and JSON cost without any admission logic). Prints latency
// percentiles and each server's memory (RSS, sampled every half second) as a Markdown table.
//   node bench/webhook.mjs [--duration 10] [--rate 1000] [--connections 10]   (--rate 0: as fast as they answer)
// Only 127.0.0.1 is ever a target; each run stops by itself after --duration seconds.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '10' },
    'serve-baseline': { type: 'boolean', default: false },
  },
});
const TLS_DIR = 'bench/out/tls';
const CERT = `${TLS_DIR}/tls.crt`;
const KEY = `${TLS_DIR}/tls.key`;

if (values['serve-baseline']) {
  // The baseline server: the same TLS pair, body parsing and limits, a fixed answer.
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ https: { cert: readFileSync(CERT), key: readFileSync(KEY) }, bodyLimit: 6 * 1024 * 1024, logger: false });
  const answer = (request, reply) =>
    reply.type('application/json').send(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.body.request.uid, allowed: true } }));
  app.post('/validate', answer);
  app.post('/mutate', answer);
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stderr.write(`serving https://127.0.0.1:${app.server.address().port}\n`);
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
} else {
  await benchmark();
}

async function benchmark() {
  const { default: autocannon } = await import('autocannon');
  const registryFile = 'bench/out/registry.yaml';
  if (!existsSync(registryFile)) execFileSync(process.execPath, ['bench/generate-registry.mjs', registryFile], { stdio: 'inherit' });
  if (!existsSync('dist/cli.js')) execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (!existsSync(CERT)) execFileSync(process.execPath, ['dist/cli.js', 'webhook', 'certs', '--out', TLS_DIR, '--name', '127.0.0.1'], { stdio: 'inherit' });

  const { admissionContext, admissionReviewJson, decideAdmission, loadRegistry } = await import('../dist/index.js');
  const registry = loadRegistry(registryFile);
  const cluster = 'c-001';
  const services = registry.services.filter((s) => s.clusters.includes(cluster) && s.exposure !== 'ClusterIP' && s.namespace);
  const allocations = services.reduce((sum, s) => sum + s.ports.length, 0);
  const bodies = reviewBodies(services);

  // The engine alone, in this process: parse a body, decide, write the answer.
  const context = admissionContext(registry, { cluster, mode: 'deny' });
  const decisions = [];
  for (let i = 0; i < 20000; i++) {
    const body = bodies[i % bodies.length];
    const started = process.hrtime.bigint();
    admissionReviewJson(decideAdmission(JSON.parse(body.body), body.path === '/mutate' ? 'mutate' : 'validate', context));
    decisions.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  decisions.sort((a, b) => a - b);
  const engine = { p50: decisions[10000], p99: decisions[19800] };

  const duration = Number(values.duration);
  const rate = Number(values.rate);
  const connections = Number(values.connections);
  const runs = [
    { name: 'bare fastify HTTPS handler, fixed allow (baseline)', args: ['bench/webhook.mjs', '--serve-baseline'] },
    { name: `portolan webhook (cluster ${cluster}, deny mode)`, args: ['dist/cli.js', 'webhook', registryFile, '--cluster', cluster, '--cert', CERT, '--key', KEY, '--port', '0', '--mode', 'deny'] },
  ];
  const rows = [];
  const loadBefore = loadavg()[0];
  for (const run of runs) {
    const server = await startServer(run.args);
    const memory = sampleMemory(server.pid);
    // A short warm-up, not counted, so the JIT has seen every path before the figures start.
    await autocannon({ url: server.url, connections, amount: 2000, requests: bodies, tlsOptions: {} });
    memory.mark('start');
    // autocannon corrects for coordinated omission with an expected interval of ceil(1/rate) = 1 ms, which
    // adds made-up samples to every answer slower than 1 ms; the rate already keeps the load open-ended
    // enough (each connection sends its share of each second, one request at a time), so record what was measured.
    const result = await autocannon({ url: server.url, connections, duration, ...(rate > 0 ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}), requests: bodies, tlsOptions: {} });
    memory.mark('end');
    memory.stop();
    server.stop();
    rows.push({ run, result, memory });
  }

  const date = new Date().toISOString().slice(0, 10);
  console.log(`${registryFile}: ${registry.services.length} services; cluster ${cluster} plans ${allocations} node ports of ${services.length} Services`);
  console.log(`${connections} connections, ${rate > 0 ? `${rate} AdmissionReviews/s` : 'as many AdmissionReviews as answered'} for ${duration} s each, TLS on 127.0.0.1; bodies: ${bodies.map((b) => b.label).join(', ')}`);
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${date}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after\n`);
  console.log(`the engine alone (parse, decide, answer), 20,000 requests in this process: p50 ${engine.p50.toFixed(1)} µs, p99 ${engine.p99.toFixed(1)} µs\n`);
  console.log('| server | requests | per second | non-2xx / errors | p50 | p90 | p99 | p99.9 | max | RSS start -> end (max) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { run, result, memory } of rows) {
    const l = result.latency;
    console.log(
      `| ${run.name} | ${result.requests.total} | ${Math.round(result.requests.average)} | ${result.non2xx} / ${result.errors} | ${l.p50} ms | ${l.p90} ms | ${l.p99} ms | ${l.p99_9} ms | ${l.max} ms | ${mib(memory.marks.start)} -> ${mib(memory.marks.end)} (${mib(memory.max)}) MiB |`,
    );
  }
}

/** AdmissionReview bodies as the API server sends them, for Services the plan holds and does not. */
function reviewBodies(services) {
  const planned = services[0];
  const second = services[1];
  const review = (uid, kind, group, object) =>
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: { group, version: 'v1', kind },
        resource: { group, version: 'v1', resource: `${kind.toLowerCase()}s` },
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        operation: 'CREATE',
        userInfo: { username: 'system:serviceaccount:flux-system:kustomize-controller' },
        object,
        oldObject: null,
        dryRun: false,
      },
    });
  const service = (entry, nodePort) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: entry.kubernetesName ?? entry.name, namespace: entry.namespace, labels: { 'app.kubernetes.io/name': entry.name } },
    spec: { type: entry.exposure, selector: { 'app.kubernetes.io/name': entry.name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) }] },
  });
  const pod = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'edge-proxy', namespace: 'ns-1' },
    spec: { selector: { matchLabels: { app: 'edge-proxy' } }, template: { metadata: { labels: { app: 'edge-proxy' } }, spec: { containers: [{ name: 'envoy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ containerPort: 8443, hostPort: 8443 }] }] } } },
  };
  const request = (label, path, body) => ({ label, method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
  return [
    request('planned Service (validate)', '/validate', review('a1', 'Service', '', service(planned, planned.ports[0].port))),
    request('planned Service without nodePort (mutate)', '/mutate', review('a2', 'Service', '', service(second, undefined))),
    request('unplanned Service on a planned port (validate, refused)', '/validate', review('a3', 'Service', '', { ...service(planned, planned.ports[0].port), metadata: { name: 'debug-shell', namespace: 'default' } })),
    request('Deployment with a host port (validate, refused)', '/validate', review('a4', 'Deployment', 'apps', pod)),
  ];
}

function startServer(args) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /serving (https:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) done({ url: match[1], pid: child.pid, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => fail(new Error(`${args.join(' ')} exited ${code}: ${stderr}`)));
  });
}

/** Samples a process's resident memory from /proc every half second. */
function sampleMemory(pid) {
  const rss = () => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  };
  const marks = {};
  let max = 0;
  const timer = setInterval(() => (max = Math.max(max, rss())), 500);
  return {
    marks,
    get max() {
      return max;
    },
    mark(name) {
      marks[name] = rss();
      max = Math.max(max, marks[name]);
    },
    stop: () => clearInterval(timer),
  };
}

function mib(bytes) {
  return (bytes / 2 ** 20).toFixed(0);
}
