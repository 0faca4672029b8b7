import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parseRegistry } from '../../src/registry/load.ts';
import { buildApi } from '../../src/server/api.ts';
import { ROOT, runCli, tempFolder } from '../helpers.ts';
import { validator } from './openapi-check.ts';
import { REGISTRY, served } from './served.ts';
import { CLI_ARGS, startNode } from '../allocate/processes.ts';

type Served = Awaited<ReturnType<typeof served>>;

describe('the HTTP API', () => {
  let server: Served;
  before(async () => {
    server = await served();
  });
  after(() => server.app.close());

  test('every read answers in the shape /openapi.json gives, the same as the CLI --format json', async () => {
    const document = (await (await server.call('GET', '/openapi.json')).json()) as Record<string, any>;
    assert.equal(document.openapi, '3.1.0');
    const check = validator(document);
    const reads: [string, string][] = [
      ['/v1/registry', '/v1/registry'],
      ['/v1/findings', '/v1/findings'],
      ['/v1/findings?severity=error&cluster=studio', '/v1/findings'],
      ['/v1/ports?cluster=studio', '/v1/ports'],
      ['/v1/ranges', '/v1/ranges'],
      ['/v1/free/agents?cluster=studio', '/v1/free/{range}'],
      ['/v1/who/30200', '/v1/who/{port}'],
      ['/v1/free/nothing', '/v1/free/{range}'],
      ['/v1/who/70000', '/v1/who/{port}'],
    ];
    for (const [url, path] of reads) {
      const response = await server.call('GET', url);
      check('GET', path, response.status, response.headers.get('content-type')!, await response.json());
    }
    const who = await (await server.call('GET', '/v1/who/30200')).json();
    const cli = await runCli(['who', '30200', server.dir, '--json'], server.dir);
    assert.deepEqual(who, JSON.parse(cli.stdout));
    // Used counts what nobody may be given: the two held by agent-bruno and the ten reserved.
    const ranges = (await (await server.call('GET', '/v1/ranges')).json()) as { ranges: { name: string }[] };
    assert.deepEqual(ranges.ranges.find((r) => r.name === 'agents'), {
      name: 'agents',
      ports: '30200-30299',
      size: 100,
      used: 12,
      free: 88,
      next: 30202,
      clusters: [
        { cluster: 'studio', used: 12, free: 88, next: 30202 },
        { cluster: 'pro', used: 10, free: 90, next: 30200 },
      ],
    });
    const document2 = await server.call('GET', '/v1/document');
    assert.match(document2.headers.get('content-type')!, /text\/markdown/);
    assert.match(await document2.text(), /\| `agents` \| 30200-30299 \|/);
  });

  test('a write needs a write token: none is 401, a read token 403, an unknown one 401; each a problem+json', async () => {
    const body = { service: 'agent-x', range: 'agents', clusters: ['studio'] };
    const none = await server.call('POST', '/v1/allocations', body);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('content-type')!, /^application\/problem\+json/);
    assert.match(none.headers.get('www-authenticate')!, /^Bearer/);
    const reader = await server.call('POST', '/v1/allocations', body, server.auth(server.read));
    assert.equal(reader.status, 403);
    assert.match(((await reader.json()) as { detail: string }).detail, /token grafana may only read/);
    const stranger = await server.call('POST', '/v1/allocations', body, server.auth('ptl_not-a-token'));
    assert.equal(stranger.status, 401);
    assert.doesNotMatch(readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'), /agent-x/);
  });

  test('an allocation edits the file, the document and the next read; a dry run writes nothing', async () => {
    const document = (await (await server.call('GET', '/openapi.json')).json()) as Record<string, any>;
    const check = validator(document);
    const dry = await server.call('POST', '/v1/allocations', { service: 'agent-dry', range: 'agents', dryRun: true }, server.auth(server.write));
    assert.equal(dry.status, 200);
    const dryAnswer = (await dry.json()) as { dryRun: boolean; files: string[] };
    assert.deepEqual([dryAnswer.dryRun, dryAnswer.files], [true, ['portolan.yaml', 'PORTS.md']]);
    assert.doesNotMatch(readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'), /agent-dry/);

    const response = await server.call('POST', '/v1/allocations', { service: 'agent-ripley', range: 'agents', clusters: ['studio'], reason: 'a new agent' }, server.auth(server.write));
    assert.equal(response.status, 201);
    const answer = (await response.json()) as { ports: { port: number }[] };
    check('POST', '/v1/allocations', 201, response.headers.get('content-type')!, answer);
    assert.equal(answer.ports[0]!.port, 30202);
    const registry = parseRegistry('portolan.yaml', readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'));
    assert.equal(registry.services.find((s) => s.name === 'agent-ripley')?.ports[0]?.port, 30202);
    assert.match(readFileSync(join(server.dir, 'PORTS.md'), 'utf8'), /agent-ripley/);
    const who = (await (await server.call('GET', '/v1/who/30202')).json()) as { clusters: Record<string, { service: string }[]> };
    assert.deepEqual(who.clusters.studio!.map((c) => c.service), ['agent-ripley']);

    const moved = await server.call('POST', '/v1/services/agent-ripley/move', { to: 30210 }, server.auth(server.write));
    assert.equal(moved.status, 200);
    check('POST', '/v1/services/{name}/move', 200, moved.headers.get('content-type')!, await moved.json());
    const reserved = await server.call('POST', '/v1/reservations', { ports: '30280-30281', reason: 'kept for a demo' }, server.auth(server.write));
    assert.equal(reserved.status, 201);
    check('POST', '/v1/reservations', 201, reserved.headers.get('content-type')!, await reserved.json());
    const released = await server.call('DELETE', '/v1/services/agent-ripley', undefined, server.auth(server.write));
    assert.equal(released.status, 200);
    check('DELETE', '/v1/services/{name}', 200, released.headers.get('content-type')!, await released.json());
    assert.doesNotMatch(readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'), /agent-ripley/);
  });

  test('each refusal has its status and the words the CLI prints', async () => {
    const document = (await (await server.call('GET', '/openapi.json')).json()) as Record<string, any>;
    const check = validator(document);
    const auth = server.auth(server.write);
    const cases: [string, string, unknown, number, RegExp, string][] = [
      ['POST', '/v1/allocations', { service: 'grafana', range: 'platform' }, 409, /service grafana is already in the registry/, '/v1/allocations'],
      ['POST', '/v1/allocations', { service: 'agent-y', port: 30080 }, 409, /port 30080 is taken: grafana holds 30080/, '/v1/allocations'],
      ['POST', '/v1/allocations', { service: 'agent-y', range: 'nope' }, 404, /no range "nope"/, '/v1/allocations'],
      ['POST', '/v1/allocations', { service: 'Bad Name', range: 'agents' }, 400, /service/, '/v1/allocations'],
      ['POST', '/v1/allocations', '{"service": ', 400, /JSON/, '/v1/allocations'],
      ['POST', '/v1/allocations', { service: 'agent-y', range: 'agents', extra: 1 }, 400, /additional/, '/v1/allocations'],
      ['POST', '/v1/services/nobody/move', { to: 30250 }, 404, /no service "nobody"/, '/v1/services/{name}/move'],
      ['DELETE', '/v1/services/nobody', undefined, 404, /no service "nobody"/, '/v1/services/{name}'],
      ['POST', '/v1/reservations', { ports: '30080', reason: 'mine' }, 409, /30080 cannot be reserved: grafana holds 30080/, '/v1/reservations'],
      ['POST', '/v1/reservations', { ports: '30299-30290', reason: 'backwards' }, 400, /is not a port or span/, '/v1/reservations'],
      ['POST', '/v1/allocations', { service: 'agent-y', range: 'agents' }, 412, /the registry has changed/, '/v1/allocations'],
    ];
    for (const [method, url, body, status, detail, path] of cases) {
      const headers = status === 412 ? { ...auth, 'if-match': '"stale"' } : auth;
      const response = await server.call(method, url, body, headers);
      const answer = (await response.json()) as { detail: string; status: number };
      assert.equal(response.status, status, `${method} ${url} ${JSON.stringify(body)}: ${answer.detail}`);
      assert.match(response.headers.get('content-type')!, /^application\/problem\+json/);
      assert.equal(answer.status, status);
      assert.match(answer.detail, detail);
      check(method, path, status, 'application/problem+json', answer);
    }
    const large = await server.call('POST', '/v1/allocations', JSON.stringify({ service: 'agent-z', reason: 'x'.repeat(70_000) }), auth);
    assert.equal(large.status, 413);
    assert.match(large.headers.get('content-type')!, /^application\/problem\+json/);
  });

  test('a retried request with the same Idempotency-Key gets the first answer, not a second port', async () => {
    const headers = { ...server.auth(server.write), 'idempotency-key': 'deploy-1234' };
    const body = { service: 'agent-once', range: 'agents', clusters: ['studio'] };
    const answers = await Promise.all([1, 2, 3].map(() => server.call('POST', '/v1/allocations', body, headers).then(async (r) => [r.status, await r.json()] as const)));
    assert.deepEqual(answers.map(([status]) => status), [201, 201, 201]);
    assert.deepEqual(answers[1]![1], answers[0]![1]);
    assert.deepEqual(answers[2]![1], answers[0]![1]);
    const registry = parseRegistry('portolan.yaml', readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'));
    assert.equal(registry.services.filter((s) => s.name === 'agent-once').length, 1);
    const other = await server.call('POST', '/v1/allocations', { ...body, service: 'agent-twice' }, headers);
    assert.equal(other.status, 422);
  });

  test('If-Match with the registry ETag lets the write through; the ETag changes with it', async () => {
    const first = await server.call('GET', '/v1/registry');
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^"[\w-]+"$/);
    const write = await server.call('POST', '/v1/allocations', { service: 'agent-etag', range: 'agents' }, { ...server.auth(server.write), 'if-match': etag });
    assert.equal(write.status, 201);
    const second = await server.call('GET', '/v1/registry');
    assert.notEqual(second.headers.get('etag'), etag);
    const again = await server.call('POST', '/v1/allocations', { service: 'agent-etag2', range: 'agents' }, { ...server.auth(server.write), 'if-match': etag });
    assert.equal(again.status, 412);
  });

  test('the registry is reloaded when the file changes under the server, and a broken file keeps the last good one', async () => {
    const cli = await runCli(['allocate', 'agent-from-cli', '--range', 'agents', '--cluster', 'pro', server.dir], server.dir);
    assert.equal(cli.code, 0, cli.stderr);
    const ports = (await (await server.call('GET', '/v1/ports?service=agent-from-cli')).json()) as { allocations: { cluster: string }[] };
    assert.deepEqual(ports.allocations.map((a) => a.cluster), ['pro']);
    const file = join(server.dir, 'portolan.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}\nservices: [\n`);
    const during = await server.call('GET', '/v1/ports?service=agent-from-cli');
    assert.equal(during.status, 200);
    const ready = (await (await server.call('GET', '/readyz')).json()) as { detail?: string };
    assert.match(ready.detail ?? '', /serving the last good registry/);
    writeFileSync(file, good);
    assert.equal((await server.call('GET', '/healthz')).status, 200);
  });
});

describe('who may read', () => {
  test('off loopback, reads need a token unless --public-reads; without a tokens file, writes say how to add one', async () => {
    const closed = await served({ openReads: false });
    try {
      assert.equal((await closed.call('GET', '/v1/ports')).status, 401);
      assert.equal((await closed.call('GET', '/v1/ports', undefined, closed.auth(closed.read))).status, 200);
      assert.equal((await closed.call('GET', '/healthz')).status, 200);
    } finally {
      await closed.app.close();
    }
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const app = await buildApi({ file: join(dir, 'portolan.yaml'), cwd: dir, openReads: true });
    try {
      const response = await app.inject({ method: 'POST', url: '/v1/allocations', payload: { service: 'agent-x', range: 'agents' } });
      assert.equal(response.statusCode, 403);
      assert.match(response.json().detail, /takes no writes: add a write token with `portolan token add NAME --scope write/);
    } finally {
      await app.close();
    }
  });

  test('a caller past its rate gets 429 with Retry-After', async () => {
    const limited = await served({ ratePerSecond: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await limited.call('GET', '/v1/ranges', undefined, limited.auth(limited.read))).status);
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.ok(statuses.includes(429), statuses.join(', '));
    } finally {
      await limited.app.close();
    }
  });
});

test('CLI processes and API clients allocating into one file at once: every allocation kept, no port twice', { timeout: 300_000 }, async () => {
  const registry = REGISTRY.replace('30200-30299', '30200-30399').replace('30290-30299', '30390-30399');
  const server = await served({}, { 'portolan.yaml': registry });
  try {
    const cli = Array.from({ length: 8 }, (_, i) => startNode([...CLI_ARGS, 'allocate', `cli-${i}`, '--range', 'agents', '--json', '--wait', '300'], server.dir).exited);
    const api = Array.from({ length: 30 }, (_, i) => server.call('POST', '/v1/allocations', { service: `api-${i}`, range: 'agents' }, server.auth(server.write)).then(async (r) => [r.status, await r.json()] as const));
    const [cliExits, apiAnswers] = await Promise.all([Promise.all(cli), Promise.all(api)]);
    for (const exit of cliExits) assert.equal(exit.code, 0, exit.stderr);
    for (const [status, answer] of apiAnswers) assert.equal(status, 201, JSON.stringify(answer));
    const ports = [...cliExits.map((e) => JSON.parse(e.stdout).ports[0].port as number), ...apiAnswers.map(([, a]) => (a as { ports: { port: number }[] }).ports[0]!.port)];
    assert.equal(new Set(ports).size, 38, ports.join(', '));
    const after = parseRegistry('portolan.yaml', readFileSync(join(server.dir, 'portolan.yaml'), 'utf8'));
    const names = after.services.map((s) => s.name);
    for (let i = 0; i < 8; i++) assert.ok(names.includes(`cli-${i}`), `cli-${i} kept`);
    for (let i = 0; i < 30; i++) assert.ok(names.includes(`api-${i}`), `api-${i} kept`);
    const held = after.services.filter((s) => s.name.startsWith('cli-') || s.name.startsWith('api-')).map((s) => s.ports[0]!.port);
    assert.deepEqual([...held].sort(), [...ports].sort());
  } finally {
    await server.app.close();
  }
});

test('who says how other clusters reach the holder through the mesh, at its Service port, as the CLI does', async () => {
  const server = await served({}, { 'portolan.yaml': readFileSync(join(ROOT, 'examples', 'homelab', 'portolan.yaml'), 'utf8') });
  try {
    const response = await server.call('GET', '/v1/who/30040');
    assert.equal(response.status, 200);
    const who = (await response.json()) as { mesh: { service: string; from: string; to: string; ports: { port?: number; nodePort?: number; address?: string }[] }[] };
    const fromForge = who.mesh.find((route) => route.service === 'grafana' && route.from === 'forge' && route.to === 'studio')!;
    assert.deepEqual(fromForge.ports, [{ port: 80, nodePort: 30040, address: 'http://grafana.observability.svc.studio.remote:80' }]);
    const cli = await runCli(['who', '30040', server.dir, '--json'], server.dir);
    assert.deepEqual(who, JSON.parse(cli.stdout));
  } finally {
    await server.app.close();
  }
});
