import { defineRule } from './rule.ts';
import { kubectlName, objectKey, objectLabel } from '../core/observation.ts';
import type { DeployedPorts, PortClaim } from '../core/types.ts';

/**
 * Git and the live cluster are compared object by object (kind, namespace, name), node ports and
 * host ports, in the clusters both the repository deploys to and the live read reached. A chart's
 * node port (a HelmRelease's values) is matched by number, since its Service is named by the chart.
 * A node port Kubernetes chose for a Service that Git has is auto-assigned-nodeport's, and a
 * Service a Helm release of the repository made may hold ports from the chart's own defaults, so
 * neither is reported here.
 */
export default defineRule({
  meta: {
    description: 'Git sets a port that the live cluster does not run, or the live cluster runs a port that Git does not set.',
    remediation: 'Apply the repository (or find why the sync fails: `flux get kustomizations`, `argocd app get`), or bring the port that was changed by hand into Git.',
    defaultSeverity: 'warning',
    messages: {
      notRunning: 'Git sets {{kind}} {{port}} for {{object}} in cluster {{cluster}}, but the live cluster does not run {{missing}}',
      otherPort: 'Git sets {{kind}} {{port}} for {{object}} in cluster {{cluster}}, but the live object runs {{running}}',
      notInGit: 'live cluster {{cluster}} runs {{kind}} {{port}} of {{object}}, which Git does not set',
    },
  },
  check({ observed, live, report }) {
    if (!observed || !live) return;
    const clusters = live.clusters.filter((c) => observed.clusters.includes(c));
    const git = byObject(observed, clusters);
    const running = byObject(live, clusters);
    const gitServices = new Set(observed.services.map((s) => `${s.cluster}\0${objectKey(s.object)}`));
    const chartPorts = new Set(observed.claims.filter((c) => c.source === 'helm-values').map((c) => `${c.cluster}\0${c.port}`));
    const releases = (cluster: string) => observed.deployedNames.get(cluster) ?? new Set<string>();
    const liveNodePorts = new Set(live.claims.filter((c) => c.kind === 'nodePort').map((c) => `${c.cluster}\0${c.port}`));
    for (const [key, claims] of git) {
      for (const claim of claims) {
        if (claim.source === 'helm-values') {
          if (liveNodePorts.has(`${claim.cluster}\0${claim.port}`)) continue;
        } else if (running.get(key)?.some((c) => c.kind === claim.kind && c.port === claim.port)) continue;
        const object = running.get(key);
        const ports = object?.filter((c) => c.kind === claim.kind).map((c) => c.port) ?? [];
        const data = { kind: kindName(claim), port: claim.port, object: objectLabel(claim), cluster: claim.cluster };
        const common = { cluster: claim.cluster, service: claim.service, port: claim.port, protocol: claim.protocol };
        if (object && claim.source !== 'helm-values') {
          report({ ...common, messageId: 'otherPort', data: { ...data, running: ports.join(', ') || 'none' }, locations: [claim.at, object[0]!.at] });
        } else {
          report({ ...common, messageId: 'notRunning', data: { ...data, missing: claim.source === 'helm-values' ? 'that port' : kubectlName(claim.object!) }, locations: [claim.at] });
        }
      }
    }
    for (const [key, claims] of running) {
      const inGit = git.get(key) ?? [];
      for (const claim of claims) {
        if (inGit.some((c) => c.kind === claim.kind && c.port === claim.port)) continue;
        // Git's side already said which ports the object runs instead of its own.
        if (inGit.some((c) => c.kind === claim.kind && !claims.some((l) => l.kind === c.kind && l.port === c.port))) continue;
        if (claim.kind === 'nodePort') {
          if (chartPorts.has(`${claim.cluster}\0${claim.port}`)) continue;
          // A port Kubernetes chose for a Service that Git has: auto-assigned-nodeport's.
          if (gitServices.has(key) && claim.nodePortOrigin !== 'written') continue;
          if (claim.helmRelease !== undefined && releases(claim.cluster).has(claim.helmRelease)) continue;
        }
        report({
          messageId: 'notInGit',
          data: { kind: kindName(claim), port: claim.port, object: objectLabel(claim), cluster: claim.cluster },
          cluster: claim.cluster,
          service: claim.service,
          port: claim.port,
          protocol: claim.protocol,
          locations: [claim.at],
        });
      }
    }
  },
});

/** The node port and host port claims of the given clusters, by cluster and object. */
function byObject(deployed: DeployedPorts, clusters: readonly string[]): Map<string, PortClaim[]> {
  const groups = new Map<string, PortClaim[]>();
  for (const claim of deployed.claims) {
    if (!clusters.includes(claim.cluster) || claim.source === 'kind-config' || claim.kind === 'servicePort' || !claim.object) continue;
    const key = `${claim.cluster}\0${objectKey(claim.object)}`;
    const group = groups.get(key);
    if (group) group.push(claim);
    else groups.set(key, [claim]);
  }
  return groups;
}

function kindName(claim: PortClaim): string {
  return claim.kind === 'nodePort' ? 'node port' : 'host port';
}
