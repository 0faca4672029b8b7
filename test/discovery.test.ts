import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRegistry } from '../src/registry/load.ts';
import { ruleIds } from '../src/rules/index.ts';
import { fillTemplate } from '../src/sources/gitops-repo/applicationset.ts';
import { scanRepo } from '../src/sources/gitops-repo/index.ts';
import { runCli, tempFolder } from './helpers.ts';

const service = (name: string, nodePort: number, type = 'NodePort') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  ports:\n    - port: 80\n      nodePort: ${nodePort}\n`;
const gotkSync = (path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const application = (name: string, path: string, destination: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\nspec:\n  source:\n    path: ${path}\n  destination:\n    ${destination}\n`;
const byCluster = (dir: string, registry?: string) => {
  const observed = scanRepo(dir, registry ? { registry: parseRegistry(join(dir, 'portolan.yaml'), registry, { ruleIds }) } : {});
  return { observed, ports: observed.claims.filter((c) => c.source !== 'kind-config').map((c) => `${c.cluster}:${c.service}:${c.port}`).sort() };
};

test('a Flux root is found by its gotk-sync.yaml at any depth, and cluster folders one level down', () => {
  const dir = tempFolder({
    'deploy/k8s/envs/prod/flux-system/gotk-sync.yaml': gotkSync('./deploy/k8s/envs/prod'),
    'deploy/k8s/envs/prod/web.yaml': service('web', 30080),
    'platform/flux-system/gotk-sync.yaml': gotkSync('./does/not/exist'),
    'platform/ingress.yaml': service('ingress', 30443),
    'kubernetes/clusters/lab/grafana.yaml': service('grafana', 30080),
    'k8s/clusters/edge/grafana.yaml': service('grafana', 30081),
    'deep/down/clusters/nope/svc.yaml': service('nope', 30999),
  });
  const { observed, ports } = byCluster(dir);
  assert.deepEqual(ports, ['edge:grafana:30081', 'lab:grafana:30080', 'platform:ingress:30443', 'prod:web:30080']);
  assert.deepEqual(observed.clusterOrigins.get('prod'), ['Flux root deploy/k8s/envs/prod/flux-system/gotk-sync.yaml']);
  assert.deepEqual(observed.clusterOrigins.get('lab'), ['folder kubernetes/clusters/lab']);
  assert.deepEqual(observed.clusterRoots.get('platform'), ['platform']);
  // Two clusters, one port each: not a conflict, and nothing lands in a `default` cluster.
  assert.equal(observed.clusters.includes('default'), false);
});

