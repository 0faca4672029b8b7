import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRegistry } from '../../src/engine/check.ts';
import { importPortDocument } from '../../src/sources/port-doc/index.ts';
import { fixture, read, runCli, tempFolder } from '../helpers.ts';
import { registryOf, shape, throughDocument } from './shape.ts';

const imported = (name: string) => importPortDocument(name, readFileSync(fixture('port-doc', name), 'utf8'));
const findings = (name: string) =>
  checkRegistry(registryOf(imported(name).registry))
    .findings.map((f) => `${f.ruleId}:${f.messageId}:${f.cluster ?? 'all'}:${f.service ?? ''}:${f.port ?? ''}`)
    .sort();

test('the seed: every line placed or named as prose, the spoiled arrow repaired', () => {
  const seed = imported('seed/port-mapping-strategy.md');
  assert.deepEqual(seed.unplaced, []);
  assert.deepEqual(seed.repairs, [{ line: 3, column: 54, spoiled: 'â†’', repaired: '→' }]);
  // Title block, horizontal rules, the overview, the conflict procedure and the links: prose.
  assert.deepEqual(seed.prose, [3, 4, 6, 10, 139, 141, 142, 143, 144, 145, 149, 150, 151, 153, 155, 156]);
  assert.deepEqual(
    seed.decisions.map((d) => d.line),
    [109, 127, 134],
  );
});

test('the seed: comments, clusters, markers, rules and URLs land where the document put them', () => {
  const { registry } = imported('seed/port-mapping-strategy.md');
  const services = registry.services!;
  // "# Forge Cluster" above the block: the cluster of the block's services.
  assert.deepEqual(services.vllm!.clusters, ['forge']);
  // "# Knative Lambda (Pro/Studio Clusters)" holds for the blocks under it in the same fence.
  assert.deepEqual(services['knative-serving']!.clusters, ['pro', 'studio']);
  // No cluster named above: every cluster.
  assert.equal(services.kafka!.clusters, undefined);
  // Entries sharing a prefix under a comment that names them become one service with named ports.
  assert.deepEqual(Object.keys(services['agent-auditor-service']!.ports!), ['api', 'health', 'events', 'mcp']);
  assert.deepEqual(services['agent-auditor-service']!.ports!.api, { port: 30210, notes: 'FastAPI main endpoint' });
  // A service under a range's heading belongs to that range even when its port does not.
  assert.equal(services['agent-bruno']!.range, 'ai-agents');
  assert.equal(services['agent-bruno']!.port, 30120);
  // "Legacy - being replaced by agent-auditor service below"
  assert.equal(services['agent-auditor']!.status, 'legacy');
  assert.equal(services['agent-auditor']!.replacedBy, 'agent-auditor-service');
  // "Prefer LoadBalancer for production (Studio)"
  assert.equal(registry.clusters!.studio!.production, true);
  assert.equal(registry.clusters!.forge!.production, undefined);
  assert.equal(registry.notes!.length, 5);
  // The example URLs give the namespace, the address pattern and the mesh: who exports what to whom.
  assert.equal(services.vllm!.namespace, 'ml-inference');
  assert.equal(services.grafana!.namespace, 'observability');
  assert.equal(registry.clusters!.studio!.crossClusterUrl, 'http://{service}.{namespace}.svc.studio.remote:{port}');
  // Port 8000 is no node port of vllm: it is the Service port mesh clients use. 30040 is grafana's
  // node port, kept as written for check to report (cross-cluster-address).
  assert.deepEqual(services.vllm!.port, { port: 30100, servicePort: 8000 });
  assert.equal(services.vllm!.notes, undefined);
  assert.equal(services.grafana!.port, 30040);
  assert.deepEqual(registry.mesh, {
    links: { studio: ['forge'], forge: ['studio'], pro: ['studio'] },
    exports: { vllm: ['forge'], grafana: ['studio'] },
    addresses: [
      { url: 'http://vllm.ml-inference.svc.forge.remote:8000/v1', from: ['studio'] },
      { url: 'http://grafana.observability.svc.studio.remote:30040' },
    ],
  });
});

test('tables only: ranges named from their purpose, services with clusters, ranges and protocols from columns', () => {
  const tables = imported('tables-only.md');
  assert.deepEqual(tables.unplaced, []);
  assert.deepEqual(Object.keys(tables.registry.ranges!), ['platform', 'data', 'telemetry']);
  const services = tables.registry.services!;
  assert.deepEqual(services.syslog, { range: 'telemetry', clusters: ['edge', 'lab'], port: { port: 30120, protocol: 'UDP' } });
  assert.equal(services['coredns-metrics']!.clusters![0], 'edge');
  assert.equal(services.statsd!.status, 'legacy');
  assert.equal(services.statsd!.replacedBy, 'otel-collector');
  assert.deepEqual(findings('tables-only.md'), [
    'dynamic-band:dynamic:all::30086',
    'out-of-range:insideOther:all:statsd:30052',
    'port-conflict:conflict:lab:syslog:30120',
  ]);
});

