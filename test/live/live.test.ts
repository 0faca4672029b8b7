import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import AjvDraft04 from 'ajv-draft-04';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkLive, readLive } from '../../src/engine/live.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { ruleIds } from '../../src/rules/index.ts';
import { read, ROOT, runCli, tempFolder } from '../helpers.ts';
import { kubeconfigFor, makeCertificates, startApiServer, type Certificates, type FakeApiServer, type FakeCluster } from './api-server.ts';
import { LIVE_RESOURCES } from '../../src/sources/live-cluster/index.ts';
import { cronJob, daemonSetWithPod, deploymentWithPods, service } from './objects.ts';

const REGISTRY = `version: 1

ranges:
  observability:
    ports: 30400-30499
  platform:
    ports: 30500-30599

clusters:
  studio:
    context: kind-studio
  forge:
    context: forge-admin@forge

services:
  grafana:
    range: observability
    namespace: observability
    port: 30400
  ingress:
    range: platform
    kubernetesName: ingress-nginx-controller
    exposure: LoadBalancer
    clusters: [forge]
    ports: { http: 30580, https: 30543 }
`;

const exporter = daemonSetWithPod('node-exporter', 'monitoring', { name: 'metrics', containerPort: 9100, hostPort: 9100 }, 'nuc-1');
const relay = deploymentWithPods('syslog-relay', 'logging', { containerPort: 514, hostPort: 5514 });

/** studio: Grafana as planned, a hand-made debug Service, a DaemonSet and a Deployment with host ports. */
const studio: FakeCluster = {
  auth: { token: 'c3R1ZGlvLXJlYWRlcg' },
  objects: {
    '/api/v1/services': [
      service('grafana', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30400, written: true }]),
      service('kubernetes', 'default', 'ClusterIP', [{ name: 'https', port: 443 }], { manager: 'kube-apiserver' }),
      service('debug', 'default', 'NodePort', [{ port: 8080, nodePort: 30455 }], { manager: 'kubectl-expose' }),
      service('kube-dns', 'kube-system', 'ClusterIP', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }]),
    ],
    '/api/v1/pods': [exporter.pod, relay.pod],
    '/apis/apps/v1/daemonsets': [exporter.daemonSet],
    '/apis/apps/v1/deployments': [relay.deployment],
    '/apis/apps/v1/replicasets': [relay.replicaSet],
    '/apis/batch/v1/cronjobs': [cronJob('backup', 'velero')],
  },
};

/** forge: the ingress controller as planned, read with a client certificate. */
const forge: FakeCluster = {
  auth: { certificateName: 'portolan-reader' },
  objects: {
    '/api/v1/services': [
      service('ingress-nginx-controller', 'ingress-nginx', 'LoadBalancer', [{ name: 'http', port: 80, nodePort: 30580, written: true }, { name: 'https', port: 443, nodePort: 30543, written: true }], { helmRelease: 'ingress-nginx' }),
      service('grafana', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30400, written: true }]),
    ],
  },
};

let certificates: Certificates;
const servers: FakeApiServer[] = [];

async function serve(cluster: FakeCluster): Promise<FakeApiServer> {
  const server = await startApiServer(certificates, cluster);
  servers.push(server);
  return server;
}

/** A folder with the registry and a kubeconfig whose contexts reach the given servers. */
function workspace(contexts: { name: string; url: string; auth: FakeCluster['auth'] }[], registry = REGISTRY): string {
  return tempFolder({ 'portolan.yaml': registry, 'kubeconfig.yaml': kubeconfigFor(certificates, contexts) });
}

before(() => {
  certificates = makeCertificates();
});
after(async () => {
  for (const server of servers) await server.close();
});

