import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inSpans } from '../../src/core/span.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { ruleIds } from '../../src/rules/index.ts';
import { fixture, planted, runCli, tempFolder } from '../helpers.ts';

interface JsonFinding {
  ruleId: string;
  severity: string;
  locations: { file: string; line: number }[];
}

/**
 * Each fixture copies a real layout, with mistakes planted (`# planted: RULE-ID` on the line a
 * finding must point at) and traps that must stay silent. `findings` is the exact list, by rule
 * and first place, that `init` then `check --repo .` must give; docs/accuracy.md tabulates them.
 */
const FIXTURES: Record<string, { findings: string[]; clusters: string[] }> = {
  'flux-nested': {
    clusters: ['forge', 'pro', 'studio'],
    findings: [
      'invalid-service kubernetes/clusters/forge/kind-config.yaml:24',
      'unparsable-file kubernetes/clusters/pro/kind-config.yaml:6',
      'kind-unmapped-nodeport kubernetes/apps/studio/agent-jamie.yaml:14',
      'hostport-offset kubernetes/clusters/studio/kind-config.yaml:17',
    ],
  },
  'argocd-appsets': {
    clusters: ['edge', 'in-cluster', 'nuc'],
    findings: ['invalid-service apps/edge/homeassistant/service.yaml:16', 'port-conflict apps/nuc/immich/service.yaml:16'],
  },
  'helmfile-charts': {
    clusters: ['homelab'],
    findings: [
      'port-conflict charts/legacy-api/templates/service.yaml:12',
      'kind-stale-mapping kind/homelab.yaml:20',
      'kind-unmapped-nodeport values/homepage.yaml:2',
    ],
  },
  'kind-ingress': {
    clusters: ['dev', 'staging'],
    findings: [
      'hostport-collision kind/dev.yaml:21',
      'kind-unmapped-nodeport infrastructure/controllers/staging/ingress-nginx-values.yaml:13',
      'kind-stale-mapping kind/staging.yaml:19',
    ],
  },
  'flux-aliases': {
    clusters: ['forge', 'pro', 'studio'],
    findings: ['port-conflict apps/base/kube-prometheus-stack/helmrelease.yaml:21'],
  },
};

/** Copies a fixture repository into a fresh folder, runs `portolan init` there, and returns the folder. */
async function initialised(name: string): Promise<{ dir: string; stdout: string }> {
  const dir = join(tempFolder(), name);
  cpSync(fixture('repos', name), dir, { recursive: true });
  const run = await runCli(['init'], dir);
  assert.equal(run.code, 0, run.stderr);
  return { dir, stdout: run.stdout };
}

for (const [name, expected] of Object.entries(FIXTURES)) {
  test(`init then check --repo on ${name}: every planted mistake, and nothing else`, async () => {
    const { dir } = await initialised(name);
    const registry = parseRegistry('portolan.yaml', readFileSync(join(dir, 'portolan.yaml'), 'utf8'), { ruleIds });
    assert.deepEqual(registry.clusters.map((c) => c.name), expected.clusters);
    const check = await runCli(['check', '--repo', '.', '--format', 'json'], dir);
    const { findings } = JSON.parse(check.stdout) as { findings: JsonFinding[] };
    assert.equal(check.code, findings.some((f) => f.severity === 'error') ? 1 : 0, check.stderr);
    const got = findings.map((f) => `${f.ruleId} ${f.locations[0]!.file}:${f.locations[0]!.line}`);
    assert.deepEqual(got.sort(), [...expected.findings].sort());
    // Every planted mark is at one of the findings' places.
    const marks = planted(dir, dir);
    const places = new Set(findings.flatMap((f) => f.locations.map((l) => `${l.file}:${l.line} ${f.ruleId}`)));
    assert.deepEqual(marks.filter((mark) => !places.has(mark)), []);
    for (const finding of findings) assert.ok(finding.locations.some((l) => marks.includes(`${l.file}:${l.line} ${finding.ruleId}`)), `unplanted: ${JSON.stringify(finding)}`);
  });
}

