import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { setNodePorts } from '../../src/manifests/node-port-edit.ts';

const SERVICES = `---
# two Services in one file
apiVersion: v1
kind: Service
metadata:
  name: knative-lambda
spec:
  type: NodePort
  ports:
    - name: builder
      port: 8080
      nodePort: 30300   # builder API
    - name: metrics
      port: 9090
      nodePort: 30301
---
apiVersion: v1
kind: Service
metadata:
  name: other
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30300
`;

const HELM_RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: grafana
  namespace: observability
spec:
  interval: 10m
  chart:
    spec:
      chart: grafana
  values:
    # exposed on the nodes
    service:
      type: NodePort
      port: 80
      nodePort: 30040 # UI
    persistence:
      enabled: true
`;

test('the named port of the matching Service changes; the other Service and every other byte stay', () => {
  const edit = setNodePorts('svc.yaml', SERVICES, { names: ['knative-lambda'], ports: [{ name: 'metrics', from: 30301, to: 30305 }] });
  assert.equal(edit.text, SERVICES.replace('      nodePort: 30301\n', '      nodePort: 30305\n'));
  assert.deepEqual(edit.changes, ['Service knative-lambda spec.ports[1].nodePort: 30305']);
  assert.deepEqual(edit.warnings, []);
});

test('a port without a name is found by its current node port', () => {
  const edit = setNodePorts('svc.yaml', SERVICES, { names: ['knative-lambda'], ports: [{ from: 30300, to: 30310 }] });
  assert.equal(edit.text, SERVICES.replace('nodePort: 30300   # builder API', 'nodePort: 30310   # builder API'));
});

test("a HelmRelease's nodePort under spec.values is found, or taken from --values-path", () => {
  const found = setNodePorts('grafana.yaml', HELM_RELEASE, { names: ['grafana'], ports: [{ from: 30040, to: 30400 }] });
  assert.equal(found.text, HELM_RELEASE.replace('nodePort: 30040 # UI', 'nodePort: 30400 # UI'));
  assert.deepEqual(found.changes, ['HelmRelease grafana spec.values.service.nodePort: 30400']);
  const given = setNodePorts('grafana.yaml', HELM_RELEASE, { names: ['grafana'], ports: [{ to: 30401 }], valuesPath: 'service.nodePort' });
  assert.equal(given.text, HELM_RELEASE.replace('nodePort: 30040 # UI', 'nodePort: 30401 # UI'));
  const created = setNodePorts('grafana.yaml', HELM_RELEASE, { names: ['grafana'], ports: [{ to: 30402 }], valuesPath: 'ui.nodePort' });
  assert.equal(created.text, HELM_RELEASE.replace('    persistence:\n      enabled: true\n', '    persistence:\n      enabled: true\n    ui:\n      nodePort: 30402\n'));
});

test('a Service without a nodePort gets one after its port, and a ClusterIP Service is warned about', () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: agent\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n';
  const edit = setNodePorts('agent.yaml', text, { names: ['agent'], ports: [{ to: 30200 }] });
  assert.equal(edit.text, text.replace('    - port: 80\n', '    - port: 80\n      nodePort: 30200\n'));
  assert.match(edit.warnings[0] ?? '', /type ClusterIP/);
});

test('no matching Service, or several candidate keys, is an input error that says what is there', () => {
  assert.throws(() => setNodePorts('svc.yaml', SERVICES, { names: ['nope'], ports: [{ to: 1 }] }), (error: InputError) => /it has Service knative-lambda, Service other/.test(error.hint ?? ''));
  const twoKeys = HELM_RELEASE.replace('    persistence:', '    metrics:\n      nodePort: 30041\n    persistence:');
  assert.throws(() => setNodePorts('g.yaml', twoKeys, { names: ['grafana'], ports: [{ to: 30400 }] }), (error: InputError) => /--values-path/.test(error.hint ?? ''));
});

test('an empty nodePort value (the chart default) is filled in, keeping its comment', () => {
  const text = HELM_RELEASE.replace('nodePort: 30040 # UI', 'nodePort:   # filled in by portolan');
  const edit = setNodePorts('grafana.yaml', text, { names: ['grafana'], ports: [{ to: 30400 }] });
  assert.equal(edit.text, text.replace('nodePort:   # filled in by portolan', 'nodePort: 30400   # filled in by portolan'));
});