describe('reading live clusters', () => {
  it('reads two clusters through a bearer-token and a client-certificate kubeconfig, page by page', async () => {
    const [a, b] = [await serve(studio), await serve(forge)];
    const dir = workspace([
      { name: 'kind-studio', url: a.url, auth: studio.auth },
      { name: 'forge-admin@forge', url: b.url, auth: forge.auth },
    ]);
    const registry = loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir });
    const live = await readLive({ registry, kubeconfig: 'kubeconfig.yaml', cwd: dir, env: {}, pageSize: 2 });
    assert.deepEqual(live.failures, []);
    assert.deepEqual(live.clusters, ['studio', 'forge']);
    // Four Services in pages of two: the second request carries the first page's continue token.
    const serviceRequests = a.requests.filter((r) => r.startsWith('/api/v1/services'));
    assert.equal(serviceRequests.length, 2);
    assert.match(serviceRequests[0]!, /limit=2/);
    assert.match(serviceRequests[1]!, /continue=/);
    assert.equal(live.reads.find((r) => r.cluster === 'studio')!.counts.services, 4);
    const held = (cluster: string) =>
      live.claims
        .filter((c) => c.cluster === cluster && c.kind !== 'servicePort')
        .map((c) => `${c.kind} ${c.port} ${c.at.file}${c.nodePortOrigin ? ` ${c.nodePortOrigin}` : ''}`)
        .sort();
    // The DaemonSet and the Deployment stand for their Pods and ReplicaSet: one claim each.
    assert.deepEqual(held('studio'), [
      'hostPort 5514 deploy/syslog-relay -n logging',
      'hostPort 9100 ds/node-exporter -n monitoring',
      'nodePort 30400 svc/grafana -n observability written',
      'nodePort 30455 svc/debug -n default automatic',
    ]);
    assert.deepEqual(held('forge'), [
      'nodePort 30400 svc/grafana -n observability written',
      'nodePort 30543 svc/ingress-nginx-controller -n ingress-nginx written',
      'nodePort 30580 svc/ingress-nginx-controller -n ingress-nginx written',
    ]);
    assert.ok(live.deployedNames.get('forge')!.has('ingress-nginx'), 'the Helm release that made a Service stands for it too');
  });

  it('merges the files KUBECONFIG lists, the first to name a context winning', async () => {
    const [a, b] = [await serve(studio), await serve(forge)];
    // two.yaml names its certificate files relative to its own folder, as kubeadm's admin.conf may.
    const forgeByFiles = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: forge',
      '  cluster:',
      `    server: ${b.url}`,
      '    certificate-authority: pki/ca.crt',
      '- name: stale-studio',
      '  cluster:',
      '    server: https://127.0.0.1:1',
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: forge-admin',
      '  user:',
      '    client-certificate: pki/client.crt',
      '    client-key: pki/client.key',
      'contexts:',
      '- name: kind-studio',
      '  context: { cluster: stale-studio, user: forge-admin }',
      '- name: forge-admin@forge',
      '  context: { cluster: forge, user: forge-admin }',
      'current-context: forge-admin@forge',
      '',
    ].join('\n');
    const dir = tempFolder({
      'portolan.yaml': REGISTRY,
      'one.yaml': kubeconfigFor(certificates, [{ name: 'kind-studio', url: a.url, auth: studio.auth }]),
      'other/two.yaml': forgeByFiles,
      'other/pki/ca.crt': certificates.ca,
      'other/pki/client.crt': certificates.clientCert,
      'other/pki/client.key': certificates.clientKey,
    });
    const registry = loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir });
    const live = await readLive({ registry, cwd: dir, env: { KUBECONFIG: `${join(dir, 'one.yaml')}:${join(dir, 'missing.yaml')}:${join(dir, 'other', 'two.yaml')}` } });
    assert.deepEqual(live.failures, []);
    assert.deepEqual(live.clusters, ['studio', 'forge']);
  });

  it('an unreachable cluster, a 401, 403, 404, 500 or a timeout is a finding for that cluster, and the others are read', async () => {
    const ok = await serve(studio);
    const wrongToken = await serve({ ...studio, auth: { token: 'another-token' } });
    const forbidden = await serve({ ...forge, fail: { path: '/apis/apps/v1/deployments', code: 403 } });
    const oldCluster = await serve({ ...forge, fail: { path: '/apis/batch/v1/cronjobs', code: 404 } });
    const broken = await serve({ ...forge, fail: { path: '/api/v1/pods', code: 500 } });
    const slow = await serve({ ...forge, fail: { path: '/api/v1/services', code: 'slow' } });
    const names = ['ok', 'unauthorized', 'forbidden', 'old', 'broken', 'slow', 'gone', 'nowhere'];
    const registry = `version: 1\n\nclusters:\n${names.map((n) => `  ${n}:\n    context: ${n}-ctx\n`).join('')}\nservices:\n  grafana:\n    namespace: observability\n    port: 30400\n`;
    const dir = workspace(
      [
        { name: 'ok-ctx', url: ok.url, auth: studio.auth },
        { name: 'unauthorized-ctx', url: wrongToken.url, auth: studio.auth },
        { name: 'forbidden-ctx', url: forbidden.url, auth: forge.auth },
        { name: 'old-ctx', url: oldCluster.url, auth: forge.auth },
        { name: 'broken-ctx', url: broken.url, auth: forge.auth },
        { name: 'slow-ctx', url: slow.url, auth: forge.auth },
        { name: 'gone-ctx', url: 'https://127.0.0.1:1', auth: studio.auth },
      ],
      registry,
    );
    let reading = 0;
    let mostAtOnce = 0;
    const result = await checkLive({
      registry: loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir }),
      kubeconfig: 'kubeconfig.yaml',
      cwd: dir,
      env: {},
      concurrency: 3,
      timeoutMs: 3000,
      onCluster: (event) => {
        reading += event.state === 'reading' ? 1 : -1;
        mostAtOnce = Math.max(mostAtOnce, reading);
      },
    });
    assert.ok(mostAtOnce <= 3 && mostAtOnce >= 2, `clusters read at once: ${mostAtOnce}`);
    const unreachable = Object.fromEntries(result.findings.filter((f) => f.ruleId === 'cluster-unreachable').map((f) => [f.cluster, `${f.messageId}: ${f.message}`]));
    assert.equal(unreachable.ok, undefined);
    assert.deepEqual(Object.keys(unreachable).sort(), ['broken', 'forbidden', 'gone', 'nowhere', 'old', 'slow', 'unauthorized']);
    assert.match(unreachable.unauthorized!, /^refused: .*cannot list services: 401 Unauthorized/);
    assert.match(unreachable.forbidden!, /^refused: .*cannot list deployments\.apps: 403 Forbidden: deployments\.apps is forbidden: User "portolan-reader" cannot list resource "deployments" in API group "apps" at the cluster scope/);
    assert.match(unreachable.old!, /^failed: .*cannot list cronjobs\.batch: 404 Not Found: the server could not find the requested resource/);
    assert.match(unreachable.broken!, /^failed: .*cannot list pods: 500 HTTP error: Internal error occurred: etcdserver: request timed out/);
    assert.match(unreachable.slow!, /^timeout: .*no answer within 3 s \(reading services\)/);
    assert.match(unreachable.gone!, /^unreachable: cannot reach live cluster gone \(context gone-ctx\): .*ECONNREFUSED/);
    assert.match(unreachable.nowhere!, /^noContext: .*no context "nowhere-ctx"/);
    // The cluster that answered is checked as usual.
    assert.deepEqual(result.live.clusters, ['ok']);
    assert.ok(result.findings.some((f) => f.ruleId === 'unregistered-port' && f.messageId === 'liveUnregistered' && f.cluster === 'ok' && f.port === 30455));
    const drift = Object.fromEntries(result.drift.clusters.map((c) => [c.cluster, c]));
    assert.deepEqual({ ...drift.ok!, findings: undefined }, { cluster: 'ok', up: true, nodePorts: 2, hostPorts: 2, automaticNodePorts: 1, findings: undefined });
    assert.equal(drift.ok!.findings['unregistered-port'], 1);
    assert.equal(drift.slow!.up, false);
    assert.equal(drift.slow!.reason, 'timeout');
    assert.equal(drift.forbidden!.findings['cluster-unreachable'], 1);
  });
});

