import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: the benchmark's generator is plain JavaScript
import { generate, generateMultiDocument } from '../bench/generate.mjs';
import { main } from '../src/cli/main.ts';
import { parseRegistry } from '../src/registry/load.ts';
import { YamlSource } from '../src/yaml/yaml-source.ts';
import { ruleIds } from '../src/rules/index.ts';
import { scanRepo } from '../src/sources/gitops-repo/index.ts';
import { runCli, tempFolder } from './helpers.ts';

const service = (name: string, nodePort: number | string, extra = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort${extra}\n  ports:\n    - port: 80\n      nodePort: ${nodePort}\n`;

/** Scans `dir` with and without the byte prefilter, and holds the two to the same claims, deployed and not. */
function sameWithoutPrefilter(dir: string, options: Parameters<typeof scanRepo>[1]) {
  const filtered = scanRepo(dir, options);
  const full = scanRepo(dir, { ...options, prefilter: false });
  const key = (claims: typeof full.claims) => claims.map((c) => JSON.stringify([c.cluster, c.kind, c.port, c.service, c.portName, c.at])).sort();
  assert.deepEqual(key(filtered.claims), key(full.claims));
  assert.deepEqual(key(filtered.undeployed), key(full.undeployed));
  return { filtered, full };
}

test('parseAll reads every document with positions counted from the start of the file', () => {
  const text = 'a: 1\n---\n# second\nb:\n  c: 2\n---\n- x\n';
  const documents = YamlSource.parseAll('f.yaml', text);
  assert.equal(documents.length, 3);
  assert.deepEqual(documents[1]!.locate(['b', 'c']), { file: 'f.yaml', line: 5, column: 6 });
  assert.deepEqual(documents[2]!.locate([0]), { file: 'f.yaml', line: 7, column: 3 });
  assert.deepEqual(YamlSource.parse('g.yaml', 'x:\n  y: 3\n').locate(['x', 'y']), { file: 'g.yaml', line: 2, column: 6 });
});

test('the raw-byte filter finds the same claims as parsing every file, on a generated repository', () => {
  const dir = join(tempFolder(), 'repo');
  const planted = generate(dir, { files: 1500, seed: 7 }) as { claims: number };
  // A registry that plans two ClusterIP Services: those are read for their names and ports.
  const registry = parseRegistry(
    'portolan.yaml',
    'version: 1\nclusters: { forge: {}, studio: {}, pro: {} }\nservices:\n  app-0-1: { clusters: [forge], exposure: ClusterIP, port: 80 }\n  web: { kubernetesName: app-1-2, clusters: [studio], exposure: ClusterIP, port: 8080 }\n',
    { ruleIds },
  );
  for (const options of [{}, { registry }]) {
    const { filtered, full } = sameWithoutPrefilter(dir, options);
    assert.ok(filtered.filesParsed < full.filesParsed / 4, `parsed ${filtered.filesParsed} of ${full.filesParsed}`);
    const nodePorts = filtered.claims.filter((c) => c.kind === 'nodePort' && c.source !== 'kind-config');
    assert.equal(nodePorts.length, planted.claims);
  }
  const withRegistry = scanRepo(dir, { registry });
  assert.deepEqual(withRegistry.claims.filter((c) => c.kind === 'servicePort').map((c) => `${c.cluster}:${c.service}:${c.port}`).sort(), ['forge:app-0-1:80', 'studio:app-1-2:80']);
  for (const [cluster, name] of [['forge', 'app-0-1'], ['studio', 'app-1-2']] as const) assert.ok(withRegistry.deployedNames.get(cluster)?.has(name));
});

test('in files of thousands of documents, only the documents that may matter are read, and the claims are the same', () => {
  const dir = join(tempFolder(), 'repo-multi');
  const planted = generateMultiDocument(dir, { bundles: 2, documents: 480 }) as { claims: number };
  // A registry that plans a ClusterIP Service of a bundle: that document is read for its name.
  const registry = parseRegistry('portolan.yaml', 'version: 1\nclusters: { forge: {}, studio: {}, pro: {} }\nservices:\n  bundle-1-app-7: { clusters: [studio], exposure: ClusterIP, port: 80 }\n', { ruleIds });
  for (const options of [{}, { registry }]) {
    const { filtered, full } = sameWithoutPrefilter(dir, options);
    assert.equal(filtered.claims.filter((c) => c.kind === 'nodePort').length, planted.claims);
    // Of 2,880 documents, the 24 NodePort Services (and the planned Service, in each of 3 clusters) are read; the rest are not.
    assert.equal(full.documentsSkipped, 0);
    assert.equal(filtered.documentsSkipped, 3 * 2 * 480 - planted.claims - ('registry' in options ? 3 : 0));
  }
  const withRegistry = scanRepo(dir, { registry });
  assert.deepEqual(withRegistry.claims.filter((c) => c.kind === 'servicePort').map((c) => `${c.cluster}:${c.service}:${c.port}`).sort(), ['forge:bundle-1-app-7:80', 'pro:bundle-1-app-7:80', 'studio:bundle-1-app-7:80']);
});

test('a skipped document before a read one leaves its positions right, with characters of several bytes', () => {
  const dir = tempFolder({
    'clusters/lab/kustomization.yaml': 'resources: [bundle.yaml]\n',
    'clusters/lab/bundle.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: grüße\ndata:\n  note: "für Zürich – ☕"\n---\n${service('web', 30080)}`,
  });
  const observed = scanRepo(dir);
  assert.equal(observed.documentsSkipped, 1);
  assert.deepEqual(observed.claims.map((c) => [c.service, c.port, c.at.line, c.at.column]), [['web', 30080, 16, 17]]);
});

