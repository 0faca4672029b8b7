import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../src/core/types.ts';
import { checkRegistry } from '../src/engine/check.ts';
import { loadRegistry } from '../src/registry/load.ts';
import { ruleIds } from '../src/rules/index.ts';
import { ROOT } from './helpers.ts';

// examples/homelab/portolan.yaml restates the hand-written port document faithfully; these are
// the document's own mistakes, read line by line, and `check` must report each one where it is.
const file = join(ROOT, 'examples', 'homelab', 'portolan.yaml');
const text = readFileSync(file, 'utf8').split('\n');
const findings = checkRegistry(loadRegistry(file, { ruleIds, cwd: ROOT })).findings;
const of = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

/** The line of the registry where `service`'s port is written. */
function portLine(service: string): number {
  const start = text.findIndex((line) => line === `  ${service}:`);
  assert.ok(start >= 0, service);
  return start + 1 + text.slice(start).findIndex((line) => /^\s+(port|api|builder|management): /.test(line));
}

describe('the bundled example (the seed document as written)', () => {
  it('puts all six AI agents outside their range, inside AI/ML', () => {
    const agents = of('out-of-range').filter((f) => f.range === 'ai-agents');
    assert.deepEqual(agents.map((f) => f.service), ['agent-bruno', 'agent-auditor', 'agent-jamie', 'agent-devops', 'agent-mary-kay', 'aigoat']);
    for (const f of agents) {
      assert.equal(f.data.other, 'ai-ml');
      assert.equal(f.locations[0]!.line, portLine(f.service!));
    }
  });

  it('puts the whole observability and data sections, and both message queues, in the platform range', () => {
    const section = (range: string) => of('out-of-range').filter((f) => f.range === range);
    assert.deepEqual(section('observability').map((f) => f.port), [30040, 30041, 30042, 30043, 30044]);
    assert.deepEqual(section('data').map((f) => f.port), [30060, 30061, 30062, 30063]);
    assert.deepEqual(section('message-queues').map((f) => f.service), ['rabbitmq-queues', 'kafka']);
    for (const f of [...section('observability'), ...section('data'), ...section('message-queues')]) assert.equal(f.data.other, 'platform');
  });

  it('puts Flyte Console outside AI/ML', () => {
    const flyte = of('out-of-range').filter((f) => f.service === 'flyte-console');
    assert.equal(flyte.length, 1);
    assert.equal(flyte[0]!.locations[0]!.line, portLine('flyte-console'));
    assert.equal(of('out-of-range').length, 18);
  });

  it('gives 30081 to Flyte Console and Kafka in Forge', () => {
    const conflicts = of('port-conflict');
    assert.equal(conflicts.length, 1);
    const [conflict] = conflicts as [Finding];
    assert.equal(conflict.cluster, 'forge');
    assert.equal(conflict.port, 30081);
    assert.deepEqual(conflict.locations.map((l) => l.line), [portLine('flyte-console'), portLine('kafka')]);
  });

  it('lists RabbitMQ twice: at 30320-30322 for serverless and at 30080 as a message queue', () => {
    const duplicates = of('duplicate-service');
    assert.equal(duplicates.length, 1);
    assert.deepEqual([duplicates[0]!.data.first, duplicates[0]!.data.second], ['rabbitmq', 'rabbitmq-queues']);
  });

  it('exposes NodePorts in Studio, which its rule 4 says should prefer LoadBalancer', () => {
    const studio = of('prefer-loadbalancer');
    assert.ok(studio.every((f) => f.cluster === 'studio'));
    assert.equal(studio.length, 24);
  });

  it("plans ranges in every cluster's dynamic NodePort band", () => {
    // The three clusters share the API server's default range, so they hear about its band once.
    assert.deepEqual(of('dynamic-band').map((f) => [f.clusters, f.data.staticBand]), [[['forge', 'studio', 'pro'], '30000-30085']]);
  });

  it("reaches Grafana on Studio through the mesh at its node port 30040, where the Service's port 80 is right", () => {
    const addresses = of('cross-cluster-address');
    assert.equal(addresses.length, 1);
    const [grafana] = addresses as [Finding];
    assert.equal(grafana.messageId, 'nodePort');
    assert.deepEqual([grafana.service, grafana.cluster, grafana.port, grafana.data.right], ['grafana', 'studio', 30040, '80']);
    assert.equal(grafana.locations[0]!.line, text.findIndex((line) => line.includes('grafana.observability.svc.studio.remote:30040')) + 1);
    // VLLM's address from Studio to Forge uses its Service port 8000: right, and silent.
    assert.ok(!findings.some((f) => String(f.data.address ?? '').includes('vllm')));
  });

  it('finds nothing else', () => {
    const expected = ['out-of-range', 'port-conflict', 'duplicate-service', 'prefer-loadbalancer', 'dynamic-band', 'cross-cluster-address'];
    assert.deepEqual(findings.filter((f) => !expected.includes(f.ruleId)), []);
  });
});
