import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAllocation, planMove, planRelease, planReservation, type AllocationRequest } from '../../src/allocate/plan.ts';
import { InputError, UsageError } from '../../src/core/errors.ts';
import { parseRegistry } from '../../src/registry/load.ts';

const registry = parseRegistry(
  'portolan.yaml',
  `version: 1
ranges:
  agents:
    ports: 30200-30209
  tiny:
    ports: 30300-30301
  near:
    ports: 30210-30219
clusters:
  forge: {}
  studio: {}
services:
  bruno:
    range: agents
    clusters: [studio]
    port: 30200
  jamie:
    range: agents
    clusters: [forge]
    port: 30201
  auditor:
    range: agents
    clusters: [studio]
    ports:
      api: 30203
      health: 30204
  full-a:
    range: tiny
    port: 30300
  full-b:
    range: tiny
    clusters: [forge]
    port: 30301
  flyte:
    range: agents
    clusters: [forge]
    port: 30201
reserved:
  - ports: 30202
    reason: kept for the gateway
`,
);

const request = (overrides: Partial<AllocationRequest>): AllocationRequest => ({
  service: 'new-agent',
  range: 'agents',
  clusters: [],
  protocol: 'TCP',
  names: [],
  staticBand: false,
  ...overrides,
});

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  assert.fail('expected an InputError');
}

test('allocate takes the lowest port free in every named cluster, skipping reserved ports', () => {
  assert.deepEqual(planAllocation(registry, request({ clusters: ['studio'] })).ports, [{ port: 30201, protocol: 'TCP' }]);
  assert.deepEqual(planAllocation(registry, request({ clusters: ['forge'] })).ports, [{ port: 30200, protocol: 'TCP' }]);
  // In both clusters: 30200 and 30201 are each taken somewhere, 30202 is reserved, 30203-30204 taken in studio.
  assert.deepEqual(planAllocation(registry, request({})).ports, [{ port: 30205, protocol: 'TCP' }]);
});

test('several names get a block of consecutive ports', () => {
  const allocation = planAllocation(registry, request({ clusters: ['studio'], names: ['api', 'health', 'mcp'], protocol: 'UDP' }));
  assert.deepEqual(
    allocation.ports.map((p) => [p.name, p.port, p.protocol]),
    [
      ['api', 30205, 'UDP'],
      ['health', 30206, 'UDP'],
      ['mcp', 30207, 'UDP'],
    ],
  );
  assert.deepEqual(allocation.clusters, ['studio']);
  assert.equal(allocation.allClusters, false);
});

test('--port takes a free port, and is refused with the holder named when it is taken or reserved', () => {
  assert.equal(planAllocation(registry, request({ port: 30208 })).ports[0]!.port, 30208);
  const held = inputError(() => planAllocation(registry, request({ port: 30200, clusters: ['studio'] })));
  assert.match(held.message, /bruno holds 30200 in studio/);
  assert.equal(held.at?.line, 16);
  assert.equal(planAllocation(registry, request({ port: 30200, clusters: ['forge'] })).ports[0]!.port, 30200);
  assert.match(inputError(() => planAllocation(registry, request({ port: 30202 }))).message, /reserved: kept for the gateway/);
  assert.match(inputError(() => planAllocation(registry, request({ port: 30250 }))).message, /not in range agents/);
});

test('a full range is an error that names the ranges with room and their next free ports', () => {
  const error = inputError(() => planAllocation(registry, request({ range: 'tiny', clusters: ['forge'] })));
  assert.match(error.message, /range tiny \(30300-30301\) has no free port in cluster forge/);
  assert.equal(error.at?.line, 5);
  assert.match(error.hint ?? '', /near \(30210-30219\): 10 free, next 30210; agents \(30200-30209\): 8 free, next 30200/);
});

test('--static-band keeps out of every cluster dynamic NodePort band', () => {
  const error = inputError(() => planAllocation(registry, request({ staticBand: true })));
  assert.match(error.message, /outside the dynamic NodePort band/);
});

test('allocate refuses a name in use, a bad name, and no range or port', () => {
  assert.match(inputError(() => planAllocation(registry, request({ service: 'bruno' }))).message, /already in the registry/);
  assert.throws(() => planAllocation(registry, request({ service: 'Bad_Name' })), UsageError);
  assert.throws(() => planAllocation(registry, request({ range: undefined })), UsageError);
  assert.throws(() => planAllocation(registry, request({ names: ['api', 'api'] })), UsageError);
  assert.match(inputError(() => planAllocation(registry, request({ range: 'agnets' }))).hint ?? '', /did you mean "agents"/);
});

test('move --next settles a conflict by moving one party, counting its own port as free', () => {
  const move = planMove(registry, { service: 'flyte', staticBand: false });
  assert.deepEqual(move.moves.map((m) => [m.from, m.to]), [[30201, 30200]]);
  assert.deepEqual(move.conflicts.map((c) => [c.service, c.cluster, c.port]), [['jamie', 'forge', 30201]]);
  const block = planMove(registry, { service: 'auditor', staticBand: false });
  // Its own ports are the lowest free block (30201 alone is too short: 30202 is reserved), so it stays.
  assert.deepEqual(block.moves.map((m) => [m.port.name, m.from, m.to]), [
    ['api', 30203, 30203],
    ['health', 30204, 30204],
  ]);
  assert.match(inputError(() => planMove(registry, { service: 'bruno', to: 30203, staticBand: false })).message, /auditor\/api holds 30203 in studio/);
  assert.deepEqual(planMove(registry, { service: 'auditor', to: 30204, staticBand: false }).moves.map((m) => m.to), [30204, 30205]);
});

test('release takes a service out, or out of some clusters', () => {
  assert.deepEqual(planRelease(registry, { service: 'full-a', clusters: ['forge'] }), {
    service: registry.services.find((s) => s.name === 'full-a'),
    removed: ['forge'],
    remaining: ['studio'],
    deleted: false,
  });
  assert.equal(planRelease(registry, { service: 'bruno', clusters: ['studio'] }).deleted, true);
  assert.match(inputError(() => planRelease(registry, { service: 'bruno', clusters: ['forge'] })).message, /does not run in cluster forge/);
});

test('reserve refuses a span that a service holds', () => {
  assert.deepEqual(planReservation(registry, { span: { from: 30208, to: 30209 }, reason: 'later', clusters: [] }).span, { from: 30208, to: 30209 });
  assert.match(inputError(() => planReservation(registry, { span: { from: 30200, to: 30209 }, reason: 'later', clusters: ['forge'] })).message, /jamie holds 30201 in forge/);
});