test('init refuses to replace a registry without --force, and --dry-run writes nothing', async () => {
  const { dir } = await initialised('flux-nested');
  const before = readFileSync(join(dir, 'portolan.yaml'), 'utf8');
  const again = await runCli(['init'], dir);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /portolan\.yaml exists/);
  const dry = await runCli(['init', '--dry-run'], dir);
  assert.equal(dry.code, 0);
  assert.equal(dry.stdout, before);
  assert.match(dry.stderr, /would write \(--dry-run\)/);
  const forced = await runCli(['init', '--force', '--exclude', 'kubernetes/clusters/pro'], dir);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /left out .*\n(  .*\n)*  kubernetes\/clusters\/pro \(5 YAML files, by kubernetes\/clusters\/pro\)\n/);
  const registry = parseRegistry('portolan.yaml', readFileSync(join(dir, 'portolan.yaml'), 'utf8'), { ruleIds });
  assert.deepEqual(registry.clusters.map((c) => c.name), ['forge', 'studio']);
  assert.deepEqual(registry.scanExclude?.slice(-1), ['kubernetes/clusters/pro']);
});

test('init --doc starts from the port document: its ranges, services and notes, with the repository\'s clusters and the services it adds', async () => {
  const dir = join(tempFolder(), 'gitops');
  cpSync(fixture('..', '..', 'examples', 'gitops'), dir, { recursive: true });
  rmSync(join(dir, 'portolan.yaml'));
  cpSync(fixture('port-doc', 'seed', 'port-mapping-strategy.md'), join(dir, 'PORTS.md'));
  const run = await runCli(['init', '--doc', 'PORTS.md'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /from PORTS\.md: 10 ranges, 29 services; added from the repository: otel-collector\n/);
  const registry = parseRegistry('portolan.yaml', readFileSync(join(dir, 'portolan.yaml'), 'utf8'), { ruleIds });
  assert.equal(registry.docs, 'PORTS.md');
  assert.equal(registry.services.length, 30);
  assert.deepEqual(registry.clusters.map((c) => [c.name, c.kindConfig ?? null, c.paths ?? null]), [
    ['forge', 'kind/forge.yaml', ['clusters/forge']],
    ['studio', 'kind/studio.yaml', ['clusters/studio']],
    ['pro', null, null],
  ]);
  const otel = registry.services.find((s) => s.name === 'otel-collector')!;
  assert.equal(otel.range, registry.ranges.find((r) => inSpans(30431, r.spans))?.name);
  assert.ok(otel.range !== undefined);
  // The document's own notes come first, as written.
  assert.equal(registry.notes[0], "Reserve ranges - Don't use ad-hoc ports");
});

test('docs/accuracy.md lists every fixture with the findings this test expects, all found, none false', () => {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(fixture('..', '..', 'docs', 'accuracy.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^\[([\w-]+)\]/.exec(cells[1] ?? '')?.[1];
    if (name) rows.set(name, cells.slice(3, 6));
  }
  assert.deepEqual([...rows.keys()].sort(), Object.keys(FIXTURES).sort());
  for (const [name, { findings }] of Object.entries(FIXTURES)) assert.deepEqual(rows.get(name), [String(findings.length), String(findings.length), '0'], name);
});

test('the README shows what init and check --repo print on flux-nested', async () => {
  const readme = readFileSync(fixture('..', '..', 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('$ portolan init\n')).split('```')[0]!;
  const [init, check] = block.replace('$ portolan init\n', '').split('$ portolan check --repo .\n') as [string, string];
  const dir = join(tempFolder(), 'flux-nested');
  cpSync(fixture('repos', 'flux-nested'), dir, { recursive: true });
  assert.equal((await runCli(['init'], dir)).stdout, init);
  assert.equal((await runCli(['check', '--repo', '.'], dir)).stdout, check);
});
