import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { addressTarget } from '../src/core/mesh.ts';
import { meshRoutes } from '../src/engine/mesh.ts';
import { listAllocations, portPlan } from '../src/engine/queries.ts';
import { parseRegistry, loadRegistry } from '../src/registry/load.ts';
import { portDocumentRegions } from '../src/reporters/port-document.ts';
import { checkRegistry } from '../src/engine/check.ts';
import { ruleIds } from '../src/rules/index.ts';
import { addressesIn } from '../src/sources/mesh/index.ts';
import { scanRepo } from '../src/sources/gitops-repo/index.ts';
import { fixture, ROOT, runCli, tempFolder } from './helpers.ts';

const registry = parseRegistry(
  'portolan.yaml',
  `version: 1
clusters:
  forge: {}
  studio: {}
services:
  vllm:
    namespace: ml-inference
    clusters: [forge]
    port: { port: 30100, servicePort: 8000 }
  linkerd-gateway:
    namespace: linkerd-multicluster
    clusters: [forge]
    ports:
      mc-gateway: { port: 30143, servicePort: 4143 }
      mc-probe: { port: 30191, servicePort: 4191 }
mesh:
  address: "{service}.{namespace}.svc.{cluster}.remote"
  gateway: linkerd-gateway
  links:
    studio: [forge]
  exports:
    vllm: [forge]
`,
  { ruleIds },
);