describe('check --live, snapshot, check --live-snapshot and scan --live', () => {
  let dir: string;
  before(async () => {
    const [a, b] = [await serve(studio), await serve(forge)];
    dir = workspace([
      { name: 'kind-studio', url: a.url, auth: studio.auth },
      { name: 'forge-admin@forge', url: b.url, auth: forge.auth },
    ]);
  });

  it('check --live reports drift in both clusters, naming objects as kubectl does, and exits 1', async () => {
    const run = await runCli(['check', '--live', '--kubeconfig', 'kubeconfig.yaml'], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /svc\/debug -n default {2}error {4}live node port 30455 of svc\/debug -n default in cluster studio is not in the registry {2}unregistered-port/);
    // Forge was read (no cluster-unreachable) and runs only what the registry plans: nothing to say about it.
    assert.doesNotMatch(run.stdout, /cluster-unreachable/);
    assert.doesNotMatch(run.stdout, /^cluster forge$/m, 'forge runs only what the registry plans');
    // In SARIF every live finding sits at its cluster's entry in the registry, as code scanning needs a file.
    const schema = JSON.parse(read(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')));
    const validate = new (AjvDraft04 as unknown as typeof AjvDraft04.default)({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    const text = (await runCli(['check', '--live', '--kubeconfig', 'kubeconfig.yaml', '--format', 'sarif'], dir)).stdout;
    assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2));
    const sarif = JSON.parse(text) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const debug = sarif.runs[0].results.find((r: { message: { text: string } }) => r.message.text.includes('svc/debug -n default'));
    assert.deepEqual(debug.locations[0].physicalLocation, { artifactLocation: { uri: 'portolan.yaml' }, region: { startLine: 10, startColumn: 3 } });
    const json = JSON.parse((await runCli(['check', '--live', '--kubeconfig', 'kubeconfig.yaml', '--cluster', 'forge', '--format', 'json'], dir)).stdout);
    // Only the registry's own dynamic-band warnings: forge runs what the plan says.
    assert.deepEqual(json.findings.filter((f: { ruleId: string }) => f.ruleId !== 'dynamic-band').map((f: { message: string }) => f.message), []);
    assert.equal(json.summary.errors, 0);
  });

  it('snapshot writes what a cluster runs, without its secrets, and check --live-snapshot finds the same', async () => {
    const snapshot = await runCli(['snapshot', '--cluster', 'studio', '--kubeconfig', 'kubeconfig.yaml'], dir);
    assert.equal(snapshot.code, 0, snapshot.stderr);
    const list = JSON.parse(snapshot.stdout);
    assert.equal(list.kind, 'List');
    assert.equal(list.portolan.cluster, 'studio');
    assert.doesNotMatch(snapshot.stdout, /not-for-snapshots|ghcr\.io/, 'environment values and images are left out');
    writeFileSync(join(dir, 'live.json'), snapshot.stdout);
    const live = JSON.parse((await runCli(['check', '--live', '--kubeconfig', 'kubeconfig.yaml', '--cluster', 'studio', '--format', 'json'], dir)).stdout);
    const offline = JSON.parse((await runCli(['check', '--live-snapshot', 'live.json', '--format', 'json'], dir)).stdout);
    const summary = (findings: { ruleId: string; messageId: string; port?: number }[]) => findings.map((f) => `${f.ruleId} ${f.messageId} ${f.port}`).sort();
    assert.ok(live.findings.length > 0);
    assert.deepEqual(summary(offline.findings), summary(live.findings));
    // From the snapshot, places are lines of the file.
    assert.ok(offline.findings.every((f: { locations: { file: string; line: number }[] }) => f.locations[0]!.file !== 'live.json' || f.locations[0]!.line > 1));
  });

  it('check --live-snapshot reads plain kubectl get svc,pods -A -o json output, naming its cluster', async () => {
    const items = [
      { apiVersion: 'v1', kind: 'Service', ...(service('grafana', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30401 }]) as object) },
      { apiVersion: 'v1', kind: 'Pod', ...(exporter.pod as object) },
    ];
    writeFileSync(join(dir, 'kubectl.json'), JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4));
    const run = await runCli(['check', '--live-snapshot', 'studio=kubectl.json', '--format', 'json'], dir);
    const findings = JSON.parse(run.stdout).findings as { ruleId: string; messageId: string; message: string; locations: { file: string; line: number }[] }[];
    const mismatch = findings.find((f) => f.messageId === 'liveMismatch');
    assert.ok(mismatch, run.stdout);
    assert.equal(mismatch.message, 'live svc/grafana -n observability uses port 30401 in cluster studio, but the registry gives grafana 30400');
    assert.equal(mismatch.locations[0]!.file, 'kubectl.json');
    assert.equal(read(join(dir, 'kubectl.json')).split('\n')[mismatch.locations[0]!.line - 1]!.trim(), '"nodePort": 30401');
    // Without a cluster name and with two clusters in the registry, it cannot say which.
    const unnamed = await runCli(['check', '--live-snapshot', 'kubectl.json'], dir);
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /kubectl\.json does not say which cluster it was read from; name it: --live-snapshot CLUSTER=kubectl\.json/);
    assert.equal((await runCli(['check', '--live-snapshot', 'kubectl.json', '--cluster', 'studio', '--format', 'json'], dir)).code, 1);
  });

  it('check --repo with --live-snapshot compares Git with the snapshot too (the CI job of the README)', async () => {
    const snapshot = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [
      { apiVersion: 'v1', kind: 'Service', ...(service('grafana', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30401, written: true }]) as object) },
      { apiVersion: 'v1', kind: 'Service', ...(service('jupyter', 'ml-inference', 'NodePort', [{ name: 'http', port: 8888, nodePort: 30117 }], { manager: 'kubectl-expose' }) as object) },
    ] };
    writeFileSync(join(dir, 'studio-live.json'), JSON.stringify(snapshot));
    const run = await runCli(['check', 'examples/gitops', '--repo', 'examples/gitops', '--live-snapshot', `studio=${join(dir, 'studio-live.json')}`, '--format', 'json'], ROOT);
    assert.equal(run.code, 1, run.stderr);
    const found = (JSON.parse(run.stdout).findings as { ruleId: string; messageId: string; port?: number; cluster?: string; service?: string }[]).filter((f) => f.cluster === 'studio');
    const ids = (rule: string) => found.filter((f) => f.ruleId === rule).map((f) => `${f.messageId} ${f.port}`).sort();
    // Git sets 30401 for grafana as the snapshot runs; jupyter is in no manifest; loki, otel-collector and the agents run nowhere.
    assert.deepEqual(ids('out-of-sync'), ['notInGit 30117', 'notRunning 30220', 'notRunning 30222', 'notRunning 30402', 'notRunning 30431']);
    const notRunning = found.filter((f) => f.messageId === 'liveNotDeployed').map((f) => f.service).sort();
    assert.deepEqual(notRunning, ['agent-bruno', 'loki', 'otel-collector']);
  });

  it('the README\'s ClusterRole grants list on every resource a live read lists', () => {
    const readme = read(join(ROOT, 'README.md'));
    const role = readme.slice(readme.indexOf('kind: ClusterRole'), readme.indexOf('```', readme.indexOf('kind: ClusterRole')));
    for (const resource of LIVE_RESOURCES) {
      const [name, group = ''] = resource.split(/\.(.*)/);
      assert.match(role, new RegExp(`apiGroups: \\[${group ? group : '""'}\\]\\n    resources: \\[[^\\]]*\\b${name}\\b`), resource);
    }
  });

  it('a file that is no snapshot, an unknown cluster or a missing kubeconfig is exit 2 with a clear message', async () => {
    writeFileSync(join(dir, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    const notList = await runCli(['check', '--live-snapshot', 'deployment.yaml'], dir);
    assert.equal(notList.code, 2);
    assert.match(notList.stderr, /^portolan: deployment\.yaml:1:1: deployment\.yaml: not a snapshot \(found kind Deployment, expected a List with items\)/);
    writeFileSync(join(dir, 'broken.json'), '{"apiVersion": "v1", "kind": "List", "items": [\n  {"kind": "Service",\n');
    const device = await runCli(['check', '--live-snapshot', '/dev/zero'], dir);
    assert.equal(device.code, 2);
    assert.match(device.stderr, /^portolan: \/dev\/zero is a device; only regular files are read$/m);
    const broken = await runCli(['check', '--live-snapshot', 'broken.json'], dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^portolan: broken\.json:\d+:\d+: /);
    const unknown = await runCli(['check', '--live', '--kubeconfig', 'kubeconfig.yaml', '--cluster', 'studoi'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown cluster "studoi"; did you mean "studio"\?/);
    const missing = await runCli(['check', '--live', '--kubeconfig', 'nope.yaml'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml: cannot read this kubeconfig/);
    assert.doesNotMatch(missing.stderr + unknown.stderr + broken.stderr, /\n\s+at /, 'no stack trace');
    const notLive = await runCli(['check', '--kubeconfig', 'kubeconfig.yaml'], dir);
    assert.equal(notLive.code, 2);
    assert.match(notLive.stderr, /--kubeconfig is for --live/);
    const scanNotLive = await runCli(['scan', '.', '--cluster', 'studio'], dir);
    assert.equal(scanNotLive.code, 2);
    assert.match(scanNotLive.stderr, /--cluster is for --live/);
  });

  it('scan --live lists each cluster\'s node ports and host ports, and which Kubernetes chose', async () => {
    const run = await runCli(['scan', '--live', '--kubeconfig', 'kubeconfig.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /cluster studio \(context kind-studio, https:\/\/127\.0\.0\.1:\d+\)/);
    assert.match(run.stdout, /30455 +TCP +nodePort \(chosen by Kubernetes\) +svc\/debug -n default/);
    assert.match(run.stdout, /9100 +TCP +hostPort +ds\/node-exporter -n monitoring metrics/);
    assert.match(run.stdout, /2 clusters read; 7 ports/);
    const json = JSON.parse((await runCli(['scan', '--live', '--kubeconfig', 'kubeconfig.yaml', '--format', 'json'], dir)).stdout);
    assert.deepEqual(json.clusters.map((c: { cluster: string }) => c.cluster), ['studio', 'forge']);
    assert.equal((await runCli(['scan', 'somewhere', '--live'], dir)).code, 2);
  });

  it('snapshot of a cluster that refuses is exit 2 and prints nothing; a bad --live-timeout is exit 2', async () => {
    const refusing = await serve({ ...studio, fail: { path: '/api/v1/pods', code: 403 } });
    const other = workspace([{ name: 'kind-studio', url: refusing.url, auth: studio.auth }]);
    const run = await runCli(['snapshot', '--cluster', 'studio', '--kubeconfig', 'kubeconfig.yaml'], other);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^portolan: cannot read cluster studio \(context kind-studio\): cannot list pods: 403 Forbidden: pods is forbidden/);
    assert.match((await runCli(['snapshot', '--kubeconfig', 'kubeconfig.yaml'], other)).stderr, /name the one cluster to read/);
    const scan = await runCli(['scan', '--live', '--kubeconfig', 'kubeconfig.yaml'], other);
    assert.equal(scan.code, 0);
    assert.match(scan.stdout, /could not read\n  cluster studio \(context kind-studio\): forbidden: cannot list pods: 403 Forbidden/);
    assert.match(scan.stdout, /0 clusters read; 0 ports; 2 unreadable\n$/);
    const timeout = await runCli(['check', '--live', '--live-timeout', '0'], dir);
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /--live-timeout "0" is not a number of seconds/);
  });

  it('the built CLI reads the clusters KUBECONFIG names, with the client bundled', async () => {
    const run = await new Promise<{ code: number | null; stdout: string }>((done) => {
      execFile(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', '--live', '--format', 'json'], { cwd: dir, env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig.yaml') } }, (error, stdout) =>
        done({ code: error ? (error.code as number) : 0, stdout }),
      );
    });
    assert.equal(run.code, 1);
    const findings = JSON.parse(run.stdout).findings as { ruleId: string; messageId: string; cluster?: string }[];
    assert.ok(findings.some((f) => f.messageId === 'liveUnregistered' && f.cluster === 'studio'));
    assert.ok(!findings.some((f) => f.ruleId === 'cluster-unreachable'));
  });

  it('a terminal gets one progress line per cluster on stderr; JSON output gets none', async () => {
    const { main } = await import('../../src/cli/main.ts');
    for (const format of ['text', 'json']) {
      let stderr = '';
      await main(['check', '--live', '--kubeconfig', 'kubeconfig.yaml', '--format', format], { stdout: () => {}, stderr: (t) => (stderr += t), color: false, cwd: dir, progress: true });
      if (format === 'json') assert.equal(stderr, '');
      else {
        assert.match(stderr, /cluster studio \(kind-studio\): reading\n/);
        assert.match(stderr, /cluster studio \(kind-studio\): 4 services, 2 pods, 4 workloads\n/);
        assert.match(stderr, /cluster forge \(forge-admin@forge\): 2 services, 0 pods, 0 workloads\n/);
      }
    }
  });
});