test('per-cluster sections: a service in two sections runs in both, with an override where its port differs', () => {
  const clusters = imported('per-cluster.md');
  assert.deepEqual(clusters.unplaced, []);
  const services = clusters.registry.services!;
  assert.deepEqual(services.grafana, { range: 'platform', clusters: ['forge', 'studio'], port: { port: 30040, overrides: { studio: 30042 } }, notes: 'dashboards' });
  assert.deepEqual(services.vault!.clusters, ['forge', 'studio']);
  assert.deepEqual(services.jupyter!.clusters, ['studio']);
  assert.equal(services.vllm!.notes, 'inference API');
  assert.deepEqual(clusters.registry.reserved, [{ ports: 30099, reason: "kept free for the ingress controller's health port" }]);
  assert.ok(findings('per-cluster.md').includes('cross-cluster-inconsistency:differs:all:grafana:30040'));
});

test('a mess of stray lines: each line that looks like ports is listed with its place, prose by number', () => {
  assert.ok(readFileSync(fixture('port-doc', 'messy.md'), 'utf8').includes('\r\n'), 'the fixture keeps its Windows line ends');
  const mess = imported('messy.md');
  assert.deepEqual(
    mess.unplaced.map((u) => `${u.line}:${u.column}`),
    ['10:1', '18:1', '19:1', '20:1', '25:18', '29:1', '35:11', '38:17'],
  );
  assert.match(mess.unplaced.find((u) => u.line === 10)!.reason, /"30100-3019" is not a port or span/);
  assert.deepEqual(mess.prose, [1, 3, 36]);
  // Windows line ends are read; "cafÃ©" and a no-break space are repaired, U+FFFD only reported.
  assert.deepEqual(
    mess.repairs.map((r) => [r.line, r.repaired]),
    [[11, 'é'], [34, '\u00a0'], [36, undefined]],
  );
  assert.equal(mess.registry.ranges!['tools-cafe']!.description, 'Tools — café');
  assert.deepEqual(Object.keys(mess.registry.services!), ['grafana', 'minio', 'prometheus', 'jenkins', 'sonar']);
});

test('a document that names no cluster gets one cluster, so that check still compares its ports', () => {
  const doc = importPortDocument('x.md', '## Web (8000-8099)\n\n- api: 8001\n- admin: 8001\n');
  assert.deepEqual(Object.keys(doc.registry.clusters!), ['default']);
  assert.deepEqual(doc.decisions.map((d) => d.line), [1]);
  const registry = registryOf(doc.registry);
  assert.deepEqual(checkRegistry(registry).findings.filter((f) => f.ruleId === 'port-conflict').map((f) => f.port), [8001]);
});

for (const name of ['seed/port-mapping-strategy.md', 'tables-only.md', 'per-cluster.md', 'messy.md']) {
  test(`${name}: what docs writes from the import imports to the same registry`, () => {
    const registry = registryOf(imported(name).registry);
    const back = throughDocument(registry);
    assert.deepEqual(back.imported.unplaced, []);
    assert.deepEqual(shape(back.registry), shape(registry));
  });
}

