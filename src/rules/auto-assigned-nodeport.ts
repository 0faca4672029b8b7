import { defineRule } from './rule.ts';
import { objectKey, objectLabel } from '../core/observation.ts';
import type { ObservedService, PortClaim } from '../core/types.ts';

/**
 * Kubernetes picks a node port itself when a Service leaves `nodePort` out, and for a
 * LoadBalancer unless `allocateLoadBalancerNodePorts: false`. Such a port is chosen again on
 * every re-create, anywhere in the cluster's NodePort range, planned or not. The cluster records
 * which field manager wrote each field (`metadata.managedFields`): a node port no manager wrote was
 * chosen. With a repository the same Service in Git without a `nodePort` says so too.
 */
export default defineRule({
  meta: {
    description: 'A live node port that Kubernetes chose itself (no manifest sets it) lies in a range the plan gives out.',
    remediation: 'Write the port the registry gives the service as `nodePort` in its manifest; for a LoadBalancer that needs no node ports, set `allocateLoadBalancerNodePorts: false`.',
    defaultSeverity: 'warning',
    messages: {
      automatic: 'Kubernetes chose node port {{port}} for live {{object}} in cluster {{cluster}}, inside range {{range}}; on a re-create it may take a planned port',
      takesPlanned: 'Kubernetes chose node port {{port}} for live {{object}} in cluster {{cluster}}, and the registry gives {{port}} to {{holder}}',
    },
  },
  check({ claims, ranges, observed, live, report }) {
    if (!live) return;
    const planned = new Map(claims.filter((c) => c.kind === 'nodePort').map((c) => [`${c.cluster}\0${c.port}`, c]));
    const inGit = new Map((observed?.services ?? []).map((s) => [`${s.cluster}\0${objectKey(s.object)}`, s]));
    for (const claim of live.claims) {
      if (claim.kind !== 'nodePort' || !automatic(claim, inGit)) continue;
      const range = ranges.rangesOf(claim.port)[0];
      if (!range) continue;
      const holder = planned.get(`${claim.cluster}\0${claim.port}`);
      const base = { cluster: claim.cluster, range: range.name, service: claim.service, port: claim.port, protocol: claim.protocol };
      if (holder && holder.service !== claim.service) {
        report({ ...base, messageId: 'takesPlanned', data: { port: claim.port, object: objectLabel(claim), cluster: claim.cluster, holder: holder.service }, locations: [claim.at, holder.at] });
      } else {
        report({ ...base, messageId: 'automatic', data: { port: claim.port, object: objectLabel(claim), cluster: claim.cluster, range: range.name }, locations: [claim.at] });
      }
    }
  },
});

/** Whether Kubernetes chose the node port: the cluster says so, or Git has the Service with that port and no nodePort. */
function automatic(claim: PortClaim, inGit: ReadonlyMap<string, ObservedService>): boolean {
  if (claim.nodePortOrigin !== undefined) return claim.nodePortOrigin === 'automatic';
  if (!claim.object) return false;
  const service = inGit.get(`${claim.cluster}\0${objectKey(claim.object)}`);
  const port = service?.ports.find((p) => p.port === claim.servicePort && p.protocol === claim.protocol);
  return port !== undefined && port.nodePort === undefined;
}
