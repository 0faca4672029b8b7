import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../src/core/types.ts';
import { checkRegistry } from '../../src/engine/check.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { importPortDocument } from '../../src/sources/port-doc/index.ts';
import { fixture, ROOT } from '../helpers.ts';
import { registryOf, shape } from './shape.ts';

// examples/homelab/portolan.yaml restates the seed by hand; the import must agree with it on
// everything that matters to `check`: services, ports, protocols, clusters, ranges and status.
const seed = registryOf(importPortDocument('seed.md', readFileSync(fixture('port-doc', 'seed', 'port-mapping-strategy.md'), 'utf8')).registry);
const example = loadRegistry(join(ROOT, 'examples', 'homelab', 'portolan.yaml'), { cwd: ROOT });

/**
 * The one difference in names: the seed lists RabbitMQ twice (serverless 30320-30322 and message
 * queues 30080). The hand-written registry called the second `rabbitmq-queues`; the import names
 * a second entry of a taken name after its range, `rabbitmq-message-queues`. Same service otherwise.
 */
const RENAMED: Record<string, string> = { 'rabbitmq-message-queues': 'rabbitmq-queues' };

test('the imported seed has the ranges and clusters of the hand-written example', () => {
  assert.deepEqual(shape(seed).ranges, shape(example).ranges);
  assert.deepEqual(shape(seed).clusters, shape(example).clusters);
});

test('the imported seed has the services of the hand-written example, but for one name', () => {
  const services = shape(seed).services.map((s) => ({ ...s, name: RENAMED[s.name] ?? s.name })).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(services, shape(example).services);
});

test('what else differs is wording the import keeps from the document, and what only the seed says', () => {
  const differences: string[] = [];
  for (const service of seed.services) {
    const other = example.services.find((s) => s.name === (RENAMED[service.name] ?? service.name))!;
    for (const key of ['title', 'namespace', 'notes', 'replacedBy'] as const) {
      if (service[key] !== other[key]) differences.push(`${service.name}.${key}`);
    }
    service.ports.forEach((port, i) => port.notes !== undefined && other.ports[i]!.notes === undefined && differences.push(`${service.name}.ports.${port.name}.notes`));
  }
  for (const cluster of seed.clusters) {
    const other = example.clusters.find((c) => c.name === cluster.name)!;
    for (const key of ['title', 'notes', 'crossClusterUrl'] as const) if (cluster[key] !== other[key]) differences.push(`cluster ${cluster.name}.${key}`);
  }
  assert.deepEqual(differences, [
    // "# Studio Cluster - AI Agents (User-facing)" above the agents: its words become their notes.
    'agent-bruno.notes',
    'agent-auditor.notes',
    'agent-jamie.notes',
    'agent-devops.notes',
    'agent-mary-kay.notes',
    'aigoat.notes',
    // Port comments (`# FastAPI main endpoint`) become port notes; the example keeps them as YAML comments.
    ...['api', 'health', 'events', 'mcp'].map((p) => `agent-auditor-service.ports.${p}.notes`),
    ...['builder', 'metrics', 'health', 'webhook'].map((p) => `knative-lambda.ports.${p}.notes`),
    // "# Knative Serving (system)": the aside becomes a note, where the example put it in the title.
    'knative-serving.title',
    'knative-serving.notes',
    ...['webhook', 'activator'].map((p) => `knative-serving.ports.${p}.notes`),
    ...['management', 'amqp', 'prometheus'].map((p) => `rabbitmq.ports.${p}.notes`),
    // The seed says nothing of Forge's workloads; the example added "AI/ML workloads.".
    'cluster forge.notes',
  ]);
  // The rules, word for word from the seed (the example reworded them).
  assert.equal(seed.notes[0], "Reserve ranges - Don't use ad-hoc ports");
});

test('the imported seed states the mesh of the hand-written example', () => {
  const mesh = (registry: typeof seed) => ({
    links: registry.mesh!.links.map((l) => `${l.from}->${l.to}`).sort(),
    exports: registry.mesh!.exports.map((e) => `${e.service}@${e.cluster}`).sort(),
    addresses: registry.mesh!.addresses.map((a) => [a.url, a.from]),
    servicePorts: registry.services.flatMap((s) => s.ports.filter((p) => p.servicePort !== undefined).map((p) => `${s.name}:${p.servicePort}`)),
  });
  // The example adds what the seed cannot say: grafana's Service port (the grafana chart's 80).
  assert.deepEqual(mesh(seed), { ...mesh(example), servicePorts: ['vllm:8000'] });
});

test('check finds the imported seed at least as wrong as the hand-written example', () => {
  const key = (f: Finding) => `${f.ruleId}/${f.messageId}/${f.cluster ?? 'all'}/${f.service ? RENAMED[f.service] ?? f.service : ''}/${f.port ?? ''}`;
  const found = checkRegistry(seed).findings.map(key);
  const expected = checkRegistry(example).findings.map(key);
  assert.deepEqual(expected.filter((k) => !found.includes(k)), []);
  assert.ok(found.length >= expected.length);
  assert.ok(checkRegistry(seed).summary.errors >= checkRegistry(example).summary.errors);
});
