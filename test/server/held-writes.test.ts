import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inputErrorsOf, InputError } from '../../src/core/errors.ts';
import { RegistryCache, etagOf } from '../../src/engine/registry-cache.ts';
import { allocatePorts, allocationChange, releaseChange, StaleRegistryError } from '../../src/engine/registry-changes.ts';
import { RegistryWriter } from '../../src/engine/registry-writer.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { problemOf } from '../../src/server/problem.ts';
import { commitAll, gitIn, tempFolder } from '../helpers.ts';
import { REGISTRY, served } from './served.ts';

// Room for many allocations: agents 30200-30389, the reservation moved to the end; no port document
// (a registry with one is read whole once per batch, to regenerate it).
const ROOMY = REGISTRY.replace('30200-30299', '30200-30389').replace('30290-30299', '30390-30399').replace('docs: PORTS.md\n', '');

function held(files: Record<string, string> = { 'portolan.yaml': ROOMY }) {
  const dir = tempFolder(files);
  const file = join(dir, 'portolan.yaml');
  const cache = new RegistryCache(file, dir);
  cache.current();
  const writer = new RegistryWriter(cache, { cwd: dir });
  const allocate = (service: string, extra: { ifMatch?: string; dryRun?: boolean; commit?: boolean } = {}) => writer.submit(allocationChange({ service, range: 'agents' }, { cwd: dir, ...extra }));
  return { dir, file, cache, writer, allocate };
}

/** The port each named service holds in the file as it is on disk. */
function portsOnDisk(file: string): Map<string, number> {
  const registry = parseRegistry('portolan.yaml', readFileSync(file, 'utf8'));
  return new Map(registry.services.map((s) => [s.name, s.ports[0]!.port]));
}