describe('the mesh', () => {
  it('tells which service of which cluster a host names, by the mirror name or the pattern, and nothing else', () => {
    assert.deepEqual(pick(addressTarget(registry, 'vllm-forge')), ['vllm', 'forge', 'mirror']);
    assert.deepEqual(pick(addressTarget(registry, 'vllm-forge.ml-inference.svc.cluster.local')), ['vllm', 'forge', 'mirror']);
    assert.deepEqual(pick(addressTarget(registry, 'vllm.ml-inference.svc.forge.remote')), ['vllm', 'forge', 'pattern']);
    // The pattern names a service the registry does not have: still another cluster's address.
    assert.deepEqual(pick(addressTarget(registry, 'ollama.ml-inference.svc.forge.remote')), ['ollama', 'forge', 'pattern']);
    for (const host of ['vllm-forge.example.com', 'vllm-forge.other-namespace', 'ollama-forge', 'vllm', 'vllm.ml-inference.svc.cluster.local', 'vllm-studio']) {
      assert.equal(addressTarget(registry, host), undefined, host);
    }
  });

  it('reads URLs with their default port and bare HOST:PORT, and leaves single words alone', () => {
    assert.deepEqual(
      addressesIn('base: http://vllm-forge:8000/v1, tls https://grafana-studio.observability, raw vllm-forge.ml-inference:8000; localhost:8080').map((a) => [a.host, a.port]),
      [['vllm-forge', 8000], ['grafana-studio.observability', 443], ['vllm-forge.ml-inference', 8000]],
    );
  });

  it('says how each linked cluster reaches each exported service: mirror, address, Service and node port', () => {
    assert.deepEqual(meshRoutes(registry, { service: 'vllm' }), [
      {
        service: 'vllm',
        from: 'studio',
        to: 'forge',
        mode: 'gateway',
        namespace: 'ml-inference',
        mirrorHost: 'vllm-forge.ml-inference.svc.cluster.local',
        mirror: 'vllm-forge',
        host: 'vllm.ml-inference.svc.forge.remote',
        ports: [{ port: 8000, nodePort: 30100, address: 'vllm.ml-inference.svc.forge.remote:8000' }],
      },
    ]);
    assert.deepEqual(meshRoutes(registry, { from: 'forge' }), []);
    assert.throws(() => meshRoutes(registry, { service: 'vlm' }), /no service "vlm"[\s\S]*/);
  });

  it('plans the gateway and probe node ports like any, and the document names them', () => {
    assert.deepEqual(listAllocations(registry, { services: ['linkerd-gateway'] }).map((c) => [c.cluster, c.portName, c.port]), [['forge', 'mc-gateway', 30143], ['forge', 'mc-probe', 30191]]);
    assert.deepEqual(checkRegistry(registry).findings.filter((f) => f.ruleId !== 'unreserved-port'), []);
    const access = portDocumentRegions(portPlan(registry, checkRegistry(registry))).access.join('\n');
    assert.match(access, /Multicluster gateway: `linkerd-gateway` in `linkerd-multicluster`, node ports mc-gateway 30143 \(Service port 4143\), mc-probe 30191 \(Service port 4191\)/);
    assert.match(access, /### From studio\n\n\| Service \| In cluster \| Address \|[^\n]*\n\|---[^\n]*\n\| `vllm` \| forge \| `vllm.ml-inference.svc.forge.remote:8000` \| `vllm-forge` \| 8000 \| 30100 \| gateway \|/);
  });

  it('refuses mesh entries that name no cluster or service, at their line and column', async () => {
    const dir = tempFolder({
      'portolan.yaml': 'version: 1\nclusters:\n  forge: {}\nservices:\n  vllm: { port: 30100 }\nmesh:\n  gateway: linkerd-gw\n  links:\n    studio: [forge]\n    forge: [forge]\n  exports:\n    vlm: [forge]\n  addresses:\n    - { url: "http://vllm-forge:8000", from: [stuido] }\n',
    });
    const run = await runCli(['check'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /portolan\.yaml:7:12: no service "linkerd-gw" in services, in mesh\.gateway/);
    assert.match(run.stderr, /portolan\.yaml:9:5: no cluster "studio" in clusters, in mesh\.links/);
    assert.match(run.stderr, /portolan\.yaml:10:13: cluster forge is linked to itself/);
    assert.match(run.stderr, /portolan\.yaml:12:5: no service "vlm" in services, in mesh\.exports/);
    assert.match(run.stderr, /portolan\.yaml:14:47: no cluster "stuido" in clusters, in mesh\.addresses\[0\]\.from/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('reads addresses from files the scan would otherwise not parse (a Deployment with no port of its own)', () => {
    const dir = fixture('rules', 'cross-cluster-address', 'flagged-repo-addresses');
    const scanned = loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir });
    const observed = scanRepo('repo', { registry: scanned, cwd: dir });
    assert.deepEqual(observed.mesh!.addresses.map((a) => [a.cluster, a.object.kind, a.host, a.port]).sort(), [
      ['forge', 'ConfigMap', 'prometheus-forge.observability.svc.cluster.local', 9090],
      ['forge', 'Deployment', 'vllm-forge.ml-inference.svc.cluster.local', 30100],
      ['pro', 'HelmRelease', 'grafana.observability.svc.studio.remote', 80],
    ].map(([, ...rest]) => rest).map((rest, i) => [['studio', 'studio', 'pro'][i], ...rest]).sort());
    assert.equal(observed.services.find((s) => s.object.name === 'vllm')!.meshExport!.value, 'true');
  });

  it('reads a Link as the source cluster linked to its target', () => {
    const dir = fixture('rules', 'cross-cluster-address', 'clean-repo-traps');
    const observed = scanRepo('repo', { registry: loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir }), cwd: dir });
    assert.deepEqual(observed.mesh!.links.map((l) => [l.cluster, l.target, l.at.line]), [['studio', 'forge', 37]]);
  });

  it('`who` says how other clusters reach the holder of a node port, at its Service port', async () => {
    const run = await runCli(['who', '30040', 'examples/homelab'], ROOT);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^ {2}from forge to grafana in studio: http:\/\/grafana\.observability\.svc\.studio\.remote:80 \(Linkerd mirror grafana-studio; Service port 80, not 30040\)$/m);
    assert.match(run.stdout, /^ {2}from pro to grafana in studio: /m);
    const json = JSON.parse((await runCli(['who', '30100', 'examples/homelab', '--json'], ROOT)).stdout);
    assert.deepEqual(json.mesh.map((r: { from: string; ports: { port: number }[] }) => [r.from, r.ports[0]!.port]), [['studio', 8000]]);
  });
});

function pick(target: ReturnType<typeof addressTarget>): [string, string, string] | undefined {
  return target ? [target.name, target.cluster, target.naming] : undefined;
}