test('an unparsable file is a finding with its place, and the scan goes on', async () => {
  const dir = tempFolder({
    'portolan.yaml': 'version: 1\nclusters:\n  lab: {}\nservices:\n  grafana: { clusters: [lab], port: 30040 }\n',
    'clusters/lab/broken.yaml': 'kind: Service\nspec:\n  ports:\n  - port: 1\n   nodePort: 2\n',
    'clusters/lab/debug.yaml': service('debug', 30250),
    'clusters/lab/grafana.yaml': service('grafana', 30040),
  });
  const run = await runCli(['check', '--repo', '.', '--format', 'json'], dir);
  assert.equal(run.code, 1);
  const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; locations: { file: string; line: number }[] }[] }).findings;
  assert.deepEqual(
    findings.filter((f) => f.ruleId !== 'unreserved-port').map((f) => [f.ruleId, f.locations[0]!.file, f.locations[0]!.line]),
    [
      ['unparsable-file', 'clusters/lab/broken.yaml', 5],
      ['unregistered-port', 'clusters/lab/debug.yaml', 9],
    ],
  );
});

test('anchors resolve, templates and placeholders are skipped and said so', () => {
  const dir = tempFolder({
    'svc.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nx-ports:\n  grafana: &grafana 30040\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: *grafana\n`,
    'template.yaml': `{{- if .Values.on }}\n${service('b', '{{ .Values.port }}')}{{- end }}\n`,
    'placeholder.yaml': service('c', '${C_PORT}'),
  });
  const observed = scanRepo(dir);
  assert.deepEqual(observed.claims.filter((c) => c.kind === 'nodePort').map((c) => [c.service, c.port]), [['a', 30040]]);
  assert.deepEqual(observed.skipped.map((s) => [s.reason, s.text, s.at.file, s.at.line]).sort(), [
    ['Helm template expression', '{{ .Values.port }}', join(dir, 'template.yaml'), 10],
    ['placeholder', '${C_PORT}', join(dir, 'placeholder.yaml'), 9],
  ]);
  assert.deepEqual(observed.problems, []);
});

test('a strategic merge patch sets the nodePort for the overlay that applies it, and namespaces follow kustomize', () => {
  const dir = tempFolder({
    'base/kustomization.yaml': 'resources: [svc.yaml]\n',
    'base/svc.yaml': service('grafana', 30040),
    'clusters/lab/kustomization.yaml': 'namespace: monitoring\nresources: [../../base]\npatchesStrategicMerge:\n  - port.yaml\n',
    'clusters/lab/port.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: grafana\nspec:\n  ports:\n    - port: 80\n      nodePort: 30140\n',
    'clusters/edge/kustomization.yaml': 'resources: [../../base]\n',
  });
  const observed = scanRepo(dir);
  const ports = observed.claims.map((c) => [c.cluster, c.port, c.object?.namespace ?? null, c.at.file.endsWith('port.yaml')]).sort();
  assert.deepEqual(ports, [
    ['edge', 30040, null, false],
    ['lab', 30140, 'monitoring', true],
  ]);
});