describe('writes to the held registry (group commit)', () => {
  test('requests arriving one event-loop turn apart (as new connections are let in) join one batch, not one batch each', async () => {
    const { writer, allocate } = held();
    // Each arrival is queued before the writer looks again, as a request read in the poll phase is.
    const answers: Promise<unknown>[] = [];
    const arrive = () => {
      if (answers.length < 11) setImmediate(arrive);
      answers.push(allocate(`agent-${answers.length}`));
    };
    arrive();
    while (answers.length < 12) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(answers);
    assert.deepEqual(writer.work, { batches: 1, transactions: 1 });
  });

  test('a batch of 40 allocations asked at once reads the file once, parses it no more, and writes one transaction', async () => {
    const { file, cache, writer, allocate } = held();
    assert.deepEqual(cache.work, { reads: 1, parses: 1 });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => allocate(`agent-${i}`)));
    assert.deepEqual(writer.work, { batches: 1, transactions: 1 });
    // At most one read, the check of the bytes of a file written a moment ago; the decisions used the model in memory.
    assert.ok(cache.work.reads <= 2, `${cache.work.reads} reads`);
    assert.equal(cache.work.parses, 1);
    const given = outcomes.map((o) => o.result.ports[0]!.port);
    assert.equal(new Set(given).size, 40, given.join(', '));
    // The lowest free ports, in the order asked: 30200 and 30201 are agent-bruno's.
    assert.deepEqual(given, Array.from({ length: 40 }, (_, i) => 30202 + i));
    const onDisk = portsOnDisk(file);
    for (let i = 0; i < 40; i++) assert.equal(onDisk.get(`agent-${i}`), given[i]);
    // The comments and the untouched entries are as they were.
    assert.match(readFileSync(file, 'utf8'), /ports: 30080-30099   # consoles and dashboards\n/);
  });

  test('after its own write the server does not read the file back; a read finds the lines again from the text it holds', async () => {
    const { file, cache, allocate } = held();
    await Promise.all([allocate('agent-a'), allocate('agent-b')]);
    const reads = cache.work.reads;
    const { registry, etag } = cache.current();
    assert.equal(cache.work.reads, reads, 'no read of the file');
    assert.equal(cache.reloads.ok, 0);
    const text = readFileSync(file, 'utf8');
    assert.equal(etag, etagOf(text));
    // Every service's line is its line in the file as written, the new ones and those after them.
    const lines = text.split('\n');
    for (const service of registry.services) assert.equal(lines[service.at.line - 1]!.trim(), `${service.name}:`, service.name);
    cache.current();
    assert.equal(cache.work.parses, 2, 'the lines are found once per version');
  });

  test('a refused change is answered with its own error; the rest of its batch is written', async () => {
    const { file, allocate } = held();
    const answers = await Promise.allSettled([allocate('agent-x'), allocate('grafana'), allocate('agent-y')]);
    assert.equal(answers[0].status, 'fulfilled');
    assert.equal(answers[2].status, 'fulfilled');
    assert.equal(answers[1].status, 'rejected');
    const [error] = inputErrorsOf((answers[1] as PromiseRejectedResult).reason);
    assert.equal(error?.kind, 'taken');
    const onDisk = portsOnDisk(file);
    assert.equal(onDisk.get('agent-x'), 30202);
    assert.equal(onDisk.get('agent-y'), 30203);
    assert.equal(onDisk.get('grafana'), 30080);
  });

  test('a refusal after writes made in memory names the line in the file as written', async () => {
    const { file, allocate } = held();
    await Promise.all([allocate('agent-a'), allocate('agent-b')]);
    const answer = await allocate('agent-b').then(() => undefined, (error: unknown) => error);
    const [error] = inputErrorsOf(answer);
    assert.equal(error?.kind, 'taken');
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines[error!.at!.line - 1]!.trim(), 'agent-b:', JSON.stringify(error!.at));
  });

  test('If-Match is checked against the registry as the changes before it in the batch left it', async () => {
    const { file, allocate } = held();
    const version = etagOf(readFileSync(file, 'utf8'));
    const answers = await Promise.allSettled([allocate('agent-1', { ifMatch: version }), allocate('agent-2', { ifMatch: version })]);
    assert.equal(answers[0].status, 'fulfilled');
    assert.ok(answers[1].status === 'rejected' && answers[1].reason instanceof StaleRegistryError, String((answers[1] as PromiseRejectedResult).reason));
    assert.equal(portsOnDisk(file).has('agent-2'), false);
  });

  test('a dry run in a batch decides against the held registry and writes nothing', async () => {
    const { file, allocate } = held();
    const before = readFileSync(file, 'utf8');
    const [dry] = await Promise.all([allocate('agent-dry', { dryRun: true })]);
    assert.equal(dry.result.ports[0]!.port, 30202);
    assert.deepEqual(dry.files, ['portolan.yaml']);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  test('a change by another process between batches is seen before the next decision: nothing lost, no port twice', async () => {
    const { dir, file, cache, allocate } = held();
    await allocate('agent-api-1');
    // The CLI's own path: lock, read, decide, write.
    await allocatePorts(file, { service: 'agent-cli', range: 'agents' }, { cwd: dir });
    await allocate('agent-api-2');
    const onDisk = portsOnDisk(file);
    assert.deepEqual([onDisk.get('agent-api-1'), onDisk.get('agent-cli'), onDisk.get('agent-api-2')], [30202, 30203, 30204]);
    assert.equal(cache.work.parses, 2, 'read again once, when the CLI had changed the file');
  });

  test('a file rewritten in place, at the same size, is seen before the next decision', async () => {
    const { file, allocate } = held();
    await allocate('agent-a');
    // Same length, another port: a person's editor saving over the file.
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('port: 30080', 'port: 30081'));
    await allocate('agent-b');
    assert.equal(portsOnDisk(file).get('grafana'), 30081);
    assert.equal(portsOnDisk(file).get('agent-b'), 30203);
  });

  test('a release and an allocation in one batch: the freed port is given again, the model follows each edit', async () => {
    const { dir, file, writer } = held();
    const run = { cwd: dir };
    const [released, allocated] = await Promise.all([writer.submit(releaseChange({ service: 'agent-bruno' }, run)), writer.submit(allocationChange({ service: 'agent-new', range: 'agents', names: ['api', 'health'] }, run))]);
    assert.equal(released.result.deleted, true);
    assert.deepEqual(allocated.result.ports.map((p) => p.port), [30200, 30201]);
    const onDisk = portsOnDisk(file);
    assert.equal(onDisk.has('agent-bruno'), false);
    assert.equal(onDisk.get('agent-new'), 30200);
  });

  test('the port document is regenerated once per batch, from the registry as the batch left it', async () => {
    const { dir, cache, allocate } = held({ 'portolan.yaml': `docs: PORTS.md\n${ROOMY}` });
    const outcomes = await Promise.all([allocate('agent-d1'), allocate('agent-d2')]);
    assert.equal(cache.work.parses, 2, 'the first load, and the batch read whole once for its document');
    assert.ok(outcomes.every((o) => o.files.includes('PORTS.md')), JSON.stringify(outcomes.map((o) => o.files)));
    const document = readFileSync(join(dir, 'PORTS.md'), 'utf8');
    assert.match(document, /agent-d1/);
    assert.match(document, /agent-d2/);
  });

  test('with commit, each change of a batch is its own commit, with its own message', async () => {
    const { dir, allocate } = held();
    commitAll(dir);
    const git = (...args: string[]) => gitIn(dir, ...args);
    const outcomes = await Promise.all(['agent-c1', 'agent-c2', 'agent-c3'].map((name) => allocate(name, { commit: true })));
    assert.ok(outcomes.every((o) => o.commit !== undefined), JSON.stringify(outcomes.map((o) => o.notes)));
    assert.deepEqual(git('log', '--format=%s').split('\n').slice(0, 3), ['allocate agent-c3 30204 (range agents, every cluster)', 'allocate agent-c2 30203 (range agents, every cluster)', 'allocate agent-c1 30202 (range agents, every cluster)']);
    // Each commit holds the file as it was after its own change.
    assert.doesNotMatch(git('show', `${outcomes[0]!.commit}:portolan.yaml`), /agent-c2/);
    assert.equal(git('status', '--porcelain'), '');
  });
});

