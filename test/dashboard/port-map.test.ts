import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapSummary, rangeCells, searchRegistry, serviceDetail } from '../../src/engine/port-map.ts';
import { parseRegistry } from '../../src/registry/load.ts';

// A registry with every state the map draws, and the traps that must stay plain "held": one
// service holding TCP and UDP on one number, and a ClusterIP port sharing a NodePort's number.
const REGISTRY = `version: 1
ranges:
  platform:
    ports: 30000-30019
  agents:
    ports: 30100-30109
clusters:
  forge: {}
  studio: {}
  edge:
    nodePortRange: 30000-30015   # 16 ports: no static band, so the whole range is dynamic
services:
  headlamp:
    range: platform
    clusters: [forge, studio]
    port: 30001
  dns:
    range: platform
    clusters: [forge]
    ports:
      tcp: { port: 30002, protocol: TCP }
      udp: { port: 30002, protocol: UDP }
  metrics-api:
    range: platform
    clusters: [forge]
    exposure: ClusterIP
    port: 30001
  kafka:
    range: agents
    clusters: [forge]
    port: 30003
  flyte:
    range: platform
    clusters: [forge]
    port: 30003
  agent-ollama:
    range: agents
    clusters: [studio]
    port: 30006
  vllm:
    range: platform
    clusters: [forge, studio]
    port:
      port: 30004
      overrides:
        studio: 30005
reserved:
  - ports: 30010-30011
    reason: future consoles
    clusters: [studio]
`;

const registry = parseRegistry('portolan.yaml', REGISTRY);

test('an opened range has a state a port per cluster: conflict, mismatch, foreign, held, reserved, dynamic, free', () => {
  const cells = rangeCells(registry, 'platform');
  assert.deepEqual(cells.clusters, ['forge', 'studio', 'edge']);
  assert.equal(cells.columns.length, 20);
  const at = (cluster: string, port: number) => cells.rows[cells.clusters.indexOf(cluster)]![cells.columns.indexOf(port)];
  assert.equal(at('forge', 30003), 'c', 'kafka and flyte hold 30003 in forge');
  assert.equal(at('forge', 30004), 'm', 'vllm has 30005 in studio');
  assert.equal(at('studio', 30005), 'm');
  assert.equal(at('forge', 30001), 'h', 'a ClusterIP port does not collide with a NodePort of the same number');
  assert.equal(at('forge', 30002), 'h', 'one service on TCP and UDP of one number is no conflict');
  assert.equal(at('studio', 30006), 'f', 'agent-ollama of range agents holds a platform port');
  assert.equal(at('studio', 30010), 'r');
  assert.equal(at('forge', 30010), '.', 'the reservation is studio\'s only');
  assert.equal(at('edge', 30012), 'd', "edge's 16-port NodePort range is all dynamic band");
  assert.equal(at('edge', 30018), '.', "outside edge's NodePort range");
  const holders = cells.holders.filter((h) => h.port === 30003 && h.cluster === 0).map((h) => h.service).sort();
  assert.deepEqual(holders, ['flyte', 'kafka']);
  assert.equal(cells.services.vllm, '30004 (studio 30005)');
  assert.equal(cells.services.dns, 'tcp 30002, udp 30002/UDP');
  assert.equal(cells.next, null);
});

test('a port held by a service of another range is foreign in the range it lies in', () => {
  const cells = rangeCells(registry, 'platform');
  const kafka = cells.holders.find((h) => h.service === 'kafka')!;
  assert.equal(kafka.range, 'agents');
  assert.match(kafka.at, /^portolan\.yaml:\d+$/);
  // In its own range, kafka holds nothing: 30003 is not one of agents' ports.
  assert.ok(rangeCells(registry, 'agents').rows.every((row) => !/[cmfh]/.test(row)));
});

test('the folded map counts each state and keeps each cluster\'s worst one', () => {
  const summary = mapSummary(registry);
  const platform = summary.ranges.find((r) => r.name === 'platform')!;
  // forge: a conflict; studio: vllm's other port; edge: nothing held, its whole NodePort range dynamic.
  assert.equal(platform.worst, 'cmd');
  assert.deepEqual(platform.counts, { c: 1, m: 2, f: 1, h: 3, r: 2, d: 16 });
  // Ports held, not claims: headlamp and metrics-api share 30001 in forge.
  assert.deepEqual(platform.used, [4, 3, 0]);
  assert.equal(summary.allocations, 10);
});

test('a large range opens a page at a time', () => {
  const big = parseRegistry('portolan.yaml', 'version: 1\nranges:\n  wide:\n    ports: 20000-21199\nclusters:\n  one: {}\nservices: {}\n');
  const first = rangeCells(big, 'wide');
  assert.equal(first.columns.length, 500);
  assert.equal(first.next, 20500);
  const last = rangeCells(big, 'wide', 21000);
  assert.deepEqual([last.columns[0], last.columns.length, last.next], [21000, 200, null]);
});

test('search reads a port, a range with or without "next free in", and parts of service names', () => {
  assert.deepEqual(searchRegistry(registry, 'who holds 30003'), { query: 'who holds 30003', port: 30003, range: null, services: [] });
  assert.equal(searchRegistry(registry, 'next free in agents').range, 'agents');
  assert.equal(searchRegistry(registry, 'agents').range, 'agents');
  assert.deepEqual(searchRegistry(registry, 'Fly').services, ['flyte']);
  assert.deepEqual(searchRegistry(registry, 'a').services, ['agent-ollama', 'headlamp', 'metrics-api', 'kafka'], 'names that start with the words first');
  assert.equal(searchRegistry(registry, '70000').port, null);
});

test('a service shows its port in every cluster; an unknown one names the services', () => {
  const vllm = serviceDetail(registry, 'vllm');
  assert.deepEqual(vllm.ports[0]!.clusters, [{ cluster: 'forge', port: 30004 }, { cluster: 'studio', port: 30005 }]);
  assert.throws(() => serviceDetail(registry, 'vlm'), /no service "vlm"/);
});
