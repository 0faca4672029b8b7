import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers.ts';
import { kubeconfigFor, makeCertificates, startApiServer, type FakeApiServer } from '../live/api-server.ts';
import { service } from '../live/objects.ts';
import { served } from './served.ts';

// One cluster that runs Grafana as planned and a Service made by hand that nobody planned.
const REGISTRY = `version: 1
ranges:
  observability:
    ports: 30400-30499
clusters:
  studio:
    context: kind-studio
services:
  grafana:
    range: observability
    namespace: observability
    port: 30400
`;

describe('serve --live-interval', () => {
  let cluster: FakeApiServer;
  let server: Awaited<ReturnType<typeof served>>;
  before(async () => {
    const certificates = makeCertificates();
    cluster = await startApiServer(certificates, {
      auth: { token: 'c3R1ZGlvLXJlYWRlcg' },
      objects: {
        '/api/v1/services': [
          service('grafana', 'observability', 'NodePort', [{ name: 'http', port: 80, nodePort: 30400, written: true }]),
          service('debug', 'default', 'NodePort', [{ port: 8080, nodePort: 30455 }], { manager: 'kubectl-expose' }),
        ],
      },
    });
    const kubeconfig = kubeconfigFor(certificates, [{ name: 'kind-studio', url: cluster.url, auth: { token: 'c3R1ZGlvLXJlYWRlcg' } }]);
    server = await served({ live: { intervalMs: 60_000, timeoutMs: 10_000, env: {}, kubeconfig: 'kubeconfig.yaml' } }, { 'portolan.yaml': REGISTRY, 'kubeconfig.yaml': kubeconfig });
  });
  after(async () => {
    await server.app.close();
    await cluster.close();
  });

  test('serves the last live check at /v1/findings?source=live and its drift as metrics', async () => {
    // The first check may still be running: ask until it has answered, a bounded number of times.
    let body: { findings: { ruleId: string; message: string; cluster: string }[] } | undefined;
    for (let attempt = 0; attempt < 100 && body === undefined; attempt++) {
      const response = await server.call('GET', '/v1/findings?source=live');
      if (response.status === 200) body = (await response.json()) as typeof body;
      else {
        assert.equal(response.status, 503, await response.text());
        assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
        if (attempt === 0) continue;
        await new Promise((done) => setTimeout(done, 100));
      }
    }
    assert.ok(body, 'the live check answered');
    assert.deepEqual(
      body.findings.filter((f) => f.ruleId === 'unregistered-port').map((f) => f.message),
      ['live node port 30455 of svc/debug -n default in cluster studio is not in the registry'],
    );
    const filtered = (await (await server.call('GET', '/v1/findings?source=live&rule=auto-assigned-nodeport')).json()) as typeof body;
    assert.deepEqual([...new Set(filtered.findings.map((f) => f.ruleId))], ['auto-assigned-nodeport']);
    const studio = (await (await server.call('GET', '/v1/findings?source=live&cluster=studio&severity=error')).json()) as typeof body;
    assert.deepEqual(studio.findings.map((f) => [f.ruleId, f.cluster]), [['unregistered-port', 'studio']]);
    const metrics = await (await server.call('GET', '/metrics')).text();
    assert.match(metrics, /^portolan_live_cluster_up\{cluster="studio"\} 1$/m);
    assert.match(metrics, /^portolan_live_findings\{cluster="studio",rule="unregistered-port"\} 1$/m);
    assert.match(metrics, /^portolan_live_automatic_nodeports\{cluster="studio"\} 1$/m);
  });
});

test('without --live-interval, source=live is a 404 problem that says how to start it', async () => {
  const server = await served({}, { 'portolan.yaml': REGISTRY });
  try {
    const response = await server.call('GET', '/v1/findings?source=live');
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { detail: string }).detail, /--live-interval 60s/);
  } finally {
    await server.app.close();
  }
});

test('serve refuses a --live-interval that is not a duration, and --kubeconfig without it', async () => {
  const bad = await runCli(['serve', '--live-interval', '0s'], '/');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^portolan: --live-interval "0s" is not a duration from 1s to 24h; give one such as 60s or 5m$/m);
  const lonely = await runCli(['serve', '--kubeconfig', 'k.yaml', '--registry', 'nope.yaml'], '/');
  assert.equal(lonely.code, 2);
  assert.match(lonely.stderr, /--kubeconfig is for --live-interval/);
});