test('50 API clients at once: 50 ports, none twice, every answer its own, the file valid; a retried key gets its first answer', { timeout: 120_000 }, async () => {
  const server = await served({}, { 'portolan.yaml': ROOMY });
  try {
    const post = (i: number, key?: string) =>
      server.call('POST', '/v1/allocations', { service: `client-${i}`, range: 'agents' }, { ...server.auth(server.write), ...(key ? { 'idempotency-key': key } : {}) }).then(async (r) => [r.status, (await r.json()) as { service: string; ports: { port: number }[] }] as const);
    const answers = await Promise.all([...Array.from({ length: 50 }, (_, i) => post(i, `key-${i}`)), post(7, 'key-7')]);
    for (const [status, answer] of answers) assert.equal(status, 201, JSON.stringify(answer));
    for (const [i, [, answer]] of answers.slice(0, 50).entries()) assert.equal(answer.service, `client-${i}`);
    const ports = answers.slice(0, 50).map(([, a]) => a.ports[0]!.port);
    assert.equal(new Set(ports).size, 50, ports.join(', '));
    assert.equal(answers[50]![1].ports[0]!.port, ports[7], 'the retry is answered with the first port');
    const onDisk = portsOnDisk(join(server.dir, 'portolan.yaml'));
    for (let i = 0; i < 50; i++) assert.equal(onDisk.get(`client-${i}`), ports[i]);
    const registry = await (await server.call('GET', '/v1/registry')).json() as { services: unknown[] };
    assert.equal(registry.services.length, 52);
  } finally {
    await server.app.close();
  }
});

describe('problem statuses come from the kind of the engine error, not its words', () => {
  test('a reworded message keeps its status; the same words without a kind are 422', () => {
    assert.equal(problemOf(new InputError('that number went to someone else', undefined, undefined, { kind: 'taken' }))?.status, 409);
    assert.equal(problemOf(new InputError('nothing by that name here', undefined, undefined, { kind: 'not-found' }))?.status, 404);
    assert.equal(problemOf(new InputError('port 30080 is taken: grafana holds 30080 in studio'))?.status, 422);
    assert.equal(problemOf(new InputError('no service "x" in portolan.yaml'))?.status, 422);
  });
});