test('import writes portolan.yaml with the schema comment and `docs:`, and reports to stderr', async () => {
  const dir = tempFolder({ 'docs/ports.md': read(fixture('port-doc', 'seed', 'port-mapping-strategy.md')) });
  const run = await runCli(['import', 'docs/ports.md'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  const text = read(join(dir, 'portolan.yaml'));
  assert.match(text, /^# yaml-language-server: \$schema=/);
  assert.match(text, /^docs:\n {2}file: docs\/ports\.md\n {2}title: Port Mapping Strategy$/m);
  assert.match(run.stderr, /^docs\/ports\.md:3:54: repaired "â†’" as "→"/m);
  assert.match(run.stderr, /^prose, not imported: lines 3-4, 6, 10, 139, 141-145, 149-151, 153, 155-156$/m);
  // The seed's 20 errors, and its Grafana address through the mesh at the node port 30040.
  assert.match(run.stderr, /^check: 21 error\(s\), 25 warning\(s\)/m);
  // The registry it wrote is a working one; `docs --write` never replaces the hand-written document
  // silently: it says how to adopt it, and `--adopt` marks it, keeping its prose.
  const check = await runCli(['check'], dir);
  assert.equal(check.code, 1);
  const refused = await runCli(['docs', '--write'], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^portolan: docs\/ports\.md:1:1: docs\/ports\.md has no portolan markers/m);
  assert.match(refused.stderr, /--adopt/);
  assert.equal(read(join(dir, 'docs/ports.md')), read(fixture('port-doc', 'seed', 'port-mapping-strategy.md')));
  assert.equal((await runCli(['docs', '--write', '--adopt'], dir)).code, 0);
  const adopted = read(join(dir, 'docs/ports.md'));
  assert.match(adopted, /^> Generated from `portolan\.yaml` by `portolan docs`/m);
  assert.match(adopted, /^# Port Mapping Strategy$/m);
  assert.match(adopted, /^## Port Conflicts$/m);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0);
});

test('import --out - prints the registry; an existing file is kept unless --force', async () => {
  const dir = tempFolder({ 'ports.md': read(fixture('port-doc', 'tables-only.md')), 'portolan.yaml': 'version: 1\n' });
  const refused = await runCli(['import', 'ports.md'], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /portolan\.yaml exists/);
  assert.equal(read(join(dir, 'portolan.yaml')), 'version: 1\n');
  // A missing document is the mistake reported, even where portolan.yaml exists.
  const missing = await runCli(['import', 'no-such.md'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^portolan: no-such\.md: no such file or folder$/m);
  const printed = await runCli(['import', 'ports.md', '--out', '-'], dir);
  assert.equal(printed.code, 0);
  assert.match(printed.stdout, /^ {2}syslog:$/m);
  const itself = await runCli(['import', 'ports.md', '--out', 'ports.md', '--force'], dir);
  assert.equal(itself.code, 2);
  assert.match(itself.stderr, /is the document itself/);
  const forced = await runCli(['import', 'ports.md', '--force'], dir);
  assert.equal(forced.code, 0);
  assert.equal(read(join(dir, 'portolan.yaml')), printed.stdout);
});

test('import --strict fails on the mess with file:line:column for each line, and writes nothing', async () => {
  const dir = tempFolder({ 'messy.md': read(fixture('port-doc', 'messy.md')) });
  const run = await runCli(['import', 'messy.md', '--strict'], dir);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^portolan: messy\.md:36:12: text spoiled by a wrong encoding/m);
  assert.match(run.stderr, /^portolan: messy\.md:20:1: not placed: 99999 is not a port \(1-65535\): redis: 99999$/m);
  assert.match(run.stderr, /^9 errors$/m);
  assert.equal(existsSync(join(dir, 'portolan.yaml')), false);
  // Without --strict the same document imports, listing the same lines.
  const lenient = await runCli(['import', 'messy.md'], dir);
  assert.equal(lenient.code, 0);
  assert.match(lenient.stderr, /^messy\.md:20:1: not placed: /m);
});

test('import: a missing, binary or empty document is exit 2 with its place, and nothing is written', async () => {
  const dir = tempFolder({ 'notes.md': '# Notes\n\nNothing about ports here.\n' });
  writeFileSync(join(dir, 'binary.md'), Buffer.from('# Ports\nab\u0000cd\n'));
  const missing = await runCli(['import', 'nope.md'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^portolan: nope\.md: no such file or folder$/m);
  const binary = await runCli(['import', 'binary.md'], dir);
  assert.equal(binary.code, 2);
  assert.match(binary.stderr, /^portolan: binary\.md:2:3: binary\.md is not a text file/m);
  const empty = await runCli(['import', 'notes.md'], dir);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^portolan: notes\.md:1:1: notes\.md: found no port ranges and no services/m);
  assert.equal(existsSync(join(dir, 'portolan.yaml')), false);
});

test('import reads a Windows-1252 file and says so', async () => {
  const dir = tempFolder();
  writeFileSync(join(dir, 'latin.md'), Buffer.from('## Caf\xe9 (8000-8099)\n\n- menu: 8001 \x96 the menu\n', 'latin1'));
  const run = await runCli(['import', 'latin.md', '--out', '-'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^latin\.md:1: note: the file is not UTF-8; it was read as Windows-1252$/m);
  assert.match(run.stdout, /description: Café/);
  assert.match(run.stdout, /notes: the menu/);
});

test('entries in headings of every level, the title excepted; a count, a version or an IP address is no port', () => {
  const doc = importPortDocument(
    'x.md',
    '# Homelab: 2024 edition\n\n# Gitea: 30300\n\n## Vault: 30820 -> https\n\n###### Jellyfin (30896)\n\nOn k3s v1.31, node 192.168.1.20, 3 replicas.\n\n- replicas: 3\n',
  );
  assert.equal(doc.settings.title, 'Homelab: 2024 edition');
  assert.deepEqual(doc.registry.services, {
    gitea: { port: 30300 },
    vault: { ports: { https: 30820 } },
    jellyfin: { port: 30896, notes: 'On k3s v1.31, node 192.168.1.20, 3 replicas.' },
  });
  assert.deepEqual(doc.unplaced, []);
});