test('tests, fixtures, examples and archives are left out by default; scan.exclude replaces the list and --exclude adds to it', async () => {
  const files = {
    'clusters/lab/app.yaml': service('app', 30080),
    'clusters/lab/tests/e2e.yaml': service('e2e', 30080),
    'examples/clusters/demo/svc.yaml': service('demo', 30081),
    'archive/old.yaml': service('old', 30080),
    'clusters/lab/staging/extra.yaml': service('extra', 30090),
  };
  const { observed, ports } = byCluster(tempFolder(files));
  assert.deepEqual(ports, ['lab:app:30080', 'lab:extra:30090']);
  assert.deepEqual(observed.excluded.map((e) => `${e.path} ${e.glob} ${e.files}`), ['archive **/archive 1', 'clusters/lab/tests **/tests 1', 'examples **/examples 1']);
  const registry = 'version: 1\nclusters: { lab: {} }\nscan:\n  exclude: [archive]\nservices: {}\n';
  assert.deepEqual(byCluster(tempFolder({ ...files, 'portolan.yaml': registry }), registry).ports, ['lab:app:30080', 'lab:e2e:30080', 'lab:extra:30090']);
  const dir = tempFolder({ ...files, 'portolan.yaml': 'version: 1\nranges: { web: { ports: 30000-30099 } }\nclusters: { lab: {} }\nrules: { dynamic-band: off }\nservices:\n  app: { range: web, clusters: [lab], port: 30080 }\n' });
  const run = await runCli(['check', '--repo', '.', '--exclude', 'clusters/lab/staging', '--format', 'json'], dir);
  assert.deepEqual((JSON.parse(run.stdout) as { findings: unknown[] }).findings, []);
  const without = await runCli(['check', '--repo', '.', '--format', 'json'], dir);
  assert.deepEqual((JSON.parse(without.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId), ['unregistered-port']);
});

test('Argo CD destinations: by name, by a cluster Secret\'s server (base64 too), in-cluster; a URL is never a cluster name', () => {
  const dir = tempFolder({
    'apps/a/svc.yaml': service('a', 30001),
    'apps/b/svc.yaml': service('b', 30002),
    'apps/c/svc.yaml': service('c', 30003),
    'apps/d/svc.yaml': service('d', 30004),
    'argocd/a.yaml': application('a', 'apps/a', 'server: https://192.168.1.50:6443'),
    'argocd/b.yaml': application('b', 'apps/b', 'server: https://10.0.0.9:6443/'),
    'argocd/c.yaml': application('c', 'apps/c', 'server: https://kubernetes.default.svc'),
    'argocd/d.yaml': application('d', 'apps/d', 'name: edge'),
    'argocd/nuc.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: nuc-cluster\n  labels:\n    argocd.argoproj.io/secret-type: cluster\ndata:\n  name: bnVj\n  server: aHR0cHM6Ly8xOTIuMTY4LjEuNTA6NjQ0Mw==\n',
  });
  const { observed, ports } = byCluster(dir);
  assert.deepEqual(ports, ['edge:d:30004', 'in-cluster:c:30003', 'nuc:a:30001']);
  assert.deepEqual(observed.skipped.map((s) => s.reason), ['Argo CD destination not known']);
  assert.match(observed.skipped[0]!.text, /b: destination server https:\/\/10\.0\.0\.9:6443 is no cluster's/);
  assert.equal(observed.clusterServers.get('nuc'), 'https://192.168.1.50:6443');
  // With a registry, a cluster's `server` names it.
  const registry = 'version: 1\nclusters:\n  lab: { server: "https://10.0.0.9:6443" }\nservices: {}\n';
  assert.deepEqual(byCluster(dir, registry).ports, ['lab:b:30002']);
});

test('ApplicationSet templates: go-template and fasttemplate forms fill in; what cannot be filled stays and is never a cluster', () => {
  const parameters = { path: 'apps/nuc/jellyfin', 'path.path': 'apps/nuc/jellyfin', 'path.basename': 'jellyfin', 'path[1]': 'nuc', 'path.segments[1]': 'nuc', name: 'Edge_1' };
  assert.equal(fillTemplate('{{ index .path.segments 1 }}-{{ .path.basename }}', parameters), 'nuc-jellyfin');
  assert.equal(fillTemplate('{{path[1]}}/{{path.basename}}', parameters), 'nuc/jellyfin');
  assert.equal(fillTemplate('{{- .name | normalize -}}', parameters), 'Edge-1');
  assert.equal(fillTemplate('{{ .name | lower }}', parameters), 'edge_1');
  assert.equal(fillTemplate('{{ .values.cluster | default "edge" }}', parameters), '{{ .values.cluster | default "edge" }}');
  const dir = tempFolder({
    'apps/nuc/web/svc.yaml': service('web', 30080),
    'apps/edge/web/svc.yaml': service('web', 30081),
    'argocd/set.yaml':
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\nspec:\n  goTemplate: true\n  generators:\n    - git:\n        directories:\n          - path: apps/*/*\n  template:\n    metadata:\n      name: '{{ index .path.segments 1 }}-{{ .path.basename }}'\n    spec:\n      source:\n        path: '{{ .path.path }}'\n      destination:\n        name: '{{ index .path.segments 1 }}'\n",
    'argocd/odd.yaml':
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: odd\nspec:\n  generators:\n    - list:\n        elements:\n          - app: web\n  template:\n    metadata:\n      name: odd\n    spec:\n      source:\n        path: apps/nuc/web\n      destination:\n        name: '{{ .cluster.name }}'\n",
  });
  const { observed, ports } = byCluster(dir);
  assert.deepEqual(ports, ['edge:web:30081', 'nuc:web:30080']);
  assert.deepEqual(observed.skipped.map((s) => `${s.reason}: ${s.text}`), ['ApplicationSet template not expanded: {{ .cluster.name }}']);
});

test('a cluster generator uses the registry\'s clusters and the cluster Secrets, by selector', () => {
  const dir = tempFolder({
    'apps/web/svc.yaml': service('web', 30080),
    'argocd/prod.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: prod\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n    env: prod\nstringData:\n  name: prod\n  server: https://prod.example:6443\n',
    'argocd/dev.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: dev\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n    env: dev\nstringData:\n  name: dev\n  server: https://dev.example:6443\n',
    'argocd/set.yaml':
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: web\nspec:\n  generators:\n    - clusters:\n        selector:\n          matchLabels:\n            env: prod\n  template:\n    metadata:\n      name: 'web-{{name}}'\n    spec:\n      source:\n        path: apps/web\n      destination:\n        server: '{{server}}'\n",
  });
  assert.deepEqual(byCluster(dir).ports, ['prod:web:30080']);
});

test('helmfile releases: values files, inline values and set in order; local charts with their values.yaml and literal ports; installed: false left out', () => {
  const dir = tempFolder({
    'helmfile.yaml':
      'releases:\n  - name: api\n    chart: ./charts/api\n    kubeContext: lab\n    values:\n      - values/api.yaml\n      - service: { nodePort: 30011 }\n    set:\n      - name: service.nodePort\n        value: 30012\n  - name: web\n    chart: ./charts/api\n    kubeContext: lab\n  - name: gone\n    chart: ./charts/api\n    kubeContext: lab\n    installed: false\n',
    'values/api.yaml': 'service:\n  nodePort: 30010\n',
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
    'charts/api/values.yaml': 'service:\n  type: NodePort\n  nodePort: 30000\n',
    'charts/api/templates/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  type: {{ .Values.service.type }}\n  ports:\n    - port: 80\n      nodePort: {{ .Values.service.nodePort }}\n    - port: 9090\n      name: metrics\n      nodePort: 30090\n',
  });
  const { observed, ports } = byCluster(dir);
  assert.deepEqual(ports, ['lab:api:30012', 'lab:api:30090', 'lab:web:30000', 'lab:web:30090']);
  assert.deepEqual(observed.clusterOrigins.get('lab'), ['helmfile helmfile.yaml kubeContext lab']);
  const set = observed.claims.find((c) => c.port === 30012)!;
  assert.deepEqual([set.at.line, set.portName], [10, 'service.nodePort']);
});

test('a chart folder named by clusters.NAME.paths is deployed with its values.yaml', () => {
  const files = {
    'charts/ollama/Chart.yaml': 'apiVersion: v2\nname: ollama\nversion: 0.1.0\n',
    'charts/ollama/values.yaml': 'service:\n  type: NodePort\n  nodePort: 31434\n',
    'charts/ollama/templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  type: NodePort\n  ports:\n    - port: 11434\n      nodePort: {{ .Values.service.nodePort }}\n',
  };
  const registry = 'version: 1\nclusters:\n  forge: { paths: [charts/ollama] }\nservices:\n  ollama: { clusters: [forge], port: 31434 }\n';
  const { observed, ports } = byCluster(tempFolder({ ...files, 'portolan.yaml': registry }), registry);
  assert.deepEqual(ports, ['forge:ollama:31434']);
  assert.equal(observed.deployedNames.get('forge')?.has('ollama'), true);
});

test('every document of a kind config file is read by its kind: a Service beside the Cluster runs in that cluster', () => {
  const dir = tempFolder({
    'clusters/lab/app.yaml': service('app', 30080),
    'kind/lab.yaml':
      'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: lab\nnodes:\n  - role: control-plane\n    extraPortMappings:\n      - containerPort: 30080\n        hostPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: dashboard\nspec:\n  type: NodePort\n  nodePort: 30443\n  ports:\n    - port: 443\n',
  });
  const { observed } = byCluster(dir);
  assert.deepEqual(observed.services.map((s) => `${s.cluster}:${s.object.name}:${s.strayNodePortAt?.line}`).sort(), ['lab:app:undefined', 'lab:dashboard:16']);
});

test('the registry init writes: every port of a release, kind configs relative to it, unreadable kind configs kept, one host for the kind clusters', async () => {
  const dir = tempFolder({
    'clusters/lab/loki.yaml':
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: loki, namespace: obs }\nspec:\n  chart: { spec: { chart: loki, sourceRef: { kind: HelmRepository, name: grafana } } }\n  values:\n    gateway:\n      service: { type: NodePort, nodePort: 30100 }\n    service: { type: NodePort, nodePort: 30101 }\n    monitoring:\n      nodePorts: { http: 30102 }\n',
    'clusters/edge/app.yaml': service('app', 30200),
    'infra/kind/lab.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: lab\nnodes:\n  - role: control-plane\n    extraPortMappings:\n      - { containerPort: 30100, hostPort: 30100 }\n      - { containerPort: 30101, hostPort: 30101 }\n      - { containerPort: 30102, hostPort: 30102 }\n',
    'infra/kind/edge.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: edge\nnodes:\n\t- role: control-plane\n',
  });
  const run = await runCli(['init'], dir);
  assert.equal(run.code, 0, run.stderr);
  const registry = parseRegistry('portolan.yaml', readFileSync(join(dir, 'portolan.yaml'), 'utf8'), { ruleIds });
  assert.deepEqual(registry.clusters.map((c) => [c.name, c.kindConfig, c.host, c.paths]), [
    ['edge', 'infra/kind/edge.yaml', 'localhost', ['clusters/edge']],
    ['lab', 'infra/kind/lab.yaml', 'localhost', ['clusters/lab']],
  ]);
  const loki = registry.services.find((s) => s.name === 'loki')!;
  assert.deepEqual(loki.ports.map((p) => `${p.name}:${p.port}`), ['gateway-service:30100', 'service:30101', 'http:30102']);
  assert.equal(loki.namespace, 'obs');
  assert.match(run.stdout, /could not read\n  infra\/kind\/edge\.yaml:5:1/);
  const check = await runCli(['check', '--repo', '.', '--format', 'json'], dir);
  assert.deepEqual((JSON.parse(check.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId), ['unparsable-file']);
});

test('scan says how each cluster was found; scan --format registry says it is the old form of init', async () => {
  const dir = tempFolder({ 'k8s/clusters/lab/flux-system/gotk-sync.yaml': gotkSync('./k8s/clusters/lab'), 'k8s/clusters/lab/app.yaml': service('app', 30080) });
  const scan = await runCli(['scan', '.'], dir);
  assert.match(scan.stdout, /cluster lab \(k8s\/clusters\/lab\)\n  found by Flux root k8s\/clusters\/lab\/flux-system\/gotk-sync\.yaml\n/);
  const json = JSON.parse((await runCli(['scan', '.', '--format', 'json'], dir)).stdout) as { clusters: { name: string; foundBy: string[] }[] };
  assert.deepEqual(json.clusters.map((c) => [c.name, c.foundBy]), [['lab', ['Flux root k8s/clusters/lab/flux-system/gotk-sync.yaml']]]);
  const old = await runCli(['scan', '.', '--format', 'registry'], dir);
  assert.equal(old.code, 0);
  assert.match(old.stderr, /old form of `portolan init --repo DIR --dry-run`/);
  assert.equal(old.stdout, (await runCli(['init', '--dry-run'], dir)).stdout);
});

test('in-cluster is the cluster whose folder holds the Application', () => {
  const dir = tempFolder({
    'clusters/mgmt/argocd/web.yaml': application('web', 'apps/web', 'server: https://kubernetes.default.svc'),
    'apps/web/svc.yaml': service('web', 30080),
  });
  assert.deepEqual(byCluster(dir).ports, ['mgmt:web:30080']);
});

test('init: a missing repository or document is a clear error, exit 2, nothing written; names from the repository never reach the terminal raw', async () => {
  const dir = tempFolder({ 'clusters/lab/svc.yaml': service('web', 30080) });
  const missing = await runCli(['init', '--repo', 'nope'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^portolan: nope: no such file or folder$/m);
  const noDoc = await runCli(['init', '--doc', 'PORTS.md'], dir);
  assert.equal(noDoc.code, 2);
  assert.match(noDoc.stderr, /^portolan: PORTS\.md: no such file or folder$/m);
  assert.equal(existsSync(join(dir, 'portolan.yaml')), false);
  const odd = tempFolder({ 'clusters/lab\u001b[2J/svc.yaml': service('web', 30080) });
  const scan = await runCli(['scan', '.'], odd);
  assert.doesNotMatch(scan.stdout, /\u001b/);
  assert.match(scan.stdout, /cluster lab\\e\[2J/);
});

test('what is left out is still read where a deployed kustomization refers to it, and a cluster named test is a cluster', () => {
  const dir = tempFolder({
    'clusters/test/kustomization.yaml': 'resources: [../../apps/test]\n',
    'apps/test/svc.yaml': service('smoke', 30080),
    'apps/tests/unused.yaml': service('unused', 30081),
  });
  const { observed, ports } = byCluster(dir);
  assert.deepEqual(ports, ['test:smoke:30080']);
  assert.deepEqual(observed.excluded.map((e) => e.path), ['apps/tests']);
  assert.deepEqual(observed.undeployed, []);
});

test('a FluxInstance names its cluster\'s root in spec.sync.path', () => {
  const dir = tempFolder({
    'bootstrap/flux-instance.yaml':
      'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: "2.x"\n  sync:\n    kind: GitRepository\n    url: https://github.com/example/fleet.git\n    ref: refs/heads/main\n    path: fleet/hub\n',
    'fleet/hub/app.yaml': service('app', 30080),
  });
  const { observed, ports } = byCluster(dir);
  assert.deepEqual(ports, ['hub:app:30080']);
  assert.deepEqual(observed.clusterOrigins.get('hub'), ['Flux root bootstrap/flux-instance.yaml']);
});