test('an ApplicationSet list generator fills the template per element', () => {
  const dir = tempFolder({
    'apps/web/svc.yaml': service('web', 30080),
    'argocd/web.yaml': `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: web\nspec:\n  generators:\n    - list:\n        elements:\n          - cluster: lab\n          - cluster: edge\n  template:\n    metadata:\n      name: 'web-{{cluster}}'\n    spec:\n      source:\n        path: apps/web\n      destination:\n        name: '{{cluster}}'\n`,
  });
  const observed = scanRepo(dir);
  assert.deepEqual(observed.claims.map((c) => `${c.cluster}:${c.port}`).sort(), ['edge:30080', 'lab:30080']);
});

test('scan --format registry writes a registry that check --repo finds in step with the repository', async () => {
  const repo = 'test/fixtures/repos/kind-hosts';
  const run = await runCli(['scan', repo, '--format', 'registry']);
  assert.equal(run.code, 0, run.stderr);
  const registry = parseRegistry('generated.yaml', run.stdout, { ruleIds });
  assert.deepEqual(registry.clusters.map((c) => [c.name, c.host, c.kindConfig]), [
    ['forge', 'nuc', 'kind/forge.yaml'],
    ['pro', 'nuc', 'kind/pro.yaml'],
    ['studio', 'nuc', 'kind/studio.yaml'],
  ]);
  const dir = tempFolder({ 'portolan.yaml': run.stdout });
  const check = await runCli(['check', join(dir, 'portolan.yaml'), '--repo', join(process.cwd(), repo), '--format', 'json']);
  const drift = (JSON.parse(check.stdout) as { findings: { ruleId: string }[] }).findings.filter((f) =>
    ['unregistered-port', 'port-mismatch', 'not-deployed'].includes(f.ruleId),
  );
  assert.deepEqual(drift, []);
});

test('scan --output refuses to overwrite, and writes nothing on a usage error', async () => {
  const dir = tempFolder({ 'portolan.yaml': 'version: 1\n' });
  const run = await runCli(['scan', '.', '--format', 'registry', '--output', 'portolan.yaml'], dir);
  assert.equal(run.code, 2);
  assert.equal(readFileSync(join(dir, 'portolan.yaml'), 'utf8'), 'version: 1\n');
  const text = await runCli(['scan', '.', '--output', 'new.yaml'], dir);
  assert.equal(text.code, 2);
  assert.equal(existsSync(join(dir, 'new.yaml')), false);
});

test('a progress line goes to a terminal stderr only, never into JSON', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 1000; i++) files[`clusters/lab/f${i}.yaml`] = 'kind: ConfigMap\n';
  const dir = tempFolder(files);
  const capture = async (progress: boolean, format: string) => {
    let stdout = '';
    let stderr = '';
    await main(['scan', '.', '--format', format], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false, cwd: dir, progress });
    return { stdout, stderr };
  };
  assert.match((await capture(true, 'text')).stderr, /scanning: \d+\/1000 files/);
  assert.equal((await capture(false, 'text')).stderr, '');
  const json = await capture(true, 'json');
  assert.equal(json.stderr, '');
  assert.doesNotThrow(() => JSON.parse(json.stdout));
});

