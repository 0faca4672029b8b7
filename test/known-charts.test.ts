import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortClaim, SkippedValue } from '../src/core/types.ts';
import { releaseClaims, type HelmRelease } from '../src/sources/helm-release/index.ts';
import { KNOWN_CHARTS, knownChart } from '../src/sources/helm-release/known-charts.ts';

/** The ports a release of `chart` with `values` claims, as `kind port path`. */
function ports(chart: string, values: unknown): string[] {
  const release: HelmRelease = {
    object: { kind: 'HelmRelease', name: 'r' },
    releaseName: 'r',
    chart,
    layers: [{ values, locate: (path) => ({ file: 'values.yaml', line: path.length, column: 1 }) }],
    at: { file: 'release.yaml', line: 1, column: 1 },
  };
  const skipped: SkippedValue[] = [];
  return releaseClaims(release, skipped)
    .map((claim: PortClaim) => `${claim.kind} ${claim.port} ${claim.portName}`)
    .sort();
}

/** One case a chart: values that switch its ports on, and the ports that must follow. */
const CASES: Record<string, { values: unknown; expected: string[]; off?: unknown }> = {
  'argo-cd': {
    values: { server: { service: { type: 'NodePort' } } },
    expected: ['nodePort 30080 server.service.nodePortHttp', 'nodePort 30443 server.service.nodePortHttps'],
    off: { server: { service: { type: 'ClusterIP' } } },
  },
  grafana: { values: { service: { type: 'NodePort', nodePort: 30300 } }, expected: ['nodePort 30300 service.nodePort'], off: { service: { type: 'NodePort' } } },
  headlamp: { values: { service: { type: 'NodePort', nodePort: 30466 } }, expected: ['nodePort 30466 service.nodePort'], off: { service: { type: 'NodePort' } } },
  'ingress-nginx': {
    values: { controller: { hostPort: { enabled: true } } },
    expected: ['hostPort 443 controller.hostPort.ports.https', 'hostPort 80 controller.hostPort.ports.http'],
    off: { controller: { hostPort: { enabled: false } } },
  },
  kafka: {
    values: { externalAccess: { enabled: true, controller: { service: { nodePorts: [31090] } } } },
    expected: ['nodePort 31090 externalAccess.controller.service.nodePorts.0'],
    off: { externalAccess: { enabled: true } },
  },
  'kube-prometheus-stack': {
    values: { prometheus: { service: { type: 'NodePort' } }, alertmanager: { service: { type: 'NodePort', nodePort: 30904 } } },
    expected: ['hostPort 9100 prometheus-node-exporter.service.port', 'nodePort 30090 prometheus.service.nodePort', 'nodePort 30904 alertmanager.service.nodePort'],
    off: { nodeExporter: { enabled: false } },
  },
  loki: { values: { gateway: { service: { type: 'NodePort', nodePort: 30410 } } }, expected: ['nodePort 30410 gateway.service.nodePort'], off: {} },
  metallb: { values: {}, expected: ['hostPort 7946 speaker.memberlist.mlBindPort'], off: { speaker: { enabled: false } } },
  minio: {
    values: { service: { type: 'NodePort' }, consoleService: { type: 'NodePort' } },
    expected: ['nodePort 32000 service.nodePort', 'nodePort 32001 consoleService.nodePort'],
    off: { service: { type: 'ClusterIP' } },
  },
  'prometheus-node-exporter': { values: {}, expected: ['hostPort 9100 service.port'], off: { hostNetwork: false } },
  rabbitmq: {
    values: { service: { type: 'NodePort', nodePorts: { amqp: 30672, manager: 31672 } } },
    expected: ['nodePort 30672 service.nodePorts.amqp', 'nodePort 31672 service.nodePorts.manager'],
    off: { service: { type: 'NodePort' } },
  },
  tempo: { values: { tempo: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } } }, expected: [], off: {} },
  traefik: {
    values: { ports: { web: { hostPort: 80, nodePort: 30080 }, websecure: { hostPort: 443 } } },
    expected: ['hostPort 443 ports.websecure.hostPort', 'hostPort 80 ports.web.hostPort', 'nodePort 30080 ports.web.nodePort'],
    off: { ports: { web: { port: 8000 } } },
  },
};

for (const [chart, { values, expected, off }] of Object.entries(CASES)) {
  test(`well-known chart ${chart}: the ports its values switch on, at the chart's defaults`, () => {
    assert.deepEqual(ports(chart, values), [...expected].sort());
    if (off !== undefined) {
      // Switched off, or with no number given where the chart has no default: nothing beyond what is written.
      assert.ok(ports(chart, off).length < expected.length || expected.length === 0, `${chart} with ${JSON.stringify(off)}: ${ports(chart, off).join(', ')}`);
    }
  });
}

test('every chart of the table has its case here, and names resolve from repository and OCI forms', () => {
  assert.deepEqual(Object.keys(CASES).sort(), KNOWN_CHARTS.map((entry) => entry.chart).sort());
  assert.deepEqual(KNOWN_CHARTS.map((entry) => entry.chart), [...KNOWN_CHARTS.map((entry) => entry.chart)].sort());
  assert.equal(knownChart('ingress-nginx/ingress-nginx')?.chart, 'ingress-nginx');
  assert.equal(knownChart('oci://ghcr.io/grafana/helm-charts/grafana')?.chart, 'grafana');
  assert.equal(knownChart('my-own-chart'), undefined);
});