describe('the README', () => {
  it('shows what check --live prints for two kind clusters of examples/gitops', async () => {
    const forgeCluster = await serve({
      auth: { certificateName: 'portolan-reader' },
      objects: {
        '/api/v1/services': [
          service('vllm', 'ml-inference', 'NodePort', [{ name: 'http', port: 8000, nodePort: 30100, written: true }]),
          service('jupyter', 'ml-inference', 'NodePort', [{ name: 'http', port: 8888, nodePort: 30117 }], { manager: 'kubectl-expose' }),
        ],
      },
    });
    const studioCluster = await serve({
      auth: { token: 'c3R1ZGlvLXJlYWRlcg' },
      objects: {
        '/api/v1/services': [
          service('grafana', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30401, written: true }]),
          service('loki-gateway', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30402, written: true }], { helmRelease: 'loki' }),
          service('otel-collector', 'observability', 'NodePort', [{ name: 'otlp-grpc', port: 4317, nodePort: 30431, written: true }]),
          service('agent-bruno', 'default', 'NodePort', [{ port: 8080, nodePort: 30220, written: true }]),
          service('agent-jamie', 'default', 'NodePort', [{ port: 8080, nodePort: 30222, written: true }]),
        ],
      },
    });
    const config = tempFolder({
      config: kubeconfigFor(certificates, [
        { name: 'kind-forge', url: forgeCluster.url, auth: { certificateName: 'portolan-reader' } },
        { name: 'kind-studio', url: studioCluster.url, auth: { token: 'c3R1ZGlvLXJlYWRlcg' } },
      ]),
    });
    const run = await runCli(['check', 'examples/gitops', '--live', '--kubeconfig', join(config, 'config')], ROOT);
    const readme = read(join(ROOT, 'README.md'));
    const shown = readme.split('$ portolan check examples/gitops --live\n')[1]!.split('```')[0]!;
    assert.equal(run.stdout, shown);
    assert.equal(run.code, 1);
  });
});