test('inline patches in a kustomization and a Flux Kustomization point at the line inside the patch', () => {
  const dir = tempFolder({
    'base/svc.yaml': service('grafana', 30040),
    'apps/lab/kustomization.yaml': 'resources: [../../base/svc.yaml]\npatches:\n  - target: { kind: Service, name: grafana }\n    patch: |\n      - op: replace\n        path: /spec/ports/0/nodePort\n        value: 30140\n',
    'clusters/lab/apps.yaml':
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: apps }\nspec:\n  path: ./base\n  patches:\n    - target: { kind: Service }\n      patch: |\n        apiVersion: v1\n        kind: Service\n        metadata: { name: grafana }\n        spec:\n          ports:\n            - port: 80\n              nodePort: 30240\n',
    'clusters/edge/kustomization.yaml': 'resources: [../../apps/lab]\n',
  });
  const observed = scanRepo(dir);
  const where = observed.claims.map((c) => [c.cluster, c.port, c.at.file.replace(`${dir}/`, ''), c.at.line, c.at.column]).sort();
  assert.deepEqual(where, [
    ['edge', 30140, 'apps/lab/kustomization.yaml', 7, 16],
    ['lab', 30240, 'clusters/lab/apps.yaml', 15, 25],
  ]);
});

test('Flux post-build substitution fills nodePorts and Helm values; kustomize helmCharts values count', () => {
  const dir = tempFolder({
    'clusters/lab/apps.yaml':
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: apps }\nspec:\n  path: ./apps\n  postBuild:\n    substitute:\n      GRAFANA_PORT: "30040"\n',
    'apps/grafana.yaml': service('grafana', '${GRAFANA_PORT}'),
    'apps/loki.yaml': service('loki', '${LOKI_PORT:=30042}'),
    'apps/tempo.yaml': service('tempo', '${TEMPO_PORT}'),
    'apps/kustomization.yaml': 'resources: [grafana.yaml, loki.yaml, tempo.yaml]\nhelmCharts:\n  - name: redis\n    releaseName: cache\n    valuesInline:\n      master:\n        service:\n          type: NodePort\n          nodePorts:\n            redis: 30062\n',
  });
  const observed = scanRepo(dir);
  assert.deepEqual(observed.claims.map((c) => `${c.service}:${c.port}:${c.at.line}`).sort(), ['cache:30062:10', 'grafana:30040:9', 'loki:30042:9']);
  assert.deepEqual(observed.skipped.map((s) => s.text), ['${TEMPO_PORT}']);
});

test('registry paths (globs and folders) say which files a cluster deploys', () => {
  const dir = tempFolder({
    'portolan.yaml': 'version: 1\nclusters:\n  lab: { paths: ["apps/*/lab", base] }\n  edge: { paths: [apps/**/edge.yaml] }\nservices: {}\n',
    'base/a.yaml': service('a', 30001),
    'apps/web/lab/svc.yaml': service('web', 30002),
    'apps/web/edge.yaml': service('web-edge', 30003),
    'apps/db/nested/edge.yaml': service('db-edge', 30004),
    'other/svc.yaml': service('other', 30005),
  });
  const registry = parseRegistry('portolan.yaml', readFileSync(join(dir, 'portolan.yaml'), 'utf8'), { ruleIds });
  const observed = scanRepo(dir, { registry });
  assert.deepEqual(observed.claims.map((c) => `${c.cluster}:${c.service}`).sort(), ['edge:db-edge', 'edge:web-edge', 'lab:a', 'lab:web']);
  assert.deepEqual(observed.undeployed.map((c) => c.service), ['other']);
});

test('a HelmRelease loads values from a ConfigMap that kustomize generates from a file', () => {
  const dir = tempFolder({
    'clusters/lab/kustomization.yaml': 'resources: [grafana.yaml]\nconfigMapGenerator:\n  - name: grafana-values\n    files:\n      - values.yaml=grafana-values.yaml\n',
    'clusters/lab/grafana-values.yaml': 'service:\n  type: NodePort\n  nodePort: 30040\n',
    'clusters/lab/unused-values.yaml': 'service:\n  nodePort: 30999\n',
    'clusters/lab/grafana.yaml':
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: grafana }\nspec:\n  chart: { spec: { chart: grafana, sourceRef: { kind: HelmRepository, name: grafana } } }\n  valuesFrom:\n    - kind: ConfigMap\n      name: grafana-values\n',
  });
  const observed = scanRepo(dir);
  assert.deepEqual(observed.claims.map((c) => [c.service, c.port, c.portName, c.at.file.replace(`${dir}/`, ''), c.at.line]), [
    ['grafana', 30040, 'service.nodePort', 'clusters/lab/grafana-values.yaml', 3],
  ]);
});
